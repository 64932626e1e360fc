/**
 * This agent's place on the leaderboard, as the report shows it: pure, one pass over the board.
 * Ranks are always the server's (ties share a rank); array positions are only used to pick rows.
 */
import type { Leaderboard, LeaderboardRow } from '../../arena/model.js'
import type { RankReport } from '../outcome.js'

export interface RankOptions {
  /** Rows from the top of the board (default 5). */
  top?: number
  /** Rows on each side of this agent's row (default 2). */
  around?: number
}

const DEFAULT_TOP = 5
const DEFAULT_AROUND = 2

export function buildRankReport(
  board: Leaderboard,
  agent: { id: number; name: string | null },
  previous: { rank: number | null; score: number | null } | null,
  options: RankOptions = {}
): RankReport {
  const top = count(options.top, DEFAULT_TOP)
  const around = count(options.around, DEFAULT_AROUND)
  const rows = board.rows

  // One pass: the row by id, the row by name (used only when no row carries ids), and the first
  // two rows of the caller's that are not this agent by id (the name fallback may claim one).
  let byId = -1
  let byName = -1
  let anyId = false
  let mine1 = -1
  let mine2 = -1
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as LeaderboardRow
    if (row.agentId !== null) {
      anyId = true
      if (byId < 0 && row.agentId === agent.id) byId = i
    }
    if (byName < 0 && agent.name !== null && row.agentName === agent.name) byName = i
    if (row.isMine && row.agentId !== agent.id) {
      if (mine1 < 0) mine1 = i
      else if (mine2 < 0) mine2 = i
    }
  }
  const index = anyId ? byId : byName
  const otherIndex = mine1 >= 0 && mine1 === index ? mine2 : mine1

  let row: LeaderboardRow | null = index >= 0 ? (rows[index] ?? null) : null
  let neighbours = index >= 0 ? rows.slice(Math.max(0, index - around), index + around + 1) : []

  // The board may be limited to its top rows; the current wire's `me` block still carries this
  // agent's row and its neighbours when the board was asked per submission.
  if (row === null && board.me?.row && board.me.row.agentId === agent.id) {
    row = board.me.row
    neighbours = window(board.me.neighbours, row, around)
  }

  return {
    scoreKind: board.scoreKind,
    metricName: board.metricName,
    order: board.order,
    precision: board.precision,
    total: Math.max(board.total, rows.length),
    row,
    top: rows.slice(0, top),
    neighbours,
    previousRank: previous?.rank ?? null,
    previousScore: previous?.score ?? null,
    bestOther: otherIndex >= 0 ? (rows[otherIndex] ?? null) : null
  }
}

/** This agent is ranked worse now than on the previous run (a larger rank number). */
export function rankDropped(report: RankReport): boolean {
  return (
    report.row !== null && report.previousRank !== null && report.row.rank > report.previousRank
  )
}

function count(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback
  return Math.max(0, Math.floor(value))
}

/** `around` rows on each side of `row` in `list` (which may or may not contain it). */
function window(list: LeaderboardRow[], row: LeaderboardRow, around: number): LeaderboardRow[] {
  const at = list.findIndex(r => r === row || (r.agentId !== null && r.agentId === row.agentId))
  if (at < 0) return [row]
  return list.slice(Math.max(0, at - around), at + around + 1)
}
