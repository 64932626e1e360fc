/**
 * Polling with a deadline, a growing interval and cancellation, for any read: the agent's
 * status watch (src/evaluation/steps/watch.ts) and the creator's benchmark watch use it. The
 * interval grows geometrically up to a cap so a long wait costs few requests; the last sleep is
 * cut short at the deadline and followed by one more read, so a job that finished during the
 * final wait is not reported as timed out.
 */
import type { Clock } from './clock.js'

export type PollEnd = 'done' | 'timeout' | 'cancelled'

export interface PollOptions<T> {
  clock: Clock
  timeoutMs: number
  intervalMs: number
  /** Default: four times the first interval, at most a minute. */
  maxIntervalMs?: number
  backoff?: number
  signal?: AbortSignal
  /** Called with every value read, and the previous one. */
  onValue?: (value: T, previous: T | null) => void
  /**
   * A read that failed with an error this accepts does not end the poll: it goes to
   * `onReadError` and the next read comes after the usual wait (a long wait should not die of
   * one bad minute). `maxFailedReads` in a row (default 1) do end it.
   */
  isTransient?: (error: unknown) => boolean
  onReadError?: (error: unknown) => void
  maxFailedReads?: number
}

export interface PollResult<T> {
  end: PollEnd
  /** The last value read; null when nothing was read. */
  value: T | null
  /** Reads made, failed ones included. */
  polls: number
}

/** The cap on the poll interval: four times the first interval, at most a minute. */
export function defaultMaxInterval(intervalMs: number): number {
  return Math.max(intervalMs, Math.min(60_000, intervalMs * 4))
}

export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions<T>
): Promise<PollResult<T>> {
  const { clock, signal } = options
  const deadline = clock.now() + options.timeoutMs
  const maxInterval = options.maxIntervalMs ?? defaultMaxInterval(options.intervalMs)
  const backoff = options.backoff ?? 1.5
  const maxFailedReads = options.isTransient ? (options.maxFailedReads ?? 1) : 0
  let interval = options.intervalMs
  let value: T | null = null
  let polls = 0
  let failedReads = 0
  for (;;) {
    if (signal?.aborted) return { end: 'cancelled', value, polls }
    let got: { value: T } | null = null
    try {
      got = { value: await read() }
      failedReads = 0
    } catch (error) {
      if (signal?.aborted) return { end: 'cancelled', value, polls }
      if (failedReads >= maxFailedReads || !options.isTransient?.(error)) throw error
      failedReads += 1
      options.onReadError?.(error)
    }
    polls += 1
    if (got) {
      options.onValue?.(got.value, value)
      value = got.value
      if (done(got.value)) return { end: 'done', value, polls }
    }
    const remaining = deadline - clock.now()
    if (remaining <= 0) return { end: 'timeout', value, polls }
    try {
      await clock.sleep(Math.min(interval, remaining), signal)
    } catch (error) {
      if (signal?.aborted) return { end: 'cancelled', value, polls }
      throw error
    }
    interval = Math.min(maxInterval, interval * backoff)
  }
}
