/**
 * The challenge action's I/O steps against a fake CreatorApi and a fake clock: apply's order
 * (create, challenge.toml, the rest), a refused challenge.toml stopping everything after it, the
 * benchmark wait (deadline, cancellation; the client adopts a run whose start got no answer), and the
 * generic poller.
 */
import { describe, expect, it } from '@jest/globals'
import type { BenchmarkStatus } from '../../src/arena/creator-model.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { Clock } from '../../src/clock.js'
import type { CreatorApi } from '../../src/challenge/creator-port.js'
import type { Logger } from '../../src/logger.js'
import type { Plan, Step } from '../../src/challenge/plan.js'
import { applyPlan, RefusedError, orderSteps } from '../../src/challenge/steps/apply.js'
import { runBenchmark } from '../../src/challenge/steps/benchmark.js'
import { pollUntil } from '../../src/poll.js'
import { localFile } from '../support/challenge-fixtures.js'

const log: Logger = {
  info: () => {},
  warning: () => {},
  notice: () => {},
  group: (_title, fn) => fn()
}

function fakeClock(): Clock & { slept: number[] } {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted')
      slept.push(ms)
      now += ms
    }
  }
}

/** A CreatorApi whose every method records its call; `overrides` give behaviour. */
function fakeApi(overrides: Partial<CreatorApi> = {}): { api: CreatorApi; calls: string[] } {
  const calls: string[] = []
  const record =
    (name: string, result: unknown = undefined) =>
    async (...args: unknown[]) => {
      calls.push(
        `${name} ${args.map(a => (typeof a === 'object' ? ((a as { name?: string }).name ?? '') : String(a))).join(' ')}`.trim()
      )
      return result
    }
  const api = {
    myChallenges: record('myChallenges', []),
    editorView: record('editorView'),
    kinds: record('kinds', []),
    configSchema: record('configSchema', {}),
    tagCatalog: record('tagCatalog', []),
    challengeTags: record('challengeTags', []),
    createChallenge: record('createChallenge', 101),
    updateChallenge: record('updateChallenge'),
    setTags: record('setTags'),
    listFiles: record('listFiles', []),
    uploadFile: record('uploadFile'),
    deleteFile: record('deleteFile'),
    checkEnv: record('checkEnv', { ok: true, findings: [] }),
    overview: record('overview', ''),
    setOverview: record('setOverview'),
    setCover: record('setCover'),
    runBenchmark: record('runBenchmark', null),
    benchmarkStatus: record('benchmarkStatus', { run: null, checks: [] }),
    start: record('start'),
    ...overrides
  } as CreatorApi
  return { api, calls }
}

function planOf(steps: Step[]): Plan {
  return {
    challengeId: null,
    name: 'x',
    status: 'new',
    steps,
    changes: [],
    configChanges: [],
    findings: [],
    runsBenchmark: false,
    blockersNow: null,
    blockersAfter: null,
    resolvedIfScored: [],
    refused: [],
    restart: false,
    notes: []
  }
}

const toml = localFile('env', 'challenge.toml', 'a = 1\n')
const envPy = localFile('env', 'env.py', 'class Env: pass\n')
const steps: Step[] = [
  { kind: 'overview', content: '# x' },
  { kind: 'upload', folder: 'env', file: envPy, change: 'add' },
  { kind: 'delete', folder: 'env', name: 'old.csv' },
  { kind: 'metadata', update: { description: 'd' } },
  { kind: 'upload', folder: 'env', file: toml, change: 'update' },
  { kind: 'create', spec: { name: 'x', kernelVersion: 'flex_v1' } }
]

