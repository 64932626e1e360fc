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
    expect((await asCreator(emu, 'GET', p.status(cid))).body).toEqual({ status: 'none' })
    const run = await asCreator(emu, 'POST', p.run(cid))
    // 0.2.0 run_benchmark: "Returns {simulation_id, status}".
    expect(run.body).toEqual({ simulation_id: expect.any(Number), status: 'running' })
    expect((await asCreator(emu, 'POST', p.run(cid))).status).toBe(409)
    emu.advance(HOUR)
    const status = await asCreator(emu, 'GET', p.status(cid))
    // 0.2.0 benchmark_status: "Status is one of none | running | completed | failed".
    expect(status.body).toEqual({ simulation_id: run.body.simulation_id, status: 'completed' })
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

  it('takes the ten settings keywords of 0.2.0, refuses others, and none once started', async () => {
    const cid = (
      await asCreator(emu, 'POST', p.create, { json: { name: 'L3', kernel_version: 'flex_v1' } })
    ).body.competition_id as number
    const ok = await asCreator(emu, 'PUT', p.settings(cid), {
      json: {
        simulation_timeout_sec: 120,
        max_upload_files: 4,
        max_active_agents_per_participant: 2,
        evaluation_metric: 'accuracy',
        evaluation_is_elo_score: false,
        evaluation_deployment_nb_initial_score_run: 2,
        evaluation_episode_budget_brackets: [
          [0.2, 5],
          [0.5, 10]
        ]
      }
    })
    expect(ok.status).toBe(200)
    const state = challengeState(emu, cid)
    expect(state.config.values).toEqual(
      expect.objectContaining({
        simulation_timeout_sec: 120,
        max_upload_files: 4,
        max_active_submissions_per_participant: 2,
        deployment_nb_initial_score_run: 2
      })
    )
    expect(state.legacySettings).toEqual(
      expect.objectContaining({ evaluation_metric: 'accuracy', evaluation_is_elo_score: false })
    )
    // 4.x keywords are not 0.2.0's.
    for (const json of [
      { max_active_submissions_per_participant: 2 },
      { metrics: [] },
      { agent_max_time_per_step_second: 1 },
      { evaluation_metric: 'a'.repeat(21) },
      {
        evaluation_episode_budget_brackets: [
          [0.5, 10],
          [0.2, 5]
        ]
      },
      {}
    ])
      expect((await asCreator(emu, 'PUT', p.settings(cid), { json })).status).toBe(400)
    expect((await call(emu, 'GET', `/api/competitions/${cid}`)).body.max_upload_files).toBe(4)
    expect(
      (
        await asCreator(emu, 'PUT', p.settings(ALICE_DRAFT), {
          token: TOKENS.otherCreator,
          json: { max_upload_files: 3 }
        })
      ).status
    ).toBe(404)
  })

  it('has none of the routes 0.2.0 lacks: listings, deletions, overview read, stop, view', async () => {
    const cid = ALICE_DRAFT
    for (const [method, path] of [
      ['GET', p.envFiles(cid)],
      ['DELETE', p.envFile(cid, 'env.py')],
      ['GET', p.benchFiles(cid)],
      ['DELETE', p.benchFile(cid, 'agent.py')],
      ['GET', p.markdown(cid)],
      ['GET', p.tags(cid)],
      ['GET', p.one(cid)],
      ['GET', p.image(cid)],
      ['PUT', p.stop(cid)],
      ['POST', p.envCheck(cid)],
      ['GET', p.exportToml(cid)],
      ['GET', p.mine],
      ['GET', p.kinds],
      ['GET', p.fields],
      ['GET', p.schema]
    ] as const)
      // 405 where the path has another method (a PUT of the same folder), as a Flask server answers.
      expect([
        method,
        path,
        [404, 405].includes((await asCreator(emu, method, path)).status)
      ]).toEqual([method, path, true])
  })

  it('refuses settings once started', async () => {
    const cid = (
      await asCreator(emu, 'POST', p.create, { json: { name: 'L4', kernel_version: 'flex_v1' } })
    ).body.competition_id as number
    await putText(emu, p.envFiles(cid), 'env.py', GOOD_ENV)
    await putText(emu, p.benchFiles(cid), 'agent.py', AGENT)
    await asCreator(emu, 'POST', p.run(cid))
    emu.advance(HOUR)
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(200)
    const res = await asCreator(emu, 'PUT', p.settings(cid), { json: { max_upload_files: 3 } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/started/)
  })
})
