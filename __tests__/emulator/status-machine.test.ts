/** The status machine, driven by the emulator's clock (manual speed + advance). */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  MARKERS,
  SPEED_FACTORS,
  TIMING,
  type Emulator
} from '../../emulator/index.ts'
import { Clock } from '../../emulator/plumbing/clock.ts'
import {
  HOUR,
  MINUTE,
  WIRES,
  call,
  createAgent,
  deployedAgent,
  readStatus,
  routes,
  start,
  uploadFile
} from './helpers.ts'

const TERMINAL = ['active', 'deploy_failed', 'upload_failed', 'deleted']
let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

/** Advances in small steps, recording every distinct status seen. */
async function walk(e: Emulator, cid: number, aid: number, stepMs: number, maxSteps = 400) {
  const seen: string[] = []
  const bodies: Record<string, unknown>[] = []
  for (let i = 0; i < maxSteps; i += 1) {
    const res = await readStatus(e, cid, aid)
    bodies.push(res.body)
    if (seen[seen.length - 1] !== res.body.status) seen.push(res.body.status)
    if (TERMINAL.includes(res.body.status)) break
    e.advance(stepMs)
  }
  return { seen, bodies }
}

describe('current wire: the whole machine', () => {
  it('created → upload_validated → (grace) → deploy_queue counting down → deploy_run → active', async () => {
    emu = await start({ wire: 'current' })
    const cid = COMPETITIONS.normal
    const aid = await createAgent(emu, cid, 'machine')
    const created = await readStatus(emu, cid, aid)
    expect(created.body).toEqual(
      expect.objectContaining({
        status: 'created',
        is_settled: true,
        is_deployable: false,
        phase: 'upload'
      })
    )
    expect(typeof created.body.status_update_ts).toBe('string')

    await uploadFile(emu, cid, aid, 'agent.py', 'class Agent: pass\n')
    const validated = await readStatus(emu, cid, aid)
    expect(validated.body).toEqual(
      expect.objectContaining({ status: 'upload_validated', is_deployable: true, is_settled: true })
    )
    // Nothing deploying: it never changes by itself.
    emu.advance(6 * HOUR)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('upload_validated')

    expect((await call(emu, 'PUT', routes('current').deploy(cid, aid))).status).toBe(202)
    // README 2.0: a deploy goes from upload_validated straight to deploy_queue in one
    // transaction (no grace period on the current wire).
    const queuedAtOnce = await readStatus(emu, cid, aid)
    expect(queuedAtOnce.body).toEqual(
      expect.objectContaining({
        status: 'deploy_queue',
        phase: 'deployment',
        is_settled: false,
        is_deployable: false
      })
    )
    expect(queuedAtOnce.body.queue_info.queue_position).toBeGreaterThan(0)

    emu.advance(TIMING.graceMs)
    const positions: number[] = []
    let body = (await readStatus(emu, cid, aid)).body
    expect(body.status).toBe('deploy_queue')
    expect(body.phase).toBe('deployment')
    while (body.status === 'deploy_queue') {
      expect(body.queue_info.queue_total).toBeGreaterThanOrEqual(body.queue_info.queue_position)
      positions.push(body.queue_info.queue_position)
      emu.advance(TIMING.queueStepMs)
      body = (await readStatus(emu, cid, aid)).body
    }
    expect(positions.length).toBeGreaterThan(1)
    expect(positions).toEqual([...positions].sort((a, b) => b - a))
    expect(positions[positions.length - 1]).toBe(1)

    expect(body.status).toBe('deploy_run')
    const finishedCounts: number[] = []
    while (body.status === 'deploy_run') {
      const results = body.run_info.results as {
        job_status: string
        submission_results: { submission_id: number; score: number | null }[]
      }[]
      expect(results.length).toBe(3)
      const done = results.filter(r => r.job_status === 'completed')
      finishedCounts.push(done.length)
      for (const run of done) {
        const own = run.submission_results.find(s => s.submission_id === aid)
        expect(typeof own?.score).toBe('number')
      }
      emu.advance(20_000)
      body = (await readStatus(emu, cid, aid)).body
    }
    // Per-run results appear as the runs finish.
    expect(finishedCounts[0]).toBe(0)
    expect(new Set(finishedCounts).size).toBeGreaterThan(1)
    expect(body).toEqual(
      expect.objectContaining({
        status: 'active',
        phase: 'active',
        is_settled: true,
        is_deployable: true
      })
    )
    expect(body.latest_deploy.status).toBe('succeeded')

    const board = await call(emu, 'GET', `${routes('current').board(cid)}?aggregate=submission`)
    const row = board.body.leaders.find((l: { submission_id: number }) => l.submission_id === aid)
    expect(row.is_my_submission).toBe(true)
    expect(typeof row.rank).toBe('number')
  })
})

