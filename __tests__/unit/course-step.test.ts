/**
 * The course step of the participant action: the challenge choice, the pass logic, the
 * student's row on the course board, and joinCourse against a recording fake of the client
 * (what it reads, whether it enrols, and that every refusal comes before the enrolment).
 */
import { describe, expect, it } from '@jest/globals'
import type { CourseListing, CoursePreview, EnrolmentRequest } from '../../src/arena/courses.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { Logger } from '../../src/logger.js'
import { judgePass, thresholdMargin } from '../../src/pass.js'
import {
  chooseChallenge,
  courseStanding,
  joinCourse,
  studentRow
} from '../../src/submit/steps/course.js'
import { asyncInputErrorOf as inputError } from '../support/input-errors.js'
import { board, row } from '../support/outcomes.js'

const COURSE = { id: 1, name: 'CS-101', code: 'CS101', slug: null, joinCode: null }

function preview(overrides: Partial<CoursePreview> = {}): CoursePreview {
  return {
    course: COURSE,
    challengeNames: ['Lunar Lander'],
    challengeIds: [1],
    lessonCount: 0,
    alreadyEnrolled: false,
    hasStudentInfo: false,
    ...overrides
  }
}

const silent: Logger = {
  info: () => {},
  warning: () => {},
  notice: () => {},
  group: (_, fn) => fn()
}

function fakeArena(p: CoursePreview, listing: CourseListing[] = [], enrolIds: number[] = [1]) {
  const calls: string[] = []
  const enrolments: EnrolmentRequest[] = []
  return {
    calls,
    enrolments,
    previewCourse: async (code: string) => {
      calls.push(`preview ${code}`)
      if (code === 'WRONG')
        throw new ArenaError('404', { kind: 'not-found', route: 'GET /x', status: 404 })
      if (code === 'ENDED')
        throw new ArenaError('410', {
          kind: 'validation',
          route: 'GET /x',
          status: 410,
          serverMessage: 'Course "CS-099" ended on 2026-02-25: enrolment is closed'
        })
      return p
    },
    enroll: async (code: string, request: EnrolmentRequest) => {
      calls.push(`enroll ${code}`)
      enrolments.push(request)
      return { message: 'ok', challengeIds: enrolIds, courseSlug: null }
    },
    listCourses: async () => {
      calls.push('list')
      return listing
    }
  }
}

const STUDENT = { joinCode: 'LUNAR7K2', studentEmail: 'ada@uni.example', studentNumber: 'S1' }
const OPTIONS = {
  competitionId: null,
  projectUrl: 'https://github.com/o/r',
  dryRun: false,
  log: silent
}

describe('chooseChallenge', () => {
  it('takes the only challenge when competition-id is empty', () => {
    expect(chooseChallenge(null, preview(), [{ id: 9, name: 'Lunar' }])).toEqual({
      kind: 'id',
      id: 9
    })
  })

  it('waits for the enrolment when the one challenge is known by name only', () => {
    expect(chooseChallenge(null, preview({ challengeIds: [] }), [])).toEqual({
      kind: 'after-enrolment'
    })
  })

  it('lists the challenges when there are several, with ids when known', () => {
    const p = preview({ challengeNames: ['Lunar', 'Energy'], challengeIds: [1, 7] })
    expect(() =>
      chooseChallenge(null, p, [
        { id: 1, name: 'Lunar' },
        { id: 7, name: 'Energy' }
      ])
    ).toThrow(/has 2 challenges: 1 \("Lunar"\), 7 \("Energy"\)/)
    expect(() => chooseChallenge(null, p, [])).toThrow(/has 2 challenges: "Lunar", "Energy"/)
  })

  it('refuses a course without a challenge, and a competition-id that is not one of its', () => {
    expect(() => chooseChallenge(null, preview({ challengeNames: [] }), [])).toThrow(
      /no challenge yet/
    )
    expect(() => chooseChallenge(3, preview(), [{ id: 1, name: 'Lunar' }])).toThrow(
      /3 is not a challenge of course "CS-101" \(CS101\)/
    )
    expect(chooseChallenge(1, preview(), [{ id: 1, name: 'Lunar' }])).toEqual({ kind: 'id', id: 1 })
    // Ids unknown: a given id is taken as it is (the competition read checks it).
    expect(chooseChallenge(3, preview(), [])).toEqual({ kind: 'id', id: 3 })
  })
})

describe('the pass logic', () => {
  it("takes the server's passed over the threshold", () => {
    expect(judgePass({ score: 10, passed: true }, 150, 'desc')).toBe(true)
    expect(judgePass({ score: 999, passed: false }, 150, 'desc')).toBe(false)
  })

  it('compares with the threshold in the direction the board ranks', () => {
    expect(judgePass({ score: 150 }, 150, 'desc')).toBe(true)
    expect(judgePass({ score: 149.99 }, 150, 'desc')).toBe(false)
    expect(judgePass({ score: 0.3 }, 0.3, 'asc')).toBe(true)
    expect(judgePass({ score: 0.31 }, 0.3, 'asc')).toBe(false)
    expect(thresholdMargin(160, 150, 'desc')).toBe(10)
    expect(thresholdMargin(0.25, 0.3, 'asc')).toBeCloseTo(0.05)
  })

  it('has nothing to judge without a threshold, and fails a student without a score', () => {
    expect(judgePass({ score: 1 }, null, 'desc')).toBeNull()
    expect(judgePass(null, null, 'desc')).toBeNull()
    expect(judgePass(null, 150, 'desc')).toBe(false)
    expect(judgePass({ score: null }, 150, 'desc')).toBe(false)
  })
})

