/**
 * Leaderboards: synthetic participants (generated lazily, once per competition, up to 100,000
 * rows), merged with the real agents that are on the board, ranked with ties (1, 2, 2, 4), and
 * aggregated per participant or per submission.
 */
import { mulberry32, roundTo } from '../plumbing/prng.ts'
import { HOSTILE_NAMES, type CompetitionConfig } from './world.ts'

export interface BoardEntry {
  agentId: number
  agentName: string
  username: string
  /** One row per participant under aggregate=user: a user, or a team. */
  participantKey: string
  /** The real user who owns it (null for synthetic participants). */
  ownerId: number | null
  teamId: number | null
  teamName: string | null
  teamMembers: string[]
  /** The ranking value. */
  score: number
  meanReward: number | null
  elo: number | null
  ci95: number | null
  eloVariance: number | null
  episodes: number
  runs: number
  createdAtIso: string
  lastEndRunIso: string
  /** For ordering ties: earlier first. */
  createdAt: number
  isBenchmark: boolean
  isPublic: boolean
  avatarKey: string | null
}

export interface RankedEntry {
  entry: BoardEntry
  rank: number
  /** 1-based place in board order. */
  position: number
}

export type Order = 'asc' | 'desc'

export function compareEntries(order: Order): (a: BoardEntry, b: BoardEntry) => number {
  const sign = order === 'desc' ? -1 : 1
  return (a, b) => sign * (a.score - b.score) || a.createdAt - b.createdAt || a.agentId - b.agentId
}

export function rankingOrder(comp: CompetitionConfig): Order {
  return comp.metrics.find(m => m.isRanking)?.order ?? 'desc'
}

const DAY = 86_400_000

/** Synthetic rows of a competition, sorted in board order. Deterministic from the seed. */
export function generateSynthetic(
  comp: CompetitionConfig,
  seed: number,
  startTime: number
): BoardEntry[] {
  const rand = mulberry32(seed * 7919 + comp.id)
  const count = Math.max(1, comp.syntheticRows)
  const [lo, hi] = comp.rewardRange
  const order = rankingOrder(comp)
  const hostileCount = comp.syntheticRows >= 20 ? HOSTILE_NAMES.length : Math.min(2, count - 1)
  const entries: BoardEntry[] = []
  const scoreFor = (u: number): number => {
    if (comp.ranking === 'elo') return roundTo(900 + u * 700, 1)
    if (comp.ranking === 'metric') return roundTo(lo + u * (hi - lo), 3)
    // One decimal: ties are frequent on big boards, as on the real one.
    return roundTo(lo + u * (hi - lo), 1)
  }
  let participant = 0
  let i = 0
  while (entries.length < count) {
    const isBenchmark = i === 0
    const hostileIndex = i - 1
    const isHostile = !isBenchmark && hostileIndex < hostileCount
    const username = isBenchmark
      ? '__benchmark__'
      : isHostile
        ? (HOSTILE_NAMES[hostileIndex] ?? 'hostile')
        : `player${String(participant).padStart(6, '0')}`
    const inTeam = !isBenchmark && participant % 11 === 5
    const teamId = inTeam ? 10_000 + participant : null
    const submissions = !isBenchmark && participant % 7 === 3 ? 2 : 1
    const baseU = isBenchmark ? 0.5 : rand()
    for (let s = 0; s < submissions && entries.length < count; s += 1) {
      const createdAt = startTime - Math.floor((1 + rand() * 59) * DAY)
      // A second submission is a little worse than the first.
      const u = s === 0 ? baseU : Math.max(0, baseU - 0.05 - rand() * 0.1)
      const score = scoreFor(order === 'desc' ? u : 1 - u)
      const runs = 1 + Math.floor(rand() * 5)
      const agentName = isBenchmark
        ? '__benchmark__'
        : isHostile
          ? (HOSTILE_NAMES[(hostileIndex + 5) % HOSTILE_NAMES.length] ?? 'hostile')
          : `agent-${participant}-v${s + 1}`
      entries.push({
        agentId: comp.id * 1_000_000 + entries.length + 1,
        agentName,
        username,
        participantKey: teamId !== null ? `t:${teamId}` : `u:${username}`,
        ownerId: null,
        teamId,
        teamName: inTeam
          ? isHostile
            ? (HOSTILE_NAMES[(hostileIndex + 3) % HOSTILE_NAMES.length] ?? null)
            : `team-${participant}`
          : null,
        teamMembers: inTeam ? [username, `${username}-mate`] : [],
        score,
        meanReward: comp.ranking === 'elo' ? roundTo(rand() * 2 - 1, 3) : score,
        elo: comp.ranking === 'elo' ? score : null,
        ci95: roundTo(rand() * 10, 2),
        eloVariance: comp.ranking === 'elo' ? roundTo(20 + rand() * 60, 1) : null,
        episodes: runs * comp.runsPerDeploy * comp.gamesPerRun,
        runs,
        createdAt,
        createdAtIso: new Date(createdAt).toISOString(),
        lastEndRunIso: new Date(createdAt + Math.floor(rand() * DAY)).toISOString(),
        isBenchmark,
        isPublic: true,
        avatarKey: participant % 3 === 0 ? `avatars/${participant}.png` : null
      })
    }
    if (!isBenchmark) participant += 1
    i += 1
  }
  // A guaranteed tie on every board: the 3rd and 4th synthetic participants share a score.
  const a = entries[3]
  const b = entries[4]
  if (a && b) {
    b.score = a.score
    if (comp.ranking === 'elo') b.elo = a.score
    else b.meanReward = a.score
  }
  return entries.sort(compareEntries(order))
}

