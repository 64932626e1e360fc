/**
 * Course routes of both wires (`/api/academic_courses`, and the current wire's teacher reads
 * under `/api/teacher`): payload shapes only, the rules live in store.ts.
 */
import type { Course, CourseBook, Preview } from './store.ts'
import { ApiError, json, readJson } from '../plumbing/http.ts'
import { publicRoute, route, type Route, type RouteContext } from '../plumbing/router.ts'
import { iso, type World } from '../platform/store.ts'
import { followRoutes } from './follow.ts'
import type { EmulatorCourse, WireName } from '../types.ts'
import type { TokenRecord } from '../platform/world.ts'

const C = '/api/academic_courses'

/** A current course row (authoring-routes.ts answers `update_course` with it too). */
export function currentCourse(course: Course): Record<string, unknown> {
  return {
    id: course.id,
    name: course.name,
    code: course.code,
    slug: course.slug,
    description: course.description,
    visibility: course.visibility,
    instructor_name: course.instructorName,
    start_date: course.startDate,
    end_date: course.endDate,
    teacher_user_id: course.teacher.id,
    teacher_username: course.teacher.username,
    challenge_ids: course.challenges.map(l => l.challengeId),
    has_cover: course.cover !== undefined,
    created_at_ts: iso(course.createdAt)
  }
}

function legacyCourse(course: Course): Record<string, unknown> {
  return {
    id: course.id,
    name: course.name,
    code: course.code,
    instructor_name: course.instructorName,
    start_date: course.startDate,
    end_date: course.endDate,
    competition_id: course.challenges[0]?.challengeId ?? null,
    competition_ids: course.challenges.map(l => l.challengeId),
    teacher_id: course.teacher.id,
    created_at: iso(course.createdAt)
  }
}

function listQuery(ctx: RouteContext): { showAll: boolean; challengeId: number | null } {
  const showAll = (ctx.url.searchParams.get('show_all') ?? '').toLowerCase()
  const raw = ctx.url.searchParams.get('challenge_id')
  if (raw !== null && raw !== '' && !/^\d+$/.test(raw))
    throw new ApiError(400, 'Query parameter challenge_id must be an integer')
  return {
    showAll: showAll === 'true' || showAll === '1',
    challengeId: raw === null || raw === '' ? null : Number(raw)
  }
}

function enrolCode(ctx: Pick<RouteContext, 'params'>): string {
  return ctx.params.code ?? ''
}

/** What differs between the wires' course routes: names and shapes. */
interface CourseWire {
  row(course: Course): Record<string, unknown>
  /** The course's enrol code on this wire, and its key in answers. */
  code(course: Course): string
  codeKey: 'join_code' | 'enrollment_link'
  create(book: CourseBook, token: TokenRecord, body: unknown): Course
  preview(preview: Preview): Record<string, unknown>
  enrolled(course: Course): Record<string, unknown>
}

const CURRENT: CourseWire = {
  row: currentCourse,
  code: course => course.joinCode,
  codeKey: 'join_code',
  create: (book, token, body) => book.createCurrent(token, body),
  preview: ({ course: c, challenges, lessonCount }) => ({
    course: {
      id: c.id,
      name: c.name,
      code: c.code,
      slug: c.slug,
      description: c.description,
      visibility: c.visibility,
      instructor_name: c.instructorName,
      start_date: c.startDate,
      end_date: c.endDate
    },
    challenge_ids: challenges.map(comp => comp.id),
    challenge_names: challenges.map(comp => comp.name),
    lesson_count: lessonCount
  }),
  enrolled: course => ({
    challenge_ids: course.challenges.map(l => l.challengeId),
    course_slug: course.slug
  })
}

const LEGACY: CourseWire = {
  row: legacyCourse,
  code: course => course.enrollmentLink,
  codeKey: 'enrollment_link',
  create: (book, token, body) => book.createLegacy(token, body),
  preview: ({ course, challenges }) => ({
    ...legacyCourse(course),
    course_id: course.id,
    competition_names: challenges.map(comp => comp.name)
  }),
  enrolled: course => ({
    course_id: course.id,
    competition_ids: course.challenges.map(l => l.challengeId)
  })
}

function sharedRoutes(book: CourseBook, wire: CourseWire): Route[] {
  return [
    route('POST', C, async ctx => {
      const course = wire.create(book, ctx.token, await readJson(ctx.req))
      return json(201, { ...wire.row(course), [wire.codeKey]: wire.code(course) })
    }),
    route('GET', C, ctx =>
      json(
        200,
        book.list(ctx.token, listQuery(ctx)).map(course => ({
          ...wire.row(course),
          is_enrolled: book.isMember(course, ctx.token),
          [wire.codeKey]: book.revealsCode(course, ctx.token) ? wire.code(course) : null
        }))
      )
    ),
    publicRoute('GET', `${C}/enroll/:code`, ctx => {
      const preview = book.preview(ctx.viewer, enrolCode(ctx))
      return json(200, {
        ...wire.preview(preview),
        already_enrolled: preview.alreadyEnrolled,
        has_student_info: preview.hasStudentInfo
      })
    }),
    route('POST', `${C}/enroll/:code`, async ctx => {
      const body = await readJson(ctx.req)
      const { course, created } = book.enrol(ctx.token, enrolCode(ctx), body)
      return json(created ? 201 : 200, {
        message: created ? `Enrolled in ${course.name}` : `Already enrolled in ${course.name}`,
        ...wire.enrolled(course)
      })
    })
  ]
}

/** The current wire's teacher reads and writes under /api/teacher (SDK 4.4.0). */
function teacherRoutes(book: CourseBook): Route[] {
  return [
    route('GET', '/api/teacher/courses', ctx =>
      json(
        200,
        book.teacherCourses(ctx.token).map(course => ({
          ...currentCourse(course),
          join_code: course.joinCode,
          role: 'teacher',
          student_count: book.roster(course).length
        }))
      )
    )
  ]
}

export function courseRoutes(book: CourseBook, wire: WireName, world: World): Route[] {
  return wire === 'current'
    ? [...sharedRoutes(book, CURRENT), ...teacherRoutes(book), ...followRoutes(book, world)]
    : sharedRoutes(book, LEGACY)
}

/** Legacy leaderboards know no courses (SDK 0.2.0 sends no course_id): refuse, do not ignore. */
export function refuseLegacyCourseBoard(url: URL): void {
  if (url.searchParams.has('course_id'))
    throw new ApiError(
      400,
      'course_id is not supported on this server (legacy API): course boards need the current API (/api/leaderboard/challenge/{id}?course_id=N)'
    )
}

export function seededCourses(book: CourseBook, wire: WireName): EmulatorCourse[] {
  return [...book.courses.values()].map(course => ({
    id: course.id,
    name: course.name,
    joinCode: course.joinCode,
    enrollmentLink: course.enrollmentLink,
    enrolCode: wire === 'current' ? course.joinCode : course.enrollmentLink,
    challengeIds: course.challenges.map(l => l.challengeId)
  }))
}
