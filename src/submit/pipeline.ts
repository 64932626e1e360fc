/**
 * The pipeline: validated config → files → competition → runtime → agent → pin → upload → deploy
 * → watch → logs → leaderboard. Each step is a function of its own; this module only sequences
 * them and records what happened in the RunOutcome (which main renders whatever happens).
 * Everything that can be checked is checked before the first request that changes ML Arena.
 */
import path from 'node:path'
import type { AgentStatus, DeployQuota, Game, Wire } from '../arena/model.js'
import type { ArenaApi } from './arena-port.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../clock.js'
import type { Config } from './config.js'
import { ArenaError } from '../arena/errors.js'
import { ActionError, InputError } from '../errors.js'
import type { Failure, Phase, RunOutcome } from './outcome.js'
import { collectFiles, describeRenames, preflight } from './steps/files.js'
import { saveGameFiles } from './steps/logs.js'
import { readBoardAround } from './steps/board.js'
import { buildRankReport } from './steps/rank.js'
import { describeRuntimeChoice, resolveRuntime } from './steps/runtime.js'
import { removeStaleFiles } from './steps/stale-files.js'
import { checkDeployable, uploadAll } from './steps/upload.js'
import { watchStatus, type WatchResult } from './steps/watch.js'
import { describeStatus } from './steps/status-text.js'
import { courseStanding, joinCourse, studentRow, type JoinedCourse } from './steps/course.js'
import { branchAgent } from './steps/agent.js'
import { oneLine } from '../format.js'

export interface PipelineDeps {
  arena: ArenaApi
  log: Logger
  clock: Clock
  signal: AbortSignal
  /** Where logs go when the logs-dir input is empty (RUNNER_TEMP or the OS temp dir). */
  tempDir: string
  /** The sticky comment's state from the previous run of this comment key, if any. */
  previous: { rank: number | null; score: number | null; agentId: number | null } | null
  /** How long created/upload_validated may last after a deploy before it counts as stuck. */
  graceMs?: number
  /** The repository's address on GitHub: the project a course enrolment records. */
  projectUrl?: string | null
  /**
   * Without agent-id, update the token's own agent of this run's name (one agent per branch)
   * instead of creating one: push and schedule runs, unless new-agent asks for a new one.
   */
  reuseAgentByName?: boolean
}

/** The fields of RunOutcome a run starts with, before any step. */
export function newOutcome(
  config: Pick<Config, 'competitionId' | 'timeoutMinutes'> | null,
  commentKey: string
): RunOutcome {
  return {
    kind: 'error',
    competitionId: config?.competitionId ?? null,
    competition: null,
    competitionUrl: null,
    wire: null,
    agentId: null,
    agentName: null,
    agentCreated: false,
    runtime: null,
    files: [],
    removedFiles: [],
    quota: null,
    status: null,
    games: [],
    logs: [],
    logsDir: null,
    rank: null,
    timings: [],
    failure: null,
    notes: [],
    timeoutMinutes: config?.timeoutMinutes ?? null,
    commentKey,
    course: null
  }
}

/** Records the duration of each phase and which phase a failure happened in. */
export class PhaseTracker {
  current: Phase = 'inputs'
  readonly #outcome: RunOutcome
  readonly #clock: Clock

  constructor(outcome: RunOutcome, clock: Clock) {
    this.#outcome = outcome
    this.#clock = clock
  }

  async run<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    this.current = phase
    const started = this.#clock.now()
    try {
      return await fn()
    } finally {
      this.#outcome.timings.push({ phase, ms: Math.round(this.#clock.now() - started) })
    }
  }

  failure(error: unknown): Failure {
    const message =
      error instanceof ActionError
        ? error.message
        : `Unexpected error (a bug in mlarena-action, please report it): ${error instanceof Error ? error.message : String(error)}`
    return { phase: this.current, message }
  }
}

const LOG_MAX_BYTES = 20 * 1024 * 1024
/** A replay larger than this is not saved (a runner has about 14 GB of disk; videos can be big). */
const REPLAY_MAX_BYTES = 2 * 1024 * 1024 * 1024

