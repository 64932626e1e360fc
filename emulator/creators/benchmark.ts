/**
 * A challenge's benchmark run on the emulator's clock: planned at once from the env and benchmark
 * files (deterministic from their hashes and the seed; markers steer it), then read at any time t
 * (pending → running → completed | failed). The budget checks compare what the run measured with
 * the config's budgets as they are now. Pure.
 */
import { createHash } from 'node:crypto'
import type { ConfigState } from './challenge-config.ts'
import { MARKER_PREFIX } from '../platform/markers.ts'

/** Markers in a challenge's files (README.md, "Creator routes", documents the same). */
export const BENCHMARK_MARKERS = {
  /** In an env file: env.py raises while the run plays; the run fails with env_error_type code_error. */
  ENV_CRASH: 'ENV_CRASH',
  /** In a benchmark file: the benchmark agent fails at import (agent code_error). */
  FAIL_IMPORT: 'FAIL_IMPORT',
  /** In a benchmark file: the agent peaks above agent_memory_limit (oom_killed). */
  OOM: 'OOM',
  /** In any file: the run takes 90% of simulation_timeout_sec and its slowest agent call 90% of agent_max_time_per_step_second (warn). */
  SLOW: 'SLOW',
  /** In any file: the run exceeds simulation_timeout_sec (timeout). */
  TIMEOUT: 'TIMEOUT',
  /** `SCORE=<number>` in a benchmark file: the benchmark's score. */
  SCORE: 'SCORE'
} as const

/** The run waits this long (simulated) in the queue before it plays. */
export const BENCHMARK_PENDING_MS = 20_000

export interface RunFile {
  name: string
  sha256: string
  /** The text the emulator keeps (the first 64 KiB); markers are read from it. */
  text: string
}

export interface Measured {
  wallclockSec: number | null
  maxStepSec: number | null
  agentMemoryMi: number | null
  envMemoryMi: number | null
  maxEpisodeSteps: number | null
  /** The metric keys env.py returned. */
  envMetricKeys: string[] | null
}

export interface BenchmarkPlan {
  id: number
  createdAt: number
  startsAt: number
  endsAt: number
  outcome: 'completed' | 'failed'
  jobErrorType: string | null
  envErrorType: string | null
  envErrorMessage: string | null
  agentErrorType: string | null
  agentErrorMessage: string | null
  envStdout: string
  score: number | null
  envNbSteps: number
  measured: Measured
  /** Hash of the env and benchmark folders the run played. */
  fingerprint: string
}

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed'

interface Scanned {
  markers: Set<string>
  score: number | null
}

function scan(files: RunFile[]): Scanned {
  const markers = new Set<string>()
  let score: number | null = null
  const pattern = new RegExp(`${MARKER_PREFIX}([A-Z_]+)(?:=(-?\\d+(?:\\.\\d+)?))?`, 'g')
  for (const file of files)
    for (const match of file.text.matchAll(pattern)) {
      const word = match[1] as string
      if (!Object.values(BENCHMARK_MARKERS).includes(word as never)) continue
      if (word === BENCHMARK_MARKERS.SCORE) {
        if (match[2] === undefined) continue
        score = Number(match[2])
      }
      markers.add(word)
    }
  return { markers, score }
}

export function fingerprint(env: RunFile[], benchmark: RunFile[]): string {
  const hash = createHash('sha256')
  for (const [folder, files] of [
    ['env', env],
    ['benchmark', benchmark]
  ] as const)
    for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name)))
      hash.update(`${folder}/${file.name}:${file.sha256}\n`)
  return hash.digest('hex')
}

/** A number in [0, 1) drawn from the fingerprint, the seed and a salt: same files, same run. */
function draw(print: string, seed: number, salt: string): number {
  const digest = createHash('sha256').update(`${seed}|${salt}|${print}`).digest()
  return digest.readUInt32BE(0) / 2 ** 32
}

/** Mi in a K8s quantity such as "512Mi" or "2Gi" (the schema admits only these two units). */
export function quantityMi(quantity: unknown): number | null {
  if (typeof quantity !== 'string') return null
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity)
  if (!match) return null
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1)
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits))

/**
 * What env.py "returns" as metric keys: every quoted string in it that could be a metric key
 * (the emulator does not run Python; a key env.py never spells out is a key it cannot return).
 */
