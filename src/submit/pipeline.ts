/**
 * The participant's pipeline: a sequencer of named steps, each a function of the run's state.
 *
 *   files → course → competition → plan → runtime → agent → dry-run? → rank before → create
 *   → quota → pin → upload → deploy → wait? → watch → finish (logs, rank: src/evaluation)
 *
 * A step returns 'stop' when the run ends there (nothing matched, a dry run, wait: false).
 * Everything that can be checked is checked before the first request that changes ML Arena;
 * the outcome (which main renders whatever happens) is filled as the steps go.
 */
import type { Competition, DeployQuota } from '../arena/model.js'
import type { ArenaApi } from '../evaluation/arena-port.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../clock.js'
import type { Config } from './config.js'
import { ArenaError } from '../arena/errors.js'
import { ActionError, InputError } from '../errors.js'
import type { PlannedFile, RunOutcome, RuntimeChoice } from '../evaluation/outcome.js'
import { competitionPageUrl, PhaseTracker, newOutcome } from '../evaluation/phases.js'
import { finishEvaluation, latestGames } from '../evaluation/finish.js'
import { collectFiles, describeRenames, preflight } from './steps/files.js'
import { readBoardAround } from '../evaluation/steps/board.js'
import { describeRuntimeChoice, resolveRuntime } from './steps/runtime.js'
import { removeStaleFiles } from './steps/stale-files.js'
import { checkDeployable, uploadAll } from './steps/upload.js'
import { asWatched, watchStatus } from '../evaluation/steps/watch.js'
import { describeStatus } from '../evaluation/steps/status-text.js'
import { courseStanding, joinCourse, type JoinedCourse } from './steps/course.js'
import { branchAgent } from './steps/agent.js'
import { oneLine } from '../format.js'

export { competitionPageUrl, latestGames, newOutcome, PhaseTracker }

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

/** Status read failures that may pass: the watch polls again instead of ending the run. */
const TRANSIENT_KINDS: ReadonlySet<string> = new Set([
  'rate-limited',
  'maintenance',
  'server',
  'network',
  'timeout',
  'protocol'
])

/** The run's state as the steps fill it in. */
interface Run {
  config: Config
  agentName: string
  deps: PipelineDeps
  outcome: RunOutcome
  tracker: PhaseTracker
  files: PlannedFile[]
  joined: JoinedCourse | null
  cid: number
  competition: Competition | null
  planned: PlannedFile[]
  runtime: RuntimeChoice | null
  agentId: number | null
  previous: PipelineDeps['previous']
  existingName: string | null
  quota: DeployQuota | null
}

type Step = (run: Run) => Promise<'next' | 'stop'>

const STEPS: readonly (readonly [string, Step])[] = [
  ['files', collect],
  ['course', enrol],
  ['competition', readCompetition],
  ['plan', planFiles],
  ['runtime', chooseRuntime],
  ['agent', checkAgent],
  ['dry-run', stopIfDryRun],
  ['rank before', rankBefore],
  ['create', createAgent],
  ['quota', checkQuota],
  ['pin', pinRuntime],
  ['upload', upload],
  ['deploy', deploy],
  ['wait', stopUnlessWaiting],
  ['watch', watchAndFinish]
]

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
  const run: Run = {
    config,
    agentName,
    deps,
    outcome,
    tracker,
    files: [],
    joined: null,
    cid: 0,
    competition: null,
    planned: [],
    runtime: null,
    agentId: config.agentId,
    previous: deps.previous,
    existingName: null,
    quota: null
  }
  for (const [, step] of STEPS) if ((await step(run)) === 'stop') return
}

