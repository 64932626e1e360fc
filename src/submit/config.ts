/**
 * Reads and validates every input of the action once, before anything touches ML Arena.
 * Each rule throws an InputError whose one-line message names the input, says what is wrong and
 * what would be valid. Secret inputs (api-key, github-token) are never echoed.
 *
 * readConfig is pure except for one synchronous stat: `working-directory` must exist and be a
 * directory, and checking it here keeps every input error in one place.
 */
import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../errors.js'
import { hasControlCharacters, quoteValue, replaceControlCharacters } from '../format.js'
import {
  parseBaseUrl,
  parseBoolean,
  parseChoice,
  parsePollInterval,
  parsePositiveInteger,
  parseTimeoutMinutes,
  WAIT_LIMITS
} from '../inputs.js'
import { parseCourseInputs, parseMaxScore, type CourseInputs } from './course-inputs.js'

export type FailOn = 'deploy-failed' | 'upload-failed' | 'timeout' | 'rank-drop' | 'not-passed'
export const FAIL_ON_VALUES: readonly FailOn[] = [
  'deploy-failed',
  'upload-failed',
  'timeout',
  'rank-drop',
  'not-passed'
]

export type RuntimeSpec =
  | { kind: 'id'; id: number }
  | { kind: 'match'; language: string; framework: string | null; frameworkVersion: string | null }

export interface Config {
  /** Empty input → null (fork/Dependabot PRs: the pipeline skips). */
  apiKey: string | null
  /** Normalised origin: no path, no trailing slash. */
  baseUrl: string
  apiWire: 'auto' | 'current' | 'legacy'
  /** null only with a course: the course's one challenge is used. */
  competitionId: number | null
  /** The course to enrol in and be ranked by; null: no course. */
  course: CourseInputs | null
  /** GitHub Classroom points for the classroom-result output. */
  maxScore: number
  /** Glob lines, trimmed, blanks and #comments dropped; '!' kept. */
  files: string[]
  /** Absolute (resolved against GITHUB_WORKSPACE or cwd); exists and is a directory. */
  workingDirectory: string
  ifNoFilesFound: 'error' | 'warn' | 'ignore'
  /** null: the competition default (do not pin). */
  runtime: RuntimeSpec | null
  /** null: derive with defaultAgentName(). */
  agentName: string | null
  agentId: number | null
  /** new-agent: a new agent on every run instead of updating the one of that name. */
  newAgent: boolean
  wait: boolean
  timeoutMinutes: number
  pollIntervalSeconds: number
  logs: number
  /** How many of the latest games' replays to save under `<logs-dir>/replays/` (0: none). */
  replays: number
  /** Absolute; null: a folder under RUNNER_TEMP (the pipeline decides). */
  logsDir: string | null
  summary: boolean
  comment: 'auto' | 'on' | 'off'
  commentKey: string | null
  githubToken: string
  failOn: ReadonlySet<FailOn>
  dryRun: boolean
}

/** Bounds of the numeric and text inputs; the error messages quote them. */
export const INPUT_LIMITS = {
  ...WAIT_LIMITS,
  maxLogs: 100,
  maxReplays: 50,
  maxAgentNameLength: 100,
  maxCommentKeyLength: 200,
  maxRuntimeSpecLength: 100
} as const

/**
 * The defaults of action.yml, applied when an input reads as empty (GitHub fills them in, but
 * local runs and tests that set INPUT_* variables do not). `fail-on` is the exception: an empty
 * value there means "fail on no outcome".
 */
export const INPUT_DEFAULTS = {
  'base-url': 'https://ml-arena.com',
  'api-wire': 'auto',
  'working-directory': '.',
  'if-no-files-found': 'error',
  wait: 'true',
  'timeout-minutes': '30',
  'poll-interval-seconds': '10',
  logs: '3',
  replays: '0',
  summary: 'true',
  comment: 'auto',
  'dry-run': 'false',
  'new-agent': 'false',
  'max-score': '100'
} as const

const TOKEN_SCOPES = ['user', 'creator', 'teacher'] as const
const WHOLE_NUMBER = /^\d+$/
// Letters, digits and .+-_; a part starts with a letter or digit, and the language with a letter.
const RUNTIME_PART = '[A-Za-z0-9][A-Za-z0-9.+_-]*'
const RUNTIME_SPEC = new RegExp(
  `^([A-Za-z][A-Za-z0-9.+_-]*)(?:/(${RUNTIME_PART})(?:@(${RUNTIME_PART}))?)?$`
)
const RUNTIME_EXAMPLES = 'python, python/gymnasium, python/torch@2.3, or a runtime id such as 42'

