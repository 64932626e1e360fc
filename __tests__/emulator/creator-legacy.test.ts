/** Creator routes on the legacy wire (SDK 0.2.0): /creator_competition, /competition_tags. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { TOKENS } from '../../emulator/index.ts'
import { call, HOUR, start } from './helpers.ts'
import {
  ALICE_DRAFT,
  AGENT,
  GOOD_ENV,
  asCreator,
  challengeState,
  creatorPaths,
  putText
} from './creator-helpers.ts'

const p = creatorPaths('legacy')
const current = creatorPaths('current')

describe('creator routes on the legacy wire', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterAll(() => emu.close())

  it('serves the legacy catalog without a token, and not the current routes', async () => {
    const res = await call(emu, 'GET', p.catalog, { token: null })
    expect(res.status).toBe(200)
    expect(res.body[0]).toEqual(
      expect.objectContaining({ id: expect.any(Number), name: expect.any(String) })
    )
    expect((await call(emu, 'GET', current.catalog, { token: null })).status).toBe(404)
    expect((await asCreator(emu, 'GET', current.one(ALICE_DRAFT))).status).toBe(404)
  })

  it('creates a competition (public unless is_public is false) with tags', async () => {
    const res = await asCreator(emu, 'POST', p.create, {
      json: { name: 'Legacy maze', kernel_version: 'flex_v1', tag_ids: [1] }
    })
    expect(res.status).toBe(201)
    const cid = res.body.competition_id as number
    expect(res.body).toEqual(expect.objectContaining({ status: 'draft', is_public: true }))
    expect(challengeState(emu, cid).tags).toEqual([{ id: 1, name: 'rl' }])
    const hidden = await asCreator(emu, 'POST', p.create, {
      json: { name: 'Hidden', kernel_version: 'flex_v1', is_public: false }
    })
    expect(hidden.body.is_public).toBe(false)
    expect((await call(emu, 'POST', p.create, { token: TOKENS.user, json: {} })).status).toBe(403)
  })

  it('updates, tags, writes env and benchmark files, runs the benchmark and starts', async () => {
    const cid = (
      await asCreator(emu, 'POST', p.create, { json: { name: 'L2', kernel_version: 'flex_v1' } })
    ).body.competition_id as number
    expect((await asCreator(emu, 'PUT', p.one(cid), { json: { description: 'D' } })).status).toBe(
      200
    )
    expect((await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [2] } })).status).toBe(200)
    expect((await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [404] } })).status).toBe(
      400
    )
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(400)
    expect((await putText(emu, p.envFiles(cid), 'env.py', GOOD_ENV)).status).toBe(200)
    expect((await putText(emu, p.benchFiles(cid), 'agent.py', AGENT)).status).toBe(200)
    expect((await asCreator(emu, 'PUT', p.markdown(cid), { json: { content: 'hi' } })).status).toBe(
      200
    )
    const run = await asCreator(emu, 'POST', p.run(cid))
    expect(run.body.job_status).toBe('pending')
    emu.advance(HOUR)
    const status = await asCreator(emu, 'GET', p.status(cid))
    expect(status.body.run.job_status).toBe('completed')
    expect(status.body.checks.length).toBeGreaterThan(0)
    const started = await asCreator(emu, 'PUT', p.start(cid))
    expect(started.status).toBe(200)
    expect(challengeState(emu, cid)).toEqual(
      expect.objectContaining({ status: 'started', description: 'D', markdown: 'hi' })
    )
    expect((await call(emu, 'GET', `/api/competitions/${cid}`)).body.status).toBe('started')
  })

  it('keeps challenge.toml as a plain file (0.2.0 predates its apply-on-save)', async () => {
    const before = challengeState(emu, ALICE_DRAFT).config
    const res = await putText(emu, p.envFiles(ALICE_DRAFT), 'challenge.toml', 'x = 1\n')
    expect(res.status).toBe(200)
    const state = challengeState(emu, ALICE_DRAFT)
    expect(state.env.find(f => f.name === 'challenge.toml')?.content).toBe('x = 1\n')
    expect(state.config).toEqual(before)
    expect(before.fileAppliedAt).toBeNull()
  })

  it("refuses another creator's hidden competition with 404", async () => {
    const res = await call(emu, 'PUT', p.markdown(ALICE_DRAFT), {
      token: TOKENS.otherCreator,
      json: { content: 'x' }
    })
    expect(res.status).toBe(404)
  })
})
