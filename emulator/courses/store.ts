/**
 * Academic courses: their state (courses, challenge links with pass thresholds, enrolments,
 * the students' identities) and their rules, independent of the wire. courses.ts shapes the
 * answers of each wire. Choices where the SDK is silent are listed in emulator/README.md.
 */
import { createHash } from 'node:crypto'
import {
  COURSE_AGENT_SEEDS,
  COURSE_SEEDS,
  COURSE_TOKEN_OWNERS,
  COURSE_TOKENS,
  COURSE_USERS,
  DEFAULT_MAX_COURSES,
  FIRST_COURSE_ID,
  MAX_COURSES,
  STUDENT_IDENTITIES,
  type StudentIdentity
} from './seeds.ts'
import { ApiError } from '../plumbing/http.ts'
import { rankingOrder, rerank, type RankedEntry } from '../platform/leaderboard.ts'
import { DAY_MS, type World } from '../platform/store.ts'
import type { StateCourse } from '../types.ts'
import { USERS, type CompetitionConfig, type TokenRecord, type User } from '../platform/world.ts'

export type Visibility = 'private' | 'unlisted' | 'public'
const VISIBILITIES: readonly Visibility[] = ['private', 'unlisted', 'public']

export interface ChallengeLink {
  challengeId: number
  /** null: the course sets no bar (its board rows carry no `passed`). */
  passThreshold: number | null
}

export interface Course {
  id: number
  name: string
  code: string | null
  slug: string
  description: string
  visibility: Visibility
  instructorName: string | null
  /** YYYY-MM-DD, or null (no end date: the course never closes). */
  startDate: string | null
  endDate: string | null
  joinCode: string
  enrollmentLink: string
  teacher: User
  challenges: ChallengeLink[]
  createdAt: number
  /** The cover image (current wire: `POST /teacher/course/{id}/cover`, see authoring-store.ts). */
  cover?: { contentType: string; bytes: Buffer; sha256: string }
}

export interface Enrolment {
  user: User
  projectUrl: string | null
  enrolledAt: number
}

export interface Preview {
  course: Course
  challenges: CompetitionConfig[]
  /** The lessons a student sees (published, in published modules). */
  lessonCount: number
  alreadyEnrolled: boolean
  hasStudentInfo: boolean
}

export interface EnrolResult {
  course: Course
  created: boolean
}

export interface ListQuery {
  showAll: boolean
  challengeId: number | null
}

export interface RosterStudent {
  user: User
  identity: StudentIdentity
  enrolment: Enrolment
}

/** A course board: the class's rows re-ranked among themselves, and how each row passes. */
export interface CourseBoard {
  course: Course
  link: ChallengeLink
  rows: RankedEntry[]
  version: string
  /** Enrolled students, with or without a row. */
  enrolledCount: number
  passed(row: RankedEntry): boolean | null | undefined
}

/** The create body's keys both SDKs share. */
const COMMON_CREATE_KEYS = ['name', 'code', 'start_date', 'end_date', 'instructor_name'] as const
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const SLUG = /^[a-z0-9-]+$/

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isFinite(ms) && isoDay(ms) === value
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'course'
  )
}

function optionalString(body: Record<string, unknown>, key: string, max: number): string | null {
  const value = body[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new ApiError(400, `${key} must be a string`)
  const trimmed = value.trim()
  if (trimmed.length > max) throw new ApiError(400, `${key} is limited to ${max} characters`)
  return trimmed === '' ? null : trimmed
}

function refuseUnknownKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter(k => !allowed.includes(k))
  if (unknown.length > 0)
    throw new ApiError(
      400,
      `Unknown field(s): ${unknown.join(', ')}; this route takes ${allowed.join(', ')}`
    )
}

function asBody(raw: unknown): Record<string, unknown> {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ApiError(400, 'The body must be a JSON object')
  return raw as Record<string, unknown>
}

