/**
 * Creator state and rules: the challenges creators author (env and benchmark folders, config,
 * tags, overview, cover, benchmark runs), who may touch them, what blocks a start, and the
 * draft → started ⇄ stopped machine. Each challenge is also a competition of the world (the
 * same object), so once started it is listed and takes submissions. Wire-independent: the
 * routes (creator.ts) shape the answers.
 */
import { createHash } from 'node:crypto'
import {
  budgetChecks,
  fingerprint,
  jobStatus,
  planBenchmark,
  type BenchmarkPlan,
  type RunFile
} from './benchmark.ts'
import {
  applyConfigFile,
  applySettings,
  defaultConfig,
  releaseFile,
  type ConfigState
} from './challenge-config.ts'
import { CONFIG_FIELDS } from './config-fields.ts'
import { applyLegacySettings } from './legacy-settings.ts'
import { checkEnv, type EnvCheck } from './env-check.ts'
import { ApiError } from '../plumbing/http.ts'
import { iso } from '../platform/store.ts'
import { findKind, KINDS, type Kind } from './kinds.ts'
import type { World } from '../platform/store.ts'
import { resolveTagIds, type Tag } from './tags.ts'
import { HEAD_BYTES, type ReceivedFile } from '../platform/upload.ts'
import type { StateCreatorChallenge, StateCreatorFile, WireName } from '../types.ts'
import type { CompetitionConfig, TokenRecord, User } from '../platform/world.ts'

export const FIRST_CREATED_CHALLENGE_ID = 101
/** Files the emulator must read whole (parsed or checked): refused above HEAD_BYTES. */
const READ_WHOLE = new Set(['env.py', 'challenge.toml'])
export const MAX_FOLDER_FILES = 100
export const MAX_FOLDER_FILE_BYTES = 100 * 1024 * 1024
export const MAX_COVER_BYTES = 5 * 1024 * 1024
export const MAX_MARKDOWN_CHARS = 100_000
export const CONFIG_FILE = 'challenge.toml'

export interface CreatorFile {
  name: string
  size: number
  sha256: string
  /** The first HEAD_BYTES bytes. */
  head: Buffer
  isBinary: boolean
  uploadedAt: number
}

export interface Cover {
  contentType: 'image/png' | 'image/jpeg'
  /** The whole image (at most MAX_COVER_BYTES): GET .../image serves it back. */
  bytes: Buffer
  size: number
  sha256: string
  uploadedAt: number
}

export interface Blocker {
  code: string
  message: string
}

export interface CreatorChallenge {
  id: number
  owner: User
  kind: Kind
  createdAt: number
  startDate: number | null
  env: Map<string, CreatorFile>
  benchmark: Map<string, CreatorFile>
  config: ConfigState
  tags: Tag[]
  markdown: string
  cover: Cover | null
  runs: BenchmarkPlan[]
  /** Legacy-only settings columns (SDK 0.2.0 `update_settings`), as last written. */
  legacySettings: Record<string, unknown>
  /** The world's competition this challenge is (name, description, visibility, status live there). */
  comp: CompetitionConfig
}

export type FileOutcome =
  | { kind: 'stored'; file: CreatorFile; validation: EnvCheck | null; config: ConfigState | null }
  | { kind: 'refused'; status: number; errors: string[] }

const LANGUAGES: Record<string, string> = {
  py: 'python',
  toml: 'toml',
  txt: 'text',
  md: 'markdown',
  json: 'json',
  csv: 'csv',
  yaml: 'yaml',
  yml: 'yaml'
}

export function languageOf(file: CreatorFile): string | null {
  if (file.isBinary) return null
  const extension = file.name.includes('.') ? (file.name.split('.').pop() ?? '') : ''
  return LANGUAGES[extension.toLowerCase()] ?? null
}

export function fileText(file: CreatorFile): string | null {
  return file.isBinary ? null : file.head.toString('utf8')
}

function runFiles(folder: Map<string, CreatorFile>): RunFile[] {
  return [...folder.values()].map(f => ({
    name: f.name,
    sha256: f.sha256,
    text: fileText(f) ?? ''
  }))
}

export function fileFromText(name: string, text: string, t: number): CreatorFile {
  const bytes = Buffer.from(text, 'utf8')
  return fileFromBytes(
    name,
    bytes,
    bytes.length,
    createHash('sha256').update(bytes).digest('hex'),
    t
  )
}

