import { describe, expect, it } from '@jest/globals'
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY,
  parseRetryAfter,
  RetryBudget
} from '../../src/arena/retry.js'

const policy = {
  ...DEFAULT_RETRY,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  attempts: 4,
  maxRetryAfterMs: 10_000
}

describe('backoffDelay', () => {
  it('is full jitter over an exponential ceiling, capped', () => {
    expect([0, 1, 2, 3, 4, 5].map(n => backoffDelay(n, policy, () => 0.5))).toEqual([
      50, 100, 200, 400, 500, 500
    ])
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
    expect(backoffDelay(3, policy, () => 0.999)).toBe(799)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T12:00:00Z')
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter(['3'], now)).toBe(3000)
  })
  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:09 GMT', now)).toBe(9000)
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0)
  })
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter('-5', now)).toBeNull()
  })
})

describe('decideRetry', () => {
  it('retries a retryable failure with backoff, or with Retry-After when given', () => {
    const budget = new RetryBudget(10)
    expect(decideRetry(1, true, null, policy, budget, () => 0.5)).toEqual({
      retry: true,
      delayMs: 50
    })
    expect(decideRetry(2, true, 3000, policy, budget, () => 0.5)).toEqual({
      retry: true,
      delayMs: 3000
    })
    expect(budget.left).toBe(8)
  })
  it('stops at the attempt limit and says so', () => {
    expect(decideRetry(4, true, null, policy, new RetryBudget(10), Math.random)).toEqual({
      retry: false,
      note: 'gave up after 4 attempts'
    })
  })
  it('does not wait a Retry-After beyond the cap', () => {
    const decision = decideRetry(1, true, 60_000, policy, new RetryBudget(10), Math.random)
    expect(decision).toEqual({
      retry: false,
      note: expect.stringContaining('asks to wait 60 s, longer than the 10 s')
    })
  })
  it('stops when the client budget is used up', () => {
    const budget = new RetryBudget(1)
    expect(decideRetry(1, true, null, policy, budget, () => 0).retry).toBe(true)
    expect(decideRetry(1, true, null, policy, budget, () => 0)).toEqual({
      retry: false,
      note: 'the retry budget of 1 retries for this run is used up'
    })
  })
  it('never retries a failure that is not retryable', () => {
    const budget = new RetryBudget(5)
    expect(decideRetry(1, false, null, policy, budget, Math.random)).toEqual({
      retry: false,
      note: undefined
    })
    expect(budget.left).toBe(5)
  })
})
