/**
 * The emulator's world state and its rules, independent of the wire: tokens and scopes,
 * competitions and their visibility, agents, files, deploys (planned by timeline.ts), quotas,
 * games and the boards. The wires (wires/current.ts, wires/legacy.ts) shape its answers.
 */
import { createHash } from 'node:crypto'
import type { Clock } from '../plumbing/clock.ts'
import { ApiError } from '../plumbing/http.ts'
import {
  rankBoard,
  generateSynthetic,
  rankingOrder,
  type BoardEntry,
  type RankedEntry
} from './leaderboard.ts'
import { MARKERS, scanBuffer } from './markers.ts'
import type { LogStorage } from '../plumbing/storage.ts'
import {
  deployPhase,
  phaseSince,
  planDeploy,
  queuePosition,
  visibleGames,
  visibleRuns,
  type DeployPlan,
  type GamePlan,
  type RunView
} from './timeline.ts'
import type { ReceivedFile, UploadRules } from './upload.ts'
import { HEAD_BYTES } from './upload.ts'
import type { StateAgent, StateDeploy, WireName } from '../types.ts'
import {
  RUNTIMES,
  USERS,
  parseToken,
  seededCompetitions,
  seededTokens,
  type CompetitionConfig,
  type Runtime,
  type TokenRecord,
  type User
} from './world.ts'

export const DAY_MS = 86_400_000
/** Logs older than this have no signed URL (the storage deletes them). */
export const LOG_RETENTION_MS = 60 * DAY_MS
/** Replays older than this are null (SDK 4.4.0 `submission_games`: "the 365-day retention"). */
export const REPLAY_RETENTION_MS = 365 * DAY_MS
export const FIRST_AGENT_ID = 2001
/** Seeded agents: 1001 bob-baseline (competition 1), 1002 alice-main (1), 1003 bob-course-entry (3). */
export const SEEDED_AGENT_ID = 1001

export type BaseStatus =
  'created' | 'upload_validated' | 'upload_failed' | 'active' | 'deploy_failed'

export interface StoredFile extends ReceivedFile {
  isBinary: boolean
  language: string | null
  uploadedAt: number
}

export interface DeployRecord {
  plan: DeployPlan
  ownerId: number
  /** Set when the agent was deleted, or its files changed, while this deploy was in progress. */
  cancelledAt: number | null
  cancelReason: string | null
}

export type DeployState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface DeployOutcome {
  status: DeployState
  finishedAt: number | null
  failureMessage: string | null
}

export interface Agent {
  id: number
  name: string
  owner: User
  competitionId: number
  createdAt: number
  runtimeId: number | null
  files: Map<string, StoredFile>
  baseStatus: BaseStatus
  baseSince: number
  baseMessage: string
  /** Legacy wire: true while an upload streams (status `uploading`). */
  uploading: boolean
  deploys: DeployRecord[]
  current: DeployRecord | null
  /** The last successful deploy: its score is the agent's board row. */
  lastSuccess: DeployPlan | null
  deleted: boolean
  deletedAt: number | null
}

export interface SeedAgent {
  owner: User
  cid: number
  name: string
  code: string
  deploysAgo: number[]
}

export interface Limits {
  dailyLimit: number
  dailyUsed: number
  dailyRemaining: number
  nextDeployAt: number | null
  canDeploy: boolean
  maxActive: number
  activeCount: number
  activeRemaining: number
}

/** A deploy the server refuses; each wire renders it its own way (current: 409 with limits). */
export class DeployRefused extends Error {
  readonly limits: Limits
  readonly latest: DeployRecord | null

  constructor(message: string, limits: Limits, latest: DeployRecord | null) {
    super(message)
    this.limits = limits
    this.latest = latest
  }
}

export type DerivedStatus =
  BaseStatus | 'uploading' | 'deploying' | 'deploy_queue' | 'deploy_run' | 'deleted'

export interface StatusView {
  status: DerivedStatus
  since: number
  message: string
  phase: 'upload' | 'deployment' | 'active' | 'terminal'
  isSettled: boolean
  isDeployable: boolean
  queue: { position: number; total: number; seconds: number } | null
  runs: RunView[]
  latest: DeployRecord | null
}

export interface GameView {
  game: GamePlan
  plan: DeployPlan
  signedUrl: string | null
}

export interface WorldOptions {
  wire: WireName
  clock: Clock
  seed: number
  leaderboardSize: number
  storage: LogStorage
}

