/**
 * The two wires of the ML Arena API: their routes and bodies, and the mapping of their answers
 * into the domain model (model.ts). Nothing above src/arena/ sees a wire field name.
 *
 * Required fields (the action cannot go on without them; missing or invalid → 'protocol' error):
 * ids of created agents, competition `name`, status `status`, `games`, `files`, `content`,
 * runtime option `id`/`language`, `mine`'s `submissions` with each `id`. Everything else is
 * optional and lenient. The current wire's `is_settled`/`is_deployable` are always sent per the
 * contract; when absent anyway, settled falls back to "terminal" and deployable to null rather
 * than failing a run over a field the client can do without.
 */
import type { Method } from './http.js'
import type { TokenScope } from './token.js'
import type {
  AgentFile,
  AgentStatus,
  Competition,
  CreatedAgent,
  DeployQuota,
  Game,
  GameList,
  GamesContext,
  LatestDeploy,
  LeaderboardQuery,
  MyAgent,
  Page,
  Replay,
  RunResult,
  RuntimeOption,
  RuntimePackage,
  SubmissionLayout,
  UploadResult,
  Wire
} from './model.js'
import { TERMINAL_STATES } from './model.js'
import type { RequestContext } from './errors.js'
import {
  arrayOrUnder,
  asArray,
  asRecord,
  fail,
  isRecord,
  optBool,
  optInt,
  optNumber,
  optString,
  optTime,
  pick,
  reqInt,
  reqString,
  type Json
} from './guards.js'

export interface Endpoint {
  method: Method
  /** Under the API root, ids included. */
  path: string
  /** Noun phrase for messages. */
  what: string
  /** Agent/submission routes need a `user` token. */
  userScope: boolean
  /** Another scope a route needs (creator routes: `creator`); checked before sending. */
  scope?: TokenScope
}

function agentRoot(w: Wire, cid: number, aid: number): string {
  return w === 'current'
    ? `/submissions/challenge/${cid}/${aid}`
    : `/direct_attache_agents/competition/${cid}/${aid}`
}

function agentsPrefix(w: Wire): string {
  return w === 'current' ? '/submissions' : '/direct_attache_agents'
}

function ep(method: Method, path: string, what: string, userScope = true): Endpoint {
  return { method, path, what, userScope }
}

export const endpoints = {
  competition: (w: Wire, cid: number): Endpoint =>
    ep(
      'GET',
      w === 'current' ? `/challenges/${cid}` : `/competitions/${cid}`,
      'the competition request',
      false
    ),
  competitions: (w: Wire): Endpoint =>
    ep('GET', w === 'current' ? '/challenges/' : '/competitions/', 'the competition list', false),
  runtimeOptions: (w: Wire, cid: number): Endpoint =>
    ep('GET', `${agentsPrefix(w)}/runtime_options/${cid}`, 'the runtime options request'),
  createAgent: (w: Wire, cid: number): Endpoint =>
    ep(
      'POST',
      w === 'current'
        ? `/submissions/challenge/${cid}`
        : `/direct_attache_agents/competition/${cid}`,
      'the agent creation'
    ),
  agentRuntime: (w: Wire, aid: number): Endpoint =>
    ep('GET', `${agentsPrefix(w)}/agent_runtime/${aid}`, 'the runtime request'),
  pinRuntime: (w: Wire, aid: number): Endpoint =>
    ep('PUT', `${agentsPrefix(w)}/agent_runtime/${aid}`, 'the runtime pin'),
  upload: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('PUT', `${agentRoot(w, cid, aid)}/file`, 'the upload'),
  deleteFile: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('PUT', `${agentRoot(w, cid, aid)}/file`, 'the file deletion'),
  listFiles: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('GET', `${agentRoot(w, cid, aid)}/file`, 'the file list'),
  readFile: (w: Wire, cid: number, aid: number, name: string): Endpoint =>
    ep(
      'GET',
      `${agentRoot(w, cid, aid)}/file/${encodeURIComponent(name)}/content`,
      'the file read'
    ),
  deploy: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('PUT', `${agentRoot(w, cid, aid)}/deploy`, 'the deploy'),
  deployQuota: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('GET', `${agentRoot(w, cid, aid)}/deploy`, 'the deploy quota request'),
  status: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('GET', `${agentRoot(w, cid, aid)}/status`, 'the status request'),
  games: (w: Wire, aid: number): Endpoint =>
    ep(
      'GET',
      w === 'current'
        ? `/submissions/submission/${aid}/games`
        : `/direct_attache_agents/agent/${aid}/games`,
      'the games request'
    ),
  leaderboard: (w: Wire, cid: number): Endpoint =>
    ep(
      'GET',
      w === 'current' ? `/leaderboard/challenge/${cid}` : `/leaderboard/competition/${cid}`,
      'the leaderboard request',
      false
    ),
  deleteAgent: (w: Wire, cid: number, aid: number): Endpoint =>
    ep('DELETE', agentRoot(w, cid, aid), 'the agent deletion'),
  /** Current wire only. */
  mine: (w: Wire): Endpoint | null =>
    w === 'current' ? ep('GET', '/submissions/mine', 'the list of your agents') : null
}

