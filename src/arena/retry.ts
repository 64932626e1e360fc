/**
 * Retry policy: exponential backoff with full jitter, Retry-After honoured up to a cap, a
 * bounded number of attempts per call and of retries per client life. Pure: the clock, the
 * random source and the sleep are the caller's.
 */

export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  attempts: number
  /** Retries per client life, all calls together. */
  budget: number
  /** Backoff before retry n (0-based) is random() × min(maxDelayMs, baseDelayMs × 2ⁿ). */
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is not waited for: the call fails and says so. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  // Six: with one request in four failing (the fault suite's rate), a call still fails only
  // about once in 3,400 (0.257^6); five let ~1.3 % of whole runs fail (scripts/faults-100.ts).
  attempts: 6,
  budget: 30,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000
}

export function backoffDelay(
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex)
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling)
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return null
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date starts with the day's name (IMF-fixdate, RFC 850 and asctime forms alike).
  if (!/^[A-Za-z]{3}/.test(text)) return null
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - now)
}

/** Retries left for the whole client. */
export class RetryBudget {
  #left: number
  readonly total: number

  constructor(total: number) {
    this.total = total
    this.#left = total
  }

  get left(): number {
    return this.#left
  }

  take(): boolean {
    if (this.#left <= 0) return false
    this.#left--
    return true
  }
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; note: string | undefined }

/**
 * Whether a failed attempt is tried again, and after how long. `attempt` is 1-based;
 * `retryAfterMs` is the server's Retry-After, if any.
 */
export function decideRetry(
  attempt: number,
  retryable: boolean,
  retryAfterMs: number | null,
  policy: RetryPolicy,
  budget: RetryBudget,
  random: () => number
): RetryDecision {
  if (!retryable)
    return { retry: false, note: attempt > 1 ? `after ${attempt} attempts` : undefined }
  if (attempt >= policy.attempts) return { retry: false, note: `gave up after ${attempt} attempts` }
  if (retryAfterMs !== null && retryAfterMs > policy.maxRetryAfterMs) {
    return {
      retry: false,
      note: `the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${Math.round(policy.maxRetryAfterMs / 1000)} s this action waits`
    }
  }
  if (!budget.take()) {
    return {
      retry: false,
      note: `the retry budget of ${budget.total} retries for this run is used up`
    }
  }
  return { retry: true, delayMs: retryAfterMs ?? backoffDelay(attempt - 1, policy, random) }
}