export function fileFromUpload(received: ReceivedFile, t: number): CreatorFile {
  return fileFromBytes(received.name, received.head, received.size, received.sha256, t)
}

function fileFromBytes(
  name: string,
  head: Buffer,
  size: number,
  sha256: string,
  t: number
): CreatorFile {
  const kept = head.subarray(0, HEAD_BYTES)
  return { name, size, sha256, head: Buffer.from(kept), isBinary: kept.includes(0), uploadedAt: t }
}

function isPng(head: Buffer): boolean {
  return head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
}

function isJpeg(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff
}

export class CreatorStore {
  readonly challenges = new Map<number, CreatorChallenge>()
  private readonly world: World
  private readonly seed: number
  readonly wire: WireName
  private nextId = FIRST_CREATED_CHALLENGE_ID
  private nextRunId = 1

  constructor(world: World, seed: number) {
    this.world = world
    this.seed = seed
    this.wire = world.wire
  }

  private get noun(): string {
    return this.world.words.comp
  }

  // ---------------------------------------------------------------- scope and ownership

  requireCreator(token: TokenRecord): void {
    if (token.scope !== 'creator')
      throw new ApiError(
        403,
        `This route needs a creator token (mlk_creator_...); this is a ${token.scope} token`
      )
  }

  /** The caller's challenge: 403 for another's visible one, 404 for a hidden or unknown one. */
  owned(token: TokenRecord, cid: number): CreatorChallenge {
    this.requireCreator(token)
    const challenge = this.challenges.get(cid)
    const comp = this.world.competitions.get(cid)
    if (challenge && challenge.owner.id === token.user.id) return challenge
    if (comp && this.world.canSee(token, comp))
      throw new ApiError(403, `${this.noun} ${cid} is not yours: only its owner may edit it`)
    throw new ApiError(404, `${this.noun} ${cid} not found`)
  }

  mine(token: TokenRecord): CreatorChallenge[] {
    this.requireCreator(token)
    return [...this.challenges.values()].filter(c => c.owner.id === token.user.id)
  }

  // ---------------------------------------------------------------- create and metadata

  create(token: TokenRecord, body: unknown, copyField: string): CreatorChallenge {
    this.requireCreator(token)
    const fields = asObject(body)
    const name = fields.name
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
      throw new ApiError(400, 'name must be a non-empty string of at most 100 characters')
    const kernel = fields.kernel_version
    if (typeof kernel !== 'string' || kernel === '')
      throw new ApiError(
        400,
        `kernel_version is required: one of ${KINDS.map(k => k.kernelVersion).join(', ')}`
      )
    const kind = findKind(kernel)
    if (!kind)
      throw new ApiError(
        400,
        `Unknown kernel_version "${kernel}": one of ${KINDS.map(k => k.kernelVersion).join(', ')} (GET available_kinds)`
      )
    const description = optionalString(fields, 'description', 2000) ?? ''
    const isPublic = optionalBoolean(fields, 'is_public') ?? this.wire === 'legacy'
    const tags =
      fields.tag_ids === undefined || fields.tag_ids === null ? null : resolveTagIds(fields.tag_ids)
    let source: CreatorChallenge | null = null
    const copyFrom = fields[copyField]
    if (copyFrom !== undefined && copyFrom !== null) {
      if (typeof copyFrom !== 'number' || !Number.isInteger(copyFrom))
        throw new ApiError(400, `${copyField} must be an integer`)
      source = this.owned(token, copyFrom)
    }
    if (!kind.hasMachine)
      throw new ApiError(
        503,
        `No machine serves ${kind.label.toLowerCase()}s (${kind.kernelVersion}) on this server`
      )
    const t = this.world.now()
    const challenge = this.register({
      id: this.nextId++,
      owner: token.user,
      kind,
      name: name.trim(),
      description,
      isPublic,
      t
    })
    if (source) {
      for (const [n, f] of source.env) challenge.env.set(n, { ...f })
      for (const [n, f] of source.benchmark) challenge.benchmark.set(n, { ...f })
      challenge.config = structuredClone(source.config)
      challenge.tags = [...source.tags]
      this.syncCompetition(challenge)
    }
    if (tags) this.setTags(challenge, tags)
    return challenge
  }

