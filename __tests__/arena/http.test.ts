import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { EnvHttpProxyAgent } from 'undici'
import { ArenaClient } from '../../src/arena/client.js'
import { ArenaError } from '../../src/arena/errors.js'
import { CLIENT_VERSION } from '../../src/arena/version.js'
import {
  caught,
  CREATOR_TOKEN,
  hang,
  harness,
  json,
  reset,
  sequence,
  startProxy,
  startServer,
  text,
  TOKEN,
  type TestProxy,
  type TestServer
} from './support.js'

const COMPETITION = { id: 1, name: 'CartPole' }

let servers: (TestServer | TestProxy)[] = []
let clients: ArenaClient[] = []

async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args)
  servers.push(server)
  return server
}

function client(...args: Parameters<typeof harness>): ReturnType<typeof harness> {
  const h = harness(...args)
  clients.push(h.client)
  return h
}

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  await Promise.all(servers.map(s => s.close()))
  servers = []
  clients = []
})

function arenaError(error: Error): ArenaError {
  expect(error).toBeInstanceOf(ArenaError)
  return error as ArenaError
}

describe('requests', () => {
  it('send the bearer token, a User-Agent with the package version, and accept JSON', async () => {
    const server = await serve(json(200, COMPETITION))
    const { client: arena } = client(server.url)
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ id: 1, name: 'CartPole' })
    const [request] = server.requests
    expect(request?.method).toBe('GET')
    expect(request?.url).toBe('/api/challenges/1')
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request?.headers['user-agent']).toBe(`mlarena-action/${CLIENT_VERSION}`)
    expect(request?.headers.accept).toBe('application/json')
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    ) as { version: string }
    expect(CLIENT_VERSION).toBe(pkg.version)
  })

  it('keep a path prefix of the base URL', async () => {
    const server = await serve(json(200, COMPETITION))
    const { client: arena } = client(`${server.url}/self-hosted/`)
    await arena.getCompetition(1)
    expect(server.requests[0]?.url).toBe('/self-hosted/api/challenges/1')
  })

  it('refuse a user-scope route with another scope before sending anything', async () => {
    const server = await serve(json(200, {}))
    const { client: arena } = client(server.url, { token: CREATOR_TOKEN })
    const error = arenaError(await caught(arena.status(1, 5)))
    expect(error.kind).toBe('scope')
    expect(error.route).toBe('GET /api/submissions/challenge/1/5/status')
    expect(server.requests).toHaveLength(0)
    // Competition reads are open to every scope.
    await arena.getCompetition(1).catch(() => undefined)
    expect(server.requests).toHaveLength(1)
  })
})