async function collect(run: Run): Promise<'next' | 'stop'> {
  const { config, outcome, deps } = run
  run.files = await run.tracker.run('files', async () =>
    config.files.length > 0 ? collectFiles(config.files, config.workingDirectory) : []
  )
  if (config.files.length === 0 || run.files.length > 0) return 'next'
  const what = `No files matched 'files' under ${config.workingDirectory}`
  if (config.ifNoFilesFound === 'error') {
    throw new InputError(
      'files',
      `${what.slice(0, 1).toLowerCase()}${what.slice(1)}; check the globs, or set if-no-files-found to warn or ignore.`
    )
  }
  if (config.ifNoFilesFound === 'warn') deps.log.warning(`${what}; nothing was submitted.`)
  else deps.log.info(`${what}; nothing was submitted.`)
  outcome.kind = 'skipped'
  outcome.notes.push(
    `${what}, so nothing was submitted (if-no-files-found: ${config.ifNoFilesFound}).`
  )
  return 'stop'
}

async function detectWire(run: Run): Promise<void> {
  run.outcome.wire = await run.deps.arena.wire().catch(error => {
    throw tokenRefused(error)
  })
}

/** A course comes first: it may name the challenge, and its (hidden) challenge may be readable
 * only once the student is enrolled. */
async function enrol(run: Run): Promise<'next' | 'stop'> {
  const { config, outcome, deps } = run
  const course = config.course
  if (course) {
    run.joined = await run.tracker.run('course', async () => {
      await detectWire(run)
      return joinCourse(deps.arena, course, {
        competitionId: config.competitionId,
        projectUrl: deps.projectUrl ?? null,
        dryRun: config.dryRun,
        log: deps.log
      })
    })
    outcome.course = courseStanding(run.joined, null, null)
  }
  const chosen = run.joined ? run.joined.competitionId : config.competitionId
  outcome.competitionId = chosen
  if (chosen === null) {
    // Only a dry run gets here: the course's one challenge is known once the student is enrolled.
    outcome.kind = 'dry-run'
    outcome.notes.push(
      'Dry run: the course names its challenge only to enrolled students, so the competition and its limits were not checked.'
    )
    return 'stop'
  }
  run.cid = chosen
  return 'next'
}

async function readCompetition(run: Run): Promise<'next' | 'stop'> {
  const { config, outcome, deps, cid } = run
  const competition = await run.tracker.run('competition', async () => {
    if (outcome.wire === null) await detectWire(run)
    return deps.arena.getCompetition(cid).catch(error => {
      throw asInputError(
        error,
        'competition-id',
        `competition ${cid} does not exist or is hidden from this token`
      )
    })
  })
  run.competition = competition
  outcome.competition = competition
  outcome.competitionUrl = competitionPageUrl(config.baseUrl, outcome.wire, cid)
  deps.log.info(`Competition ${cid}: ${oneLine(competition.name)} (API wire: ${outcome.wire})`)
  // Only a started competition takes agents and deploys; older servers send other words (or
  // none), which pass.
  if (competition.status === 'stopped' || competition.status === 'draft') {
    throw new InputError(
      'competition-id',
      `competition ${cid} (${oneLine(competition.name)}) is ${competition.status}: it takes no new agents or deploys; use a started competition.`
    )
  }
  if (competition.simulatorHealthy === false) {
    deps.log.warning(
      'ML Arena reports the simulator machine is down: the deploy may queue or fail.'
    )
    outcome.notes.push('ML Arena reported the simulator machine down at submission time.')
  }
  return 'next'
}

async function planFiles(run: Run): Promise<'next' | 'stop'> {
  const competition = run.competition as Competition
  run.planned = preflight(run.files, {
    maxFiles: competition.maxUploadFiles,
    maxTotalBytes: competition.maxUploadSizeBytes,
    requiredName: competition.submissionFilename
  })
  run.outcome.files = run.planned
  for (const line of describeRenames(run.planned)) run.deps.log.info(line)
  return 'next'
}

