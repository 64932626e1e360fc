/** Creator routes: the benchmark run on the clock, its checks, start blockers, start and stop. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { call, HOUR, start } from './helpers.ts'
import {
  AGENT,
  ALICE_DRAFT,
  GOOD_ENV,
  asCreator,
  challengeState,
  createChallenge,
  creatorPaths,
  putText,
  readyChallenge
} from './creator-helpers.ts'

const p = creatorPaths('current')
const MARK = 'MLARENA_EMULATOR:'

async function status(emu: Emulator, cid: number) {
  const res = await asCreator(emu, 'GET', p.status(cid))
  expect(res.status).toBe(200)
  return res.body
}

async function benchmarked(emu: Emulator, cid: number) {
  const run = await asCreator(emu, 'POST', p.run(cid))
  expect(run.status).toBe(200)
  emu.advance(2 * HOUR)
  return status(emu, cid)
}

function checkOf(body: { checks: { key: string }[] }, key: string) {
  const found = body.checks.find(c => c.key === key)
  if (!found) throw new Error(`no check ${key}`)
  return found as Record<string, unknown>
}

describe('benchmark runs on the emulator clock', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('has no run before the first one', async () => {
    expect(await status(emu, ALICE_DRAFT)).toEqual({ run: null, checks: [] })
  })

  it('goes pending → running → completed, with checks once it completes', async () => {
    const run = await asCreator(emu, 'POST', p.run(ALICE_DRAFT))
    expect(run.status).toBe(200)
    expect(run.body.job_status).toBe('pending')
    expect((await asCreator(emu, 'POST', p.run(ALICE_DRAFT))).status).toBe(409)
    expect((await status(emu, ALICE_DRAFT)).checks).toEqual([])
    emu.advance(20_000)
    const running = await status(emu, ALICE_DRAFT)
    expect(running.run.job_status).toBe('running')
    expect(running.checks).toEqual([])
    expect(running.run.submission_results[0].score).toBeNull()
    emu.advance(HOUR)
    const done = await status(emu, ALICE_DRAFT)
    expect(done.run).toEqual(
      expect.objectContaining({
        id: run.body.id,
        job_status: 'completed',
        job_error_type: null,
        env_error_type: null
      })
    )
    const score = done.run.submission_results[0].score
    expect(typeof score).toBe('number')
    expect(done.checks.map((c: { key: string }) => c.key)).toEqual([
      'simulation_timeout_sec',
      'agent_max_time_per_step_second',
      'agent_memory_limit',
      'env_memory_limit',
      'simulation_max_steps',
      'metrics'
    ])
    for (const check of done.checks) {
      expect(check.status).toBe('ok')
      expect(Object.keys(check).sort()).toEqual(
        ['configured', 'key', 'label', 'measured', 'message', 'ratio', 'status'].sort()
      )
    }
    const wall = checkOf(done, 'simulation_timeout_sec')
    expect(wall.configured).toBe(300)
    expect(wall.ratio).toBeCloseTo((wall.measured as number) / 300, 3)
    expect(checkOf(done, 'metrics')).toEqual(
      expect.objectContaining({ configured: ['steps'], measured: ['steps'], ratio: null })
    )
    // the benchmark is scored: nothing blocks a start
    expect((await asCreator(emu, 'GET', p.one(ALICE_DRAFT))).body.start_blockers).toEqual([])
    expect(challengeState(emu, ALICE_DRAFT).runs).toEqual([
      expect.objectContaining({ id: run.body.id, jobStatus: 'completed', score })
    ])
  })

  it('gives the same score for the same files (deterministic)', async () => {
    const other = await start({ wire: 'current' })
    try {
      await asCreator(other, 'POST', p.run(ALICE_DRAFT))
      other.advance(HOUR)
      const a = (await status(other, ALICE_DRAFT)).run.submission_results[0].score
      const b = (await status(emu, ALICE_DRAFT)).run.submission_results[0].score
      expect(a).toBe(b)
    } finally {
      await other.close()
    }
  })

  it('checks budgets as the config is now: a tighter budget fails the check', async () => {
    const cid = await readyChallenge(emu)
    const before = await benchmarked(emu, cid)
    const measured = checkOf(before, 'simulation_timeout_sec').measured as number
    const tighter = Math.max(1, Math.floor(measured / 2))
    const res = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { simulation_timeout_sec: tighter }
    })
    expect(res.status).toBe(200)
    const after = checkOf(await status(emu, cid), 'simulation_timeout_sec')
    expect(after).toEqual(expect.objectContaining({ configured: tighter, status: 'fail' }))
  })

  it('needs env.py and a benchmark agent to run', async () => {
    const cid = await createChallenge(emu)
    const none = await asCreator(emu, 'POST', p.run(cid))
    expect(none.status).toBe(400)
    expect(none.body.error).toMatch(/env\.py.*agent\.py/)
    await putText(emu, p.envFiles(cid), 'env.py', GOOD_ENV)
    const noAgent = await asCreator(emu, 'POST', p.run(cid))
    expect(noAgent.status).toBe(400)
    expect(noAgent.body.error).toMatch(/agent\.py/)
    expect(challengeState(emu, cid).runs).toEqual([])
  })
})

describe('benchmark markers', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('SCORE=<n> in a benchmark file sets the score', async () => {
    const cid = await readyChallenge(emu, { agent: `${AGENT}# ${MARK}SCORE=42.5\n` })
    expect((await benchmarked(emu, cid)).run.submission_results[0].score).toBe(42.5)
  })

  it('SLOW warns on the wallclock and the slowest agent call', async () => {
    const cid = await readyChallenge(emu, { agent: `${AGENT}# ${MARK}SLOW\n` })
    const body = await benchmarked(emu, cid)
    expect(body.run.job_status).toBe('completed')
    expect(checkOf(body, 'simulation_timeout_sec').status).toBe('warn')
    expect(checkOf(body, 'agent_max_time_per_step_second').status).toBe('warn')
  })

  it('TIMEOUT fails the run (timeout) and its wallclock check', async () => {
    const cid = await readyChallenge(emu, { env: `${GOOD_ENV}# ${MARK}TIMEOUT\n` })
    const body = await benchmarked(emu, cid)
    expect(body.run).toEqual(
      expect.objectContaining({ job_status: 'failed', job_error_type: 'timeout' })
    )
    expect(body.run.submission_results[0].score).toBeNull()
    expect(checkOf(body, 'simulation_timeout_sec').status).toBe('fail')
    expect(checkOf(body, 'metrics').status).toBe('unmeasured')
    const blockers = (await asCreator(emu, 'GET', p.one(cid))).body.start_blockers
    expect(blockers).toEqual([
      { code: 'benchmark_unscored', message: expect.stringMatching(/failed/) }
    ])
  })

  it('OOM fails the run and the agent memory check', async () => {
    const cid = await readyChallenge(emu, { agent: `${AGENT}# ${MARK}OOM\n` })
    const body = await benchmarked(emu, cid)
    expect(body.run.job_status).toBe('failed')
    expect(body.run.submission_results[0].agent_error_type).toBe('oom_killed')
    expect(checkOf(body, 'agent_memory_limit').status).toBe('fail')
  })

  it('ENV_CRASH fails the run with the env error and its logs', async () => {
    const cid = await readyChallenge(emu, { env: `${GOOD_ENV}# ${MARK}ENV_CRASH\n` })
    const body = await benchmarked(emu, cid)
    expect(body.run).toEqual(
      expect.objectContaining({ job_status: 'failed', env_error_type: 'code_error' })
    )
    expect(body.run.env_error_message).toMatch(/RuntimeError/)
    expect(body.run.env_stdout_logs).toMatch(/RuntimeError/)
  })

  it('FAIL_IMPORT in the benchmark agent fails it with code_error', async () => {
    const cid = await readyChallenge(emu, { agent: `import missing  # ${MARK}FAIL_IMPORT\n` })
    const body = await benchmarked(emu, cid)
    expect(body.run.submission_results[0]).toEqual(
      expect.objectContaining({ agent_error_type: 'code_error', score: null })
    )
  })

  it('a declared env metric that env.py never returns fails the metrics check', async () => {
    const cid = await readyChallenge(emu, { env: GOOD_ENV.replace('"steps"', '"moves"') })
    const metrics = [
      {
        key: 'reward',
        label: 'Reward',
        source: 'score',
        agg: 'mean',
        order: 'desc',
        format: 'number',
        unit: null,
        precision: 2,
        is_ranking: true,
        visible: true
      },
      {
        key: 'steps',
        label: 'Steps',
        source: 'env',
        agg: 'mean',
        order: null,
        format: 'integer',
        unit: null,
        precision: 0,
        is_ranking: false,
        visible: true
      }
    ]
    expect((await asCreator(emu, 'PUT', p.settings(cid), { json: { metrics } })).status).toBe(200)
    const check = checkOf(await benchmarked(emu, cid), 'metrics')
    expect(check).toEqual(
      expect.objectContaining({ status: 'fail', configured: ['steps'], measured: [] })
    )
  })
})

describe('start and stop', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('refuses a start with every blocker and changes nothing', async () => {
    const cid = await createChallenge(emu)
    const res = await asCreator(emu, 'PUT', p.start(cid))
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/env\.py/)
    expect(res.body.details).toEqual([
      expect.stringMatching(/env\.py/),
      expect.stringMatching(/agent\.py/)
    ])
    expect(challengeState(emu, cid).status).toBe('draft')
  })

  it('starts a benchmarked draft; then it is listed and takes submissions', async () => {
    const cid = await readyChallenge(emu, { body: { is_public: true } })
    await benchmarked(emu, cid)
    const res = await asCreator(emu, 'PUT', p.start(cid))
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('started')
    const view = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(view.start_blockers).toBeNull()
    expect(view.start_recommendations).toBeNull()
    expect((await call(emu, 'GET', `/api/challenges/${cid}`)).body.status).toBe('started')
    const list = await call(emu, 'GET', '/api/challenges/?per_page=100')
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(cid)
    const submit = await call(emu, 'POST', `/api/submissions/challenge/${cid}`, {
      json: { submission_name: 'first' }
    })
    expect(submit.status).toBe(201)
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(400)
  })

  it('freezes what a started challenge may not change, keeps the rest editable', async () => {
    const cid = await readyChallenge(emu)
    await benchmarked(emu, cid)
    await putText(emu, p.envFiles(cid), 'challenge.toml', 'max_upload_files = 4\n')
    await benchmarked(emu, cid)
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(200)
    const before = challengeState(emu, cid)
    expect((await putText(emu, p.envFiles(cid), 'env.py', GOOD_ENV + '#\n')).status).toBe(400)
    expect((await asCreator(emu, 'DELETE', p.envFile(cid, 'challenge.toml'))).status).toBe(400)
    expect((await putText(emu, p.benchFiles(cid), 'agent.py', AGENT)).status).toBe(400)
    expect((await asCreator(emu, 'PUT', p.one(cid), { json: { name: 'New' } })).status).toBe(400)
    const frozen = await putText(emu, p.envFiles(cid), 'challenge.toml', 'max_upload_files = 9\n')
    expect(frozen.status).toBe(400)
    expect(frozen.body.error).toMatch(/^challenge\.toml:1: 'max_upload_files' cannot change/)
    const setting = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { simulation_max_steps: 5 }
    })
    expect(setting.status).toBe(400)
    expect(challengeState(emu, cid)).toEqual(before)
    // running-editable: description, visibility, is_stop_after_deployment; tags and overview
    expect((await asCreator(emu, 'PUT', p.one(cid), { json: { description: 'd2' } })).status).toBe(
      200
    )
    expect(
      (await asCreator(emu, 'PUT', p.settings(cid), { json: { is_stop_after_deployment: false } }))
        .status
    ).toBe(200)
    const same = await putText(
      emu,
      p.envFiles(cid),
      'challenge.toml',
      'max_upload_files = 4\nrender_delay_second = 0.5\n'
    )
    expect(same.status).toBe(200)
    expect((await asCreator(emu, 'PUT', p.tags(cid), { json: { tag_ids: [1] } })).status).toBe(200)
  })

  it('stops only a started challenge; a restart keeps the first start date', async () => {
    const cid = await readyChallenge(emu)
    expect((await asCreator(emu, 'PUT', p.stop(cid))).status).toBe(400)
    await benchmarked(emu, cid)
    await asCreator(emu, 'PUT', p.start(cid))
    const first = challengeState(emu, cid).startDate
    expect(typeof first).toBe('string')
    expect((await asCreator(emu, 'PUT', p.stop(cid))).body.status).toBe('stopped')
    expect((await asCreator(emu, 'PUT', p.stop(cid))).status).toBe(400)
    // stopped: authoring unlocked, blockers follow the state again
    expect((await putText(emu, p.envFiles(cid), 'notes.txt', 'n')).status).toBe(200)
    const view = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(view.status).toBe('stopped')
    expect(view.start_blockers).toEqual([
      { code: 'benchmark_unscored', message: expect.stringMatching(/changed since/) }
    ])
    await benchmarked(emu, cid)
    emu.advance(HOUR)
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(200)
    expect(challengeState(emu, cid).startDate).toBe(first)
  })

  it('requires the files named by required_files', async () => {
    const cid = await readyChallenge(emu)
    await putText(emu, p.envFiles(cid), 'challenge.toml', 'required_files = ["y_test.csv"]\n')
    await benchmarked(emu, cid)
    const view = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(view.start_blockers).toEqual([
      { code: 'required_file_missing', message: expect.stringMatching(/y_test\.csv/) }
    ])
  })
})
