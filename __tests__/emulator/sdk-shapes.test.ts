/**
 * Shapes the contract leaves open and the official SDK 4.4.0 documents (its docstrings are the
 * authority where ml-arena-api.md is silent): the status blocks keep their keys in every state,
 * the deploy answer names its deployment, a copy source that is not yours is not found.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, TOKENS, type Emulator } from '../../emulator/index.ts'
import {
  WIRES,
  call,
  createAgent,
  createBody,
  readStatus,
  routes,
  start,
  uploadFile
} from './helpers.ts'

describe('the current wire as SDK 4.4.0 documents it', () => {
  let emu: Emulator
  const r = routes('current')
  const cid = COMPETITIONS.normal

  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('serves queue_info and latest_deploy with all their keys, null before any deploy', async () => {
    const aid = await createAgent(emu, cid, 'never-deployed')
    const status = (await readStatus(emu, cid, aid)).body
    expect(status.queue_info).toEqual({
      queue_position: null,
      queue_total: null,
      created_at_ts: null,
      in_queue_for_second: null
    })
    expect(status.latest_deploy).toEqual({
      id: null,
      created_at_ts: null,
      status: null,
      finished_at_ts: null,
      failure_message: null,
      failure_owner: null
    })
    expect(status.run_info).toEqual({
      submission_deploy_id: null,
      number_of_agents: 1,
      has_gpu: false,
      metrics: null,
      results: []
    })
  })

  it('answers a deploy with 202 and its deployment_id', async () => {
    const aid = await createAgent(emu, cid, 'deploy-id')
    await uploadFile(emu, cid, aid, 'agent.py', 'class Agent: pass\n')
    const res = await call(emu, 'PUT', r.deploy(cid, aid))
    expect(res.status).toBe(202)
    expect(typeof res.body.deployment_id).toBe('number')
    const quota = await call(emu, 'GET', r.deploy(cid, aid))
    expect(quota.body.latest_deploy.id).toBe(res.body.deployment_id)
  })
})

describe.each(WIRES)('copying from a submission that is not yours on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  it('is refused and creates nothing (current: 404 "Source … not found"; legacy: 403)', async () => {
    const bobs = await createAgent(emu, COMPETITIONS.normal, 'bob-source', TOKENS.otherUser)
    const res = await call(emu, 'POST', r.create(COMPETITIONS.normal), {
      json: createBody(wire, 'copycat', bobs)
    })
    expect(res.status).toBe(wire === 'current' ? 404 : 403)
    if (wire === 'current') expect(res.body.error).toMatch(/^Source .* not found$/)
    expect(emu.state().agents.some(a => a.name === 'copycat')).toBe(false)
  })
})
