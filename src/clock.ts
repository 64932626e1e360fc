import { setTimeout as delay } from 'node:timers/promises'

/** Time as the pipeline sees it; tests pass a fake so nothing sleeps for real. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number
  /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined)
}
