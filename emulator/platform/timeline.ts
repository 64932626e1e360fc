/**
 * A deploy's whole future, decided when it is accepted: grace period, queue, runs, games and the
 * outcome. Everything a client can observe at time t is derived from this plan (pure functions),
 * so the clock can jump anywhere and the answers stay consistent and deterministic.
 */
import { roundTo, unitFromParts } from '../plumbing/prng.ts'
import { MARKERS } from './markers.ts'
import type { CompetitionConfig } from './world.ts'

/** Simulated durations (ms). A normal deploy takes about eight simulated minutes. */
export const TIMING = {
  /** Right after a deploy the status still reads as before (legacy: deploying). */
  graceMs: 6_000,
  /** Each queue position ahead takes this long to clear. */
  queueStepMs: 40_000,
  runMinMs: 60_000,
  runSpreadMs: 60_000,
  codeErrorRunMs: 8_000,
  oomRunMs: 45_000,
  timeoutRunMs: 300_000,
  crashRunMs: 30_000,
  /** With the simulator down, a deploy waits this long in the queue and is then cancelled. */
  simulatorDownWaitMs: 15 * 60_000
} as const

export type RunOutcome = 'ok' | 'code_error' | 'timeout' | 'oom_killed' | 'crash' | 'cancelled'

export interface GamePlan {
  id: number
  runIndex: number
  index: number
  createdAt: number
  /** The game's reward (metric boards: its metric value); null for a failed run's game. */
  reward: number | null
  steps: number
  outcome: string
  finalRank: number | null
  hasLog: boolean
}

export interface RunPlan {
  index: number
  startAt: number
  endAt: number
  outcome: RunOutcome
  errorMessage: string | null
  reward: number | null
  steps: number
  games: GamePlan[]
}

export interface DeployPlan {
  id: number
  agentId: number
  competitionId: number
  createdAt: number
  graceEnd: number
  queueStart: number
  /** Infinity: the deploy never leaves the queue. */
  queueEnd: number
  queueAhead: number
  queueTotal: number
  /** The queue does not move (the simulator is down). */
  queueStuck: boolean
  runs: RunPlan[]
  /** Infinity: never settles. */
  endsAt: number
  succeeded: boolean
  failureMessage: string | null
  /** The ranking value (mean reward, ELO or the metric), when the deploy succeeds. */
  score: number | null
  meanReward: number | null
  ci95: number | null
  episodes: number
}

export interface PlanInput {
  id: number
  agentId: number
  competition: CompetitionConfig
  createdAt: number
  seed: number
  /** Stable key of the agent's files (names and sha256), so rewards depend only on them. */
  filesKey: string
  markers: ReadonlySet<string>
  scoreOverride: number | null
}

type FailingOutcome = Exclude<RunOutcome, 'ok'>

const ERROR_MESSAGES: Record<FailingOutcome, string> = {
  code_error: "ModuleNotFoundError: No module named 'mlarena_missing_dependency'",
  timeout: 'The agent did not answer within 300 s: time limit exceeded',
  oom_killed: 'Killed: the agent exceeded its 2 GiB memory limit',
  crash: 'Segmentation fault (core dumped) in the simulator worker',
  cancelled: 'Cancelled: the simulator machine is unavailable'
}

function failingOutcome(markers: ReadonlySet<string>): FailingOutcome | null {
  if (markers.has(MARKERS.FAIL_IMPORT)) return 'code_error'
  if (markers.has(MARKERS.OOM)) return 'oom_killed'
  if (markers.has(MARKERS.TIMEOUT)) return 'timeout'
  return null
}

function runDuration(outcome: RunOutcome, u: number): number {
  switch (outcome) {
    case 'ok':
      return TIMING.runMinMs + Math.floor(u * TIMING.runSpreadMs)
    case 'code_error':
      return TIMING.codeErrorRunMs
    case 'oom_killed':
      return TIMING.oomRunMs
    case 'timeout':
      return TIMING.timeoutRunMs
    case 'crash':
      return TIMING.crashRunMs
    case 'cancelled':
      return 0
  }
}