// ---- request bodies and queries ----

export function createBody(w: Wire, name: string, copyFrom?: number): Json {
  if (w === 'current') {
    return copyFrom === undefined
      ? { submission_name: name }
      : { submission_name: name, copy_from_submission_id: copyFrom }
  }
  return copyFrom === undefined
    ? { agent_name: name }
    : { agent_name: name, copy_from_agent_id: copyFrom }
}

export function pinBody(runtimeId: number): Json {
  return { docker_image_agent_runtime_id: runtimeId }
}

export interface CompetitionQuery {
  q?: string
  tags?: string
  status?: string
  perPage?: number
}

export function competitionsQuery(
  page: number,
  query: CompetitionQuery
): Record<string, string | number | undefined> {
  return { page, per_page: query.perPage ?? 50, q: query.q, tags: query.tags, status: query.status }
}

/** Current wire only: the legacy leaderboard takes no query. Each key is sent only when wanted. */
export function leaderboardQuery(
  w: Wire,
  query: LeaderboardQuery
): Record<string, string | number | undefined> | undefined {
  if (w === 'legacy') return undefined
  return {
    limit: query.limit,
    offset: query.offset,
    aggregate: query.aggregate,
    me: query.me ? 'true' : undefined,
    window: query.window,
    q: query.q,
    course_id: query.courseId
  }
}

// ---- answers ----

function healthOf(o: Json): boolean | null {
  for (const key of ['machine', 'engine']) {
    const block = o[key]
    if (isRecord(block)) {
      const ok = optBool(block.vm_health_ok)
      if (ok !== null) return ok
    }
  }
  return optBool(o.vm_health_ok)
}

export function parseCompetition(
  data: unknown,
  ctx: RequestContext,
  fallbackId?: number
): Competition {
  const o = asRecord(data, ctx, '(competition)')
  const id = optInt(o.id) ?? optInt(o.challenge_id) ?? optInt(o.competition_id) ?? fallbackId
  if (id === undefined) fail(ctx, 'id', 'an integer')
  return {
    id,
    name: reqString(o, 'name', ctx),
    description: optString(o.description),
    maxUploadSizeBytes: optInt(o.max_upload_size_bytes),
    maxUploadFiles: optInt(o.max_upload_files),
    simulatorHealthy: healthOf(o),
    submissionFilename: optString(o.submission_filename),
    submissionLayout: layoutOf(o.submission_layout),
    kindLabel: optString(o.kind_label),
    status: optString(o.status)
  }
}

/** A file challenge's CSV layout; anything else (null on code challenges, older strings) is null. */
function layoutOf(value: unknown): SubmissionLayout | null {
  if (!isRecord(value) || !Array.isArray(value.columns)) return null
  return {
    columns: value.columns.filter((column): column is string => typeof column === 'string'),
    separator: optString(value.separator),
    idColumn: optString(value.id_column),
    targetColumn: optString(value.target_column),
    rowCount: optInt(value.row_count)
  }
}

export function parseCompetitionPage(data: unknown, ctx: RequestContext): Page<Competition> {
  const o = asRecord(data, ctx, '(page)')
  const items = asArray(o.items, ctx, 'items').map(item => parseCompetition(item, ctx))
  const metadata = isRecord(o.metadata) ? o.metadata : {}
  return { items, hasNext: optBool(metadata.has_next) === true }
}

