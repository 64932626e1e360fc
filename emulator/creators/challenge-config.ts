/**
 * A challenge's config state: applying a `challenge.toml` (parsed with smol-toml, validated with
 * ajv against the schema of config-fields.ts, then the rules a schema cannot say), console
 * settings, and the TOML export. Pure: the creator store keeps the state. The SDK 4.4.0
 * docstrings are the source; where they are silent the choice is documented in
 * emulator/README.md ("Creator routes").
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { parse, stringify, TomlError } from 'smol-toml'
import {
  CONFIG_FIELDS,
  FIELD_BY_KEY,
  METRIC_PRESENTATION_FIELDS,
  PLATFORM_METRIC_KEYS,
  RESERVED_METRIC_KEYS,
  SCHEMA_ID,
  configSchema,
  type ConfigField
} from './config-fields.ts'

export type ConfigOrigin = 'file' | 'console' | 'default'

export interface ConfigState {
  values: Record<string, unknown>
  origin: Record<string, ConfigOrigin>
  /** Line of each key the applied file holds. */
  fileLines: Record<string, number>
  fileAppliedAt: number | null
  /** sha256 of the challenge.toml text that was applied (file_in_sync compares with the folder). */
  fileSha256: string | null
}

export function defaultConfig(): ConfigState {
  const values: Record<string, unknown> = {}
  const origin: Record<string, ConfigOrigin> = {}
  for (const field of CONFIG_FIELDS) {
    values[field.key] = field.default === undefined ? null : structuredClone(field.default)
    origin[field.key] = 'default'
  }
  return { values, origin, fileLines: {}, fileAppliedAt: null, fileSha256: null }
}

export function copyConfig(config: ConfigState): ConfigState {
  return structuredClone(config)
}

// allowUnionTypes: a MetricSpec's `unit` is a string or null (README "Metrics").
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true })
const validateFile: ValidateFunction = ajv.compile(configSchema())
const fieldValidators = new Map<string, ValidateFunction>()

function fieldValidator(field: ConfigField): ValidateFunction {
  let validate = fieldValidators.get(field.key)
  if (!validate) {
    validate = ajv.compile(field.schema)
    fieldValidators.set(field.key, validate)
  }
  return validate
}

/**
 * The line of each key path (JSON pointer: `/max_upload_files`, `/metrics/0/agg`) in a TOML text.
 * Hand-written because smol-toml (like every maintained JS TOML parser we found) gives no source
 * positions; it only needs to find `key =` lines and `[table]` / `[[array]]` headers.
 */
export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>()
  const counts = new Map<string, number>()
  let context = ''
  let inMultiline: string | null = null
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (inMultiline) {
      if (trimmed.includes(inMultiline)) inMultiline = null
      return
    }
    if (!trimmed || trimmed.startsWith('#')) return
    const arrayHeader = /^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]/.exec(trimmed)
    if (arrayHeader?.[1]) {
      const name = arrayHeader[1]
      const n = counts.get(name) ?? 0
      counts.set(name, n + 1)
      context = `/${name.split('.').join('/')}/${n}`
      if (!lines.has(`/${name}`)) lines.set(`/${name}`, line)
      lines.set(context, line)
      return
    }
    const tableHeader = /^\[\s*([A-Za-z0-9_.-]+)\s*\]/.exec(trimmed)
    if (tableHeader?.[1]) {
      context = `/${tableHeader[1].split('.').join('/')}`
      lines.set(context, line)
      return
    }
    const assignment = /^("?)([A-Za-z0-9_.-]+)\1\s*=\s*(.*)$/.exec(trimmed)
    if (assignment?.[2]) {
      lines.set(`${context}/${assignment[2].split('.').join('/')}`, line)
      const rest = assignment[3] ?? ''
      for (const quote of ['"""', "'''"])
        if (rest.startsWith(quote) && !rest.slice(3).includes(quote)) inMultiline = quote
    }
  })
  return lines
}

function lineOf(lines: Map<string, number>, path: string): number {
  let current = path
  while (current) {
    const found = lines.get(current)
    if (found !== undefined) return found
    current = current.slice(0, current.lastIndexOf('/'))
  }
  return 1
}

function pointerLabel(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

function describeError(error: ErrorObject): { path: string; message: string } {
  const at = error.instancePath
  const name = pointerLabel(at)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty)
      const key = at ? `${name}.${extra}` : extra
      return { path: `${at}/${extra}`, message: `unknown key '${key}'` }
    }
    case 'required':
      return { path: at, message: `${name} is missing '${String(params.missingProperty)}'` }
    case 'enum':
      return {
        path: at,
        message: `'${name}' must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`
      }
    case 'type':
      return { path: at, message: `'${name}' must be ${String(params.type)}` }
    case 'not':
      // The only `not` of the schema: a MetricSpec key that the rows already carry.
      return {
        path: at,
        message: `'${name}' may not be ${RESERVED_METRIC_KEYS.map(k => `"${k}"`).join(', ')} (the rows already carry them)`
      }
    default:
      return { path: at, message: `'${name}' ${error.message ?? 'is invalid'}` }
  }
}