  /** Adds a challenge to the store and its competition to the world (seeds use it too). */
  register(spec: {
    id: number
    owner: User
    kind: Kind
    name: string
    description: string
    isPublic: boolean
    t: number
    /** Seeds name their scenario; a created challenge's is "creator". */
    scenario?: string
  }): CreatorChallenge {
    const comp: CompetitionConfig = {
      id: spec.id,
      name: spec.name,
      scenario: spec.scenario ?? 'creator',
      status: 'draft',
      description: spec.description,
      isPublic: spec.isPublic,
      members: [],
      teachers: [],
      ranking: 'mean_reward',
      metrics: [],
      maxUploadSizeBytes: 0,
      maxUploadFiles: 0,
      dailyDeployLimit: 20,
      maxActiveAgents: 0,
      vmHealthOk: true,
      machineName: 'sim-cpu-1',
      hasGpu: false,
      runtimeIds: spec.kind.runtimeIds,
      submissionFilename: spec.kind.submissionFilename,
      submissionLayout: null,
      kindLabel: spec.kind.label,
      tags: [],
      runsPerDeploy: 3,
      gamesPerRun: 2,
      rewardRange: [0, 100],
      windowDays: 30,
      syntheticRows: 1
    }
    const challenge: CreatorChallenge = {
      id: spec.id,
      owner: spec.owner,
      kind: spec.kind,
      createdAt: spec.t,
      startDate: null,
      env: new Map(),
      benchmark: new Map(),
      config: defaultConfig(),
      tags: [],
      markdown: '',
      cover: null,
      runs: [],
      legacySettings: {},
      comp
    }
    this.syncCompetition(challenge)
    this.world.competitions.set(comp.id, comp)
    this.challenges.set(challenge.id, challenge)
    return challenge
  }

  /** The participant side follows the config: limits, runs, metrics. */
  private syncCompetition(challenge: CreatorChallenge): void {
    const v = challenge.config.values
    const comp = challenge.comp
    comp.maxUploadSizeBytes = v.max_upload_size_bytes as number
    comp.maxUploadFiles = comp.submissionFilename ? 1 : (v.max_upload_files as number)
    comp.maxActiveAgents = v.max_active_submissions_per_participant as number
    comp.runsPerDeploy = v.deployment_nb_initial_score_run as number
    comp.windowDays = (v.window_days as number | null) ?? 30
    const metrics = Array.isArray(v.metrics) ? (v.metrics as Record<string, unknown>[]) : []
    comp.metrics = metrics.map(m => ({
      key: String(m.key),
      name: String(m.label),
      isRanking: m.is_ranking === true,
      order: m.order === 'asc' ? 'asc' : 'desc',
      precision: typeof m.precision === 'number' ? m.precision : 2
    }))
    comp.tags = challenge.tags.map(t => t.name)
  }

  update(challenge: CreatorChallenge, body: unknown): void {
    const fields = asObject(body)
    const name = optionalString(fields, 'name', 100)
    const description = optionalString(fields, 'description', 2000)
    const isPublic = optionalBoolean(fields, 'is_public')
    if (name === undefined && description === undefined && isPublic === undefined)
      throw new ApiError(400, 'Send at least one of name, description, is_public')
    if (name !== undefined && name.trim() === '') throw new ApiError(400, 'name may not be empty')
    const started = challenge.comp.status === 'started'
    if (started && name !== undefined && name.trim() !== challenge.comp.name)
      throw new ApiError(400, `name is locked once the ${this.noun.toLowerCase()} has started`)
    if (
      started &&
      this.wire === 'legacy' &&
      description !== undefined &&
      description !== challenge.comp.description
    )
      throw new ApiError(400, 'description is locked once the competition has started')
    if (name !== undefined) challenge.comp.name = name.trim()
    if (description !== undefined) challenge.comp.description = description
    if (isPublic !== undefined) challenge.comp.isPublic = isPublic
  }

  settings(challenge: CreatorChallenge, body: unknown): void {
    const result = applySettings(body, challenge.config, {
      started: challenge.comp.status === 'started',
      capabilities: challenge.kind.capabilities
    })
    if (!result.ok)
      throw new ApiError(result.status, result.errors.join('; '), { details: result.errors })
    challenge.config = result.config
    this.syncCompetition(challenge)
  }

