/**
 * A course's verdict on a score, shared by the participant action (the student's own standing)
 * and the teacher action (the class report). Pure.
 */
import type { LeaderboardRow } from './arena/model.js'

/**
 * Whether a row passes: the server's own `passed` wins; without it the threshold decides in
 * the direction the board ranks (desc: score ≥ threshold, asc: score ≤ threshold). No threshold
 * → null (nothing to judge); a threshold and no row or no score yet → false.
 */
export function judgePass(
  row: Pick<LeaderboardRow, 'score' | 'passed'> | null,
  threshold: number | null,
  order: 'asc' | 'desc'
): boolean | null {
  if (row && typeof row.passed === 'boolean') return row.passed
  if (threshold === null) return null
  if (!row || row.score === null) return false
  return thresholdMargin(row.score, threshold, order) >= 0
}

/** How far a score is on the passing side of the threshold (negative: short of it). */
export function thresholdMargin(score: number, threshold: number, order: 'asc' | 'desc'): number {
  return order === 'asc' ? threshold - score : score - threshold
}
