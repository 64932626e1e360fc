/**
 * Small hand-written guards for validating ML Arena's answers at the boundary. Required fields
 * that are missing or of the wrong type throw a 'protocol' error naming the route and the field;
 * optional ones are lenient (missing or unusable → null). Unknown fields are ignored. Plain
 * functions, no closures per value: boards of 100,000 rows go through here.
 */
import { protocolError, type RequestContext } from './errors.js'

export type Json = Record<string, unknown>

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function fail(ctx: RequestContext, field: string, expected: string): never {
  throw protocolError(ctx, `field "${field}" is missing or not ${expected}`)
}

export function asRecord(value: unknown, ctx: RequestContext, field: string): Json {
  if (!isRecord(value)) fail(ctx, field, 'an object')
  return value
}

export function asArray(value: unknown, ctx: RequestContext, field: string): unknown[] {
  if (!Array.isArray(value)) fail(ctx, field, 'an array')
  return value
}

/** A bare array, or the array an object carries under `key` (servers answer either way). */
export function arrayOrUnder(
  value: unknown,
  key: string,
  ctx: RequestContext,
  field: string
): unknown[] {
  return asArray(isRecord(value) && Array.isArray(value[key]) ? value[key] : value, ctx, field)
}

/** The value of the first of the keys that is present (not undefined) in `o`. */
export function pick(o: Json, a: string, b?: string, c?: string, d?: string): unknown {
  const first = o[a]
  if (first !== undefined || b === undefined) return first
  const second = o[b]
  if (second !== undefined || c === undefined) return second
  const third = o[c]
  if (third !== undefined || d === undefined) return third
  return o[d]
}

export function optString(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null
}

/** A finite number; numeric strings are accepted ("0.91"), anything else is null. */
export function optNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value)
    return Number.isFinite(parsed) ? parsed : null
  }
  return null
}

export function optInt(value: unknown): number | null {
  const n = optNumber(value)
  return n !== null && Number.isInteger(n) ? n : null
}

export function optBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 1) return true
  if (value === 'false' || value === 0) return false
  return null
}

export function reqString(o: Json, field: string, ctx: RequestContext): string {
  const value = o[field]
  if (typeof value !== 'string') fail(ctx, field, 'a string')
  return value
}

export function reqInt(o: Json, field: string, ctx: RequestContext): number {
  const value = optInt(o[field])
  if (value === null) fail(ctx, field, 'an integer')
  return value
}

/**
 * The form servers send (UTC, `Z`), with ranges Date.parse accepts: checked by its shape, which
 * costs a tenth of Date.parse (a 100,000-row board has a time on every row). Anything else takes
 * the slow path.
 */
const ISO_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/

/**
 * An ISO-8601 time from an ISO string (kept as the server wrote it) or a Unix timestamp (seconds,
 * or milliseconds when too big to be seconds); null when unusable.
 */
export function optTime(value: unknown): string | null {
  if (typeof value === 'string') {
    if (ISO_UTC.test(value)) return value
    const text = value.trim()
    if (/^\d+(\.\d+)?$/.test(text)) return optTime(Number(text))
    return text !== '' && !Number.isNaN(Date.parse(text)) ? text : null
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  const date = new Date(value > 1e11 ? value : value * 1000)
  if (Number.isNaN(date.getTime())) return null
  return date.toISOString().replace('.000Z', 'Z')
}
