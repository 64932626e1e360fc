/**
 * The client's course methods against the emulator, on both wires: preview (both shapes), enrol
 * once and again, the course list, create, the teacher's courses and roster, and the course
 * board with `passed` and `course_context`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  COURSE_TOKENS,
  COURSES,
  startEmulator,
  type Emulator,
  type EmulatorCourse
} from '../../emulator/index.ts'
import { ArenaClient } from '../../src/arena/client.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { Wire } from '../../src/arena/model.js'

const NOON_UTC = Date.UTC(2026, 2, 2, 12)

async function failure(run: () => Promise<unknown>): Promise<ArenaError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof ArenaError) return error
    throw error
  }
  throw new Error('expected an ArenaError')
}

describe.each(['current', 'legacy'] as Wire[])('course routes on the %s wire', wire => {
  let emu: Emulator
  const clients: ArenaClient[] = []
  const client = (token: string): ArenaClient => {
    const c = new ArenaClient({
      baseUrl: emu.baseUrl,
      token,
      retry: { attempts: 1 },
      sleep: async () => {}
    })
    clients.push(c)
    return c
  }
  const seeded = (id: number): EmulatorCourse =>
    emu.courses.find(course => course.id === id) as EmulatorCourse

  beforeAll(async () => {
    emu = await startEmulator({ wire, speed: 'manual', seed: 3, startTime: NOON_UTC })
  })
  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()))
    await emu.close()
  })

  it('previews a course: its name, code, challenge names and ids, and the two flags', async () => {
    const lunar = seeded(COURSES.lunar)
    const alice = await client(emu.tokens.user).previewCourse(lunar.enrolCode)
    expect(alice.course).toMatchObject({ id: COURSES.lunar, name: lunar.name, code: 'CS101' })
    expect(alice.challengeNames).toEqual(['Lunar Lander'])
    expect(alice.challengeIds).toEqual([1])
    expect(alice).toMatchObject({ alreadyEnrolled: false, hasStudentInfo: false })
    const carol = await client(COURSE_TOKENS.carol).previewCourse(lunar.enrolCode)
    expect(carol).toMatchObject({ alreadyEnrolled: true, hasStudentInfo: true })
  })

  it('answers an unknown join code with a not-found error', async () => {
    const error = await failure(() => client(emu.tokens.user).previewCourse('NOSUCHCODE'))
    expect(error.kind).toBe('not-found')
    expect(error.status).toBe(404)
    // The course routes are the same on both wires: one request, no second try elsewhere.
    const previews = emu.requests().filter(r => r.path.includes('/enroll/NOSUCHCODE'))
    expect(previews).toHaveLength(1)
  })

  it('enrols once; enrolling again changes nothing', async () => {
    const lunar = seeded(COURSES.lunar)
    const bob = client(emu.tokens.otherUser)
    const missing = await failure(() => bob.enroll(lunar.enrolCode, {}))
    expect(missing.status).toBe(400)
    expect(missing.serverMessage).toContain('student_number')
    const first = await bob.enroll(lunar.enrolCode, {
      studentNumber: 'S2002',
      projectUrl: 'https://github.com/bob/lunar'
    })
    expect(first.challengeIds).toEqual([1])
    await bob.enroll(lunar.enrolCode, { studentNumber: 'S9999' })
    const course = emu.state().courses.find(c => c.id === COURSES.lunar)
    const enrolments = course?.enrolments.filter(e => e.username === 'bob') ?? []
    expect(enrolments).toEqual([
      expect.objectContaining({
        studentNumber: 'S2002',
        projectUrl: 'https://github.com/bob/lunar'
      })
    ])
    expect((await bob.previewCourse(lunar.enrolCode)).alreadyEnrolled).toBe(true)
  })

  it('lists the courses a student is in, with their challenges and join code', async () => {
    const rows = await client(COURSE_TOKENS.carol).listCourses({ showAll: true })
    const lunar = rows.find(row => row.id === COURSES.lunar)
    expect(lunar).toMatchObject({ isEnrolled: true, joinCode: seeded(COURSES.lunar).enrolCode })
    expect(lunar?.challenges.map(c => c.id)).toEqual([1])
    const two = rows.find(row => row.id === COURSES.twoChallenges)
    expect(two?.challenges.map(c => c.id)).toEqual([1, 7])
  })

  it('creates a course with a teacher token and returns its join code', async () => {
    const made = await client(COURSE_TOKENS.teacher).createCourse({
      name: `Created on ${wire}`,
      code: 'NEW1',
      startDate: '2026-01-10',
      endDate: '2026-06-30'
    })
    expect(made.name).toBe(`Created on ${wire}`)
    expect(made.id).toBeGreaterThanOrEqual(101)
    expect(made.joinCode).toMatch(/^[A-Za-z0-9]+$/)
  })

  if (wire === 'current') {
    it("reads the teacher's courses and the roster", async () => {
      const teacher = client(COURSE_TOKENS.teacher)
      const taught = await teacher.taughtCourses()
      expect(taught.map(c => c.id)).toEqual(expect.arrayContaining([1, 2, 3, 4]))
      expect(taught.find(c => c.id === 1)?.joinCode).toBe(seeded(1).joinCode)
      const roster = await teacher.courseRoster(COURSES.lunar)
      expect(roster.challenges).toEqual([{ id: 1, name: 'Lunar Lander' }])
      // 4.4 `course_students`: user ids, no username.
      expect(roster.students.length).toBeGreaterThanOrEqual(4)
      expect(roster.students.every(s => s.userId !== null)).toBe(true)
      expect(roster.students.find(s => s.studentNumber === 'S1001')).toMatchObject({
        studentNumber: 'S1001',
        projectUrl: 'https://github.com/cs101-classroom/lunar-carol'
      })
      const refused = await failure(() => client(COURSE_TOKENS.carol).courseRoster(COURSES.lunar))
      expect(refused.status).toBe(403)
    })

    it('reads the course board: the class only, passed per row, the threshold', async () => {
      const board = await client(COURSE_TOKENS.teacher).leaderboard(1, {
        courseId: COURSES.lunar,
        aggregate: 'user'
      })
      // README 3.0.0: `course_context` is {course_id, pass_threshold}; no enrolled count.
      expect(board.course).toEqual({ courseId: COURSES.lunar, passThreshold: 150 })
      const byUser = Object.fromEntries(board.rows.map(r => [r.username, r]))
      expect(byUser.carol).toMatchObject({ agentName: 'carol-lander', score: 210.5, passed: true })
      expect(byUser.frank).toMatchObject({ agentName: 'frank-lander', passed: true })
      expect(byUser.dave).toMatchObject({ passed: false })
      expect(byUser.erin).toBeUndefined()
      expect(board.rows.map(r => r.rank)).toEqual([...board.rows.keys()].map(i => i + 1))

      const open = await client(COURSE_TOKENS.carol).leaderboard(1, { courseId: COURSES.noBar })
      expect(open.course).toEqual({ courseId: COURSES.noBar, passThreshold: null })
      expect(open.rows.every(r => r.passed === undefined)).toBe(true)
    })
  } else {
    it('has no course board on the legacy wire (the legacy route is not sent the course)', async () => {
      const board = await client(COURSE_TOKENS.carol).leaderboard(1, { courseId: COURSES.lunar })
      expect(board.course).toBeUndefined()
      // (Detection tries the current route first; the legacy route never gets the course.)
      const legacyReads = emu.requests().filter(r => r.path === '/api/leaderboard/competition/1')
      expect(legacyReads.length).toBeGreaterThan(0)
      expect(legacyReads.filter(r => r.query?.course_id !== undefined)).toEqual([])
    })
  }
})
