/**
 * The creator client (src/arena/creator.ts) against the emulator: the current wire's authoring
 * flow (list, editor view, kinds, schema, catalog, create, files, refused challenge.toml with
 * its lines, env check, overview, benchmark on the emulator clock, start), the scope check before
 * any request, and the legacy wire's subset (create, update, tags, catalog; the rest says the
 * wire has no such route).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CREATOR_CHALLENGES, startEmulator, TOKENS, type Emulator } from '../../emulator/index.ts'
import { ArenaClient } from '../../src/arena/client.js'
import { CreatorClient } from '../../src/arena/creator.js'
import { parseConfigRefusal } from '../../src/arena/creator-wire.js'
import { ArenaError } from '../../src/arena/errors.js'

const GRID_MAZE = CREATOR_CHALLENGES.aliceDraft
const BOB_HIDDEN = CREATOR_CHALLENGES.bobHidden

let dir: string
const clients: ArenaClient[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arena-creator-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.close()))
})

function creatorOf(emu: Emulator, token: string = TOKENS.creator): CreatorClient {
  const arena = new ArenaClient({
    baseUrl: emu.baseUrl,
    token,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => {}
  })
  clients.push(arena)
  return new CreatorClient(arena, { attempts: 2 })
}

async function file(name: string, content: string): Promise<{ name: string; path: string }> {
  const full = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`)
  await writeFile(full, content)
  return { name, path: full }
}

async function caught(promise: Promise<unknown>): Promise<ArenaError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ArenaError) return error
    throw error
  }
  throw new Error('expected an ArenaError')
}

describe('the creator client on the current wire', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'manual', seed: 3 })
  })
  afterAll(async () => emu.close())

  it("lists the creator's challenges and reads the seeded draft's editor view", async () => {
    const creator = creatorOf(emu)
    const mine = await creator.myChallenges()
    expect(mine).toContainEqual(
      expect.objectContaining({ id: GRID_MAZE, name: 'Grid Maze', status: 'draft', role: 'owner' })
    )
    expect(mine.map(c => c.id)).not.toContain(BOB_HIDDEN)
    const view = await creator.editorView(GRID_MAZE)
    expect(view).toMatchObject({
      id: GRID_MAZE,
      status: 'draft',
      kernelVersion: 'flex_v1',
      tags: []
    })
    expect(view.startBlockers?.map(b => b.code)).toEqual(['benchmark_unscored'])
    expect(view.config.values.simulation_timeout_sec).toBe(300)
    expect(view.config.origin.simulation_timeout_sec).toBe('file')
    expect(view.runningEditableFields).toEqual(expect.arrayContaining(['description', 'is_public']))
  })

  it("reads another creator's hidden challenge as 404", async () => {
    const error = await caught(creatorOf(emu).editorView(BOB_HIDDEN))
    expect(error.status).toBe(404)
  })

  it('reads the kinds, the schema, the catalog, the env and benchmark files', async () => {
    const creator = creatorOf(emu)
    expect((await creator.kinds()).map(k => k.kernelVersion)).toEqual(
      expect.arrayContaining(['flex_v1', 'file_v1'])
    )
    const schema = await creator.configSchema()
    expect(schema.type).toBe('object')
    expect((await creator.tagCatalog()).find(t => t.name === 'rl')?.id).toBe(1)
    const env = await creator.listFiles(GRID_MAZE, 'env')
    expect(env.map(f => f.name)).toEqual(['challenge.toml', 'env.py', 'requirements.txt'])
    expect(env.find(f => f.name === 'env.py')?.content).toMatch(/^"""Grid Maze/)
    expect(env[0]?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect((await creator.listFiles(GRID_MAZE, 'benchmark')).map(f => f.name)).toEqual(['agent.py'])
  })

  it('refuses a user token before sending anything', async () => {
    emu.clearRequests()
    const error = await caught(creatorOf(emu, TOKENS.user).myChallenges())
    expect(error.kind).toBe('scope')
    expect(error.message).toMatch(/needs a creator token/)
    expect(emu.requests().filter(r => r.server === 'api')).toEqual([])
  })

  it('creates a challenge, uploads, deletes, checks env.py, writes the overview and tags', async () => {
    const creator = creatorOf(emu)
    const id = await creator.createChallenge({
      name: 'Client Test',
      kernelVersion: 'flex_v1',
      description: 'd',
      tagIds: [1]
    })
    expect(id).toBeGreaterThanOrEqual(101)
    await creator.uploadFile(
      id,
      'env',
      await file(
        'env.py',
        'class Env:\n    def evaluate(self, agents):\n        return {"agent_results": []}\n'
      )
    )
    await creator.uploadFile(id, 'env', await file('notes.txt', 'x\n'))
    await creator.deleteFile(id, 'env', 'notes.txt')
    expect((await creator.listFiles(id, 'env')).map(f => f.name)).toEqual(['env.py'])

    const check = await creator.checkEnv(id, 'import os\n\ndef f(:\n')
    expect(check.ok).toBe(false)
    expect(check.findings.some(f => f.severity === 'error' && f.line === 3)).toBe(true)
    expect((await creator.checkEnv(id, 'x = 1\n')).findings.map(f => f.code)).toContain(
      'env_class_missing'
    )

    await creator.setOverview(id, '# Hello\n')
    expect(await creator.overview(id)).toBe('# Hello\n')
    await creator.setTags(id, [2, 9])
    expect((await creator.challengeTags(id))?.map(t => t.name)).toEqual(['gymnasium', 'beginner'])
    await creator.updateChallenge(id, { description: 'new', isPublic: true })
    const view = await creator.editorView(id)
    expect(view).toMatchObject({ description: 'new', isPublic: true })
  })

  it('gets a refused challenge.toml as a 400 whose lines parseConfigRefusal reads', async () => {
    const creator = creatorOf(emu)
    const before = await creator.listFiles(GRID_MAZE, 'env')
    const error = await caught(
      creator.uploadFile(
        GRID_MAZE,
        'env',
        await file('challenge.toml', 'simulation_timeout_sec = 300\nbogus = 1\n')
      )
    )
    expect(error.status).toBe(400)
    expect(parseConfigRefusal(error.body, error.serverMessage ?? '')).toEqual([
      { line: 2, message: expect.stringMatching(/bogus/) }
    ])
    expect(await creator.listFiles(GRID_MAZE, 'env')).toEqual(before)
  })

  it('runs the benchmark on the emulator clock, then starts the challenge', async () => {
    const creator = creatorOf(emu)
    const run = await creator.runBenchmark(GRID_MAZE)
    expect(run?.jobStatus).toBe('pending')
    expect((await creator.benchmarkStatus(GRID_MAZE)).checks).toEqual([])
    emu.advance(30 * 60_000)
    const status = await creator.benchmarkStatus(GRID_MAZE)
    expect(status.run?.jobStatus).toBe('completed')
    expect(status.run?.score).toEqual(expect.any(Number))
    expect(status.checks.map(c => c.key)).toEqual(
      expect.arrayContaining(['simulation_timeout_sec', 'agent_max_time_per_step_second'])
    )
    for (const check of status.checks)
      expect(['ok', 'warn', 'fail', 'unmeasured']).toContain(check.status)
    expect((await creator.editorView(GRID_MAZE)).startBlockers).toEqual([])
    await creator.start(GRID_MAZE)
    const view = await creator.editorView(GRID_MAZE)
    expect(view.status).toBe('started')
    expect(view.startBlockers).toBeNull()
  })
})

describe('the creator client on the legacy wire', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await startEmulator({ wire: 'legacy', speed: 'manual', seed: 3 })
  })
  afterAll(async () => emu.close())

  it('creates a competition, updates it and sets its tags from the legacy catalog', async () => {
    const creator = creatorOf(emu)
    expect(await creator.arena.wire()).toBe('legacy')
    const catalog = await creator.tagCatalog()
    expect(catalog.length).toBeGreaterThan(0)
    const id = await creator.createChallenge({ name: 'Legacy Cup', kernelVersion: 'flex_v1' })
    await creator.updateChallenge(id, { description: 'on the old wire' })
    await creator.setTags(id, [catalog[0]?.id ?? 1])
    await creator.uploadFile(id, 'env', await file('env.py', 'class Env:\n    pass\n'))
    await creator.updateSettings(id, { max_upload_files: 4, evaluation_metric: 'reward' })
    expect((await creator.competition(id)).maxUploadFiles).toBe(4)
    // 0.2.0 lists no folder: the client says so without asking.
    expect((await caught(creator.listFiles(id, 'env'))).message).toMatch(/has no route for/)
    expect((await creator.benchmarkStatus(id)).run).toBeNull()
  })

  it('recovers create, benchmark run and start from lost answers, as on the current wire', async () => {
    const P = '/api/creator_competition/competition'
    emu.addFault({ route: `POST ${P}`, kind: 'status', status: 502, when: 'after', times: 1 })
    const creator = creatorOf(emu)
    const id = await creator.createChallenge({ name: 'Lossy legacy', kernelVersion: 'flex_v1' })
    expect(emu.state().creator.challenges.filter(c => c.name === 'Lossy legacy')).toHaveLength(1)
    await creator.uploadFile(id, 'env', await file('env.py', GOOD_ENV_PY))
    await creator.uploadFile(id, 'benchmark', await file('agent.py', 'class Agent:\n    pass\n'))
    emu.addFault({ route: `POST ${P}/${id}/benchmark/run`, kind: 'reset', when: 'after', times: 1 })
    const run = await creator.runBenchmark(id)
    expect(run).toEqual(expect.objectContaining({ jobStatus: 'running' }))
    expect(emu.state().creator.challenges.find(c => c.id === id)?.runs).toHaveLength(1)
    emu.advance(3_600_000)
    expect((await creator.benchmarkStatus(id)).run?.jobStatus).toBe('completed')
    emu.addFault({
      route: `PUT ${P}/${id}/start`,
      kind: 'status',
      status: 500,
      when: 'after',
      times: 1
    })
    await creator.start(id)
    expect((await creator.competition(id)).status).toBe('started')
  })

  it('says the legacy wire has no editor view, without a request', async () => {
    const creator = creatorOf(emu)
    await creator.arena.wire()
    emu.clearRequests()
    const error = await caught(creator.editorView(GRID_MAZE))
    expect(error.message).toMatch(
      /legacy API wire, which has no route for the challenge's editor view/
    )
    expect(emu.requests().filter(r => r.server === 'api')).toEqual([])
  })
})

describe('non-idempotent creator writes after an ambiguous failure (current wire)', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'manual', seed: 5 })
  })
  afterAll(() => emu.close())

  const P = '/api/creator_challenge/challenge'
  const count = (method: string, pattern: RegExp): number =>
    emu.requests().filter(r => r.method === method && pattern.test(r.path)).length

  it('adopts the challenge a create made before its answer was lost: one challenge, one create', async () => {
    emu.clearRequests()
    emu.addFault({ route: `POST ${P}`, kind: 'status', status: 500, when: 'after', times: 1 })
    const creator = creatorOf(emu)
    const id = await creator.createChallenge({ name: 'Lost answer', kernelVersion: 'flex_v1' })
    const named = emu.state().creator.challenges.filter(c => c.name === 'Lost answer')
    expect(named.map(c => c.id)).toEqual([id])
    expect(count('POST', /^\/api\/creator_challenge\/challenge$/)).toBe(1)
  })

  it('creates again when the failed create made nothing', async () => {
    emu.clearRequests()
    emu.addFault({ route: `POST ${P}`, kind: 'status', status: 500, when: 'before', times: 1 })
    const creator = creatorOf(emu)
    const id = await creator.createChallenge({ name: 'Refused once', kernelVersion: 'flex_v1' })
    expect(emu.state().creator.challenges.filter(c => c.name === 'Refused once')).toHaveLength(1)
    expect(emu.state().creator.challenges.find(c => c.name === 'Refused once')?.id).toBe(id)
    expect(count('POST', /^\/api\/creator_challenge\/challenge$/)).toBe(2)
  })

  it('follows the benchmark run a lost answer started, never a second run', async () => {
    const creator = creatorOf(emu)
    const id = await creator.createChallenge({ name: 'Bench', kernelVersion: 'flex_v1' })
    await creator.uploadFile(id, 'env', await file('env.py', GOOD_ENV_PY))
    await creator.uploadFile(id, 'benchmark', await file('agent.py', 'class Agent:\n    pass\n'))
    emu.addFault({
      route: `POST ${P}/${id}/benchmark/run`,
      kind: 'reset',
      when: 'after',
      times: 1
    })
    const run = await creator.runBenchmark(id)
    expect(run?.jobStatus).toBe('pending')
    const state = emu.state().creator.challenges.find(c => c.id === id)
    expect(state?.runs).toHaveLength(1)
    // The second run, after the first finished, is a new one (another id): no adoption.
    emu.advance(3_600_000)
    emu.addFault({
      route: `POST ${P}/${id}/benchmark/run`,
      kind: 'status',
      status: 502,
      when: 'before',
      times: 1
    })
    await creator.runBenchmark(id)
    expect(emu.state().creator.challenges.find(c => c.id === id)?.runs).toHaveLength(2)
    emu.advance(3_600_000)
    // A start whose answer is lost: the status says started, so it is not sent again.
    emu.addFault({
      route: `PUT ${P}/${id}/start`,
      kind: 'status',
      status: 500,
      when: 'after',
      times: 1
    })
    emu.clearRequests()
    await creator.start(id)
    expect(emu.state().creator.challenges.find(c => c.id === id)?.status).toBe('started')
    expect(count('PUT', new RegExp(`/challenge/${id}/start$`))).toBe(1)
  })

  it('says what to check when every try is ambiguous and nothing shows the write', async () => {
    emu.addFault({ route: `POST ${P}`, kind: 'status', status: 500, when: 'before', times: 5 })
    const error = await caught(
      creatorOf(emu).createChallenge({ name: 'Never', kernelVersion: 'flex_v1' })
    )
    expect(error.kind).toBe('ambiguous')
    expect(error.message).toMatch(/2 attempts.*challenge named "Never"/)
    emu.clearFaults()
  })
})

const GOOD_ENV_PY = `class Env:
    def evaluate(self, agents):
        return {"agent_results": [{"score": 1.0, "metrics": {"steps": 3}}]}
`