const TERMINAL: ReadonlySet<string> = new Set([
  'active',
  'deploy_failed',
  'upload_failed',
  'deleted'
])
const IN_DEPLOYMENT: ReadonlySet<string> = new Set(['deploying', 'deploy_queue', 'deploy_run'])

const LANGUAGES: Record<string, string> = {
  py: 'python',
  ipynb: 'json',
  json: 'json',
  csv: 'csv',
  txt: 'text',
  md: 'markdown',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  sh: 'shell',
  cfg: 'ini',
  ini: 'ini'
}

export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

export class World {
  readonly wire: WireName
  readonly clock: Clock
  readonly seed: number
  readonly competitions: Map<number, CompetitionConfig>
  readonly agents = new Map<number, Agent>()
  readonly deploys: DeployRecord[] = []
  readonly startTime: number
  private readonly tokens = seededTokens()
  private readonly storage: LogStorage
  private readonly synthetic = new Map<number, BoardEntry[]>()
  private readonly rankedCache = new Map<string, RankedEntry[]>()
  private nextAgentId = FIRST_AGENT_ID
  private nextDeployId = 1
  readonly words: { comp: string; agent: string }

  constructor(options: WorldOptions) {
    this.wire = options.wire
    this.clock = options.clock
    this.seed = options.seed
    this.storage = options.storage
    this.startTime = options.clock.now()
    this.words =
      options.wire === 'current'
        ? { comp: 'Challenge', agent: 'Submission' }
        : { comp: 'Competition', agent: 'Agent' }
    this.competitions = new Map(seededCompetitions(options.leaderboardSize).map(c => [c.id, c]))
    this.seedAgents()
  }

  // ---------------------------------------------------------------- time

  /** The current simulated time, after processing every transition that is due. */
  now(): number {
    const t = this.clock.now()
    this.refresh(t)
    return t
  }

  advance(ms: number): void {
    this.clock.advance(ms)
    this.now()
  }

  /** Finalises the deploys that have ended by time t, in the order they ended. */
  refresh(t: number): void {
    const due = [...this.agents.values()]
      .filter(a => a.current && a.current.plan.endsAt <= t)
      .sort((a, b) => (a.current?.plan.endsAt ?? 0) - (b.current?.plan.endsAt ?? 0))
    for (const agent of due) this.finalise(agent)
  }

  private finalise(agent: Agent): void {
    const record = agent.current
    if (!record) return
    const plan = record.plan
    agent.current = null
    agent.baseSince = plan.endsAt
    if (plan.succeeded) {
      agent.baseStatus = 'active'
      agent.lastSuccess = plan
      agent.baseMessage = `Deployed and evaluated: ${this.scoreLabel(agent)} over ${plan.episodes} games`
    } else {
      agent.baseStatus = 'deploy_failed'
      agent.baseMessage = `Deployment failed: ${plan.failureMessage ?? 'unknown error'}`
    }
  }

  private scoreLabel(agent: Agent): string {
    const comp = this.competitions.get(agent.competitionId)
    const metric = comp?.metrics.find(m => m.isRanking)
    return `${metric?.name ?? 'score'} ${agent.lastSuccess?.score ?? 'n/a'}`
  }

  /** Advances the clock until the agent's deploy has ended. */
  settle(agentId: number): void {
    const agent = this.agents.get(agentId)
    if (!agent) throw new Error(`settle: no agent ${agentId}`)
    const t = this.now()
    const current = agent.current
    if (current) {
      if (!Number.isFinite(current.plan.endsAt))
        throw new Error(`settle: agent ${agentId} never settles (it stays in deploy_queue)`)
      this.advance(Math.max(0, current.plan.endsAt - t))
      return
    }
    const status = this.statusView(agent).status
    if (!TERMINAL.has(status))
      throw new Error(
        `settle: agent ${agentId} is ${status} with no deployment in progress; it would never settle`
      )
  }

  // ---------------------------------------------------------------- auth