export function parseRuntimeOptions(data: unknown, ctx: RequestContext): RuntimeOption[] {
  const list = arrayOrUnder(data, 'runtime_options', ctx, '(runtime options)')
  return list.map(item => {
    const o = asRecord(item, ctx, 'runtime option')
    const packages: RuntimePackage[] = []
    if (Array.isArray(o.packages)) {
      for (const p of o.packages) {
        if (isRecord(p) && typeof p.name === 'string')
          packages.push({ name: p.name, version: optString(p.version) })
      }
    }
    return {
      id: reqInt(o, 'id', ctx),
      language: reqString(o, 'language', ctx),
      languageVersion: optString(o.language_version),
      framework: optString(o.framework),
      frameworkVersion: optString(o.framework_version),
      requirement: optString(o.requirement),
      displayName: optString(o.display_name),
      packages
    }
  })
}

export function parseCreated(
  w: Wire,
  data: unknown,
  ctx: RequestContext,
  name: string
): CreatedAgent {
  const o = asRecord(data, ctx, '(created agent)')
  if (w === 'current') {
    return { id: reqInt(o, 'submission_id', ctx), name: optString(o.submission_name) ?? name }
  }
  return { id: reqInt(o, 'attache_agent_id', ctx), name: optString(o.agent_name) ?? name }
}

/** The runtime id pinned to an agent, or null when none is (the answer's shape varies). */
export function parseAgentRuntime(data: unknown, ctx: RequestContext): number | null {
  if (data === null) return null
  const o = asRecord(data, ctx, '(agent runtime)')
  const direct = optInt(pick(o, 'docker_image_agent_runtime_id', 'runtime_id'))
  if (direct !== null) return direct
  for (const key of ['runtime', 'agent_runtime', 'docker_image_agent_runtime']) {
    const nested = o[key]
    if (isRecord(nested)) return optInt(nested.id)
  }
  return null
}

/**
 * An upload's answer (4.4 `upload_submission_file`: `message`, `validation_message` and the
 * status block). A 2xx means the file was saved; the state it carries is no verdict on the
 * agent: "the file route returns HTTP 200 even when validation rejects the submission … read
 * `is_deployable`", which `submit()` does once, after the last file. So does the action
 * (steps/upload.ts), and a file that reads `upload_failed` mid-way does not end the upload.
 */
export function parseUpload(data: unknown, text: string): UploadResult {
  const o = isRecord(data) ? data : {}
  const state = optString(o.status)
  const message = optString(o.message) ?? (text && !isRecord(data) ? text : null)
  return {
    message:
      message !== null && state !== null && !message.includes(state)
        ? `${state}: ${message}`
        : (message ?? state),
    validationMessage: optString(o.validation_message),
    state
  }
}

/**
 * `delete_file=<name>` as the SDKs send it: a form field (`data={"delete_file": name}` in 0.2.0
 * and 4.4.0 `delete_submission_file`), which `requests` encodes as
 * application/x-www-form-urlencoded, not multipart.
 */
export function deleteFileForm(name: string): { text: string; contentType: string } {
  return {
    text: new URLSearchParams({ delete_file: name }).toString(),
    contentType: 'application/x-www-form-urlencoded'
  }
}

export function parseFiles(data: unknown, ctx: RequestContext): AgentFile[] {
  return fileEntries(data, ctx).map(([name, f]) => fileOf(name, f))
}

/**
 * The entries of a file list, `{files: {<name>: {...}}}` or `{files: [{name, ...}]}`, as
 * [name, fields] pairs (agent files here, a challenge's env and benchmark files in
 * creator-wire.ts).
 */
export function fileEntries(data: unknown, ctx: RequestContext): [string, Json][] {
  const o = asRecord(data, ctx, '(file list)')
  const files = o.files
  if (Array.isArray(files)) {
    return files.map(item => {
      const f = asRecord(item, ctx, 'files[]')
      const name = optString(pick(f, 'name', 'filename'))
      if (name === null) fail(ctx, 'files[].name', 'a string')
      return [name, f]
    })
  }
  return Object.entries(asRecord(files, ctx, 'files')).map(([name, value]) => [
    name,
    isRecord(value) ? value : {}
  ])
}

function fileOf(name: string, f: Json): AgentFile {
  return {
    name,
    size: optInt(f.size),
    isBinary: optBool(f.is_binary),
    language: optString(f.language)
  }
}

export function parseFileContent(data: unknown, ctx: RequestContext): string {
  return reqString(asRecord(data, ctx, '(file content)'), 'content', ctx)
}

export function parseDeployMessage(data: unknown, text: string): string | null {
  if (isRecord(data)) return optString(data.message) ?? optString(data.status)
  return typeof data === 'string' ? data : text || null
}

function limitsBlock(o: Json, snake: string, camel: string): Json {
  const block = pick(o, snake, camel)
  return isRecord(block) ? block : o
}

