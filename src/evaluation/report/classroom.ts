/**
 * The `classroom-result` output: this run as one test of a GitHub Classroom assignment, in the
 * format the Classroom grading reporter (github-education-resources/autograding-grading-reporter)
 * reads from `<RUNNER>_RESULTS`: base64 of JSON `{version: 1, status, max_score, tests: [...]}`,
 * as its runners (autograding-io-grader, -command-grader) write it. The reporter fails the job
 * on status `fail` or `error`, counts tests whose status is `pass`, and adds up `max_score` and
 * each test's `score` for the points it sends to Classroom. Pure.
 */
import { oneLine } from '../../format.js'
import type { RunOutcome } from '../outcome.js'

export interface ClassroomTest {
  name: string
  status: 'pass' | 'fail' | 'error'
  message: string
  test_code: string
  filename: string
  line_no: number
  execution_time: string
  score: number
}

export interface ClassroomResult {
  version: 1
  status: 'pass' | 'fail' | 'error'
  max_score: number
  tests: ClassroomTest[]
}

/**
 * Pass: with a course, the course board says the student passes; without one, the agent is
 * active. Fail: evaluated but not passing (or not evaluated: failed deploy, timeout). Error: the
 * run itself failed (bad input, refused request) or was cancelled. Points: all or nothing, as
 * the other runners give them.
 */
export function classroomResult(outcome: RunOutcome, maxScore: number): ClassroomResult {
  const status = verdict(outcome)
  const ms = outcome.timings.reduce((sum, t) => sum + t.ms, 0)
  const where =
    outcome.competition?.name ??
    (outcome.competitionId !== null ? `competition ${outcome.competitionId}` : 'ML Arena')
  const test: ClassroomTest = {
    name: oneLine(outcome.course ? `ML Arena: ${outcome.course.name}` : `ML Arena: ${where}`, 120),
    status,
    message: oneLine(message(outcome, status), 1000),
    test_code: oneLine(`mlarena-action: agent ${outcome.agentId ?? '(none)'} in ${where}`, 200),
    filename: '',
    line_no: 0,
    execution_time: `${(ms / 1000).toFixed(1)}s`,
    score: status === 'pass' ? maxScore : 0
  }
  return { version: 1, status, max_score: maxScore, tests: [test] }
}

/** The output's value: base64 of the JSON, as the reporter decodes it. */
export function encodeClassroomResult(result: ClassroomResult): string {
  return Buffer.from(JSON.stringify(result), 'utf8').toString('base64')
}

function verdict(outcome: RunOutcome): ClassroomResult['status'] {
  if (outcome.kind === 'error' || outcome.kind === 'cancelled') return 'error'
  if (outcome.kind !== 'success') return 'fail'
  if (outcome.course) return outcome.course.passed === false ? 'fail' : 'pass'
  return 'pass'
}

function message(outcome: RunOutcome, status: ClassroomResult['status']): string {
  if (outcome.failure) return outcome.failure.message
  const course = outcome.course
  const row = course?.row ?? outcome.rank?.row ?? null
  const score = row?.score != null ? `score ${row.score}` : 'no score yet'
  const rank = row
    ? `, rank ${row.rank}${course?.classSize != null ? ` of ${course.classSize} in the class` : ''}`
    : ''
  // The class board ranks each student by their best agent, which may not be this run's.
  const whose =
    row && row.agentId !== null && outcome.agentId !== null && row.agentId !== outcome.agentId
      ? ` with your best agent (id ${row.agentId}), not this run's (id ${outcome.agentId})`
      : ''
  const bar =
    course?.passThreshold != null
      ? `; pass threshold ${course.passThreshold} (${course.order === 'asc' ? 'lower' : 'higher'} is better)`
      : ''
  if (outcome.kind !== 'success') return `The agent was not evaluated: ${outcome.kind}.`
  const head = status === 'pass' ? (course ? 'Passed' : 'Agent active') : 'Not passed yet'
  return `${head}: ${score}${rank}${whose}${bar}.`
}