describe('apply', () => {
  it('creates first, then challenge.toml, then the other files, metadata, deletions, overview', () => {
    expect(orderSteps(steps).map(s => (s.kind === 'upload' ? s.file.name : s.kind))).toEqual([
      'create',
      'challenge.toml',
      'env.py',
      'metadata',
      'delete',
      'overview'
    ])
  })

  it('carries the steps out on the new id and counts them', async () => {
    const { api, calls } = fakeApi()
    const progress = { challengeId: null, created: false, applied: 0 }
    await applyPlan(api, planOf(steps), progress, log)
    expect(progress).toEqual({ challengeId: 101, created: true, applied: 6 })
    expect(calls).toEqual([
      'createChallenge x',
      'uploadFile 101 env challenge.toml',
      'uploadFile 101 env env.py',
      'updateChallenge 101',
      'deleteFile 101 env old.csv',
      'setOverview 101 # x'
    ])
  })

  it('runs the check after creating, before any file, and stops when it throws', async () => {
    const { api, calls } = fakeApi()
    const progress = { challengeId: null, created: false, applied: 0 }
    const stop = new Error('env.py refused')
    await expect(
      applyPlan(api, planOf(steps), progress, log, undefined, async id => {
        calls.push(`check ${id}`)
        throw stop
      })
    ).rejects.toBe(stop)
    expect(calls).toEqual(['createChallenge x', 'check 101'])
    expect(progress).toEqual({ challengeId: 101, created: true, applied: 1 })
  })

  it('stops at a refused challenge.toml with its line-numbered findings, writing nothing after it', async () => {
    const refusal = new ArenaError('refused', {
      kind: 'validation',
      route: 'PUT /api/x',
      status: 400,
      body: {
        error: "challenge.toml:2: unknown key 'x'",
        details: ["challenge.toml:2: unknown key 'x'"]
      }
    })
    const { api, calls } = fakeApi({
      uploadFile: async (_id, _folder, file) => {
        calls.push(`uploadFile ${file.name}`)
        if (file.name === 'challenge.toml') throw refusal
      }
    })
    const progress = { challengeId: 8, created: false, applied: 0 }
    let caught: unknown
    try {
      await applyPlan(api, planOf(steps.filter(s => s.kind !== 'create')), progress, log)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(RefusedError)
    expect((caught as RefusedError).findings).toEqual([
      {
        severity: 'error',
        file: 'challenge/env/challenge.toml',
        line: 2,
        message: "unknown key 'x'",
        source: 'server'
      }
    ])
    expect(calls).toEqual(['uploadFile challenge.toml'])
    expect(progress.applied).toBe(0)
  })
})

function status(jobStatus: string | null, score: number | null = null): BenchmarkStatus {
  return {
    run:
      jobStatus === null
        ? null
        : {
            runId: null,
            jobStatus,
            jobErrorType: null,
            envErrorType: null,
            envErrorMessage: null,
            envLogs: null,
            score
          },
    checks: []
  }
}

describe('the benchmark wait', () => {
  it('polls with growing waits until the run is done', async () => {
    const answers = [
      status('pending'),
      status('running'),
      status('running'),
      status('completed', 42)
    ]
    const { api } = fakeApi({
      benchmarkStatus: async () => answers.shift() ?? status('completed', 42)
    })
    const clock = fakeClock()
    const result = await runBenchmark(api, 8, { clock, timeoutMs: 600_000, intervalMs: 1000, log })
    expect(result.end).toBe('completed')
    expect(result.status?.run?.score).toBe(42)
    expect(clock.slept).toEqual([1000, 1500, 2250])
  })

  it('ends at the deadline with the last status read', async () => {
    const { api } = fakeApi({ benchmarkStatus: async () => status('pending') })
    const clock = fakeClock()
    const result = await runBenchmark(api, 8, { clock, timeoutMs: 5000, intervalMs: 1000, log })
    expect(result.end).toBe('timeout')
    expect(result.status?.run?.jobStatus).toBe('pending')
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(5000)
  })

  it('says failed for a failed run, interrupted when cancelled', async () => {
    const failed = fakeApi({ benchmarkStatus: async () => status('failed') })
    expect(
      (
        await runBenchmark(failed.api, 8, {
          clock: fakeClock(),
          timeoutMs: 1000,
          intervalMs: 100,
          log
        })
      ).end
    ).toBe('failed')
    const controller = new AbortController()
    controller.abort()
    const pending = fakeApi({ benchmarkStatus: async () => status('pending') })
    const result = await runBenchmark(pending.api, 8, {
      clock: fakeClock(),
      timeoutMs: 1000,
      intervalMs: 100,
      log,
      signal: controller.signal
    })
    expect(result.end).toBe('interrupted')
  })
})

describe('pollUntil', () => {
  it('reads once more at the deadline, so a job that ended in the last wait is not a timeout', async () => {
    const clock = fakeClock()
    let reads = 0
    const result = await pollUntil(
      async () => {
        reads += 1
        return clock.now()
      },
      at => at >= 2500,
      { clock, timeoutMs: 2500, intervalMs: 1000, backoff: 1 }
    )
    expect(result).toEqual({ end: 'done', value: 2500, polls: 4 })
    expect(clock.slept).toEqual([1000, 1000, 500])
    expect(reads).toBe(4)
  })
})
