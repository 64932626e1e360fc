/**
 * The classroom-result output against GitHub Classroom's grading reporter
 * (github-education-resources/autograding-grading-reporter), read as its source reads it:
 * `parseRunnerResults` base64-decodes `<RUNNER>_RESULTS` and JSON-parses it; the job fails when
 * `results.status` is `fail` or `error`; the console and the summary table count tests whose
 * `status` is `pass` and scale by `max_score`; NotifyClassroom sums `max_score` and each test's
 * `score` for the points it sends; a test's `line_no` other than 0 is printed.
 */
import { describe, expect, it } from '@jest/globals'
import type { RunOutcome } from '../../src/evaluation/outcome.js'
import { classroomResult, encodeClassroomResult } from '../../src/evaluation/report/classroom.js'
import { baseOutcome, row, successOutcome } from '../support/outcomes.js'

/** The reporter's reading of one runner's results, step by step as in its source. */
function asTheReporterReadsIt(encoded: string) {
  const json = Buffer.from(encoded, 'base64').toString('utf-8')
  const results = JSON.parse(json) as {
    status: string
    max_score: number
    tests: { name: string; status: string; score: number; line_no: number; message: string }[]
  }
  const passed = results.tests.filter(test => test.status === 'pass').length
  const testScore = (passed / results.tests.length) * (results.max_score || 1)
  let totalScore = 0
  if (results.max_score) for (const test of results.tests) totalScore += test.score
  return {
    results,
    failsTheJob: results.status === 'fail' || results.status === 'error',
    testScore,
    totalScore,
    maxScore: results.max_score
  }
}

function courseOutcome(passed: boolean | null, overrides: Partial<RunOutcome> = {}): RunOutcome {
  return {
    ...successOutcome(),
    course: {
      id: 1,
      name: 'CS-101 Reinforcement Learning',
      code: 'CS101',
      enrolment: 'already',
      passThreshold: passed === null ? null : 150,
      passed,
      row: row(2, { agentId: 1234, score: passed ? 210.5 : 95.25 }),
      classSize: 4,
      order: 'desc',
      precision: 2
    },
    ...overrides
  }
}

describe('classroom-result', () => {
  it('is base64 of the JSON the runners write: version 1, status, max_score, one test', () => {
    const encoded = encodeClassroomResult(classroomResult(courseOutcome(true), 40))
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/)
    const { results } = asTheReporterReadsIt(encoded)
    expect(Object.keys(results).sort()).toEqual(['max_score', 'status', 'tests', 'version'])
    expect(results.tests).toHaveLength(1)
    const [test] = results.tests
    expect(Object.keys(test ?? {}).sort()).toEqual(
      [
        'execution_time',
        'filename',
        'line_no',
        'message',
        'name',
        'score',
        'status',
        'test_code'
      ].sort()
    )
    expect(test?.line_no).toBe(0)
    expect(test?.name).toBe('ML Arena: CS-101 Reinforcement Learning')
  })

  it('passes with all the points when the course board says the student passes', () => {
    const read = asTheReporterReadsIt(
      encodeClassroomResult(classroomResult(courseOutcome(true), 40))
    )
    expect(read.failsTheJob).toBe(false)
    expect(read.results.status).toBe('pass')
    expect(read.testScore).toBe(40)
    expect(read.totalScore).toBe(40)
    expect(read.maxScore).toBe(40)
    expect(read.results.tests[0]?.message).toBe(
      'Passed: score 210.5, rank 2 of 4 in the class; pass threshold 150 (higher is better).'
    )
  })

  it('fails with no points when the student does not pass yet', () => {
    const read = asTheReporterReadsIt(
      encodeClassroomResult(classroomResult(courseOutcome(false), 40))
    )
    expect(read.failsTheJob).toBe(true)
    expect(read.results.status).toBe('fail')
    expect(read.testScore).toBe(0)
    expect(read.totalScore).toBe(0)
    expect(read.maxScore).toBe(40)
    expect(read.results.tests[0]?.message).toContain('Not passed yet: score 95.25')
  })

  it('passes an active agent when the course sets no threshold, or when there is no course', () => {
    expect(classroomResult(courseOutcome(null), 10).status).toBe('pass')
    expect(classroomResult(successOutcome(), 10)).toMatchObject({
      status: 'pass',
      tests: [{ score: 10, name: 'ML Arena: Lunar Lander 2026' }]
    })
  })

  it('fails an agent that was not evaluated, and errors a run that failed', () => {
    const timeout = classroomResult(courseOutcome(null, { kind: 'timeout' }), 10)
    expect(timeout).toMatchObject({ status: 'fail', tests: [{ score: 0 }] })
    const failed = classroomResult(
      baseOutcome({
        kind: 'error',
        failure: {
          phase: 'course',
          message: "Input 'course-join-code': no course has this join code"
        }
      }),
      10
    )
    expect(failed).toMatchObject({
      status: 'error',
      tests: [
        {
          status: 'error',
          score: 0,
          message: "Input 'course-join-code': no course has this join code"
        }
      ]
    })
  })

  it('keeps max_score 0 when the teacher gives no points (the reporter then sends none)', () => {
    const read = asTheReporterReadsIt(
      encodeClassroomResult(classroomResult(courseOutcome(true), 0))
    )
    expect(read.maxScore).toBe(0)
    expect(read.totalScore).toBe(0)
    expect(read.failsTheJob).toBe(false)
  })

  it('carries untrusted text as plain JSON strings on one line', () => {
    const outcome = courseOutcome(true)
    if (outcome.course) outcome.course.name = 'Evil\n::error::course "x"'
    const { results } = asTheReporterReadsIt(encodeClassroomResult(classroomResult(outcome, 1)))
    expect(results.tests[0]?.name).toBe('ML Arena: Evil ::error::course "x"')
  })
})
