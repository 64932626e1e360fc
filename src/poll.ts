/**
 * Polling with a deadline, a growing interval and cancellation: the shape of the submit
 * action's status watch (src/submit/steps/watch.ts), for any read. The interval grows
 * geometrically up to a cap so a long wait costs few requests; the last sleep is cut short at
 * the deadline and followed by one more read, so a job that finished during the final wait is
 * not reported as timed out.
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
}

export interface PollResult<T> {
  end: PollEnd
  /** The last value read; null when nothing was read. */
  value: T | null
  polls: number
}

export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions<T>
): Promise<PollResult<T>> {
  const { clock, signal } = options
  const deadline = clock.now() + options.timeoutMs
  const maxInterval =
    options.maxIntervalMs ?? Math.max(options.intervalMs, Math.min(60_000, options.intervalMs * 4))
  const backoff = options.backoff ?? 1.5
  let interval = options.intervalMs
  let value: T | null = null
  let polls = 0
  for (;;) {
    if (signal?.aborted) return { end: 'cancelled', value, polls }
    let next: T
    try {
      next = await read()
    } catch (error) {
      if (signal?.aborted) return { end: 'cancelled', value, polls }
      throw error
    }
    polls += 1
    options.onValue?.(next, value)
    value = next
    if (done(next)) return { end: 'done', value, polls }
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
