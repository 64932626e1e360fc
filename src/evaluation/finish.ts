/**
 * What happens once an agent's evaluation has ended (or the wait for it has): the outcome's
 * kind and failure, the game logs, and the rank (the class board in a course). The waiting run
 * calls it after its watch; the follow-up after the one status read that found the agent
 * settled. Same function, so both write the same report.
 */
import path from 'node:path'
import type { Game } from '../arena/model.js'
import type { ArenaApi } from './arena-port.js'
import type { Logger } from '../logger.js'
import type { RunOutcome } from './outcome.js'
import type { PhaseTracker } from './phases.js'
import { saveGameFiles } from './steps/logs.js'
import { readBoardAround } from './steps/board.js'
import { buildRankReport } from './steps/rank.js'
import { standingOn, studentRow } from './steps/class-standing.js'
import type { WatchResult } from './steps/watch.js'

export interface FinishContext {
  arena: Pick<ArenaApi, 'games' | 'downloadLog' | 'downloadReplay' | 'leaderboard'>
  log: Pick<Logger, 'info' | 'warning'>
  tracker: PhaseTracker
  /** Game logs to download (the logs input); 0: none. */
  logs: number
  /** Replays to save (the replays input); 0: none. */
  replays: number
  /** Where logs go (the logs-dir input), or null for tempDir/mlarena-logs/<agent id>. */
  logsDir: string | null
  tempDir: string
  /** The rank and score the previous run of this comment key recorded. */
  previous: { rank: number | null; score: number | null; agentId: number | null } | null
}

const LOG_MAX_BYTES = 20 * 1024 * 1024
/** A replay larger than this is not saved (a runner has about 14 GB of disk; videos can be big). */
const REPLAY_MAX_BYTES = 2 * 1024 * 1024 * 1024

/** Records how the watch ended, then reads logs and rank when there is something to read. */
export async function finishEvaluation(
  watched: WatchResult,
  outcome: RunOutcome,
  context: FinishContext
): Promise<void> {
  recordEnd(watched, outcome)
  if (watched.end === 'cancelled' || watched.end === 'timeout') return
  const aid = outcome.agentId as number
  if ((context.logs > 0 || context.replays > 0) && (watched.status?.runs.length ?? 0) > 0) {
    await context.tracker.run('logs', () => readLogs(aid, outcome, context))
  }
  if (outcome.course && outcome.wire === 'legacy') {
    outcome.notes.push(
      'This server speaks the legacy API, which has no course boards: the rank is on the whole leaderboard, and the course threshold could not be read (passed is left empty).'
    )
  }
  if (outcome.kind !== 'success') return
  await context.tracker.run('leaderboard', () =>
    outcome.course && outcome.wire === 'current'
      ? readClassBoard(aid, outcome, context)
      : readRank(aid, outcome, context)
  )
}

/** The outcome's kind, status and failure from how the watch ended. */
export function recordEnd(watched: WatchResult, outcome: RunOutcome): void {
  outcome.status = watched.status
  outcome.kind = kindOf(watched)
  if (watched.end === 'stuck' || watched.end === 'settled') {
    outcome.failure = {
      phase: 'watch',
      message:
        watched.end === 'stuck'
          ? `The deploy did not start: the status still reads ${watched.status?.state ?? 'unknown'} after the grace period.`
          : `ML Arena settled the agent in state ${watched.status?.state ?? 'unknown'} without evaluating it.`
    }
  }
}

async function readLogs(aid: number, outcome: RunOutcome, context: FinishContext): Promise<void> {
  const list = await context.arena.games(aid)
  outcome.games = latestGames(list.games, Math.max(context.logs, context.replays, 50))
  const dir = context.logsDir ?? path.join(context.tempDir, 'mlarena-logs', String(aid))
  outcome.logsDir = dir
  const saved = await saveGameFiles(context.arena, outcome.games, dir, {
    logs: context.logs,
    replays: context.replays,
    maxBytes: LOG_MAX_BYTES,
    maxReplayBytes: REPLAY_MAX_BYTES,
    log: context.log
  })
  outcome.logs = saved.logs
  outcome.replays = saved.replays
}

/** The class board: the course's students only, each ranked by their best agent. */
async function readClassBoard(
  aid: number,
  outcome: RunOutcome,
  context: FinishContext
): Promise<void> {
  const course = outcome.course as NonNullable<RunOutcome['course']>
  const cid = outcome.competitionId as number
  const board = await context.arena.leaderboard(cid, { courseId: course.id, me: true })
  const mine = studentRow(board, aid)
  outcome.rank = buildRankReport(
    board,
    { id: mine?.agentId ?? aid, name: mine?.agentName ?? outcome.agentName },
    context.previous
  )
  outcome.course = standingOn(course, board, aid)
  const standing = outcome.course
  context.log.info(
    mine
      ? `Rank ${mine.rank} of ${standing.classSize ?? '?'} in the class${standing.passed === null ? '' : standing.passed ? ': passed' : ': not passed yet'}.`
      : `No row on the course board yet${standing.passed === false ? ': not passed yet' : ''}.`
  )
}

async function readRank(aid: number, outcome: RunOutcome, context: FinishContext): Promise<void> {
  const cid = outcome.competitionId as number
  const board = await readBoardAround(context.arena, cid, aid, outcome.wire)
  outcome.rank = buildRankReport(board, { id: aid, name: outcome.agentName }, context.previous)
  const row = outcome.rank.row
  if (row && outcome.agentName === null) outcome.agentName = row.agentName
  context.log.info(
    row
      ? `Rank ${row.rank} of ${outcome.rank.total}${row.score === null ? '' : `, score ${row.score}`}.`
      : `Agent ${aid} has no leaderboard row yet.`
  )
}

function kindOf(watched: WatchResult): RunOutcome['kind'] {
  switch (watched.end) {
    case 'terminal':
      switch (watched.status?.state) {
        case 'active':
          return 'success'
        case 'deploy_failed':
          return 'deploy-failed'
        case 'upload_failed':
          return 'upload-failed'
        default:
          return 'error'
      }
    case 'timeout':
      return 'timeout'
    case 'cancelled':
      return 'cancelled'
    default:
      return 'error'
  }
}

/** Newest first; games without a date keep the server's order after dated ones. */
export function latestGames(games: Game[], count: number): Game[] {
  return games
    .map((game, index) => ({ game, index }))
    .sort((a, b) => {
      const ta = a.game.createdAt ? Date.parse(a.game.createdAt) : NaN
      const tb = b.game.createdAt ? Date.parse(b.game.createdAt) : NaN
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb - ta
      if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1
      return b.index - a.index
    })
    .slice(0, count)
    .map(entry => entry.game)
}
