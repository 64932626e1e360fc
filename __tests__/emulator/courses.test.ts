/**
 * Course routes (contract: "Creators and teachers" → course routes, and the SDK's course
 * methods): preview, enrolment rules, course boards with `passed` and `course_context`.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSES,
  COURSE_TOKENS,
  TOKENS,
  type Emulator
} from '../../emulator/index.ts'
import { call, deployedAgent, start, WIRES, type Wire } from './helpers.ts'

const C = '/api/academic_courses'
const board = (cid: number, query: string) => `/api/leaderboard/challenge/${cid}?${query}`
const IDENTITY = { student_email: 'alice@uni.example', student_number: 'S2000' }

function code(emu: Emulator, courseId: number): string {
  const course = emu.courses.find(c => c.id === courseId)
  if (!course) throw new Error(`no seeded course ${courseId}`)
  return course.enrolCode
}

function enrolments(emu: Emulator, courseId: number) {
  const course = emu.state().courses.find(c => c.id === courseId)
  if (!course) throw new Error(`no course ${courseId} in the state`)
  return course.enrolments
}

describe.each(WIRES)('%s wire: preview and enrolment', (wire: Wire) => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire })
  })
  afterEach(() => emu.close())

  it('seeds courses whose enrol code is the wire own (join_code / enrollment_link)', () => {
    const lunar = emu.courses.find(c => c.id === COURSES.lunar)
    expect(lunar).toMatchObject({ joinCode: 'LUNAR7K2', challengeIds: [COMPETITIONS.normal] })
    expect(lunar?.enrolCode).toBe(wire === 'current' ? lunar?.joinCode : lunar?.enrollmentLink)
    expect(lunar?.enrollmentLink).toMatch(/^[0-9a-f]{32}$/)
  })

  it('previews without a token, both flags false', async () => {
    const res = await call(emu, 'GET', `${C}/enroll/${code(emu, COURSES.lunar)}`, { token: null })
    expect(res.status).toBe(200)
    expect(res.body.already_enrolled).toBe(false)
    expect(res.body.has_student_info).toBe(false)
    if (wire === 'current') {
      expect(res.body.course).toMatchObject({ id: COURSES.lunar, code: 'CS101' })
      expect(res.body.challenge_names).toEqual(['Lunar Lander'])
      expect(res.body.challenge_ids).toEqual([COMPETITIONS.normal])
    } else {
      expect(res.body).toMatchObject({
        course_id: COURSES.lunar,
        competition_ids: [COMPETITIONS.normal]
      })
    }
  })

  it('previews with a token: already_enrolled and has_student_info for that caller', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.lunar)}`
    const carol = await call(emu, 'GET', path, { token: COURSE_TOKENS.carol })
    expect(carol.body).toMatchObject({ already_enrolled: true, has_student_info: true })
    const alice = await call(emu, 'GET', path)
    expect(alice.body).toMatchObject({ already_enrolled: false, has_student_info: false })
    const revoked = await call(emu, 'GET', path, { token: 'mlk_user_alice_wrong' })
    expect(revoked.status).toBe(401)
  })

  it('answers 404 for an unknown code, and for the other wire code', async () => {
    const unknown = await call(emu, 'GET', `${C}/enroll/NOPE1234`, { token: null })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toContain('NOPE1234')
    const lunar = emu.courses.find(c => c.id === COURSES.lunar)
    const other = wire === 'current' ? lunar?.enrollmentLink : lunar?.joinCode
    const post = await call(emu, 'POST', `${C}/enroll/${other}`, { json: IDENTITY })
    expect(post.status).toBe(404)
    expect(enrolments(emu, COURSES.lunar).map(e => e.username)).not.toContain('alice')
  })

  it('needs both student fields, naming what is missing, and enrols nothing meanwhile', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.lunar)}`
    const none = await call(emu, 'POST', path, { json: {} })
    expect(none.status).toBe(400)
    expect(none.body.error).toContain('student_email')
    expect(none.body.error).toContain('student_number')
    const half = await call(emu, 'POST', path, { json: { student_email: 'alice@uni.example' } })
    expect(half.status).toBe(400)
    expect(half.body.error).toContain('student_number')
    expect(half.body.error).not.toContain('student_email')
    // bob's profile has an email already: the number alone is enough.
    const bobNone = await call(emu, 'POST', path, { token: TOKENS.otherUser, json: {} })
    expect(bobNone.status).toBe(400)
    expect(bobNone.body.error).toContain('student_number')
    expect(bobNone.body.error).not.toContain('student_email')
    expect(enrolments(emu, COURSES.lunar).map(e => e.username)).not.toContain('alice')
    const bob = await call(emu, 'POST', path, {
      token: TOKENS.otherUser,
      json: { student_number: 'S3000' }
    })
    expect(bob.status).toBe(201)
    expect(enrolments(emu, COURSES.lunar).find(e => e.username === 'bob')).toMatchObject({
      studentEmail: 'bob@uni.example',
      studentNumber: 'S3000'
    })
  })

  it('refuses a malformed email or project URL (400) and a non-user token (403)', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.lunar)}`
    const email = await call(emu, 'POST', path, {
      json: { ...IDENTITY, student_email: 'not-an-email' }
    })
    expect(email.status).toBe(400)
    expect(email.body.error).toContain('student_email')
    const url = await call(emu, 'POST', path, { json: { ...IDENTITY, project_url: 'ftp://x' } })
    expect(url.status).toBe(400)
    for (const token of [COURSE_TOKENS.teacher, TOKENS.creator]) {
      const res = await call(emu, 'POST', path, { token, json: IDENTITY })
      expect(res.status).toBe(403)
    }
    const anonymous = await call(emu, 'POST', path, { token: null, json: IDENTITY })
    expect(anonymous.status).toBe(401)
    expect(enrolments(emu, COURSES.lunar).map(e => e.username)).not.toContain('alice')
  })

  it('enrols once: project_url and the identity are stored; a second enrol changes nothing', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.lunar)}`
    const first = await call(emu, 'POST', path, {
      json: { ...IDENTITY, project_url: 'https://github.com/alice/lunar' }
    })
    expect(first.status).toBe(201)
    if (wire === 'current')
      expect(first.body).toMatchObject({
        challenge_ids: [COMPETITIONS.normal],
        course_slug: 'cs-101-reinforcement-learning'
      })
    else expect(first.body).toMatchObject({ course_id: COURSES.lunar })
    expect(typeof first.body.message).toBe('string')
    const again = await call(emu, 'POST', path, {
      json: { student_email: 'other@uni.example', project_url: 'https://github.com/alice/other' }
    })
    expect(again.status).toBe(200)
    const mine = enrolments(emu, COURSES.lunar).filter(e => e.username === 'alice')
    expect(mine).toEqual([
      expect.objectContaining({
        studentEmail: 'alice@uni.example',
        studentNumber: 'S2000',
        projectUrl: 'https://github.com/alice/lunar'
      })
    ])
    const preview = await call(emu, 'GET', path)
    expect(preview.body).toMatchObject({ already_enrolled: true, has_student_info: true })
  })

  it('never overwrites the identity already on the profile', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.lunar)}`
    await call(emu, 'POST', path, { json: IDENTITY })
    const two = await call(emu, 'POST', `${C}/enroll/${code(emu, COURSES.noBar)}`, {
      json: { student_email: 'changed@uni.example', student_number: 'S9999' }
    })
    expect(two.status).toBe(201)
    const alice = enrolments(emu, COURSES.noBar).find(e => e.username === 'alice')
    expect(alice).toMatchObject({ studentEmail: 'alice@uni.example', studentNumber: 'S2000' })
  })

  it('shows courses and enrolments in /__emulator/state (no token)', async () => {
    await call(emu, 'POST', `${C}/enroll/${code(emu, COURSES.lunar)}`, { json: IDENTITY })
    const res = await fetch(`${emu.baseUrl}/__emulator/state`)
    const state = (await res.json()) as ReturnType<Emulator['state']>
    const lunar = state.courses.find(c => c.id === COURSES.lunar)
    expect(lunar).toMatchObject({
      joinCode: 'LUNAR7K2',
      teacher: 'tess',
      challenges: [{ challengeId: COMPETITIONS.normal, passThreshold: 150 }]
    })
    expect(lunar?.enrolments.map(e => e.username)).toEqual([
      'carol',
      'dave',
      'erin',
      'frank',
      'alice'
    ])
    expect(lunar?.enrolments.at(-1)).toMatchObject({
      studentEmail: 'alice@uni.example',
      studentNumber: 'S2000',
      projectUrl: null
    })
  })

  it('refuses preview and enrolment of a course that has ended (410)', async () => {
    const path = `${C}/enroll/${code(emu, COURSES.ended)}`
    expect((await call(emu, 'GET', path, { token: null })).status).toBe(410)
    const post = await call(emu, 'POST', path, { json: IDENTITY })
    expect(post.status).toBe(410)
    expect(post.body.error).toContain('ended')
  })
})

describe('current wire: course boards', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('lists only the course students, re-ranked among the class, with passed and course_context', async () => {
    const res = await call(emu, 'GET', board(COMPETITIONS.normal, `course_id=${COURSES.lunar}`), {
      token: COURSE_TOKENS.carol
    })
    expect(res.status).toBe(200)
    const rows = res.body.leaders as Record<string, unknown>[]
    expect(rows.map(r => [r.rank, r.username, r.score, r.passed])).toEqual([
      [1, 'carol', 210.5, true],
      [2, 'frank', 160.75, true],
      [3, 'dave', 95.25, false]
    ])
    expect(res.body.total).toBe(3)
    // README 3.0.0: `course_context` is `{course_id, pass_threshold}`.
    expect(res.body.course_context).toEqual({ course_id: COURSES.lunar, pass_threshold: 150 })
    expect(rows.find(r => r.username === 'carol')?.is_my_submission).toBe(true)
  })

  it('aggregate=submission shows every active submission of the students (frank twice)', async () => {
    const res = await call(
      emu,
      'GET',
      board(COMPETITIONS.normal, `course_id=${COURSES.lunar}&aggregate=submission`),
      { token: COURSE_TOKENS.teacher }
    )
    const rows = res.body.leaders as Record<string, unknown>[]
    expect(rows.filter(r => r.username === 'frank').map(r => [r.score, r.passed])).toEqual([
      [160.75, true],
      [120, false]
    ])
    expect(rows.map(r => r.rank)).toEqual([1, 2, 3, 4])
  })

  it('respects the metric order: asc (RMSE) passes at or below the threshold', async () => {
    const res = await call(
      emu,
      'GET',
      board(COMPETITIONS.fileChallenge, `course_id=${COURSES.twoChallenges}`),
      { token: COURSE_TOKENS.dave }
    )
    expect(res.status).toBe(200)
    const rows = res.body.leaders as Record<string, unknown>[]
    expect(rows.map(r => [r.rank, r.username, r.score, r.passed])).toEqual([
      [1, 'carol', 0.25, true],
      [2, 'dave', 0.42, false]
    ])
    expect(res.body.course_context.pass_threshold).toBe(0.3)
  })

  it('carries no passed when the course sets no bar', async () => {
    const res = await call(emu, 'GET', board(COMPETITIONS.normal, `course_id=${COURSES.noBar}`), {
      token: COURSE_TOKENS.carol
    })
    expect(res.status).toBe(200)
    expect(res.body.leaders.length).toBe(2)
    for (const row of res.body.leaders) expect(row).not.toHaveProperty('passed')
    expect(res.body.course_context.pass_threshold).toBeNull()
  })

  it('refuses a non-member (403), an unknown course (404), a challenge outside the course (400)', async () => {
    const outsider = await call(
      emu,
      'GET',
      board(COMPETITIONS.normal, `course_id=${COURSES.lunar}`)
    )
    expect(outsider.status).toBe(403)
    const otherTeacher = await call(
      emu,
      'GET',
      board(COMPETITIONS.normal, `course_id=${COURSES.lunar}`),
      { token: TOKENS.teacher }
    )
    expect(otherTeacher.status).toBe(403)
    const unknown = await call(emu, 'GET', board(COMPETITIONS.normal, 'course_id=999'), {
      token: COURSE_TOKENS.carol
    })
    expect(unknown.status).toBe(404)
    const outside = await call(emu, 'GET', board(COMPETITIONS.elo, `course_id=${COURSES.lunar}`), {
      token: COURSE_TOKENS.carol
    })
    expect(outside.status).toBe(400)
    const bad = await call(emu, 'GET', board(COMPETITIONS.normal, 'course_id=abc'), {
      token: COURSE_TOKENS.carol
    })
    expect(bad.status).toBe(400)
  })

  it('me=true gives the caller rank among the class', async () => {
    const res = await call(
      emu,
      'GET',
      board(COMPETITIONS.normal, `course_id=${COURSES.lunar}&me=true`),
      { token: COURSE_TOKENS.dave }
    )
    expect(res.body.me).toMatchObject({ rank: 3, position: 3 })
    expect(res.body.me.row).toMatchObject({ username: 'dave', passed: false })
  })

  it('the board without course_id is unchanged (synthetic rows, no passed)', async () => {
    const res = await call(emu, 'GET', board(COMPETITIONS.normal, 'limit=5'))
    expect(res.body.total).toBeGreaterThan(20)
    expect(res.body.course_context.course_id).toBeNull()
    for (const row of res.body.leaders) expect(row).not.toHaveProperty('passed')
  })
})

describe('current wire: a new enrolment and a new score reach the course board', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('a score exactly at the threshold passes (>= for desc)', async () => {
    const enrol = await call(emu, 'POST', `${C}/enroll/${code(emu, COURSES.lunar)}`, {
      json: IDENTITY
    })
    expect(enrol.status).toBe(201)
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'alice-threshold', {
      'agent.py': 'class Agent:\n    pass\n# MLARENA_EMULATOR:SCORE=150\n'
    })
    emu.settle(aid)
    const res = await call(
      emu,
      'GET',
      board(COMPETITIONS.normal, `course_id=${COURSES.lunar}&aggregate=submission`)
    )
    const row = (res.body.leaders as Record<string, unknown>[]).find(r => r.submission_id === aid)
    expect(row).toMatchObject({ score: 150, passed: true, rank: 3 })
  })
})

describe('legacy wire: course boards', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterAll(() => emu.close())

  it('refuses course_id on the leaderboard (400) instead of ignoring it', async () => {
    const res = await call(
      emu,
      'GET',
      `/api/leaderboard/competition/${COMPETITIONS.normal}?course_id=${COURSES.lunar}`,
      { token: COURSE_TOKENS.teacher }
    )
    expect(res.status).toBe(400)
    expect(res.body.error).toContain('course_id')
    const plain = await call(emu, 'GET', `/api/leaderboard/competition/${COMPETITIONS.normal}`)
    expect(plain.status).toBe(200)
  })
})