/** The API names no default runtime, so the range rule has no default to prefer (runtime.ts). */
async function chooseRuntime(run: Run): Promise<'next' | 'stop'> {
  const { config, deps, cid } = run
  const spec = config.runtime
  run.runtime = await run.tracker.run('runtime', async () =>
    spec ? resolveRuntime(spec, await deps.arena.runtimeOptions(cid), null) : null
  )
  run.outcome.runtime = run.runtime
  if (run.runtime) deps.log.info(`Runtime: ${describeRuntimeChoice(run.runtime)}`)
  return 'next'
}

/**
 * An existing agent (agent-id, the one this pull request's comment remembers, or the branch's
 * agent found by name) is checked before anything changes: it must exist and be this user's.
 */
async function checkAgent(run: Run): Promise<'next' | 'stop'> {
  const { deps, cid } = run
  const given = run.agentId
  if (given !== null) {
    await run.tracker.run('agent', () =>
      deps.arena.status(cid, given).catch(error => {
        throw asInputError(
          error,
          'agent-id',
          `agent ${given} is not an agent of yours in competition ${cid}`
        )
      })
    )
  } else if (deps.previous?.agentId) {
    const remembered = deps.previous.agentId
    const usable = await deps.arena.status(cid, remembered).then(
      status => status.state !== 'deleted',
      () => false
    )
    if (usable) {
      run.agentId = remembered
      deps.log.info(
        `Updating agent ${remembered}, which the previous run of this pull request created.`
      )
    }
  } else if (deps.reuseAgentByName) {
    const { config } = run
    run.agentId = await run.tracker.run('agent', () =>
      branchAgent(deps.arena, cid, run.agentName, {
        wire: run.outcome.wire,
        notes: run.outcome.notes,
        log: deps.log,
        clock: deps.clock,
        signal: deps.signal,
        timeoutMs: config.timeoutMinutes * 60_000,
        intervalMs: config.pollIntervalSeconds * 1000,
        waitForDeploy: !config.dryRun
      })
    )
    // The agent found by name has that name.
    if (run.agentId !== null) run.existingName = run.agentName
  }
  return 'next'
}

async function stopIfDryRun(run: Run): Promise<'next' | 'stop'> {
  if (!run.config.dryRun) return 'next'
  run.outcome.kind = 'dry-run'
  run.outcome.agentId = run.agentId
  run.outcome.agentName = run.agentId === null || run.deps.reuseAgentByName ? run.agentName : null
  run.deps.log.info(
    `Dry run: ${run.planned.length} file(s), competition limits, runtime and agent checked; nothing was changed on ML Arena.`
  )
  return 'stop'
}

/**
 * A redeploy of an existing agent compares against that agent's own row before this run, when
 * no sticky comment remembers an earlier rank (schedules and pushes have none).
 */
async function rankBefore(run: Run): Promise<'next' | 'stop'> {
  const given = run.config.agentId ?? (run.deps.reuseAgentByName ? run.agentId : null)
  if (given === null || run.previous?.rank != null) return 'next'
  const before = await readBoardAround(run.deps.arena, run.cid, given, run.outcome.wire)
    .then(board => board.rows.find(row => row.agentId === given) ?? null)
    .catch(() => null)
  if (before) {
    run.previous = { rank: before.rank, score: before.score, agentId: given }
    run.existingName = before.agentName
  }
  return 'next'
}

async function createAgent(run: Run): Promise<'next' | 'stop'> {
  const { outcome, deps } = run
  if (run.agentId === null) {
    const created = await run.tracker.run('agent', () =>
      deps.arena.createAgent(run.cid, run.agentName)
    )
    run.agentId = created.id
    outcome.agentCreated = true
    outcome.agentName = created.name
    deps.log.info(`Created agent ${created.id} (${oneLine(created.name)}).`)
  } else {
    // The derived name is not this agent's; its own comes from the board, before or after.
    outcome.agentName = run.existingName
  }
  outcome.agentId = run.agentId
  return 'next'
}

