/**
 * Runtime matching (pure): turns the `runtime` input into one of the competition's runtime
 * options, or null to leave the competition default in place.
 */
import type { RuntimeOption } from '../../arena/model.js'
import type { RuntimeSpec } from '../config.js'
import type { RuntimeChoice } from '../../evaluation/outcome.js'
import { InputError } from '../../errors.js'
import { replaceControlCharacters } from '../../format.js'
import { compareVersions } from './version-order.js'

/** Error messages list at most this many runtimes, and stop early past this many characters. */
const MAX_LISTED = 12
const MAX_LIST_CHARS = 600
const MAX_ENTRY_CHARS = 80

function clean(text: string): string {
  return replaceControlCharacters(text).trim()
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * An option in the spec syntax, e.g. `python/torch@2.3`: what a user would write in `runtime`.
 * Server text is untrusted: control characters become spaces so the result stays one line.
 */
export function formatRuntime(option: RuntimeOption): string {
  let text = clean(option.language)
  const framework = option.framework === null ? '' : clean(option.framework)
  if (framework !== '') {
    text += `/${framework}`
    const version = option.frameworkVersion === null ? '' : clean(option.frameworkVersion)
    if (version !== '') text += `@${version}`
  }
  return text
}

/**
 * The option the spec names. `null` spec → null (do not pin). An id must be one of the options.
 * A match spec is a range, as `node-version: 20` is for setup-node: it matches case-insensitively
 * (language equal, framework equal when given, version equal or a dot-boundary prefix: `2.3`
 * matches `2.3.1`, not `2.30`), and among the matches the newest framework version wins, then the
 * newest language version, then the competition's default runtime (`defaultId`) if it is among
 * them. Only matches that tie on all of that are ambiguous.
 *
 * ML Arena's API names no default runtime (the runtime options carry no flag, and an agent's
 * runtime reads null until one is pinned), so the pipeline passes null today.
 */
export function resolveRuntime(
  spec: RuntimeSpec | null,
  options: RuntimeOption[],
  defaultId: number | null = null
): RuntimeChoice | null {
  if (spec === null) return null
  if (options.length === 0) {
    throw new InputError(
      'runtime',
      `${JSON.stringify(specText(spec))} cannot be applied: the competition lists no runtimes; leave runtime empty to use its default.`
    )
  }
  if (spec.kind === 'id') {
    const found = options.find(option => option.id === spec.id)
    if (found === undefined) {
      throw new InputError(
        'runtime',
        `${spec.id} is not a runtime id of this competition; it offers ${listRuntimes(options)}.`
      )
    }
    return { option: found, spec: String(spec.id), matched: 1, pin: null }
  }
  const text = specText(spec)
  const matches = options.filter(option => matchesSpec(option, spec))
  if (matches.length === 0) {
    throw new InputError(
      'runtime',
      `${JSON.stringify(text)} matches none of the competition's runtimes: ${listRuntimes(options)}; use one of them, or its id.`
    )
  }
  const ranked = [...matches].sort((a, b) => rankRuntimes(b, a, defaultId))
  const best = ranked[0] as RuntimeOption
  const tied = ranked.filter(option => rankRuntimes(option, best, defaultId) === 0)
  if (tied.length > 1) {
    // Tied options of different frameworks are told apart by naming one; identical ones by id.
    const frameworks = new Set(tied.map(option => option.framework?.trim().toLowerCase() ?? ''))
    const named = tied.find(option => option.framework !== null)
    const advice =
      frameworks.size > 1 && named && spec.framework === null
        ? `name the framework, e.g. ${JSON.stringify(`${spec.language}/${clean(named.framework ?? '')}`)}, or give the numeric id, e.g. ${best.id}`
        : `give the numeric id, e.g. ${best.id}`
    throw new InputError(
      'runtime',
      `${JSON.stringify(text)} is ambiguous: it matches ${tied.length} runtimes of the same versions: ${listRuntimes(tied)}; ${advice}.`
    )
  }
  const exact = matches.length === 1 && sameWord(formatRuntime(best), text)
  return {
    option: best,
    spec: text,
    matched: matches.length,
    pin: exact ? null : pinFor(best, options)
  }
}

/** > 0 when a ranks above b: newer framework version, then newer language version, then the default. */
function rankRuntimes(a: RuntimeOption, b: RuntimeOption, defaultId: number | null): number {
  return (
    compareVersions(a.frameworkVersion, b.frameworkVersion) ||
    compareVersions(a.languageVersion, b.languageVersion) ||
    Number(a.id === defaultId) - Number(b.id === defaultId)
  )
}

/** The option's own spec when it matches no other option (and is valid input), else its id. */
function pinFor(option: RuntimeOption, options: RuntimeOption[]): string {
  const text = formatRuntime(option)
  if (option.framework === null || option.frameworkVersion === null || !PIN_TEXT.test(text))
    return String(option.id)
  const spec = {
    kind: 'match' as const,
    language: option.language,
    framework: option.framework,
    frameworkVersion: option.frameworkVersion.trim()
  }
  const others = options.filter(other => other.id !== option.id && matchesSpec(other, spec))
  return others.length === 0 ? text : String(option.id)
}

/** What the `runtime` input accepts (see config.ts), so a suggested pin is always valid input. */
const PIN_TEXT =
  /^[A-Za-z][A-Za-z0-9.+_-]*\/[A-Za-z0-9][A-Za-z0-9.+_-]*@[A-Za-z0-9][A-Za-z0-9.+_-]*$/

/**
 * One line for the log: which runtime the spec chose and how to pin it, e.g.
 * `python/gymnasium@1.0.0 (id 4), the newest of 2 runtimes matching "python/gymnasium"; to keep
 * it when the competition adds runtimes, pin it: runtime: python/gymnasium@1.0.0 (or 4).`
 */
export function describeRuntimeChoice(choice: RuntimeChoice): string {
  const chosen = `${formatRuntime(choice.option)} (id ${choice.option.id})`
  const why =
    choice.matched > 1
      ? `, the newest of ${choice.matched} runtimes matching ${JSON.stringify(choice.spec)}`
      : ''
  if (choice.pin === null) return `${chosen}${why}.`
  const alternative = choice.pin === String(choice.option.id) ? '' : ` (or ${choice.option.id})`
  return `${chosen}${why}; to keep it when the competition adds runtimes, pin it: runtime: ${choice.pin}${alternative}.`
}

function matchesSpec(
  option: RuntimeOption,
  spec: Extract<RuntimeSpec, { kind: 'match' }>
): boolean {
  if (!sameWord(option.language, spec.language)) return false
  if (spec.framework === null) return true
  if (option.framework === null || !sameWord(option.framework, spec.framework)) return false
  if (spec.frameworkVersion === null) return true
  if (option.frameworkVersion === null) return false
  const have = option.frameworkVersion.trim().toLowerCase()
  const want = spec.frameworkVersion.toLowerCase()
  return have === want || have.startsWith(`${want}.`)
}

function sameWord(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

function specText(spec: RuntimeSpec): string {
  if (spec.kind === 'id') return String(spec.id)
  let text = spec.language
  if (spec.framework !== null) text += `/${spec.framework}`
  if (spec.frameworkVersion !== null) text += `@${spec.frameworkVersion}`
  return text
}

/**
 * `python/torch@2.3 (id 4), python/gymnasium@1.0 (id 3)`, bounded. Options that read the same
 * in the spec syntax also show their language version, which is often what tells them apart.
 */
function listRuntimes(options: RuntimeOption[]): string {
  const counts = new Map<string, number>()
  for (const option of options) {
    const text = formatRuntime(option)
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  const entries: string[] = []
  let length = 0
  for (const option of options) {
    const text = formatRuntime(option)
    const languageVersion = clean(option.languageVersion ?? '')
    const detail =
      (counts.get(text) ?? 0) > 1 && languageVersion !== ''
        ? `id ${option.id}, ${clean(option.language)} ${languageVersion}`
        : `id ${option.id}`
    const entry = `${cut(text, MAX_ENTRY_CHARS)} (${cut(detail, MAX_ENTRY_CHARS)})`
    if (entries.length >= MAX_LISTED || length + entry.length > MAX_LIST_CHARS) break
    entries.push(entry)
    length += entry.length + 2
  }
  const rest = options.length - entries.length
  return rest > 0 ? `${entries.join(', ')}, … and ${rest} more` : entries.join(', ')
}
