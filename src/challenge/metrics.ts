/**
 * The MetricSpec rules of SDK 4.4.0's README ("Metrics") and `update_settings` docstring, checked
 * by the plan itself on challenge.toml's `[[metrics]]`, so a broken declaration is an annotation
 * on its line before ML Arena refuses it (and on the legacy wire, which has no schema to fetch).
 * Pure.
 *
 * In challenge.toml a null `order` or `unit` is a key left out (TOML has no null).
 */
import type { Finding } from './findings.js'
import { lineOf, toPointer, type ParsedToml } from './toml.js'

export const METRIC_KEY = /^[a-z][a-z0-9_]{0,31}$/
export const RESERVED_METRIC_KEYS: readonly string[] = ['score', 'rank', 'metrics']
export const PLATFORM_METRIC_KEYS: readonly string[] = [
  'elo',
  'action_time_max',
  'ram_max',
  'vram_max',
  'steps',
  'n_episodes'
]
const SOURCES = ['score', 'env', 'platform']
const AGGS = ['mean', 'sum', 'max', 'min', 'last', 'rating']
const ORDERS = ['desc', 'asc']
const FORMATS = ['number', 'integer', 'percent', 'seconds', 'bytes', 'currency']
/** Required in the file: every key but the two that may be null. */
const REQUIRED = ['key', 'label', 'source', 'agg', 'format', 'precision', 'is_ranking', 'visible']
const KNOWN = new Set([...REQUIRED, 'order', 'unit'])
/** What a started challenge still lets a spec change (README "Metrics"). */
export const METRIC_PRESENTATION_FIELDS: readonly string[] = [
  'label',
  'unit',
  'precision',
  'format',
  'visible'
]

/** Every way `[[metrics]]` breaks the rules, each on the line of what it is about. */
export function metricFindings(toml: ParsedToml, file: string): Finding[] {
  const metrics = toml.values.metrics
  if (metrics === undefined) return []
  const at = (...path: (string | number)[]): number =>
    lineOf(toml, toPointer(['metrics', ...path.map(String)]))
  const out: Finding[] = []
  const push = (line: number, message: string): void => {
    out.push({ severity: 'error', file, line, message, source: 'plan' })
  }
  if (!Array.isArray(metrics)) {
    push(at(), "'metrics' must be an array of tables ([[metrics]])")
    return out
  }
  const keys = new Map<string, number>()
  let ranking = 0
  let scored = 0
  metrics.forEach((raw, i) => {
    const where = `metrics[${i}]`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      push(at(i), `'${where}' must be a table`)
      return
    }
    const m = raw as Record<string, unknown>
    for (const key of REQUIRED)
      if (!(key in m))
        push(at(i), `${where} is missing '${key}' (every MetricSpec key is required)`)
    for (const key of Object.keys(m))
      if (!KNOWN.has(key)) push(at(i, key), `unknown MetricSpec key '${where}.${key}'`)
    const key = m.key
    if ('key' in m) {
      if (typeof key !== 'string' || !METRIC_KEY.test(key))
        push(at(i, 'key'), `'${where}.key' must match ^[a-z][a-z0-9_]{0,31}$`)
      else if (RESERVED_METRIC_KEYS.includes(key))
        push(
          at(i, 'key'),
          `'${where}.key' may not be "score", "rank" or "metrics" (the rows already carry them): name the metric, e.g. "accuracy"`
        )
      else if (keys.has(key)) push(at(i, 'key'), `duplicate metric key '${key}'`)
      else keys.set(key, i)
    }
    const label = m.label
    if ('label' in m && (typeof label !== 'string' || label.length < 1 || label.length > 40))
      push(at(i, 'label'), `'${where}.label' must be 1 to 40 characters`)
    oneOf(m, 'source', SOURCES, i)
    oneOf(m, 'agg', AGGS, i)
    oneOf(m, 'order', ORDERS, i)
    oneOf(m, 'format', FORMATS, i)
    const unit = m.unit
    if ('unit' in m && (typeof unit !== 'string' || unit.length > 8))
      push(at(i, 'unit'), `'${where}.unit' must be at most 8 characters (leave it out for none)`)
    if (m.format === 'currency' && (typeof unit !== 'string' || unit === ''))
      push(at(i), `${where}: a currency metric needs a unit (at most 8 characters, e.g. "EUR")`)
    const precision = m.precision
    if (
      'precision' in m &&
      !(Number.isInteger(precision) && (precision as number) >= 0 && (precision as number) <= 10)
    )
      push(at(i, 'precision'), `'${where}.precision' must be an integer from 0 to 10`)
    for (const flag of ['is_ranking', 'visible'])
      if (flag in m && typeof m[flag] !== 'boolean')
        push(at(i, flag), `'${where}.${flag}' must be true or false`)
    if (m.source === 'score' && ++scored > 1)
      push(at(i, 'source'), `at most one metric may have source = "score" (the env's main score)`)
    if (m.source === 'platform' && typeof key === 'string' && !PLATFORM_METRIC_KEYS.includes(key))
      push(
        at(i, 'key'),
        `a platform metric is one of ${PLATFORM_METRIC_KEYS.join(', ')} (not '${key}')`
      )
    if (m.is_ranking === true) {
      ranking++
      if (!('order' in m))
        push(at(i), `${where} is the ranking metric and needs an order ("desc" or "asc")`)
    }
  })
  if (ranking !== 1) push(at(), `exactly one metric must have is_ranking = true (found ${ranking})`)
  return out

  function oneOf(m: Record<string, unknown>, key: string, values: string[], i: number): void {
    if (key in m && !values.includes(m[key] as string))
      push(
        at(i, key),
        `'metrics[${i}].${key}' must be one of ${values.map(v => JSON.stringify(v)).join(', ')}`
      )
  }
}

/**
 * Whether a started challenge takes `after` in place of `before`: the same specs in the same
 * order, differing only in their presentation fields (README "Metrics").
 */
export function metricsChangeAllowedWhileStarted(before: unknown, after: unknown): boolean {
  const strip = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(spec => {
          if (typeof spec !== 'object' || spec === null) return spec
          const copy: Record<string, unknown> = {}
          for (const [k, v] of Object.entries(spec))
            if (!METRIC_PRESENTATION_FIELDS.includes(k) && v !== null) copy[k] = v
          return Object.fromEntries(Object.entries(copy).sort(([a], [b]) => (a < b ? -1 : 1)))
        })
      : value
  return JSON.stringify(strip(before)) === JSON.stringify(strip(after))
}
