/**
 * The plan: what applying the folder would change on ML Arena, what a started challenge would
 * refuse, which start blockers would remain, and every finding. Pure: the folder, the parsed
 * challenge.toml, the env check and the challenge's current state in; the plan out. Apply
 * carries out exactly `plan.steps`, in order.
 */
import { createHash } from 'node:crypto'
import type {
  ChallengeEditorView,
  ChallengeUpdate,
  EnvCheck,
  NewChallenge,
  RemoteFile,
  StartIssue,
  Tag
} from '../arena/creator-model.js'
import type { CreatorFolder } from '../arena/creator.js'
import type { ConfigFieldInfo } from '../arena/creator-wire.js'
import { formatBytes as formatSize, plural } from '../format.js'
import { CONFIG_FILE, ENV_ENTRY, type LocalChallenge, type LocalFile } from './folder.js'
import type { Finding } from './findings.js'
import { metricsChangeAllowedWhileStarted } from './metrics.js'
import { lineOf, toPointer, type ParsedToml } from './toml.js'

/** The challenge as it is on ML Arena (null in PlanInput when it does not exist yet). */
export interface RemoteState {
  view: ChallengeEditorView
  env: RemoteFile[]
  benchmark: RemoteFile[]
  overview: string
  /** null: the server did not say (the tags are then set whenever the input gives them). */
  tags: Tag[] | null
  /** The cover's bytes (SDK 4.4.0 `challenge_image`); null: no cover, or not read. */
  coverBytes?: Buffer | null
}

export interface Identity {
  /** The name the challenge should have (input `name`); null: keep the challenge's own. */
  name: string | null
  kernelVersion: string | null
  description: string | null
  isPublic: boolean | null
  /** Resolved from the catalog; null: leave the tags alone. */
  tags: Tag[] | null
}

export interface PlanInput {
  identity: Identity
  local: LocalChallenge
  /** null: the folder has no env/challenge.toml. */
  toml: ParsedToml | null
  /** Findings found before planning (TOML syntax, schema). */
  findings: Finding[]
  /** null: not run (the challenge does not exist yet). */
  envCheck: EnvCheck | null
  remote: RemoteState | null
  /** SDK 4.4.0 `config_fields`; null: not known (the legacy wire, or not served). */
  fields?: ConfigFieldInfo[] | null
  /** Input `settings`: config keys the file does not hold, for `update_settings`. */
  settings?: Record<string, unknown> | null
  /** Input `restart`: a started challenge that refuses a change is stopped, applied, started. */
  restart?: boolean
}

export type StepKind =
  | 'create'
  | 'metadata'
  | 'settings'
  | 'tags'
  | 'upload'
  | 'delete'
  | 'overview'
  | 'cover'
  | 'benchmark'

/** One write apply makes, with what the plan shows for it. */
export type Step =
  | { kind: 'create'; spec: NewChallenge }
  | { kind: 'metadata'; update: ChallengeUpdate }
  /** `PUT .../settings` with the wire's own keywords. */
  | { kind: 'settings'; settings: Record<string, unknown> }
  | { kind: 'tags'; tags: Tag[] }
  | { kind: 'upload'; folder: CreatorFolder; file: LocalFile; change: 'add' | 'update' }
  | { kind: 'delete'; folder: CreatorFolder; name: string }
  | { kind: 'overview'; content: string }
  | { kind: 'cover'; file: LocalFile }

/** A line of the plan: one step, or one config key a challenge.toml upload changes. */
export interface Change {
  /** What the change is about: `env/env.py`, `description`, `config simulation_timeout_sec`. */
  subject: string
  /** `send`: written because the wire cannot show what is there to compare (legacy). */
  action: 'create' | 'add' | 'update' | 'remove' | 'set' | 'send'
  /** Short text: `12 → 30`, `3 lines changed`, `+2 −1 tags`. */
  detail: string
  /** A started challenge refuses this change (it needs stop → apply → start). */
  refusedWhileStarted: boolean
  /** Where it is in the folder, for an annotation (config keys: their line). */
  file: string | null
  line: number | null
}