/** Status read failures that may pass: the watch polls again instead of ending the run. */
const TRANSIENT_KINDS: ReadonlySet<string> = new Set([
  'rate-limited',
  'maintenance',
  'server',
  'network',
  'timeout',
  'protocol'
])

export function competitionPageUrl(
  baseUrl: string,
  wire: Wire | null,
  competitionId: number
): string {
  return `${baseUrl}/${wire === 'legacy' ? 'competition' : 'challenge'}/${competitionId}`
}

/**
 * Runs the whole submission and fills `outcome` as it goes. Throws ActionError (the caller
 * records it as the failure of `tracker.current`); returns normally for every outcome the
 * platform decided (success, deploy failure, timeout...).
 */
export async function runPipeline(
  config: Config,
  agentName: string,
  deps: PipelineDeps,
  outcome: RunOutcome,
  tracker: PhaseTracker
): Promise<void> {
  const { arena, log, signal } = deps

  const files = await tracker.run('files', async () =>
    config.files.length > 0 ? collectFiles(config.files, config.workingDirectory) : []
  )
  if (config.files.length > 0 && files.length === 0) {
    const what = `No files matched 'files' under ${config.workingDirectory}`
    if (config.ifNoFilesFound === 'error') {
      throw new InputError(
        'files',
        `${what.slice(0, 1).toLowerCase()}${what.slice(1)}; check the globs, or set if-no-files-found to warn or ignore.`
      )
    }
    if (config.ifNoFilesFound === 'warn') log.warning(`${what}; nothing was submitted.`)
    else log.info(`${what}; nothing was submitted.`)
    outcome.kind = 'skipped'
    outcome.notes.push(
      `${what}, so nothing was submitted (if-no-files-found: ${config.ifNoFilesFound}).`
    )
    return
  }

  const detectWire = async (): Promise<void> => {
    outcome.wire = await arena.wire().catch(error => {
      throw tokenRefused(error)
    })
  }
  // A course comes first: it may name the challenge, and its (hidden) challenge may be readable
  // only once the student is enrolled.
  let joined: JoinedCourse | null = null
  if (config.course) {
    const course = config.course
    joined = await tracker.run('course', async () => {
      await detectWire()
      return joinCourse(arena, course, {
        competitionId: config.competitionId,
        projectUrl: deps.projectUrl ?? null,
        dryRun: config.dryRun,
        log
      })
    })
    outcome.course = courseStanding(joined, null, null)
  }
  const chosen = joined ? joined.competitionId : config.competitionId
  outcome.competitionId = chosen
  if (chosen === null) {
    // Only a dry run gets here: the course's one challenge is known once the student is enrolled.
    outcome.kind = 'dry-run'
    outcome.notes.push(
      'Dry run: the course names its challenge only to enrolled students, so the competition and its limits were not checked.'
    )
    return
  }
  const cid = chosen

  const competition = await tracker.run('competition', async () => {
    if (outcome.wire === null) await detectWire()
    return arena.getCompetition(cid).catch(error => {
      throw asInputError(
        error,
        'competition-id',
        `competition ${cid} does not exist or is hidden from this token`
      )
    })
  })
  outcome.competition = competition
  outcome.competitionUrl = competitionPageUrl(config.baseUrl, outcome.wire, cid)
  log.info(`Competition ${cid}: ${oneLine(competition.name)} (API wire: ${outcome.wire})`)
  // Only a started competition takes agents and deploys; older servers send other words (or
  // none), which pass.
  if (competition.status === 'stopped' || competition.status === 'draft') {
    throw new InputError(
      'competition-id',
      `competition ${cid} (${oneLine(competition.name)}) is ${competition.status}: it takes no new agents or deploys; use a started competition.`
    )
  }
  if (competition.simulatorHealthy === false) {
    log.warning('ML Arena reports the simulator machine is down: the deploy may queue or fail.')
    outcome.notes.push('ML Arena reported the simulator machine down at submission time.')
  }

  const planned = preflight(files, {
    maxFiles: competition.maxUploadFiles,
    maxTotalBytes: competition.maxUploadSizeBytes,
    requiredName: competition.submissionFilename
  })
  outcome.files = planned
  for (const line of describeRenames(planned)) log.info(line)

  // The API names no default runtime, so the range rule has no default to prefer (see runtime.ts).
  const runtime = await tracker.run('runtime', async () =>
    config.runtime ? resolveRuntime(config.runtime, await arena.runtimeOptions(cid), null) : null
  )
  outcome.runtime = runtime
  if (runtime) log.info(`Runtime: ${describeRuntimeChoice(runtime)}`)

  // An existing agent (agent-id, or the one this pull request's comment remembers) is checked
  // before anything changes: it must exist and belong to this token's user.
  let agentId: number | null = config.agentId
  if (agentId !== null) {
    await tracker.run('agent', () =>
      arena.status(cid, agentId as number).catch(error => {
        throw asInputError(
          error,
          'agent-id',
          `agent ${agentId} is not an agent of yours in competition ${cid}`
        )
      })
    )
  } else if (deps.previous?.agentId) {
    const remembered = deps.previous.agentId
    const usable = await arena.status(cid, remembered).then(
      status => status.state !== 'deleted',
      () => false
    )
    if (usable) {
      agentId = remembered
      log.info(`Updating agent ${remembered}, which the previous run of this pull request created.`)
    }
  } else if (deps.reuseAgentByName) {
    agentId = await tracker.run('agent', () =>
      branchAgent(arena, cid, agentName, {
        wire: outcome.wire,
        notes: outcome.notes,
        log,
        clock: deps.clock,
        signal,
        timeoutMs: config.timeoutMinutes * 60_000,
        intervalMs: config.pollIntervalSeconds * 1000,
        waitForDeploy: !config.dryRun
      })
    )
  }

  if (config.dryRun) {
    outcome.kind = 'dry-run'
    outcome.agentId = agentId
    outcome.agentName = agentId === null || deps.reuseAgentByName ? agentName : null
    log.info(
      `Dry run: ${planned.length} file(s), competition limits, runtime and agent checked; nothing was changed on ML Arena.`
    )
    return
  }

  // A redeploy of an existing agent compares against that agent's own row before this run, when
  // no sticky comment remembers an earlier rank (schedules and pushes have none).
  let previous = deps.previous
  // The agent found by name has that name.
  let existingName: string | null = deps.reuseAgentByName && agentId !== null ? agentName : null
  const redeployed = config.agentId ?? (deps.reuseAgentByName ? agentId : null)
  if (redeployed !== null && previous?.rank == null) {
    const before = await readBoardAround(arena, cid, redeployed, outcome.wire)
      .then(board => board.rows.find(row => row.agentId === redeployed) ?? null)
      .catch(() => null)
    if (before) {
      previous = { rank: before.rank, score: before.score, agentId: redeployed }
      existingName = before.agentName
    }
  }

  let quota: DeployQuota | null = null
  if (agentId === null) {
    const created = await tracker.run('agent', () => arena.createAgent(cid, agentName))
    agentId = created.id
    outcome.agentCreated = true
    outcome.agentName = created.name
    log.info(`Created agent ${created.id} (${oneLine(created.name)}).`)
  } else {
    // The derived name is not this agent's; its own comes from the board, before or after.
    outcome.agentName = existingName
  }
  outcome.agentId = agentId
  const aid = agentId

  quota = await arena.deployQuota(cid, aid).catch(() => null)
  outcome.quota = quota
  if (quota?.canDeploy === false) {
    if (outcome.agentCreated) {
      await arena.deleteAgent(cid, aid).catch(() => undefined)
      outcome.notes.push(
        `Agent ${aid} was created and then deleted again, since no deploy is possible now.`
      )
    }
    throw new QuotaRefusal(quota)
  }

  if (runtime) {
    await tracker.run('runtime', () => arena.pinRuntime(aid, runtime.option.id))
  }

  if (planned.length > 0) {
    const verdict = await tracker.run('upload', async () => {
      let validationMessage: string | null = null
      const uploaded = await uploadAll(arena, cid, aid, planned, config.workingDirectory, {
        log,
        signal,
        onValidation: message => (validationMessage = message)
      })
      // A new agent holds only what this run uploaded: nothing can be stale.
      if (!outcome.agentCreated) {
        await removeStaleFiles(arena, cid, aid, planned, uploaded, {
          log,
          onRemoved: name => outcome.removedFiles.push(name)
        })
      }
      return checkDeployable(arena, cid, aid, { validationMessage, log })
    })
    if (!verdict.deployable) {
      outcome.kind = 'upload-failed'
      outcome.status = verdict.status
      outcome.failure = { phase: 'upload', message: verdict.message }
      return
    }
  }

  await tracker.run('deploy', async () => {
    const deployed = await arena.deploy(cid, aid, quota)
    log.info(
      deployed.adopted
        ? 'The deploy had gone through despite a failed answer; adopting it.'
        : `Deployed${deployed.message ? `: ${oneLine(deployed.message)}` : '.'}`
    )
    // The quota as it stands after this deploy, for the report; the one read before stays if
    // the server does not answer.
    outcome.quota = (await arena.deployQuota(cid, aid).catch(() => null)) ?? quota
    const left = outcome.quota?.dailyRemaining
    if (left != null) {
      log.info(`Deploy quota: ${left} of ${outcome.quota?.dailyLimit ?? '?'} deploys left today.`)
    }
  })

  if (!config.wait) {
    outcome.kind = 'submitted'
    outcome.status = await arena.status(cid, aid).catch(() => null)
    return
  }

  const watched = await tracker.run('watch', () =>
    log.group(`Waiting for ML Arena to evaluate agent ${aid}`, () =>
      watchStatus(() => arena.status(cid, aid).then(asWatched), {
        clock: deps.clock,
        timeoutMs: config.timeoutMinutes * 60_000,
        intervalMs: config.pollIntervalSeconds * 1000,
        graceMs: deps.graceMs,
        signal,
        onChange: status => log.info(describeStatus(status)),
        isTransient: error => error instanceof ArenaError && TRANSIENT_KINDS.has(error.kind),
        onReadError: error =>
          log.warning(
            `${error instanceof Error ? error.message : String(error)}; polling again at the next interval.`
          )
      })
    )
  )
  outcome.status = watched.status
  outcome.kind = kindOf(watched)
  if (watched.end === 'stuck' || watched.end === 'settled') {
    outcome.failure = {
      phase: 'watch',
      message:
        watched.end === 'stuck'
          ? `The deploy did not start: the status still reads ${watched.status?.state ?? 'unknown'} after the grace period.`
          : `ML Arena settled the agent in state ${watched.status?.state ?? 'unknown'} without evaluating it.`
    }
  }
  if (watched.end === 'cancelled' || watched.end === 'timeout') return

  if ((config.logs > 0 || config.replays > 0) && (watched.status?.runs.length ?? 0) > 0) {
    await tracker.run('logs', async () => {
      const list = await arena.games(aid)
      outcome.games = latestGames(list.games, Math.max(config.logs, config.replays, 50))
      const dir = config.logsDir ?? path.join(deps.tempDir, 'mlarena-logs', String(aid))
      outcome.logsDir = dir
      const saved = await saveGameFiles(arena, outcome.games, dir, {
        logs: config.logs,
        replays: config.replays,
        maxBytes: LOG_MAX_BYTES,
        maxReplayBytes: REPLAY_MAX_BYTES,
        log
      })
      outcome.logs = saved.logs
      outcome.replays = saved.replays
    })
  }

  if (joined && outcome.wire === 'legacy') {
    outcome.notes.push(
      'This server speaks the legacy API, which has no course boards: the rank is on the whole leaderboard, and the course threshold could not be read (passed is left empty).'
    )
  }
  if (outcome.kind === 'success' && joined && outcome.wire === 'current') {
    const course = joined
    await tracker.run('leaderboard', async () => {
      // The class board: the course's students only, each ranked by their best agent.
      const board = await arena.leaderboard(cid, { courseId: course.preview.course.id, me: true })
      const mine = studentRow(board, aid)
      outcome.rank = buildRankReport(
        board,
        { id: mine?.agentId ?? aid, name: mine?.agentName ?? outcome.agentName },
        previous
      )
      outcome.course = courseStanding(course, board, aid)
      const standing = outcome.course
      log.info(
        mine
          ? `Rank ${mine.rank} of ${standing.classSize ?? '?'} in the class${standing.passed === null ? '' : standing.passed ? ': passed' : ': not passed yet'}.`
          : `No row on the course board yet${standing.passed === false ? ': not passed yet' : ''}.`
      )
    })
  } else if (outcome.kind === 'success') {
    await tracker.run('leaderboard', async () => {
      const board = await readBoardAround(arena, cid, aid, outcome.wire)
      outcome.rank = buildRankReport(board, { id: aid, name: outcome.agentName }, previous)
      const row = outcome.rank.row
      if (row && outcome.agentName === null) outcome.agentName = row.agentName
      log.info(
        row
          ? `Rank ${row.rank} of ${outcome.rank.total}${row.score === null ? '' : `, score ${row.score}`}.`
          : `Agent ${aid} has no leaderboard row yet.`
      )
    })
  }
}