/** Reads every input once. `getInput` returns the raw input string ('' when unset). */
export function readConfig(getInput: (name: string) => string, env: NodeJS.ProcessEnv): Config {
  const read = (name: string): string => getInput(name).trim()
  const orDefault = (name: keyof typeof INPUT_DEFAULTS): string =>
    read(name) || INPUT_DEFAULTS[name]
  const root = env['GITHUB_WORKSPACE']?.trim() || process.cwd()

  const apiKey = parseApiKey(read('api-key'))
  const baseUrl = parseBaseUrl(orDefault('base-url'))
  const apiWire = parseChoice('api-wire', orDefault('api-wire'), ['auto', 'current', 'legacy'])
  const course = parseCourseInputs(read)
  const competitionId =
    course && read('competition-id') === ''
      ? null
      : parseRequiredId('competition-id', read('competition-id'))
  const agentId = parseOptionalId('agent-id', read('agent-id'))
  const files = parseFileLines(getInput('files'))
  if (files.length === 0 && agentId === null) {
    throw new InputError(
      'files',
      'is required unless agent-id names an agent to redeploy as it is; give newline-separated globs relative to working-directory, e.g. agent/**.'
    )
  }
  const workingDirectory = resolveWorkingDirectory(orDefault('working-directory'), root)
  const ifNoFilesFound = parseChoice('if-no-files-found', orDefault('if-no-files-found'), [
    'error',
    'warn',
    'ignore'
  ])
  const runtime = parseRuntimeSpec(read('runtime'))
  const agentName = parseAgentName(read('agent-name'))
  const newAgent = parseBoolean('new-agent', orDefault('new-agent'))
  if (newAgent && agentId !== null) {
    throw new InputError(
      'new-agent',
      'is true, but agent-id names an agent to update; give one of them, not both.'
    )
  }
  const wait = parseBoolean('wait', orDefault('wait'))
  const timeoutMinutes = parseTimeoutMinutes(orDefault('timeout-minutes'))
  const pollIntervalSeconds = parsePollInterval(orDefault('poll-interval-seconds'), timeoutMinutes)
  const logs = parseLogCount(orDefault('logs'))
  const replays = parseReplayCount(orDefault('replays'))
  const logsDirInput = read('logs-dir')
  const logsDir = logsDirInput === '' ? null : path.resolve(root, logsDirInput)
  const summary = parseBoolean('summary', orDefault('summary'))
  const comment = parseChoice('comment', orDefault('comment'), ['auto', 'on', 'off'])
  const commentKey = parseCommentKey(read('comment-key'))
  const githubToken = read('github-token')
  const failOn = parseFailOn(getInput('fail-on'))
  const dryRun = parseBoolean('dry-run', orDefault('dry-run'))
  const maxScore = parseMaxScore(orDefault('max-score'))
  if (failOn.has('not-passed') && course === null) {
    throw new InputError(
      'fail-on',
      'lists not-passed, but course-join-code is empty: only a course has a pass threshold; give the join code, or drop not-passed.'
    )
  }

  return {
    apiKey,
    baseUrl,
    apiWire,
    competitionId,
    course,
    maxScore,
    files,
    workingDirectory,
    ifNoFilesFound,
    runtime,
    agentName,
    agentId,
    newAgent,
    wait,
    timeoutMinutes,
    pollIntervalSeconds,
    logs,
    replays,
    logsDir,
    summary,
    comment,
    commentKey,
    githubToken,
    failOn,
    dryRun
  }
}

/**
 * `language[/framework[@version]]` or a positive integer runtime id; '' → null (the competition
 * default). Parts are letters, digits and `.+-_`.
 */
