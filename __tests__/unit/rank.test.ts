import { describe, expect, it } from '@jest/globals'
import type { LeaderboardRow } from '../../src/arena/model.js'
import { buildRankReport, rankDropped } from '../../src/evaluation/steps/rank.js'
import { board, row } from '../support/outcomes.js'

const me = { id: 1234, name: 'ppo-v7' }

/** 20 rows, ranks 1..20, with this agent at `index`. */
function boardWithMeAt(index: number) {
  const rows = Array.from({ length: 20 }, (_, i) => row(i + 1))
  rows[index] = row(index + 1, { agentId: me.id, agentName: me.name, isMine: true })
  return board(rows, { total: 500 })
}

describe('buildRankReport', () => {
  it("finds this agent's row by id, even when another row carries the same name first", () => {
    const rows = [
      row(1, { agentId: 77, agentName: me.name }),
      row(2),
      row(3, { agentId: me.id, agentName: 'renamed' })
    ]
    const report = buildRankReport(board(rows), me, null)
    expect(report.row).toBe(rows[2])
    expect(report.row?.rank).toBe(3)
  })

  it("uses the server's rank, never the array position (ties share a rank)", () => {
    const rows = [
      row(1),
      row(1, { agentId: 2 }),
      row(1, { agentId: 3 }),
      row(4),
      row(4, { agentId: me.id }),
      row(6)
    ]
    const report = buildRankReport(board(rows), me, null)
    expect(report.row?.rank).toBe(4)
    expect(report.neighbours.map(r => r.agentId)).toEqual([3, 5004, me.id, 5006])
  })

  it('has no row, no neighbours, but the top and the size when the agent is not scored yet', () => {
    const report = buildRankReport(boardWithMeAt(3), { id: 999, name: 'nobody' }, null)
    expect(report.row).toBeNull()
    expect(report.neighbours).toEqual([])
    expect(report.top).toHaveLength(5)
    expect(report.total).toBe(500)
  })

  it('falls back to the name only when no row carries ids', () => {
    const noIds = [row(1, { agentId: null }), row(2, { agentId: null, agentName: me.name })]
    expect(buildRankReport(board(noIds), me, null).row).toBe(noIds[1])

    const someIds = [row(1, { agentId: null }), row(2, { agentId: 55, agentName: me.name })]
    expect(buildRankReport(board(someIds), me, null).row).toBeNull()

    expect(buildRankReport(board(noIds), { id: me.id, name: null }, null).row).toBeNull()
  })

  it('takes `top` rows from the top and `around` rows on each side, in board order', () => {
    const report = buildRankReport(boardWithMeAt(10), me, null, { top: 3, around: 1 })
    expect(report.top.map(r => r.rank)).toEqual([1, 2, 3])
    expect(report.neighbours.map(r => r.rank)).toEqual([10, 11, 12])

    const defaults = buildRankReport(boardWithMeAt(10), me, null)
    expect(defaults.top).toHaveLength(5)
    expect(defaults.neighbours.map(r => r.rank)).toEqual([9, 10, 11, 12, 13])
  })

  it('clips the neighbours at both ends of the board', () => {
    expect(buildRankReport(boardWithMeAt(0), me, null).neighbours.map(r => r.rank)).toEqual([
      1, 2, 3
    ])
    expect(buildRankReport(boardWithMeAt(19), me, null).neighbours.map(r => r.rank)).toEqual([
      18, 19, 20
    ])
  })

  it("picks the caller's best other agent by board order, never this agent", () => {
    const rows = [
      row(1),
      row(2, { agentId: me.id, isMine: true }),
      row(3, { agentId: 40, isMine: true }),
      row(4, { agentId: 41, isMine: true })
    ]
    expect(buildRankReport(board(rows), me, null).bestOther).toBe(rows[2])
    expect(buildRankReport(board([row(1), row(2, { agentId: me.id })]), me, null).bestOther).toBe(
      null
    )
  })

  it('skips the row the name fallback claimed when picking the best other agent', () => {
    const rows = [
      row(1, { agentId: null, agentName: me.name, isMine: true }),
      row(2, { agentId: null, agentName: 'old', isMine: true })
    ]
    const report = buildRankReport(board(rows), me, null)
    expect(report.row).toBe(rows[0])
    expect(report.bestOther).toBe(rows[1])
  })

  it("uses the board's `me` block when the rows stop before this agent", () => {
    const mine = row(700, { agentId: me.id })
    const around = [row(698), row(699), mine, row(701), row(702)]
    const report = buildRankReport(
      board([row(1), row(2)], {
        total: 900,
        me: { rank: 700, position: 700, percentile: 22, row: mine, neighbours: around }
      }),
      me,
      null,
      { around: 1 }
    )
    expect(report.row).toBe(mine)
    expect(report.neighbours.map(r => r.rank)).toEqual([699, 700, 701])
  })

  it('carries the board metadata and the previous state', () => {
    const report = buildRankReport(
      board([row(1, { agentId: me.id })], {
        scoreKind: 'elo',
        metricName: 'Elo',
        order: 'asc',
        precision: 0,
        total: 1
      }),
      me,
      { rank: 3, score: 1500 }
    )
    expect(report).toMatchObject({
      scoreKind: 'elo',
      metricName: 'Elo',
      order: 'asc',
      precision: 0,
      total: 1,
      previousRank: 3,
      previousScore: 1500
    })
  })

  it('reads a 100,000-row board in one pass, without copying or reordering it', () => {
    const rows: LeaderboardRow[] = Array.from({ length: 100_000 }, (_, i) =>
      row(i + 1, { agentId: 1_000_000 + i, isMine: i === 99_990 })
    )
    rows[77_777] = row(77_778, { agentId: me.id })
    const before = rows.slice()
    let reads = 0
    const counted = new Proxy(rows, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver) as unknown
      }
    })
    const report = buildRankReport(board(counted, { total: 100_000 }), me, null)
    expect(report.row?.rank).toBe(77_778)
    expect(report.neighbours.map(r => r.rank)).toEqual([77_776, 77_777, 77_778, 77_779, 77_780])
    expect(report.bestOther?.rank).toBe(99_991)
    expect(reads).toBeLessThanOrEqual(rows.length + 20)
    expect(rows).toEqual(before)
  })
})

describe('rankDropped', () => {
  const report = (rank: number | null, previousRank: number | null) => ({
    ...buildRankReport(board([]), me, { rank: previousRank, score: null }),
    row: rank === null ? null : row(rank, { agentId: me.id })
  })

  it('is true only when the rank number grew since the previous run', () => {
    expect(rankDropped(report(12, 10))).toBe(true)
    expect(rankDropped(report(10, 12))).toBe(false)
    expect(rankDropped(report(10, 10))).toBe(false)
    expect(rankDropped(report(10, null))).toBe(false)
    expect(rankDropped(report(null, 10))).toBe(false)
  })
})