/**
 * Merges real entries into the (sorted) synthetic ones, aggregates, and ranks.
 * Ties share a rank (standard competition ranking); positions are 1-based places.
 */
export function rankBoard(
  synthetic: BoardEntry[],
  real: BoardEntry[],
  order: Order,
  aggregate: 'user' | 'submission'
): RankedEntry[] {
  const compare = compareEntries(order)
  const extra = [...real].sort(compare)
  const seen = new Set<string>()
  const ranked: RankedEntry[] = []
  let i = 0
  let j = 0
  let previousScore = NaN
  let rank = 0
  while (i < synthetic.length || j < extra.length) {
    const s = synthetic[i]
    const r = extra[j]
    let entry: BoardEntry
    if (s && (!r || compare(s, r) <= 0)) {
      entry = s
      i += 1
    } else {
      entry = r as BoardEntry
      j += 1
    }
    if (aggregate === 'user') {
      if (seen.has(entry.participantKey)) continue
      seen.add(entry.participantKey)
    }
    const position = ranked.length + 1
    if (entry.score !== previousScore) rank = position
    previousScore = entry.score
    ranked.push({ entry, rank, position })
  }
  return ranked
}

export interface MeView {
  rank: number | null
  position: number | null
  percentile: number | null
  row: RankedEntry | null
  neighbours: RankedEntry[]
}

/**
 * The caller's best row and its neighbours (window rows on each side, the row itself excluded).
 * percentile: the share of the board at or below the caller's place (100 = first place).
 */
export function meView(board: RankedEntry[], userId: number, window: number): MeView {
  const index = board.findIndex(r => r.entry.ownerId === userId)
  const mine = board[index]
  if (index < 0 || !mine)
    return { rank: null, position: null, percentile: null, row: null, neighbours: [] }
  const neighbours = [
    ...board.slice(Math.max(0, index - window), index),
    ...board.slice(index + 1, index + 1 + window)
  ]
  return {
    rank: mine.rank,
    position: mine.position,
    percentile: roundTo((100 * (board.length - mine.position + 1)) / board.length, 1),
    row: mine,
    neighbours
  }
}

export function searchBoard(board: RankedEntry[], q: string, max = 50): RankedEntry[] {
  const needle = q.toLowerCase()
  const found: RankedEntry[] = []
  for (const row of board) {
    if (row.entry.username.toLowerCase().includes(needle)) {
      found.push(row)
      if (found.length >= max) break
    }
  }
  return found
}

/** A subset of a ranked board (a course's students), ranked again among itself with ties. */
export function rerank(rows: RankedEntry[]): RankedEntry[] {
  const ranked: RankedEntry[] = []
  let previousScore = NaN
  let rank = 0
  for (const row of rows) {
    const position = ranked.length + 1
    if (row.entry.score !== previousScore) rank = position
    previousScore = row.entry.score
    ranked.push({ entry: row.entry, rank, position })
  }
  return ranked
}