/** Deploy quota; the legacy wire's keys are camelCase and undocumented: both spellings are read. */
export function parseQuota(data: unknown, ctx: RequestContext): DeployQuota {
  return quotaOf(asRecord(data, ctx, '(deploy quota)'))
}

/** The limits a 409 deploy refusal carries, if it carries any. */
export function parseRefusalQuota(data: unknown): DeployQuota | undefined {
  if (!isRecord(data)) return undefined
  if (
    !isRecord(pick(data, 'deployment_limits', 'deploymentLimits')) &&
    !isRecord(pick(data, 'active_submission_limits', 'activeSubmissionLimits'))
  ) {
    return undefined
  }
  return quotaOf(data)
}

function quotaOf(o: Json): DeployQuota {
  const deploys = limitsBlock(o, 'deployment_limits', 'deploymentLimits')
  const active = limitsBlock(o, 'active_submission_limits', 'activeSubmissionLimits')
  const latest = pick(o, 'latest_deploy', 'latestDeploy', 'lastDeploy', 'last_deploy')
  return {
    dailyLimit: optInt(pick(deploys, 'daily_deploy_limit', 'dailyDeployLimit')),
    dailyUsed: optInt(pick(deploys, 'daily_deploys_used', 'dailyDeploysUsed')),
    dailyRemaining: optInt(pick(deploys, 'daily_deploys_remaining', 'dailyDeploysRemaining')),
    nextDeployAt: optTime(pick(deploys, 'next_deploy_available_at', 'nextDeployAvailableAt')),
    canDeploy: optBool(pick(deploys, 'can_deploy', 'canDeploy')),
    maxActive: optInt(
      pick(active, 'max_active_submissions', 'maxActiveSubmissions', 'maxActiveAgents')
    ),
    activeCount: optInt(
      pick(active, 'active_submissions_count', 'activeSubmissionsCount', 'activeAgentsCount')
    ),
    activeRemaining: optInt(
      pick(
        active,
        'active_submissions_remaining',
        'activeSubmissionsRemaining',
        'activeAgentsRemaining'
      )
    ),
    latestDeploy: isRecord(latest) ? latestDeployOf(latest) : null
  }
}

/** Null for "never deployed": 4.4 servers send the block with every key null then. */
function latestDeployOf(o: Json): LatestDeploy | null {
  if (optInt(o.id) === null && optString(o.status) === null) return null
  return {
    id: optInt(o.id),
    status: optString(o.status),
    createdAt: optTime(pick(o, 'created_at_ts', 'createdAtTs', 'created_at', 'createdAt')),
    finishedAt: optTime(pick(o, 'finished_at_ts', 'finishedAtTs', 'finished_at', 'finishedAt')),
    failureMessage: optString(pick(o, 'failure_message', 'failureMessage')),
    // 4.4 `submission_deploy_status` / `submission_status` (README 4.1.0 "Deploys and runs").
    failureOwner: optString(o.failure_owner)
  }
}

/** "116/127" (legacy position_in_queue) → [116, 127]; a bare number → [n, null]. */
export function parseQueuePosition(value: unknown): [number | null, number | null] {
  if (typeof value === 'number') return [optInt(value), null]
  if (typeof value !== 'string') return [null, null]
  const match = /^\s*(\d+)\s*(?:\/\s*(\d+))?\s*$/.exec(value)
  if (!match) return [null, null]
  return [Number(match[1]), match[2] === undefined ? null : Number(match[2])]
}

const FAILED_JOBS: ReadonlySet<string> = new Set(['failed', 'reaped', 'error'])
/** Legacy words for a finished run, normalised to the current wire's `completed`. */
const LEGACY_DONE: ReadonlySet<string> = new Set(['done', 'finished', 'success', 'succeeded'])

