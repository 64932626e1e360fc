/** Injected faults: before vs after, kinds, times, globs, the random rate and the request log. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { WIRES, call, createAgent, createBody, routes, start, uploadFile } from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

const cid = COMPETITIONS.normal

async function rawCreate(
  e: Emulator,
  name: string
): Promise<{ status: number | 'reset'; text: string }> {
  try {
    const res = await fetch(`${e.baseUrl}${routes(e.wire).create(cid)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.tokens.user}`, 'content-type': 'application/json' },
      body: JSON.stringify(createBody(e.wire, name))
    })
    return { status: res.status, text: await res.text() }
  } catch {
    return { status: 'reset', text: '' }
  }
}

const agentsNamed = (e: Emulator, name: string) => e.state().agents.filter(a => a.name === name)

describe.each(WIRES)('%s wire', wire => {
  const createGlob =
    wire === 'current'
      ? 'POST /api/submissions/challenge/*'
      : 'POST /api/direct_attache_agents/competition/*'

  it('a create with an `after` reset creates the agent; a `before` one does not', async () => {
    emu = await start({ wire })
    emu.addFault({ route: createGlob, kind: 'reset', when: 'after', times: 1 })
    expect((await rawCreate(emu, 'after-reset')).status).toBe('reset')
    expect(agentsNamed(emu, 'after-reset')).toHaveLength(1)

    emu.addFault({ route: createGlob, kind: 'reset', when: 'before', times: 1 })
    expect((await rawCreate(emu, 'before-reset')).status).toBe('reset')
    expect(agentsNamed(emu, 'before-reset')).toHaveLength(0)

    // times: 1 → the next create goes through.
    expect((await rawCreate(emu, 'clean')).status).toBe(201)
  })

  it('a 500 `after` a deploy leaves the deploy done; a 500 `before` does not', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, cid, 'deploy-faults')
    await uploadFile(emu, cid, aid, 'agent.py', 'ok\n')
    const deployGlob = `PUT /api/*/*/${cid}/${aid}/deploy`
    emu.addFault({ route: deployGlob, kind: 'status', status: 500, when: 'before', times: 1 })
    expect((await call(emu, 'PUT', routes(wire).deploy(cid, aid))).status).toBe(500)
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(0)
    emu.addFault({ route: deployGlob, kind: 'status', status: 502, when: 'after', times: 1 })
    const res = await call(emu, 'PUT', routes(wire).deploy(cid, aid))
    expect(res.status).toBe(502)
    expect(res.body).toBeUndefined() // an HTML gateway page, not JSON
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(1)
  })

  it('429 carries Retry-After; 429 and 503 are always `before`', async () => {
    emu = await start({ wire })
    emu.addFault({
      route: createGlob,
      kind: 'status',
      status: 429,
      retryAfter: '2',
      when: 'after',
      times: 1
    })
    const limited = await call(emu, 'POST', routes(wire).create(cid), {
      json: createBody(wire, 'limited')
    })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(typeof limited.body.error).toBe('string')
    expect(agentsNamed(emu, 'limited')).toHaveLength(0)

    emu.addFault({ route: createGlob, kind: 'status', status: 503, when: 'after', times: 1 })
    const maintenance = await call(emu, 'POST', routes(wire).create(cid), {
      json: createBody(wire, 'maint')
    })
    expect(maintenance.status).toBe(503)
    expect(maintenance.body).toEqual(
      expect.objectContaining({ maintenance_mode: true, error: expect.any(String) })
    )
    expect(agentsNamed(emu, 'maint')).toHaveLength(0)
  })

  it('malformed: 200 with a truncated JSON body', async () => {
    emu = await start({ wire })
    emu.addFault({ route: 'GET /api/**', kind: 'malformed', times: 1 })
    const res = await call(emu, 'GET', routes(wire).competition(cid))
    expect(res.status).toBe(200)
    expect(res.text.length).toBeGreaterThan(0)
    expect(() => JSON.parse(res.text)).toThrow()
    expect((await call(emu, 'GET', routes(wire).competition(cid))).body.id).toBe(cid)
  })

  it('redirect: 302 to another host', async () => {
    emu = await start({ wire })
    emu.addFault({ route: '* /api/**', kind: 'redirect', times: 1 })
    const res = await call(emu, 'GET', routes(wire).competition(cid))
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.host).not.toBe(new URL(emu.baseUrl).host)
    expect(location.pathname).toBe(routes(wire).competition(cid))
  })

  it('latency: the request is delayed, then answered normally', async () => {
    emu = await start({ wire })
    emu.addFault({ kind: 'latency', latencyMs: 5, times: 1 })
    const res = await call(emu, 'GET', routes(wire).competition(cid))
    expect(res.status).toBe(200)
    expect(emu.requests().at(-1)).toEqual(
      expect.objectContaining({ fault: 'latency', status: 200 })
    )
  })

  it('a spec without route hits every API request until cleared; route globs are exact', async () => {
    emu = await start({ wire })
    emu.addFault({ kind: 'status', status: 500 })
    expect((await call(emu, 'GET', routes(wire).competition(1))).status).toBe(500)
    expect((await call(emu, 'GET', routes(wire).competition(2))).status).toBe(500)
    emu.clearFaults()
    emu.addFault({ route: `GET ${routes(wire).competition(2)}`, kind: 'status', status: 504 })
    expect((await call(emu, 'GET', routes(wire).competition(1))).status).toBe(200)
    expect((await call(emu, 'GET', routes(wire).competition(2))).status).toBe(504)
    // "*" stays within one segment.
    emu.clearFaults()
    emu.addFault({ route: 'GET /api/*', kind: 'status', status: 500 })
    expect((await call(emu, 'GET', routes(wire).competition(1))).status).toBe(200)
  })
})

describe('the request log and the HTTP fault routes', () => {
  it('counts every fault, and records header presence, never values', async () => {
    emu = await start({ wire: 'current' })
    emu.clearRequests()
    const res = await fetch(`${emu.baseUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        route: 'GET /api/challenges/*',
        kind: 'status',
        status: 503,
        times: 2
      })
    })
    expect(res.status).toBe(201)
    await call(emu, 'GET', '/api/challenges/1')
    await call(emu, 'GET', '/api/challenges/1')
    await call(emu, 'GET', '/api/challenges/1')
    const log = (await (await fetch(`${emu.baseUrl}/__emulator/requests`)).json()) as Record<
      string,
      unknown
    >[]
    expect(log.map(e => [e.path, e.status, e.fault ?? null])).toEqual([
      ['/api/challenges/1', 503, 'status'],
      ['/api/challenges/1', 503, 'status'],
      ['/api/challenges/1', 200, null]
    ])
    expect(log[0]).toEqual(
      expect.objectContaining({
        seq: expect.any(Number),
        method: 'GET',
        headers: expect.objectContaining({ authorization: true })
      })
    )
    expect(JSON.stringify(log)).not.toContain(emu.tokens.user)
    expect(JSON.stringify(log)).not.toContain('s3cret')

    const bad = await fetch(`${emu.baseUrl}/__emulator/faults`, {
      method: 'POST',
      body: '{"kind":"explode"}'
    })
    expect(bad.status).toBe(400)
    expect((await fetch(`${emu.baseUrl}/__emulator/faults`, { method: 'DELETE' })).status).toBe(200)
    expect(emu.state().faults).toEqual([])
  })

  it('never records a signed URL query string', async () => {
    emu = await start({ wire: 'current' })
    const aid = await createAgent(emu, cid, 'q')
    await uploadFile(emu, cid, aid, 'agent.py', 'x\n')
    await call(emu, 'PUT', routes('current').deploy(cid, aid))
    emu.settle(aid)
    const games = (await call(emu, 'GET', routes('current').games(aid))).body.games
    const url = games.find((g: { replay: { signed_url: string } | null }) => g.replay).replay
      .signed_url as string
    await fetch(url)
    const entry = emu.requests().find(e => e.server === 'storage')
    expect(entry?.path).toBe(new URL(url).pathname)
    expect(JSON.stringify(emu.requests())).not.toContain(new URL(url).searchParams.get('signature'))
  })
})

