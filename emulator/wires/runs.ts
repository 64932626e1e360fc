/**
 * The current wire's run model (SDK 4.4.0): the `RunResult` that `submission_status` serves
 * under `run_info.results` and `submission_games` under `games` (with `replay`), its
 * `submission_results` rows, and the `RunsContext`. Every key is one the 4.4.0
 * `submission_status` / `submission_games` docstrings list (see
 * __tests__/conformance/sdk-4.4-keys.ts); the resource columns the docstring names only as
 * patterns (`step_time_*_sec`, `env_metric_*`, `action_time_*_sec`, `agent_metric_*`) are not
 * served, since no SDK names them one by one.
 */
import {
  iso,
  REPLAY_RETENTION_MS,
  type Agent,
  type DeployRecord,
  type World
} from '../platform/store.ts'
import type { RunView } from '../platform/timeline.ts'
import type { CompetitionConfig } from '../platform/world.ts'
import type { RenderFormat } from '../plumbing/replays.ts'

/** Agent-side failures (README "Why a run ended": `agent_error_type`). */
const AGENT_ERRORS: ReadonlySet<string> = new Set(['code_error', 'timeout', 'oom_killed'])

/** The id of a run (`simulation_result_id`): unique per deploy and run index. */
export function simulationResultId(record: DeployRecord, run: RunView): number {
  return record.plan.id * 100 + run.plan.index * 10
}

/** The opponent of a two-player (ELO) challenge's run: a synthetic sparring partner. */
function opponentId(comp: CompetitionConfig, record: DeployRecord): number {
  return comp.id * 1_000_000 + 1 + record.plan.id
}

export function numberOfAgents(comp: CompetitionConfig): number {
  return comp.ranking === 'elo' ? 2 : 1
}

/** How the run ended for its agent(s). */
function verdict(run: RunView): {
  jobStatus: string
  jobErrorType: string | null
  envErrorType: string | null
  agentErrorType: string | null
  finished: boolean
} {
  const outcome = run.plan.outcome
  switch (run.state) {
    case 'pending':
    case 'running':
      return {
        jobStatus: run.state,
        jobErrorType: null,
        envErrorType: null,
        agentErrorType: null,
        finished: false
      }
    case 'cancelled':
      // The simulator machine never ran it: the platform lost the run (`job_error_type: lost`).
      return {
        jobStatus: 'failed',
        jobErrorType: 'lost',
        envErrorType: null,
        agentErrorType: null,
        finished: true
      }
    default:
      // An outcome arrived (`completed`), possibly with the cause of an error on it.
      return {
        jobStatus: 'completed',
        jobErrorType: null,
        envErrorType: outcome === 'crash' ? 'crash' : null,
        agentErrorType: AGENT_ERRORS.has(outcome) ? outcome : null,
        finished: true
      }
  }
}

function replayFormat(comp: CompetitionConfig, run: RunView): RenderFormat {
  if (comp.submissionFilename !== null) return 'image_png'
  const formats: RenderFormat[] = ['frames_v2', 'video_mp4', 'image_png']
  return formats[run.plan.index % formats.length] as RenderFormat
}

function gameOutcome(run: RunView): { outcome: string | null; rank: number | null } {
  const total = run.plan.games.reduce((sum, g) => sum + (g.reward ?? 0), 0)
  if (total > 0) return { outcome: 'win', rank: 1 }
  if (total < 0) return { outcome: 'loss', rank: 2 }
  return { outcome: 'draw', rank: 1 }
}

function spread(rewards: number[]): { variance: number; ci95: number } | null {
  if (rewards.length === 0) return null
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length
  const variance = rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / rewards.length
  const ci95 = (1.96 * Math.sqrt(variance)) / Math.sqrt(rewards.length)
  return { variance: Math.round(variance * 1e4) / 1e4, ci95: Math.round(ci95 * 1e4) / 1e4 }
}

