import type { AgentStatus } from '../../arena/model.js'
import type { Clock } from '../../clock.js'
import { defaultMaxInterval, pollUntil } from '../../poll.js'

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

export { defaultMaxInterval }

/**
 * Polls `readStatus` (on src/poll.ts) until the agent's status is terminal or settled, the
 * deploy is stuck before it started, the deadline passes, or the signal aborts.
 */
export async function watchStatus(
  readStatus: () => Promise<AgentStatus>,
  options: WatchOptions
): Promise<WatchResult> {
  const { clock } = options
  const started = clock.now()
  const graceMs = options.graceMs ?? 120_000
  let end: WatchEnd | null = null
  const result = await pollUntil(
    readStatus,
    status => (end = watchEnd(status, clock.now() - started, graceMs)) !== null,
    {
      clock,
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      maxIntervalMs: options.maxIntervalMs,
      backoff: options.backoff,
      signal: options.signal,
      onValue: (next, previous) => {
        if (isWorthALine(next, previous)) options.onChange?.(next, previous)
      },
      isTransient: options.isTransient,
      onReadError: options.onReadError,
      maxFailedReads: options.maxFailedReads
    }
  )
  const status = result.value
  if (result.end === 'done') return { end: end ?? 'terminal', status, polls: result.polls }
  return { end: result.end, status, polls: result.polls }
}

/**
 * How one status read ends a watch, or null while it goes on: terminal, settled (nothing more
 * will happen), or stuck (created/upload_validated past the grace period after the deploy).
 * Pure, so the follow-up judges one read of a pending agent exactly as a watch would.
 */
export function watchEnd(status: AgentStatus, elapsedMs: number, graceMs: number): WatchEnd | null {
  if (status.terminal) return 'terminal'
  if (status.settled) return 'settled'
  if (BEFORE_DEPLOY_STATES.has(status.state) && elapsedMs >= graceMs) return 'stuck'
  return null
}

/**
 * Right after a redeploy the current wire still shows the agent's previous state (active,
 * deploy_failed) with `is_settled: false` until the new deploy shows: that is not this deploy's
 * end, so the watch sees it as in progress (legacy shows `deploying` then).
 */
export function asWatched(status: AgentStatus): AgentStatus {
  return status.terminal && !status.settled ? { ...status, terminal: false } : status
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
