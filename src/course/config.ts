/**
 * The inputs of the teacher action (course/action.yml), read and checked once before anything
 * touches ML Arena. Pure but for the path of the report, which is resolved against the
 * workspace or the runner's temp folder. The URL, choice and boolean rules are the participant
 * action's, so both actions accept the same values.
 */
import { statSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../errors.js'
import { hasControlCharacters, quoteValue } from '../format.js'
import { parseToken, TokenError } from '../arena/token.js'
import { parseBaseUrl, parseBoolean, parseChoice, parsePositiveInteger } from '../inputs.js'

export interface CourseConfig {
  apiKey: string
  baseUrl: string
  apiWire: 'auto' | 'current' | 'legacy'
  /** null: the course is found by `name`. */
  courseId: number | null
  /** The course's name: how it is found again (and created, with `create`). */
  name: string | null
  /** null: the course's one challenge. */
  challengeId: number | null
  create: boolean
  code: string | null
  startDate: string | null
  endDate: string | null
  /** Absolute path of the CSV file. */
  reportPath: string
  summary: boolean
}

export const COURSE_INPUT_DEFAULTS = {
  'base-url': 'https://ml-arena.com',
  'api-wire': 'auto',
  create: 'false',
  summary: 'true'
} as const

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MAX_NAME = 200
const MAX_CODE = 50

export function readCourseConfig(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv
): CourseConfig {
  const read = (name: string): string => getInput(name).trim()
  const orDefault = (name: keyof typeof COURSE_INPUT_DEFAULTS): string =>
    read(name) || COURSE_INPUT_DEFAULTS[name]

  const apiKey = parseTeacherToken(read('api-key'))
  const baseUrl = parseBaseUrl(orDefault('base-url'))
  const apiWire = parseChoice('api-wire', orDefault('api-wire'), ['auto', 'current', 'legacy'])
  const courseId = optionalId('course-id', read('course-id'))
  const name = text('name', read('name'), MAX_NAME)
  const challengeId = optionalId('challenge-id', read('challenge-id'))
  const create = parseBoolean('create', orDefault('create'))
  const code = text('code', read('code'), MAX_CODE)
  const startDate = date('start-date', read('start-date'))
  const endDate = date('end-date', read('end-date'))
  if (startDate !== null && endDate !== null && endDate < startDate) {
    throw new InputError(
      'end-date',
      `${endDate} is before start-date ${startDate}; give a later date.`
    )
  }
  if (create && name === null) {
    throw new InputError(
      'name',
      'is required with create: true: the course is created under this name once, and found again by it on later runs.'
    )
  }
  if (create && courseId !== null) {
    throw new InputError(
      'course-id',
      'names an existing course, and create: true would make one; give one of them: course-id, or create with name.'
    )
  }
  if (courseId === null && name === null) {
    throw new InputError(
      'course-id',
      'is empty, and so is name: give the course id (the number in its ML Arena address), or its name.'
    )
  }
  const reportPath = resolveReportPath(read('report-path'), courseId, env)
  const summary = parseBoolean('summary', orDefault('summary'))
  return {
    apiKey,
    baseUrl,
    apiWire,
    courseId,
    name,
    challengeId,
    create,
    code,
    startDate,
    endDate,
    reportPath,
    summary
  }
}

export type CourseMode = 'report' | 'plan' | 'apply' | 'export'

const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])

/**
 * The mode: `mode` when given; else the class report when `directory` is empty, a plan on pull
 * requests, and apply on any other event (the challenge action's rule).
 */
export function readCourseMode(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv
): CourseMode {
  const raw = getInput('mode').trim()
  if (raw !== '') return parseChoice('mode', raw, ['plan', 'apply', 'export', 'report'])
  if (getInput('directory').trim() === '') return 'report'
  return PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '') ? 'plan' : 'apply'
}

/** The inputs of course as code (modes plan, apply and export). */
export interface AuthoringConfig {
  mode: 'plan' | 'apply' | 'export'
  /** '' only in plan mode, where a fork or Dependabot pull request gets no secret (skipped). */
  apiKey: string
  baseUrl: string
  apiWire: 'auto' | 'current' | 'legacy'
  /** Absolute: the folder of course.yaml (export: where it is written). */
  directory: string
  workspace: string
  prune: boolean
  /** export: the course, by id or by name. */
  courseId: number | null
  name: string | null
  githubToken: string
  comment: 'auto' | 'on' | 'off'
  summary: boolean
}