  /** Legacy `PUT .../settings` (SDK 0.2.0): its ten keywords, refused once started. */
  legacySettings(challenge: CreatorChallenge, body: unknown): void {
    const result = applyLegacySettings(
      body,
      challenge.config,
      challenge.legacySettings,
      challenge.comp.status === 'started'
    )
    if (!result.ok) throw new ApiError(400, result.errors.join('; '), { details: result.errors })
    challenge.config = result.config
    challenge.legacySettings = result.legacy
    this.syncCompetition(challenge)
  }

  setTags(challenge: CreatorChallenge, tags: Tag[]): void {
    challenge.tags = tags
    this.syncCompetition(challenge)
  }

  setMarkdown(challenge: CreatorChallenge, body: unknown): void {
    const content = asObject(body).content
    if (typeof content !== 'string') throw new ApiError(400, 'Send {"content": "<markdown>"}')
    if (content.length > MAX_MARKDOWN_CHARS)
      throw new ApiError(413, `The overview is limited to ${MAX_MARKDOWN_CHARS} characters`)
    challenge.markdown = content
  }

  setCover(challenge: CreatorChallenge, received: ReceivedFile): Cover {
    const contentType = isPng(received.head)
      ? 'image/png'
      : isJpeg(received.head)
        ? 'image/jpeg'
        : null
    if (!contentType)
      throw new ApiError(
        400,
        `"${received.name}" is not a PNG or JPEG image (checked by its first bytes)`
      )
    challenge.cover = {
      contentType,
      bytes: Buffer.from(received.head),
      size: received.size,
      sha256: received.sha256,
      uploadedAt: this.world.now()
    }
    return challenge.cover
  }

  // ---------------------------------------------------------------- folders

  private assertDraft(challenge: CreatorChallenge, what: string): void {
    if (challenge.comp.status === 'started')
      throw new ApiError(
        400,
        `${this.noun} ${challenge.id} is started: stop it to change its ${what}`
      )
  }

  /** The wire where challenge.toml is the config's file editor (SDK 4.x); legacy keeps it as a plain file. */
  private get appliesConfigFile(): boolean {
    return this.wire === 'current'
  }

  putEnvFile(challenge: CreatorChallenge, file: CreatorFile): FileOutcome {
    const isConfig = file.name === CONFIG_FILE && this.appliesConfigFile
    if (!isConfig) this.assertDraft(challenge, 'env folder')
    const refusal = this.folderRefusal(challenge.env, file)
    if (refusal) return refusal
    let config: ConfigState | null = null
    if (isConfig) {
      const result = applyConfigFile(fileText(file) ?? '', file.sha256, challenge.config, {
        started: challenge.comp.status === 'started',
        capabilities: challenge.kind.capabilities,
        now: this.world.now()
      })
      if (!result.ok) return { kind: 'refused', status: 400, errors: result.errors }
      config = result.config
      challenge.config = config
      this.syncCompetition(challenge)
    }
    challenge.env.set(file.name, file)
    const validation = file.name === 'env.py' ? checkEnv(fileText(file) ?? '') : null
    return { kind: 'stored', file, validation, config }
  }

  putBenchmarkFile(challenge: CreatorChallenge, file: CreatorFile): FileOutcome {
    this.assertDraft(challenge, 'benchmark folder')
    const refusal = this.folderRefusal(challenge.benchmark, file)
    if (refusal) return refusal
    challenge.benchmark.set(file.name, file)
    return { kind: 'stored', file, validation: null, config: null }
  }

  private folderRefusal(folder: Map<string, CreatorFile>, file: CreatorFile): FileOutcome | null {
    if (!folder.has(file.name) && folder.size >= MAX_FOLDER_FILES)
      return {
        kind: 'refused',
        status: 400,
        errors: [`A folder holds at most ${MAX_FOLDER_FILES} files`]
      }
    if (file.size > MAX_FOLDER_FILE_BYTES)
      return {
        kind: 'refused',
        status: 413,
        errors: [`"${file.name}" is over ${MAX_FOLDER_FILE_BYTES} bytes`]
      }
    if (READ_WHOLE.has(file.name) && file.size > HEAD_BYTES)
      return {
        kind: 'refused',
        status: 413,
        errors: [
          `${file.name} is ${file.size} bytes: the emulator reads it whole and keeps at most ${HEAD_BYTES}`
        ]
      }
    if (file.isBinary && READ_WHOLE.has(file.name))
      return { kind: 'refused', status: 400, errors: [`${file.name} must be UTF-8 text`] }
    return null
  }