export function parseStatus(
  w: Wire,
  data: unknown,
  ctx: RequestContext,
  agentId: number
): AgentStatus {
  const o = asRecord(data, ctx, '(status)')
  const state = reqString(o, 'status', ctx)
  const terminal = TERMINAL_STATES.has(state)
  const queue = isRecord(o.queue_info) ? o.queue_info : {}
  const runInfo = isRecord(o.run_info) ? o.run_info : {}
  const results = Array.isArray(runInfo.results) ? runInfo.results : []
  const message = optString(o.last_status_message)
  if (w === 'legacy') {
    const [position, total] = parseQueuePosition(queue.position_in_queue)
    return {
      state,
      terminal,
      settled: terminal,
      deployable: null,
      phase: null,
      message,
      queuePosition: position,
      queueTotal: total,
      inQueueSeconds: optNumber(queue.in_queue_for_second),
      runs: results.filter(isRecord).map(legacyRun),
      metric: null,
      updatedAt: null
    }
  }
  return {
    state,
    terminal,
    settled: optBool(o.is_settled) ?? terminal,
    deployable: optBool(o.is_deployable),
    phase: optString(o.phase),
    message,
    queuePosition: optInt(queue.queue_position),
    queueTotal: optInt(queue.queue_total),
    inQueueSeconds: optNumber(queue.in_queue_for_second),
    runs: results.filter(isRecord).map(result => currentRun(result, agentId)),
    // 4.x: `metrics`, the MetricSpec declaration; 3.x: `metric`, a free label (README 4.0.0).
    metric: rankingLabel(runInfo.metrics) ?? optString(runInfo.metric),
    updatedAt: optTime(o.status_update_ts),
    latestDeploy: isRecord(o.latest_deploy) ? latestDeployOf(o.latest_deploy) : null
  }
}

/** The label (else key) of the declaration's `is_ranking` spec (README "Metrics"). */
export function rankingLabel(metrics: unknown): string | null {
  if (!Array.isArray(metrics)) return null
  const ranking = metrics.find(spec => isRecord(spec) && spec.is_ranking === true)
  if (!isRecord(ranking)) return null
  return optString(ranking.label) ?? optString(ranking.key)
}

function legacyRun(r: Json): RunResult {
  const raw = optString(r.status) ?? 'unknown'
  const status = raw === 'error' ? 'failed' : LEGACY_DONE.has(raw) ? 'completed' : raw
  const errorType = optString(r.error_type)
  return {
    status,
    failed: FAILED_JOBS.has(raw) || errorType !== null,
    steps: optInt(r.steps_completed),
    score: optNumber(r.current_reward),
    outcome: optString(r.game_outcome),
    finalRank: null,
    errorType,
    errorMessage: optString(r.error_message)
  }
}

/**
 * This agent's own `submission_results` row of a run: the one whose `submission_id` is this
 * agent's (4.4 `submission_status`: "yours is the row whose `submission_id` is this
 * submission's"; the others are the opponents, whose private fields are null).
 */
function ownRow(r: Json, agentId: number): Json | null {
  if (!Array.isArray(r.submission_results)) return null
  for (const row of r.submission_results) {
    if (isRecord(row) && optInt(row.submission_id) === agentId) return row
  }
  return null
}

/** The causes of a RunResult, one per owner (README "Why a run ended"). */
interface RunCauses {
  jobStatus: string
  envErrorType: string | null
  agentErrorType: string | null
  agentErrorMessage: string | null
  jobErrorType: string | null
  failed: boolean
}

function causesOf(r: Json, mine: Json | null): RunCauses {
  const jobStatus = optString(r.job_status) ?? 'unknown'
  const envErrorType = optString(r.env_error_type)
  const agentErrorType = optString(mine?.agent_error_type)
  // `job_error_type` is "set on a failed run and on a pending retry for its last lost attempt":
  // only the failed run's is a cause of its end.
  const jobErrorType = FAILED_JOBS.has(jobStatus) ? optString(r.job_error_type) : null
  return {
    jobStatus,
    envErrorType,
    agentErrorType,
    agentErrorMessage: optString(mine?.agent_error_message),
    jobErrorType,
    failed: FAILED_JOBS.has(jobStatus) || envErrorType !== null || agentErrorType !== null
  }
}

function currentRun(r: Json, agentId: number): RunResult {
  const mine = ownRow(r, agentId)
  const causes = causesOf(r, mine)
  return {
    status: causes.jobStatus,
    failed: causes.failed,
    steps: optInt(mine?.agent_nb_steps) ?? optInt(r.env_nb_steps),
    // 4.2 renamed `submission_reward` to `score` (README 4.2.0).
    score: mine ? optNumber(pick(mine, 'score', 'submission_reward')) : null,
    outcome: optString(mine?.game_outcome),
    finalRank: optInt(mine?.final_rank),
    errorType: causes.agentErrorType ?? causes.envErrorType ?? causes.jobErrorType,
    errorMessage: causes.agentErrorMessage,
    envErrorType: causes.envErrorType,
    agentErrorType: causes.agentErrorType,
    jobErrorType: causes.jobErrorType
  }
}

