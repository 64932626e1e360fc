/**
 * Cancellation of an action's run: the runner sends SIGINT/SIGTERM when a job is cancelled or
 * times out; the entry then stops its pipeline and still writes the report with the last known
 * state.
 */
import type { Logger } from './logger.js'

/** After SIGINT/SIGTERM, how long the pipeline may take to stop before the report is written anyway. */
export const CANCEL_GRACE_MS = 1500

export interface CancellationWatch {
  /** Aborted on the first SIGINT or SIGTERM. */
  signal: AbortSignal
  /** Stops listening for the signals. */
  dispose(): void
}

/** Listens for SIGINT/SIGTERM until disposed; the first one aborts `signal` (with a warning). */
export function watchCancellation(log: Pick<Logger, 'warning'>): CancellationWatch {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    log.warning(`Received ${signal}: stopping, and writing the report with the last known state.`)
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
    }
  }
}

/**
 * Waits for the pipeline: its end, or, once cancelled, at most `graceMs` more, so the report is
 * written with the last known state even when a request is still hanging.
 */
export async function raceCancellation(
  pipeline: Promise<void>,
  signal: AbortSignal,
  graceMs = CANCEL_GRACE_MS
): Promise<void> {
  // Once the race is lost to a cancellation, a later failure of the pipeline is not news; without
  // this handler it would be an unhandled rejection that ends the process before the report.
  pipeline.catch(() => undefined)
  const cancelled = new Promise<void>(resolve => {
    if (signal.aborted) resolve()
    signal.addEventListener('abort', () => setTimeout(resolve, graceMs).unref(), { once: true })
  })
  await Promise.race([pipeline, cancelled])
}