  deleteEnvFile(challenge: CreatorChallenge, name: string): void {
    this.assertDraft(challenge, 'env folder')
    if (name === 'env.py')
      throw new ApiError(
        400,
        'env.py cannot be deleted: the challenge would have nothing to run (replace it instead)'
      )
    if (!challenge.env.delete(name))
      throw new ApiError(404, `File "${name}" not found in the env folder`)
    if (name === CONFIG_FILE && this.appliesConfigFile)
      challenge.config = releaseFile(challenge.config)
  }

  deleteBenchmarkFile(challenge: CreatorChallenge, name: string): void {
    this.assertDraft(challenge, 'benchmark folder')
    if (!challenge.benchmark.delete(name))
      throw new ApiError(404, `File "${name}" not found in the benchmark folder`)
  }

  // ---------------------------------------------------------------- benchmark

  runBenchmark(challenge: CreatorChallenge): BenchmarkPlan {
    const t = this.world.now()
    const missing: string[] = []
    if (!challenge.env.has('env.py')) missing.push('env.py in the env folder')
    if (!challenge.benchmark.has(challenge.kind.benchmarkFile))
      missing.push(`${challenge.kind.benchmarkFile} in the benchmark folder`)
    if (missing.length > 0)
      throw new ApiError(400, `A benchmark run needs ${missing.join(' and ')}`, {
        details: missing
      })
    const latest = this.latestRun(challenge)
    if (latest && (jobStatus(latest, t) === 'pending' || jobStatus(latest, t) === 'running'))
      throw new ApiError(
        409,
        `Benchmark run ${latest.id} is still ${jobStatus(latest, t)}: wait for it to finish`
      )
    const plan = planBenchmark(
      this.nextRunId++,
      t,
      this.seed,
      runFiles(challenge.env),
      runFiles(challenge.benchmark),
      challenge.config
    )
    challenge.runs.push(plan)
    return plan
  }

  latestRun(challenge: CreatorChallenge): BenchmarkPlan | null {
    return challenge.runs[challenge.runs.length - 1] ?? null
  }

  checks(challenge: CreatorChallenge, t: number): ReturnType<typeof budgetChecks> {
    const run = this.latestRun(challenge)
    return run ? budgetChecks(run, t, challenge.config) : []
  }

  // ---------------------------------------------------------------- start

  /** Every reason a start would be refused now; null while started. */
  blockers(challenge: CreatorChallenge): Blocker[] | null {
    if (challenge.comp.status === 'started') return null
    const t = this.world.now()
    const blockers: Blocker[] = []
    const env = challenge.env.get('env.py')
    if (!env)
      blockers.push({ code: 'env_missing', message: 'env.py is missing from the env folder' })
    else {
      const check = checkEnv(fileText(env) ?? '')
      const first = check.findings.find(f => f.severity === 'error')
      if (first)
        blockers.push({ code: 'env_invalid', message: `env.py:${first.line}: ${first.message}` })
    }
    const toml = challenge.env.get(CONFIG_FILE)
    if (this.appliesConfigFile && toml && toml.sha256 !== challenge.config.fileSha256)
      blockers.push({
        code: 'config_not_applied',
        message: 'challenge.toml in the env folder is not the applied one'
      })
    const required = Array.isArray(challenge.config.values.required_files)
      ? (challenge.config.values.required_files as string[])
      : []
    for (const name of required)
      if (!challenge.env.has(name))
        blockers.push({
          code: 'required_file_missing',
          message: `${name} (required_files) is missing from the env folder`
        })
    if (!challenge.benchmark.has(challenge.kind.benchmarkFile))
      blockers.push({
        code: 'benchmark_missing',
        message: `The benchmark folder has no ${challenge.kind.benchmarkFile}`
      })
    else blockers.push(...this.unscored(challenge, t))
    return blockers
  }

