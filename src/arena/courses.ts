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

export interface CourseStudent {
  userId: number | null
  username: string | null
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
    ep('GET', `/teacher/students/${courseId}`, 'the course roster')
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
      username: optString(pick(s, 'username', 'user_name', 'name')),
      studentNumber: optString(s.student_number),
      studentEmail: optString(s.student_email),
      projectUrl: optString(s.project_url),
      enrolledAt: optTime(pick(s, 'enrolled_at_ts', 'enrolled_at'))
    }
  })
  return { challenges: challengesOf(o), students }
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
