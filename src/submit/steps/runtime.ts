/**
 * Runtime matching (pure): turns the `runtime` input into one of the competition's runtime
 * options, or null to leave the competition default in place.
 */
import type { RuntimeOption } from '../../arena/model.js'
import type { RuntimeSpec } from '../config.js'
import { InputError } from '../../errors.js'
import { replaceControlCharacters } from '../../format.js'

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
 * The option the spec names. `null` spec → null (do not pin). An id must be one of the options;
 * a match spec compares case-insensitively (language equal, framework equal when given, version
 * equal or a dot-boundary prefix: `2.3` matches `2.3.1`, not `2.30`) and must match exactly one.
 */
export function resolveRuntime(
  spec: RuntimeSpec | null,
  options: RuntimeOption[]
): RuntimeOption | null {
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
    return found
  }
  const matches = options.filter(option => matchesSpec(option, spec))
  const [first, second] = matches
  if (first !== undefined && second === undefined) return first
  const text = JSON.stringify(specText(spec))
  if (first === undefined) {
    throw new InputError(
      'runtime',
      `${text} matches none of the competition's runtimes: ${listRuntimes(options)}; use one of them, or its id.`
    )
  }
  const lookAlike = new Set(matches.map(formatRuntime)).size === 1
  const advice = lookAlike
    ? `they look the same, so give the numeric id, e.g. ${first.id}`
    : `give a more precise spec, or the numeric id, e.g. ${first.id}`
  throw new InputError(
    'runtime',
    `${text} is ambiguous: it matches ${matches.length} runtimes: ${listRuntimes(matches)}; ${advice}.`
  )
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
