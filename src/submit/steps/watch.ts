import type { AgentStatus } from '../../arena/model.js'
import type { Clock } from '../../clock.js'

/** How a watch ended. */
export type WatchEnd =
  /** The state is terminal (active, deploy_failed, upload_failed, deleted). */
  | 'terminal'
  /** The server says nothing more will happen (current wire: is_settled) in a non-terminal state. */
  | 'settled'
  /** The state stayed created/upload_validated past the grace period: the deploy never started. */
  | 'stuck'
  | 'timeout'
  | 'cancelled'

export interface WatchResult {
  end: WatchEnd
  /** The last status read (null only when cancelled or timed out before the first read). */
  status: AgentStatus | null
  polls: number
}

export interface WatchOptions {
  clock: Clock
  /** Give up this many ms after the watch starts. */
  timeoutMs: number
  /** First interval between polls; each wait grows by `backoff` up to `maxIntervalMs`. */
  intervalMs: number
  maxIntervalMs?: number
  backoff?: number
  /** How long created/upload_validated may last after a deploy before the watch calls it stuck. */
  graceMs?: number
  signal?: AbortSignal
  /** Called with each status that differs from the previous one in a way worth a log line. */
  onChange?: (status: AgentStatus, previous: AgentStatus | null) => void
  /**
   * A status read that failed (after the client's own retries) with an error this accepts does
   * not end the watch: it goes to `onReadError` and the next poll comes after the usual wait.
   * A long watch should not die of one bad minute; `maxFailedReads` in a row do end it.
   */
  isTransient?: (error: unknown) => boolean
  onReadError?: (error: unknown) => void
  /** Failed reads in a row that are tolerated (default 1) when `isTransient` is given. */
  maxFailedReads?: number
}

const BEFORE_DEPLOY_STATES: ReadonlySet<string> = new Set(['created', 'upload_validated'])

/** The cap on the poll interval: four times the first interval, at most a minute. */
export function defaultMaxInterval(intervalMs: number): number {
  return Math.max(intervalMs, Math.min(60_000, intervalMs * 4))
}

/**
 * Polls `readStatus` until the agent's status is terminal or settled, the deadline passes, or the
 * signal aborts. The interval grows geometrically so a long queue costs few requests; the last
 * sleep is cut short at the deadline and followed by one more read, so an agent that finished
 * during the final wait is not reported as timed out.
 */
export async function watchStatus(
  readStatus: () => Promise<AgentStatus>,
  options: WatchOptions
): Promise<WatchResult> {
  const { clock, signal } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const maxInterval = options.maxIntervalMs ?? defaultMaxInterval(options.intervalMs)
  const backoff = options.backoff ?? 1.5
  const graceMs = options.graceMs ?? 120_000
  let interval = options.intervalMs
  let status: AgentStatus | null = null
  let polls = 0

  const maxFailedReads = options.isTransient ? (options.maxFailedReads ?? 1) : 0
  let failedReads = 0

  for (;;) {
    if (signal?.aborted) return { end: 'cancelled', status, polls }
    let next: AgentStatus | null = null
    try {
      next = await readStatus()
      failedReads = 0
    } catch (error) {
      if (signal?.aborted) return { end: 'cancelled', status, polls }
      if (failedReads >= maxFailedReads || !options.isTransient?.(error)) throw error
      failedReads += 1
      options.onReadError?.(error)
    }
    polls += 1
    if (next) {
      if (isWorthALine(next, status)) options.onChange?.(next, status)
      status = next
      if (status.terminal) return { end: 'terminal', status, polls }
      if (status.settled) return { end: 'settled', status, polls }
      const elapsed = clock.now() - started
      if (BEFORE_DEPLOY_STATES.has(status.state) && elapsed >= graceMs) {
        return { end: 'stuck', status, polls }
      }
    }
    const remaining = deadline - clock.now()
    if (remaining <= 0) return { end: 'timeout', status, polls }

    try {
      await clock.sleep(Math.min(interval, remaining), signal)
    } catch (error) {
      if (signal?.aborted) return { end: 'cancelled', status, polls }
      throw error
    }
    interval = Math.min(maxInterval, interval * backoff)
  }
}

/** A status is worth a log line when its state, queue place, run progress or message changed. */
export function isWorthALine(next: AgentStatus, previous: AgentStatus | null): boolean {
  if (!previous) return true
  return (
    next.state !== previous.state ||
    next.queuePosition !== previous.queuePosition ||
    next.queueTotal !== previous.queueTotal ||
    next.runs.length !== previous.runs.length ||
    runsFinished(next) !== runsFinished(previous) ||
    runsFailed(next) !== runsFailed(previous) ||
    next.message !== previous.message
  )
}

export function runsFinished(status: AgentStatus): number {
  return status.runs.filter(run => run.status === 'completed' || run.failed).length
}

export function runsFailed(status: AgentStatus): number {
  return status.runs.filter(run => run.failed).length
}