export class CourseBook {
  private readonly world: World
  readonly courses = new Map<number, Course>()
  private readonly enrolments = new Map<number, Map<number, Enrolment>>()
  private readonly identities = new Map<number, StudentIdentity>()
  private readonly users = new Map<number, User>()
  private nextCourseId = FIRST_COURSE_ID
  /** Set by the course content (authoring-store.ts) on the current wire. */
  countLessons: (course: Course) => number = () => 0

  constructor(world: World) {
    this.world = world
    for (const user of [...Object.values(USERS), ...Object.values(COURSE_USERS)])
      this.users.set(user.id, user)
    for (const [key, token] of Object.entries(COURSE_TOKENS) as [
      keyof typeof COURSE_TOKENS,
      string
    ][])
      world.registerToken(token, COURSE_TOKEN_OWNERS[key])
    for (const [id, identity] of Object.entries(STUDENT_IDENTITIES))
      this.identities.set(Number(id), { ...identity })
    for (const { id, seed } of COURSE_AGENT_SEEDS) world.seedAgent(seed, id)
    this.seedCourses()
  }

  private seedCourses(): void {
    const t = this.world.startTime
    for (const seed of COURSE_SEEDS) {
      const course: Course = {
        id: seed.id,
        name: seed.name,
        code: seed.code,
        slug: seed.slug,
        description: seed.description,
        visibility: seed.visibility,
        instructorName: seed.instructorName,
        startDate: isoDay(t + seed.startDay * DAY_MS),
        endDate: isoDay(t + seed.endDay * DAY_MS),
        joinCode: seed.joinCode,
        enrollmentLink: seed.enrollmentLink,
        teacher: this.user(seed.teacherId),
        challenges: seed.challenges.map(c => ({ ...c })),
        createdAt: t + (seed.startDay - 7) * DAY_MS
      }
      this.courses.set(course.id, course)
      const enrolled = new Map<number, Enrolment>()
      for (const student of seed.students)
        enrolled.set(student.userId, {
          user: this.user(student.userId),
          projectUrl: student.projectUrl,
          enrolledAt: t - student.daysAgo * DAY_MS
        })
      this.enrolments.set(course.id, enrolled)
    }
  }

  private user(id: number): User {
    const user = this.users.get(id)
    if (!user) throw new Error(`course seeds: no user ${id}`)
    return user
  }

  private identity(userId: number): StudentIdentity {
    let identity = this.identities.get(userId)
    if (!identity) {
      identity = { studentEmail: null, studentNumber: null }
      this.identities.set(userId, identity)
    }
    return identity
  }

  // ---------------------------------------------------------------- membership

  private enrolled(course: Course): Map<number, Enrolment> {
    let map = this.enrolments.get(course.id)
    if (!map) {
      map = new Map()
      this.enrolments.set(course.id, map)
    }
    return map
  }

  isMember(course: Course, token: TokenRecord | null): boolean {
    return token !== null && this.enrolled(course).has(token.user.id)
  }

  /** The course's teacher, whatever the scope of the token (assistants are not emulated). */
  isManager(course: Course, token: TokenRecord | null): boolean {
    return token !== null && course.teacher.id === token.user.id
  }

  private today(): string {
    return isoDay(this.world.now())
  }

  private isActive(course: Course): boolean {
    const today = this.today()
    return (
      (course.startDate === null || course.startDate <= today) &&
      (course.endDate === null || course.endDate >= today)
    )
  }

  private refuseEnded(course: Course): void {
    if (course.endDate !== null && course.endDate < this.today())
      throw new ApiError(
        410,
        `Course "${course.name}" ended on ${course.endDate}: enrolment is closed`
      )
  }

  /** The course a join code names on this wire: join_code (current) or enrollment_link (legacy). */
  byEnrolCode(code: string): Course {
    const key = this.world.wire === 'current' ? 'joinCode' : 'enrollmentLink'
    const found = [...this.courses.values()].find(c => c[key] === code)
    if (!found) {
      const noun = this.world.wire === 'current' ? 'join code' : 'enrollment link'
      throw new ApiError(404, `No course has the ${noun} "${code}"`)
    }
    return found
  }

  private course(courseId: number): Course {
    const course = this.courses.get(courseId)
    if (!course) throw new ApiError(404, `Course ${courseId} not found`)
    return course
  }