export interface Plan {
  /** null: a new challenge is created. */
  challengeId: number | null
  name: string
  /** draft | started | stopped, or `new`. */
  status: string
  steps: Step[]
  /** The writes, as the report lists them (one per step). */
  changes: Change[]
  /** Config keys that the challenge.toml upload changes (shown, applied by that upload). */
  configChanges: Change[]
  findings: Finding[]
  /** The env or the benchmark agent changes: the benchmark runs again after apply. */
  runsBenchmark: boolean
  /** The challenge's start blockers now; null while started or when it does not exist yet. */
  blockersNow: StartIssue[] | null
  /** The blockers this plan would leave; `resolvedIfScored` go away once the benchmark scores. */
  blockersAfter: StartIssue[] | null
  resolvedIfScored: StartIssue[]
  /** Changes a started challenge refuses (apply then writes nothing, unless `restart`). */
  refused: Change[]
  /** Apply stops the started challenge, applies, and starts it again (input `restart`). */
  restart: boolean
  notes: string[]
}

/**
 * The metadata `running_editable_fields` speaks of (SDK 4.4.0: among description, is_public and
 * config keys; `name` is locked once started). Tags, the overview and the cover are not in its
 * vocabulary: they rescore nothing, so the plan does not predict a refusal for them (a server
 * that refuses one anyway stops the apply with its own message).
 */
const GOVERNED_FIELDS: ReadonlySet<string> = new Set(['name', 'description', 'is_public'])

