/** Body checks the authoring routes share: one refusal per bad key, naming it and what is valid. */
import { ApiError } from '../plumbing/http.ts'

export type Body = Record<string, unknown>

export const SLUG = /^[a-z0-9-]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export function asBody(raw: unknown): Body {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ApiError(400, 'The body must be a JSON object')
  return raw as Body
}

export function refuseUnknown(body: Body, allowed: readonly string[], hint = ''): void {
  const unknown = Object.keys(body).filter(k => !allowed.includes(k))
  if (unknown.length > 0)
    throw new ApiError(
      400,
      `Unknown field(s): ${unknown.join(', ')}; this route takes ${allowed.join(', ')}${hint}`
    )
}

export function requireSome(body: Body, allowed: readonly string[]): void {
  if (Object.keys(body).length === 0)
    throw new ApiError(400, `Send at least one of ${allowed.join(', ')}`)
}

/** A required non-empty string (trimmed). */
export function text(body: Body, key: string, max: number): string {
  const value = body[key]
  if (typeof value !== 'string' || value.trim() === '')
    throw new ApiError(400, `${key} is required: a non-empty string`)
  if (value.trim().length > max) throw new ApiError(400, `${key} is limited to ${max} characters`)
  return value.trim()
}

/** An optional string: absent or null → null; "" → null. */
export function optionalText(body: Body, key: string, max: number): string | null {
  const value = body[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new ApiError(400, `${key} must be a string`)
  if (value.length > max) throw new ApiError(400, `${key} is limited to ${max} characters`)
  return value.trim() === '' ? null : value.trim()
}

/** A markdown body: kept as sent (whitespace matters), "" allowed. */
export function markdown(body: Body, key: string, fallback: string): string {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw new ApiError(400, `${key} must be a string (markdown)`)
  return value
}

export function bool(body: Body, key: string, fallback: boolean): boolean {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new ApiError(400, `${key} must be true or false`)
  return value
}

export function oneOf<T extends string>(
  body: Body,
  key: string,
  values: readonly T[],
  fallback: T
): T {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !values.includes(value as T))
    throw new ApiError(400, `${key} must be one of ${values.join(', ')}`)
  return value as T
}

export function integer(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 999_999_999)
    throw new ApiError(400, `${key} must be a non-negative integer`)
  return value
}

/** A finite number or null (null: no bar). */
export function threshold(value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ApiError(
      400,
      'pass_threshold must be a number (omit it, or send null, for no pass/fail)'
    )
  return value
}

export function slugOf(body: Body): string | null {
  const value = optionalText(body, 'slug', 100)
  if (value !== null && !SLUG.test(value))
    throw new ApiError(400, `slug "${value}" must match ^[a-z0-9-]+$`)
  return value
}

/** Kebab slug derived from a title, unique among `taken` (-2, -3, … appended). */
export function deriveSlug(title: string, taken: ReadonlySet<string>, fallback: string): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || fallback
  let slug = base
  for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`
  return slug
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** YYYY-MM-DD that names a real day, or null when absent/null. */
export function date(body: Body, key: string): string | null {
  const value = body[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || !DATE.test(value))
    throw new ApiError(400, `${key} must be a YYYY-MM-DD date`)
  const ms = Date.parse(`${value}T00:00:00Z`)
  if (!Number.isFinite(ms) || isoDay(ms) !== value)
    throw new ApiError(400, `${key} "${value}" is not a real day`)
  return value
}

/** `ordered_ids`: exactly `current`, each once, in the wanted order. */
export function orderedIds(raw: unknown, current: readonly number[], what: string): number[] {
  const body = asBody(raw)
  refuseUnknown(body, ['ordered_ids'])
  const ids = body.ordered_ids
  if (!Array.isArray(ids) || !ids.every(id => typeof id === 'number' && Number.isInteger(id)))
    throw new ApiError(400, 'ordered_ids is required: an array of integer ids')
  const wanted = ids as number[]
  const same =
    wanted.length === current.length &&
    new Set(wanted).size === wanted.length &&
    wanted.every(id => current.includes(id))
  if (!same)
    throw new ApiError(
      400,
      `ordered_ids must be exactly the ${what} ids, each once (they are: ${current.join(', ') || 'none'})`
    )
  return wanted
}
