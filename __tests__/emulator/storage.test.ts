/**
 * Games and their files behind signed URLs on a separate storage origin: the legacy wire's game
 * logs (0.2.0 `agent_games`), the current wire's replays and stdout (4.4.0 `submission_games`).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { HOUR, call, deployedAgent, routes, start } from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

async function gamesOf(e: Emulator, aid: number) {
  const res = await call(e, 'GET', routes(e.wire).games(aid))
  expect(res.status).toBe(200)
  return res.body.games as Record<string, unknown>[]
}

function firstUrl(games: Record<string, unknown>[]): string {
  const url = games.find(g => typeof g.signed_url === 'string')?.signed_url
  if (typeof url !== 'string') throw new Error('no game with a signed URL')
  return url
}

describe.each(['legacy'] as const)('%s wire', wire => {
  it('lists games with reward, steps, outcome, created_at', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'gamer')
    expect(await gamesOf(emu, aid)).toEqual([])
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(6)
    for (const game of games) {
      expect(typeof game.reward).toBe('number')
      expect(typeof game.env_nb_steps).toBe('number')
      expect(typeof game.game_outcome).toBe('string')
      expect(Number.isNaN(Date.parse(String(game.created_at)))).toBe(false)
      expect(game.signed_url === null || typeof game.signed_url === 'string').toBe(true)
    }
    // Some games keep no log.
    expect(games.some(g => g.signed_url === null)).toBe(true)
    expect(games.some(g => typeof g.signed_url === 'string')).toBe(true)
  })

  it('serves a log on the storage origin with a plain GET', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'logged')
    emu.settle(aid)
    const url = new URL(firstUrl(await gamesOf(emu, aid)))
    expect(url.origin).toBe(emu.storageUrl)
    expect(url.origin).not.toBe(emu.baseUrl)
    expect(url.pathname).toMatch(/^\/logs\//)
    expect(url.searchParams.get('expires')).toMatch(/^\d+$/)
    expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toMatch(/END OF GAME LOG \d+\n$/)
    expect(Buffer.byteLength(text)).toBe(4096)
  })

  it('refuses a tampered signature, a tampered path and an expired URL with 403', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'tamper')
    emu.settle(aid)
    const url = new URL(firstUrl(await gamesOf(emu, aid)))
    const signature = url.searchParams.get('signature') ?? ''

    const badSignature = new URL(url)
    badSignature.searchParams.set(
      'signature',
      (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1)
    )
    expect((await fetch(badSignature)).status).toBe(403)

    const longer = new URL(url)
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600))
    expect((await fetch(longer)).status).toBe(403)

    const otherPath = new URL(url)
    otherPath.pathname = url.pathname.replace(/g(\d+)-/, (_m, id: string) => `g${Number(id) + 1}-`)
    expect((await fetch(otherPath)).status).toBe(403)

    expect((await fetch(url)).status).toBe(200)
    emu.advance(25 * HOUR)
    const expired = await fetch(url)
    expect(expired.status).toBe(403)
    expect(await expired.text()).toMatch(/expired/i)
  })

  it('answers 400 when the request carries an Authorization header', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'auth-header')
    emu.settle(aid)
    const url = firstUrl(await gamesOf(emu, aid))
    const res = await fetch(url, { headers: { authorization: `Bearer ${emu.tokens.user}` } })
    expect(res.status).toBe(400)
  })

  it('a failed run keeps a log whose tail is the traceback', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'crashing', {
      'agent.py': '# MLARENA_EMULATOR:FAIL_IMPORT\n'
    })
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.every(g => g.game_outcome === 'error')).toBe(true)
    const text = await (await fetch(firstUrl(games))).text()
    expect(text).toContain("ModuleNotFoundError: No module named 'mlarena_missing_dependency'")
  })

  it('old games (over 60 days) have signed_url null', async () => {
    emu = await start({ wire })
    // alice's seeded agent 1002 was deployed 70 days ago and yesterday.
    const games = await gamesOf(emu, 1002)
    const old = games.filter(
      g => Date.parse(String(g.created_at)) < Date.parse(emu!.state().now) - 60 * 24 * HOUR
    )
    expect(old.length).toBeGreaterThan(0)
    expect(old.every(g => g.signed_url === null)).toBe(true)
  })
})

it('logBytes sets the size of every log', async () => {
  emu = await start({ wire: 'legacy', logBytes: 300_000 })
  const aid = await deployedAgent(emu, COMPETITIONS.normal, 'long-log')
  emu.settle(aid)
  const text = await (await fetch(firstUrl(await gamesOf(emu, aid)))).text()
  expect(Buffer.byteLength(text)).toBe(300_000)
  expect(text).toMatch(/END OF GAME LOG \d+\n$/)
})

// ---------------------------------------------------------------- current wire (SDK 4.4.0)

type Row = Record<string, unknown>

function ownRow(game: Row, aid: number): Row {
  const rows = game.submission_results as Row[]
  const own = rows.find(r => r.submission_id === aid)
  if (!own) throw new Error(`no own row in game ${String(game.simulation_result_id)}`)
  return own
}

function replayOf(game: Row): {
  render_format: string
  signed_url: string
  render_size_bytes: number
} {
  const replay = game.replay as {
    render_format: string
    signed_url: string
    render_size_bytes: number
  } | null
  if (!replay) throw new Error(`game ${String(game.simulation_result_id)} has no replay`)
  return replay
}

const MAGIC: Record<string, Buffer> = {
  image_png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  video_mp4: Buffer.from('ftypisom', 'ascii'),
  // A msgpack map whose first key is "format" (fixmap, then fixstr of 6).
  frames_v2: Buffer.from([0xa6, ...Buffer.from('format')])
}

describe('current wire: games are runs with replays and the agent’s stdout', () => {
  it('lists every finished run, newest first, as a RunResult with replay', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'gamer')
    expect(await gamesOf(emu, aid)).toEqual([])
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(3) // Lunar Lander: 3 runs a deploy
    const ids = games.map(g => g.simulation_result_id as number)
    expect([...ids].sort((a, b) => b - a)).toEqual(ids)
    for (const game of games) {
      expect(game.job_status).toBe('completed')
      expect(game.env_error_type).toBeNull()
      expect(typeof game.env_nb_steps).toBe('number')
      expect(Number.isNaN(Date.parse(String(game.created_at_ts)))).toBe(false)
      const own = ownRow(game, aid)
      expect(typeof own.score).toBe('number')
      // A solo run has no winner: game_outcome and final_rank are null (README 4.1.0).
      expect(own.game_outcome).toBeNull()
      expect(own.final_rank).toBeNull()
      expect(own.agent_error_type).toBeNull()
      expect(String(own.agent_stdout_logs)).toContain(`game ${String(game.simulation_result_id)}`)
      expect(String(own.agent_stdout_logs)).toContain('Lunar Lander')
      expect(game).not.toHaveProperty('signed_url')
      expect(game).not.toHaveProperty('render_delay_second')
    }
    expect(new Set(games.map(g => replayOf(g).render_format))).toEqual(
      new Set(['frames_v2', 'video_mp4', 'image_png'])
    )
    const res = await call(emu, 'GET', routes('current').games(aid))
    expect(res.body.challenge_context).toEqual({
      metrics: [expect.objectContaining({ key: 'mean_reward', is_ranking: true })],
      number_of_agents: 1,
      render_delay_second: expect.any(Number)
    })
  })

  it('serves each replay on the storage origin: real bytes of its format, of render_size_bytes', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'replayed')
    emu.settle(aid)
    for (const game of await gamesOf(emu, aid)) {
      const replay = replayOf(game)
      const url = new URL(replay.signed_url)
      expect(url.origin).toBe(emu.storageUrl)
      expect(url.pathname).toMatch(/^\/replays\//)
      const res = await fetch(url)
      expect(res.status).toBe(200)
      const bytes = Buffer.from(await res.arrayBuffer())
      expect(bytes.length).toBe(replay.render_size_bytes)
      const magic = MAGIC[replay.render_format] as Buffer
      const at =
        replay.render_format === 'video_mp4' ? 4 : replay.render_format === 'frames_v2' ? 1 : 0
      expect(bytes.subarray(at, at + magic.length)).toEqual(magic)
    }
  })

  it('is deterministic: the same files give the same replay bytes', async () => {
    const sizes: number[][] = []
    for (let i = 0; i < 2; i += 1) {
      emu = await start({ wire: 'current' })
      const aid = await deployedAgent(emu, COMPETITIONS.normal, 'same')
      emu.settle(aid)
      sizes.push((await gamesOf(emu, aid)).map(g => replayOf(g).render_size_bytes))
      await emu.close()
      emu = null
    }
    expect(sizes[0]).toEqual(sizes[1])
  })

  it('refuses a tampered, expired (6 h) or authorised replay URL', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'tamper')
    emu.settle(aid)
    const url = new URL(replayOf((await gamesOf(emu, aid))[0] as Row).signed_url)
    const bad = new URL(url)
    const signature = url.searchParams.get('signature') ?? ''
    bad.searchParams.set('signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1))
    expect((await fetch(bad)).status).toBe(403)
    const auth = await fetch(url, { headers: { authorization: `Bearer ${emu.tokens.user}` } })
    expect(auth.status).toBe(400)
    expect((await fetch(url)).status).toBe(200)
    emu.advance(7 * HOUR)
    expect((await fetch(url)).status).toBe(403)
  })

  it('a failed run has no replay; its stdout on the own row ends in the traceback', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'crashing', {
      'agent.py': '# MLARENA_EMULATOR:FAIL_IMPORT\n'
    })
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(3)
    for (const game of games) {
      expect(game.replay).toBeNull()
      expect(game.job_status).toBe('completed')
      const own = ownRow(game, aid)
      expect(own.agent_error_type).toBe('code_error')
      expect(own.score).toBeNull()
      expect(String(own.agent_stdout_logs)).toContain(
        "ModuleNotFoundError: No module named 'mlarena_missing_dependency'"
      )
    }
  })

  it('a crash of the challenge’s code is env_error_type on a completed run', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'env-crash', {
      'agent.py': '# MLARENA_EMULATOR:CRASH_ONE\n'
    })
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    const crashed = games.filter(g => g.env_error_type === 'crash')
    expect(crashed.length).toBe(1)
    expect(crashed[0]?.job_status).toBe('completed')
    expect(ownRow(crashed[0] as Row, aid).agent_error_type).toBeNull()
  })

  it('two-player games: the opponent row comes first, its private fields null', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.elo, 'duel')
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(2)
    for (const game of games) {
      const rows = game.submission_results as Row[]
      expect(rows.length).toBe(2)
      const [opponent, own] = rows as [Row, Row]
      expect(own.submission_id).toBe(aid)
      expect(opponent.submission_id).not.toBe(aid)
      expect(opponent.agent_stdout_logs).toBeNull()
      expect(opponent.agent_error_message).toBeNull()
      expect(['win', 'loss', 'draw']).toContain(own.game_outcome)
      expect(typeof own.agent_stdout_logs).toBe('string')
    }
  })

  it('replays past the 365-day retention are null', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'ageing')
    emu.settle(aid)
    expect((await gamesOf(emu, aid)).every(g => g.replay !== null)).toBe(true)
    emu.advance(366 * 24 * HOUR)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(3)
    expect(games.every(g => g.replay === null)).toBe(true)
  })

  it('logBytes sets the size of the agent’s stdout', async () => {
    emu = await start({ wire: 'current', logBytes: 3000 })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'long-stdout')
    emu.settle(aid)
    const stdout = String(ownRow((await gamesOf(emu, aid))[0] as Row, aid).agent_stdout_logs)
    expect(Buffer.byteLength(stdout)).toBe(3000)
    expect(stdout).toMatch(/END OF AGENT STDOUT \d+\n$/)
  })
})
