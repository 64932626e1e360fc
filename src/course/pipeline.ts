/**
 * The teacher action's pipeline: find the course (by id, or by name among the teacher's own
 * courses), create it once when asked and it is not there yet, read its roster and its board,
 * and build the class report. Every input is checked before the one write (the creation).
 */
import {
  exportCsvName,
  type Course,
  type CourseChallenge,
  type CourseListing,
  type CourseProgress,
  type NewCourse
} from '../arena/courses.js'
import { ArenaError } from '../arena/errors.js'
import type { ArenaClient } from '../arena/client.js'
import type { Leaderboard, Wire } from '../arena/model.js'
import { InputError } from '../errors.js'
import { oneLine } from '../format.js'
import type { Logger } from '../logger.js'
import type { CourseConfig } from './config.js'
import { buildClassReport, type ClassReport } from './report/class-report.js'

export type TeacherApi = Pick<
  ArenaClient,
  | 'wire'
  | 'listCourses'
  | 'taughtCourses'
  | 'createCourse'
  | 'courseRoster'
  | 'leaderboard'
  | 'courseProgress'
  | 'exportCourseCsv'
>

export interface ClassRun {
  wire: Wire
  course: Course
  created: boolean
  /** Null on the legacy wire, which has no roster and no course boards. */
  report: ClassReport | null
  /**
   * The platform's own CSV of the course board (4.4 `export_course_csv`), offered beside ours
   * when the course has exactly one challenge; `name` is the file name the SDK saves it under.
   */
  platformCsv?: { name: string; text: string } | null
}

export async function runClassReport(
  arena: TeacherApi,
  config: CourseConfig,
  log: Logger
): Promise<ClassRun> {
  const wire = await arena.wire().catch(error => {
    throw tokenRefused(error)
  })
  const courses = await ownCourses(arena, wire)
  let course: Course | null = findCourse(courses, config)
  let created = false
  if (course === null && config.create) {
    course = await create(arena, wire, config, log)
    created = true
  }
  if (course === null) throw notFound(config, courses)
  log.info(
    `Course ${course.id}: ${oneLine(course.name)}${created ? ' (created by this run)' : ''}.`
  )

  if (wire === 'legacy') {
    log.warning(
      'This server speaks the legacy ML Arena API, which has no roster and no course boards: the class report needs a server of the current API; only the course itself is reported.'
    )
    return { wire, course, created, report: null }
  }
  const roster = await arena.courseRoster(course.id).catch(error => {
    throw tokenRefused(error)
  })
  const challenge = chooseChallenge(roster.challenges, config.challengeId, course)
  const board = challenge ? await wholeCourseBoard(arena, challenge.id, course.id) : null
  const progress = await readProgress(arena, course.id, log)
  const report = buildClassReport({ course, challenge, roster, board, progress })
  log.info(
    `${report.enrolled} enrolled, ${report.passedCount} pass, ${report.unscored.length} without a scored agent yet.`
  )
  const platformCsv =
    challenge && roster.challenges.length === 1
      ? await platformExport(arena, course.id, challenge.id, log)
      : null
  return { wire, course, created, report, platformCsv }
}

/**
 * The teacher's dashboard, which names each enrolled student (the roster does not). Not being
 * able to read it leaves the students unnamed, so unscored, not the run failed: the report
 * still lists everyone enrolled.
 */
async function readProgress(
  arena: Pick<TeacherApi, 'courseProgress'>,
  courseId: number,
  log: Logger
): Promise<CourseProgress | null> {
  try {
    return await arena.courseProgress(courseId)
  } catch (error) {
    if (!(error instanceof ArenaError)) throw error
    log.warning(
      `Could not read the course's progress dashboard (${error.message}): students are listed without their names and scores.`
    )
    return null
  }
}

/** The platform's export (by participant: one row per student, as ours); a failure is a warning. */
async function platformExport(
  arena: Pick<TeacherApi, 'exportCourseCsv'>,
  courseId: number,
  challengeId: number,
  log: Logger
): Promise<{ name: string; text: string } | null> {
  try {
    const text = await arena.exportCourseCsv(courseId, challengeId, { byParticipant: true })
    return { name: exportCsvName(courseId, challengeId), text }
  } catch (error) {
    if (!(error instanceof ArenaError)) throw error
    log.warning(`Could not read ML Arena's own CSV export of the course: ${error.message}`)
    return null
  }
}

const PAGE = 500
const MAX_PAGES = 40

/**
 * The course board with every student's row: one read for a class the server sends whole, else
 * pages of PAGE rows until `total` (a server may cap an unpaged answer).
 */
