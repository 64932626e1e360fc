/**
 * Checks an answer against a key list of sdk-4.4-keys.ts: the objects an `at` addresses, and
 * what is wrong with each (a documented key missing, a key served that is neither documented
 * nor listed as the emulator's choice). Shared by the emulator's conformance test and, at
 * merge, the client parser's.
 */
import type { KeyList } from './sdk-4.4-keys.ts'

export type Json = unknown

/** The objects a key list applies to (see sdk-4.4-keys.ts for the `at` syntax). */
export function objectsAt(body: Json, at: string): Json[] {
  let current: Json[] = [body]
  if (at === '') return current
  for (const segment of at.split('.')) {
    const each = segment.endsWith('[]')
    const key = each ? segment.slice(0, -2) : segment
    const next: Json[] = []
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue
      if (segment === '*') {
        next.push(...Object.values(value as Record<string, unknown>))
        continue
      }
      const inner = key === '' ? value : (value as Record<string, unknown>)[key]
      if (each) {
        if (Array.isArray(inner)) next.push(...(inner as Json[]))
      } else if (inner !== undefined) next.push(inner)
    }
    current = next
  }
  return current
}

/** What is wrong with one object against its key list: missing and undocumented keys. */
export function keyProblems(value: Json, list: KeyList): string[] {
  if (value === null) return list.nullable ? [] : [`${list.at || '(answer)'} is null`]
  if (typeof value !== 'object' || Array.isArray(value))
    return [`${list.at || '(answer)'} is not an object`]
  const served = Object.keys(value)
  const allowed = new Set([...list.keys, ...(list.optional ?? []), ...(list.chosen ?? [])])
  const problems: string[] = []
  for (const key of [...list.keys, ...(list.chosen ?? [])])
    if (!served.includes(key)) problems.push(`${list.at || '(answer)'}: missing ${key}`)
  for (const key of served)
    if (!allowed.has(key)) problems.push(`${list.at || '(answer)'}: undocumented ${key}`)
  return problems
}