async function checkQuota(run: Run): Promise<'next' | 'stop'> {
  const { outcome, deps, cid } = run
  const aid = run.agentId as number
  run.quota = await deps.arena.deployQuota(cid, aid).catch(() => null)
  outcome.quota = run.quota
  if (run.quota?.canDeploy !== false) return 'next'
  if (outcome.agentCreated) {
    await deps.arena.deleteAgent(cid, aid).catch(() => undefined)
    outcome.notes.push(
      `Agent ${aid} was created and then deleted again, since no deploy is possible now.`
    )
  }
  throw new QuotaRefusal(run.quota)
}

async function pinRuntime(run: Run): Promise<'next' | 'stop'> {
  const runtime = run.runtime
  if (runtime) {
    await run.tracker.run('runtime', () =>
      run.deps.arena.pinRuntime(run.agentId as number, runtime.option.id)
    )
  }
  return 'next'
}

async function upload(run: Run): Promise<'next' | 'stop'> {
  const { config, outcome, deps, cid, planned } = run
  if (planned.length === 0) return 'next'
  const aid = run.agentId as number
  const verdict = await run.tracker.run('upload', async () => {
    let validationMessage: string | null = null
    const uploaded = await uploadAll(deps.arena, cid, aid, planned, config.workingDirectory, {
      log: deps.log,
      signal: deps.signal,
      onValidation: message => (validationMessage = message)
    })
    // A new agent holds only what this run uploaded: nothing can be stale.
    if (!outcome.agentCreated) {
      await removeStaleFiles(deps.arena, cid, aid, planned, uploaded, {
        log: deps.log,
        onRemoved: name => outcome.removedFiles.push(name)
      })
    }
    // The status after the last file decides (SDK 4.4.0: is_deployable), not each file's answer.
    return checkDeployable(deps.arena, cid, aid, { validationMessage, log: deps.log })
  })
  if (verdict.deployable) return 'next'
  outcome.kind = 'upload-failed'
  outcome.status = verdict.status
  outcome.failure = { phase: 'upload', message: verdict.message }
  return 'stop'
}

async function deploy(run: Run): Promise<'next' | 'stop'> {
  const { outcome, deps, cid } = run
  const aid = run.agentId as number
  await run.tracker.run('deploy', async () => {
    const deployed = await deps.arena.deploy(cid, aid, run.quota)
    deps.log.info(
      deployed.adopted
        ? 'The deploy had gone through despite a failed answer; adopting it.'
        : `Deployed${deployed.message ? `: ${oneLine(deployed.message)}` : '.'}`
    )
    // The quota as it stands after this deploy, for the report; the one read before stays if
    // the server does not answer.
    outcome.quota = (await deps.arena.deployQuota(cid, aid).catch(() => null)) ?? run.quota
    const left = outcome.quota?.dailyRemaining
    if (left != null) {
      deps.log.info(
        `Deploy quota: ${left} of ${outcome.quota?.dailyLimit ?? '?'} deploys left today.`
      )
    }
  })
  return 'next'
}

/** wait: false ends the run here; the follow-up action (report/) finishes the report later. */
async function stopUnlessWaiting(run: Run): Promise<'next' | 'stop'> {
  if (run.config.wait) return 'next'
  run.outcome.kind = 'submitted'
  run.outcome.before = run.previous
  run.outcome.status = await run.deps.arena.status(run.cid, run.agentId as number).catch(() => null)
  return 'stop'
}

async function watchAndFinish(run: Run): Promise<'next' | 'stop'> {
  const { config, outcome, deps, cid, tracker } = run
  const aid = run.agentId as number
  const { log, signal } = deps
  const watched = await tracker.run('watch', () =>
    log.group(`Waiting for ML Arena to evaluate agent ${aid}`, () =>
      watchStatus(() => deps.arena.status(cid, aid).then(asWatched), {
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
  await finishEvaluation(watched, outcome, {
    arena: deps.arena,
    log,
    tracker,
    logs: config.logs,
    replays: config.replays,
    logsDir: config.logsDir,
    tempDir: deps.tempDir,
    previous: run.previous
  })
  return 'stop'
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
