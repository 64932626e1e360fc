/**
 * The teacher action's inputs (course/action.yml): the teacher token, how the course is named,
 * create with its fields, the report path; and the pure choices of its pipeline (finding the
 * course by id or name, the challenge to report on).
 */
import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { readCourseConfig } from '../../src/course/config.js'
import type { LeaderboardQuery } from '../../src/arena/model.js'
import { ArenaError } from '../../src/arena/errors.js'
import {
  chooseChallenge,
  findCourse,
  runClassReport,
  wholeCourseBoard,
  type TeacherApi
} from '../../src/course/pipeline.js'
import {
  asyncInputErrorOf as asyncInputError,
  inputErrorOf as inputError
} from '../support/input-errors.js'
import { board, row } from '../support/outcomes.js'

const TEACHER = 'mlk_teacher_tess_SECRETVALUE'

function config(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const all: Record<string, string> = { 'api-key': TEACHER, 'course-id': '1', ...inputs }
  return readCourseConfig(name => all[name] ?? '', { RUNNER_TEMP: '/runner/temp', ...env })
}

describe('readCourseConfig', () => {
  it('applies the defaults of course/action.yml', () => {
    expect(config({})).toEqual({
      apiKey: TEACHER,
      baseUrl: 'https://ml-arena.com',
      apiWire: 'auto',
      courseId: 1,
      name: null,
      challengeId: null,
      create: false,
      code: null,
      startDate: null,
      endDate: null,
      reportPath: path.join('/runner/temp', 'mlarena-class-report-1.csv'),
      summary: true
    })
  })

  it('reads create with its fields, and a report path relative to the workspace', () => {
    const c = config(
      {
        'course-id': '',
        name: ' CS-101 ',
        create: 'true',
        code: 'CS101',
        'start-date': '2026-09-01',
        'end-date': '2027-01-31',
        'report-path': 'out/class.csv',
        'challenge-id': '7',
        summary: 'false'
      },
      { GITHUB_WORKSPACE: '/work/repo' }
    )
    expect(c).toMatchObject({
      courseId: null,
      name: 'CS-101',
      create: true,
      code: 'CS101',
      startDate: '2026-09-01',
      endDate: '2027-01-31',
      reportPath: '/work/repo/out/class.csv',
      challengeId: 7,
      summary: false
    })
  })

  it.each([
    ['a user token', 'mlk_user_carol_SECRETVALUE', 'is a user token'],
    ['a creator token', 'mlk_creator_c_SECRETVALUE', 'is a creator token'],
    ['no token', '', 'is empty'],
    ['a malformed token', 'mlk_teacher_only', 'malformed']
  ])('refuses %s, naming api-key and never echoing it', (_, token, fragment) => {
    const error = inputError(() => config({ 'api-key': token }))
    expect(error.input).toBe('api-key')
    expect(error.message).toContain(fragment)
    expect(error.message).not.toContain('SECRETVALUE')
  })

  it.each([
    [{ 'course-id': '' }, 'course-id', 'give the course id'],
    [{ 'course-id': 'x' }, 'course-id', 'not a positive integer'],
    [{ 'course-id': '', create: 'true' }, 'name', 'required with create: true'],
    [{ create: 'true', name: 'CS' }, 'course-id', 'give one of them'],
    [{ create: 'yes' }, 'create', 'not a boolean'],
    [{ 'start-date': '2026-02-30' }, 'start-date', 'YYYY-MM-DD'],
    [{ 'end-date': '31/01/2027' }, 'end-date', 'YYYY-MM-DD'],
    [{ 'start-date': '2026-09-01', 'end-date': '2026-08-01' }, 'end-date', 'before start-date'],
    [{ name: 'a\nb' }, 'name', 'one line'],
    [{ 'base-url': 'http://example.com' }, 'base-url', 'plain http']
  ])('refuses %j, naming %s', (inputs, input, fragment) => {
    const error = inputError(() => config(inputs))
    expect(error.input).toBe(input)
    expect(error.message).toContain(fragment)
  })
})