export function buildPlan(input: PlanInput): Plan {
  const { identity, local, remote } = input
  const findings = [...input.findings]
  const notes: string[] = []
  const steps: Step[] = []
  const changes: Change[] = []
  const started = remote?.view.status === 'started'
  const fields = input.fields ?? null
  // What stays editable once started: the view's list, and config_fields' running_editable.
  const editable = new Set([
    ...(remote?.view.runningEditableFields ?? []),
    ...(fields ?? []).filter(f => f.runningEditable).map(f => f.key)
  ])
  const refusedField = (field: string): boolean =>
    started && GOVERNED_FIELDS.has(field) && !editable.has(field)

  const name = identity.name ?? remote?.view.name ?? ''
  if (!remote) {
    if (identity.kernelVersion === null) {
      findings.push({
        severity: 'error',
        file: null,
        line: null,
        message:
          "Input 'kernel-version' is required to create the challenge: give its kind, e.g. flex_v1.",
        source: 'plan'
      })
    }
    const spec: NewChallenge = { name, kernelVersion: identity.kernelVersion ?? '' }
    if (identity.description !== null) spec.description = identity.description
    if (identity.isPublic !== null) spec.isPublic = identity.isPublic
    if (identity.tags !== null) spec.tagIds = identity.tags.map(tag => tag.id)
    steps.push({ kind: 'create', spec })
    changes.push(
      change(
        'challenge',
        'create',
        `${spec.kernelVersion || '?'}, ${spec.isPublic ? 'public' : 'private'}`
      )
    )
  } else {
    const view = remote.view
    if (
      identity.kernelVersion !== null &&
      view.kernelVersion !== null &&
      identity.kernelVersion !== view.kernelVersion
    ) {
      findings.push({
        severity: 'error',
        file: null,
        line: null,
        message: `Input 'kernel-version': the challenge's kind is ${view.kernelVersion}, and a kind cannot change; remove the input, or give ${view.kernelVersion}.`,
        source: 'plan'
      })
    }
    const update: ChallengeUpdate = {}
    if (identity.name !== null && identity.name !== view.name) {
      update.name = identity.name
      changes.push(
        change('name', 'set', `${quote(view.name)} → ${quote(identity.name)}`, refusedField('name'))
      )
    }
    if (identity.description !== null && identity.description !== (view.description ?? '')) {
      update.description = identity.description
      changes.push(change('description', 'set', 'new text', refusedField('description')))
    }
    if (identity.isPublic !== null && identity.isPublic !== view.isPublic) {
      update.isPublic = identity.isPublic
      changes.push(
        change(
          'visibility',
          'set',
          identity.isPublic ? 'private → public' : 'public → private',
          refusedField('is_public')
        )
      )
    }
    if (Object.keys(update).length > 0) steps.push({ kind: 'metadata', update })
  }

  // Tags (a new challenge gets them with the create call).
  if (remote && identity.tags !== null) {
    const want = new Set(identity.tags.map(tag => tag.id))
    const have = remote.tags === null ? null : new Set(remote.tags.map(tag => tag.id))
    if (have === null || want.size !== have.size || [...want].some(id => !have.has(id))) {
      const added = have === null ? want.size : [...want].filter(id => !have.has(id)).length
      const removed = have === null ? 0 : [...have].filter(id => !want.has(id)).length
      steps.push({ kind: 'tags', tags: identity.tags })
      changes.push(
        change(
          'tags',
          'set',
          have === null
            ? identity.tags.map(tag => tag.name).join(', ') || 'none'
            : `+${added} −${removed}: ${identity.tags.map(tag => tag.name).join(', ') || 'none'}`,
          refusedField('tags')
        )
      )
    }
  }

  // Files: env/ and benchmark/.
  const envDiff = diffFolder('env', local.env, remote?.env ?? [], started, notes)
  const benchDiff = diffFolder(
    'benchmark',
    local.benchmark,
    remote?.benchmark ?? [],
    started,
    notes
  )
  for (const diff of [envDiff, benchDiff]) {
    steps.push(...diff.steps)
    changes.push(...diff.changes)
  }

  // Config keys: the local challenge.toml against the editor view's config.values.
  const tomlFile = local.env.find(file => file.name === CONFIG_FILE) ?? null
  const configChanges =
    input.toml && tomlFile ? diffConfig(input.toml, tomlFile.shown, remote, started, editable) : []
  // A started challenge takes a challenge.toml that changes only keys it still accepts.
  const tomlChange = changes.find(c => c.subject === `env/${CONFIG_FILE}` && c.action !== 'remove')
  if (tomlChange && started)
    tomlChange.refusedWhileStarted = configChanges.some(c => c.refusedWhileStarted)
  if (!tomlFile && remote) {
    const owned = Object.entries(remote.view.config.origin).filter(([, o]) => o === 'file')
    if (owned.length > 0 && remote.env.some(file => file.name === CONFIG_FILE)) {
      notes.push(
        `The folder has no env/${CONFIG_FILE}: removing it releases ${owned.length} key(s) the file owned to the console (their values stay).`
      )
    }
  }

  // Overview and cover.
  if (local.overview) {
    const text = local.overview.text ?? ''
    if (!remote || text !== remote.overview) {
      steps.push({ kind: 'overview', content: text })
      changes.push(
        change(
          'overview.md',
          remote && remote.overview !== '' ? 'update' : 'add',
          remote ? lineDelta(remote.overview, text) : plural(countLines(text), 'line'),
          refusedField('overview'),
          local.overview.shown
        )
      )
    }
  } else if (remote && remote.overview !== '') {
    notes.push('The folder has no overview.md: the overview on ML Arena is kept as it is.')
  }
  if (local.cover) {
    const there = remote?.coverBytes ?? null
    if (remote && remote.view.hasCover === true && there !== null) {
      // SDK 4.4.0 `challenge_image` serves the bytes: replace the cover only when they differ.
      if (sha256(there) !== sha256(local.cover.bytes)) {
        steps.push({ kind: 'cover', file: local.cover })
        changes.push(
          change(
            local.cover.name,
            'update',
            `${formatSize(there.length)} → ${formatSize(local.cover.size)}, another image`,
            refusedField('cover'),
            local.cover.shown
          )
        )
      }
    } else if (!remote || remote.view.hasCover !== true) {
      steps.push({ kind: 'cover', file: local.cover })
      changes.push(
        change(
          local.cover.name,
          'add',
          formatSize(local.cover.size),
          refusedField('cover'),
          local.cover.shown
        )
      )
    } else {
      notes.push(
        `ML Arena already has a cover image; its bytes cannot be read back to compare with ${local.cover.name}, so it is kept (remove it on ML Arena to upload this one).`
      )
    }
  }

  // config_fields: keys a file may not hold, and what a started challenge still takes.
  if (fields && input.toml && tomlFile) {
    const byKey = new Map(fields.map(f => [f.key, f]))
    for (const key of Object.keys(input.toml.values)) {
      const field = byKey.get(key)
      const line = lineOf(input.toml, toPointer([key]))
      // The schema's own "unknown key" on that line says it already.
      const said = findings.some(f => f.file === tomlFile.shown && f.line === line)
      if (field && !field.inFile && !said)
        findings.push({
          severity: 'error',
          file: tomlFile.shown,
          line,
          message: `'${key}' may not be written in challenge.toml (ML Arena's config_fields: in_file is false)${field.writer === 'admin' ? '; it is an admin-only key' : '; set it with the settings input or in the console'}`,
          source: 'plan'
        })
    }
  }
  if (started && fields)
    notes.push(
      `Once started, ML Arena still takes changes to: ${[...editable].sort().join(', ') || 'nothing'} (config_fields, running_editable); the metrics only in label, unit, precision, format and visible.`
    )
  const settingsChanges = diffSettings(input, fields, started, editable, findings)
  if (settingsChanges.changed !== null)
    steps.push({ kind: 'settings', settings: settingsChanges.changed })
  changes.push(...settingsChanges.changes)

  // Env check findings on env.py.
  const envPy = local.env.find(file => file.name === ENV_ENTRY)
  if (input.envCheck && envPy) {
    findings.push(...envFindings(input.envCheck, envPy.shown))
  } else if (!remote) {
    notes.push(
      'The env check runs once the challenge exists (the check route needs its id): apply runs it right after creating it, before any file.'
    )
  }

  const refused = [...changes, ...configChanges].filter(c => c.refusedWhileStarted)
  const restart = started && refused.length > 0 && input.restart === true
  if (restart) {
    notes.push(
      `restart is true: apply stops the challenge, applies the ${plural(refused.length, 'change')} a started challenge refuses, and starts it again (no new submissions meanwhile).`
    )
  } else {
    for (const c of refused) {
      findings.push({
        severity: 'error',
        file: c.file,
        line: c.line,
        message: `The challenge is started: ML Arena refuses this change (${c.subject}) until it is stopped; set restart: true to let apply stop → apply → start.`,
        source: 'plan'
      })
    }
  }

  const runsBenchmark =
    [...envDiff.steps, ...benchDiff.steps].length > 0 &&
    local.benchmark.length + (remote?.benchmark.length ?? 0) > 0
  const blockers = predictBlockers(remote, steps, input.envCheck, runsBenchmark)

  return {
    challengeId: remote?.view.id ?? null,
    name,
    status: remote?.view.status ?? 'new',
    steps,
    changes,
    configChanges,
    findings,
    runsBenchmark,
    blockersNow: remote?.view.startBlockers ?? null,
    blockersAfter: blockers.after,
    resolvedIfScored: blockers.ifScored,
    refused,
    restart,
    notes
  }
}

