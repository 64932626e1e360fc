/**
 * Academic courses: the routes under `/academic_courses` (both wires) and the teacher's roster
 * route, their bodies, and their answers mapped into the domain model. Nothing above src/arena/
 * sees a field name of these answers.
 *
 * Required fields (missing → 'protocol' error): a course's `id` and `name`. Everything else is
 * lenient: the preview's flags default to false (as for an anonymous caller), lists to empty.
 * 0.2.0 servers call the join code `enrollment_link`; both spellings are read.
 */
import type { RequestContext } from './errors.js'
import {
  arrayOrUnder,
  asArray,
  asRecord,
  isRecord,
  optBool,
  optInt,
  optNumber,
  optString,
  optTime,
  pick,
  reqInt,
  reqString,
  type Json
} from './guards.js'
import type { Endpoint } from './wire.js'

export interface Course {
  id: number
  name: string
  code: string | null
  slug: string | null
  /** Only members and managers see it (null elsewhere). */
  joinCode: string | null
}

/** `GET /academic_courses/enroll/{join_code}`: what a join code leads to, without enrolling. */
export interface CoursePreview {
  course: Course
  /** The course's challenges by name (the preview names them; ids come with enrolment). */
  challengeNames: string[]
  /** Ids, when the server sends them with the preview (it need not). */
  challengeIds: number[]
  lessonCount: number | null
  /** The token's user is enrolled already (false for an anonymous caller). */
  alreadyEnrolled: boolean
  /** The user's profile has both student fields (false for an anonymous caller). */
  hasStudentInfo: boolean
}

export interface Enrolment {
  message: string | null
  challengeIds: number[]
  courseSlug: string | null
}

export interface EnrolmentRequest {
  studentEmail?: string
  studentNumber?: string
  projectUrl?: string
}

/** A row of `GET /academic_courses/`. */
export interface CourseListing extends Course {
  isEnrolled: boolean
  /** The course's challenges, when the row names them. */
  challenges: CourseChallenge[]
}

export interface CourseChallenge {
  id: number
  name: string | null
}

/**
 * A roster row (4.4 `course_students`: `user_id`, `student_number`, `student_email`,
 * `project_url`, `enrolled_at_ts`). No username: the roster carries none; a student's name
 * comes from the progress dashboard (see CourseProgress).
 */
export interface CourseStudent {
  userId: number | null
  studentNumber: string | null
  studentEmail: string | null
  /** The repository the student enrolled from (untrusted: a URL the student gave). */
  projectUrl: string | null
  enrolledAt: string | null
}

/** `GET /teacher/students/{course_id}`: the roster. */
export interface CourseRoster {
  challenges: CourseChallenge[]
  students: CourseStudent[]
}

/**
 * `GET /teacher/course/{id}/progress` (4.4 `course_progress`): "per enrolled student × (content
 * %, per-challenge best result)"; challenge metas and cells carry `metric` (the ranking
 * MetricSpec) next to `pass_threshold`, and each cell `value`, `pass_threshold`, `passed`
 * (`my_progress`). The docstrings name no more of the shape: the keys that carry a student's
 * `user_id` and name, and where the cells sit, are read leniently (see parseProgress).
 */
export interface CourseProgress {
  challenges: ProgressChallenge[]
  students: ProgressStudent[]
}

export interface ProgressChallenge {
  id: number
  name: string | null
  passThreshold: number | null
  /** The ranking spec's `order`: desc → passed is value ≥ bar, asc → value ≤ bar. */
  order: 'asc' | 'desc' | null
}

export interface ProgressStudent {
  userId: number | null
  username: string | null
  /** Content progress, a percentage, when the dashboard says. */
  contentPercent: number | null
  lastActiveAt: string | null
  cells: ProgressCell[]
}

export interface ProgressCell {
  challengeId: number
  /** The best submission's `score` (README 4.0.0: `value`); null: nothing scored yet. */
  value: number | null
  passThreshold: number | null
  passed: boolean | null
  order: 'asc' | 'desc' | null
}

export interface NewCourse {
  name: string
  code?: string
  startDate?: string
  endDate?: string
}

const ROOT = '/academic_courses'

function ep(method: Endpoint['method'], path: string, what: string, userScope = false): Endpoint {
  return { method, path, what, userScope }
}

