/**
 * SDK 4.4.0 README "Full participant workflow", call by call as the SDK makes them, against the
 * emulator's current wire. (The seed's 0.2.0 workflow, `submit` then at once
 * `update_agent_file_content` and `deploy_agent`, is in limits.test.ts on both wires.)
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, REPLAY_SUFFIXES, type Emulator } from '../../emulator/index.ts'
import { HOUR, call, readStatus, routes, start, uploadFile } from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

describe('SDK 4.4.0 README "Full participant workflow" (current wire)', () => {
  it('runs every step: runner, submit, edit + redeploy, tail, replays, leaderboard', async () => {
    emu = await start({ wire: 'current' })
    const r = routes('current')
    const cid = COMPETITIONS.normal
    // 1. runtime_options + resolve_runtime(language="python", framework="gymnasium")
    const runtimes = (await call(emu, 'GET', r.runtimeOptions(cid))).body as {
      id: number
      language: string
      framework: string | null
    }[]
    const pyGym = runtimes.find(o => o.language === 'python' && o.framework === 'gymnasium')
    expect(pyGym).toBeDefined()
    // 2. submit(files=[agent.py, model.pkl], runtime_id=…): create, pin, upload, check, deploy
    const created = await call(emu, 'POST', r.create(cid), { json: { submission_name: 'agent' } })
    expect(created.status).toBe(201)
    const sid = created.body.submission_id as number
    expect(
      (
        await call(emu, 'PUT', r.runtime(sid), {
          json: { docker_image_agent_runtime_id: pyGym?.id }
        })
      ).status
    ).toBe(200)
    await uploadFile(emu, cid, sid, 'agent.py', 'class Agent:\n    epsilon=0.1\n')
    await uploadFile(emu, cid, sid, 'model.pkl', 'weights')
    expect((await readStatus(emu, cid, sid)).body.is_deployable).toBe(true)
    const deploy = await call(emu, 'PUT', r.deploy(cid, sid))
    expect(deploy.status).toBe(202)
    expect(deploy.body.status).toBe('deploy_queue')
    // 3. get_submission_file_content, update_submission_file_content, deploy_submission
    const src = (await call(emu, 'GET', r.content(cid, sid, 'agent.py'))).body.content as string
    const edit = await uploadFile(
      emu,
      cid,
      sid,
      'agent.py',
      src.replace('epsilon=0.1', 'epsilon=0.05')
    )
    expect(edit.status).toBe(200)
    const redeploy = await call(emu, 'PUT', r.deploy(cid, sid))
    expect(redeploy.status).toBe(202)
    // 4. tail_logs: poll submission_status until is_settled
    let status = (await readStatus(emu, cid, sid)).body
    for (let i = 0; i < 100 && !status.is_settled; i += 1) {
      emu.advance(HOUR / 12)
      status = (await readStatus(emu, cid, sid)).body
    }
    expect(status.is_settled).toBe(true)
    expect(status.status).toBe('active')
    for (const run of status.run_info.results as {
      submission_results: { submission_id: number }[]
    }[])
      expect(run.submission_results.some(row => row.submission_id === sid)).toBe(true)
    // 5. submission_games + download_replay(game, "replays/") for each game with a replay
    const games = (await call(emu, 'GET', r.games(sid))).body.games as {
      simulation_result_id: number
      replay: { render_format: keyof typeof REPLAY_SUFFIXES; signed_url: string } | null
    }[]
    const saved: string[] = []
    for (const game of games) {
      if (!game.replay) continue
      const res = await fetch(game.replay.signed_url)
      expect(res.status).toBe(200)
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0)
      saved.push(`${game.simulation_result_id}${REPLAY_SUFFIXES[game.replay.render_format]}`)
    }
    expect(saved.length).toBeGreaterThan(0)
    // 6. leaderboard(cid).head()
    const board = await call(emu, 'GET', r.board(cid))
    expect(
      board.body.leaders.some((row: { submission_id: number }) => row.submission_id === sid)
    ).toBe(true)
  })
})