describe('retries', () => {
  it('back off exponentially with full jitter on 503, 502 and 504', async () => {
    const server = await serve(
      sequence(
        json(503, { error: 'busy' }),
        text(502, 'bad gateway'),
        json(504, {}),
        json(200, COMPETITION)
      )
    )
    const { client: arena, sleeps, warnings } = client(server.url)
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ name: 'CartPole' })
    // random() = 0.5 × min(30 s, 1 s × 2ⁿ)
    expect(sleeps).toEqual([500, 1000, 2000])
    expect(server.requests).toHaveLength(4)
    expect(warnings[0]).toContain('503 on GET /api/challenges/1')
    expect(warnings[0]).toContain('attempt 2 of 6')
  })

  it('honour Retry-After in seconds on 429', async () => {
    const server = await serve(
      sequence(json(429, { error: 'slow down' }, { 'retry-after': '7' }), json(200, COMPETITION))
    )
    const { client: arena, sleeps } = client(server.url)
    await arena.getCompetition(1)
    expect(sleeps).toEqual([7000])
  })

  it('honour Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-11-25T12:00:00Z')
    const server = await serve(
      sequence(
        json(
          503,
          { error: 'maintenance', maintenance_mode: true },
          { 'retry-after': 'Wed, 25 Nov 2026 12:00:12 GMT' }
        ),
        json(200, COMPETITION)
      )
    )
    const { client: arena, sleeps } = client(server.url, { now: () => now })
    await arena.getCompetition(1)
    expect(sleeps).toEqual([12_000])
  })

  it('do not wait a Retry-After beyond the cap, and say so', async () => {
    const server = await serve(
      json(429, { error: 'quota of requests exceeded' }, { 'retry-after': '3600' })
    )
    const { client: arena, sleeps } = client(server.url)
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(error.kind).toBe('rate-limited')
    expect(error.message).toBe(
      'ML Arena rate-limited the competition request (429 on GET /api/challenges/1): "quota of requests exceeded" (the server asks to wait 3600 s, longer than the 120 s this action waits)'
    )
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('give up after the attempts of one call, and the last error says so', async () => {
    const server = await serve(text(502, '<html><body>Bad Gateway</body></html>'))
    const { client: arena, sleeps } = client(server.url)
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(server.requests).toHaveLength(6)
    expect(sleeps).toHaveLength(5)
    expect(error.kind).toBe('server')
    expect(error.status).toBe(502)
    expect(error.message).toBe(
      'ML Arena failed the competition request (502 on GET /api/challenges/1): "Bad Gateway" (gave up after 6 attempts)'
    )
  })

  it('stop when the client life retry budget is spent', async () => {
    const server = await serve(
      sequence(
        json(503, {}),
        json(503, {}),
        json(200, COMPETITION),
        json(503, { error: 'still busy' })
      )
    )
    const { client: arena } = client(server.url, { retry: { budget: 2 } })
    await arena.getCompetition(1)
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(error.message).toContain('the retry budget of 2 retries for this run is used up')
    expect(server.requests).toHaveLength(4)
  })

  it('retry a 500 on a read (repeating it cannot do anything twice)', async () => {
    const server = await serve(
      sequence(json(500, { error: 'Internal error' }), json(200, COMPETITION))
    )
    const { client: arena } = client(server.url)
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ id: 1 })
    expect(server.requests).toHaveLength(2)
  })

  it('do not retry a 4xx', async () => {
    const server = await serve(json(400, { error: 'Bad request' }))
    const { client: arena } = client(server.url)
    expect(arenaError(await caught(arena.getCompetition(1))).kind).toBe('validation')
    expect(server.requests).toHaveLength(1)
  })

  it('retry a connection reset on a read', async () => {
    const server = await serve(sequence(reset, json(200, COMPETITION)))
    const { client: arena, warnings } = client(server.url)
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ id: 1 })
    expect(warnings[0]).toContain('connection closed by the other side')
  })

  it('retry malformed JSON on a read', async () => {
    const server = await serve(sequence(text(200, '{"id": 1, "na'), json(200, COMPETITION)))
    const { client: arena } = client(server.url)
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ id: 1 })
    expect(server.requests).toHaveLength(2)
  })

  it('retry a create refused with 429/503 (the server did nothing)', async () => {
    const server = await serve(
      sequence(json(503, { error: 'busy' }), json(201, { submission_id: 9, status: 'created' }))
    )
    const { client: arena } = client(server.url)
    await expect(arena.createAgent(1, 'x')).resolves.toEqual({ id: 9, name: 'x', adopted: false })
    expect(server.requests.map(r => r.method)).toEqual(['POST', 'POST'])
  })

  it('retry a create whose connection was refused before sending', async () => {
    const probe = await startServer(json(200, {}))
    const port = probe.port
    await probe.close()
    let late: TestServer | undefined
    const { client: arena, warnings } = client(`http://127.0.0.1:${port}`, {
      sleep: async () => {
        late ??= await serve(json(201, { submission_id: 4 }), port)
      }
    })
    await expect(arena.createAgent(1, 'x')).resolves.toMatchObject({ id: 4, adopted: false })
    expect(warnings[0]).toContain('connection refused')
    expect(late?.requests).toHaveLength(1)
  })

  it('never repeat a deploy that may have happened (502 after sending): the state decides', async () => {
    // A server whose quota says nothing: the status before and after the deploy decides.
    let deploys = 0
    const server = await serve((req, res, body) => {
      if (req.method === 'PUT') {
        deploys++
        return json(502, { error: 'upstream timeout' })(req, res, body)
      }
      if (req.url?.endsWith('/status')) {
        const state = deploys > 0 ? 'deploy_queue' : 'upload_validated'
        return json(200, { status: state, is_settled: false, is_deployable: deploys === 0 })(
          req,
          res,
          body
        )
      }
      return json(200, { deployment_limits: {} })(req, res, body)
    })
    const { client: arena } = client(server.url)
    const result = await arena.deploy(1, 5)
    expect(result).toEqual({
      adopted: true,
      message: expect.stringContaining('the status is deploy_queue')
    })
    expect(deploys).toBe(1)
    expect(server.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/submissions/challenge/1/5/deploy',
      'GET /api/submissions/challenge/1/5/status',
      'PUT /api/submissions/challenge/1/5/deploy',
      'GET /api/submissions/challenge/1/5/status'
    ])
  })
})

