/**
 * How an action's entry waits for its pipeline when the run may be cancelled (SIGINT/SIGTERM):
 * the pipeline's end, or, once cancelled, at most `graceMs` more, so the report is written with
 * the last known state even when a request is still hanging.
 */
export async function raceCancellation(
  pipeline: Promise<void>,
  signal: AbortSignal,
  graceMs: number
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
