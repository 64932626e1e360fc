/**
 * The class report's content: every enrolled student with their best agent on the course
 * board, how many pass, and who has no scored agent yet. Pure: the roster and the board in, the
 * report out; the renderers (summary.ts, csv.ts) read only this.
 */
import type { Course, CourseRoster, CourseStudent } from '../../arena/courses.js'
import type { Leaderboard, LeaderboardRow } from '../../arena/model.js'
import { judgePass } from '../../pass.js'

export interface ClassStudent {
  username: string | null
  studentNumber: string | null
  /** The repository the student enrolled from (untrusted). */
  projectUrl: string | null
  enrolledAt: string | null
  /** Their best agent's row on the course board; null: no scored agent yet. */
  row: LeaderboardRow | null
  /** Null: the course sets no threshold. */
  passed: boolean | null
}

export interface ClassReport {
  course: Course
  /** The challenge reported on; null when the course has none yet. */
  challenge: { id: number; name: string | null } | null
  passThreshold: number | null
  order: 'asc' | 'desc'
  precision: number | null
  metricName: string | null
  /** Scored students in board order, then the others by name. */
  students: ClassStudent[]
  enrolled: number
  passedCount: number
  /** Students without a scored agent, by name. */
  unscored: ClassStudent[]
  /** Board rows of users who are not on the roster (a course board should have none). */
  strays: number
}

export function buildClassReport(input: {
  course: Course
  challenge: ClassReport['challenge']
  roster: CourseRoster
  board: Leaderboard | null
}): ClassReport {
  const { course, challenge, roster, board } = input
  const threshold = board?.course?.passThreshold ?? null
  const order = board?.order ?? 'desc'
  // A course board ranks each student once (their best agent); keep the first row of a name.
  const byUser = new Map<string, LeaderboardRow>()
  for (const row of board?.rows ?? []) {
    if (row.isBenchmark || row.score === null) continue
    if (!byUser.has(row.username)) byUser.set(row.username, row)
  }
  const students = roster.students.map(student => studentOf(student, byUser, threshold, order))
  const onRoster = new Set(roster.students.map(s => s.username))
  const strays = [...byUser.keys()].filter(name => !onRoster.has(name)).length

  const scored = students
    .filter(s => s.row !== null)
    .sort((a, b) => (a.row as LeaderboardRow).rank - (b.row as LeaderboardRow).rank || byName(a, b))
  const unscored = students.filter(s => s.row === null).sort(byName)
  return {
    course,
    challenge,
    passThreshold: threshold,
    order,
    precision: board?.precision ?? null,
    metricName: board?.metricName ?? null,
    students: [...scored, ...unscored],
    enrolled: students.length,
    passedCount: students.filter(s => s.passed === true).length,
    unscored,
    strays
  }
}

function studentOf(
  student: CourseStudent,
  byUser: Map<string, LeaderboardRow>,
  threshold: number | null,
  order: 'asc' | 'desc'
): ClassStudent {
  const row = student.username !== null ? (byUser.get(student.username) ?? null) : null
  return {
    username: student.username,
    studentNumber: student.studentNumber,
    projectUrl: student.projectUrl,
    enrolledAt: student.enrolledAt,
    row,
    passed: judgePass(row, threshold, order)
  }
}

function byName(a: ClassStudent, b: ClassStudent): number {
  const x = a.username ?? ''
  const y = b.username ?? ''
  return x < y ? -1 : x > y ? 1 : 0
}
