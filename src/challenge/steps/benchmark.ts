/**
 * The benchmark: start a run, then poll its status until the run is done, the deadline passes or
 * the run is cancelled. The start is not idempotent: the client never starts a second run when
 * the answer to the first is lost (it reads the status and adopts the run; see arena/creator.ts).
 */
import { BENCHMARK_DONE, type BenchmarkStatus } from '../../arena/creator-model.js'
import { ArenaError, type ArenaErrorKind } from '../../arena/errors.js'
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

const TRANSIENT: ReadonlySet<ArenaErrorKind> = new Set([
  'server',
  'network',
  'timeout',
  'protocol',
  'rate-limited',
  'maintenance'
])

export async function runBenchmark(
  api: CreatorApi,
  challengeId: number,
  wait: BenchmarkWait
): Promise<BenchmarkResult> {
  await api.runBenchmark(challengeId)
  wait.log.info('Benchmark started; waiting for it to finish.')
  // A status read that fails after the transport's own retries is read again at the next
  // interval (it changes nothing; the deadline bounds the wait), a few times in a row at most.
  let last: BenchmarkStatus = { run: null, checks: [] }
  let failedReads = 0
  const read = async (): Promise<BenchmarkStatus> => {
    try {
      last = await api.benchmarkStatus(challengeId)
      failedReads = 0
      return last
    } catch (error) {
      if (!(error instanceof ArenaError) || !TRANSIENT.has(error.kind) || ++failedReads > 3)
        throw error
      wait.log.warning(`${error.message}; reading the benchmark status again.`)
      return last
    }
  }
  const result = await pollUntil(
    read,
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