describe.each(WIRES)('%s wire: statuses and failure markers', wire => {
  const r = routes(wire)
  const cid = COMPETITIONS.normal

  /** A run's error type, whichever wire. */
  /**
   * Why each run ended. Current (README "Why a run ended"): the own row's `agent_error_type`, else
   * the run's `env_error_type`, else its `job_error_type`; legacy: `error_type`.
   */
  const runErrors = (body: {
    submission_id?: number
    id?: number
    run_info: { results: Record<string, unknown>[] }
  }): unknown[] =>
    body.run_info.results.map(run => {
      if (wire === 'legacy') return run.error_type
      const own = (run.submission_results as Record<string, unknown>[]).find(
        row => row.submission_id === body.id
      )
      return own?.agent_error_type ?? run.env_error_type ?? run.job_error_type
    })

  it('reads deploying (legacy) or deploy_queue (current, README 2.0) right after the deploy', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'grace')
    const body = (await readStatus(emu, cid, aid)).body
    expect(body.status).toBe(wire === 'legacy' ? 'deploying' : 'deploy_queue')
    emu.advance(TIMING.graceMs)
    const queued = (await readStatus(emu, cid, aid)).body
    expect(queued.status).toBe('deploy_queue')
    if (wire === 'legacy') expect(queued.queue_info.position_in_queue).toMatch(/^\d+\/\d+$/)
    else expect(typeof queued.queue_info.queue_position).toBe('number')
  })

  it('walks to active and settle() gets there in one call', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'walker')
    const { seen } = await walk(emu, cid, aid, 15_000)
    expect(seen[seen.length - 1]).toBe('active')
    expect(seen).toContain('deploy_queue')
    expect(seen).toContain('deploy_run')

    const other = await deployedAgent(emu, cid, 'settler')
    emu.settle(other)
    expect((await readStatus(emu, cid, other)).body.status).toBe('active')
  })

  it(`${MARKERS.FAIL_IMPORT}: every run fails with code_error → deploy_failed`, async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'broken', {
      'agent.py': 'import mlarena_missing_dependency  # MLARENA_EMULATOR:FAIL_IMPORT\n'
    })
    emu.settle(aid)
    const body = (await readStatus(emu, cid, aid)).body
    expect(body.status).toBe('deploy_failed')
    expect(body.last_status_message).toMatch(/code_error|ModuleNotFoundError/)
    expect(runErrors(body)).toEqual(['code_error', 'code_error', 'code_error'])
    if (wire === 'legacy')
      expect(body.run_info.results.every((x: { status: string }) => x.status === 'error')).toBe(
        true
      )
    else {
      // An outcome arrived for each run (`completed`); the agent is why it ended.
      expect(
        body.run_info.results.every((x: { job_status: string }) => x.job_status === 'completed')
      ).toBe(true)
      expect(body.latest_deploy.failure_owner).toBe('participant')
      expect(body.is_settled).toBe(true)
      expect(body.phase).toBe('terminal')
    }
  })

  it(`${MARKERS.TIMEOUT} and ${MARKERS.OOM}: runs time out / are killed`, async () => {
    emu = await start({ wire })
    const slow = await deployedAgent(emu, cid, 'slow', {
      'agent.py': '# MLARENA_EMULATOR:TIMEOUT\n'
    })
    const fat = await deployedAgent(emu, cid, 'fat', { 'agent.py': '# MLARENA_EMULATOR:OOM\n' })
    emu.settle(slow)
    emu.settle(fat)
    expect(runErrors((await readStatus(emu, cid, slow)).body)).toEqual([
      'timeout',
      'timeout',
      'timeout'
    ])
    expect(runErrors((await readStatus(emu, cid, fat)).body)).toEqual([
      'oom_killed',
      'oom_killed',
      'oom_killed'
    ])
  })

  it(`${MARKERS.CRASH_ONE}: one run crashes, the agent is still active`, async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'flaky', {
      'agent.py': '# MLARENA_EMULATOR:CRASH_ONE\n'
    })
    emu.settle(aid)
    const body = (await readStatus(emu, cid, aid)).body
    expect(body.status).toBe('active')
    expect(runErrors(body)).toEqual([null, 'crash', null])
  })

  it(`${MARKERS.NEVER_SETTLE}: stays in deploy_queue forever; settle() throws`, async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'stuck', {
      'agent.py': '# MLARENA_EMULATOR:NEVER_SETTLE\n'
    })
    emu.advance(48 * HOUR)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('deploy_queue')
    expect(() => emu?.settle(aid)).toThrow(/never/)
  })

  it(`${MARKERS.UPLOAD_INVALID}: upload_failed, and the deploy is refused`, async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, cid, 'invalid')
    const up = await uploadFile(
      emu,
      cid,
      aid,
      'agent.py',
      'x = 1  # MLARENA_EMULATOR:UPLOAD_INVALID\n'
    )
    expect(up.status).toBeLessThan(300)
    expect(up.body.status).toBe('upload_failed')
    expect(typeof up.body.validation_message).toBe('string')
    const status = (await readStatus(emu, cid, aid)).body
    expect(status.status).toBe('upload_failed')
    if (wire === 'current') expect(status.is_deployable).toBe(false)
    const deploy = await call(emu, 'PUT', r.deploy(cid, aid))
    expect(deploy.status).toBe(wire === 'current' ? 409 : 400)
    expect(typeof deploy.body.error).toBe('string')
    expect(emu.state().deploys.filter(d => d.agentId === aid)).toEqual([])
    // A fixed upload makes it deployable again.
    await uploadFile(emu, cid, aid, 'agent.py', 'x = 1\n')
    expect((await readStatus(emu, cid, aid)).body.status).toBe('upload_validated')
  })

  it('SCORE=<n> sets the ranking score exactly', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'scored', {
      'agent.py': '# MLARENA_EMULATOR:SCORE=123.45\n'
    })
    emu.settle(aid)
    expect(emu.state().agents.find(a => a.id === aid)?.score).toBe(123.45)
  })

  it('simulator down: the queue does not move, then the deploy fails with a message', async () => {
    emu = await start({ wire })
    const down = COMPETITIONS.simulatorDown
    const aid = await deployedAgent(emu, down, 'waiting')
    emu.advance(TIMING.graceMs)
    const first = (await readStatus(emu, down, aid)).body
    emu.advance(10 * MINUTE)
    const later = (await readStatus(emu, down, aid)).body
    expect(later.status).toBe('deploy_queue')
    expect(later.queue_info).toEqual(
      wire === 'current'
        ? expect.objectContaining({ queue_position: first.queue_info.queue_position })
        : expect.objectContaining({ position_in_queue: first.queue_info.position_in_queue })
    )
    emu.settle(aid)
    const failed = (await readStatus(emu, down, aid)).body
    expect(failed.status).toBe('deploy_failed')
    expect(failed.last_status_message).toMatch(/simulator/i)
    if (wire === 'current') expect(failed.latest_deploy.failure_owner).toBe('platform')
    const runs = failed.run_info.results as Record<string, unknown>[]
    expect(runs).toHaveLength(3)
    for (const run of runs) {
      // The runners never ran it: a failed job the platform lost (`job_error_type` lost).
      if (wire === 'current')
        expect(run).toEqual(
          expect.objectContaining({ job_status: 'failed', job_error_type: 'lost' })
        )
      else
        expect(run).toEqual(
          expect.objectContaining({ status: 'error', error_type: 'simulation_error' })
        )
    }
  })

  it('deleting an agent mid-deploy cancels the deploy; it never reaches the board', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, cid, 'doomed')
    emu.advance(TIMING.graceMs + TIMING.queueStepMs)
    expect((await call(emu, 'DELETE', r.agent(cid, aid))).status).toBe(200)
    emu.advance(HOUR)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('deleted')
    expect(emu.state().deploys.find(d => d.agentId === aid)?.status).toBe('cancelled')
    expect(emu.state().agents.find(a => a.id === aid)?.score).toBeNull()
    expect((await call(emu, 'PUT', r.deploy(cid, aid))).status).toBe(404)
  })

  it('settle() refuses an agent that is not deploying and not terminal', async () => {
    emu = await start({ wire })
    const aid = await createAgent(emu, cid, 'idle')
    expect(() => emu?.settle(aid)).toThrow()
  })

  it('rewards are deterministic from the seed and the files', async () => {
    const scores: (number | null | undefined)[] = []
    for (const content of ['same\n', 'same\n', 'different\n']) {
      const e = await start({ wire, seed: 7 })
      try {
        const aid = await deployedAgent(e, cid, 'det', { 'agent.py': content })
        e.settle(aid)
        scores.push(e.state().agents.find(a => a.id === aid)?.score)
      } finally {
        await e.close()
      }
    }
    expect(typeof scores[0]).toBe('number')
    expect(scores[1]).toBe(scores[0])
    expect(scores[2]).not.toBe(scores[0])
  })
})

