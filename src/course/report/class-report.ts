/**
 * The class report's content: every enrolled student with their best agent on the course
 * board, how many pass, and who has no scored agent yet. Pure: the roster, the progress
 * dashboard and the board in, the report out; the renderers (summary.ts, csv.ts) read only this.
 *
 * The join: the roster (4.4 `course_students`) carries `user_id` and no username; board rows
 * carry `username`. The teacher's progress dashboard (`course_progress`) lists each enrolled
 * student by user, with their per-challenge best result: it names the student, and its cell
 * is their result even when the board has no row. A student neither names is still listed,
 * with no scored agent, never dropped.
 */
import type {
  Course,
  CourseProgress,
  CourseRoster,
  CourseStudent,
  ProgressCell,
  ProgressStudent
} from '../../arena/courses.js'
import type { Leaderboard, LeaderboardRow } from '../../arena/model.js'
import { judgePass } from '../../pass.js'

export interface ClassStudent {
  /** From the progress dashboard; null when it does not name the student. */
  username: string | null
  userId: number | null
  studentNumber: string | null
  /** From the roster (untrusted: the student typed it). */
  studentEmail: string | null
  /** The repository the student enrolled from (untrusted). */
  projectUrl: string | null
  enrolledAt: string | null
  /** Their best agent's row on the course board; null: none there. */
  row: LeaderboardRow | null
  /** Their best score: the board row's, else the dashboard cell's value; null: none yet. */
  score: number | null
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
  /** Null: the dashboard could not be read (names then come from nowhere: all unscored). */
  progress?: CourseProgress | null
}): ClassReport {
  const { course, challenge, roster, board } = input
  const progress = input.progress ?? null
  const meta = challenge ? progress?.challenges.find(c => c.id === challenge.id) : undefined
  const threshold = board?.course?.passThreshold ?? meta?.passThreshold ?? null
  // The challenge's ranking direction: the board's ranking spec, else the dashboard's.
  const order = board ? board.order : (meta?.order ?? 'desc')
  // A course board ranks each student once (their best agent); keep the first row of a name.
  const byUser = new Map<string, LeaderboardRow>()
  for (const row of board?.rows ?? []) {
    if (row.isBenchmark || row.score === null) continue
    if (!byUser.has(row.username)) byUser.set(row.username, row)
  }
  const byId = new Map<number, ProgressStudent>()
  for (const entry of progress?.students ?? []) {
    if (entry.userId !== null && !byId.has(entry.userId)) byId.set(entry.userId, entry)
  }
  const students = roster.students.map(student =>
    studentOf(student, byId, byUser, challenge?.id ?? null, threshold, order)
  )
  const matched = new Set(students.map(s => s.row?.username).filter(name => name !== undefined))
  // Board rows name users; only a dashboard that names students too can tell a stray (a user
  // the board ranks who is not on the roster) from a student it cannot place.
  const joinable = students.length === 0 || students.some(s => s.username !== null)
  const strays = joinable ? [...byUser.keys()].filter(name => !matched.has(name)).length : 0

  const scored = students
    .filter(s => s.score !== null)
    .sort((a, b) => rankOf(a) - rankOf(b) || byScore(a, b, order) || byName(a, b))
  const unscored = students.filter(s => s.score === null).sort(byName)
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
  byId: Map<number, ProgressStudent>,
  byUser: Map<string, LeaderboardRow>,
  challengeId: number | null,
  threshold: number | null,
  order: 'asc' | 'desc'
): ClassStudent {
  const entry = student.userId !== null ? byId.get(student.userId) : undefined
  const username = entry?.username ?? null
  const row = username !== null ? (byUser.get(username) ?? null) : null
  const cell: ProgressCell | undefined =
    challengeId === null ? undefined : entry?.cells.find(c => c.challengeId === challengeId)
  const score = row?.score ?? cell?.value ?? null
  // The server's own verdict first (the board row's `passed`, else the dashboard cell's), else
  // the threshold in the challenge's direction (>= for desc, <= for asc).
  const serverPassed = typeof row?.passed === 'boolean' ? row.passed : (cell?.passed ?? null)
  return {
    username,
    userId: student.userId,
    studentNumber: student.studentNumber,
    studentEmail: student.studentEmail,
    projectUrl: student.projectUrl,
    enrolledAt: student.enrolledAt,
    row,
    score,
    passed: judgePass({ score, passed: serverPassed }, threshold, order)
  }
}

/** The board's rank; a student scored only on the dashboard sorts after the ranked ones. */
function rankOf(student: ClassStudent): number {
  return student.row?.rank ?? Number.MAX_SAFE_INTEGER
}

function byScore(a: ClassStudent, b: ClassStudent, order: 'asc' | 'desc'): number {
  const x = a.score ?? 0
  const y = b.score ?? 0
  return order === 'asc' ? x - y : y - x
}

function byName(a: ClassStudent, b: ClassStudent): number {
  const x = a.username ?? a.studentNumber ?? ''
  const y = b.username ?? b.studentNumber ?? ''
  return x < y ? -1 : x > y ? 1 : 0
}
