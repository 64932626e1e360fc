/**
 * The course step of the participant action: preview the course a join code leads to, check
 * that enrolling can succeed (the student fields the server needs), pick the course's challenge
 * when competition-id is empty, enrol once (never when the token's user is enrolled already),
 * and, after the evaluation, read the course board: the student's rank among the class and
 * whether they pass. The choices are pure functions; the I/O takes the client as a parameter.
 */
import type { CourseListing, CoursePreview } from '../../arena/courses.js'
import { ArenaError } from '../../arena/errors.js'
import type { Leaderboard } from '../../arena/model.js'
import { InputError } from '../../errors.js'
import { oneLine } from '../../format.js'
import type { Logger } from '../../logger.js'
import type { ArenaApi } from '../../evaluation/arena-port.js'
import type { CourseInputs } from '../course-inputs.js'
import { standingOn, studentRow } from '../../evaluation/steps/class-standing.js'
import type { CourseOutcome } from '../../evaluation/outcome.js'

type CourseApi = Pick<ArenaApi, 'previewCourse' | 'enroll' | 'listCourses'>

/** The challenge to submit to, or what is still needed to know it. */
export type ChallengeChoice =
  | { kind: 'id'; id: number }
  /** One challenge by name, whose id only the enrolment (or the course list) tells. */
  | { kind: 'after-enrolment' }

/**
 * Which of the course's challenges this run submits to. `given` is competition-id (null: empty).
 * `known` are the ids the server told (preview, course list or enrolment), with names when known.
 */
export function chooseChallenge(
  given: number | null,
  preview: Pick<CoursePreview, 'course' | 'challengeNames'>,
  known: { id: number; name: string | null }[]
): ChallengeChoice {
  const course = courseLabel(preview.course)
  if (given !== null) {
    if (known.length > 0 && !known.some(entry => entry.id === given)) {
      throw new InputError(
        'competition-id',
        `${given} is not a challenge of course ${course}; its challenges are ${listChallenges(known)}. Give one of them, or leave competition-id empty when there is one.`
      )
    }
    return { kind: 'id', id: given }
  }
  const count = known.length > 0 ? known.length : preview.challengeNames.length
  if (count === 0) {
    throw new InputError(
      'competition-id',
      `is empty, and course ${course} has no challenge yet; ask the teacher, or give the competition id.`
    )
  }
  if (count > 1) {
    const listed =
      known.length > 0
        ? listChallenges(known)
        : preview.challengeNames.map(name => JSON.stringify(oneLine(name, 80))).join(', ')
    throw new InputError(
      'competition-id',
      `is empty, and course ${course} has ${count} challenges: ${listed}; give the id of the one to submit to.`
    )
  }
  const only = known[0]
  return only ? { kind: 'id', id: only.id } : { kind: 'after-enrolment' }
}

/**
 * The student's row on the course board: this agent's own row, else the caller's row (`me`, or
 * the first row marked as theirs: a course board ranks each student by their best agent).
 */
export { studentRow }

export interface JoinedCourse {
  preview: CoursePreview
  competitionId: number | null
  enrolment: CourseOutcome['enrolment']
}

export interface JoinOptions {
  competitionId: number | null
  /** The repository's address on GitHub, stored on the enrolment. */
  projectUrl: string | null
  dryRun: boolean
  log: Logger
}

/**
 * Previews the course, checks everything the enrolment needs, enrols when the token's user is
 * not enrolled yet (never twice), and settles the challenge. In a dry run nothing is enrolled,
 * and the challenge may stay unknown (null) when only the enrolment would tell it.
 */
