/**
 * Reading only the part of the leaderboard a report needs. A popular competition's board has
 * 100,000 rows (about 40 MB of JSON); the report shows the top, this agent's neighbours and the
 * user's best other agent. On the current wire (SDK 3.0+ servers) three small reads give that:
 *
 * 1. `limit=TOP&me=true`: the top rows, the board's size, and the caller's user name;
 * 2. `q=<user name>`: the caller's own rows (`matches`), with this agent's rank;
 * 3. `offset&limit` around that rank: the neighbours.
 *
 * Anything unexpected (no `me` or no row under it, this agent not among the matches, the window
 * missing it) falls back to the whole board, which is also what the legacy wire always gets: the answer is the
 * same either way, only its cost differs.
 */
import type { Leaderboard, LeaderboardQuery, LeaderboardRow, Wire } from '../../arena/model.js'
import type { ArenaApi } from '../arena-port.js'

const TOP = 5
/** Rows read on each side of this agent's rank; ties can push it a little further down. */
const AROUND = 5
/** The most rows the server puts under `matches`. */
const MATCHES_CAP = 50

type BoardReader = Pick<ArenaApi, 'leaderboard'>

/** One row per submission on the current wire, so this agent is ranked itself. */
export function boardQuery(wire: Wire | null): LeaderboardQuery {
  return wire === 'current' ? { aggregate: 'submission' } : {}
}

export async function readBoardAround(
  arena: BoardReader,
  competitionId: number,
  agentId: number,
  wire: Wire | null
): Promise<Leaderboard> {
  const whole = (): Promise<Leaderboard> => arena.leaderboard(competitionId, boardQuery(wire))
  if (wire !== 'current') return whole()

  const base = boardQuery(wire)
  const head = await arena.leaderboard(competitionId, { ...base, limit: TOP, me: true })
  if (head.rows.length >= head.total) return head // the server sent it all (small, or no limit)
  // No row under `me`: the user has no scored agent, or the server answered as it would an
  // anonymous caller (the board is a public read): only the whole board tells which.
  const username = head.me?.row?.username
  if (!username) return whole()

  const mine = await arena.leaderboard(competitionId, { ...base, limit: 1, q: username })
  if (!mine.matches) return whole() // a server that ignores q
  const ownRows = mine.matches.filter(row => row.isMine)
  // By id, not by the "mine" flag, which a server may leave false.
  const row = mine.matches.find(entry => entry.agentId === agentId)
  if (!row) {
    // Fewer matches than the server's cap: the list is whole, so this agent has no row yet.
    return mine.matches.length < MATCHES_CAP ? partial(head, [], ownRows) : whole()
  }

  const offset = Math.max(0, row.rank - 1 - AROUND)
  const window = await arena.leaderboard(competitionId, {
    ...base,
    offset,
    limit: 2 * AROUND + 1
  })
  if (!window.rows.some(entry => entry.agentId === agentId)) return whole()
  return partial(head, window.rows, ownRows)
}

/** The top, the window and the user's rows as one board in board order, each row once. */
function partial(head: Leaderboard, window: LeaderboardRow[], own: LeaderboardRow[]): Leaderboard {
  const byKey = new Map<string, LeaderboardRow>()
  for (const row of [...head.rows, ...window, ...own]) {
    byKey.set(`${row.agentId ?? ''}:${row.rank}:${row.agentName}`, row)
  }
  const rows = [...byKey.values()].sort((a, b) => a.rank - b.rank)
  return { ...head, rows, matches: null }
}