describe("the teacher pipeline's choices", () => {
  const course = (id: number, name: string) => ({
    id,
    name,
    code: null,
    slug: null,
    joinCode: 'J',
    isEnrolled: false,
    challenges: []
  })
  const mine = [course(1, 'CS-101'), course(2, 'Open Lab'), course(3, 'open lab ')]

  it('finds the course by id, or by name without regard to case and spaces', () => {
    expect(findCourse(mine, { courseId: 2, name: null })?.id).toBe(2)
    expect(findCourse(mine, { courseId: 9, name: null })).toBeNull()
    expect(findCourse(mine, { courseId: null, name: 'cs-101' })?.id).toBe(1)
    expect(findCourse(mine, { courseId: null, name: 'CS-102' })).toBeNull()
    const twice = inputError(() => findCourse(mine, { courseId: null, name: 'Open Lab' }))
    expect(twice.input).toBe('name')
    expect(twice.message).toContain('ids 2, 3')
  })

  it("reports on the course's only challenge, the one asked for, or lists them", () => {
    const c = course(1, 'CS-101')
    const one = [{ id: 1, name: 'Lunar Lander' }]
    const two = [...one, { id: 7, name: 'Energy' }]
    expect(chooseChallenge(one, null, c)).toEqual(one[0])
    expect(chooseChallenge([], null, c)).toBeNull()
    expect(chooseChallenge(two, 7, c)?.id).toBe(7)
    expect(inputError(() => chooseChallenge(two, null, c)).message).toContain(
      'has 2 challenges: 1 ("Lunar Lander"), 7 ("Energy")'
    )
    expect(inputError(() => chooseChallenge(one, 9, c)).input).toBe('challenge-id')
  })

  it('reads a course board the server sends in part page by page, up to its total', async () => {
    const all = Array.from({ length: 1203 }, (_, i) => row(i + 1, { username: `s${i}` }))
    const asked: LeaderboardQuery[] = []
    const arena = {
      leaderboard: async (_: number, query: LeaderboardQuery = {}) => {
        asked.push(query)
        const from = query.offset ?? 0
        return board(all.slice(from, from + (query.limit ?? 100)), { total: all.length })
      }
    }
    const whole = await wholeCourseBoard(arena, 1, 9)
    expect(whole.rows.map(r => r.username)).toEqual(all.map(r => r.username))
    expect(asked).toEqual([
      { courseId: 9, aggregate: 'user' },
      { courseId: 9, aggregate: 'user', offset: 100, limit: 500 },
      { courseId: 9, aggregate: 'user', offset: 600, limit: 500 },
      { courseId: 9, aggregate: 'user', offset: 1100, limit: 500 }
    ])
    const small = await wholeCourseBoard({ leaderboard: async () => board([row(1)]) }, 1, 9)
    expect(small.rows).toHaveLength(1)
  })
})

describe('runClassReport: creating a course', () => {
  const silent = {
    info: () => {},
    warning: () => {},
    notice: () => {},
    group: <T>(_: string, fn: () => Promise<T>) => fn()
  }
  const base = {
    apiKey: 'mlk_teacher_t_s',
    baseUrl: 'http://127.0.0.1:1',
    apiWire: 'auto' as const,
    courseId: null,
    name: 'Spring lab',
    challengeId: null,
    create: true,
    code: null,
    startDate: null,
    endDate: null,
    reportPath: '/tmp/x.csv',
    summary: true
  }
  function fake(wire: 'current' | 'legacy', create: () => Promise<unknown>) {
    const calls: string[] = []
    let listed: unknown[] = []
    const arena = {
      wire: async () => wire,
      taughtCourses: async () => {
        calls.push('taught')
        return listed
      },
      listCourses: async () => {
        calls.push('list')
        return listed
      },
      createCourse: async () => {
        calls.push('create')
        return create()
      },
      courseRoster: async () => ({ challenges: [], students: [] }),
      leaderboard: async () => board([]),
      courseProgress: async () => ({ challenges: [], students: [] }),
      exportCourseCsv: async () => ''
    }
    return { arena, calls, setListed: (rows: unknown[]) => (listed = rows) }
  }

  it('asks for the code and dates a legacy server needs before creating', async () => {
    const { arena, calls } = fake('legacy', async () => ({}))
    const error = await asyncInputError(() =>
      runClassReport(arena as unknown as TeacherApi, { ...base, code: 'LAB' }, silent)
    )
    expect(error.input).toBe('start-date')
    expect(calls).toEqual(['list'])
  })

  it('finds the course again when the creation answer was lost, instead of creating twice', async () => {
    const made = {
      id: 101,
      name: 'Spring lab',
      code: null,
      slug: null,
      joinCode: 'ABC',
      isEnrolled: false,
      challenges: []
    }
    const f = fake('current', async () => {
      f.setListed([made])
      throw new ArenaError('reset', {
        kind: 'network',
        route: 'POST /api/academic_courses/',
        outcomeUnknown: true
      })
    })
    const run = await runClassReport(f.arena as unknown as TeacherApi, base, silent)
    expect(run.course.id).toBe(101)
    expect(f.calls).toEqual(['taught', 'create', 'taught'])
  })
})