export async function joinCourse(
  arena: CourseApi,
  inputs: CourseInputs,
  options: JoinOptions
): Promise<JoinedCourse> {
  const preview = await arena.previewCourse(inputs.joinCode).catch(error => {
    throw joinCodeError(error)
  })
  const course = courseLabel(preview.course)
  if (!preview.alreadyEnrolled && !preview.hasStudentInfo) requireStudentFields(inputs, course)

  let known = preview.challengeIds.map((id, i) => ({ id, name: preview.challengeNames[i] ?? null }))
  // Enrolled already: no enrolment will tell the ids, the course list may.
  if (known.length === 0 && preview.alreadyEnrolled && options.competitionId === null) {
    known = await listedChallenges(arena, preview.course.id)
  }
  let choice = chooseChallenge(options.competitionId, preview, known)

  if (preview.alreadyEnrolled) {
    options.log.info(`Enrolled in course ${course} already: not enrolling again.`)
    return { preview, competitionId: idOf(choice, preview), enrolment: 'already' }
  }
  if (options.dryRun) {
    options.log.info(`Dry run: would enrol in course ${course}.`)
    return { preview, competitionId: choice.kind === 'id' ? choice.id : null, enrolment: 'dry-run' }
  }
  const enrolled = await arena
    .enroll(inputs.joinCode, {
      studentEmail: inputs.studentEmail ?? undefined,
      studentNumber: inputs.studentNumber ?? undefined,
      projectUrl: options.projectUrl ?? undefined
    })
    .catch(error => {
      throw enrolmentError(error, course)
    })
  options.log.info(`Enrolled in course ${course}.`)
  if (choice.kind === 'after-enrolment') {
    choice = chooseChallenge(
      null,
      preview,
      enrolled.challengeIds.map((id, i) => ({ id, name: preview.challengeNames[i] ?? null }))
    )
  }
  return { preview, competitionId: idOf(choice, preview), enrolment: 'enrolled' }
}

/** The course board's verdict for this student, as the report and the outputs show it. */
export function courseStanding(
  joined: JoinedCourse,
  board: Leaderboard | null,
  agentId: number | null
): CourseOutcome {
  const { id, name, code } = joined.preview.course
  return standingOn({ id, name, code, enrolment: joined.enrolment }, board, agentId)
}

function idOf(choice: ChallengeChoice, preview: CoursePreview): number {
  if (choice.kind === 'id') return choice.id
  throw new InputError(
    'competition-id',
    `is empty, and ML Arena named the one challenge of course ${courseLabel(preview.course)} (${JSON.stringify(oneLine(preview.challengeNames[0] ?? '', 80))}) without its id; give the competition id.`
  )
}

async function listedChallenges(
  arena: CourseApi,
  courseId: number
): Promise<{ id: number; name: string | null }[]> {
  const rows: CourseListing[] = await arena.listCourses({ showAll: true }).catch(() => [])
  return rows.find(row => row.id === courseId)?.challenges ?? []
}

function requireStudentFields(inputs: CourseInputs, course: string): void {
  const missing = [
    inputs.studentEmail === null ? 'student-email' : null,
    inputs.studentNumber === null ? 'student-number' : null
  ].filter((name): name is string => name !== null)
  const first = missing[0]
  if (first === undefined) return
  throw new InputError(
    first,
    `is empty, and ML Arena needs your student e-mail and number to enrol you in course ${course}, which your profile does not both have; pass ${missing.join(' and ')} from secrets or variables (a value the profile has already is kept, never overwritten).`
  )
}

function courseLabel(course: { name: string; code: string | null }): string {
  const name = JSON.stringify(oneLine(course.name, 80))
  return course.code ? `${name} (${oneLine(course.code, 40)})` : name
}

function listChallenges(known: { id: number; name: string | null }[]): string {
  return known
    .map(entry =>
      entry.name === null
        ? String(entry.id)
        : `${entry.id} (${JSON.stringify(oneLine(entry.name, 60))})`
    )
    .join(', ')
}

function joinCodeError(error: unknown): unknown {
  if (error instanceof ArenaError && error.status === 410) {
    const said = error.serverMessage ? ` ("${error.serverMessage}")` : ''
    return new InputError(
      'course-join-code',
      `the course has ended${said}: ML Arena no longer enrols or ranks in it; ask the teacher for this term's join code.`
    )
  }
  if (error instanceof ArenaError && error.kind === 'not-found') {
    return new InputError(
      'course-join-code',
      `no course has this join code on ML Arena (${error.status} on the course preview); check it with the teacher, or copy it from the enrolment link they shared.`
    )
  }
  return error
}

function enrolmentError(error: unknown, course: string): unknown {
  if (!(error instanceof ArenaError)) return error
  if (error.status === 410 || error.kind === 'not-found') return joinCodeError(error)
  const said = error.serverMessage ? `: "${error.serverMessage}"` : ''
  if (error.kind === 'validation' || error.status === 400) {
    return new InputError(
      'student-email',
      `ML Arena refused the enrolment in course ${course} (${error.status} on ${error.route}${said}); check student-email and student-number.`
    )
  }
  return error
}