export function readAuthoringConfig(
  mode: AuthoringConfig['mode'],
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv
): AuthoringConfig {
  const read = (name: string): string => getInput(name).trim()
  const workspace = env.GITHUB_WORKSPACE?.trim() || process.cwd()
  const rawKey = read('api-key')
  const apiKey = rawKey === '' && mode === 'plan' ? '' : parseTeacherToken(rawKey, 'course')
  const baseUrl = parseBaseUrl(read('base-url') || COURSE_INPUT_DEFAULTS['base-url'])
  const apiWire = parseChoice('api-wire', read('api-wire') || 'auto', ['auto', 'current', 'legacy'])
  const rawDirectory = read('directory')
  if (rawDirectory === '') {
    throw new InputError(
      'directory',
      `is empty, and mode ${mode} needs the folder ${mode === 'export' ? 'to write course.yaml into' : 'that holds course.yaml'}, relative to the workspace, e.g. course.`
    )
  }
  const directory = path.resolve(workspace, rawDirectory)
  if (mode !== 'export' && !isDirectory(directory)) {
    throw new InputError(
      'directory',
      `${quoteValue(rawDirectory)} (${quoteValue(directory, 200)}) is not a folder; give the folder that holds course.yaml, relative to the workspace, e.g. course.`
    )
  }
  const prune = parseBoolean('prune', read('prune') || 'false')
  const courseId = optionalId('course-id', read('course-id'))
  const name = text('name', read('name'), MAX_NAME)
  if (mode === 'export' && courseId === null && name === null) {
    throw new InputError(
      'course-id',
      'is empty, and so is name: mode export needs the course to export, by id or by name.'
    )
  }
  if (mode !== 'export' && (courseId !== null || name !== null)) {
    throw new InputError(
      courseId !== null ? 'course-id' : 'name',
      `is not read in mode ${mode}: the course is the one course.yaml describes (course: name, or course_id once the first apply gives it).`
    )
  }
  if (prune && mode === 'export')
    throw new InputError(
      'prune',
      'is for mode apply (and plan, to preview it); export removes nothing.'
    )
  if (parseBoolean('create', read('create') || 'false')) {
    throw new InputError(
      'create',
      `is for the class report; in mode ${mode} the course is created from course.yaml by apply.`
    )
  }
  return {
    mode,
    apiKey,
    baseUrl,
    apiWire,
    directory,
    workspace,
    prune,
    courseId,
    name,
    githubToken: read('github-token'),
    comment: parseChoice('comment', read('comment') || 'auto', ['auto', 'on', 'off']),
    summary: parseBoolean('summary', read('summary') || 'true')
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The teacher's token; a user or creator token is an input error. */
function parseTeacherToken(raw: string, purpose: 'report' | 'course' = 'report'): string {
  if (raw === '') {
    throw new InputError(
      'api-key',
      "is empty; pass the teacher's ML Arena token from a secret, e.g. api-key: ${{ secrets.MLARENA_TEACHER_KEY }} (a teacher token, mlk_teacher_…)."
    )
  }
  let scope: string
  try {
    scope = parseToken(raw).scope
  } catch (error) {
    if (error instanceof TokenError) throw new InputError('api-key', error.message)
    throw error
  }
  if (scope !== 'teacher') {
    throw new InputError(
      'api-key',
      purpose === 'report'
        ? `is a ${scope} token; the class report reads the roster, which needs the teacher's token (mlk_teacher_…; mint one on your ML Arena profile). Students submit with their user token in the participant action.`
        : `is a ${scope} token; authoring a course needs the teacher's token (mlk_teacher_…; mint one on your ML Arena profile) from a secret.`
    )
  }
  return raw
}

function optionalId(input: string, raw: string): number | null {
  if (raw === '') return null
  const id = parsePositiveInteger(raw)
  if (id === null) {
    throw new InputError(input, `${quoteValue(raw)} is not a positive integer id; use e.g. 12.`)
  }
  return id
}

function text(input: string, raw: string, max: number): string | null {
  if (raw === '') return null
  if ([...raw].length > max || hasControlCharacters(raw)) {
    throw new InputError(input, `must be one line of at most ${max} characters.`)
  }
  return raw
}

function date(input: string, raw: string): string | null {
  if (raw === '') return null
  const match = DATE.exec(raw)
  const parsed = match ? new Date(`${raw}T00:00:00Z`) : null
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== raw) {
    throw new InputError(
      input,
      `${quoteValue(raw)} is not a date; use YYYY-MM-DD, e.g. 2026-09-01.`
    )
  }
  return raw
}

/** Empty: a file in the runner's temp folder; relative: against the workspace. */
function resolveReportPath(raw: string, courseId: number | null, env: NodeJS.ProcessEnv): string {
  if (raw !== '') return path.resolve(env.GITHUB_WORKSPACE?.trim() || process.cwd(), raw)
  const dir = env.RUNNER_TEMP?.trim() || env.GITHUB_WORKSPACE?.trim() || process.cwd()
  return path.join(dir, `mlarena-class-report${courseId === null ? '' : `-${courseId}`}.csv`)
}
