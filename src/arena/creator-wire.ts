/**
 * The creator routes of both wires (`/creator_challenge` current, `/creator_competition`
 * legacy) and the mapping of their answers into creator-model.ts. The legacy wire (SDK 0.2.0,
 * client.py 135–535) has create, update, settings, tags, the tag catalog, env and benchmark
 * uploads, markdown and image writes, benchmark run and status, and start; the editor view, the
 * lists (challenges, files), deletions, the overview/tag/cover reads, the kinds, the config
 * fields, schema and export, the env check and stop exist on the current wire only (their
 * builders return null on legacy).
 *
 * Required fields: ids, names, `job_status` of a run, `files`. The rest is lenient.
 */
import type { Method } from './http.js'
import type {
  BenchmarkRun,
  BenchmarkStatus,
  BudgetCheck,
  ChallengeConfigView,
  ChallengeEditorView,
  ChallengeKind,
  ChallengeUpdate,
  ConfigRefusal,
  CreatorChallenge,
  EnvCheck,
  EnvCheckFinding,
  NewChallenge,
  RemoteFile,
  StartIssue,
  Tag
} from './creator-model.js'
import type { RequestContext } from './errors.js'
import {
  asArray,
  asRecord,
  fail,
  isRecord,
  optBool,
  optInt,
  optNumber,
  optString,
  pick,
  reqInt,
  reqString,
  type Json
} from './guards.js'
import type { Wire } from './model.js'
import { fileEntries, type Endpoint } from './wire.js'

function creator(method: Method, path: string, what: string): Endpoint {
  return { method, path, what, userScope: false, scope: 'creator' }
}

function open(method: Method, path: string, what: string): Endpoint {
  return { method, path, what, userScope: false }
}

function root(w: Wire, cid: number): string {
  return w === 'current'
    ? `/creator_challenge/challenge/${cid}`
    : `/creator_competition/competition/${cid}`
}

/** Current wire only. */
function current(w: Wire, endpoint: Endpoint): Endpoint | null {
  return w === 'current' ? endpoint : null
}