/**
 * Input `settings` (SDK 4.4.0 `update_settings`, for keys the file does not hold): each key
 * against challenge.toml (a key the file holds is the file's), config_fields (known, not
 * admin-only) and the stored value; the keys that differ are written in one call.
 */
function diffSettings(
  input: PlanInput,
  fields: ConfigFieldInfo[] | null,
  started: boolean,
  editable: ReadonlySet<string>,
  findings: Finding[]
): { changed: Record<string, unknown> | null; changes: Change[] } {
  const wanted = input.settings ?? null
  if (wanted === null) return { changed: null, changes: [] }
  const byKey = fields ? new Map(fields.map(f => [f.key, f])) : null
  const stored = input.remote?.view.config.values ?? {}
  const changed: Record<string, unknown> = {}
  const changes: Change[] = []
  const refuse = (message: string): void => {
    findings.push({ severity: 'error', file: null, line: null, message, source: 'plan' })
  }
  for (const [key, value] of Object.entries(wanted)) {
    if (input.toml && key in input.toml.values) {
      refuse(
        `Input 'settings': '${key}' is in challenge.toml, which owns it; change it there (or remove it from the file).`
      )
      continue
    }
    const field = byKey?.get(key)
    if (byKey && !field) {
      refuse(
        `Input 'settings': '${key}' is not a config key ML Arena lists (config_fields): use one of ${[...byKey.keys()].slice(0, 12).join(', ')}, …`
      )
      continue
    }
    if (field?.writer === 'admin') {
      refuse(`Input 'settings': '${key}' is an admin-only key (config_fields).`)
      continue
    }
    const before = stored[key]
    if (input.remote && sameValue(before, value)) continue
    changed[key] = value
    const frozen =
      !editable.has(key) || (key === 'metrics' && !metricsChangeAllowedWhileStarted(before, value))
    changes.push(
      change(
        `setting ${key}`,
        before === undefined ? 'add' : 'set',
        `${show(before)} → ${show(value)}`,
        started && frozen
      )
    )
  }
  return { changed: Object.keys(changed).length > 0 ? changed : null, changes }
}