/**
 * The agent's games. Current wire, 4.4 (`submission_games`; README "4.4.0 — replays"): each
 * game is a RunResult (`simulation_result_id`, `job_status`, `env_error_type`, `env_nb_steps`,
 * `created_at_ts`, `submission_results`) plus `replay`, or null; the agent's stdout, score,
 * outcome and errors are on its own row. 3.0–4.3 rows carried a top-level `signed_url` (read
 * as the game's log) where 4.4 has `replay`. `challenge_context` is the RunsContext. Legacy
 * (0.2.0 `agent_games`): `{games}`, each with `id`, `reward`, `env_nb_steps`, an outcome,
 * `created_at` and `signed_url` (the game's log).
 */
export function parseGames(w: Wire, data: unknown, ctx: RequestContext, agentId: number): GameList {
  const o = asRecord(data, ctx, '(games)')
  const rows = asArray(o.games, ctx, 'games').filter(isRecord)
  if (w === 'legacy') return { games: rows.map(legacyGame), context: null }
  return {
    games: rows.map(g => currentGame(g, agentId)),
    context: isRecord(o.challenge_context) ? contextOf(o.challenge_context) : null
  }
}

function signedUrl(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function legacyGame(g: Json): Game {
  return {
    id: optInt(pick(g, 'id', 'game_id')),
    score: optNumber(pick(g, 'reward', 'score')),
    steps: optInt(pick(g, 'env_nb_steps', 'steps')),
    outcome: optString(pick(g, 'outcome', 'game_outcome')),
    logUrl: signedUrl(g.signed_url),
    replay: null,
    stdout: null,
    createdAt: optTime(pick(g, 'created_at', 'created_at_ts'))
  }
}

function currentGame(g: Json, agentId: number): Game {
  const mine = ownRow(g, agentId)
  const causes = causesOf(g, mine)
  // A 4.4 row has the `replay` key (null or a block); only an older row's top-level
  // `signed_url` is a log.
  const is44 = 'replay' in g
  return {
    id: optInt(g.simulation_result_id),
    score: mine ? optNumber(pick(mine, 'score', 'submission_reward')) : null,
    steps: optInt(mine?.agent_nb_steps) ?? optInt(g.env_nb_steps),
    outcome: optString(mine?.game_outcome),
    finalRank: optInt(mine?.final_rank),
    jobStatus: causes.jobStatus,
    failed: causes.failed,
    envErrorType: causes.envErrorType,
    agentErrorType: causes.agentErrorType,
    agentErrorMessage: causes.agentErrorMessage,
    jobErrorType: causes.jobErrorType,
    stdout: typeof mine?.agent_stdout_logs === 'string' ? mine.agent_stdout_logs : null,
    logUrl: is44 ? null : signedUrl(g.signed_url),
    replay: is44 && isRecord(g.replay) ? replayOf(g.replay) : null,
    createdAt: optTime(g.created_at_ts)
  }
}

function replayOf(r: Json): Replay | null {
  const url = signedUrl(r.signed_url)
  const format = optString(r.render_format)
  if (url === null || format === null) return null
  return { format, url, sizeBytes: optInt(r.render_size_bytes) }
}

function contextOf(c: Json): GamesContext {
  return {
    metricLabel: rankingLabel(c.metrics),
    numberOfAgents: optInt(c.number_of_agents),
    renderDelaySeconds: optNumber(c.render_delay_second)
  }
}

/**
 * The file suffix the SDK saves a replay under (4.4 `download_replay`, `_REPLAY_SUFFIXES`):
 * null for a format it does not name (the action then saves none rather than guess).
 */
export function replaySuffix(format: string): string | null {
  return REPLAY_SUFFIXES[format] ?? null
}

const REPLAY_SUFFIXES: Readonly<Record<string, string>> = {
  frames_v1: '.experiment.mp',
  frames_v2: '.frames.mp',
  video_mp4: '.mp4',
  image_png: '.png'
}

export function parseMine(data: unknown, ctx: RequestContext): MyAgent[] {
  const o = asRecord(data, ctx, '(your agents)')
  return asArray(o.submissions, ctx, 'submissions').map(item => {
    const s = asRecord(item, ctx, 'submissions[]')
    return {
      id: reqInt(s, 'id', ctx),
      name: optString(s.submission_name) ?? '',
      competitionId: optInt(s.challenge_id) ?? -1,
      rank: optInt(s.rank),
      state: optString(s.status) ?? 'unknown'
    }
  })
}

export { parseLeaderboard } from './leaderboard.js'
