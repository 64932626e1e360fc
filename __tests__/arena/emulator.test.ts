/**
 * The client against the emulator, on both wires: every method, the error statuses, wire
 * detection, retries under injected faults, the no-duplicate rules, signed URLs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import type { ArenaClient, ArenaClientOptions } from '../../src/arena/client.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { Game, Wire } from '../../src/arena/model.js'
import { caught, harness, type Harness } from './support.js'

const NORMAL = 1
const ELO = 2
const HIDDEN = 3
const TIGHT = 5
const FILE_CHALLENGE = 7

let dir: string
let clients: ArenaClient[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arena-emulator-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  clients = []
})

async function agentFile(
  name: string,
  content: string
): Promise<{ name: string; path: string; size: number }> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`)
  await writeFile(file, content)
  return { name, path: file, size: Buffer.byteLength(content) }
}

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex')
}

function arenaError(error: Error): ArenaError {
  expect(error).toBeInstanceOf(ArenaError)
  return error as ArenaError
}

describe.each(['current', 'legacy'] as const)('on the %s wire', (wire: Wire) => {
  let emu: Emulator

  beforeAll(async () => {
    emu = await startEmulator({ wire, speed: 'manual', seed: 1 })
  })

  afterAll(async () => {
    await emu.close()
  })

  beforeEach(() => {
    emu.clearFaults()
    emu.clearRequests()
  })

  /** A client whose sleeps move the emulator's clock instead of waiting. */
  function connect(options: Partial<ArenaClientOptions> = {}): Harness {
    const h = harness(emu.baseUrl, {
      token: emu.tokens.user,
      wire: 'auto',
      sleep: async ms => {
        h.sleeps.push(ms)
        emu.advance(ms)
      },
      ...options
    })
    clients.push(h.client)
    return h
  }

  const api = (suffix: string): string =>
    wire === 'current'
      ? `/api/submissions${suffix}`
      : `/api/direct_attache_agents${suffix.replace('/challenge/', '/competition/')}`

  async function freshAgent(client: ArenaClient, name: string, cid = NORMAL): Promise<number> {
    const created = await client.createAgent(cid, name)
    return created.id
  }

  it('detects the wire: no extra request on current, one on legacy, then remembers', async () => {
    const { client } = connect()
    await expect(client.getCompetition(NORMAL)).resolves.toMatchObject({
      id: NORMAL,
      name: 'Lunar Lander'
    })
    await client.getCompetition(NORMAL)
    expect(client.knownWire).toBe(wire)
    await expect(client.wire()).resolves.toBe(wire)
    const paths = emu.requests().map(r => `${r.status} ${r.path}`)
    expect(paths).toEqual(
      wire === 'current'
        ? ['200 /api/challenges/1', '200 /api/challenges/1']
        : ['404 /api/challenges/1', '200 /api/competitions/1', '200 /api/competitions/1']
    )
  })

  it('does not take a hidden competition for the other wire', async () => {
    const { client } = connect()
    const error = arenaError(await caught(client.getCompetition(HIDDEN)))
    expect(error.kind).toBe('not-found')
    expect(client.knownWire).toBeNull()
    await client.getCompetition(NORMAL)
    expect(client.knownWire).toBe(wire)
  })

  it('reads competitions, their list and runtime options', async () => {
    const { client } = connect({ wire })
    const competitions = await client.listCompetitions()
    const ids = competitions.map(c => c.id)
    expect(ids).toEqual(expect.arrayContaining([NORMAL, ELO, TIGHT, FILE_CHALLENGE]))
    expect(ids).not.toContain(HIDDEN)
    expect(await client.getCompetition(4)).toMatchObject({ simulatorHealthy: false })
    expect(await client.getCompetition(TIGHT)).toMatchObject({
      maxUploadSizeBytes: 2048,
      maxUploadFiles: 2
    })
    if (wire === 'current')
      expect(await client.getCompetition(FILE_CHALLENGE)).toMatchObject({
        submissionFilename: 'submission.csv',
        submissionLayout: expect.objectContaining({ separator: ',' })
      })
    expect(await client.getCompetition(NORMAL)).toMatchObject({
      status: 'started',
      submissionLayout: null
    })
    const options = await client.runtimeOptions(NORMAL)
    expect(options.map(o => o.id)).toEqual([1, 2, 3, 4])
    expect(options[1]).toMatchObject({
      language: 'python',
      framework: 'torch',
      frameworkVersion: '2.1.2'
    })
  })

  it('sends its token on public reads: it sees a hidden competition it may see, and its own rows', async () => {
    const { client } = connect({ token: emu.tokens.otherUser, wire })
    await expect(client.getCompetition(HIDDEN)).resolves.toMatchObject({ id: HIDDEN })
    expect((await client.listCompetitions()).map(c => c.id)).toContain(HIDDEN)
    const board = await client.leaderboard(NORMAL)
    expect(board.rows.filter(row => row.isMine).map(row => row.agentId)).toEqual([1001])
    const reads = emu.requests().filter(entry => entry.server === 'api')
    expect(reads.length).toBeGreaterThanOrEqual(3)
    expect(reads.every(entry => entry.headers.authorization)).toBe(true)
  })

  it('runs a whole submission: create, pin, upload, files, deploy, status, games, logs, board, delete', async () => {
    const { client, secrets } = connect({ wire })
    const name = `flow-${wire}`
    const created = await client.createAgent(NORMAL, name)
    expect(created).toMatchObject({ name, adopted: false })
    const aid = created.id

    await client.pinRuntime(aid, 2)
    await expect(client.getAgentRuntime(aid)).resolves.toBe(2)

    const main = await agentFile('agent.py', 'def act(obs):\n    return 0\n')
    const extra = await agentFile('notes.txt', 'scratch')
    await client.uploadFile(NORMAL, aid, main)
    await client.uploadFile(NORMAL, aid, extra)
    expect((await client.listFiles(NORMAL, aid)).map(f => f.name).sort()).toEqual([
      'agent.py',
      'notes.txt'
    ])
    await expect(client.readFile(NORMAL, aid, 'agent.py')).resolves.toBe(
      'def act(obs):\n    return 0\n'
    )
    await client.deleteFile(NORMAL, aid, 'notes.txt')
    const stored = emu.state().agents.find(a => a.id === aid)
    expect(stored?.files).toEqual([
      { name: 'agent.py', size: main.size, sha256: sha256('def act(obs):\n    return 0\n') }
    ])

    const quota = await client.deployQuota(NORMAL, aid)
    if (wire === 'current') expect(quota).toMatchObject({ dailyLimit: 20, canDeploy: true })
    const deployed = await client.deploy(NORMAL, aid, quota)
    expect(deployed.adopted).toBe(false)
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(1)
    const after = await client.deployQuota(NORMAL, aid)
    expect(after.latestDeploy?.id).toBe(emu.state().deploys.find(d => d.agentId === aid)?.id)
    expect(after.dailyUsed).toBe((quota.dailyUsed ?? 0) + 1)

    const early = await client.status(NORMAL, aid)
    expect(early.terminal).toBe(false)
    emu.settle(aid)
    const done = await client.status(NORMAL, aid)
    expect(done).toMatchObject({ state: 'active', terminal: true, settled: true })
    expect(done.runs.length).toBeGreaterThan(0)
    expect(done.runs.every(r => r.score !== null && r.status === 'completed' && !r.failed)).toBe(
      true
    )

    const games = (await client.games(aid)).games
    // Legacy: each game's log is a signed URL. SDK 4.4.0: the agent's stdout is on its own row
    // and the signed URL is the replay's.
    if (wire === 'current') expect(games.some(g => g.stdout && g.stdout.length > 0)).toBe(true)
    const logged = games.filter(g => signedUrlOf(g) !== null)
    expect(logged.length).toBeGreaterThan(0)
    const url = signedUrlOf(logged[0]) as string
    const signature = new URL(url).searchParams.get('signature') as string
    expect(secrets).toContain(signature)
    const file = path.join(dir, `log-${wire}.txt`)
    const download = await client.downloadLog(url, file, { maxBytes: 1 << 20 })
    expect(download.truncated).toBe(false)
    expect((await readFile(file)).length).toBe(download.bytes)
    const storageHits = emu.requests().filter(r => r.server === 'storage')
    expect(storageHits.length).toBeGreaterThan(0)
    expect(storageHits.every(r => r.headers.authorization === false && r.status === 200)).toBe(true)
    const cut = await client.downloadLog(url, file, { maxBytes: 100 })
    expect(cut).toEqual({ bytes: 100, truncated: true })

    const board = await client.leaderboard(NORMAL, { aggregate: 'submission', me: true })
    const row = board.rows.find(r => r.agentId === aid)
    expect(row).toMatchObject({ agentName: name, isMine: true })
    expect(board.rows.some(r => r.isBenchmark)).toBe(true)
    if (wire === 'current') {
      expect(board.me?.row?.agentId).toBe(aid)
      const mine = await client.mine()
      expect(mine?.find(a => a.id === aid)).toMatchObject({
        name,
        competitionId: NORMAL,
        state: 'active'
      })
    } else {
      expect(board.me).toBeNull()
      await expect(client.mine()).resolves.toBeNull()
    }

    await client.deleteAgent(NORMAL, aid)
    expect(emu.state().agents.find(a => a.id === aid)?.status).toBe('deleted')
  })

  it('takes a 2xx upload the server marks upload_failed as saved; the status then refuses the deploy', async () => {
    const { client } = connect({ wire })
    const aid = await freshAgent(client, `invalid-${wire}`)
    const result = await client.uploadFile(
      NORMAL,
      aid,
      await agentFile('agent.py', '# MLARENA_EMULATOR:UPLOAD_INVALID\n')
    )
    expect(result.state).toBe('upload_failed')
    expect(result.validationMessage ?? result.message).toMatch(/.+/)
    const after = await client.status(NORMAL, aid)
    expect(after.state).toBe('upload_failed')
    if (wire === 'current') expect(after.deployable).toBe(false)
  })

  it('reports failed runs of an agent that cannot import', async () => {
    const { client } = connect({ wire })
    const aid = await freshAgent(client, `broken-${wire}`)
    await client.uploadFile(
      NORMAL,
      aid,
      await agentFile('agent.py', 'import missing  # MLARENA_EMULATOR:FAIL_IMPORT\n')
    )
    await client.deploy(NORMAL, aid)
    emu.settle(aid)
    const status = await client.status(NORMAL, aid)
    expect(status).toMatchObject({ state: 'deploy_failed', terminal: true, settled: true })
    expect(status.runs.length).toBeGreaterThan(0)
    // Legacy: the run's status is `error`; 4.4 (README "Why a run ended"): an outcome arrived
    // (`completed`) and the own row's `agent_error_type` says the agent failed.
    const jobStatus = wire === 'legacy' ? 'failed' : 'completed'
    expect(status.runs.every(r => r.failed && r.status === jobStatus)).toBe(true)
    expect(status.runs[0]?.errorType).toBe('code_error')
  })

  it('reads the ELO board score and ranks', async () => {
    const { client } = connect({ wire })
    const board = await client.leaderboard(ELO)
    expect(board.scoreKind).toBe('elo')
    expect(board.rows.length).toBeGreaterThan(3)
    for (let i = 1; i < board.rows.length; i++)
      expect(board.rows[i]!.rank).toBeGreaterThanOrEqual(board.rows[i - 1]!.rank)
  })

  describe('error statuses', () => {
    it('401 for an unknown token', async () => {
      const { client } = connect({ wire, token: 'mlk_user_nobody_nosecret' })
      const error = arenaError(await caught(client.status(NORMAL, 1)))
      expect(error.kind).toBe('auth')
      expect(error.status).toBe(401)
      expect(error.message).not.toContain('nosecret')
    })

    it("403 for another user's agent", async () => {
      const { client: alice } = connect({ wire })
      const aid = await freshAgent(alice, `owned-${wire}`)
      const { client: bob } = connect({ wire, token: emu.tokens.otherUser })
      const error = arenaError(await caught(bob.status(NORMAL, aid)))
      expect(error.kind).toBe('scope')
      expect(error.status).toBe(403)
      expect(error.message).toContain(`${api('/challenge/1/')}${aid}/status`)
    })

    it('a creator token is refused before any request on agent routes', async () => {
      const { client } = connect({ wire, token: emu.tokens.creator })
      const error = arenaError(await caught(client.createAgent(NORMAL, 'x')))
      expect(error.kind).toBe('scope')
      expect(emu.requests()).toHaveLength(0)
      await expect(client.getCompetition(NORMAL)).resolves.toMatchObject({ id: NORMAL })
    })

    it('404 for a hidden competition or a missing agent', async () => {
      const { client } = connect({ wire })
      expect(arenaError(await caught(client.getCompetition(HIDDEN))).kind).toBe('not-found')
      expect(arenaError(await caught(client.status(NORMAL, 987_654))).kind).toBe('not-found')
    })

    it('a refused deploy carries the quota (tight limits: one deploy a day)', async () => {
      const { client } = connect({ wire })
      const first = await freshAgent(client, `tight-a-${wire}`, TIGHT)
      await client.uploadFile(TIGHT, first, await agentFile('agent.py', 'x = 1\n'))
      await client.deploy(TIGHT, first)
      const second = await freshAgent(client, `tight-b-${wire}`, TIGHT)
      await client.uploadFile(TIGHT, second, await agentFile('agent.py', 'x = 2\n'))
      const error = arenaError(await caught(client.deploy(TIGHT, second)))
      expect(['quota', 'validation']).toContain(error.kind)
      expect(error.status).toBeGreaterThanOrEqual(400)
      expect(error.message).toContain(`${api('/challenge/5/')}${second}/deploy`)
      if (wire === 'current') {
        expect(error.status).toBe(409)
        expect(error.kind).toBe('quota')
        expect(error.quota).toMatchObject({ dailyLimit: 1, dailyRemaining: 0 })
      }
      expect(emu.state().deploys.filter(d => d.agentId === second)).toHaveLength(0)
    })

    it('an upload over the size limit is refused with the server text', async () => {
      const { client } = connect({ wire })
      const aid = await freshAgent(client, `big-${wire}`, TIGHT)
      const error = arenaError(
        await caught(client.uploadFile(TIGHT, aid, await agentFile('big.bin', 'x'.repeat(5000))))
      )
      expect(error.kind).toBe('validation')
      expect(error.serverMessage).toBeTruthy()
      expect(error.message).toContain('the upload of big.bin')
      expect(emu.state().agents.find(a => a.id === aid)?.files).toEqual([])
    })

    it('deploying an agent without files is refused', async () => {
      const { client } = connect({ wire })
      const aid = await freshAgent(client, `empty-${wire}`)
      const error = arenaError(await caught(client.deploy(NORMAL, aid)))
      expect(error.status).toBeGreaterThanOrEqual(400)
      expect(error.status).toBeLessThan(500)
    })
  })

  describe('faults', () => {
    it('429 with Retry-After is waited out, then the call goes through', async () => {
      const { client, sleeps } = connect({ wire })
      emu.addFault({ route: 'GET /api/**', kind: 'status', status: 429, retryAfter: '4', times: 2 })
      await expect(client.getCompetition(NORMAL)).resolves.toMatchObject({ id: NORMAL })
      expect(sleeps).toEqual([4000, 4000])
    })

    it('503 maintenance, 502, resets and malformed JSON are retried on reads', async () => {
      const { client, sleeps } = connect({ wire })
      const route = wire === 'current' ? 'GET /api/challenges/*' : 'GET /api/competitions/*'
      for (const fault of [
        { kind: 'status', status: 503 },
        { kind: 'status', status: 502 },
        { kind: 'reset' },
        { kind: 'malformed' }
      ] as const) {
        emu.addFault({ route, ...fault, times: 1 })
      }
      await expect(client.getCompetition(NORMAL)).resolves.toMatchObject({ id: NORMAL })
      expect(sleeps).toHaveLength(4)
      expect(
        emu
          .requests()
          .filter(r => r.fault)
          .map(r => r.fault)
      ).toHaveLength(4)
    })

    it('maintenance that outlasts the attempts ends in a maintenance error', async () => {
      const { client, sleeps } = connect({ wire })
      emu.addFault({ route: 'GET /api/**', kind: 'status', status: 503 })
      const error = arenaError(await caught(client.getCompetition(NORMAL)))
      expect(error.kind).toBe('maintenance')
      expect(error.status).toBe(503)
      expect(error.message).toContain('(gave up after 6 attempts)')
      expect(sleeps).toHaveLength(5)
    })

    it('a redirect is an error, never followed', async () => {
      const { client } = connect({ wire })
      emu.addFault({ kind: 'redirect', times: 1 })
      const error = arenaError(await caught(client.getCompetition(NORMAL)))
      expect(error.kind).toBe('redirect')
      expect(error.message).toContain('127.0.0.2')
      expect(emu.requests()).toHaveLength(1)
    })

    it.each(['status', 'reset', 'malformed'] as const)(
      'an ambiguous create (%s after processing) never makes a second agent',
      async kind => {
        const { client } = connect({ wire })
        const name = `dup-create-${kind}-${wire}`
        emu.addFault({
          route: `POST ${api('/challenge/*')}`,
          kind,
          status: 500,
          when: 'after',
          times: 1
        })
        if (wire === 'current') {
          const created = await client.createAgent(NORMAL, name)
          expect(created.adopted).toBe(true)
          expect(
            emu
              .state()
              .agents.filter(a => a.name === name)
              .map(a => a.id)
          ).toEqual([created.id])
        } else {
          const error = arenaError(await caught(client.createAgent(NORMAL, name)))
          expect(error.kind).toBe('ambiguous')
          expect(error.message).toContain(`agent named "${name}"`)
          expect(emu.state().agents.filter(a => a.name === name)).toHaveLength(1)
        }
      }
    )

    it('a create that failed before processing is made again, once', async () => {
      const { client } = connect({ wire: 'current' === wire ? 'current' : 'legacy' })
      const name = `retry-create-${wire}`
      emu.addFault({ route: `POST ${api('/challenge/*')}`, kind: 'status', status: 503, times: 1 })
      const created = await client.createAgent(NORMAL, name)
      expect(created.adopted).toBe(false)
      expect(emu.state().agents.filter(a => a.name === name)).toHaveLength(1)
    })

    it.each(['status', 'reset'] as const)(
      'an ambiguous deploy (%s after processing) is adopted, not repeated',
      async kind => {
        const { client } = connect({ wire })
        const aid = await freshAgent(client, `dup-deploy-${kind}-${wire}`)
        await client.uploadFile(NORMAL, aid, await agentFile('agent.py', `# ${kind}\n`))
        emu.addFault({
          route: `PUT ${api('/challenge/*/*/deploy')}`,
          kind,
          status: 500,
          when: 'after',
          times: 1
        })
        const result = await client.deploy(NORMAL, aid)
        expect(result.adopted).toBe(true)
        expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(1)
      }
    )

    it('a deploy that failed ambiguously before processing is made once after the checks', async () => {
      const { client } = connect({ wire })
      const aid = await freshAgent(client, `redeploy-${wire}`)
      await client.uploadFile(NORMAL, aid, await agentFile('agent.py', '# before\n'))
      emu.addFault({
        route: `PUT ${api('/challenge/*/*/deploy')}`,
        kind: 'reset',
        when: 'before',
        times: 1
      })
      const result = await client.deploy(NORMAL, aid)
      expect(result.adopted).toBe(false)
      expect(emu.state().deploys.filter(d => d.agentId === aid)).toHaveLength(1)
      expect(
        emu.requests().filter(r => r.method === 'PUT' && r.path.endsWith('/deploy'))
      ).toHaveLength(2)
    })

    it('a tampered or expired signed URL is refused without printing it', async () => {
      const { client } = connect({ wire })
      const aid = await freshAgent(client, `logs-${wire}`)
      await client.uploadFile(NORMAL, aid, await agentFile('agent.py', '# logs\n'))
      await client.deploy(NORMAL, aid)
      emu.settle(aid)
      const url = (await client.games(aid)).games.map(signedUrlOf).find(Boolean) as string
      const tampered = url.replace(
        /signature=([0-9a-f])/,
        (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`
      )
      const error = arenaError(
        await caught(client.downloadLog(tampered, path.join(dir, 'x.log'), { maxBytes: 1000 }))
      )
      expect(error.kind).toBe('auth')
      expect(error.message).not.toContain('signature=')
      expect(inspect(error)).not.toContain(new URL(url).searchParams.get('signature') as string)
      emu.advance(8 * 24 * 3600 * 1000)
      const expired = arenaError(
        await caught(client.downloadLog(url, path.join(dir, 'y.log'), { maxBytes: 1000 }))
      )
      expect(expired.kind).toBe('auth')
    })
  })
})

/** A game's signed URL: its log (legacy, 3.0–4.3) or its replay (SDK 4.4.0). */
function signedUrlOf(game: Game | undefined): string | null {
  return game?.logUrl ?? game?.replay?.url ?? null
}

describe('a 1 GiB upload', () => {
  let emu: Emulator
  let bigDir: string

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'manual', seed: 1 })
    bigDir = await mkdtemp(path.join(os.tmpdir(), 'arena-big-'))
  })

  afterAll(async () => {
    await emu.close()
    await rm(bigDir, { recursive: true, force: true })
  })

  it('streams from disk and the server reports the same sha256', async () => {
    const { open } = await import('node:fs/promises')
    const { createReadStream } = await import('node:fs')
    const file = path.join(bigDir, 'model.bin')
    const size = 1024 * 1024 * 1024 + 12_345
    const handle = await open(file, 'w')
    // Sparse, but not all zeros: a few marks spread through the file.
    for (const at of [0, 1 << 20, 512 << 20, size - 7])
      await handle.write(Buffer.from('mlarena'), 0, 7, at)
    await handle.truncate(size)
    await handle.close()

    const local = createHash('sha256')
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      local.update(chunk as Buffer)
    const expected = local.digest('hex')

    const { client } = harness(emu.baseUrl, { token: emu.tokens.user, wire: 'current' })
    clients.push(client)
    const aid = (await client.createAgent(NORMAL, 'big-upload')).id
    let lastProgress = 0
    await client.uploadFile(NORMAL, aid, { name: 'model.bin', path: file, size }, sent => {
      lastProgress = sent
    })
    expect(lastProgress).toBe(size)
    expect(emu.state().agents.find(a => a.id === aid)?.files).toEqual([
      { name: 'model.bin', size, sha256: expected }
    ])
  }, 120_000)
})