  challengesOf(course: Course): CompetitionConfig[] {
    return course.challenges.flatMap(link => {
      const comp = this.world.competitions.get(link.challengeId)
      return comp ? [comp] : []
    })
  }

  // ---------------------------------------------------------------- preview and enrolment

  /** `viewer` is null for an anonymous caller (both flags are then false). */
  preview(viewer: TokenRecord | null, code: string): Preview {
    const course = this.byEnrolCode(code)
    this.refuseEnded(course)
    const identity = viewer === null ? null : this.identity(viewer.user.id)
    return {
      course,
      challenges: this.challengesOf(course),
      lessonCount: this.countLessons(course),
      alreadyEnrolled: this.isMember(course, viewer),
      hasStudentInfo: identity !== null && !!identity.studentEmail && !!identity.studentNumber
    }
  }

  enrol(token: TokenRecord, code: string, raw: unknown): EnrolResult {
    if (token.scope !== 'user')
      throw new ApiError(
        403,
        `Enrolling needs a user token (mlk_user_...); this is a ${token.scope} token`
      )
    const course = this.byEnrolCode(code)
    this.refuseEnded(course)
    const body = asBody(raw)
    refuseUnknownKeys(body, ['student_email', 'student_number', 'project_url'])
    const email = optionalString(body, 'student_email', 254)
    if (email !== null && !EMAIL.test(email))
      throw new ApiError(400, `student_email "${email}" is not a valid email address`)
    const number = optionalString(body, 'student_number', 64)
    const projectUrl = optionalString(body, 'project_url', 2048)
    if (projectUrl !== null && !/^https?:\/\/[^\s/]+/.test(projectUrl))
      throw new ApiError(400, `project_url "${projectUrl}" is not an http(s) URL`)
    const enrolled = this.enrolled(course)
    // Enrolling again is harmless: nothing changes, not even the project URL.
    if (enrolled.has(token.user.id)) return { course, created: false }
    const identity = this.identity(token.user.id)
    const missing = [
      ...(identity.studentEmail || email ? [] : ['student_email']),
      ...(identity.studentNumber || number ? [] : ['student_number'])
    ]
    if (missing.length > 0)
      throw new ApiError(
        400,
        `Student information required to enrol: ${missing.join(' and ')} (send it in the body or set it on your profile)`,
        { missing_fields: missing }
      )
    // The body fills the profile's student identity only where it is not set yet.
    identity.studentEmail ??= email
    identity.studentNumber ??= number
    enrolled.set(token.user.id, { user: token.user, projectUrl, enrolledAt: this.world.now() })
    // An enrolled student sees the course's hidden challenges.
    for (const comp of this.challengesOf(course))
      if (!comp.isPublic && !comp.members.includes(token.user.id)) comp.members.push(token.user.id)
    return { course, created: true }
  }

  // ---------------------------------------------------------------- create and list

  private ownedCount(userId: number): number {
    return [...this.courses.values()].filter(c => c.teacher.id === userId).length
  }

  private mint(id: number): { joinCode: string; enrollmentLink: string } {
    const digest = createHash('sha256').update(`course|${this.world.seed}|${id}`).digest()
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
    const joinCode = [...digest.subarray(0, 8)].map(b => alphabet[b % alphabet.length]).join('')
    return { joinCode, enrollmentLink: digest.subarray(8, 24).toString('hex') }
  }