describe('paging', () => {
  it('lists competitions until has_next is false', async () => {
    const server = await serve((req, res, body) => {
      const page = Number(new URL(req.url ?? '', 'http://x').searchParams.get('page'))
      return json(200, {
        items: [{ id: page, name: `c${page}` }],
        metadata: { has_next: page < 3 }
      })(req, res, body)
    })
    const { client: arena } = client(server.url)
    const list = await arena.listCompetitions({ q: 'lunar' })
    expect(list.map(c => c.id)).toEqual([1, 2, 3])
    expect(server.requests.map(r => r.url)).toEqual([
      '/api/challenges/?page=1&per_page=50&q=lunar',
      '/api/challenges/?page=2&per_page=50&q=lunar',
      '/api/challenges/?page=3&per_page=50&q=lunar'
    ])
  })
})

describe('timeouts', () => {
  it('read the status after a deploy timeout instead of failing or deploying again', async () => {
    let deploys = 0
    const server = await serve((req, res, body) => {
      if (req.method === 'PUT') {
        deploys++ // the server takes the deploy, then blocks (simulator machine down)
        return hang(req, res, body)
      }
      if (req.url?.endsWith('/status')) {
        const state = deploys > 0 ? 'deploy_queue' : 'upload_validated'
        return json(200, { status: state, is_settled: false, is_deployable: deploys === 0 })(
          req,
          res,
          body
        )
      }
      return json(200, {})(req, res, body)
    })
    const { client: arena, warnings } = client(server.url, { timeouts: { deployMs: 30 } })
    await expect(arena.deploy(1, 5)).resolves.toMatchObject({ adopted: true })
    expect(deploys).toBe(1)
    expect(warnings[0]).toContain('did not answer the deploy within 30 ms')
  })

  it('bound each read, retry it, and say how long was waited', async () => {
    const server = await serve(hang)
    const { client: arena } = client(server.url, {
      timeouts: { defaultMs: 30 },
      retry: { attempts: 2 }
    })
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(error.kind).toBe('timeout')
    expect(error.message).toBe(
      'ML Arena did not answer the competition request within 30 ms (GET /api/challenges/1) (gave up after 2 attempts)'
    )
    expect(server.requests).toHaveLength(2)
  })

  it('leave a timed-out create ambiguous instead of retrying it', async () => {
    const server = await serve(hang)
    const { client: arena } = client(server.url, { wire: 'legacy', timeouts: { createMs: 30 } })
    const error = arenaError(await caught(arena.createAgent(1, 'x')))
    expect(error.kind).toBe('ambiguous')
    expect(error.message).toContain('did not answer the agent creation within 30 ms')
    expect(error.message).toContain('cannot list your agents')
    expect(server.requests).toHaveLength(1)
  })
})

describe('redirects on API calls', () => {
  it('are refused, never followed: the token does not travel to another host', async () => {
    const elsewhere = await serve(json(200, COMPETITION))
    const target = `http://127.0.0.2:${elsewhere.port}/steal?token=abc123`
    const server = await serve(json(302, {}, { location: target }))
    const { client: arena } = client(server.url)
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(error.kind).toBe('redirect')
    expect(error.status).toBe(302)
    expect(error.message).toBe(
      `ML Arena answered the competition request with a redirect to 127.0.0.2:${elsewhere.port} (302 on GET /api/challenges/1); calls that carry the token never follow redirects: check the base URL`
    )
    expect(error.message).not.toContain('abc123')
    expect(elsewhere.requests).toHaveLength(0)
    expect(server.requests).toHaveLength(1)
  })
})

