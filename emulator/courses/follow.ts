/**
 * A teacher following a class (current wire, SDK 4.4.0): the roster (`course_students`), the
 * progress dashboard (`course_progress`) and the CSV export (`export_course_csv`). Payload
 * shapes only; the rules (who manages a course, its board, its bars) live in store.ts.
 */
import type { Course, CourseBook } from './store.ts'
import { ApiError, json, type Reply } from '../plumbing/http.ts'
import { route, type Route, type RouteContext } from '../plumbing/router.ts'
import { iso, type World } from '../platform/store.ts'
import { rankingOrder, type RankedEntry } from '../platform/leaderboard.ts'
import type { CompetitionConfig, TokenRecord } from '../platform/world.ts'
import { rankingSpec } from '../wires/metric-spec.ts'

function courseId(ctx: RouteContext): number {
  const raw = ctx.params.courseId ?? ''
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(404, `Course ${raw} not found`)
  return Number(raw)
}

function challengeQuery(ctx: RouteContext): number | null {
  const raw = ctx.url.searchParams.get('challenge_id')
  if (raw === null || raw === '') return null
  if (!/^\d+$/.test(raw)) throw new ApiError(400, 'Query parameter challenge_id must be an integer')
  return Number(raw)
}

/**
 * `course_students` docstring: `{challenges, selected_challenge_id, students}`, each student
 * `user_id`, `student_number`, `student_email`, `project_url`, `enrolled_at_ts`, plus the team
 * columns (README "Course authoring"): `team_id`, `team_name`, null without `challenge_id`.
 */
function roster(book: CourseBook, ctx: RouteContext): Reply {
  const course = book.managedCourse(ctx.token, courseId(ctx))
  const challengeId = challengeQuery(ctx)
  if (challengeId !== null) book.link(course, challengeId)
  return json(200, {
    challenges: book.challengesOf(course).map(comp => ({
      id: comp.id,
      name: comp.name,
      pass_threshold: book.link(course, comp.id).passThreshold
    })),
    selected_challenge_id: challengeId,
    students: book.roster(course).map(s => ({
      user_id: s.user.id,
      student_number: s.identity.studentNumber,
      student_email: s.identity.studentEmail,
      project_url: s.enrolment.projectUrl,
      enrolled_at_ts: iso(s.enrolment.enrolledAt),
      // Teams are not emulated: with a challenge, every student is on no team.
      team_id: null,
      team_name: null
    }))
  })
}

/** A student's best board row on a challenge among the class (aggregate=user). */
function bestRows(
  book: CourseBook,
  token: TokenRecord,
  course: Course,
  comp: CompetitionConfig
): Map<number, RankedEntry> {
  const board = book.board(token, comp, course.id, 'user')
  const best = new Map<number, RankedEntry>()
  for (const row of board.rows)
    if (row.entry.ownerId !== null && !best.has(row.entry.ownerId)) best.set(row.entry.ownerId, row)
  return best
}

function passed(comp: CompetitionConfig, value: number | null, bar: number | null): boolean | null {
  if (value === null || bar === null) return null
  return rankingOrder(comp) === 'desc' ? value >= bar : value <= bar
}

/**
 * `course_progress` docstring: per enrolled student × (content %, per-challenge best result);
 * challenge metas and cells carry `metric` next to `pass_threshold`; a cell is `my_progress`'s:
 * `value` (the best submission's `score`), `pass_threshold`, `passed` (null when there is nothing
 * to judge), `metric`. README 3.0.0: the rows' `last_active_at_ts`. The envelope's key names
 * (`challenges`, `students`, `content_percent`, `cells`) are the emulator's choice: no SDK
 * names them (emulator/README.md, "Behaviours no SDK documents").
 */