export async function wholeCourseBoard(
  arena: Pick<TeacherApi, 'leaderboard'>,
  challengeId: number,
  courseId: number
): Promise<Leaderboard> {
  const query = { courseId, aggregate: 'user' as const }
  const first = await arena.leaderboard(challengeId, query)
  if (first.rows.length >= first.total || first.rows.length === 0) return first
  const rows = [...first.rows]
  for (let page = 1; page < MAX_PAGES && rows.length < first.total; page++) {
    const next = await arena.leaderboard(challengeId, {
      ...query,
      offset: rows.length,
      limit: PAGE
    })
    if (next.rows.length === 0) break
    rows.push(...next.rows)
  }
  return { ...first, rows }
}

/** The courses this teacher manages: the teacher route (current), else the list's own ones. */
async function ownCourses(arena: TeacherApi, wire: Wire): Promise<CourseListing[]> {
  if (wire === 'current') return arena.taughtCourses()
  // 0.2.0 servers have no teacher route: the list shows the join link only to members and managers.
  return (await arena.listCourses({ showAll: true })).filter(course => course.joinCode !== null)
}

/** By id, or by name (compared without regard to case or surrounding space). */
export function findCourse(
  courses: CourseListing[],
  config: Pick<CourseConfig, 'courseId' | 'name'>
): CourseListing | null {
  if (config.courseId !== null) return courses.find(c => c.id === config.courseId) ?? null
  const wanted = (config.name ?? '').trim().toLowerCase()
  const named = courses.filter(c => c.name.trim().toLowerCase() === wanted)
  if (named.length > 1) {
    throw new InputError(
      'name',
      `matches ${named.length} of your courses (ids ${named.map(c => c.id).join(', ')}); give course-id instead.`
    )
  }
  return named[0] ?? null
}

/** The challenge to report on: the one asked for, else the course's only one (none: null). */
export function chooseChallenge(
  challenges: CourseChallenge[],
  wanted: number | null,
  course: Course
): CourseChallenge | null {
  const listed = challenges
    .map(c => (c.name ? `${c.id} (${JSON.stringify(oneLine(c.name, 60))})` : String(c.id)))
    .join(', ')
  if (wanted !== null) {
    const found = challenges.find(c => c.id === wanted)
    if (!found) {
      throw new InputError(
        'challenge-id',
        `${wanted} is not a challenge of course ${course.id}; its challenges are ${listed || 'none yet'}.`
      )
    }
    return found
  }
  if (challenges.length > 1) {
    throw new InputError(
      'challenge-id',
      `is empty, and course ${course.id} has ${challenges.length} challenges: ${listed}; give the id of the one to report on.`
    )
  }
  return challenges[0] ?? null
}

async function create(
  arena: TeacherApi,
  wire: Wire,
  config: CourseConfig,
  log: Logger
): Promise<Course> {
  const course: NewCourse = { name: config.name as string }
  if (config.code !== null) course.code = config.code
  if (config.startDate !== null) course.startDate = config.startDate
  if (config.endDate !== null) course.endDate = config.endDate
  if (wire === 'legacy') {
    const missing = [
      config.code === null ? 'code' : null,
      config.startDate === null ? 'start-date' : null,
      config.endDate === null ? 'end-date' : null
    ].filter((name): name is string => name !== null)
    if (missing[0] !== undefined) {
      throw new InputError(
        missing[0],
        `is required to create a course on this server (legacy API: name, code, start-date and end-date); give ${missing.join(', ')}.`
      )
    }
  }
  try {
    const made = await arena.createCourse(course)
    log.info(`Created course ${made.id}: ${oneLine(made.name)}.`)
    return made
  } catch (error) {
    // A creation whose answer was lost may have happened: look before anyone creates it again.
    if (error instanceof ArenaError && error.outcomeUnknown) {
      const again = findCourse(await ownCourses(arena, wire), { courseId: null, name: config.name })
      if (again) return again
    }
    if (error instanceof ArenaError && (error.kind === 'validation' || error.kind === 'scope')) {
      throw new InputError(
        'create',
        `ML Arena refused to create course ${JSON.stringify(oneLine(config.name ?? '', 80))}: ${error.message}`
      )
    }
    throw error
  }
}

function notFound(config: CourseConfig, courses: CourseListing[]): InputError {
  if (config.courseId !== null) {
    return new InputError(
      'course-id',
      `${config.courseId} is not one of your courses (yours: ${courses.map(c => c.id).join(', ') || 'none'}); check the id, and that the token is the course teacher's.`
    )
  }
  return new InputError(
    'name',
    `no course of yours is named ${JSON.stringify(oneLine(config.name ?? '', 80))}; check the name, or set create: true to create it.`
  )
}

/** 401/403 on the teacher's first calls are about the api-key input. */
function tokenRefused(error: unknown): unknown {
  if (!(error instanceof ArenaError)) return error
  if (error.kind === 'auth' || error.kind === 'scope') {
    const said = error.serverMessage ? `: "${error.serverMessage}"` : ''
    return new InputError(
      'api-key',
      `ML Arena does not accept this token here (${error.status ?? '–'} on ${error.route}${said}); pass the course teacher's token (mlk_teacher_…) from a secret.`
    )
  }
  return error
}