export const courseEndpoints = {
  preview: (joinCode: string): Endpoint =>
    ep('GET', `${ROOT}/enroll/${encodeURIComponent(joinCode)}`, 'the course preview'),
  /** Enrolling needs a user token: the server enrols the token's user. */
  enroll: (joinCode: string): Endpoint =>
    ep('POST', `${ROOT}/enroll/${encodeURIComponent(joinCode)}`, 'the enrolment', true),
  list: (): Endpoint => ep('GET', `${ROOT}/`, 'the course list'),
  create: (): Endpoint => ep('POST', `${ROOT}/`, 'the course creation'),
  /** The courses the token's user teaches or assists on (current wire). */
  taught: (): Endpoint => ep('GET', '/teacher/courses', 'the list of your courses'),
  roster: (courseId: number): Endpoint =>
    ep('GET', `/teacher/students/${courseId}`, 'the course roster'),
  /** 4.4 `course_progress`: the teacher's follow dashboard. */
  progress: (courseId: number): Endpoint =>
    ep('GET', `/teacher/course/${courseId}/progress`, 'the course progress dashboard'),
  /** 4.4 `export_course_csv`: one attached challenge's course board as the platform's CSV. */
  exportCsv: (courseId: number): Endpoint =>
    ep('GET', `/teacher/export-csv/${courseId}`, 'the course CSV export')
}

/** The query `export_course_csv` sends: `challenge_id` (required) and `by_participant`. */
export function exportCsvQuery(
  challengeId: number,
  byParticipant: boolean
): Record<string, string | number> {
  return { challenge_id: challengeId, by_participant: byParticipant ? 'true' : 'false' }
}

/** The file name the SDK saves the export under (README 3.0.0: the server's attachment name). */
export function exportCsvName(courseId: number, challengeId: number): string {
  return `leaderboard_course_${courseId}_challenge_${challengeId}.csv`
}

// ---- request bodies ----

export function enrolmentBody(request: EnrolmentRequest): Json {
  const body: Json = {}
  if (request.studentEmail) body.student_email = request.studentEmail
  if (request.studentNumber) body.student_number = request.studentNumber
  if (request.projectUrl) body.project_url = request.projectUrl
  return body
}

/** 4.x takes a name alone; 0.2.0 needs code and both dates (the caller checks they are given). */
export function createCourseBody(course: NewCourse): Json {
  const body: Json = { name: course.name }
  if (course.code !== undefined) body.code = course.code
  if (course.startDate !== undefined) body.start_date = course.startDate
  if (course.endDate !== undefined) body.end_date = course.endDate
  return body
}

// ---- answers ----

export function parseCourse(data: unknown, ctx: RequestContext, field = '(course)'): Course {
  const o = asRecord(data, ctx, field)
  return {
    id: reqInt(o, 'id', ctx),
    name: reqString(o, 'name', ctx),
    code: optString(o.code),
    slug: optString(o.slug),
    joinCode: optString(pick(o, 'join_code', 'enrollment_link'))
  }
}

/** 4.x nests the course under `course`; 0.2.0 servers answer with the course's own fields. */
export function parsePreview(data: unknown, ctx: RequestContext): CoursePreview {
  const o = asRecord(data, ctx, '(course preview)')
  const course = isRecord(o.course)
    ? parseCourse(o.course, ctx, 'course')
    : parseCourse({ ...o, id: pick(o, 'course_id', 'id') }, ctx)
  return {
    course,
    challengeNames: strings(pick(o, 'challenge_names', 'competition_names')),
    challengeIds: ids(pick(o, 'challenge_ids', 'competition_ids')),
    lessonCount: optInt(o.lesson_count),
    alreadyEnrolled: optBool(o.already_enrolled) === true,
    hasStudentInfo: optBool(o.has_student_info) === true
  }
}

/** Lenient: a 2xx is the enrolment, whatever its body says. */
export function parseEnrolment(data: unknown): Enrolment {
  const o = isRecord(data) ? data : {}
  return {
    message: optString(o.message),
    challengeIds: ids(pick(o, 'challenge_ids', 'competition_ids')),
    courseSlug: optString(o.course_slug)
  }
}

/** The created course; 0.2.0 answers may carry it at the top level or under `course`. */
export function parseCreatedCourse(data: unknown, ctx: RequestContext): Course {
  const o = asRecord(data, ctx, '(created course)')
  const inner = isRecord(o.course) ? o.course : o
  const course = parseCourse(inner, ctx)
  return course.joinCode === null
    ? { ...course, joinCode: optString(pick(o, 'join_code', 'enrollment_link')) }
    : course
}

export function parseCourseList(data: unknown, ctx: RequestContext): CourseListing[] {
  const list = arrayOrUnder(data, 'courses', ctx, '(course list)')
  return list.map(item => {
    const o = asRecord(item, ctx, 'courses[]')
    return {
      ...parseCourse(o, ctx, 'courses[]'),
      isEnrolled: optBool(o.is_enrolled) === true,
      challenges: challengesOf(o)
    }
  })
}

