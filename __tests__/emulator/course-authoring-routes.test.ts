/**
 * The route table of emulator/courses/README.md is what the server serves: every documented
 * route is routed on the current wire (it may refuse the empty request, but the router knows
 * it), and every one is the router's plain 404 on the legacy wire (SDK 0.2.0 has none of them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { type Emulator } from '../../emulator/index.ts'
import { start } from './helpers.ts'
import { as, TESS } from './course-authoring-helpers.ts'

const README = new URL('../../emulator/courses/README.md', import.meta.url)

/** `| METHOD | \`/path\` |` rows of the Routes table, with ids filled in. */
function documentedRoutes(): [string, string][] {
  const rows = readFileSync(README, 'utf8')
    .split('\n')
    .map(line => /^\|\s*(GET|POST|PUT|DELETE)\s*\|\s*`([^`]+)`\s*\|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
  return rows.map(m => [
    m[1] as string,
    `/api${(m[2] as string)
      .replace('{slug}', 'cs-202-two-challenges')
      .replace('{module_slug}', 'foundations')
      .replace('{lesson_slug}', 'what-is-rl')
      .replace(/\{[a-z_]*id\}/g, '2')}`
  ])
}

const ROUTES = documentedRoutes()

it('the README documents the routes (the table parsed)', () => {
  expect(ROUTES.length).toBeGreaterThanOrEqual(29)
})

describe.each(['current', 'legacy'] as const)('%s wire', wire => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  it.each(ROUTES)('%s %s', async (method, path) => {
    const res = await as(emu, TESS, method, path)
    if (wire === 'legacy') {
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: 'Not found' })
    } else {
      expect(res.status).not.toBe(405)
      expect(res.body?.error).not.toBe('Not found')
    }
  })
})