function planGames(
  input: PlanInput,
  run: number,
  outcome: RunOutcome,
  startAt: number,
  endAt: number
): GamePlan[] {
  const comp = input.competition
  const baseId = input.id * 100 + run * 10
  if (outcome === 'cancelled') return []
  if (outcome !== 'ok') {
    return [
      {
        id: baseId,
        runIndex: run,
        index: 0,
        createdAt: endAt,
        reward: null,
        steps: outcome === 'code_error' ? 0 : 17,
        outcome: 'error',
        finalRank: null,
        hasLog: true
      }
    ]
  }
  const games: GamePlan[] = []
  const count = comp.gamesPerRun
  const [lo, hi] = comp.rewardRange
  for (let g = 0; g < count; g += 1) {
    const u = unitFromParts(input.seed, input.filesKey, run, g, 'reward')
    const v = unitFromParts(input.seed, input.filesKey, run, g, 'steps')
    let reward: number
    let steps: number
    let outcomeName: string
    let finalRank: number | null = null
    if (comp.ranking === 'elo') {
      outcomeName = u > 0.55 ? 'win' : u < 0.4 ? 'loss' : 'draw'
      reward = outcomeName === 'win' ? 1 : outcomeName === 'loss' ? -1 : 0
      finalRank = outcomeName === 'loss' ? 2 : 1
      steps = 7 + Math.floor(v * 35)
    } else if (comp.ranking === 'metric') {
      reward = roundTo(lo + u * (hi - lo), 4)
      steps = 1000
      outcomeName = 'scored'
    } else {
      reward = roundTo(lo + u * (hi - lo), 2)
      steps = 100 + Math.floor(v * 900)
      outcomeName = reward >= (lo + hi) / 2 ? 'success' : 'failure'
    }
    games.push({
      id: baseId + g,
      runIndex: run,
      index: g,
      createdAt: startAt + Math.floor(((g + 1) * (endAt - startAt)) / count),
      reward,
      steps,
      outcome: outcomeName,
      finalRank,
      hasLog: (run + g) % 4 !== 3
    })
  }
  return games
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

export function planDeploy(input: PlanInput): DeployPlan {
  const comp = input.competition
  const t0 = input.createdAt
  const graceEnd = t0 + TIMING.graceMs
  const queueAhead = 2 + Math.floor(unitFromParts(input.seed, input.id, 'ahead') * 5)
  const queueTotal = queueAhead + 1 + Math.floor(unitFromParts(input.seed, input.id, 'behind') * 10)
  const neverSettles = input.markers.has(MARKERS.NEVER_SETTLE)
  const simulatorDown = !comp.vmHealthOk
  let queueEnd: number
  if (neverSettles) queueEnd = Infinity
  else if (simulatorDown) queueEnd = graceEnd + TIMING.simulatorDownWaitMs
  else queueEnd = graceEnd + (queueAhead + 1) * TIMING.queueStepMs

  const base: Omit<DeployPlan, 'runs' | 'endsAt' | 'succeeded' | 'failureMessage' | 'score'> = {
    id: input.id,
    agentId: input.agentId,
    competitionId: comp.id,
    createdAt: t0,
    graceEnd,
    queueStart: graceEnd,
    queueEnd,
    queueAhead,
    queueTotal,
    queueStuck: simulatorDown,
    meanReward: null,
    ci95: null,
    episodes: 0
  }
  if (neverSettles) {
    return {
      ...base,
      runs: [],
      endsAt: Infinity,
      succeeded: false,
      failureMessage: null,
      score: null
    }
  }

  const failing: FailingOutcome | null = simulatorDown ? 'cancelled' : failingOutcome(input.markers)
  const runs: RunPlan[] = []
  let cursor = queueEnd
  for (let r = 0; r < comp.runsPerDeploy; r += 1) {
    let outcome: RunOutcome = failing ?? 'ok'
    if (!failing && r === 1 && input.markers.has(MARKERS.CRASH_ONE)) outcome = 'crash'
    const duration = runDuration(outcome, unitFromParts(input.seed, input.filesKey, r, 'duration'))
    const startAt = cursor
    const endAt = startAt + duration
    cursor = endAt
    const games = planGames(input, r, outcome, startAt, endAt)
    const rewards = games.flatMap(g => (g.reward === null ? [] : [g.reward]))
    runs.push({
      index: r,
      startAt,
      endAt,
      outcome,
      errorMessage: outcome === 'ok' ? null : ERROR_MESSAGES[outcome],
      reward: rewards.length > 0 ? roundTo(mean(rewards), 4) : null,
      steps: games.reduce((sum, g) => sum + g.steps, 0),
      games
    })
  }

  const completed = runs.filter(r => r.outcome === 'ok')
  const endsAt = cursor
  if (completed.length === 0) {
    const failureMessage = simulatorDown
      ? 'The simulator machine is down (vm_health_ok=false): the deployment was cancelled after 15 minutes in the queue'
      : `All ${runs.length} runs failed (${failing ?? 'error'}): ${ERROR_MESSAGES[failing ?? 'crash']}`
    return { ...base, runs, endsAt, succeeded: false, failureMessage, score: null }
  }
  const rewards = completed.flatMap(r => r.games.map(g => g.reward ?? 0))
  const meanReward = roundTo(mean(rewards), comp.ranking === 'metric' ? 4 : 2)
  const variance = mean(rewards.map(x => (x - meanReward) ** 2))
  const ci95 = roundTo((1.96 * Math.sqrt(variance)) / Math.sqrt(rewards.length), 4)
  let score: number
  if (comp.ranking === 'elo') {
    const wins = rewards.filter(x => x > 0).length
    const losses = rewards.filter(x => x < 0).length
    const strength = unitFromParts(input.seed, input.filesKey, 'elo')
    score = roundTo(1200 + 300 * (strength - 0.5) + 12 * (wins - losses), 1)
  } else {
    score = meanReward
  }
  if (input.scoreOverride !== null) score = input.scoreOverride
  return {
    ...base,
    runs,
    endsAt,
    succeeded: true,
    failureMessage: null,
    score,
    meanReward,
    ci95,
    episodes: rewards.length
  }
}

export type DeployPhase = 'grace' | 'queue' | 'run' | 'done'

export function deployPhase(plan: DeployPlan, t: number): DeployPhase {
  if (t >= plan.endsAt) return 'done'
  if (t < plan.graceEnd) return 'grace'
  if (t < plan.queueEnd) return 'queue'
  return 'run'
}

/** When the current phase began (for status_update_ts). */
export function phaseSince(plan: DeployPlan, t: number): number {
  switch (deployPhase(plan, t)) {
    case 'grace':
      return plan.createdAt
    case 'queue':
      return plan.graceEnd
    case 'run':
      return plan.queueEnd
    case 'done':
      return plan.endsAt
  }
}

export function queuePosition(plan: DeployPlan, t: number): number {
  if (plan.queueStuck) return plan.queueAhead + 1
  const moved = Math.floor((t - plan.queueStart) / TIMING.queueStepMs)
  return Math.max(1, plan.queueAhead + 1 - moved)
}

export type RunState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface RunView {
  plan: RunPlan
  state: RunState
  stepsDone: number
  /** Reward of the games finished so far (legacy current_reward). */
  partialReward: number | null
}

export function runView(run: RunPlan, t: number): RunView {
  if (run.outcome === 'cancelled' && t >= run.endAt)
    return { plan: run, state: 'cancelled', stepsDone: 0, partialReward: null }
  if (t < run.startAt) return { plan: run, state: 'pending', stepsDone: 0, partialReward: null }
  const finishedGames = run.games.filter(g => g.createdAt <= t)
  const rewards = finishedGames.flatMap(g => (g.reward === null ? [] : [g.reward]))
  const partialReward = rewards.length > 0 ? roundTo(mean(rewards), 4) : null
  if (t < run.endAt) {
    const fraction = (t - run.startAt) / (run.endAt - run.startAt)
    return {
      plan: run,
      state: 'running',
      stepsDone: Math.floor(run.steps * fraction),
      partialReward
    }
  }
  return {
    plan: run,
    state: run.outcome === 'ok' ? 'completed' : 'failed',
    stepsDone: run.steps,
    partialReward
  }
}

/** The runs a status shows at time t (none before the queue is left). */
export function visibleRuns(plan: DeployPlan, t: number): RunView[] {
  if (t < plan.queueEnd) return []
  return plan.runs.map(run => runView(run, t))
}

export function visibleGames(plan: DeployPlan, t: number): GamePlan[] {
  return plan.runs.flatMap(run => run.games.filter(g => g.createdAt <= t))
}
