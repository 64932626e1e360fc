/** Leaderboards: the legacy PascalCase array and the current envelope. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, HOSTILE_NAMES, type Emulator } from '../../emulator/index.ts'
import { call, deployedAgent, routes, start } from './helpers.ts'

type Row = Record<string, unknown>

/** Ranks in board order must never go down, and ties share a rank (1, 2, 2, 4). */
function expectCompetitionRanking(
  rows: Row[],
  rankKey: string,
  scoreKey: string,
  order: 'asc' | 'desc'
) {
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as Row
    if (i === 0) {
      expect(row[rankKey]).toBe(1)
      continue
    }
    const previous = rows[i - 1] as Row
    const better =
      order === 'desc' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b
    if (row[scoreKey] === previous[scoreKey]) expect(row[rankKey]).toBe(previous[rankKey])
    else {
      expect(better(previous[scoreKey] as number, row[scoreKey] as number)).toBe(true)
      expect(row[rankKey]).toBe(i + 1)
    }
  }
}

describe('legacy wire', () => {
  let emu: Emulator
  let mine: number
  beforeAll(async () => {
    emu = await start({ wire: 'legacy' })
    mine = await deployedAgent(emu, COMPETITIONS.normal, 'legacy-ranked')
    emu.settle(mine)
  })
  afterAll(() => emu.close())

  it('is a bare array of PascalCase rows in rank order, ties included', async () => {
    const res = await call(emu, 'GET', routes('legacy').board(COMPETITIONS.normal))
    expect(Array.isArray(res.body)).toBe(true)
    const rows = res.body as Row[]
    for (const key of [
      'Rank',
      'Username',
      'TeamName',
      'AgentName',
      'agentAttachId',
      'IsMyAgent',
      'MeanReward',
      'EloScore',
      'IsEloRanked',
      'NEpisodes',
      'NumberOfRuns',
      'RewardCi95',
      'Metric',
      'FrontendPrecision'
    ])
      expect(rows[0]).toHaveProperty(key)
    expectCompetitionRanking(rows, 'Rank', 'MeanReward', 'desc')
    const ranks = rows.map(r => r.Rank)
    expect(new Set(ranks).size).toBeLessThan(ranks.length) // a tie
    expect(rows.some(r => r.Username === '__benchmark__')).toBe(true)
  })

  it('marks my agent and carries hostile names from other participants', async () => {
    const rows = (await call(emu, 'GET', routes('legacy').board(COMPETITIONS.normal))).body as Row[]
    const own = rows.filter(r => r.IsMyAgent === true).map(r => r.agentAttachId)
    expect(own.sort()).toEqual([1002, mine].sort())
    const names = new Set(rows.map(r => r.Username))
    for (const hostile of HOSTILE_NAMES) expect(names.has(hostile)).toBe(true)
    expect([...names].some(n => String(n).length >= 10_000)).toBe(true)
    expect([...names].some(n => String(n).includes('<script>'))).toBe(true)
    expect([...names].some(n => String(n).includes('\u202E'))).toBe(true)
  })

  it('shows IsMyAgent false to another user', async () => {
    const rows = (
      await call(emu, 'GET', routes('legacy').board(COMPETITIONS.normal), {
        token: emu.tokens.otherUser
      })
    ).body as Row[]
    expect(rows.find(r => r.agentAttachId === mine)?.IsMyAgent).toBe(false)
  })
})