/** One `RunResult` (without `replay`; `gameRow` adds it). */
export function runResult(
  world: World,
  agent: Agent,
  record: DeployRecord,
  run: RunView
): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const v = verdict(run)
  const srid = simulationResultId(record, run)
  const scored = v.finished && run.plan.outcome === 'ok'
  const rewards = run.plan.games.flatMap(g => (g.reward === null ? [] : [g.reward]))
  const stats = scored ? spread(rewards) : null
  const elo = comp.ranking === 'elo'
  const duel = elo && scored ? gameOutcome(run) : { outcome: null, rank: null }
  const started = run.state !== 'pending' && run.state !== 'cancelled'
  const status = world.statusView(agent).status
  const agentError = v.agentErrorType
  const stdout =
    v.finished && run.state !== 'cancelled'
      ? world.logStorage.stdout({
          simulationResultId: srid,
          challengeId: comp.id,
          challengeName: comp.name,
          submissionId: agent.id,
          submissionName: agent.name,
          runIndex: run.plan.index,
          runCount: record.plan.runs.length,
          outcome: duel.outcome,
          score: scored ? run.plan.reward : null,
          steps: run.stepsDone,
          errorType: agentError ?? v.envErrorType,
          errorMessage: run.plan.errorMessage,
          createdAt: run.plan.startAt
        })
      : null
  const own: Record<string, unknown> = {
    id: srid * 10 + (elo ? 2 : 1),
    submission_id: agent.id,
    submission_name: agent.name,
    user_name: agent.owner.username,
    submission_status: status,
    agent_attached_player_id: elo ? 2 : 1,
    env_player_name: elo ? 'player_2' : 'player_1',
    score: scored ? run.plan.reward : null,
    score_variance: stats?.variance ?? null,
    n_episodes: scored ? rewards.length : null,
    score_ci95: stats?.ci95 ?? null,
    agent_nb_steps: run.stepsDone,
    game_outcome: duel.outcome,
    final_rank: duel.rank,
    score_elo_before: elo && scored ? 1200 : null,
    score_elo_delta:
      elo && scored ? (duel.outcome === 'win' ? 8 : duel.outcome === 'loss' ? -8 : 0) : null,
    metrics: scored
      ? { [comp.metrics.find(m => m.isRanking)?.key ?? 'score']: run.plan.reward }
      : {},
    info_message: null,
    agent_error_type: agentError,
    agent_error_message: agentError ? run.plan.errorMessage : null,
    agent_stdout_logs: stdout
  }
  const rows: Record<string, unknown>[] = [own]
  if (elo) {
    // Two-player games: the opponent's row comes first (seat order); a client picks its own by
    // id. Its private fields (error message, stdout) are null: they are its owner's.
    rows.unshift({
      ...own,
      id: srid * 10 + 1,
      submission_id: opponentId(comp, record),
      submission_name: 'sparring-partner',
      user_name: 'arena-house-bot',
      submission_status: 'active',
      agent_attached_player_id: 1,
      env_player_name: 'player_1',
      score: scored && run.plan.reward !== null ? -run.plan.reward : null,
      game_outcome:
        duel.outcome === 'win' ? 'loss' : duel.outcome === 'loss' ? 'win' : duel.outcome,
      final_rank: duel.rank === null ? null : duel.outcome === 'draw' ? 1 : 3 - duel.rank,
      score_elo_before: scored ? 1210 : null,
      score_elo_delta: own.score_elo_delta === null ? null : -(own.score_elo_delta as number),
      metrics: {},
      agent_error_type: null,
      agent_error_message: null,
      agent_stdout_logs: null
    })
  }
  return {
    simulation_result_id: srid,
    job_status: v.jobStatus,
    job_started_at_ts: started ? iso(run.plan.startAt) : null,
    job_completed_at_ts: v.finished && run.state !== 'cancelled' ? iso(run.plan.endAt) : null,
    job_error_type: v.jobErrorType,
    // The platform's detail is served to the challenge's staff only.
    job_error_message: null,
    job_retry_count: 0,
    created_at_ts: iso(
      record.plan.queueEnd === Infinity ? record.plan.createdAt : record.plan.queueStart
    ),
    simulate_end_time_ts: v.finished && run.state !== 'cancelled' ? iso(run.plan.endAt) : null,
    is_test: false,
    is_deployment: true,
    env_nb_steps: run.stepsDone,
    env_error_type: v.envErrorType,
    // The env's message and stdout belong to the challenge's creator.
    env_error_message: null,
    env_stdout_logs: null,
    submission_results: rows
  }
}

/** A `submission_games` row: the RunResult plus `replay` (null: none recorded, or expired). */
export function gameRow(
  world: World,
  agent: Agent,
  record: DeployRecord,
  run: RunView
): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const row = runResult(world, agent, record, run)
  const t = world.clock.now()
  const recorded = run.state === 'completed' && run.plan.outcome === 'ok'
  const kept = t - run.plan.endAt < REPLAY_RETENTION_MS
  let replay: Record<string, unknown> | null = null
  if (recorded && kept) {
    const ref = {
      simulationResultId: simulationResultId(record, run),
      format: replayFormat(comp, run),
      steps: run.stepsDone,
      score: run.plan.reward
    }
    replay = {
      render_format: ref.format,
      signed_url: world.logStorage.replaySignedUrl(ref, t),
      render_size_bytes: world.logStorage.replayFile(ref).length
    }
  }
  return { ...row, replay }
}

/** The `RunsContext` (`challenge_context` of `submission_games`). */
export function runsContext(comp: CompetitionConfig, metrics: unknown[]): Record<string, unknown> {
  return {
    metrics,
    number_of_agents: numberOfAgents(comp),
    // The default frame duration of a replay (seconds).
    render_delay_second: 0.25
  }
}
