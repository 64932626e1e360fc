import { describe, expect, it } from '@jest/globals'
import type { AgentStatus } from '../../src/arena/model.js'
import type { Clock } from '../../src/clock.js'
import { defaultMaxInterval, isWorthALine, watchStatus } from '../../src/evaluation/steps/watch.js'
import { describeStatus } from '../../src/evaluation/steps/status-text.js'

function status(state: string, extra: Partial<AgentStatus> = {}): AgentStatus {
  return {
    state,
    terminal: ['active', 'deploy_failed', 'upload_failed', 'deleted'].includes(state),
    settled: false,
    deployable: null,
    phase: null,
    message: null,
    queuePosition: null,
    queueTotal: null,
    inQueueSeconds: null,
    runs: [],
    metric: null,
    updatedAt: null,
    ...extra
  }
}

/** A clock that only moves when the watch sleeps; it records each sleep. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted')
      sleeps.push(ms)
      now += ms
    }
  }
}

/** A status source that follows a timeline: [at ms, status] pairs, read against the clock. */
function timeline(clock: Clock, steps: [number, AgentStatus][]): () => Promise<AgentStatus> {
  return async () => {
    let current = steps[0]![1]
    for (const [at, next] of steps) if (clock.now() >= at) current = next
    return current
  }
}

describe('watchStatus', () => {
  it('polls with a growing interval until the state is terminal', async () => {
    const clock = fakeClock()
    const read = timeline(clock, [
      [0, status('deploy_queue', { queuePosition: 5, queueTotal: 9 })],
      [60_000, status('deploy_run')],
      [600_000, status('active')]
    ])
    const seen: string[] = []
    const result = await watchStatus(read, {
      clock,
      timeoutMs: 30 * 60_000,
      intervalMs: 10_000,
      onChange: next => seen.push(next.state)
    })
    expect(result.end).toBe('terminal')
    expect(result.status?.state).toBe('active')
    expect(seen).toEqual(['deploy_queue', 'deploy_run', 'active'])
    expect(clock.sleeps.slice(0, 4)).toEqual([10_000, 15_000, 22_500, 33_750])
    expect(Math.max(...clock.sleeps)).toBe(defaultMaxInterval(10_000))
    // Ten minutes of queue and runs cost a bounded number of polls.
    expect(result.polls).toBeLessThanOrEqual(20)
    // It noticed within one interval of the change.
    expect(clock.now() - 600_000).toBeLessThanOrEqual(defaultMaxInterval(10_000))
  })

  it('stops at the deadline with a last look, and reports a timeout', async () => {
    const clock = fakeClock()
    const result = await watchStatus(async () => status('deploy_queue'), {
      clock,
      timeoutMs: 60_000,
      intervalMs: 25_000
    })
    expect(result.end).toBe('timeout')
    expect(clock.now()).toBe(60_000)
    // 25 s, then the rest to the deadline (not 37.5 s past it), then one last read.
    expect(clock.sleeps).toEqual([25_000, 35_000])
    expect(result.polls).toBe(3)
  })

  it('counts an agent that finished during the last wait as finished', async () => {
    const clock = fakeClock()
    const read = timeline(clock, [
      [0, status('deploy_run')],
      [59_000, status('active')]
    ])
    const result = await watchStatus(read, { clock, timeoutMs: 60_000, intervalMs: 40_000 })
    expect(result.end).toBe('terminal')
  })

  it('stops when the server says the agent is settled in a non-terminal state', async () => {
    const clock = fakeClock()
    const result = await watchStatus(async () => status('upload_validated', { settled: true }), {
      clock,
      timeoutMs: 60_000,
      intervalMs: 1000
    })
    expect(result).toMatchObject({ end: 'settled', polls: 1 })
  })

  it('calls a deploy that never started stuck after the grace period', async () => {
    const clock = fakeClock()
    const result = await watchStatus(async () => status('upload_validated'), {
      clock,
      timeoutMs: 30 * 60_000,
      intervalMs: 10_000,
      graceMs: 120_000
    })
    expect(result.end).toBe('stuck')
    expect(clock.now()).toBeGreaterThanOrEqual(120_000)
    expect(clock.now()).toBeLessThan(30 * 60_000)
  })

  it('returns cancelled when the signal aborts during a wait', async () => {
    const controller = new AbortController()
    const clock = fakeClock()
    let reads = 0
    const result = await watchStatus(
      async () => {
        reads += 1
        if (reads === 2) controller.abort()
        return status('deploy_queue')
      },
      { clock, timeoutMs: 60_000, intervalMs: 1000, signal: controller.signal }
    )
    expect(result).toMatchObject({ end: 'cancelled', polls: 2 })
  })
})

describe('status lines', () => {
  it('are written for changes of state, queue place, runs and message only', () => {
    const queued = status('deploy_queue', { queuePosition: 3, queueTotal: 9 })
    expect(isWorthALine(queued, null)).toBe(true)
    expect(isWorthALine({ ...queued }, queued)).toBe(false)
    expect(isWorthALine({ ...queued, queuePosition: 2 }, queued)).toBe(true)
    expect(isWorthALine({ ...queued, inQueueSeconds: 99 }, queued)).toBe(false)
  })

  it('say the queue place, the run progress and the first run error, on one line', () => {
    const failed = status('deploy_failed', {
      message: 'Deploy failed',
      runs: [
        {
          status: 'completed',
          failed: false,
          steps: 10,
          score: 1,
          outcome: null,
          finalRank: null,
          errorType: null,
          errorMessage: null
        },
        {
          status: 'failed',
          failed: true,
          steps: 0,
          score: null,
          outcome: null,
          finalRank: null,
          errorType: 'code_error',
          errorMessage: 'ImportError:\nno module\u202e named x'
        }
      ]
    })
    const line = describeStatus(failed)
    expect(line).toBe(
      'deploy_failed · runs 2/2 done, 1 failed · run error: code_error: ImportError: no module named x'
    )
    expect(describeStatus(status('deploy_queue', { queuePosition: 116, queueTotal: 127 }))).toBe(
      'deploy_queue · queue 116/127'
    )
  })
})