export function parseRuntimeSpec(raw: string): RuntimeSpec | null {
  const value = raw.trim()
  if (value === '') return null
  if (/^[+-]?\d+(?:\.\d*)?$/.test(value)) {
    const id = WHOLE_NUMBER.test(value) ? Number(value) : 0
    if (!Number.isSafeInteger(id) || id < 1) {
      throw new InputError(
        'runtime',
        `${quoteValue(value)} is not a valid runtime id (a positive integer); use e.g. ${RUNTIME_EXAMPLES}.`
      )
    }
    return { kind: 'id', id }
  }
  const match = value.length <= INPUT_LIMITS.maxRuntimeSpecLength ? RUNTIME_SPEC.exec(value) : null
  if (match === null && new RegExp(`^${RUNTIME_PART}@${RUNTIME_PART}$`).test(value)) {
    throw new InputError(
      'runtime',
      `${quoteValue(value)} gives a version without a framework; the version belongs to the framework: language/framework@version, e.g. python/torch@2.3.`
    )
  }
  if (match === null) {
    throw new InputError(
      'runtime',
      `${quoteValue(value)} is not a runtime spec: use language[/framework[@version]] (letters, digits and .+-_), e.g. ${RUNTIME_EXAMPLES}.`
    )
  }
  return {
    kind: 'match',
    language: match[1] ?? '',
    framework: match[2] ?? null,
    frameworkVersion: match[3] ?? null
  }
}

const MAX_NAME = INPUT_LIMITS.maxAgentNameLength

/**
 * The agent's name when `agent-name` is empty. Pull requests: `<repo name>-pr<N>` (one agent per
 * PR; only `[A-Za-z0-9._-]`). Every other run: `<owner>/<repo>@<branch>` (one agent per branch,
 * which later runs on that branch update), the short SHA when there is no ref name. At most 100
 * characters (the limit the emulator enforces; no SDK names one): a longer name keeps its start
 * and ends in a short hash of the whole, so two long branch names do not collide.
 */