export const creatorEndpoints = {
  mine: (w: Wire) =>
    current(w, creator('GET', '/creator_challenge/challenges', 'the list of your challenges')),
  editorView: (w: Wire, cid: number) =>
    current(w, creator('GET', root(w, cid), "the challenge's editor view")),
  kinds: (w: Wire) =>
    current(w, creator('GET', '/creator_challenge/available_kinds', 'the list of kinds')),
  schema: (w: Wire) =>
    current(w, open('GET', '/creator_challenge/config_schema.json', 'the config schema')),
  create: (w: Wire) =>
    creator(
      'POST',
      w === 'current' ? '/creator_challenge/challenge' : '/creator_competition/competition',
      'the challenge creation'
    ),
  update: (w: Wire, cid: number) => creator('PUT', root(w, cid), 'the challenge update'),
  tags: (w: Wire, cid: number) => creator('PUT', `${root(w, cid)}/tags`, 'the tag update'),
  readTags: (w: Wire, cid: number) =>
    current(w, creator('GET', `${root(w, cid)}/tags`, "the challenge's tags")),
  catalog: (w: Wire) =>
    open(
      'GET',
      w === 'current' ? '/challenge_tags/tags' : '/competition_tags/tags',
      'the tag catalog'
    ),
  /** Current wire only: SDK 0.2.0 cannot list a folder. */
  files: (w: Wire, cid: number, folder: 'env' | 'benchmark') =>
    current(w, creator('GET', `${root(w, cid)}/${folder}/files`, `the ${folder} file list`)),
  upload: (w: Wire, cid: number, folder: 'env' | 'benchmark') =>
    creator('PUT', `${root(w, cid)}/${folder}/files`, `the ${folder} file upload`),
  /** Current wire only: SDK 0.2.0 deletes no file. */
  deleteFile: (w: Wire, cid: number, folder: 'env' | 'benchmark', name: string) =>
    current(
      w,
      creator(
        'DELETE',
        `${root(w, cid)}/${folder}/files/${encodeURIComponent(name)}`,
        `the ${folder} file deletion`
      )
    ),
  checkEnv: (w: Wire, cid: number) =>
    current(w, creator('POST', `${root(w, cid)}/env/check`, 'the env check')),
  /** Both wires write it; only the current wire reads it back (4.4.0 `challenge_markdown`). */
  markdown: (w: Wire, cid: number, method: 'GET' | 'PUT') =>
    method === 'GET' && w === 'legacy'
      ? null
      : creator(method, `${root(w, cid)}/markdown`, 'the overview'),
  cover: (w: Wire, cid: number) => creator('POST', `${root(w, cid)}/image`, 'the cover upload'),
  runBenchmark: (w: Wire, cid: number) =>
    creator('POST', `${root(w, cid)}/benchmark/run`, 'the benchmark run'),
  benchmarkStatus: (w: Wire, cid: number) =>
    creator('GET', `${root(w, cid)}/benchmark/status`, 'the benchmark status'),
  start: (w: Wire, cid: number) => creator('PUT', `${root(w, cid)}/start`, 'the start'),
  /** Current: SDK 4.4.0 `stop_challenge`; SDK 0.2.0 has no stop. */
  stop: (w: Wire, cid: number) => current(w, creator('PUT', `${root(w, cid)}/stop`, 'the stop')),
  /** Both wires: SDK 4.4.0 and 0.2.0 `update_settings` (each with its own keywords). */
  settings: (w: Wire, cid: number) =>
    creator('PUT', `${root(w, cid)}/settings`, 'the settings update'),
  /** SDK 4.4.0 `config_fields` (public). */
  configFields: (w: Wire) =>
    current(w, open('GET', '/creator_challenge/config_fields', 'the config keys')),
  /** SDK 4.4.0 `export_config`: the resolved config as TOML text. */
  exportConfig: (w: Wire, cid: number) =>
    current(w, creator('GET', `${root(w, cid)}/config.toml`, 'the config export')),
  /** SDK 4.4.0 `challenge_image`: the cover's bytes (404 when there is none). */
  coverImage: (w: Wire, cid: number) =>
    current(w, creator('GET', `${root(w, cid)}/image`, 'the cover image'))
}

// ---- bodies ----

export function createChallengeBody(w: Wire, spec: NewChallenge): Json {
  const body: Json = { name: spec.name, kernel_version: spec.kernelVersion }
  if (spec.description !== undefined) body.description = spec.description
  if (spec.tagIds !== undefined) body.tag_ids = spec.tagIds
  if (spec.isPublic !== undefined) body.is_public = spec.isPublic
  void w // both wires take the same keys (copy_from_* is not used here)
  return body
}

export function updateChallengeBody(update: ChallengeUpdate): Json {
  const body: Json = {}
  if (update.name !== undefined) body.name = update.name
  if (update.description !== undefined) body.description = update.description
  if (update.isPublic !== undefined) body.is_public = update.isPublic
  return body
}

// ---- answers ----

function kernelOf(o: Json): string | null {
  const configuration = isRecord(o.configuration) ? o.configuration : {}
  return optString(o.kernel_version) ?? optString(configuration.kernel_version)
}

export function parseCreatorChallenges(data: unknown, ctx: RequestContext): CreatorChallenge[] {
  const list = isRecord(data) && Array.isArray(data.challenges) ? data.challenges : data
  return asArray(list, ctx, '(challenges)').map(item => {
    const o = asRecord(item, ctx, 'challenges[]')
    return {
      id: reqInt(o, 'id', ctx),
      name: reqString(o, 'name', ctx),
      status: optString(o.status) ?? 'unknown',
      isPublic: optBool(o.is_public),
      kernelVersion: kernelOf(o),
      role: optString(o.role),
      ownerUsername: optString(o.owner_username)
    }
  })
}

function issuesOf(value: unknown): StartIssue[] | null {
  if (!Array.isArray(value)) return null
  return value.map(item => {
    if (typeof item === 'string') return { code: item, message: item }
    const o = isRecord(item) ? item : {}
    const code = optString(o.code) ?? 'unknown'
    return { code, message: optString(o.message) ?? code }
  })
}

