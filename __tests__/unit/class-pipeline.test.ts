/**
 * The teacher's class report pipeline on the 4.4 shapes: the roster (user ids), the progress
 * dashboard (names), the course board, and the platform's own CSV export for a one-challenge
 * course. The answers are the parsed fixtures of __tests__/arena/fixtures/sdk-4.4/.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseProgress, parseRoster, type CourseRoster } from '../../src/arena/courses.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { CourseConfig } from '../../src/course/config.js'
import { runClassReport, type TeacherApi } from '../../src/course/pipeline.js'
import type { Logger } from '../../src/logger.js'
import { board, row } from '../support/outcomes.js'

const ctx = { what: 'the test', route: 'GET /api/test' }
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../arena/fixtures/sdk-4.4/${name}`, import.meta.url), 'utf8'))

const COURSE = {
  id: 1,
  name: 'CS-101',
  code: null,
  slug: null,
  joinCode: 'J',
  isEnrolled: false,
  challenges: []
}

const config: CourseConfig = {
  apiKey: 'mlk_teacher_a_b',
  baseUrl: 'http://127.0.0.1:9',
  apiWire: 'auto',
  courseId: 1,
  name: null,
  challengeId: null,
  create: false,
  code: null,
  startDate: null,
  endDate: null,
  reportPath: '/tmp/report.csv',
  summary: true
}

function teacher(options: { roster?: CourseRoster; progressFails?: boolean } = {}) {
  const calls: string[] = []
  const api: TeacherApi = {
    wire: async () => 'current',
    listCourses: async () => [],
    taughtCourses: async () => [COURSE],
    createCourse: async () => {
      throw new Error('not used')
    },
    courseRoster: async () => options.roster ?? parseRoster(fixture('course-students.json'), ctx),
    leaderboard: async () =>
      board([row(1, { username: 'carol', score: 210.5, agentName: 'carol-lander' })], {
        course: { courseId: 1, passThreshold: 150 }
      }),
    courseProgress: async () => {
      calls.push('progress')
      if (options.progressFails) {
        throw new ArenaError('ML Arena refused the course progress dashboard (404)', {
          kind: 'not-found',
          route: 'GET /api/teacher/course/1/progress',
          status: 404
        })
      }
      return parseProgress(fixture('course-progress.json'), ctx)
    },
    exportCourseCsv: async (courseId, challengeId, opts) => {
      calls.push(`export ${courseId} ${challengeId} ${String(opts?.byParticipant)}`)
      return 'rank,username,score\n1,carol,210.5\n'
    }
  }
  return { api, calls }
}

function logger() {
  const warnings: string[] = []
  const log = {
    info: () => undefined,
    warning: (m: string) => void warnings.push(m),
    notice: () => undefined,
    group: async <T>(_t: string, fn: () => Promise<T>) => fn()
  } as unknown as Logger
  return { log, warnings }
}

describe('runClassReport', () => {
  it('names roster students through the dashboard, and offers the platform CSV beside ours', async () => {
    const { api, calls } = teacher()
    const { log, warnings } = logger()
    const run = await runClassReport(api, config, log)
    expect(warnings).toEqual([])
    const students = run.report?.students ?? []
    expect(students.map(s => [s.userId, s.username, s.score, s.passed])).toEqual([
      [31, 'carol', 210.5, true],
      [33, 'erin', null, false]
    ])
    expect(run.report?.unscored.map(s => s.username)).toEqual(['erin'])
    expect(calls).toEqual(['progress', 'export 1 1 true'])
    expect(run.platformCsv).toEqual({
      name: 'leaderboard_course_1_challenge_1.csv',
      text: 'rank,username,score\n1,carol,210.5\n'
    })
  })

  it('lists every enrolled student, unnamed, when the dashboard cannot be read', async () => {
    const { api } = teacher({ progressFails: true })
    const { log, warnings } = logger()
    const run = await runClassReport(api, config, log)
    expect(run.report?.enrolled).toBe(2)
    expect(run.report?.unscored.map(s => s.userId).sort()).toEqual([31, 33])
    expect(warnings[0]).toMatch(/^Could not read the course's progress dashboard/)
  })

  it('offers no platform CSV for a course with several challenges', async () => {
    const roster = parseRoster(fixture('course-students.json'), ctx)
    const { api, calls } = teacher({
      roster: { ...roster, challenges: [...roster.challenges, { id: 2, name: 'Pong' }] }
    })
    const run = await runClassReport(api, { ...config, challengeId: 1 }, logger().log)
    expect(run.platformCsv).toBeNull()
    expect(calls.some(c => c.startsWith('export'))).toBe(false)
  })
})