describe('error messages', () => {
  it('are one line with the route and the server text, never the token', async () => {
    const server = await serve(json(404, { error: `Challenge not found\n(token ${TOKEN})` }))
    const { client: arena } = client(server.url)
    const error = arenaError(await caught(arena.getCompetition(77)))
    expect(error.kind).toBe('not-found')
    expect(error.route).toBe('GET /api/challenges/77')
    expect(error.message).toBe(
      'ML Arena refused the competition request (404 on GET /api/challenges/77): "Challenge not found (token mlk_user_ab12…)"; check the ids (a hidden competition also answers 404)'
    )
    expect(error.message).not.toContain('s3cr3t')
    expect(inspect(error)).not.toContain('s3cr3t')
    expect(JSON.stringify(error)).not.toContain('s3cr3t')
  })

  it('redact a secret before cutting a long server text, so no piece of it survives', async () => {
    const server = await serve(text(400, `${'x'.repeat(276)} ${TOKEN} and more\n`))
    const { client: arena } = client(server.url)
    const error = arenaError(await caught(arena.getCompetition(1)))
    expect(error.message).not.toContain('s3cr')
    expect(error.message).not.toContain('\n')
    expect(error.serverMessage?.length).toBeLessThanOrEqual(300)
  })

  it('carry the deploy quota of a 409 refusal and the next deploy time', async () => {
    const refusal = {
      error: 'daily deploy limit reached',
      deployment_limits: {
        daily_deploy_limit: 1,
        daily_deploys_used: 1,
        daily_deploys_remaining: 0,
        next_deploy_available_at: '2026-11-26T00:00:00Z',
        can_deploy: false
      },
      active_submission_limits: {
        max_active_submissions: 3,
        active_submissions_count: 1,
        active_submissions_remaining: 2
      }
    }
    const server = await serve((req, res, body) =>
      req.method === 'PUT'
        ? json(409, refusal)(req, res, body)
        : json(200, { deployment_limits: { daily_deploys_used: 0 } })(req, res, body)
    )
    const { client: arena } = client(server.url)
    const error = arenaError(await caught(arena.deploy(1, 5)))
    expect(error.kind).toBe('quota')
    expect(error.message).toBe(
      'ML Arena refused the deploy (409 on PUT /api/submissions/challenge/1/5/deploy): "daily deploy limit reached"; next deploy possible at 2026-11-26T00:00:00Z'
    )
    expect(error.quota).toMatchObject({
      dailyLimit: 1,
      dailyRemaining: 0,
      canDeploy: false,
      maxActive: 3,
      activeRemaining: 2
    })
  })

  it('name maintenance, auth and scope refusals', async () => {
    const server = await serve(
      sequence(
        json(503, { error: 'Down for maintenance', maintenance_mode: true }),
        json(401, { error: 'Invalid token' }),
        json(403, { error: 'Not your submission' })
      )
    )
    const { client: arena } = client(server.url, { retry: { attempts: 1 } })
    const maintenance = arenaError(await caught(arena.getCompetition(1)))
    expect(maintenance.kind).toBe('maintenance')
    expect(maintenance.message).toContain('try again later')
    expect(arenaError(await caught(arena.getCompetition(1))).kind).toBe('auth')
    const forbidden = arenaError(await caught(arena.status(1, 5)))
    expect(forbidden.kind).toBe('scope')
    expect(forbidden.serverMessage).toBe('Not your submission')
  })
})

describe('the client object', () => {
  it('shows no token in inspect or JSON output, and reports it to onSecret', async () => {
    const { client: arena, secrets } = client('https://ml-arena.com')
    for (const shown of [
      inspect(arena),
      inspect(arena, { showHidden: true, depth: 9 }),
      JSON.stringify(arena),
      JSON.stringify(arena.token)
    ]) {
      expect(shown).not.toContain('s3cr3t')
    }
    expect(inspect(arena)).toContain('mlk_user_ab12…')
    expect(secrets).toEqual([TOKEN])
  })
})

describe('proxy', () => {
  it('goes through the proxy an EnvHttpProxyAgent names', async () => {
    const server = await serve(json(200, COMPETITION))
    const proxy = await startProxy()
    servers.push(proxy)
    const dispatcher = new EnvHttpProxyAgent({ httpProxy: proxy.url, noProxy: '' })
    const arena = new ArenaClient({
      baseUrl: server.url,
      token: TOKEN,
      wire: 'current',
      dispatcher
    })
    await expect(arena.getCompetition(1)).resolves.toMatchObject({ name: 'CartPole' })
    await dispatcher.close()
    // undici 6 (the toolkit's line) tunnels plain http through CONNECT too, as it does https.
    expect(proxy.seen).toEqual([`CONNECT ${new URL(server.url).host}`])
    expect(server.requests).toHaveLength(1)
  })
})