function tagsOf(value: unknown): Tag[] | null {
  if (!Array.isArray(value)) return null
  const tags: Tag[] = []
  for (const item of value) {
    if (!isRecord(item)) continue
    const id = optInt(item.id)
    const name = optString(item.name)
    if (id !== null && name !== null) tags.push({ id, name })
  }
  return tags
}

function recordOf<T>(value: unknown, read: (v: unknown) => T | null): Record<string, T> {
  const out: Record<string, T> = {}
  if (!isRecord(value)) return out
  for (const [key, raw] of Object.entries(value)) {
    const parsed = read(raw)
    if (parsed !== null) out[key] = parsed
  }
  return out
}

function configOf(value: unknown): ChallengeConfigView {
  const o = isRecord(value) ? value : {}
  return {
    values: isRecord(o.values) ? { ...o.values } : {},
    origin: recordOf(o.origin, optString),
    fileLines: recordOf(o.file_lines, optInt),
    fileInSync: optBool(o.file_in_sync)
  }
}

export function parseEditorView(
  data: unknown,
  ctx: RequestContext,
  fallbackId: number
): ChallengeEditorView {
  const o = asRecord(data, ctx, '(editor view)')
  const inner = isRecord(o.challenge) ? { ...o.challenge, ...o } : o
  const miniature = pick(inner, 'miniature', 'image', 'cover')
  return {
    id: optInt(inner.id) ?? optInt(inner.challenge_id) ?? fallbackId,
    name: reqString(inner, 'name', ctx),
    description: optString(inner.description),
    status: optString(inner.status) ?? 'unknown',
    isPublic: optBool(inner.is_public),
    kernelVersion: kernelOf(inner),
    tags: tagsOf(inner.tags),
    config: configOf(inner.config),
    startBlockers: issuesOf(inner.start_blockers),
    startRecommendations: issuesOf(inner.start_recommendations),
    runningEditableFields: Array.isArray(inner.running_editable_fields)
      ? inner.running_editable_fields.filter((f): f is string => typeof f === 'string')
      : [],
    hasCover: miniature === undefined ? null : miniature !== null && miniature !== ''
  }
}

export function parseKinds(data: unknown, ctx: RequestContext): ChallengeKind[] {
  const list = isRecord(data) && Array.isArray(data.kinds) ? data.kinds : data
  return asArray(list, ctx, '(kinds)').map(item => {
    const o = asRecord(item, ctx, 'kinds[]')
    return {
      kernelVersion: reqString(o, 'kernel_version', ctx),
      label: optString(o.label),
      hasMachine: optBool(o.has_machine)
    }
  })
}

export function parseSchema(data: unknown, ctx: RequestContext): Record<string, unknown> {
  return asRecord(data, ctx, '(config schema)')
}

export function parseCatalog(data: unknown, ctx: RequestContext): Tag[] {
  const list = isRecord(data) && Array.isArray(data.tags) ? data.tags : data
  return asArray(list, ctx, '(tag catalog)').map(item => {
    const o = asRecord(item, ctx, 'tags[]')
    return { id: reqInt(o, 'id', ctx), name: reqString(o, 'name', ctx) }
  })
}

export function parseTagList(data: unknown, ctx: RequestContext): Tag[] {
  return parseCatalog(data, ctx)
}