describe('ELO competition', () => {
  it('current: run results carry the opponent too; the own row is found by submission_id', async () => {
    emu = await start({ wire: 'current' })
    const cid = COMPETITIONS.elo
    const aid = await deployedAgent(emu, cid, 'elo-player')
    emu.settle(aid)
    const body = (await readStatus(emu, cid, aid)).body
    for (const run of body.run_info.results) {
      expect(run.submission_results.length).toBe(2)
      expect(
        run.submission_results.filter((s: { submission_id: number }) => s.submission_id === aid)
      ).toHaveLength(1)
    }
  })

  it('legacy: the board is ELO-ranked', async () => {
    emu = await start({ wire: 'legacy' })
    const board = await call(emu, 'GET', routes('legacy').board(COMPETITIONS.elo))
    expect(board.body.length).toBeGreaterThan(3)
    for (const row of board.body) {
      expect(row.IsEloRanked).toBe(true)
      expect(typeof row.EloScore).toBe('number')
    }
  })
})

describe('clock speeds', () => {
  it('fast plays ten simulated minutes in about one real second; realtime is slower; manual stands still', () => {
    let real = 0
    const fast = new Clock(0, 'fast', () => real)
    const realtime = new Clock(0, 'realtime', () => real)
    const manual = new Clock(0, 'manual', () => real)
    real = 1000
    expect(fast.now()).toBe(10 * MINUTE)
    expect(realtime.now()).toBeGreaterThan(1000)
    expect(realtime.now()).toBeLessThan(fast.now())
    expect(manual.now()).toBe(0)
    manual.advance(5000)
    expect(manual.now()).toBe(5000)
    expect(() => manual.advance(-1)).toThrow()
  })

  it('a normal deploy lasts between 15 and 40 real seconds at realtime speed', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'timed')
    const before = Date.parse(emu.state().now)
    emu.settle(aid)
    const simulated = Date.parse(emu.state().now) - before
    // realtime runs at SPEED_FACTORS.realtime simulated ms per real ms.
    const seconds = simulated / SPEED_FACTORS.realtime / 1000
    expect(seconds).toBeGreaterThan(15)
    expect(seconds).toBeLessThan(40)
  })

  it('POST /__emulator/advance moves the clock', async () => {
    emu = await start({ wire: 'legacy' })
    const before = Date.parse(emu.state().now)
    const res = await fetch(`${emu.baseUrl}/__emulator/advance?ms=90000`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(Date.parse(emu.state().now) - before).toBe(90_000)
  })
})
