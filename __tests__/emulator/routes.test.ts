/** Every route of the contract's table, on both wires. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { COMPETITIONS } from '../../emulator/index.ts'
import {
  WIRES,
  call,
  competitionId,
  createAgent,
  createBody,
  readStatus,
  routes,
  start,
  uploadFile,
  type Wire
} from './helpers.ts'

describe.each(WIRES)('every route on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)
  let normal: number

  beforeAll(async () => {
    emu = await start({ wire })
    normal = competitionId(emu, 'normal')
  })
  afterAll(() => emu.close())

  it('seeds the documented competitions with the exported ids', () => {
    expect(emu.wire).toBe(wire)
    expect(emu.competitions.map(c => c.scenario)).toEqual([
      'normal',
      'elo',
      'hidden',
      'simulator-down',
      'tight-limits',
      'big-board',
      'file-challenge',
      'stopped',
      'creator-draft',
      'creator-hidden'
    ])
    expect(normal).toBe(COMPETITIONS.normal)
  })

  it('serves a competition detail with its limits and simulator health', async () => {
    const res = await call(emu, 'GET', r.competition(normal))
    expect(res.status).toBe(200)
    expect(res.body.name).toBe('Lunar Lander')
    expect(res.body.max_upload_size_bytes).toBeGreaterThan(1024 * 1024 * 1024)
    expect(res.body.max_upload_files).toBeGreaterThan(1)
    const machine = wire === 'current' ? res.body.machine : res.body.engine
    // `challenge` docstring: the health keys are set only on a `vm` machine.
    if (wire === 'current') expect(machine).toMatchObject({ runtime: 'k8s', vm_health_ok: null })
    else expect(machine.vm_health_ok).toBe(true)
    const down = await call(emu, 'GET', r.competition(competitionId(emu, 'simulator-down')))
    expect((wire === 'current' ? down.body.machine : down.body.engine).vm_health_ok).toBe(false)
    if (wire === 'current') expect(down.body.machine.runtime).toBe('vm')
  })

  it('pages the competition list until has_next is false', async () => {
    const seen: number[] = []
    for (let page = 1; page < 10; page += 1) {
      const res = await call(emu, 'GET', `${r.list}?page=${page}&per_page=2`)
      expect(res.status).toBe(200)
      seen.push(...res.body.items.map((c: { id: number }) => c.id))
      if (!res.body.metadata.has_next) break
    }
    // The hidden competition is not listed for alice's user token; the current list shows started
    // competitions by default, the legacy one every status.
    expect(seen).toEqual(wire === 'current' ? [1, 2, 4, 5, 6, 7] : [1, 2, 4, 5, 6, 7, 8])
    const found = await call(emu, 'GET', `${r.list}?q=lander`)
    expect(found.body.items.map((c: { name: string }) => c.name)).toEqual(['Lunar Lander'])
  })

  it('lists runtime options with two torch versions', async () => {
    const res = await call(emu, 'GET', r.runtimeOptions(normal))
    expect(res.status).toBe(200)
    const torch = res.body.filter(
      (o: { language: string; framework: string }) =>
        o.language === 'python' && o.framework === 'torch'
    )
    expect(torch.map((o: { framework_version: string }) => o.framework_version)).toEqual([
      '2.1.2',
      '2.5.1'
    ])
    for (const option of res.body) {
      expect(option).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          language: expect.any(String),
          requirement: expect.anything()
        })
      )
      if (wire === 'current') expect(Array.isArray(option.packages)).toBe(true)
    }
  })

  it('creates an agent, pins and reads its runtime, refuses a runtime of another simulator', async () => {
    const res = await call(emu, 'POST', r.create(normal), { json: createBody(wire, 'routes-a') })
    expect([200, 201]).toContain(res.status)
    if (wire === 'current') {
      expect(res.status).toBe(201)
      expect(res.body.status).toBe('created')
    }
    const aid = wire === 'current' ? res.body.submission_id : res.body.attache_agent_id
    expect(typeof aid).toBe('number')

    const pin = await call(emu, 'PUT', r.runtime(aid), {
      json: { docker_image_agent_runtime_id: 3 }
    })
    expect(pin.status).toBe(200)
    const read = await call(emu, 'GET', r.runtime(aid))
    expect(read.status).toBe(200)
    expect(read.body.docker_image_agent_runtime_id).toBe(3)

    const wrong = await call(emu, 'PUT', r.runtime(aid), {
      json: { docker_image_agent_runtime_id: 9 }
    })
    expect(wrong.status).toBeGreaterThanOrEqual(400)
    expect(wrong.status).toBeLessThan(500)
    expect(wrong.body.error).toMatch(/9/)
    expect((await call(emu, 'GET', r.runtime(aid))).body.docker_image_agent_runtime_id).toBe(3)
  })

  it('uploads, overwrites, lists, reads and deletes files', async () => {
    const aid = await createAgent(emu, normal, 'routes-files')
    const first = await uploadFile(emu, normal, aid, 'agent.py', 'print("v1")\n')
    expect([200, 201]).toContain(first.status)
    expect(first.body.validation_message ?? null).toBeNull()
    expect((await readStatus(emu, normal, aid)).body.status).toBe('upload_validated')

    await uploadFile(emu, normal, aid, 'agent.py', 'print("version 2")\n')
    await uploadFile(emu, normal, aid, 'weights.bin', new Uint8Array([0, 1, 2, 0, 255]))
    const list = await call(emu, 'GET', r.files(normal, aid))
    expect(list.status).toBe(200)
    expect(Object.keys(list.body.files).sort()).toEqual(['agent.py', 'weights.bin'])
    expect(list.body.files['agent.py']).toEqual(
      expect.objectContaining({
        content: 'print("version 2")\n',
        language: 'python',
        is_binary: false,
        size: 19
      })
    )
    expect(list.body.files['weights.bin']).toEqual(
      expect.objectContaining({ is_binary: true, size: 5 })
    )

    const one = await call(emu, 'GET', r.content(normal, aid, 'agent.py'))
    expect(one.status).toBe(200)
    expect(one.body.content).toBe('print("version 2")\n')
    expect((await call(emu, 'GET', r.content(normal, aid, 'nope.py'))).status).toBe(404)

    const form = new FormData()
    form.append('delete_file', 'weights.bin')
    const deleted = await call(emu, 'PUT', r.files(normal, aid), { form })
    expect(deleted.status).toBe(200)
    const after = await call(emu, 'GET', r.files(normal, aid))
    expect(Object.keys(after.body.files)).toEqual(['agent.py'])
  })

  it('refuses a multipart upload whose part is not named file', async () => {
    const aid = await createAgent(emu, normal, 'routes-badpart')
    const form = new FormData()
    form.append('upload', new Blob(['x']), 'agent.py')
    const res = await call(emu, 'PUT', r.files(normal, aid), { form })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/file/)
    expect(emu.state().agents.find(a => a.id === aid)?.files).toEqual([])
  })

  it('deploys, reports the quota and the status, lists games, ranks and deletes the agent', async () => {
    const aid = await createAgent(emu, normal, 'routes-deploy')
    await uploadFile(emu, normal, aid, 'agent.py', 'class Agent: pass\n')
    const before = await call(emu, 'GET', r.deploy(normal, aid))
    expect(before.status).toBe(200)
    if (wire === 'current') {
      expect(before.body.deployment_limits).toEqual(
        expect.objectContaining({ daily_deploy_limit: 20, daily_deploys_used: 0, can_deploy: true })
      )
      expect(before.body.active_submission_limits.max_active_submissions).toBe(10)
      // SDK 4.4.0: all-null when the submission has never deployed.
      expect(before.body.latest_deploy).toEqual({
        id: null,
        created_at_ts: null,
        status: null,
        finished_at_ts: null,
        failure_message: null,
        failure_owner: null
      })
    } else {
      expect(before.body.dailyDeploysUsed).toBe(0)
      expect(before.body.canDeploy).toBe(true)
    }

    const deploy = await call(emu, 'PUT', r.deploy(normal, aid))
    expect([200, 201, 202]).toContain(deploy.status)
    if (wire === 'current') {
      expect(deploy.status).toBe(202)
      expect(typeof deploy.body.message).toBe('string')
    }
    const quota = await call(emu, 'GET', r.deploy(normal, aid))
    if (wire === 'current') {
      expect(quota.body.deployment_limits.daily_deploys_used).toBe(1)
      expect(quota.body.latest_deploy.status).toBe('queued')
    } else expect(quota.body.dailyDeploysUsed).toBe(1)

    emu.settle(aid)
    const status = await readStatus(emu, normal, aid)
    expect(status.body.status).toBe('active')
    const games = await call(emu, 'GET', r.games(aid))
    expect(games.status).toBe(200)
    expect(games.body.games.length).toBeGreaterThan(0)

    const board = await call(
      emu,
      'GET',
      wire === 'current' ? `${r.board(normal)}?aggregate=submission` : r.board(normal)
    )
    const rows = wire === 'current' ? board.body.leaders : board.body
    const mine = rows.find((row: Record<string, unknown>) =>
      wire === 'current' ? row.submission_id === aid : row.agentAttachId === aid
    )
    expect(mine).toBeDefined()

    const del = await call(emu, 'DELETE', r.agent(normal, aid))
    expect(del.status).toBe(200)
    expect((await readStatus(emu, normal, aid)).body.status).toBe('deleted')
    const boardAfter = await call(
      emu,
      'GET',
      wire === 'current' ? `${r.board(normal)}?aggregate=submission` : r.board(normal)
    )
    const rowsAfter = wire === 'current' ? boardAfter.body.leaders : boardAfter.body
    expect(
      rowsAfter.some((row: Record<string, unknown>) =>
        wire === 'current' ? row.submission_id === aid : row.agentAttachId === aid
      )
    ).toBe(false)
  })

  it('copies an agent: its files and runtime come along', async () => {
    const source = await createAgent(emu, normal, 'routes-source')
    await uploadFile(emu, normal, source, 'agent.py', 'copied\n')
    await call(emu, 'PUT', r.runtime(source), { json: { docker_image_agent_runtime_id: 2 } })
    const res = await call(emu, 'POST', r.create(normal), {
      json: createBody(wire, 'routes-copy', source)
    })
    const copy = wire === 'current' ? res.body.submission_id : res.body.attache_agent_id
    const files = await call(emu, 'GET', r.files(normal, copy))
    expect(files.body.files['agent.py'].content).toBe('copied\n')
    expect((await call(emu, 'GET', r.runtime(copy))).body.docker_image_agent_runtime_id).toBe(2)
  })

  it('answers 404 {"error":"Not found"} on the other wire\'s routes', async () => {
    const other = routes(wire === 'current' ? 'legacy' : 'current')
    for (const path of [
      other.competition(normal),
      other.board(normal),
      other.games(1002),
      other.status(normal, 1002)
    ]) {
      const res = await call(emu, 'GET', path)
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: 'Not found' })
    }
    const create = await call(emu, 'POST', other.create(normal), {
      json: createBody(wire === 'current' ? 'legacy' : 'current', 'wrong-wire')
    })
    expect(create.status).toBe(404)
    expect(emu.state().agents.some(a => a.name === 'wrong-wire')).toBe(false)
  })

  it('answers 404 with an error for a competition or agent that does not exist', async () => {
    const missing = await call(emu, 'GET', r.competition(999))
    expect(missing.status).toBe(404)
    expect(typeof missing.body.error).toBe('string')
    expect(missing.body.error).not.toBe('Not found')
    expect((await readStatus(emu, normal, 99999)).status).toBe(404)
  })

  if (wire === 'current') {
    it('lists my submissions with a rank and deployment limits', async () => {
      const res = await call(emu, 'GET', '/api/submissions/mine')
      expect(res.status).toBe(200)
      const seeded = res.body.submissions.find((s: { id: number }) => s.id === 1002)
      expect(seeded).toEqual(
        expect.objectContaining({
          submission_name: 'alice-main',
          challenge_id: 1,
          status: 'active'
        })
      )
      expect(typeof seeded.rank).toBe('number')
      expect(res.body.submissions.every((s: { id: number }) => s.id !== 1001)).toBe(true)
      expect(res.body.deployment_limits).toBeDefined()
    })
  } else {
    it('has no "mine" route', async () => {
      expect((await call(emu, 'GET', '/api/submissions/mine')).status).toBe(404)
    })
  }
})

describe('wire shapes that differ', () => {
  it.each<[Wire, string]>([
    ['current', 'submission_filename'],
    ['legacy', 'engine']
  ])('the %s wire carries %s in the competition detail', async (wire, key) => {
    const emu = await start({ wire })
    try {
      const res = await call(emu, 'GET', routes(wire).competition(COMPETITIONS.fileChallenge))
      expect(res.body).toHaveProperty(key)
      if (wire === 'current') {
        expect(res.body.submission_filename).toBe('submission.csv')
        expect(typeof res.body.kind_label).toBe('string')
        expect(res.body.submission_layout).toEqual({
          columns: expect.any(Array),
          separator: expect.any(String),
          id_column: expect.any(String),
          target_column: expect.any(String),
          row_count: expect.any(Number)
        })
      }
    } finally {
      await emu.close()
    }
  })
})