export function parseRemoteFiles(data: unknown, ctx: RequestContext): RemoteFile[] {
  return fileEntries(data, ctx)
    .map(([name, f]) => remoteFile(name, f))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function remoteFile(name: string, f: Json): RemoteFile {
  return {
    name,
    size: optInt(f.size),
    isBinary: optBool(f.is_binary),
    // A cut listing is no proof of the content: compared by hash or size instead.
    content: typeof f.content === 'string' && optBool(f.is_truncated) !== true ? f.content : null,
    sha256:
      typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(f.sha256)
        ? f.sha256.toLowerCase()
        : null
  }
}

const SEVERITY_WORDS: Record<string, EnvCheckFinding['severity']> = {
  error: 'error',
  errors: 'error',
  fatal: 'error',
  warning: 'warning',
  warnings: 'warning',
  warn: 'warning',
  info: 'notice',
  notice: 'notice',
  infos: 'notice',
  notices: 'notice',
  hint: 'notice'
}

/**
 * The env check's findings. The contract says only "the validator's findings (200 whatever
 * they say)", so the reading is lenient: lists under `findings`, `issues`, `errors`,
 * `warnings` (their key gives the default severity), each item a string or
 * `{line|lineno, column|col, message|msg, severity|level, code}`.
 */
export function parseEnvCheck(data: unknown, ctx: RequestContext): EnvCheck {
  const o = asRecord(data, ctx, '(env check)')
  const findings: EnvCheckFinding[] = []
  for (const key of ['findings', 'issues', 'errors', 'warnings', 'notices', 'infos']) {
    const list = o[key]
    if (!Array.isArray(list)) continue
    const byKey = SEVERITY_WORDS[key] ?? 'error'
    for (const item of list) findings.push(envFinding(item, byKey))
  }
  const verdict = optBool(pick(o, 'ok', 'valid', 'is_valid', 'passed'))
  return { ok: verdict ?? !findings.some(f => f.severity === 'error'), findings }
}

function envFinding(item: unknown, fallback: EnvCheckFinding['severity']): EnvCheckFinding {
  if (typeof item === 'string') {
    return { severity: fallback, line: null, column: null, message: item, code: null }
  }
  const f = isRecord(item) ? item : {}
  const word = optString(pick(f, 'severity', 'level', 'kind', 'type'))?.toLowerCase()
  const line = optInt(pick(f, 'line', 'lineno', 'line_number'))
  const column = optInt(pick(f, 'column', 'col', 'col_offset'))
  return {
    severity: (word && SEVERITY_WORDS[word]) || fallback,
    line: line !== null && line >= 1 ? line : null,
    column: column !== null && column >= 0 ? column : null,
    message: optString(pick(f, 'message', 'msg', 'error', 'detail')) ?? 'finding without a message',
    code: optString(pick(f, 'code', 'rule', 'id'))
  }
}

const REFUSAL_LINE = /challenge\.toml:(\d+):\s*/g

/**
 * The line-numbered findings of a refused challenge.toml, from the refusal's `error` and
 * `details` (`challenge.toml:3: unknown key 'x'`, several per message possible). A message
 * without a line number is kept whole, with line null.
 */
export function parseConfigRefusal(body: unknown, fallbackText: string): ConfigRefusal[] {
  const o = isRecord(body) ? body : {}
  const texts: string[] = []
  const details = pick(o, 'details', 'errors')
  if (Array.isArray(details)) {
    for (const item of details) {
      if (typeof item === 'string') texts.push(item)
      else if (isRecord(item)) {
        const message = optString(pick(item, 'message', 'error'))
        const line = optInt(item.line)
        if (message !== null)
          texts.push(line !== null ? `challenge.toml:${line}: ${message}` : message)
      }
    }
  }
  if (texts.length === 0) texts.push(optString(o.error) ?? fallbackText)
  const out: ConfigRefusal[] = []
  for (const text of texts) out.push(...splitRefusal(text))
  return out
}

function splitRefusal(text: string): ConfigRefusal[] {
  const marks = [...text.matchAll(REFUSAL_LINE)]
  if (marks.length === 0) return [{ line: null, message: text.trim() }]
  const out: ConfigRefusal[] = []
  marks.forEach((mark, i) => {
    const start = (mark.index ?? 0) + mark[0].length
    const end = marks[i + 1]?.index ?? text.length
    const message = text.slice(start, end).trim().replace(/[;,]$/, '').trim()
    out.push({ line: Number(mark[1]), message })
  })
  return out
}

/** SDK 0.2.0 `benchmark_status`: "Status is one of none | running | completed | failed". */
const LEGACY_RUN_STATES: ReadonlySet<string> = new Set(['running', 'completed', 'failed'])

/**
 * A run: current wire, the RunResult (`job_status`, `simulation_result_id`, the benchmark's
 * `submission_results[].score`); legacy wire (0.2.0 `run_benchmark`), `{simulation_id, status}`.
 */
export function parseBenchmarkRun(w: Wire, data: unknown, ctx: RequestContext): BenchmarkRun {
  const o = asRecord(data, ctx, '(benchmark run)')
  const run = isRecord(o.run) ? o.run : o
  if (w === 'legacy') {
    const status = reqString(run, 'status', ctx)
    return {
      runId: optInt(run.simulation_id),
      jobStatus: status,
      jobErrorType: null,
      envErrorType: null,
      envErrorMessage: null,
      envLogs: null,
      score: null
    }
  }
  let score: number | null = null
  if (Array.isArray(run.submission_results)) {
    for (const row of run.submission_results) {
      if (!isRecord(row)) continue
      score = optNumber(pick(row, 'score', 'submission_reward'))
      if (score !== null) break
    }
  }
  score ??= optNumber(run.score)
  return {
    runId: optInt(run.simulation_result_id),
    jobStatus: reqString(run, 'job_status', ctx),
    jobErrorType: optString(run.job_error_type),
    envErrorType: optString(run.env_error_type),
    envErrorMessage: optString(run.env_error_message),
    envLogs: optString(run.env_stdout_logs),
    score
  }
}

function scalar(value: unknown): number | string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return String(value)
  return null
}