/**
 * The MetricSpec rules a JSON Schema cannot say (SDK 4.4.0 README "Metrics", `update_settings`
 * docstring): exactly one ranking spec, with an order; unique keys; at most one spec with
 * `source = "score"`; a platform spec names a platform key; currency needs a unit; `rating`
 * needs a board of at least 2 agents (every emulated kind seats 1).
 */
export function metricRuleErrors(metrics: unknown): { path: string; message: string }[] {
  if (!Array.isArray(metrics)) return []
  const errors: { path: string; message: string }[] = []
  const specs = metrics.map((m, i) => ({ m: (m ?? {}) as Record<string, unknown>, i }))
  const ranking = specs.filter(({ m }) => m.is_ranking === true)
  if (ranking.length !== 1)
    errors.push({
      path: '/metrics',
      message: `exactly one metric must have is_ranking = true (found ${ranking.length})`
    })
  for (const { m, i } of ranking)
    if (m.order === undefined || m.order === null)
      errors.push({
        path: `/metrics/${i}`,
        message: 'the ranking metric needs an order ("desc" or "asc")'
      })
  const scored = specs.filter(({ m }) => m.source === 'score')
  for (const { i } of scored.slice(1))
    errors.push({
      path: `/metrics/${i}/source`,
      message: 'at most one metric may have source = "score" (the env\'s main score)'
    })
  const seen = new Set<string>()
  for (const { m: metric, i } of specs) {
    if (typeof metric.key === 'string') {
      if (seen.has(metric.key))
        errors.push({ path: `/metrics/${i}/key`, message: `duplicate metric key '${metric.key}'` })
      seen.add(metric.key)
      if (metric.source === 'platform' && !PLATFORM_METRIC_KEYS.includes(metric.key))
        errors.push({
          path: `/metrics/${i}/key`,
          message: `a platform metric is one of ${PLATFORM_METRIC_KEYS.join(', ')} (not '${metric.key}')`
        })
    }
    if (metric.format === 'currency' && (typeof metric.unit !== 'string' || metric.unit === ''))
      errors.push({
        path: `/metrics/${i}/unit`,
        message: 'a currency metric needs a unit (at most 8 characters, e.g. "EUR")'
      })
    if (metric.agg === 'rating')
      errors.push({
        path: `/metrics/${i}/agg`,
        message: "agg 'rating' needs at least 2 agents per match (number_of_agents is 1)"
      })
  }
  return errors
}

function withoutPresentation(metrics: unknown): unknown {
  if (!Array.isArray(metrics)) return metrics
  return metrics.map(m => {
    const copy = { ...(m as Record<string, unknown>) }
    for (const key of METRIC_PRESENTATION_FIELDS) delete copy[key]
    return copy
  })
}

/** Whether changing `key` from `before` to `after` is allowed on a started challenge. */
export function changeAllowedWhileStarted(key: string, before: unknown, after: unknown): boolean {
  if (sameValue(before, after)) return true
  const field = FIELD_BY_KEY.get(key)
  if (!field?.runningEditable) return false
  if (key === 'metrics') return sameValue(withoutPresentation(before), withoutPresentation(after))
  return true
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

export type ApplyResult = { ok: true; config: ConfigState } | { ok: false; errors: string[] }

/**
 * Applies a challenge.toml text to a config: every refusal names the file and the key's line
 * (`challenge.toml:3: unknown key 'x'`), and a refused file changes nothing.
 */
export function applyConfigFile(
  text: string,
  sha256: string,
  current: ConfigState,
  rules: { started: boolean; capabilities: Record<string, boolean>; now: number }
): ApplyResult {
  const { started, capabilities, now } = rules
  let parsed: Record<string, unknown>
  try {
    parsed = parse(text) as Record<string, unknown>
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '')
      return { ok: false, errors: [`challenge.toml:${error.line}: ${reason ?? 'invalid TOML'}`] }
    }
    throw error
  }
  // smol-toml returns dates as TomlDate objects: compare plain JSON from here on.
  const doc = JSON.parse(JSON.stringify(parsed)) as Record<string, unknown>
  const lines = keyLines(text)
  const problems: { path: string; message: string }[] = []
  if (!validateFile(doc))
    for (const error of validateFile.errors ?? []) problems.push(describeError(error))
  if (problems.length === 0) {
    for (const key of Object.keys(doc)) {
      const missing = missingCapability(key, capabilities)
      if (missing) problems.push({ path: `/${key}`, message: missing })
    }
    problems.push(...metricRuleErrors(doc.metrics))
  }
  if (problems.length === 0 && started) {
    for (const field of CONFIG_FIELDS) {
      if (!field.inFile) continue
      const next = field.key in doc ? doc[field.key] : fallbackValue(field, current)
      if (!changeAllowedWhileStarted(field.key, current.values[field.key], next))
        problems.push({
          path: `/${field.key}`,
          message: `'${field.key}' cannot change while the challenge is started (stop it first)`
        })
    }
  }
  if (problems.length > 0) {
    const errors = problems
      .map(p => ({ line: lineOf(lines, p.path), message: p.message }))
      .sort((a, b) => a.line - b.line)
      .map(p => `challenge.toml:${p.line}: ${p.message}`)
    return { ok: false, errors: [...new Set(errors)] }
  }
  const config = copyConfig(current)
  config.fileLines = {}
  for (const field of CONFIG_FIELDS) {
    if (!field.inFile) continue
    if (field.key in doc) {
      config.values[field.key] = doc[field.key]
      config.origin[field.key] = 'file'
      config.fileLines[field.key] = lineOf(lines, `/${field.key}`)
    } else if (current.origin[field.key] === 'file') {
      // A key the previous file held and this one drops goes back to its default.
      config.values[field.key] = fallbackValue(field, current)
      config.origin[field.key] = 'default'
    }
  }
  config.fileAppliedAt = now
  config.fileSha256 = sha256
  return { ok: true, config }
}

