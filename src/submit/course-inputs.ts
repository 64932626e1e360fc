/**
 * The course inputs of the participant action: the join code (or the `/enroll/<code>` link a
 * teacher shares), the student fields the server needs to enrol, and GitHub Classroom's
 * `max-score`. Pure; each rule throws an InputError naming the input.
 */
import { InputError } from '../errors.js'
import { hasControlCharacters, quoteValue } from '../format.js'

export interface CourseInputs {
  joinCode: string
  /** '' → null: the server may have it on the student's profile already. */
  studentEmail: string | null
  studentNumber: string | null
}

const JOIN_CODE = /^[A-Za-z0-9_-]{1,128}$/
/** `/enroll/<code>` at the end of a link's path (a trailing slash allowed). */
const ENROL_PATH = /\/enroll\/([^/?#]+)\/?$/
const MAX_EMAIL = 254
const MAX_STUDENT_NUMBER = 64
/** One @, something on each side, a dot in the domain, no spaces: what every server accepts. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/

/**
 * The join code from `course-join-code`: the code itself, or a link whose path ends in
 * `/enroll/<code>` (the form teachers share), reduced to the code. '' → null.
 */
export function parseJoinCode(raw: string): string | null {
  const value = raw.trim()
  if (value === '') return null
  const hint =
    'give the course join code (e.g. CS101-ab12cd) or its enrolment link (https://ml-arena.com/enroll/<code>)'
  let code = value
  if (value.includes('/')) {
    let path = value
    try {
      path = new URL(value).pathname
    } catch {
      // a relative link such as /enroll/<code>: its path is the value itself
    }
    const match = ENROL_PATH.exec(path)
    if (!match) {
      throw new InputError(
        'course-join-code',
        `${quoteValue(value, 80)} is not a join code, and as a link it does not end in /enroll/<code>; ${hint}.`
      )
    }
    try {
      code = decodeURIComponent(match[1] as string)
    } catch {
      code = match[1] as string
    }
  }
  if (!JOIN_CODE.test(code)) {
    throw new InputError(
      'course-join-code',
      `${quoteValue(code, 80)} is not a join code (letters, digits, - and _, at most 128); ${hint}.`
    )
  }
  return code
}

/** '' → null; otherwise one address, checked for its shape only. */
export function parseStudentEmail(raw: string): string | null {
  const value = raw.trim()
  if (value === '') return null
  if (value.length > MAX_EMAIL || !EMAIL.test(value)) {
    throw new InputError(
      'student-email',
      `is not an e-mail address (one address such as student@university.edu, at most ${MAX_EMAIL} characters).`
    )
  }
  return value
}

/** '' → null; one line of printable text (schools use letters, digits and separators). */
export function parseStudentNumber(raw: string): string | null {
  const value = raw.trim()
  if (value === '') return null
  if ([...value].length > MAX_STUDENT_NUMBER || hasControlCharacters(value)) {
    throw new InputError(
      'student-number',
      `is not a student number: give one line of at most ${MAX_STUDENT_NUMBER} characters, e.g. 20261234.`
    )
  }
  return value
}

/** The course inputs, or null when no join code is given (the student fields then must be empty too). */
export function parseCourseInputs(read: (name: string) => string): CourseInputs | null {
  const joinCode = parseJoinCode(read('course-join-code'))
  const studentEmail = parseStudentEmail(read('student-email'))
  const studentNumber = parseStudentNumber(read('student-number'))
  if (joinCode === null) {
    const given =
      studentEmail !== null ? 'student-email' : studentNumber !== null ? 'student-number' : null
    if (given) {
      throw new InputError(
        given,
        'is only used to enrol in a course, and course-join-code is empty; give the course join code too, or leave it empty.'
      )
    }
    return null
  }
  return { joinCode, studentEmail, studentNumber }
}

/** GitHub Classroom's points for this step: a whole number from 0 to 1000. */
export function parseMaxScore(raw: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(value) || value > 1000) {
    throw new InputError(
      'max-score',
      `${quoteValue(raw)} is not a whole number of points from 0 to 1000; use e.g. 100 (what the Classroom grading reporter adds up).`
    )
  }
  return value
}