/** The env check's findings on env.py's lines. */
export function envFindings(check: EnvCheck, file: string): Finding[] {
  return check.findings.map(finding => ({
    severity: finding.severity,
    file,
    line: finding.line,
    message: finding.code ? `${finding.message} (${finding.code})` : finding.message,
    source: 'env-check'
  }))
}

function change(
  subject: string,
  action: Change['action'],
  detail: string,
  refusedWhileStarted = false,
  file: string | null = null,
  line: number | null = null
): Change {
  return { subject, action, detail, refusedWhileStarted, file, line }
}

interface FolderDiff {
  steps: Step[]
  changes: Change[]
}

/**
 * Uploads for what is new or different, deletions for what the server lists and the folder
 * lacks. A file compares by the SHA-256 the server lists, when it lists one; else by content
 * (text); else by size (equal: kept, with a note; the server gives nothing more to compare).
 */
export function diffFolder(
  folder: CreatorFolder,
  local: readonly LocalFile[],
  remote: readonly RemoteFile[],
  started: boolean,
  notes: string[]
): FolderDiff {
  const steps: Step[] = []
  const changes: Change[] = []
  const byName = new Map(remote.map(file => [file.name, file]))
  for (const file of local) {
    const there = byName.get(file.name)
    let detail: string | null
    if (!there)
      detail = file.text !== null ? plural(countLines(file.text), 'line') : formatSize(file.size)
    else if (there.sha256 !== null)
      detail =
        there.sha256 === sha256(file.bytes)
          ? null
          : file.text !== null && there.content !== null
            ? lineDelta(there.content, file.text)
            : `${formatSize(there.size ?? 0)} → ${formatSize(file.size)}, new content`
    else if (file.text !== null && there.content !== null)
      detail = file.text === there.content ? null : lineDelta(there.content, file.text)
    else if (there.size !== null && there.size === file.size) {
      detail = null
      notes.push(
        `${folder}/${file.name}: ML Arena lists it without its content; same size (${formatSize(file.size)}), so it is taken as unchanged.`
      )
    } else detail = `${formatSize(there.size ?? 0)} → ${formatSize(file.size)}`
    if (detail === null) continue
    const action = there ? 'update' : 'add'
    steps.push({ kind: 'upload', folder, file, change: action })
    changes.push(change(`${folder}/${file.name}`, action, detail, started, file.shown))
  }
  const names = new Set(local.map(file => file.name))
  for (const file of remote) {
    if (names.has(file.name)) continue
    steps.push({ kind: 'delete', folder, name: file.name })
    changes.push(change(`${folder}/${file.name}`, 'remove', 'not in the folder', started))
  }
  return { steps, changes }
}

