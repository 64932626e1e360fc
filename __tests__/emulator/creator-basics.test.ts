/** Creator routes: scope and ownership, create, the editor view, env files and challenge.toml, tags, benchmark files. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { TOKENS } from '../../emulator/index.ts'
import { call, start } from './helpers.ts'
import {
  ALICE_DRAFT,
  BOB_HIDDEN,
  OTHER_CREATOR,
  asCreator,
  challengeState,
  createChallenge,
  creatorPaths,
  putForm,
  putText
} from './creator-helpers.ts'

const p = creatorPaths('current')

describe('creator routes: scope and ownership', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('needs a creator token: a user or teacher token is 403, none is 401', async () => {
    for (const token of [TOKENS.user, TOKENS.teacher]) {
      expect((await call(emu, 'GET', p.mine, { token })).status).toBe(403)
      expect((await call(emu, 'GET', p.one(ALICE_DRAFT), { token })).status).toBe(403)
      const create = await call(emu, 'POST', p.create, {
        token,
        json: { name: 'x', kernel_version: 'flex_v1' }
      })
      expect(create.status).toBe(403)
    }
    expect((await call(emu, 'GET', p.mine, { token: null })).status).toBe(401)
  })

  it("answers 403 for another's visible competition and 404 for a hidden one", async () => {
    expect((await asCreator(emu, 'GET', p.one(1))).status).toBe(403)
    expect((await asCreator(emu, 'GET', p.one(BOB_HIDDEN))).status).toBe(404)
    expect((await asCreator(emu, 'GET', p.one(3))).status).toBe(404)
    expect((await asCreator(emu, 'GET', p.one(4242))).status).toBe(404)
    const write = await asCreator(emu, 'PUT', p.markdown(BOB_HIDDEN), { json: { content: 'x' } })
    expect(write.status).toBe(404)
    // bob sees his own, and alice's hidden draft is 404 to him
    expect((await call(emu, 'GET', p.one(BOB_HIDDEN), { token: OTHER_CREATOR })).status).toBe(200)
    expect((await call(emu, 'GET', p.one(ALICE_DRAFT), { token: OTHER_CREATOR })).status).toBe(404)
  })

  it('lists my challenges, hidden ones included', async () => {
    const res = await asCreator(emu, 'GET', p.mine)
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      {
        id: ALICE_DRAFT,
        challenge_id: ALICE_DRAFT,
        name: 'Grid Maze',
        status: 'draft',
        is_public: false,
        kernel_version: 'flex_v1',
        role: 'owner',
        owner_username: 'alice'
      }
    ])
  })
})

describe('creator routes: create and the editor view', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('lists the kinds create accepts', async () => {
    const res = await asCreator(emu, 'GET', p.kinds)
    expect(res.status).toBe(200)
    const kinds = res.body.map((k: { kernel_version: string }) => k.kernel_version)
    expect(kinds).toEqual(expect.arrayContaining(['flex_v1', 'file_v1']))
    for (const kind of res.body) {
      expect(typeof kind.label).toBe('string')
      expect(typeof kind.has_machine).toBe('boolean')
      expect(typeof kind.capabilities).toBe('object')
    }
  })

  it('creates a private draft unless is_public, as a competition of the same world', async () => {
    const res = await asCreator(emu, 'POST', p.create, {
      json: { name: 'Maze 2', kernel_version: 'flex_v1', description: 'd', tag_ids: [1, 10] }
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual(
      expect.objectContaining({ name: 'Maze 2', status: 'draft', is_public: false })
    )
    const cid = res.body.challenge_id as number
    expect(res.body.id).toBe(cid)
    // hidden from participants (404), and a draft takes no submissions
    expect((await call(emu, 'GET', `/api/challenges/${cid}`)).status).toBe(404)
    const pub = await createChallenge(emu, { name: 'Public draft', is_public: true })
    const detail = await call(emu, 'GET', `/api/challenges/${pub}`)
    expect(detail.status).toBe(200)
    expect(detail.body.status).toBe('draft')
    const submit = await call(emu, 'POST', `/api/submissions/challenge/${pub}`, {
      json: { submission_name: 'early' }
    })
    expect(submit.status).toBe(400)
    const state = challengeState(emu, cid)
    expect(state.tags.map(t => t.id)).toEqual([1, 10])
    expect(state.owner).toBe('alice')
  })

  it('refuses a bad create with a clear error and creates nothing', async () => {
    const before = emu.state().creator.challenges.length
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ kernel_version: 'flex_v1' }, 400, /name/],
      [{ name: 'x', kernel_version: 'gym_v9' }, 400, /Unknown kernel_version "gym_v9".*flex_v1/],
      [
        { name: 'x', kernel_version: 'flex_v1', tag_ids: [1, 999] },
        400,
        /Unknown tag id\(s\): 999/
      ],
      [{ name: 'x', kernel_version: 'chat_v1' }, 503, /machine/],
      [
        { name: 'x', kernel_version: 'flex_v1', copy_from_challenge_id: BOB_HIDDEN },
        404,
        /not found/
      ]
    ]
    for (const [json, status, message] of cases) {
      const res = await asCreator(emu, 'POST', p.create, { json })
      expect([res.status, res.body.error]).toEqual([status, expect.stringMatching(message)])
    }
    expect(emu.state().creator.challenges.length).toBe(before)
  })

  it('copies env, benchmark, config and tags from an owned challenge', async () => {
    const cid = await createChallenge(emu, { copy_from_challenge_id: ALICE_DRAFT })
    const copy = challengeState(emu, cid)
    const source = challengeState(emu, ALICE_DRAFT)
    expect(copy.env).toEqual(source.env)
    expect(copy.benchmark).toEqual(source.benchmark)
    expect(copy.config.values).toEqual(source.config.values)
  })

  it('serves the editor view with config, blockers that follow the state and editable fields', async () => {
    const res = await asCreator(emu, 'GET', p.one(ALICE_DRAFT))
    expect(res.status).toBe(200)
    const v = res.body
    expect(v).toEqual(
      expect.objectContaining({
        id: ALICE_DRAFT,
        name: 'Grid Maze',
        status: 'draft',
        role: 'owner',
        owner_username: 'alice',
        kernel_version: 'flex_v1'
      })
    )
    expect(v.configuration.kernel_version).toBe('flex_v1')
    expect(typeof v.evaluation).toBe('object')
    expect(v.environment.attach_path_files).toEqual([
      'challenge.toml',
      'env.py',
      'requirements.txt'
    ])
    expect(v.config.values.simulation_timeout_sec).toBe(300)
    expect(v.config.origin.simulation_timeout_sec).toBe('file')
    expect(v.config.origin.env_memory_limit).toBe('default')
    expect(v.config.file_lines.simulation_timeout_sec).toBe(2)
    expect(v.config.file_in_sync).toBe(true)
    expect(typeof v.config.file_applied_at_ts).toBe('string')
    expect(v.start_blockers).toEqual([
      { code: 'benchmark_unscored', message: expect.stringMatching(/never run/) }
    ])
    expect(v.start_recommendations.map((r: { code: string }) => r.code)).toEqual([
      'overview_missing',
      'cover_missing'
    ])
    expect(v.running_editable_fields).toEqual(
      expect.arrayContaining(['description', 'is_public', 'metrics', 'is_stop_after_deployment'])
    )
    expect(v.running_editable_fields).not.toContain('simulation_timeout_sec')
  })

  it('lists env_missing and benchmark_missing on an empty challenge', async () => {
    const cid = await createChallenge(emu)
    const v = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(v.start_blockers.map((b: { code: string }) => b.code)).toEqual([
      'env_missing',
      'benchmark_missing'
    ])
    expect(v.config.file_applied_at_ts).toBeNull()
  })

  it('updates name, description and visibility; refuses an empty or mistyped body', async () => {
    const cid = await createChallenge(emu)
    const res = await asCreator(emu, 'PUT', p.one(cid), {
      json: { name: 'Renamed', description: 'New blurb', is_public: true }
    })
    expect(res.status).toBe(200)
    expect(challengeState(emu, cid)).toEqual(
      expect.objectContaining({ name: 'Renamed', description: 'New blurb', isPublic: true })
    )
    expect((await asCreator(emu, 'PUT', p.one(cid), { json: {} })).status).toBe(400)
    expect((await asCreator(emu, 'PUT', p.one(cid), { json: { is_public: 'yes' } })).status).toBe(
      400
    )
  })
})

describe('creator routes: env files and challenge.toml', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('stores env files from JSON or multipart and lists them with sha256', async () => {
    const cid = await createChallenge(emu)
    expect((await putText(emu, p.envFiles(cid), 'env.py', 'class Env:\n    pass\n')).status).toBe(
      200
    )
    const up = await putForm(emu, p.envFiles(cid), 'data.bin', new Uint8Array([0, 1, 2, 3]))
    expect(up.status).toBe(200)
    const list = await asCreator(emu, 'GET', p.envFiles(cid))
    expect(Object.keys(list.body.files).sort()).toEqual(['data.bin', 'env.py'])
    expect(list.body.files['env.py']).toEqual(
      expect.objectContaining({ content: 'class Env:\n    pass\n', is_binary: false, size: 20 })
    )
    expect(list.body.files['data.bin']).toEqual(
      expect.objectContaining({ content: null, is_binary: true, size: 4 })
    )
    expect(challengeState(emu, cid).env.map(f => f.sha256)).toEqual([
      '054edec1d0211f624fed0cbca9d4f9400b0e491c43742af2c5b0abebf0c990d8',
      list.body.files['env.py'].sha256
    ])
  })

  it('refuses a file name with a path and a body without a file', async () => {
    const cid = await createChallenge(emu)
    expect((await putText(emu, p.envFiles(cid), 'data/x.csv', 'a')).status).toBe(400)
    // (a multipart name with a path is upload.ts's rule, shared with agent uploads)
    expect((await asCreator(emu, 'PUT', p.envFiles(cid), { json: { filename: 'x' } })).status).toBe(
      400
    )
    expect(challengeState(emu, cid).env).toEqual([])
  })

  it('applies challenge.toml when saved: values, origin file, lines', async () => {
    const cid = await createChallenge(emu)
    const toml = '# my config\nsimulation_timeout_sec = 120\n\nmax_upload_files = 3\n'
    const res = await putText(emu, p.envFiles(cid), 'challenge.toml', toml)
    expect(res.status).toBe(200)
    expect(res.body.config.values.simulation_timeout_sec).toBe(120)
    const v = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(v.config.origin).toEqual(
      expect.objectContaining({ simulation_timeout_sec: 'file', max_upload_files: 'file' })
    )
    expect(v.config.file_lines).toEqual({ simulation_timeout_sec: 2, max_upload_files: 4 })
    expect(v.configuration.max_upload_files).toBe(3)
    // the participant side follows the config
    await asCreator(emu, 'PUT', p.one(cid), { json: { is_public: true } })
    expect((await call(emu, 'GET', `/api/challenges/${cid}`)).body.max_upload_files).toBe(3)
    // a later file that drops a key gives it back to its default
    await putText(emu, p.envFiles(cid), 'challenge.toml', 'max_upload_files = 4\n')
    const after = challengeState(emu, cid).config
    expect(after.values.simulation_timeout_sec).toBe(600)
    expect(after.origin.simulation_timeout_sec).toBe('default')
    expect(after.fileLines).toEqual({ max_upload_files: 1 })
  })

  it("refuses a bad challenge.toml naming each key's line, and changes nothing", async () => {
    const cid = await createChallenge(emu)
    await putText(emu, p.envFiles(cid), 'challenge.toml', 'max_upload_files = 3\n')
    const before = challengeState(emu, cid)
    const bad = [
      'max_upload_files = 3',
      'simulation_timeout_sec = "fast"',
      'x = 1',
      'agent_max_time_per_step_second = 0',
      '[[metrics]]',
      'key = "reward"',
      'label = "Reward"',
      'source = "score"',
      'agg = "average"',
      'is_ranking = true',
      'order = "desc"',
      'format = "number"',
      'precision = 2',
      'visible = true',
      ''
    ].join('\n')
    const res = await putText(emu, p.envFiles(cid), 'challenge.toml', bad)
    expect(res.status).toBe(400)
    expect(res.body.details).toEqual([
      "challenge.toml:2: 'simulation_timeout_sec' must be integer",
      "challenge.toml:3: unknown key 'x'",
      "challenge.toml:4: 'agent_max_time_per_step_second' must be > 0",
      expect.stringMatching(/^challenge\.toml:9: 'metrics\[0\]\.agg' must be one of "mean"/)
    ])
    expect(res.body.error).toContain("challenge.toml:3: unknown key 'x'")
    expect(challengeState(emu, cid)).toEqual(before)
  })

  it('refuses a challenge.toml that does not parse, with its line', async () => {
    const cid = await createChallenge(emu)
    const res = await putText(emu, p.envFiles(cid), 'challenge.toml', 'a = 1\nb = [1,\nc = \n')
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/^challenge\.toml:[23]: /)
    expect(challengeState(emu, cid).env).toEqual([])
  })

  it('refuses the rules a schema cannot say: one ranking metric', async () => {
    const cid = await createChallenge(emu)
    const toml = [
      '[[metrics]]',
      'key = "a"',
      'label = "A"',
      'source = "score"',
      'agg = "mean"',
      'format = "number"',
      'precision = 2',
      'visible = true',
      'is_ranking = false',
      ''
    ].join('\n')
    const res = await putText(emu, p.envFiles(cid), 'challenge.toml', toml)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/^challenge\.toml:1: exactly one metric must have is_ranking/)
  })

  it('deletes env files (not env.py); deleting challenge.toml releases its keys', async () => {
    const cid = await createChallenge(emu)
    await putText(emu, p.envFiles(cid), 'env.py', 'class Env:\n    pass\n')
    await putText(emu, p.envFiles(cid), 'challenge.toml', 'max_upload_files = 3\n')
    expect((await asCreator(emu, 'DELETE', p.envFile(cid, 'env.py'))).status).toBe(400)
    expect((await asCreator(emu, 'DELETE', p.envFile(cid, 'nope.txt'))).status).toBe(404)
    expect((await asCreator(emu, 'DELETE', p.envFile(cid, 'challenge.toml'))).status).toBe(200)
    const state = challengeState(emu, cid)
    expect(state.env.map(f => f.name)).toEqual(['env.py'])
    expect(state.config.values.max_upload_files).toBe(3)
    expect(state.config.origin.max_upload_files).toBe('console')
    expect(state.config.fileAppliedAt).toBeNull()
  })

  it('answers the env.py validation when env.py is saved', async () => {
    const cid = await createChallenge(emu)
    const res = await putText(emu, p.envFiles(cid), 'env.py', 'import os\n')
    expect(res.status).toBe(200)
    expect(res.body.validation.valid).toBe(false)
    expect(res.body.validation.findings[0]).toEqual(
      expect.objectContaining({ code: 'env_class_missing', severity: 'error' })
    )
    const v = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(v.start_blockers[0]).toEqual(expect.objectContaining({ code: 'env_invalid' }))
  })

  it('refuses sync-github: the emulator cannot reach GitHub', async () => {
    const cid = await createChallenge(emu)
    const res = await asCreator(emu, 'POST', p.syncGithub(cid), {
      json: { github_repo_url: 'https://github.com/o/r' }
    })
    expect(res.status).toBe(501)
    expect(res.body.error).toMatch(/cannot reach GitHub/)
    expect((await asCreator(emu, 'POST', p.syncGithub(cid), { json: {} })).status).toBe(400)
  })
})

describe('creator routes: tags, the catalog and benchmark files', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('serves the tag catalog without a token, with counts of started competitions', async () => {
    const res = await call(emu, 'GET', p.catalog, { token: null })
    expect(res.status).toBe(200)
    const rl = res.body.find((t: { name: string }) => t.name === 'rl')
    expect(rl).toEqual({ id: 1, name: 'rl', description: expect.any(String), challenge_count: 4 })
    const course = res.body.find((t: { name: string }) => t.name === 'course')
    expect(course.challenge_count).toBe(0) // hidden to an anonymous caller
    const asTeacher = await call(emu, 'GET', p.catalog, { token: TOKENS.teacher })
    expect(asTeacher.body.find((t: { name: string }) => t.name === 'course').challenge_count).toBe(
      1
    )
    expect((await call(emu, 'GET', p.catalog, { token: 'mlk_user_x_y' })).status).toBe(401)
  })

  it('replaces the tag set by id; an unknown id is 400 and changes nothing', async () => {
    const cid = await createChallenge(emu, { tag_ids: [2] })
    const res = await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [1, 9] } })
    expect(res.status).toBe(200)
    expect(res.body.tags.map((t: { id: number }) => t.id)).toEqual([1, 9])
    const bad = await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [1, 77] } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/77/)
    expect(challengeState(emu, cid).tags.map(t => t.name)).toEqual(['rl', 'beginner'])
    expect((await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: 'rl' } })).status).toBe(400)
    const cleared = await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [] } })
    expect(cleared.body.tags).toEqual([])
  })

  it('stores, lists and deletes benchmark files', async () => {
    const cid = await createChallenge(emu)
    expect((await putText(emu, p.benchFiles(cid), 'agent.py', 'class Agent: pass\n')).status).toBe(
      200
    )
    expect((await putForm(emu, p.benchFiles(cid), 'weights.bin', 'w')).status).toBe(200)
    const list = await asCreator(emu, 'GET', p.benchFiles(cid))
    expect(Object.keys(list.body.files)).toEqual(['agent.py', 'weights.bin'])
    expect((await asCreator(emu, 'DELETE', p.benchFile(cid, 'weights.bin'))).status).toBe(200)
    expect((await asCreator(emu, 'DELETE', p.benchFile(cid, 'weights.bin'))).status).toBe(404)
    expect(challengeState(emu, cid).benchmark.map(f => f.name)).toEqual(['agent.py'])
  })

  it('shows the creator state on /__emulator/state: files with sha256 and content, config, tags', async () => {
    const res = await fetch(`${emu.baseUrl}/__emulator/state`)
    const state = (await res.json()) as ReturnType<Emulator['state']>
    const maze = state.creator.challenges.find(c => c.id === ALICE_DRAFT)
    expect(maze).toEqual(
      expect.objectContaining({
        name: 'Grid Maze',
        owner: 'alice',
        status: 'draft',
        isPublic: false
      })
    )
    const env = maze?.env.find(f => f.name === 'env.py')
    expect(env?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(env?.content).toContain('class Env')
    expect(maze?.benchmark.map(f => f.name)).toEqual(['agent.py'])
    expect(maze?.config.values.simulation_timeout_sec).toBe(300)
    expect(maze?.runs).toEqual([])
    expect(maze?.blockers?.map(b => b.code)).toEqual(['benchmark_unscored'])
  })

  it('a file challenge benchmarks its submission file, not agent.py', async () => {
    const cid = await createChallenge(emu, { kernel_version: 'file_v1' })
    await putText(
      emu,
      p.envFiles(cid),
      'env.py',
      'class Env:\n    def evaluate(self, agents):\n        return {"agent_results": []}\n'
    )
    await putText(emu, p.benchFiles(cid), 'agent.py', 'x')
    const run = await asCreator(emu, 'POST', p.run(cid))
    expect(run.status).toBe(400)
    expect(run.body.error).toMatch(/submission\.csv/)
    await putText(emu, p.benchFiles(cid), 'submission.csv', 'id,y\n1,0.5\n')
    expect((await asCreator(emu, 'POST', p.run(cid))).status).toBe(200)
  })
})
