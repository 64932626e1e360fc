/**
 * The benchmark: start a run, then poll its status until the run is done, the deadline passes or
 * the run is cancelled. The start is not idempotent: when its answer is lost, the status is read
 * and a pending or running run is adopted rather than a second one started.
 */
import { BENCHMARK_DONE, type BenchmarkStatus } from '../../arena/creator-model.js'
import { ArenaError } from '../../arena/errors.js'
import type { Clock } from '../../clock.js'
import { oneLine } from '../../format.js'
import type { Logger } from '../../logger.js'
import { pollUntil } from '../../poll.js'
import type { CreatorApi } from '../creator-port.js'
import type { BenchmarkEnd } from '../outcome.js'

export interface BenchmarkWait {
  clock: Clock
  timeoutMs: number
  intervalMs: number
  signal?: AbortSignal
  log: Logger
}

export interface BenchmarkResult {
  end: BenchmarkEnd
  status: BenchmarkStatus | null
}

const RUNNING: ReadonlySet<string> = new Set(['pending', 'running'])

export async function runBenchmark(
  api: CreatorApi,
  challengeId: number,
  wait: BenchmarkWait
): Promise<BenchmarkResult> {
  try {
    await api.runBenchmark(challengeId)
  } catch (error) {
    if (!(error instanceof ArenaError && error.outcomeUnknown)) throw error
    const now = await api.benchmarkStatus(challengeId)
    if (!now.run || !RUNNING.has(now.run.jobStatus)) throw error
    wait.log.warning(
      'The benchmark start got no clear answer, but a run is under way: following it.'
    )
  }
  wait.log.info('Benchmark started; waiting for it to finish.')
  const result = await pollUntil(
    () => api.benchmarkStatus(challengeId),
    status => status.run !== null && BENCHMARK_DONE.has(status.run.jobStatus),
    {
      clock: wait.clock,
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.intervalMs,
      signal: wait.signal,
      onValue: (status, previous) => {
        const state = status.run?.jobStatus ?? 'no run'
        if (state !== (previous?.run?.jobStatus ?? 'no run'))
          wait.log.info(`Benchmark: ${oneLine(state, 40)}.`)
      }
    }
  )
  const status = result.value
  if (result.end === 'timeout') return { end: 'timeout', status }
  if (result.end === 'cancelled') return { end: 'interrupted', status }
  const job = status?.run?.jobStatus
  return {
    end: job === 'completed' ? 'completed' : job === 'cancelled' ? 'cancelled' : 'failed',
    status
  }
}