function progress(book: CourseBook, ctx: RouteContext): Reply {
  const course = book.managedCourse(ctx.token, courseId(ctx))
  const comps = book.challengesOf(course)
  const best = new Map(comps.map(comp => [comp.id, bestRows(book, ctx.token, course, comp)]))
  return json(200, {
    course_id: course.id,
    challenges: comps.map(comp => ({
      challenge_id: comp.id,
      name: comp.name,
      pass_threshold: book.link(course, comp.id).passThreshold,
      metric: rankingSpec(comp)
    })),
    students: book.roster(course).map(s => ({
      user_id: s.user.id,
      student_number: s.identity.studentNumber,
      student_email: s.identity.studentEmail,
      enrolled_at_ts: iso(s.enrolment.enrolledAt),
      last_active_at_ts: iso(s.enrolment.enrolledAt),
      // Lessons are not part of these seeds: no content to complete.
      content_percent: 0,
      cells: comps.map(comp => {
        const row = best.get(comp.id)?.get(s.user.id) ?? null
        const value = row === null || !Number.isFinite(row.entry.score) ? null : row.entry.score
        const bar = book.link(course, comp.id).passThreshold
        return {
          challenge_id: comp.id,
          value,
          pass_threshold: bar,
          passed: passed(comp, value, bar),
          metric: rankingSpec(comp)
        }
      })
    }))
  })
}

/** RFC 4180 quoting. (The emulator uses Node built-ins only: no CSV library.) */
function csvLine(values: (string | number | boolean | null)[]): string {
  return values
    .map(v => {
      const text = v === null ? '' : String(v)
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
    })
    .join(',')
}

/**
 * `export_course_csv` docstring: `GET /teacher/export-csv/{course_id}?challenge_id&by_participant`,
 * `challenge_id` required (400 for one not attached), one row per submission, or per enrolled
 * student with `by_participant=true`; the attachment is named
 * `leaderboard_course_{id}_challenge_{cid}.csv` (README 3.0.0). The columns are the emulator's
 * choice: no SDK lists them.
 */
function exportCsv(book: CourseBook, ctx: RouteContext, world: World): Reply {
  const course = book.managedCourse(ctx.token, courseId(ctx))
  const challengeId = challengeQuery(ctx)
  if (challengeId === null)
    throw new ApiError(400, 'challenge_id is required: one of the course’s attached challenges')
  const link = book.link(course, challengeId)
  const comp = world.competition(ctx.token, challengeId)
  const byParticipant = (ctx.url.searchParams.get('by_participant') ?? 'false').toLowerCase()
  if (byParticipant !== 'true' && byParticipant !== 'false')
    throw new ApiError(400, 'Query parameter by_participant must be true or false')
  const students = book.roster(course)
  const identities = new Map(students.map(s => [s.user.id, s]))
  const header = [
    'rank',
    'username',
    'student_number',
    'student_email',
    'submission_id',
    'submission_name',
    'score',
    'passed',
    'last_end_run_ts'
  ]
  const lines = [csvLine(header)]
  const rowLine = (row: RankedEntry): string => {
    const s = identities.get(row.entry.ownerId ?? -1)
    const score = Number.isFinite(row.entry.score) ? row.entry.score : null
    return csvLine([
      row.rank,
      row.entry.username,
      s?.identity.studentNumber ?? null,
      s?.identity.studentEmail ?? null,
      row.entry.agentId,
      row.entry.agentName,
      score,
      passed(comp, score, link.passThreshold),
      row.entry.lastEndRunIso
    ])
  }
  if (byParticipant === 'true') {
    const best = bestRows(book, ctx.token, course, comp)
    for (const row of best.values()) lines.push(rowLine(row))
    // Students with no scored submission are rows too (one row per enrolled student).
    for (const s of students)
      if (!best.has(s.user.id))
        lines.push(
          csvLine([
            null,
            s.user.username,
            s.identity.studentNumber,
            s.identity.studentEmail,
            null,
            null,
            null,
            null,
            null
          ])
        )
  } else {
    for (const row of book.board(ctx.token, comp, course.id, 'submission').rows)
      lines.push(rowLine(row))
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="leaderboard_course_${course.id}_challenge_${comp.id}.csv"`
    },
    body: `${lines.join('\r\n')}\r\n`
  }
}

export function followRoutes(book: CourseBook, world: World): Route[] {
  return [
    route('GET', '/api/teacher/students/:courseId', ctx => roster(book, ctx)),
    route('GET', '/api/teacher/course/:courseId/progress', ctx => progress(book, ctx)),
    route('GET', '/api/teacher/export-csv/:courseId', ctx => exportCsv(book, ctx, world))
  ]
}
