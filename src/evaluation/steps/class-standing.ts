/**
 * Where a student stands on a course board: their row (this agent's, else their best) and the
 * pass judgement. Pure; both the waiting run and the follow-up call it.
 */
import type { Leaderboard, LeaderboardRow } from '../../arena/model.js'
import type { CourseOutcome } from '../outcome.js'
import { judgePass } from '../../pass.js'

/** The student's row on the course board: this agent's, else the one the server marks as theirs. */
export function studentRow(board: Leaderboard, agentId: number | null): LeaderboardRow | null {
  if (agentId !== null) {
    const own = board.rows.find(row => row.agentId === agentId)
    if (own) return own
  }
  return board.me?.row ?? board.rows.find(row => row.isMine) ?? null
}

/** The course's identity and enrolment, the part of a CourseOutcome a board does not give. */
export type CourseIdentity = Pick<CourseOutcome, 'id' | 'name' | 'code' | 'enrolment'>

export function standingOn(
  course: CourseIdentity,
  board: Leaderboard | null,
  agentId: number | null
): CourseOutcome {
  const row = board ? studentRow(board, agentId) : null
  const threshold = board?.course?.passThreshold ?? null
  const order = board?.order ?? 'desc'
  return {
    id: course.id,
    name: course.name,
    code: course.code,
    enrolment: course.enrolment,
    passThreshold: threshold,
    passed: board ? judgePass(row, threshold, order) : null,
    row,
    classSize: board ? Math.max(board.total, board.rows.length) : null,
    enrolled: board?.course?.enrolledCount ?? null,
    order,
    precision: board?.precision ?? null
  }
}