describe('studentRow and courseStanding', () => {
  const rows = [row(1, { agentId: 11 }), row(2, { agentId: 22, isMine: true }), row(3)]

  it("is this agent's row, else the caller's best", () => {
    expect(studentRow(board(rows), 22)?.rank).toBe(2)
    expect(studentRow(board(rows), 99)?.agentId).toBe(22)
    const me = row(5, { agentId: 55 })
    expect(
      studentRow(
        board(rows, { me: { rank: 5, position: 5, percentile: null, row: me, neighbours: [] } }),
        99
      )
    ).toBe(me)
    expect(studentRow(board([row(1)]), 99)).toBeNull()
  })

  it('reads the threshold from the course context and judges the row', () => {
    const joined = { preview: preview(), competitionId: 1, enrolment: 'enrolled' as const }
    const course = { courseId: 1, passThreshold: 290 }
    const standing = courseStanding(joined, board(rows, { course }), 22)
    expect(standing).toMatchObject({ id: 1, passThreshold: 290, passed: true, classSize: 3 })
    expect(
      courseStanding(joined, board(rows, { course: { courseId: 1, passThreshold: 296 } }), 22)
        .passed
    ).toBe(false)
    expect(courseStanding(joined, null, 22)).toMatchObject({ passed: null, classSize: null })
  })
})

describe('joinCourse', () => {
  it('enrols a student who is not enrolled, with the fields and the repository', async () => {
    const arena = fakeArena(preview())
    const joined = await joinCourse(arena, STUDENT, OPTIONS)
    expect(joined).toMatchObject({ competitionId: 1, enrolment: 'enrolled' })
    expect(arena.calls).toEqual(['preview LUNAR7K2', 'enroll LUNAR7K2'])
    expect(arena.enrolments).toEqual([
      { studentEmail: 'ada@uni.example', studentNumber: 'S1', projectUrl: 'https://github.com/o/r' }
    ])
  })

  it('never enrols a student who is enrolled already', async () => {
    const arena = fakeArena(preview({ alreadyEnrolled: true, hasStudentInfo: true }))
    const joined = await joinCourse(
      arena,
      { ...STUDENT, studentEmail: null, studentNumber: null },
      OPTIONS
    )
    expect(joined.enrolment).toBe('already')
    expect(arena.calls).toEqual(['preview LUNAR7K2'])
  })

  it('reads the challenge id from the enrolment when the preview names it only', async () => {
    const arena = fakeArena(preview({ challengeIds: [] }), [], [42])
    expect((await joinCourse(arena, STUDENT, OPTIONS)).competitionId).toBe(42)
  })

  it('reads it from the course list when enrolled already and the preview has no ids', async () => {
    const listing: CourseListing[] = [
      { ...COURSE, isEnrolled: true, challenges: [{ id: 42, name: 'Lunar Lander' }] }
    ]
    const arena = fakeArena(preview({ challengeIds: [], alreadyEnrolled: true }), listing)
    expect((await joinCourse(arena, STUDENT, OPTIONS)).competitionId).toBe(42)
    expect(arena.calls).toEqual(['preview LUNAR7K2', 'list'])
  })

  it('refuses missing student fields the server needs, before enrolling', async () => {
    const arena = fakeArena(preview())
    const error = await inputError(() =>
      joinCourse(arena, { ...STUDENT, studentNumber: null }, OPTIONS)
    )
    expect(error.input).toBe('student-number')
    expect(arena.calls).toEqual(['preview LUNAR7K2'])
    const both = await inputError(() =>
      joinCourse(arena, { joinCode: 'LUNAR7K2', studentEmail: null, studentNumber: null }, OPTIONS)
    )
    expect(both.input).toBe('student-email')
    expect(both.message).toContain('student-email and student-number')
  })

  it('needs no student fields when the profile has them', async () => {
    const arena = fakeArena(preview({ hasStudentInfo: true }))
    await joinCourse(
      arena,
      { joinCode: 'LUNAR7K2', studentEmail: null, studentNumber: null },
      OPTIONS
    )
    expect(arena.enrolments).toEqual([{ projectUrl: 'https://github.com/o/r' }])
  })

  it('refuses several challenges and an unknown join code, before enrolling', async () => {
    const several = fakeArena(preview({ challengeNames: ['A', 'B'], challengeIds: [1, 2] }))
    expect((await inputError(() => joinCourse(several, STUDENT, OPTIONS))).input).toBe(
      'competition-id'
    )
    expect(several.calls).toEqual(['preview LUNAR7K2'])
    const wrong = fakeArena(preview())
    const error = await inputError(() =>
      joinCourse(wrong, { ...STUDENT, joinCode: 'WRONG' }, OPTIONS)
    )
    expect(error.input).toBe('course-join-code')
    expect(wrong.calls).toEqual(['preview WRONG'])
  })

  it('says that a course has ended, naming the join code input', async () => {
    const arena = fakeArena(preview())
    const error = await inputError(() =>
      joinCourse(arena, { ...STUDENT, joinCode: 'ENDED' }, OPTIONS)
    )
    expect(error.input).toBe('course-join-code')
    expect(error.message).toContain('the course has ended ("Course "CS-099" ended on 2026-02-25')
    expect(arena.calls).toEqual(['preview ENDED'])
  })

  it('does not enrol in a dry run', async () => {
    const arena = fakeArena(preview())
    const joined = await joinCourse(arena, STUDENT, { ...OPTIONS, dryRun: true })
    expect(joined).toMatchObject({ enrolment: 'dry-run', competitionId: 1 })
    expect(arena.calls).toEqual(['preview LUNAR7K2'])
  })
})