export function parseRoster(data: unknown, ctx: RequestContext): CourseRoster {
  const o = asRecord(data, ctx, '(course roster)')
  const students = asArray(o.students, ctx, 'students').map(item => {
    const s = asRecord(item, ctx, 'students[]')
    return {
      userId: optInt(s.user_id),
      studentNumber: optString(s.student_number),
      studentEmail: optString(s.student_email),
      projectUrl: optString(s.project_url),
      enrolledAt: optTime(pick(s, 'enrolled_at_ts', 'enrolled_at'))
    }
  })
  return { challenges: challengesOf(o), students }
}

/**
 * The progress dashboard. Documented: per student × challenge cells with `value`,
 * `pass_threshold`, `passed`, `metric`; challenge metas with `metric` and `pass_threshold`;
 * rows' `last_active_at_ts` (README 3.0.0). Chosen, since no docstring spells them out: the rows
 * under `students` (else `rows`), a row's `user_id` and `username` (else `user_name`, the run
 * rows' spelling), its cells under `challenges` (else `cells`) as a list with `challenge_id`
 * or a map keyed by challenge id, and the content share under `content_percent` (else
 * `content_progress`). Anything missing reads as unknown; a row without `user_id` is kept
 * (it simply joins no roster row).
 */
export function parseProgress(data: unknown, ctx: RequestContext): CourseProgress {
  const o = asRecord(data, ctx, '(course progress)')
  const metas: ProgressChallenge[] = []
  const rawMetas = Array.isArray(o.challenges) ? o.challenges : []
  for (const entry of rawMetas) {
    if (!isRecord(entry)) continue
    const id = optInt(pick(entry, 'challenge_id', 'id'))
    if (id === null) continue
    metas.push({
      id,
      name: optString(pick(entry, 'name', 'challenge_name', 'label')),
      passThreshold: optNumber(entry.pass_threshold),
      order: orderOf(entry.metric)
    })
  }
  const rawRows = Array.isArray(o.students) ? o.students : Array.isArray(o.rows) ? o.rows : []
  const students: ProgressStudent[] = []
  for (const entry of rawRows) {
    if (!isRecord(entry)) continue
    students.push({
      userId: optInt(entry.user_id),
      username: optString(pick(entry, 'username', 'user_name')),
      contentPercent: optNumber(pick(entry, 'content_percent', 'content_progress')),
      lastActiveAt: optTime(entry.last_active_at_ts),
      cells: cellsOf(pick(entry, 'challenges', 'cells'))
    })
  }
  return { challenges: metas, students }
}

function cellsOf(value: unknown): ProgressCell[] {
  const cells: ProgressCell[] = []
  const add = (cell: unknown, key: number | null): void => {
    if (!isRecord(cell)) return
    const challengeId = optInt(cell.challenge_id) ?? key
    if (challengeId === null) return
    cells.push({
      challengeId,
      value: optNumber(cell.value),
      passThreshold: optNumber(cell.pass_threshold),
      passed: optBool(cell.passed),
      order: orderOf(cell.metric)
    })
  }
  if (Array.isArray(value)) for (const cell of value) add(cell, null)
  else if (isRecord(value))
    for (const [key, cell] of Object.entries(value)) add(cell, optInt(Number(key)))
  return cells
}

/** A MetricSpec's `order` (README "Metrics": `desc`, `asc` or null). */
function orderOf(metric: unknown): 'asc' | 'desc' | null {
  if (!isRecord(metric)) return null
  return metric.order === 'asc' || metric.order === 'desc' ? metric.order : null
}

/** `challenges: [{id, name}]`, or `challenge_ids` (+ `challenge_names` in the same order). */
function challengesOf(o: Json): CourseChallenge[] {
  if (Array.isArray(o.challenges)) {
    const out: CourseChallenge[] = []
    for (const entry of o.challenges) {
      if (!isRecord(entry)) continue
      const id = optInt(pick(entry, 'id', 'challenge_id', 'competition_id'))
      if (id !== null) out.push({ id, name: optString(pick(entry, 'name', 'challenge_name')) })
    }
    return out
  }
  const names = strings(o.challenge_names)
  return ids(pick(o, 'challenge_ids', 'competition_ids')).map((id, i) => ({
    id,
    name: names[i] ?? null
  }))
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  const out: string[] = []
  for (const item of value) {
    const text = optString(item)
    if (text !== null) out.push(text)
  }
  return out
}

function ids(value: unknown): number[] {
  if (!Array.isArray(value)) return []
  const out: number[] = []
  for (const item of value) {
    const id = optInt(item)
    if (id !== null) out.push(id)
  }
  return out
}
