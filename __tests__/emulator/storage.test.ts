/** Games and their logs behind signed URLs on a separate storage origin. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { HOUR, WIRES, call, deployedAgent, routes, start } from './helpers.ts'

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

describe.each(WIRES)('%s wire', wire => {
  it('lists games with score (current) or reward (legacy), steps, outcome, created_at', async () => {
    emu = await start({ wire })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'gamer')
    expect(await gamesOf(emu, aid)).toEqual([])
    emu.settle(aid)
    const games = await gamesOf(emu, aid)
    expect(games.length).toBe(6)
    const scoreKey = wire === 'current' ? 'score' : 'reward'
    for (const game of games) {
      expect(typeof game[scoreKey]).toBe('number')
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
  emu = await start({ wire: 'current', logBytes: 300_000 })
  const aid = await deployedAgent(emu, COMPETITIONS.normal, 'long-log')
  emu.settle(aid)
  const text = await (await fetch(firstUrl(await gamesOf(emu, aid)))).text()
  expect(Buffer.byteLength(text)).toBe(300_000)
  expect(text).toMatch(/END OF GAME LOG \d+\n$/)
})