/**
 * Right after a redeploy the current wire still shows the agent's previous state (active,
 * deploy_failed) with `is_settled: false` until the new deploy shows: that is not this deploy's
 * end, so the watch sees it as in progress (legacy shows `deploying` then).
 */
function asWatched(status: AgentStatus): AgentStatus {
  return status.terminal && !status.settled ? { ...status, terminal: false } : status
}

/** A deploy refused for quota before anything was uploaded. */
export class QuotaRefusal extends ActionError {
  override name = 'QuotaRefusal'
  readonly quota: DeployQuota

  constructor(quota: DeployQuota) {
    const activeLimit = quota.activeRemaining === 0
    const when =
      quota.nextDeployAt && !activeLimit
        ? `; the next deploy is possible at ${quota.nextDeployAt}`
        : activeLimit
          ? '; delete or deactivate one of your agents in this competition first'
          : ''
    const limit = activeLimit
      ? `the competition allows ${quota.maxActive ?? 'no more'} active agent(s) and you have ${quota.activeCount ?? 'that many'}`
      : `the daily deploy limit (${quota.dailyLimit ?? '?'}) is used up`
    super(`ML Arena will not take another deploy now: ${limit}${when}.`)
    this.quota = quota
  }
}

function kindOf(watched: WatchResult): RunOutcome['kind'] {
  switch (watched.end) {
    case 'terminal':
      switch (watched.status?.state) {
        case 'active':
          return 'success'
        case 'deploy_failed':
          return 'deploy-failed'
        case 'upload_failed':
          return 'upload-failed'
        default:
          return 'error'
      }
    case 'timeout':
      return 'timeout'
    case 'cancelled':
      return 'cancelled'
    default:
      return 'error'
  }
}