/**
 * Current wire (SDK 4.3.0 and later): `{run: null | run, checks}`. Legacy wire (0.2.0):
 * `{status: none | running | completed | failed}` (with `simulation_id` when it says): no checks,
 * no score.
 */
export function parseBenchmarkStatus(w: Wire, data: unknown, ctx: RequestContext): BenchmarkStatus {
  const o = asRecord(data, ctx, '(benchmark status)')
  if (w === 'legacy') {
    const status = reqString(o, 'status', ctx)
    if (status === 'none') return { run: null, checks: [] }
    if (!LEGACY_RUN_STATES.has(status)) fail(ctx, 'status', 'none, running, completed or failed')
    return { run: parseBenchmarkRun(w, o, ctx), checks: [] }
  }
  const run = isRecord(o.run) ? parseBenchmarkRun(w, o.run, ctx) : null
  const checks: BudgetCheck[] = []
  if (Array.isArray(o.checks)) {
    for (const item of o.checks) {
      if (!isRecord(item)) continue
      const key = optString(item.key)
      if (key === null) continue
      checks.push({
        key,
        label: optString(item.label),
        configured: scalar(item.configured),
        measured: scalar(item.measured),
        ratio: optNumber(item.ratio),
        status: optString(item.status) ?? 'unmeasured',
        message: optString(item.message)
      })
    }
  }
  return { run, checks }
}

export function parseCreatedChallenge(data: unknown, ctx: RequestContext): number {
  const o = asRecord(data, ctx, '(created challenge)')
  const inner = isRecord(o.challenge) ? o.challenge : isRecord(o.competition) ? o.competition : o
  const id =
    optInt(inner.id) ??
    optInt(o.challenge_id) ??
    optInt(o.competition_id) ??
    optInt(inner.challenge_id)
  if (id === null) fail(ctx, 'id', 'an integer')
  return id
}

/** One key of `config_fields` (SDK 4.4.0): what the plan needs of it. */
export interface ConfigFieldInfo {
  key: string
  /** May be written in challenge.toml. */
  inFile: boolean
  /** Still writable once started. */
  runningEditable: boolean
  writer: string | null
}

/** `{fields: [{key, in_file, running_editable, writer, ...}]}` (SDK 4.4.0 `config_fields`). */
export function parseConfigFields(data: unknown, ctx: RequestContext): ConfigFieldInfo[] {
  const list = isRecord(data) && Array.isArray(data.fields) ? data.fields : data
  return asArray(list, ctx, '(config fields)').map(item => {
    const o = asRecord(item, ctx, 'fields[]')
    return {
      key: reqString(o, 'key', ctx),
      inFile: optBool(o.in_file) ?? true,
      runningEditable: optBool(o.running_editable) ?? false,
      writer: optString(o.writer)
    }
  })
}