function returnedEnvKeys(env: RunFile[]): string[] {
  const source = env.find(f => f.name === 'env.py')?.text ?? ''
  const keys = new Set<string>()
  for (const match of source.matchAll(/["']([a-z][a-z0-9_]{0,31})["']/g))
    keys.add(match[1] as string)
  return [...keys].sort()
}

function declaredEnvKeys(config: ConfigState): string[] {
  const metrics = Array.isArray(config.values.metrics) ? config.values.metrics : []
  return metrics
    .map(m => m as Record<string, unknown>)
    .filter(m => m.source === 'env' && typeof m.key === 'string')
    .map(m => m.key as string)
}

export function planBenchmark(
  id: number,
  now: number,
  seed: number,
  env: RunFile[],
  benchmark: RunFile[],
  config: ConfigState
): BenchmarkPlan {
  const print = fingerprint(env, benchmark)
  const envMarks = scan(env)
  const benchMarks = scan(benchmark)
  const any = (word: string): boolean => envMarks.markers.has(word) || benchMarks.markers.has(word)
  const timeout = num(config.values.simulation_timeout_sec, 600)
  const stepBudget = num(config.values.agent_max_time_per_step_second, 1)
  const maxSteps = num(config.values.simulation_max_steps, 1000)
  const agentLimit = quantityMi(config.values.agent_memory_limit) ?? 1024
  const envLimit = quantityMi(config.values.env_memory_limit) ?? 2048
  const slow = any(BENCHMARK_MARKERS.SLOW)
  let wallclock = round(timeout * (slow ? 0.9 : 0.15 + 0.3 * draw(print, seed, 'wall')), 1)
  const measured: Measured = {
    wallclockSec: wallclock,
    maxStepSec: round(stepBudget * (slow ? 0.9 : 0.1 + 0.3 * draw(print, seed, 'step')), 3),
    agentMemoryMi: Math.round(agentLimit * (0.2 + 0.3 * draw(print, seed, 'agent-mem'))),
    envMemoryMi: Math.round(envLimit * (0.2 + 0.3 * draw(print, seed, 'env-mem'))),
    maxEpisodeSteps: Math.max(1, Math.round(maxSteps * (0.2 + 0.4 * draw(print, seed, 'steps')))),
    envMetricKeys: returnedEnvKeys(env)
  }
  const plan: BenchmarkPlan = {
    id,
    createdAt: now,
    startsAt: now + BENCHMARK_PENDING_MS,
    endsAt: 0,
    outcome: 'completed',
    jobErrorType: null,
    envErrorType: null,
    envErrorMessage: null,
    agentErrorType: null,
    agentErrorMessage: null,
    envStdout: `[env] loading env.py\n[env] benchmark run ${id}: 1 agent seated\n`,
    score: benchMarks.score ?? round(10 + 80 * draw(print, seed, 'score'), 2),
    envNbSteps: measured.maxEpisodeSteps ?? 0,
    measured,
    fingerprint: print
  }
  const fail = (fraction: number): void => {
    plan.outcome = 'failed'
    plan.score = null
    wallclock = round(wallclock * fraction, 1)
    measured.wallclockSec = wallclock
  }
  if (envMarks.markers.has(BENCHMARK_MARKERS.ENV_CRASH)) {
    fail(0.1)
    plan.envErrorType = 'code_error'
    plan.envErrorMessage =
      'Traceback (most recent call last):\n  File "env.py", line 1, in evaluate\nRuntimeError: env crashed (marker MLARENA_EMULATOR:ENV_CRASH)'
    plan.envStdout += '[env] RuntimeError: env crashed\n'
    measured.envMetricKeys = null
    measured.maxEpisodeSteps = null
  } else if (benchMarks.markers.has(BENCHMARK_MARKERS.FAIL_IMPORT)) {
    fail(0.05)
    plan.agentErrorType = 'code_error'
    plan.agentErrorMessage =
      "ModuleNotFoundError: No module named 'missing_dependency' (marker MLARENA_EMULATOR:FAIL_IMPORT)"
    measured.maxStepSec = null
    measured.envMetricKeys = null
    measured.maxEpisodeSteps = null
  } else if (benchMarks.markers.has(BENCHMARK_MARKERS.OOM)) {
    fail(0.3)
    plan.jobErrorType = 'oom_killed'
    plan.agentErrorType = 'oom_killed'
    plan.agentErrorMessage = `The agent container exceeded agent_memory_limit (${String(config.values.agent_memory_limit)})`
    measured.agentMemoryMi = Math.round(agentLimit * 1.1)
    measured.envMetricKeys = null
  } else if (any(BENCHMARK_MARKERS.TIMEOUT)) {
    plan.outcome = 'failed'
    plan.score = null
    plan.jobErrorType = 'timeout'
    wallclock = round(timeout * 1.02, 1)
    measured.wallclockSec = wallclock
    measured.envMetricKeys = null
    plan.envStdout += `[platform] run killed after simulation_timeout_sec (${timeout} s)\n`
  } else {
    plan.envStdout += `[env] done: ${measured.maxEpisodeSteps} steps, score ${plan.score}\n`
  }
  plan.endsAt = plan.startsAt + Math.max(1000, Math.round(wallclock * 1000))
  return plan
}

export function jobStatus(plan: BenchmarkPlan, t: number): JobStatus {
  if (t < plan.startsAt) return 'pending'
  if (t < plan.endsAt) return 'running'
  return plan.outcome
}

export interface Check {
  key: string
  label: string
  configured: unknown
  measured: unknown
  ratio: number | null
  status: 'ok' | 'warn' | 'fail' | 'unmeasured'
  message: string
}

function ratioCheck(
  key: string,
  label: string,
  configured: number | null,
  measured: number | null,
  shown: (v: number) => string,
  configuredText?: string
): Check {
  const limitText = configuredText ?? (configured === null ? 'unset' : shown(configured))
  if (measured === null || configured === null || configured <= 0)
    return {
      key,
      label,
      configured: configuredText ?? configured,
      measured: null,
      ratio: null,
      status: 'unmeasured',
      message: `${label}: not measured (the run did not get that far)`
    }
  const ratio = round(measured / configured, 3)
  const status = ratio > 1 ? 'fail' : ratio > 0.8 ? 'warn' : 'ok'
  return {
    key,
    label,
    configured: configuredText ?? configured,
    measured,
    ratio,
    status,
    message: `${label}: ${shown(measured)} of ${limitText} (${Math.round(ratio * 100)}%)${status === 'fail' ? ', over the budget' : status === 'warn' ? ', close to the budget' : ''}`
  }
}

/** Every budget check of a finished run against the config as it is now; [] while it runs. */
export function budgetChecks(plan: BenchmarkPlan, t: number, config: ConfigState): Check[] {
  if (jobStatus(plan, t) === 'pending' || jobStatus(plan, t) === 'running') return []
  const v = config.values
  const m = plan.measured
  const seconds = (x: number): string => `${x} s`
  const mi = (x: number): string => `${x} Mi`
  const checks: Check[] = [
    ratioCheck(
      'simulation_timeout_sec',
      'Run wallclock',
      num(v.simulation_timeout_sec, 600),
      m.wallclockSec,
      seconds
    ),
    ratioCheck(
      'agent_max_time_per_step_second',
      'Slowest agent call',
      num(v.agent_max_time_per_step_second, 1),
      m.maxStepSec,
      seconds
    ),
    ratioCheck(
      'agent_memory_limit',
      'Agent memory peak',
      quantityMi(v.agent_memory_limit),
      m.agentMemoryMi,
      mi,
      String(v.agent_memory_limit)
    ),
    ratioCheck(
      'env_memory_limit',
      'Env memory peak',
      quantityMi(v.env_memory_limit),
      m.envMemoryMi,
      mi,
      String(v.env_memory_limit)
    ),
    ratioCheck(
      'simulation_max_steps',
      'Longest episode',
      num(v.simulation_max_steps, 1000),
      m.maxEpisodeSteps,
      x => `${x} steps`
    )
  ]
  const declared = declaredEnvKeys(config)
  if (m.envMetricKeys === null)
    checks.push({
      key: 'metrics',
      label: 'Env metric keys',
      configured: declared,
      measured: null,
      ratio: null,
      status: 'unmeasured',
      message: 'Env metric keys: not measured (the run did not finish)'
    })
  else {
    const returned = declared.filter(k => (m.envMetricKeys ?? []).includes(k))
    const missing = declared.filter(k => !returned.includes(k))
    checks.push({
      key: 'metrics',
      label: 'Env metric keys',
      configured: declared,
      measured: returned,
      ratio: null,
      status: missing.length > 0 ? 'fail' : 'ok',
      message:
        declared.length === 0
          ? 'Env metric keys: no metric with source "env" is declared'
          : missing.length > 0
            ? `Env metric keys: env.py did not return ${missing.map(k => `'${k}'`).join(', ')}`
            : `Env metric keys: env.py returned every declared key (${declared.join(', ')})`
    })
  }
  return checks
}