  authenticate(header: string | undefined): TokenRecord {
    const example = 'mlk_<scope>_<lookup>_<secret>'
    if (!header)
      throw new ApiError(
        401,
        `Missing Authorization header: send "Authorization: Bearer ${example}"`
      )
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match?.[1])
      throw new ApiError(401, `The Authorization header must read "Bearer ${example}"`)
    const raw = match[1]
    if (!raw.startsWith('mlk_') && raw.includes(':'))
      throw new ApiError(
        401,
        `API keys of the form key_id:key_pass are retired: create a token (${example}) in your ML Arena profile`
      )
    const parsed = parseToken(raw)
    if (!parsed)
      throw new ApiError(
        401,
        `Malformed token: expected ${example}, scope user, creator or teacher`
      )
    const record = this.tokens.get(parsed.lookup)
    if (!record || record.secret !== parsed.secret || record.scope !== parsed.scope)
      throw new ApiError(401, 'Invalid or revoked token')
    return record
  }

  /** Adds a seeded token (the course seeds bring their own users). */
  registerToken(token: string, user: User): void {
    const parsed = parseToken(token)
    if (!parsed) throw new Error(`seeded token for ${user.username} is malformed`)
    this.tokens.set(parsed.lookup, { token, ...parsed, user })
  }

  requireUser(token: TokenRecord): void {
    if (token.scope !== 'user')
      throw new ApiError(
        403,
        `This route needs a user token (mlk_user_...); this is a ${token.scope} token`
      )
  }

  /** `viewer` null: an anonymous caller of a public read, who sees public competitions only. */
  canSee(viewer: TokenRecord | null, comp: CompetitionConfig): boolean {
    if (comp.isPublic) return true
    if (viewer === null) return false
    if (comp.members.includes(viewer.user.id)) return true
    return viewer.scope === 'teacher' && comp.teachers.includes(viewer.user.id)
  }

  competition(viewer: TokenRecord | null, cid: number): CompetitionConfig {
    const comp = this.competitions.get(cid)
    if (!comp || !this.canSee(viewer, comp))
      throw new ApiError(404, `${this.words.comp} ${cid} not found`)
    return comp
  }

  /** Only a started competition takes new agents and deploys (what else does is unknown: refused). */
  requireStarted(comp: CompetitionConfig): void {
    if (comp.status !== 'started')
      throw new ApiError(
        400,
        `${this.words.comp} ${comp.id} is ${comp.status}: it takes no new ${this.words.agent.toLowerCase()}s or deploys`
      )
  }

  visibleCompetitions(token: TokenRecord | null): CompetitionConfig[] {
    return [...this.competitions.values()].filter(c => this.canSee(token, c))
  }

  /** The caller's agent; 404 when absent (or deleted, unless allowed), 403 when someone else's. */
  ownAgent(
    token: TokenRecord,
    aid: number,
    options: { cid?: number; allowDeleted?: boolean } = {}
  ): Agent {
    this.requireUser(token)
    if (options.cid !== undefined) this.competition(token, options.cid)
    const agent = this.agents.get(aid)
    const notFound = (): ApiError => new ApiError(404, `${this.words.agent} ${aid} not found`)
    if (!agent) throw notFound()
    if (agent.owner.id !== token.user.id)
      throw new ApiError(403, `${this.words.agent} ${aid} belongs to another user`)
    if (options.cid !== undefined && agent.competitionId !== options.cid)
      throw new ApiError(
        404,
        `${this.words.agent} ${aid} not found in ${this.words.comp.toLowerCase()} ${options.cid}`
      )
    if (agent.deleted && !options.allowDeleted) throw notFound()
    return agent
  }

  // ---------------------------------------------------------------- runtimes

  runtimeOptions(comp: CompetitionConfig): Runtime[] {
    return comp.runtimeIds.flatMap(id => RUNTIMES.filter(r => r.id === id))
  }

  runtimeOf(agent: Agent): Runtime | null {
    return RUNTIMES.find(r => r.id === agent.runtimeId) ?? null
  }

  pinRuntime(agent: Agent, body: unknown): Runtime {
    const id = (body as { docker_image_agent_runtime_id?: unknown } | undefined)
      ?.docker_image_agent_runtime_id
    if (typeof id !== 'number' || !Number.isInteger(id))
      throw new ApiError(400, 'Send {"docker_image_agent_runtime_id": <integer>}')
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    const options = this.runtimeOptions(comp)
    const runtime = options.find(r => r.id === id)
    if (!runtime)
      throw new ApiError(
        400,
        `Runtime ${id} does not fit the simulator of ${this.words.comp.toLowerCase()} ${comp.id}; its runtimes are ${options.map(r => `${r.id} (${r.displayName})`).join(', ')}`
      )
    agent.runtimeId = id
    return runtime
  }

  // ---------------------------------------------------------------- agents

  createAgent(token: TokenRecord, cid: number, name: unknown, copyFrom: unknown): Agent {
    this.requireUser(token)
    const comp = this.competition(token, cid)
    this.requireStarted(comp)
    const field = this.wire === 'current' ? 'submission_name' : 'agent_name'
    if (typeof name !== 'string' || name.trim() === '')
      throw new ApiError(400, `Send {"${field}": "<name>"}: a non-empty name`)
    if (name.length > 100) throw new ApiError(400, `${field} is limited to 100 characters`)
    let source: Agent | null = null
    if (copyFrom !== undefined && copyFrom !== null) {
      if (typeof copyFrom !== 'number' || !Number.isInteger(copyFrom))
        throw new ApiError(400, 'The id to copy from must be an integer')
      source = this.copySource(token, copyFrom)
    }
    const t = this.now()
    const agent = this.newAgent(token.user, comp, name, t)
    if (source) {
      for (const [fileName, file] of source.files) agent.files.set(fileName, { ...file })
      agent.runtimeId = source.runtimeId
      if (agent.files.size > 0) this.revalidate(agent, t)
    }
    return agent
  }

  private newAgent(
    owner: User,
    comp: CompetitionConfig,
    name: string,
    t: number,
    id = this.nextAgentId++
  ): Agent {
    const agent: Agent = {
      id,
      name,
      owner,
      competitionId: comp.id,
      createdAt: t,
      runtimeId: null,
      files: new Map(),
      baseStatus: 'created',
      baseSince: t,
      baseMessage: `${this.words.agent} created: upload files to continue`,
      uploading: false,
      deploys: [],
      current: null,
      lastSuccess: null,
      deleted: false,
      deletedAt: null
    }
    this.agents.set(agent.id, agent)
    return agent
  }

  deleteAgent(agent: Agent): void {
    const t = this.now()
    agent.deleted = true
    agent.deletedAt = t
    this.cancelCurrent(agent, t, `Cancelled: the ${this.words.agent.toLowerCase()} was deleted`)
    agent.baseSince = t
  }

  /**
   * Ends the deploy in progress, if any. No SDK documents what a file change during a deploy
   * does; both SDKs' documented workflows change a file right after `submit()` and deploy again,
   * so the change is accepted and the deploy it makes stale is cancelled (emulator/README.md,
   * "Behaviours no SDK documents").
   */
  private cancelCurrent(agent: Agent, t: number, reason: string): void {
    if (!agent.current) return
    agent.current.cancelledAt = t
    agent.current.cancelReason = reason
    agent.current = null
    agent.baseSince = t
  }

  /** SDK 4.4.0: a copy source that is not yours reads as not found; legacy keeps 403 (not the owner). */
  private copySource(token: TokenRecord, aid: number): Agent {
    try {
      return this.ownAgent(token, aid)
    } catch (error) {
      if (this.wire === 'current' && error instanceof ApiError && error.status === 403)
        throw new ApiError(404, `Source ${this.words.agent.toLowerCase()} ${aid} not found`)
      throw error
    }
  }

  mine(token: TokenRecord): Agent[] {
    this.requireUser(token)
    return [...this.agents.values()].filter(a => a.owner.id === token.user.id && !a.deleted)
  }

  // ---------------------------------------------------------------- files

  /** The limits an upload to this agent must respect (checked while it streams). */
  uploadRules(agent: Agent): UploadRules {
    this.now()
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    const totalWithout = (name: string): number => {
      let total = 0
      for (const [fileName, file] of agent.files) if (fileName !== name) total += file.size
      return total
    }
    return {
      checkName: name => {
        if (comp.submissionFilename && name !== comp.submissionFilename)
          return `This ${this.words.comp.toLowerCase()} expects one file named ${comp.submissionFilename}, not "${name}"`
        if (!agent.files.has(name) && agent.files.size + 1 > comp.maxUploadFiles)
          return `Too many files: at most ${comp.maxUploadFiles} per ${this.words.agent.toLowerCase()} (max_upload_files)`
        return null
      },
      maxBytes: name => comp.maxUploadSizeBytes - totalWithout(name),
      describeLimit: (name, size) =>
        `File "${name}" (${size} bytes) would bring ${this.words.agent.toLowerCase()} ${agent.id} to ${totalWithout(name) + size} bytes, over the limit of ${comp.maxUploadSizeBytes} bytes (max_upload_size_bytes)`
    }
  }

  /** Stores an uploaded file; returns the validation message when the validator refused it. */
  storeFile(agent: Agent, received: ReceivedFile): string | null {
    const t = this.now()
    this.cancelCurrent(agent, t, 'Cancelled: the files changed during the deployment')
    const isBinary = received.head.includes(0)
    const extension = received.name.includes('.') ? (received.name.split('.').pop() ?? '') : ''
    agent.files.set(received.name, {
      ...received,
      isBinary,
      language: isBinary ? null : (LANGUAGES[extension.toLowerCase()] ?? null),
      uploadedAt: t
    })
    return this.revalidate(agent, t)
  }

  deleteFile(agent: Agent, name: string): void {
    const t = this.now()
    if (!agent.files.has(name))
      throw new ApiError(
        404,
        `File "${name}" not found in ${this.words.agent.toLowerCase()} ${agent.id}`
      )
    this.cancelCurrent(agent, t, 'Cancelled: the files changed during the deployment')
    agent.files.delete(name)
    this.revalidate(agent, t)
  }

  /** Recomputes the upload status after the files changed; returns the validation failure, if any. */
  private revalidate(agent: Agent, t: number): string | null {
    const invalid = [...agent.files.values()].find(f => f.markers.includes(MARKERS.UPLOAD_INVALID))
    const previous = agent.baseStatus
    if (invalid) {
      const message = `Validation failed for "${invalid.name}": the validator refused it (marker MLARENA_EMULATOR:UPLOAD_INVALID)`
      agent.baseStatus = 'upload_failed'
      agent.baseMessage = message
    } else if (agent.files.size === 0) {
      if (previous !== 'active') {
        agent.baseStatus = 'created'
        agent.baseMessage = `${this.words.agent} created: upload files to continue`
      }
    } else if (previous !== 'active') {
      agent.baseStatus = 'upload_validated'
      agent.baseMessage = `${agent.files.size} file(s) validated: ready to deploy`
    }
    if (agent.baseStatus !== previous) agent.baseSince = t
    return invalid ? agent.baseMessage : null
  }

  fileContent(file: StoredFile): string | null {
    return file.isBinary ? null : file.head.toString('utf8')
  }

  // ---------------------------------------------------------------- deploys

  limits(agent: Agent): Limits {
    const t = this.now()
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    const dayStart = utcDayStart(t)
    let dailyUsed = 0
    let activeCount = 0
    for (const other of this.agents.values()) {
      if (other.owner.id !== agent.owner.id || other.competitionId !== comp.id) continue
      for (const record of other.deploys) if (record.plan.createdAt >= dayStart) dailyUsed += 1
      if (other.deleted) continue
      const status = this.statusView(other).status
      if (status === 'active' || IN_DEPLOYMENT.has(status) || other.current) activeCount += 1
    }
    const dailyRemaining = Math.max(0, comp.dailyDeployLimit - dailyUsed)
    const activeRemaining = Math.max(0, comp.maxActiveAgents - activeCount)
    const counted = agent.baseStatus === 'active' || agent.current !== null
    return {
      dailyLimit: comp.dailyDeployLimit,
      dailyUsed,
      dailyRemaining,
      nextDeployAt: dailyRemaining > 0 ? null : dayStart + DAY_MS,
      canDeploy: dailyRemaining > 0 && (counted || activeRemaining > 0),
      maxActive: comp.maxActiveAgents,
      activeCount,
      activeRemaining
    }
  }

  latestDeploy(agent: Agent): DeployRecord | null {
    return agent.deploys[agent.deploys.length - 1] ?? null
  }

  deploy(agent: Agent): DeployRecord {
    const t = this.now()
    const limits = this.limits(agent)
    const refuse = (message: string): DeployRefused =>
      new DeployRefused(message, limits, this.latestDeploy(agent))
    const noun = this.words.agent.toLowerCase()
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    if (comp.status !== 'started')
      throw refuse(`${this.words.comp} ${comp.id} is ${comp.status}: it takes no deploys`)
    if (agent.current) throw refuse(`A deployment of ${noun} ${agent.id} is already in progress`)
    if (agent.files.size === 0) throw refuse('Nothing to deploy: upload at least one file first')
    if (agent.baseStatus === 'upload_failed')
      throw refuse(`Nothing deployable: ${agent.baseMessage}`)
    if (limits.dailyRemaining <= 0)
      throw refuse(
        `Daily deploy limit reached (${limits.dailyLimit} per day); next deploy possible at ${iso(limits.nextDeployAt ?? t)}`
      )
    if (!limits.canDeploy)
      throw refuse(
        `Maximum active ${noun}s reached (${limits.maxActive}): delete one before deploying another`
      )
    return this.startDeploy(agent, t)
  }

  private startDeploy(agent: Agent, t: number): DeployRecord {
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    const files = [...agent.files.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
    const markers = new Set(files.flatMap(f => f.markers))
    const override = files.find(f => f.scoreOverride !== null)?.scoreOverride ?? null
    const plan = planDeploy({
      id: this.nextDeployId++,
      agentId: agent.id,
      competition: comp,
      createdAt: t,
      seed: this.seed,
      filesKey: files.map(f => `${f.name}:${f.sha256}`).join(','),
      markers,
      scoreOverride: override
    })
    const record: DeployRecord = {
      plan,
      ownerId: agent.owner.id,
      cancelledAt: null,
      cancelReason: null
    }
    agent.deploys.push(record)
    agent.current = record
    this.deploys.push(record)
    return record
  }

  deployOutcome(record: DeployRecord, t: number): DeployOutcome {
    const cancelled = record.cancelledAt
    if (cancelled !== null && cancelled <= t && cancelled < record.plan.endsAt)
      return {
        status: 'cancelled',
        finishedAt: cancelled,
        failureMessage: record.cancelReason ?? 'Cancelled'
      }
    const phase = deployPhase(record.plan, t)
    if (phase === 'done')
      return {
        status: record.plan.succeeded ? 'succeeded' : 'failed',
        finishedAt: record.plan.endsAt,
        failureMessage: record.plan.failureMessage
      }
    return {
      status: phase === 'run' ? 'running' : 'queued',
      finishedAt: null,
      failureMessage: null
    }
  }

  // ---------------------------------------------------------------- status

  statusView(agent: Agent): StatusView {
    const t = this.clock.now()
    const latest = this.latestDeploy(agent)
    const isDeployable =
      !agent.deleted &&
      !agent.current &&
      agent.files.size > 0 &&
      agent.baseStatus !== 'upload_failed'
    const base = (status: DerivedStatus, since: number, message: string): StatusView => ({
      status,
      since,
      message,
      phase: TERMINAL.has(status)
        ? status === 'active'
          ? 'active'
          : 'terminal'
        : IN_DEPLOYMENT.has(status)
          ? 'deployment'
          : 'upload',
      isSettled: !agent.current && !agent.uploading,
      isDeployable,
      queue: null,
      runs: [],
      latest
    })
    if (agent.deleted) return base('deleted', agent.deletedAt ?? t, `${this.words.agent} deleted`)
    if (agent.uploading) return { ...base('uploading', t, 'Receiving files'), isDeployable: false }
    const record = agent.current
    if (!record) {
      const view = base(agent.baseStatus, agent.baseSince, agent.baseMessage)
      const showRuns = agent.baseStatus === 'active' || agent.baseStatus === 'deploy_failed'
      return latest && showRuns ? { ...view, runs: visibleRuns(latest.plan, t) } : view
    }
    const plan = record.plan
    const since = phaseSince(plan, t)
    switch (deployPhase(plan, t)) {
      case 'grace':
        // Legacy: right after a deploy the status reads `deploying` for a while (the contract).
        // Current: README 2.0 "a deploy goes from upload_validated straight to deploy_queue in
        // one transaction" (the `deploy_submission` docstring: the 202 says deploy_queue), so
        // the grace period is queue time there.
        if (this.wire === 'legacy')
          return { ...base('deploying', plan.createdAt, 'Deploying'), phase: 'deployment' }
        return this.queuedView(plan, t, since, base)
      case 'queue':
        return this.queuedView(plan, t, this.wire === 'current' ? plan.createdAt : since, base)
      default: {
        const runs = visibleRuns(plan, t)
        const finished = runs.filter(r => r.state === 'completed' || r.state === 'failed').length
        return {
          ...base(
            'deploy_run',
            since,
            `Running evaluation: ${finished} of ${runs.length} runs finished`
          ),
          runs
        }
      }
    }
  }

  private queuedView(
    plan: DeployPlan,
    t: number,
    since: number,
    base: (status: DerivedStatus, since: number, message: string) => StatusView
  ): StatusView {
    const position = queuePosition(plan, t)
    const reason = plan.queueStuck ? ': the simulator machine is unavailable' : ''
    return {
      ...base(
        'deploy_queue',
        since,
        `Waiting in the deploy queue (${position}/${plan.queueTotal})${reason}`
      ),
      queue: {
        position,
        total: plan.queueTotal,
        // Current wire: queued from the deploy itself (no grace period there).
        seconds: Math.floor(
          Math.max(0, t - (this.wire === 'current' ? plan.createdAt : plan.queueStart)) / 1000
        )
      }
    }
  }

  // ---------------------------------------------------------------- games

  games(agent: Agent): GameView[] {
    const t = this.now()
    const comp = this.competitions.get(agent.competitionId) as CompetitionConfig
    const views: GameView[] = []
    for (const record of [...agent.deploys].reverse()) {
      const games = visibleGames(record.plan, Math.min(t, record.cancelledAt ?? t)).reverse()
      for (const game of games) {
        const run = record.plan.runs[game.runIndex]
        const kept = game.hasLog && t - game.createdAt < LOG_RETENTION_MS
        const signedUrl = kept
          ? this.storage.signedUrl(
              {
                gameId: game.id,
                competitionId: comp.id,
                competitionName: comp.name,
                agentId: agent.id,
                agentName: agent.name,
                runIndex: game.runIndex,
                runCount: record.plan.runs.length,
                outcome: game.outcome,
                reward: game.reward,
                steps: game.steps,
                errorType: run && run.outcome !== 'ok' ? run.outcome : null,
                errorMessage: run?.errorMessage ?? null,
                createdAt: game.createdAt
              },
              t
            )
          : null
        views.push({ game, plan: record.plan, signedUrl })
      }
    }
    return views
  }

  /**
   * Current wire: the runs of the latest deploy as its status shows them (SDK 4.4.0: `run_info`
   * is served in every post-deploy state); a cancelled deploy keeps the runs that had finished.
   */
  latestRuns(agent: Agent): RunView[] {
    const latest = this.latestDeploy(agent)
    if (!latest) return []
    return this.runsOf(latest, this.clock.now())
  }

  private runsOf(record: DeployRecord, t: number): RunView[] {
    const cut = record.cancelledAt
    if (cut === null || cut > t) return visibleRuns(record.plan, t)
    return visibleRuns(record.plan, cut).filter(
      r => r.state === 'completed' || r.state === 'failed'
    )
  }

  /** Current wire `submission_games`: every finished run of every deploy, newest first. */
  finishedRuns(agent: Agent): { record: DeployRecord; run: RunView }[] {
    const t = this.now()
    const out: { record: DeployRecord; run: RunView }[] = []
    for (const record of [...agent.deploys].reverse()) {
      const runs = this.runsOf(record, t).filter(
        r => r.state === 'completed' || r.state === 'failed' || r.state === 'cancelled'
      )
      for (const run of runs.reverse()) out.push({ record, run })
    }
    return out
  }

  get logStorage(): LogStorage {
    return this.storage
  }

  // ---------------------------------------------------------------- boards

  private syntheticRows(comp: CompetitionConfig): BoardEntry[] {
    let rows = this.synthetic.get(comp.id)
    if (!rows) {
      rows = generateSynthetic(comp, this.seed, this.startTime)
      this.synthetic.set(comp.id, rows)
    }
    return rows
  }

  private realEntries(comp: CompetitionConfig): BoardEntry[] {
    const entries: BoardEntry[] = []
    for (const agent of this.agents.values()) {
      if (agent.competitionId !== comp.id || agent.deleted || !agent.lastSuccess) continue
      const onBoard = agent.baseStatus === 'active' || agent.current !== null
      if (!onBoard) continue
      const plan = agent.lastSuccess
      entries.push({
        agentId: agent.id,
        agentName: agent.name,
        username: agent.owner.username,
        participantKey: `u:${agent.owner.username}`,
        ownerId: agent.owner.id,
        teamId: null,
        teamName: null,
        teamMembers: [],
        score: plan.score ?? 0,
        meanReward: plan.meanReward,
        elo: comp.ranking === 'elo' ? plan.score : null,
        ci95: plan.ci95,
        eloVariance: comp.ranking === 'elo' ? 35 : null,
        episodes: plan.episodes,
        runs: agent.deploys.filter(d => d.plan.succeeded && d.plan.endsAt <= plan.endsAt).length,
        createdAt: agent.createdAt,
        createdAtIso: iso(agent.createdAt),
        lastEndRunIso: iso(plan.endsAt),
        isBenchmark: false,
        isPublic: true,
        avatarKey: null
      })
    }
    return entries
  }

  /** The ranked board; `version` changes whenever its rows or ranks can have changed. */
  rankedBoard(
    comp: CompetitionConfig,
    aggregate: 'user' | 'submission'
  ): { rows: RankedEntry[]; version: string } {
    this.now()
    const real = this.realEntries(comp)
    const version = `${comp.id}|${aggregate}|${real.map(e => `${e.agentId}:${e.score}:${e.runs}`).join(',')}`
    let rows = this.rankedCache.get(version)
    if (!rows) {
      rows = rankBoard(this.syntheticRows(comp), real, rankingOrder(comp), aggregate)
      this.rankedCache.set(version, rows)
      // Keep a few boards: a 100,000-row board is ranked once, not on every request.
      for (const key of this.rankedCache.keys()) {
        if (this.rankedCache.size <= 4) break
        this.rankedCache.delete(key)
      }
    }
    return { rows, version }
  }

  board(comp: CompetitionConfig, aggregate: 'user' | 'submission'): RankedEntry[] {
    return this.rankedBoard(comp, aggregate).rows
  }

  // ---------------------------------------------------------------- inspection

  stateAgents(): StateAgent[] {
    return [...this.agents.values()].map(agent => ({
      id: agent.id,
      name: agent.name,
      owner: agent.owner.username,
      competitionId: agent.competitionId,
      status: this.statusView(agent).status,
      runtimeId: agent.runtimeId,
      score:
        agent.lastSuccess && (agent.baseStatus === 'active' || agent.current)
          ? agent.lastSuccess.score
          : null,
      files: [...agent.files.values()].map(f => ({ name: f.name, size: f.size, sha256: f.sha256 })),
      deployIds: agent.deploys.map(d => d.plan.id),
      createdAt: iso(agent.createdAt)
    }))
  }

  stateDeploys(): StateDeploy[] {
    const t = this.clock.now()
    return this.deploys.map(record => {
      const outcome = this.deployOutcome(record, t)
      return {
        id: record.plan.id,
        agentId: record.plan.agentId,
        competitionId: record.plan.competitionId,
        status: outcome.status,
        createdAt: iso(record.plan.createdAt),
        finishedAt: outcome.finishedAt === null ? null : iso(outcome.finishedAt),
        failureMessage: outcome.failureMessage
      }
    })
  }

  boardSize(comp: CompetitionConfig): number {
    return comp.syntheticRows + this.realEntries(comp).length
  }

  // ---------------------------------------------------------------- seed

  private seedFile(agent: Agent, name: string, text: string, t: number): void {
    const content = Buffer.from(text)
    const found = scanBuffer(content)
    agent.files.set(name, {
      name,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      head: content.subarray(0, HEAD_BYTES),
      markers: found.markers,
      scoreOverride: found.score,
      isBinary: false,
      language: 'python',
      uploadedAt: t
    })
  }

  /** Seeded agents with finished deploys: bob's and alice's in competition 1, bob's in the hidden one. */
  private seedAgents(): void {
    const seeds: { owner: User; cid: number; name: string; code: string; deploysAgo: number[] }[] =
      [
        {
          owner: USERS.bob,
          cid: 1,
          name: 'bob-baseline',
          code: 'class Agent:\n    def act(self, observation):\n        return 0  # bob: always fire the main engine\n',
          deploysAgo: [2 * DAY_MS]
        },
        {
          owner: USERS.alice,
          cid: 1,
          name: 'alice-main',
          code: 'import numpy as np\n\n\nclass Agent:\n    def act(self, observation):\n        return int(np.argmax(observation[:4]))\n',
          deploysAgo: [70 * DAY_MS, DAY_MS]
        },
        {
          owner: USERS.bob,
          cid: 3,
          name: 'bob-course-entry',
          code: 'class Agent:\n    def act(self, observation):\n        return 1\n',
          deploysAgo: [3 * DAY_MS]
        }
      ]
    let id = SEEDED_AGENT_ID
    for (const seed of seeds) this.seedAgent(seed, id++)
  }

  /** A seeded agent whose deploys (`deploysAgo`, ms before start) have all finished. */
  seedAgent(seed: SeedAgent, id: number): Agent {
    const t = this.startTime
    const comp = this.competitions.get(seed.cid) as CompetitionConfig
    const oldest = Math.max(0, ...seed.deploysAgo)
    const agent = this.newAgent(seed.owner, comp, seed.name, t - oldest - 3_600_000, id)
    agent.runtimeId = comp.runtimeIds[0] ?? null
    this.seedFile(agent, comp.submissionFilename ?? 'agent.py', seed.code, agent.createdAt)
    agent.baseStatus = 'upload_validated'
    for (const ago of seed.deploysAgo) {
      this.startDeploy(agent, t - ago)
      this.finalise(agent)
    }
    return agent
  }
}