describe('current wire', () => {
  let emu: Emulator
  let best: number
  let worse: number
  const board = routes('current').board
  beforeAll(async () => {
    emu = await start({ wire: 'current', leaderboardSize: 5000 })
    best = await deployedAgent(emu, COMPETITIONS.bigBoard, 'best', {
      'agent.py': '# MLARENA_EMULATOR:SCORE=250\n'
    })
    worse = await deployedAgent(emu, COMPETITIONS.bigBoard, 'worse', {
      'agent.py': '# MLARENA_EMULATOR:SCORE=40\n'
    })
    emu.settle(best)
    emu.settle(worse)
  })
  afterAll(() => emu.close())

  it('is an envelope {challenge, total, leaders, me, matches}', async () => {
    const res = await call(emu, 'GET', `${board(COMPETITIONS.normal)}?limit=10`)
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(
      expect.arrayContaining(['challenge', 'total', 'leaders', 'me', 'matches'])
    )
    expect(res.body.challenge).toEqual(
      expect.objectContaining({
        challenge_id: COMPETITIONS.normal,
        window_days: expect.any(Number),
        has_gpu: false
      })
    )
    const ranking = res.body.challenge.metrics.filter((m: { is_ranking: boolean }) => m.is_ranking)
    expect(ranking).toEqual([expect.objectContaining({ order: 'desc' })])
    expect(res.body.leaders).toHaveLength(10)
    for (const key of [
      'rank',
      'username',
      'submission_id',
      'submission_name',
      'score',
      'is_my_submission',
      'metrics'
    ])
      expect(res.body.leaders[0]).toHaveProperty(key)
    expect(res.body.me).toBeNull()
    expect(res.body.matches).toBeNull()
    expectCompetitionRanking(res.body.leaders, 'rank', 'score', 'desc')
  })

  it('ranks an asc metric lower-is-better (file challenge)', async () => {
    const res = await call(emu, 'GET', board(COMPETITIONS.fileChallenge))
    expect(
      res.body.challenge.metrics.find((m: { is_ranking: boolean }) => m.is_ranking).order
    ).toBe('asc')
    expectCompetitionRanking(res.body.leaders, 'rank', 'score', 'asc')
  })

  it('has a configurable size, and pages with limit and offset', async () => {
    const all = await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?aggregate=submission`)
    expect(all.body.total).toBe(5002)
    expect(all.body.leaders).toHaveLength(5002)
    const page = await call(
      emu,
      'GET',
      `${board(COMPETITIONS.bigBoard)}?aggregate=submission&limit=5&offset=100`
    )
    expect(page.body.total).toBe(5002)
    expect(page.body.leaders).toEqual(all.body.leaders.slice(100, 105))
  })

  it('aggregate=user (the default) keeps one row per participant, their best', async () => {
    const byUser = (await call(emu, 'GET', board(COMPETITIONS.bigBoard))).body
    const bySubmission = (
      await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?aggregate=submission`)
    ).body
    expect(byUser.total).toBeLessThan(bySubmission.total)
    const alice = byUser.leaders.filter((l: Row) => l.username === 'alice')
    expect(alice).toHaveLength(1)
    expect(alice[0].submission_id).toBe(best)
    const aliceRows = bySubmission.leaders.filter((l: Row) => l.username === 'alice')
    expect(aliceRows.map((l: Row) => l.submission_id)).toEqual([best, worse])
    const keys = byUser.leaders.map((l: Row) => `${l.team_id ?? ''}|${l.team_id ? '' : l.username}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('me=true gives my rank, position, percentile, row and neighbours (window default 3, max 25)', async () => {
    const res = await call(
      emu,
      'GET',
      `${board(COMPETITIONS.bigBoard)}?aggregate=submission&me=true&limit=3`
    )
    const me = res.body.me
    expect(me.row.submission_id).toBe(best)
    expect(me.row.is_my_submission).toBe(true)
    expect(typeof me.rank).toBe('number')
    expect(me.position).toBeGreaterThanOrEqual(me.rank)
    expect(me.percentile).toBeGreaterThan(0)
    expect(me.percentile).toBeLessThanOrEqual(100)
    expect(me.neighbors).toHaveLength(6)
    const all = (await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?aggregate=submission`))
      .body.leaders
    expect(all[me.position - 1].submission_id).toBe(best)
    expect(me.neighbors[0]).toEqual(all[me.position - 4])
    expect(me.neighbors[5]).toEqual(all[me.position + 2])

    const wide = await call(
      emu,
      'GET',
      `${board(COMPETITIONS.bigBoard)}?aggregate=submission&me=true&window=100`
    )
    expect(wide.body.me.neighbors).toHaveLength(50)
    const byUser = await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?me=true&window=1`)
    expect(byUser.body.me.row.submission_id).toBe(best)
    expect(byUser.body.me.neighbors).toHaveLength(2)
  })

  it('me=true for a participant with no row gives nulls', async () => {
    const res = await call(emu, 'GET', `${board(COMPETITIONS.elo)}?me=true`)
    expect(res.body.me).toEqual(expect.objectContaining({ rank: null, position: null, row: null }))
  })

  it('q finds usernames containing it, at most 50, under matches', async () => {
    const res = await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?limit=1&q=player00`)
    expect(res.body.leaders).toHaveLength(1)
    expect(res.body.matches).toHaveLength(50)
    for (const m of res.body.matches) expect(String(m.username)).toContain('player00')
    const one = await call(emu, 'GET', `${board(COMPETITIONS.bigBoard)}?q=alice`)
    const names = one.body.matches.map((m: Row) => m.username)
    expect(names).toContain('alice')
    expect(names).toContain('@everyone @alice please review')
    expect(names.every((n: string) => n.toLowerCase().includes('alice'))).toBe(true)
  })

  it('refuses an unknown aggregate', async () => {
    expect((await call(emu, 'GET', `${board(COMPETITIONS.normal)}?aggregate=team`)).status).toBe(
      400
    )
  })

  it('ELO boards rank on the elo metric', async () => {
    const res = await call(emu, 'GET', board(COMPETITIONS.elo))
    const ranking = res.body.challenge.metrics.find((m: { is_ranking: boolean }) => m.is_ranking)
    expect(ranking.key).toBe('elo')
    expect(res.body.leaders[0].metrics).toHaveProperty('elo')
  })
})

describe('a 100,000-row board', () => {
  it('serves all rows with the right total', async () => {
    const emu = await start({ wire: 'current', leaderboardSize: 100_000 })
    try {
      const res = await fetch(
        `${emu.baseUrl}${routes('current').board(COMPETITIONS.bigBoard)}?aggregate=submission`,
        {
          headers: { authorization: `Bearer ${emu.tokens.user}` }
        }
      )
      const body = (await res.json()) as { total: number; leaders: Row[] }
      expect(body.total).toBe(100_000)
      expect(body.leaders).toHaveLength(100_000)
      expect(body.leaders[99_999]?.rank).toBeGreaterThan(1)
    } finally {
      await emu.close()
    }
  })
})