/** Config keys whose local value differs from the stored one, each on its line in the file. */
export function diffConfig(
  toml: ParsedToml,
  file: string,
  remote: RemoteState | null,
  started: boolean,
  editable: ReadonlySet<string>
): Change[] {
  const stored = remote?.view.config.values ?? {}
  const origin = remote?.view.config.origin ?? {}
  const out: Change[] = []
  for (const [key, value] of Object.entries(toml.values)) {
    const before = stored[key]
    if (remote && sameValue(before, value) && origin[key] === 'file') continue
    if (remote && sameValue(before, value)) {
      out.push(
        change(`config ${key}`, 'set', 'same value, now owned by the file', false, file, line(key))
      )
      continue
    }
    const frozen =
      !editable.has(key) || (key === 'metrics' && !metricsChangeAllowedWhileStarted(before, value))
    out.push(
      change(
        `config ${key}`,
        before === undefined ? 'add' : 'set',
        `${show(before)} → ${show(value)}`,
        started && frozen,
        file,
        line(key)
      )
    )
  }
  for (const [key, who] of Object.entries(origin)) {
    if (who !== 'file' || key in toml.values) continue
    out.push(
      change(`config ${key}`, 'remove', 'no longer in the file (the console owns it)', false, file)
    )
  }
  return out

  function line(key: string): number {
    return lineOf(toml, toPointer([key]))
  }
}

/** The blockers left after the plan: those its writes resolve are dropped. */
function predictBlockers(
  remote: RemoteState | null,
  steps: readonly Step[],
  envCheck: EnvCheck | null,
  runsBenchmark: boolean
): { after: StartIssue[] | null; ifScored: StartIssue[] } {
  const now = remote?.view.startBlockers
  if (!now) return { after: null, ifScored: [] }
  const uploads = steps.filter(s => s.kind === 'upload')
  const uploaded = (folder: CreatorFolder, name?: string): boolean =>
    uploads.some(s => s.folder === folder && (name === undefined || s.file.name === name))
  const envClean = envCheck !== null && !envCheck.findings.some(f => f.severity === 'error')
  const after: StartIssue[] = []
  const ifScored: StartIssue[] = []
  for (const blocker of now) {
    switch (blocker.code) {
      case 'env_missing':
        if (uploaded('env', ENV_ENTRY)) continue
        break
      case 'config_not_applied':
        if (uploaded('env', CONFIG_FILE)) continue
        break
      case 'benchmark_missing':
        if (uploaded('benchmark')) continue
        break
      case 'env_invalid':
        if (uploaded('env', ENV_ENTRY) && envClean) continue
        break
      case 'benchmark_unscored':
        if (runsBenchmark) {
          ifScored.push(blocker)
          continue
        }
        break
    }
    after.push(blocker)
  }
  return { after, ifScored }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))
        )
      : v
  )
}

function show(value: unknown): string {
  if (value === undefined) return 'unset'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function quote(text: string): string {
  return JSON.stringify(text)
}

export function countLines(text: string): number {
  if (text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** `+3 −1 lines` by a line multiset comparison (enough for a plan; not a minimal diff). */
export function lineDelta(before: string, after: string): string {
  const count = new Map<string, number>()
  for (const line of before.split('\n')) count.set(line, (count.get(line) ?? 0) + 1)
  let added = 0
  for (const line of after.split('\n')) {
    const n = count.get(line) ?? 0
    if (n > 0) count.set(line, n - 1)
    else added++
  }
  const removed = [...count.values()].reduce((a, b) => a + b, 0)
  return added === 0 && removed === 0 ? 'whitespace at the end' : `+${added} −${removed} lines`
}