/** Newest first; games without a date keep the server's order after dated ones. */
export function latestGames(games: Game[], count: number): Game[] {
  return games
    .map((game, index) => ({ game, index }))
    .sort((a, b) => {
      const ta = a.game.createdAt ? Date.parse(a.game.createdAt) : NaN
      const tb = b.game.createdAt ? Date.parse(b.game.createdAt) : NaN
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb - ta
      if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1
      return b.index - a.index
    })
    .slice(0, count)
    .map(entry => entry.game)
}

/** A 401 (the first call a run makes) is about the api-key input: say what a valid one is. */
function tokenRefused(error: unknown): unknown {
  if (!(error instanceof ArenaError) || error.kind !== 'auth') return error
  const said = error.serverMessage ? `: "${error.serverMessage}"` : ''
  return new InputError(
    'api-key',
    `ML Arena does not accept this token (${error.status} on ${error.route}${said}): it is mistyped, revoked or for another server; create a user token (mlk_user_…) on ML Arena and pass it from a secret.`
  )
}

/** Turns a not-found/forbidden answer into an error about the input that named the resource. */
function asInputError(error: unknown, input: string, message: string): unknown {
  const refused = tokenRefused(error)
  if (refused !== error) return refused
  if (error instanceof ActionError && 'kind' in error) {
    const kind = (error as ActionError & { kind: string }).kind
    if (kind === 'not-found' || kind === 'scope')
      return new InputError(input, `${message} (${error.message})`)
  }
  return error
}