function fallbackValue(field: ConfigField, current: ConfigState): unknown {
  if (current.origin[field.key] !== 'file') return current.values[field.key]
  return field.default === undefined ? null : structuredClone(field.default)
}

/** Deleting challenge.toml releases its keys: they keep their values, now owned by the console. */
export function releaseFile(current: ConfigState): ConfigState {
  const config = copyConfig(current)
  for (const key of Object.keys(config.origin))
    if (config.origin[key] === 'file') config.origin[key] = 'console'
  config.fileLines = {}
  config.fileAppliedAt = null
  config.fileSha256 = null
  return config
}

/** Why the kind refuses a key (its capability is off), or null. */
function missingCapability(key: string, capabilities: Record<string, boolean>): string | null {
  const capability = FIELD_BY_KEY.get(key)?.capability
  if (!capability || capabilities[capability] !== false) return null
  return `'${key}' is not a setting of this kind (it needs the '${capability}' capability)`
}

export type SettingsResult =
  { ok: true; config: ConfigState } | { ok: false; status: number; errors: string[] }

/** PUT .../settings: console writes, refused for file-owned, admin, unknown and frozen keys. */
export function applySettings(
  body: unknown,
  current: ConfigState,
  rules: { started: boolean; capabilities: Record<string, boolean> }
): SettingsResult {
  const { started, capabilities } = rules
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, status: 400, errors: ['Send a JSON object of config keys'] }
  const entries = Object.entries(body as Record<string, unknown>)
  if (entries.length === 0)
    return { ok: false, status: 400, errors: ['Send at least one config key'] }
  const errors: string[] = []
  let status = 400
  for (const [key, value] of entries) {
    const field = FIELD_BY_KEY.get(key)
    if (!field) {
      errors.push(`unknown key '${key}' (see GET /api/creator_challenge/config_fields)`)
      continue
    }
    if (field.writer === 'admin') {
      errors.push(`${key} is an admin-only key`)
      status = 403
      continue
    }
    const missing = missingCapability(key, capabilities)
    if (missing) {
      errors.push(missing)
      continue
    }
    if (current.origin[key] === 'file') {
      errors.push(
        `${key} is set in challenge.toml (line ${current.fileLines[key] ?? '?'}); edit the file`
      )
      continue
    }
    const nullable = field.default === undefined
    if (!(nullable && value === null)) {
      const validate = fieldValidator(field)
      if (!validate(value)) {
        const first = validate.errors?.[0]
        errors.push(`${key}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`)
        continue
      }
    }
    if (key === 'metrics') {
      const metricErrors = metricRuleErrors(value)
      if (metricErrors.length > 0) {
        errors.push(...metricErrors.map(r => `metrics: ${r.message}`))
        continue
      }
    }
    if (started && !changeAllowedWhileStarted(key, current.values[key], value))
      errors.push(`${key} cannot change while the challenge is started (stop it first)`)
  }
  if (errors.length > 0) return { ok: false, status, errors }
  const config = copyConfig(current)
  for (const [key, value] of entries) {
    config.values[key] = value
    config.origin[key] = 'console'
  }
  return { ok: true, config }
}

/** GET .../config.toml: set keys as values, defaults commented out with their help. */
export function exportToml(config: ConfigState): string {
  const out: string[] = [
    `#:schema ${SCHEMA_ID}`,
    '# challenge.toml exported by ML Arena: uncomment a key to let the file own it.',
    ''
  ]
  const tables: string[] = []
  for (const field of CONFIG_FIELDS) {
    if (!field.inFile) continue
    const value = config.values[field.key]
    const isSet = config.origin[field.key] !== 'default'
    if (value === null || value === undefined) {
      out.push(`# ${field.help}`, `# ${field.key} =`, '')
      continue
    }
    const text = stringify({ [field.key]: value }).trim()
    const block = isSet
      ? [`# ${field.help}`, text]
      : [`# ${field.help}`, ...text.split('\n').map(l => (l ? `# ${l}` : l))]
    if (Array.isArray(value) && typeof value[0] === 'object') tables.push(...block, '')
    else out.push(...block, '')
  }
  return `${[...out, ...tables].join('\n').trimEnd()}\n`
}