export function defaultAgentName(ctx: {
  repository: string
  eventName: string
  prNumber: number | null
  sha: string
  refName: string | null
}): string {
  if (ctx.prNumber !== null && Number.isSafeInteger(ctx.prNumber) && ctx.prNumber > 0) {
    const repoName = sanitizeNamePart(ctx.repository.split('/').pop() ?? '') || 'agent'
    const suffix = `pr${ctx.prNumber}`
    return `${repoName.slice(0, MAX_NAME - suffix.length - 1)}-${suffix}`
  }
  const repository = ctx.repository.trim() || 'agent'
  const shortSha = ctx.sha.trim().slice(0, 7).toLowerCase()
  const ref =
    replaceControlCharacters(ctx.refName ?? '').trim() ||
    (/^[0-9a-f]{7}$/.test(shortSha) ? shortSha : '')
  const name = ref === '' ? repository : `${repository}@${ref}`
  if ([...name].length <= MAX_NAME) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${[...name].slice(0, MAX_NAME - hash.length - 1).join('')}~${hash}`
}

function sanitizeNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '')
}

function parseApiKey(raw: string): string | null {
  if (raw === '') return null
  const shape =
    'a token looks like mlk_user_<lookup>_<secret>; create one on ML Arena and pass it from a secret'
  if (/\s/.test(raw)) {
    throw new InputError('api-key', `contains whitespace; ${shape}.`)
  }
  if (!raw.startsWith('mlk_') && raw.includes(':')) {
    throw new InputError(
      'api-key',
      'is the retired key_id:key_pass form; create a token mlk_user_… on ML Arena and pass it from a secret.'
    )
  }
  const parts = splitToken(raw)
  const scope = parts[1] ?? ''
  if (
    parts.length !== 4 ||
    parts[0] !== 'mlk' ||
    parts.some(part => part === '') ||
    !(TOKEN_SCOPES as readonly string[]).includes(scope)
  ) {
    throw new InputError('api-key', `is not an ML Arena token; ${shape}.`)
  }
  if (scope === 'teacher') {
    throw new InputError(
      'api-key',
      "is a teacher token; submitting (and enrolling in a course) needs a user token (mlk_user_…), the student's own; a teacher's class report is the course action (mlarena/mlarena-action/course)."
    )
  }
  if (scope !== 'user') {
    throw new InputError(
      'api-key',
      `is a ${scope} token; submitting needs a user token (mlk_user_…): create one on ML Arena.`
    )
  }
  return raw
}

/** Splits on `_` at most 3 times: the secret may itself contain `_`. */
function splitToken(token: string): string[] {
  const parts: string[] = []
  let rest = token
  while (parts.length < 3) {
    const at = rest.indexOf('_')
    if (at < 0) break
    parts.push(rest.slice(0, at))
    rest = rest.slice(at + 1)
  }
  parts.push(rest)
  return parts
}

function parseRequiredId(input: string, raw: string): number {
  if (raw === '') {
    throw new InputError(
      input,
      'is required (unless course-join-code names a course with one challenge): the id of the competition, a positive integer (the number in its ML Arena address), e.g. 42.'
    )
  }
  const id = parsePositiveInteger(raw)
  if (id === null) {
    throw new InputError(input, `${quoteValue(raw)} is not a positive integer id; use e.g. 42.`)
  }
  return id
}

function parseOptionalId(input: string, raw: string): number | null {
  if (raw === '') return null
  const id = parsePositiveInteger(raw)
  if (id === null) {
    throw new InputError(
      input,
      `${quoteValue(raw)} is not a positive integer id; use e.g. 1234, or leave it empty to create a new agent.`
    )
  }
  return id
}

function parseFileLines(raw: string): string[] {
  return raw
    .split(/\r\n|\r|\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
}

function resolveWorkingDirectory(value: string, root: string): string {
  const resolved = path.resolve(root, value)
  const shown = `${quoteValue(value)} (${quoteValue(resolved, 200)})`
  let isDirectory: boolean
  try {
    isDirectory = statSync(resolved).isDirectory()
  } catch {
    throw new InputError(
      'working-directory',
      `${shown} does not exist; give a folder relative to the workspace, e.g. agent, or . for the repository root.`
    )
  }
  if (!isDirectory) {
    throw new InputError(
      'working-directory',
      `${shown} is not a directory; give the folder that holds the agent files, e.g. agent.`
    )
  }
  return resolved
}

function parseAgentName(raw: string): string | null {
  if (raw === '') return null
  if ([...raw].length > MAX_NAME) {
    throw new InputError(
      'agent-name',
      `${quoteValue(raw)} is longer than ${MAX_NAME} characters; use a shorter name, or leave it empty to derive one.`
    )
  }
  if (hasControlCharacters(raw)) {
    throw new InputError(
      'agent-name',
      `${quoteValue(raw)} contains control characters; use one line of printable text, e.g. my-agent.`
    )
  }
  return raw
}

function parseLogCount(raw: string): number {
  const max = INPUT_LIMITS.maxLogs
  const value = WHOLE_NUMBER.test(raw) ? Number(raw) : null
  if (value === null || value > max) {
    throw new InputError(
      'logs',
      `${quoteValue(raw)} is not a whole number of games from 0 to ${max}; use e.g. 3, or 0 for none.`
    )
  }
  return value
}

function parseReplayCount(raw: string): number {
  const max = INPUT_LIMITS.maxReplays
  const value = WHOLE_NUMBER.test(raw) ? Number(raw) : null
  if (value === null || value > max) {
    throw new InputError(
      'replays',
      `${quoteValue(raw)} is not a whole number of games from 0 to ${max}; use e.g. 1, or 0 for none.`
    )
  }
  return value
}

function parseCommentKey(raw: string): string | null {
  if (raw === '') return null
  const max = INPUT_LIMITS.maxCommentKeyLength
  if ([...raw].length > max) {
    throw new InputError(
      'comment-key',
      `${quoteValue(raw)} is longer than ${max} characters; use a short key such as the matrix values, e.g. gpu-small.`
    )
  }
  if (hasControlCharacters(raw)) {
    throw new InputError(
      'comment-key',
      `${quoteValue(raw)} contains control characters; use one line of text, e.g. gpu-small.`
    )
  }
  return raw
}

function parseFailOn(raw: string): ReadonlySet<FailOn> {
  const words = raw
    .split(/[,\r\n]/)
    .map(word => word.trim().toLowerCase())
    .filter(word => word !== '')
  const result = new Set<FailOn>()
  for (const word of words) {
    const known = FAIL_ON_VALUES.find(value => value === word)
    if (known === undefined) {
      throw new InputError(
        'fail-on',
        `${quoteValue(word)} is not an outcome to fail on; use a comma-separated list of ${FAIL_ON_VALUES.join(', ')}, or leave it empty to fail on none.`
      )
    }
    result.add(known)
  }
  return result
}