describe('random faults (faultRate)', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const e = await start({
      wire: 'current',
      faultRate: 0.5,
      seed,
      faultKinds: ['500', '503', 'malformed', 'latency']
    })
    try {
      for (let i = 0; i < 30; i += 1) await call(e, 'GET', '/api/challenges/1')
      return e.requests().map(r => `${r.status}:${r.fault ?? '-'}`)
    } finally {
      await e.close()
    }
  }

  it('faults about the given share of requests, from the pool, reproducibly per seed', async () => {
    const a = await outcomes(3)
    const b = await outcomes(3)
    expect(a).toEqual(b)
    const faulted = a.filter(o => !o.endsWith(':-'))
    expect(faulted.length).toBeGreaterThan(5)
    expect(faulted.length).toBeLessThan(25)
    for (const o of faulted)
      expect(o).toMatch(/^(500:status|503:status|200:malformed|200:latency)$/)
    expect(await outcomes(4)).not.toEqual(a)
  })

  it('never touches the inspection routes, nor storage unless storageFaults', async () => {
    const e = await start({ wire: 'current', faultRate: 1, faultKinds: ['500'] })
    try {
      expect((await fetch(`${e.baseUrl}/__emulator/state`)).status).toBe(200)
      expect((await call(e, 'GET', '/api/challenges/1')).status).toBe(500)
      // An explicit spec wins over the random rate: read the games list through a latency spec.
      e.addFault({
        route: 'GET /api/submissions/submission/1002/games',
        kind: 'latency',
        latencyMs: 1,
        times: 1
      })
      const games = (await call(e, 'GET', '/api/submissions/submission/1002/games')).body.games
      const url = games.find((g: { replay: { signed_url: string } | null }) => g.replay).replay
        .signed_url as string
      expect((await fetch(url)).status).toBe(200)
    } finally {
      await e.close()
    }
  })

  it('storage faults hit log downloads when storageFaults is on', async () => {
    const e = await start({
      wire: 'current',
      faultRate: 1,
      faultKinds: ['503'],
      storageFaults: true
    })
    try {
      e.addFault({
        route: 'GET /api/submissions/submission/1002/games',
        kind: 'latency',
        latencyMs: 1,
        times: 1
      })
      const games = (await call(e, 'GET', '/api/submissions/submission/1002/games')).body.games
      const url = games.find((g: { replay: { signed_url: string } | null }) => g.replay).replay
        .signed_url as string
      expect((await fetch(url)).status).toBe(503)
    } finally {
      await e.close()
    }
  })
})
