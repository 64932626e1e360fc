/** Upload limits and deploy refusals (409 on the current wire, a 4xx with error on legacy). */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, TIMING, type Emulator } from '../../emulator/index.ts'
import {
  HOUR,
  WIRES,
  call,
  createAgent,
  deployedAgent,
  readStatus,
  routes,
  start,
  uploadFile
} from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

const tight = COMPETITIONS.tightLimits

describe.each(WIRES)('%s wire', wire => {
  const r = routes(wire)
  const refusal = wire === 'current' ? 409 : 400

  function filesOf(e: Emulator, aid: number) {
    return e.state().agents.find(a => a.id === aid)?.files ?? []
  }

  it('the tight competition says its limits', async () => {
    emu = await start({ wire })
    const res = await call(emu, 'GET', r.competition(tight))
    expect(res.body.max_upload_size_bytes).toBe(2048)
    expect(res.body.max_upload_files).toBe(2)
  })

  it('refuses a file over the size limit with an error, and stores nothing', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, tight, 'big')
    const res = await uploadFile(emu, tight, aid, 'agent.py', 'x'.repeat(3000))
    expect(res.status).toBe(413)
    expect(res.body.error).toMatch(/2048/)
    expect(filesOf(emu, aid)).toEqual([])
    expect((await readStatus(emu, tight, aid)).body.status).toBe('created')
  })

  it('counts the agent total: two files that together exceed the limit', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, tight, 'total')
    expect((await uploadFile(emu, tight, aid, 'a.py', 'a'.repeat(1500))).status).toBe(200)
    expect((await uploadFile(emu, tight, aid, 'b.py', 'b'.repeat(1000))).status).toBe(413)
    // Overwriting a.py with a smaller version is fine: the same name replaces.
    expect((await uploadFile(emu, tight, aid, 'a.py', 'a'.repeat(1000))).status).toBe(200)
    expect((await uploadFile(emu, tight, aid, 'b.py', 'b'.repeat(1000))).status).toBe(200)
    expect(filesOf(emu, aid).map(f => [f.name, f.size])).toEqual([
      ['a.py', 1000],
      ['b.py', 1000]
    ])
  })

  it('refuses a file over the count limit, and stores nothing', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, tight, 'many')
    await uploadFile(emu, tight, aid, 'a.py', 'a')
    await uploadFile(emu, tight, aid, 'b.py', 'b')
    const third = await uploadFile(emu, tight, aid, 'c.py', 'c')
    expect(third.status).toBeGreaterThanOrEqual(400)
    expect(third.status).toBeLessThan(500)
    expect(third.body.error).toMatch(/2/)
    expect(filesOf(emu, aid).map(f => f.name)).toEqual(['a.py', 'b.py'])
  })

  it('refuses to deploy an agent with nothing uploaded', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, COMPETITIONS.normal, 'empty')
    const res = await call(emu, 'PUT', r.deploy(COMPETITIONS.normal, aid))
    expect(res.status).toBe(refusal)
    expect(res.body.error).toMatch(/upload/i)
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toEqual([])
  })

  it('refuses a second deploy over the daily limit, with the limits', async () => {
    emu = await start({ wire })
    const first = await deployedAgent(emu, tight, 'daily-1', { 'agent.py': 'a\n' })
    emu.settle(first)
    // Free the one active slot so only the daily quota is in the way.
    await call(emu, 'DELETE', r.agent(tight, first))
    const second = await createAgent(emu, tight, 'daily-2')
    await uploadFile(emu, tight, second, 'agent.py', 'b\n')
    const res = await call(emu, 'PUT', r.deploy(tight, second))
    expect(res.status).toBe(refusal)
    expect(res.body.error).toMatch(/daily/i)
    if (wire === 'current') {
      expect(res.body.deployment_limits).toEqual(
        expect.objectContaining({
          daily_deploy_limit: 1,
          daily_deploys_used: 1,
          daily_deploys_remaining: 0,
          can_deploy: false
        })
      )
      expect(Date.parse(res.body.deployment_limits.next_deploy_available_at)).toBeGreaterThan(
        Date.parse(emu.state().now)
      )
      expect(res.body.active_submission_limits).toEqual(
        expect.objectContaining({ max_active_submissions: 1 })
      )
    }
    const quota = await call(emu, 'GET', r.deploy(tight, second))
    if (wire === 'current') expect(quota.body.deployment_limits.can_deploy).toBe(false)
    else expect(quota.body.canDeploy).toBe(false)
    expect(emu.state().deploys.filter(d => d.agentId === second)).toEqual([])

    // The quota is daily: the next UTC day it may deploy.
    emu.advance(24 * HOUR)
    expect((await call(emu, 'PUT', r.deploy(tight, second))).status).toBeLessThan(300)
  })

  it('refuses a deploy over the max active agents', async () => {
    emu = await start({ wire })
    const first = await deployedAgent(emu, tight, 'active-1', { 'agent.py': 'a\n' })
    emu.settle(first)
    emu.advance(24 * HOUR) // a new day: the daily quota is not what refuses
    const second = await createAgent(emu, tight, 'active-2')
    await uploadFile(emu, tight, second, 'agent.py', 'b\n')
    const res = await call(emu, 'PUT', r.deploy(tight, second))
    expect(res.status).toBe(refusal)
    expect(res.body.error).toMatch(/active/i)
    if (wire === 'current')
      expect(res.body.active_submission_limits).toEqual(
        expect.objectContaining({
          max_active_submissions: 1,
          active_submissions_count: 1,
          active_submissions_remaining: 0
        })
      )
  })

  it('refuses a second deploy while one is in progress, with the files unchanged', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'busy')
    const again = await call(emu, 'PUT', r.deploy(COMPETITIONS.normal, aid))
    expect(again.status).toBe(refusal)
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(1)
  })

  // The documented workflow of both SDKs (0.2.0: submit, then update_agent_file_content and
  // deploy_agent; 4.4.0 README "Full participant workflow": submit, then
  // update_submission_file_content and deploy_submission "redeploy after edit").
  it('the seed’s workflow as written: submit, then at once a file change and a deploy', async () => {
    emu = await start({ wire })
    const cid = COMPETITIONS.normal
    // submit(...): create, upload, deploy
    const aid = await deployedAgent(emu, cid, 'seed-workflow', { 'agent.py': 'v = 1\n' })
    // update_agent_file_content(...) / update_submission_file_content(...), with no wait
    const edit = await uploadFile(emu, cid, aid, 'agent.py', 'v = 2\n')
    expect(edit.status).toBe(200)
    expect(edit.body.validation_message).toBeNull()
    // deploy_agent(...) / deploy_submission(...)
    const redeploy = await call(emu, 'PUT', r.deploy(cid, aid))
    expect(redeploy.status).toBe(wire === 'current' ? 202 : 200)
    emu.settle(aid)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('active')
    expect(
      emu
        .state()
        .deploys.filter(d => d.agentId === aid)
        .map(d => d.status)
    ).toEqual(['cancelled', 'succeeded'])
  })

  it('deletes one file with a form-urlencoded delete_file, as both SDKs send it', async () => {
    emu = await start({ wire })
    const cid = COMPETITIONS.normal
    const aid = await createAgent(emu, cid, 'urlencoded-delete')
    await uploadFile(emu, cid, aid, 'agent.py', 'a\n')
    await uploadFile(emu, cid, aid, 'helper.py', 'b\n')
    const res = await call(emu, 'PUT', r.files(cid, aid), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ delete_file: 'helper.py' }).toString()
    })
    expect(res.status).toBe(200)
    const files = await call(emu, 'GET', r.files(cid, aid))
    expect(Object.keys(files.body.files)).toEqual(['agent.py'])
    const missing = await call(emu, 'PUT', r.files(cid, aid), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'delete_file=nope.py'
    })
    expect(missing.status).toBe(404)
  })

  it('accepts a file change right after a deploy, and the redeploy that follows', async () => {
    emu = await start({ wire })
    const cid = COMPETITIONS.normal
    const aid = await deployedAgent(emu, cid, 'edit-after-submit', {
      'agent.py': 'class Agent:\n    epsilon = 0.1\n'
    })
    emu.advance(TIMING.graceMs) // the first deploy is queued
    const edit = await uploadFile(emu, cid, aid, 'agent.py', 'class Agent:\n    epsilon = 0.05\n')
    expect(edit.status).toBe(200)
    const redeploy = await call(emu, 'PUT', r.deploy(cid, aid))
    expect([200, 202]).toContain(redeploy.status)
    const deploys = emu.state().deploys.filter(d => d.agentId === aid)
    expect(deploys.map(d => d.status)).toEqual(['cancelled', 'queued'])
    expect(deploys[0]?.failureMessage).toMatch(/files changed/)
    emu.settle(aid)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('active')
    const files = await call(emu, 'GET', r.files(cid, aid))
    expect(files.body.files['agent.py'].content).toContain('epsilon = 0.05')
  })

  it('the file challenge takes only its submission_filename', async () => {
    emu = await start({ wire })
    const cid = COMPETITIONS.fileChallenge
    const aid = await createAgent(emu, cid, 'forecast')
    const wrong = await uploadFile(emu, cid, aid, 'predictions.csv', 'id,y\n1,2\n')
    expect(wrong.status).toBe(400)
    expect(wrong.body.error).toMatch(/submission\.csv/)
    expect((await uploadFile(emu, cid, aid, 'submission.csv', 'id,y\n1,2\n')).status).toBe(200)
    expect((await call(emu, 'PUT', r.deploy(cid, aid))).status).toBeLessThan(300)
    emu.settle(aid)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('active')
  })
})

describe('current wire only', () => {
  it('reports is_deployable false exactly when a deploy would be refused for the agent itself', async () => {
    emu = await start({ wire: 'current' })
    const cid = COMPETITIONS.normal
    const aid = await createAgent(emu, cid, 'deployable')
    expect((await readStatus(emu, cid, aid)).body.is_deployable).toBe(false)
    await uploadFile(emu, cid, aid, 'agent.py', 'ok\n')
    expect((await readStatus(emu, cid, aid)).body.is_deployable).toBe(true)
  })
})
