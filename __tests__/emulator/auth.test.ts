/** Tokens, scopes, ownership and hidden competitions (401 / 403 / 404). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, TOKENS, type Emulator } from '../../emulator/index.ts'
import { WIRES, call, createAgent, createBody, routes, start } from './helpers.ts'

describe.each(WIRES)('auth on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  it('hands out tokens of the form mlk_<scope>_<lookup>_<secret>, alice vs bob', () => {
    expect(emu.tokens.user).toMatch(/^mlk_user_[^_]+_.+$/)
    expect(emu.tokens.creator).toMatch(/^mlk_creator_[^_]+_.+$/)
    expect(emu.tokens.teacher).toMatch(/^mlk_teacher_[^_]+_.+$/)
    expect(emu.tokens.otherUser).toMatch(/^mlk_user_[^_]+_.+$/)
    expect(emu.tokens.otherUser).not.toBe(emu.tokens.user)
  })

  it('accepts a secret that itself holds underscores (split at most 3 times)', async () => {
    expect(emu.tokens.user.split('_').length).toBeGreaterThan(4)
    expect((await call(emu, 'GET', r.competition(1))).status).toBe(200)
  })

  it.each([
    ['no Authorization header', null, undefined],
    ['a malformed token', 'mlk_user_onlythree', undefined],
    ['an unknown scope', 'mlk_admin_alice_secret', undefined],
    ['an unknown lookup', 'mlk_user_nobody_secret', undefined],
    ['a wrong secret', 'mlk_user_alice_not-the-secret', undefined],
    [
      'a token of another scope with the right secret',
      TOKENS.user.replace('_user_', '_creator_'),
      undefined
    ],
    ['the retired key_id:key_pass form', 'key123:pass456', undefined],
    ['a Basic scheme', null, { authorization: 'Basic YWxpY2U6cHc=' }]
  ])('401 with an error for %s', async (_label, token, headers) => {
    // Runtime options are not a public read: even no token at all is refused.
    const res = await call(emu, 'GET', r.runtimeOptions(1), { token, headers })
    expect(res.status).toBe(401)
    expect(typeof res.body.error).toBe('string')
    expect(res.body.error.length).toBeGreaterThan(5)
  })

  it('says what a token looks like when the retired key form is sent', async () => {
    const res = await call(emu, 'GET', r.competition(1), { token: 'key123:pass456' })
    expect(res.body.error).toMatch(/mlk_/)
  })

  it('403 for a creator or teacher token on agent routes', async () => {
    for (const token of [emu.tokens.creator, emu.tokens.teacher]) {
      const res = await call(emu, 'POST', r.create(1), { token, json: createBody(wire, 'scoped') })
      expect(res.status).toBe(403)
      expect(res.body.error).toMatch(/user/)
      expect((await call(emu, 'GET', r.status(1, 1002), { token })).status).toBe(403)
    }
    expect(emu.state().agents.some(a => a.name === 'scoped')).toBe(false)
  })

  it('lets a creator token read competitions and the leaderboard', async () => {
    expect((await call(emu, 'GET', r.competition(1), { token: emu.tokens.creator })).status).toBe(
      200
    )
    expect((await call(emu, 'GET', r.board(1), { token: emu.tokens.creator })).status).toBe(200)
  })

  it("403 on another user's agent, for every agent route", async () => {
    const bobs = await createAgent(emu, 1, 'bob-private', emu.tokens.otherUser)
    const paths: [string, string][] = [
      ['GET', r.status(1, bobs)],
      ['GET', r.files(1, bobs)],
      ['GET', r.deploy(1, bobs)],
      ['PUT', r.deploy(1, bobs)],
      ['GET', r.games(bobs)],
      ['GET', r.runtime(bobs)],
      ['DELETE', r.agent(1, bobs)]
    ]
    for (const [method, path] of paths) {
      const res = await call(emu, method, path)
      expect([method, path, res.status]).toEqual([method, path, 403])
      expect(typeof res.body.error).toBe('string')
    }
    const bob = emu.state().agents.find(a => a.id === bobs)
    expect(bob?.status).toBe('created')
    expect(bob?.deployIds).toEqual([])
  })

  it('404 for a hidden competition to callers who may not see it, 200 to its members', async () => {
    const hidden = COMPETITIONS.hidden
    for (const path of [r.competition(hidden), r.board(hidden), r.runtimeOptions(hidden)]) {
      expect((await call(emu, 'GET', path)).status).toBe(404)
      expect((await call(emu, 'GET', path, { token: emu.tokens.otherUser })).status).toBe(200)
    }
    const create = await call(emu, 'POST', r.create(hidden), { json: createBody(wire, 'sneaky') })
    expect(create.status).toBe(404)
    // The course's teacher (alice's teacher token) sees it.
    expect(
      (await call(emu, 'GET', r.competition(hidden), { token: emu.tokens.teacher })).status
    ).toBe(200)
    // The hidden one is indistinguishable from one that does not exist.
    const missing = await call(emu, 'GET', r.competition(999))
    const hiddenRes = await call(emu, 'GET', r.competition(hidden))
    expect(hiddenRes.body.error.replace(String(hidden), 'N')).toBe(
      missing.body.error.replace('999', 'N')
    )
  })

  it('404 for an agent addressed under the wrong competition', async () => {
    const aid = await createAgent(emu, 1, 'misplaced')
    expect((await call(emu, 'GET', r.status(2, aid))).status).toBe(404)
  })
})