  private uniqueSlug(wanted: string | null, name: string): string {
    const taken = new Set([...this.courses.values()].map(c => c.slug))
    if (wanted !== null) {
      if (!SLUG.test(wanted)) throw new ApiError(400, `slug "${wanted}" must match ^[a-z0-9-]+$`)
      if (taken.has(wanted)) throw new ApiError(409, `slug "${wanted}" is already in use`)
      return wanted
    }
    const base = slugify(name)
    let slug = base
    for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`
    return slug
  }

  private dates(
    body: Record<string, unknown>,
    required: boolean
  ): { startDate: string | null; endDate: string | null } {
    const read = (key: string): string | null => {
      const value = optionalString(body, key, 10)
      if (value === null) {
        if (required) throw new ApiError(400, `${key} is required (YYYY-MM-DD)`)
        return null
      }
      if (!validDate(value)) throw new ApiError(400, `${key} "${value}" is not a YYYY-MM-DD date`)
      return value
    }
    const startDate = read('start_date')
    const endDate = read('end_date')
    if (startDate !== null && endDate !== null && endDate < startDate)
      throw new ApiError(400, `end_date ${endDate} is before start_date ${startDate}`)
    return { startDate, endDate }
  }

  /** Current wire (SDK 4.x): any scope; a name is the only required field. */
  createCurrent(token: TokenRecord, raw: unknown): Course {
    const body = asBody(raw)
    refuseUnknownKeys(body, [
      ...COMMON_CREATE_KEYS,
      'slug',
      'description',
      'visibility',
      'teacher_user_id'
    ])
    if (body.teacher_user_id !== undefined)
      throw new ApiError(403, 'Only an admin may name the owning teacher (teacher_user_id)')
    const name = optionalString(body, 'name', 200)
    if (name === null) throw new ApiError(400, 'name is required: a non-empty string')
    const visibility = body.visibility ?? 'private'
    if (!VISIBILITIES.includes(visibility as Visibility))
      throw new ApiError(400, `visibility must be one of ${VISIBILITIES.join(', ')}`)
    const dates = this.dates(body, false)
    const limit = MAX_COURSES[token.user.id] ?? DEFAULT_MAX_COURSES
    if (this.ownedCount(token.user.id) >= limit)
      throw new ApiError(
        403,
        `Course limit reached: this account may own at most ${limit} course(s) (max_courses_limit)`
      )
    return this.add({
      name,
      code: optionalString(body, 'code', 50),
      slug: this.uniqueSlug(optionalString(body, 'slug', 100), name),
      description: optionalString(body, 'description', 20_000) ?? '',
      visibility: visibility as Visibility,
      instructorName: optionalString(body, 'instructor_name', 200),
      ...dates,
      teacher: token.user,
      challenges: []
    })
  }

  /** Legacy wire (SDK 0.2.0): a teacher token; name, code and both dates required. */
  createLegacy(token: TokenRecord, raw: unknown): Course {
    if (token.scope !== 'teacher')
      throw new ApiError(
        403,
        `Creating a course needs a teacher token (mlk_teacher_...); this is a ${token.scope} token`
      )
    const body = asBody(raw)
    refuseUnknownKeys(body, [...COMMON_CREATE_KEYS, 'competition_id'])
    const name = optionalString(body, 'name', 200)
    const code = optionalString(body, 'code', 50)
    const missing = [...(name ? [] : ['name']), ...(code ? [] : ['code'])]
    if (missing.length > 0) throw new ApiError(400, `Required: ${missing.join(', ')}`)
    const dates = this.dates(body, true)
    const cid = body.competition_id
    const challenges: ChallengeLink[] = []
    if (cid !== undefined && cid !== null) {
      if (typeof cid !== 'number' || !Number.isInteger(cid))
        throw new ApiError(400, 'competition_id must be an integer')
      this.world.competition(token, cid)
      challenges.push({ challengeId: cid, passThreshold: null })
    }
    return this.add({
      name: name as string,
      code,
      slug: this.uniqueSlug(null, name as string),
      description: '',
      visibility: 'private',
      instructorName: optionalString(body, 'instructor_name', 200),
      ...dates,
      teacher: token.user,
      challenges
    })
  }

  private add(fields: Omit<Course, 'id' | 'joinCode' | 'enrollmentLink' | 'createdAt'>): Course {
    const id = this.nextCourseId++
    const course: Course = { id, ...this.mint(id), ...fields, createdAt: this.world.now() }
    this.courses.set(id, course)
    this.enrolments.set(id, new Map())
    return course
  }

  /** Enrolled + currently active by default; private and unlisted ones only to members and managers. */
  list(token: TokenRecord, query: ListQuery): Course[] {
    return [...this.courses.values()]
      .filter(c => c.visibility === 'public' || this.isMember(c, token) || this.isManager(c, token))
      .filter(c => query.showAll || this.isMember(c, token) || this.isActive(c))
      .filter(
        c =>
          query.challengeId === null || c.challenges.some(l => l.challengeId === query.challengeId)
      )
  }

  /** join_code / enrollment_link only for members and managers. */
  revealsCode(course: Course, token: TokenRecord): boolean {
    return this.isMember(course, token) || this.isManager(course, token)
  }

  // ---------------------------------------------------------------- teacher reads

  private requireTeacher(token: TokenRecord): void {
    if (token.scope !== 'teacher')
      throw new ApiError(
        403,
        `This route needs a teacher token (mlk_teacher_...); this is a ${token.scope} token`
      )
  }

  managedCourse(token: TokenRecord, courseId: number): Course {
    this.requireTeacher(token)
    const course = this.course(courseId)
    if (!this.isManager(course, token))
      throw new ApiError(403, `You do not teach course ${courseId}`)
    return course
  }

  teacherCourses(token: TokenRecord): Course[] {
    this.requireTeacher(token)
    return [...this.courses.values()].filter(c => this.isManager(c, token))
  }

  roster(course: Course): RosterStudent[] {
    return [...this.enrolled(course).values()]
      .sort((a, b) => a.enrolledAt - b.enrolledAt || a.user.id - b.user.id)
      .map(enrolment => ({
        user: enrolment.user,
        identity: { ...this.identity(enrolment.user.id) },
        enrolment
      }))
  }

  /** A `challenge_id` query must name one of the course's challenges (400 otherwise). */
  link(course: Course, challengeId: number): ChallengeLink {
    const link = course.challenges.find(l => l.challengeId === challengeId)
    if (!link)
      throw new ApiError(
        400,
        `Challenge ${challengeId} is not attached to course ${course.id} (its challenges: ${
          course.challenges.map(l => l.challengeId).join(', ') || 'none'
        })`
      )
    return link
  }

  // ---------------------------------------------------------------- course board

  board(
    token: TokenRecord | null,
    comp: CompetitionConfig,
    courseId: number,
    aggregate: 'user' | 'submission'
  ): CourseBoard {
    const course = this.courses.get(courseId)
    // Anonymous callers do not see course boards (as if the course did not exist).
    if (!course || token === null) throw new ApiError(404, `Course ${courseId} not found`)
    if (!this.isMember(course, token) && !this.isManager(course, token))
      throw new ApiError(
        403,
        `Course ${courseId}'s board is for its students and teachers: enrol with its join code first`
      )
    const link = this.link(course, comp.id)
    const students = this.enrolled(course)
    const full = this.world.rankedBoard(comp, aggregate)
    const rows = rerank(
      full.rows.filter(r => r.entry.ownerId !== null && students.has(r.entry.ownerId))
    )
    const order = rankingOrder(comp)
    const threshold = link.passThreshold
    return {
      course,
      link,
      rows,
      version: `course:${course.id}|${[...students.keys()].join(',')}|${full.version}`,
      enrolledCount: students.size,
      passed: row => {
        if (threshold === null) return undefined
        const score = row.entry.score
        if (!Number.isFinite(score)) return null
        return order === 'desc' ? score >= threshold : score <= threshold
      }
    }
  }

  // ---------------------------------------------------------------- inspection

  state(): StateCourse[] {
    return [...this.courses.values()].map(course => ({
      id: course.id,
      name: course.name,
      joinCode: course.joinCode,
      enrollmentLink: course.enrollmentLink,
      teacher: course.teacher.username,
      startDate: course.startDate,
      endDate: course.endDate,
      challenges: course.challenges.map(l => ({ ...l })),
      enrolments: this.roster(course).map(s => ({
        userId: s.user.id,
        username: s.user.username,
        studentEmail: s.identity.studentEmail,
        studentNumber: s.identity.studentNumber,
        projectUrl: s.enrolment.projectUrl,
        enrolledAt: new Date(s.enrolment.enrolledAt).toISOString()
      }))
    }))
  }
}