  private unscored(challenge: CreatorChallenge, t: number): Blocker[] {
    const run = this.latestRun(challenge)
    const code = 'benchmark_unscored'
    if (!run)
      return [{ code, message: 'The benchmark has never run: run it and wait for its score' }]
    const status = jobStatus(run, t)
    if (status === 'pending' || status === 'running')
      return [{ code, message: `Benchmark run ${run.id} is ${status}: wait for its score` }]
    if (status === 'failed' || run.score === null)
      return [
        { code, message: `Benchmark run ${run.id} failed: fix it and run the benchmark again` }
      ]
    const current = planFingerprint(challenge)
    if (run.fingerprint !== current)
      return [
        {
          code,
          message: `The env or benchmark folder changed since benchmark run ${run.id}: run it again`
        }
      ]
    return []
  }

  recommendations(challenge: CreatorChallenge): Blocker[] | null {
    if (challenge.comp.status === 'started') return null
    const out: Blocker[] = []
    if (challenge.comp.description.trim() === '')
      out.push({
        code: 'description_missing',
        message: 'No description: the challenge card has no blurb'
      })
    if (challenge.markdown.trim() === '')
      out.push({ code: 'overview_missing', message: 'No overview: participants see an empty page' })
    if (!challenge.cover) out.push({ code: 'cover_missing', message: 'No cover image' })
    return out
  }

  /** /__emulator/state: exactly what the server holds. */
  state(): StateCreatorChallenge[] {
    const t = this.world.now()
    const files = (folder: Map<string, CreatorFile>): StateCreatorFile[] =>
      [...folder.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(f => ({ name: f.name, size: f.size, sha256: f.sha256, content: fileText(f) }))
    return [...this.challenges.values()].map(c => ({
      id: c.id,
      name: c.comp.name,
      owner: c.owner.username,
      kernelVersion: c.kind.kernelVersion,
      status: c.comp.status,
      isPublic: c.comp.isPublic,
      description: c.comp.description,
      startDate: c.startDate === null ? null : iso(c.startDate),
      tags: c.tags.map(tag => ({ id: tag.id, name: tag.name })),
      markdown: c.markdown,
      cover: c.cover && {
        contentType: c.cover.contentType,
        size: c.cover.size,
        sha256: c.cover.sha256
      },
      env: files(c.env),
      benchmark: files(c.benchmark),
      config: {
        values: structuredClone(c.config.values),
        origin: { ...c.config.origin },
        fileLines: { ...c.config.fileLines },
        fileAppliedAt: c.config.fileAppliedAt === null ? null : iso(c.config.fileAppliedAt)
      },
      runs: c.runs.map(r => ({
        id: r.id,
        jobStatus: jobStatus(r, t),
        score: jobStatus(r, t) === 'completed' ? r.score : null,
        createdAt: iso(r.createdAt),
        startsAt: iso(r.startsAt),
        endsAt: iso(r.endsAt),
        fingerprint: r.fingerprint
      })),
      blockers: this.blockers(c),
      legacySettings: { ...c.legacySettings }
    }))
  }

  runningEditableFields(): string[] {
    return [
      'description',
      'is_public',
      ...CONFIG_FIELDS.filter(f => f.runningEditable).map(f => f.key)
    ]
  }

  start(challenge: CreatorChallenge): void {
    if (challenge.comp.status === 'started')
      throw new ApiError(400, `${this.noun} ${challenge.id} is already started`)
    const blockers = this.blockers(challenge) ?? []
    if (blockers.length > 0)
      throw new ApiError(400, (blockers[0] as Blocker).message, {
        details: blockers.map(b => b.message),
        blockers
      })
    challenge.comp.status = 'started'
    challenge.startDate ??= this.world.now()
  }

  stop(challenge: CreatorChallenge): void {
    if (challenge.comp.status !== 'started')
      throw new ApiError(
        400,
        `${this.noun} ${challenge.id} is ${challenge.comp.status}: only a started one can be stopped`
      )
    challenge.comp.status = 'stopped'
  }
}

export function planFingerprint(challenge: CreatorChallenge): string {
  return fingerprint(runFiles(challenge.env), runFiles(challenge.benchmark))
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {}
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'The body must be a JSON object')
  return body as Record<string, unknown>
}

function optionalString(
  fields: Record<string, unknown>,
  key: string,
  max: number
): string | undefined {
  const value = fields[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new ApiError(400, `${key} must be a string`)
  if (value.length > max) throw new ApiError(400, `${key} is limited to ${max} characters`)
  return value
}

function optionalBoolean(fields: Record<string, unknown>, key: string): boolean | undefined {
  const value = fields[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new ApiError(400, `${key} must be true or false`)
  return value
}
