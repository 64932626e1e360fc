import { afterEach, describe, expect, it } from '@jest/globals'
import type { ArenaClient } from '../../src/arena/client.js'
import { ArenaError } from '../../src/arena/errors.js'
import { caught, harness, json, startServer, type Handler, type TestServer } from './support.js'

let servers: TestServer[] = []
let clients: ArenaClient[] = []

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  await Promise.all(servers.map(s => s.close()))
  servers = []
  clients = []
})

/** A server of one wire: its routes answer, the others 404 as an unknown route. */
function wireServer(prefix: string, routes: Record<string, unknown>): Handler {
  return (req, res, body) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (!path.startsWith(prefix)) return json(404, { error: 'Not found' })(req, res, body)
    const answer = routes[path]
    return answer === undefined
      ? json(404, { error: 'Competition not found' })(req, res, body)
      : json(200, answer)(req, res, body)
  }
}

async function setup(
  handler: Handler
): Promise<{ server: TestServer } & ReturnType<typeof harness>> {
  const server = await startServer(handler)
  servers.push(server)
  const h = harness(server.url, { wire: 'auto' })
  clients.push(h.client)
  return { server, ...h }
}

const LEGACY = wireServer('/api/competitions', {
  '/api/competitions/1': { id: 1, name: 'Legacy cup' },
  '/api/competitions/': { items: [], metadata: { has_next: false } }
})
const CURRENT = wireServer('/api/challenges', {
  '/api/challenges/1': { id: 1, name: 'Current cup' },
  '/api/challenges/': { items: [], metadata: { has_next: false } }
})

describe('wire detection (auto)', () => {
  it('costs nothing extra on a current server', async () => {
    const { server, client } = await setup(CURRENT)
    await expect(client.getCompetition(1)).resolves.toMatchObject({ name: 'Current cup' })
    expect(client.knownWire).toBe('current')
    await expect(client.wire()).resolves.toBe('current')
    expect(server.requests.map(r => r.url)).toEqual(['/api/challenges/1'])
  })

  it('costs one extra request on a legacy server, then remembers', async () => {
    const { server, client } = await setup(LEGACY)
    await expect(client.getCompetition(1)).resolves.toMatchObject({ name: 'Legacy cup' })
    await client.getCompetition(1)
    expect(client.knownWire).toBe('legacy')
    expect(server.requests.map(r => r.url)).toEqual([
      '/api/challenges/1',
      '/api/competitions/1',
      '/api/competitions/1'
    ])
  })

  it('does not take a missing competition for a wire', async () => {
    const { server, client } = await setup(CURRENT)
    const error = await caught(client.getCompetition(99))
    expect(error).toBeInstanceOf(ArenaError)
    expect((error as ArenaError).kind).toBe('not-found')
    expect(error.message).toBe(
      'ML Arena refused the competition request (404 on GET /api/challenges/99, and on GET /api/competitions/99 of the legacy wire): "Competition not found"; check the ids (a hidden competition also answers 404)'
    )
    expect(client.knownWire).toBeNull()
    expect(server.requests).toHaveLength(2)
    // The next call still detects, and gets it right.
    await client.getCompetition(1)
    expect(client.knownWire).toBe('current')
  })

  it('settles on a refusal that shows the route exists (401)', async () => {
    const { server, client } = await setup(json(401, { error: 'Invalid token' }))
    expect(((await caught(client.getCompetition(1))) as ArenaError).kind).toBe('auth')
    expect(client.knownWire).toBe('current')
    expect(server.requests).toHaveLength(1)
  })

  it('wire() probes the competition list with one request on current, two on legacy', async () => {
    const current = await setup(CURRENT)
    await expect(current.client.wire()).resolves.toBe('current')
    expect(current.server.requests.map(r => r.url)).toEqual(['/api/challenges/?page=1&per_page=1'])
    const legacy = await setup(LEGACY)
    await expect(legacy.client.wire()).resolves.toBe('legacy')
    expect(legacy.server.requests).toHaveLength(2)
  })

  it('wire() says when neither wire answers', async () => {
    const { client } = await setup(json(404, { error: 'Not found' }))
    const error = await caught(client.wire())
    expect((error as ArenaError).kind).toBe('protocol')
    expect(error.message).toContain('404 on the competition list of both API wires')
  })

  it('mine() settles legacy from its own 404 (the route has no ids) and answers null', async () => {
    const { server, client } = await setup(LEGACY)
    await expect(client.mine()).resolves.toBeNull()
    expect(client.knownWire).toBe('legacy')
    expect(server.requests.map(r => r.url)).toEqual(['/api/submissions/mine'])
  })

  it('a forced wire never probes', async () => {
    const server = await startServer(LEGACY)
    servers.push(server)
    const { client } = harness(server.url, { wire: 'legacy' })
    clients.push(client)
    await client.getCompetition(1)
    expect(server.requests.map(r => r.url)).toEqual(['/api/competitions/1'])
  })
})
