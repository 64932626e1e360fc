/**
 * Course creation, the course list, and the teacher's reads (the roster and "my courses"):
 * contract "Creators and teachers" → course routes, and the SDK's course methods.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSES,
  COURSE_TOKENS,
  FIRST_COURSE_ID,
  TOKENS,
  type Emulator
} from '../../emulator/index.ts'
import { call, start, WIRES, type Wire } from './helpers.ts'

const C = '/api/academic_courses'
type Row = Record<string, unknown>

describe.each(WIRES)('%s wire: the course list', (wire: Wire) => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire })
  })
  afterEach(() => emu.close())

  const codeKey = wire === 'current' ? 'join_code' : 'enrollment_link'

  it('needs a token (the list is not a public read)', async () => {
    expect((await call(emu, 'GET', `${C}/`, { token: null })).status).toBe(401)
  })

  it('shows a student enrolled + active courses, is_enrolled, and codes only to members', async () => {
    const res = await call(emu, 'GET', `${C}/`, { token: COURSE_TOKENS.dave })
    expect(res.status).toBe(200)
    const rows = res.body as Row[]
    // dave: enrolled in 1, 2 and 4; 3 has ended (not listed without show_all).
    expect(rows.map(r => [r.id, r.is_enrolled])).toEqual([
      [COURSES.lunar, true],
      [COURSES.twoChallenges, true],
      [COURSES.noBar, true]
    ])
    for (const row of rows) expect(typeof row[codeKey]).toBe('string')
  })

  it('hides private and unlisted courses from outsiders and their codes', async () => {
    const res = await call(emu, 'GET', `${C}/?show_all=true`)
    const rows = res.body as Row[]
    expect(rows.map(r => r.id)).toEqual([COURSES.ended, COURSES.noBar])
    for (const row of rows) {
      expect(row.is_enrolled).toBe(false)
      expect(row[codeKey]).toBeNull()
    }
  })

  it('show_all adds ended courses; challenge_id filters by attached challenge', async () => {
    const all = await call(emu, 'GET', `${C}/?show_all=true`, { token: COURSE_TOKENS.carol })
    expect((all.body as Row[]).map(r => r.id)).toEqual([1, 2, 3, 4])
    const file = await call(emu, 'GET', `${C}/?show_all=true&challenge_id=7`, {
      token: COURSE_TOKENS.carol
    })
    expect((file.body as Row[]).map(r => r.id)).toEqual([COURSES.twoChallenges])
    const bad = await call(emu, 'GET', `${C}/?challenge_id=x`, { token: COURSE_TOKENS.carol })
    expect(bad.status).toBe(400)
  })

  it('shows the teacher every course they manage, with its code', async () => {
    const res = await call(emu, 'GET', `${C}/?show_all=true`, { token: COURSE_TOKENS.teacher })
    const rows = res.body as Row[]
    expect(rows.map(r => r.id)).toEqual([1, 2, 3, 4])
    for (const row of rows) {
      expect(row.is_enrolled).toBe(false)
      expect(typeof row[codeKey]).toBe('string')
    }
  })
})

describe('current wire: create (SDK 4.x)', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'current' })
  })
  afterEach(() => emu.close())

  it('creates with any scope and a name only, minting a join_code that enrols', async () => {
    const res = await call(emu, 'POST', `${C}/`, { token: TOKENS.user, json: { name: 'My Lab' } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      id: FIRST_COURSE_ID,
      name: 'My Lab',
      slug: 'my-lab',
      visibility: 'private',
      start_date: null,
      end_date: null,
      challenge_ids: []
    })
    expect(res.body.join_code).toMatch(/^[A-Z0-9]{8}$/)
    const preview = await call(emu, 'GET', `${C}/enroll/${res.body.join_code}`, { token: null })
    expect(preview.status).toBe(200)
    expect(preview.body.course.id).toBe(FIRST_COURSE_ID)
    const listed = await call(emu, 'GET', `${C}/?show_all=true`)
    expect((listed.body as Row[]).find(r => r.id === FIRST_COURSE_ID)?.join_code).toBe(
      res.body.join_code
    )
  })

  it('creates with the full 4.x body', async () => {
    const res = await call(emu, 'POST', `${C}/`, {
      token: COURSE_TOKENS.teacher,
      json: {
        name: 'CS-303',
        code: 'CS303',
        start_date: '2026-12-01',
        end_date: '2027-03-01',
        instructor_name: 'Tess',
        slug: 'cs-303',
        description: 'Advanced',
        visibility: 'public'
      }
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      code: 'CS303',
      start_date: '2026-12-01',
      end_date: '2027-03-01',
      instructor_name: 'Tess',
      slug: 'cs-303',
      visibility: 'public'
    })
  })

  it('refuses a bad body with 400 and creates nothing', async () => {
    const bodies: unknown[] = [
      {},
      { name: '   ' },
      { name: 'x', start_date: '2026-13-01' },
      { name: 'x', start_date: '2026-12-10', end_date: '2026-12-01' },
      { name: 'x', visibility: 'secret' },
      { name: 'x', slug: 'Bad Slug' },
      { name: 'x', competition_id: 1 }
    ]
    for (const json of bodies) {
      const res = await call(emu, 'POST', `${C}/`, { token: TOKENS.user, json })
      expect(res.status).toBe(400)
      expect(typeof res.body.error).toBe('string')
    }
    expect(emu.state().courses.map(c => c.id)).toEqual([1, 2, 3, 4])
  })

  it('limits an account to one course (max_courses_limit), and a taken slug is 409', async () => {
    const first = await call(emu, 'POST', `${C}/`, { token: TOKENS.user, json: { name: 'One' } })
    expect(first.status).toBe(201)
    const second = await call(emu, 'POST', `${C}/`, {
      token: TOKENS.teacher,
      json: { name: 'Two' }
    })
    expect(second.status).toBe(403)
    expect(second.body.error).toContain('max_courses_limit')
    const taken = await call(emu, 'POST', `${C}/`, {
      token: TOKENS.otherUser,
      json: { name: 'Other', slug: 'one' }
    })
    expect(taken.status).toBe(409)
    const derived = await call(emu, 'POST', `${C}/`, {
      token: TOKENS.otherUser,
      json: { name: 'One' }
    })
    expect(derived.status).toBe(201)
    expect(derived.body.slug).toBe('one-2')
  })
})

describe('legacy wire: create (SDK 0.2.0)', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterEach(() => emu.close())

  const body = { name: 'Legacy RL', code: 'LRL1', start_date: '2026-11-01', end_date: '2027-01-31' }

  it('needs a teacher token', async () => {
    for (const token of [TOKENS.user, TOKENS.creator]) {
      const res = await call(emu, 'POST', `${C}/`, { token, json: body })
      expect(res.status).toBe(403)
    }
  })

  it('needs name, code and both dates', async () => {
    for (const key of Object.keys(body)) {
      const json: Record<string, unknown> = { ...body }
      delete json[key]
      const res = await call(emu, 'POST', `${C}/`, { token: TOKENS.teacher, json })
      expect(res.status).toBe(400)
      expect(res.body.error).toContain(key)
    }
  })

  it('creates with competition_id and answers the minted enrollment_link, which enrols', async () => {
    const res = await call(emu, 'POST', `${C}/`, {
      token: TOKENS.teacher,
      json: { ...body, instructor_name: 'Alice', competition_id: COMPETITIONS.normal }
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      id: FIRST_COURSE_ID,
      name: 'Legacy RL',
      code: 'LRL1',
      competition_id: COMPETITIONS.normal
    })
    expect(res.body.enrollment_link).toMatch(/^[0-9a-f]{32}$/)
    const enrol = await call(emu, 'POST', `${C}/enroll/${res.body.enrollment_link}`, {
      token: COURSE_TOKENS.carol,
      json: {}
    })
    expect(enrol.status).toBe(201)
    expect(enrol.body.competition_ids).toEqual([COMPETITIONS.normal])
  })

  it('refuses a competition the teacher cannot see (404)', async () => {
    const res = await call(emu, 'POST', `${C}/`, {
      token: COURSE_TOKENS.teacher,
      json: { ...body, competition_id: COMPETITIONS.hidden }
    })
    expect(res.status).toBe(404)
  })

  it('serves no teacher roster route (the 0.2.0 SDK documents none)', async () => {
    const res = await call(emu, 'GET', `/api/teacher/students/${COURSES.lunar}`, {
      token: COURSE_TOKENS.teacher
    })
    expect(res.status).toBe(404)
  })
})

describe('current wire: the teacher reads', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'current' })
  })
  afterEach(() => emu.close())

  it('the roster lists every enrolled student with identity, project_url and enrolment time', async () => {
    const res = await call(emu, 'GET', `/api/teacher/students/${COURSES.lunar}`, {
      token: COURSE_TOKENS.teacher
    })
    expect(res.status).toBe(200)
    expect(res.body.selected_challenge_id).toBeNull()
    expect(res.body.challenges).toEqual([
      { id: COMPETITIONS.normal, name: 'Lunar Lander', pass_threshold: 150 }
    ])
    const students = res.body.students as Row[]
    // `course_students` docstring: no username, the student is `user_id`.
    expect(students.map(s => s.user_id)).toEqual([12, 13, 14, 15])
    for (const student of students)
      expect(Object.keys(student).sort()).toEqual([
        'enrolled_at_ts',
        'project_url',
        'student_email',
        'student_number',
        'team_id',
        'team_name',
        'user_id'
      ])
    expect(students[0]).toMatchObject({
      user_id: 12,
      student_number: 'S1001',
      student_email: 'carol@uni.example',
      project_url: 'https://github.com/cs101-classroom/lunar-carol',
      team_id: null
    })
    expect(students.find(s => s.user_id === 14)?.project_url).toBeNull()
    expect(Date.parse(students[0]?.enrolled_at_ts as string)).not.toBeNaN()
  })

  it('takes challenge_id of an attached challenge, and refuses another (400)', async () => {
    const path = `/api/teacher/students/${COURSES.twoChallenges}`
    const ok = await call(emu, 'GET', `${path}?challenge_id=7`, { token: COURSE_TOKENS.teacher })
    expect(ok.status).toBe(200)
    expect(ok.body.selected_challenge_id).toBe(7)
    expect(ok.body.challenges.map((c: Row) => c.id)).toEqual([1, 7])
    const bad = await call(emu, 'GET', `${path}?challenge_id=2`, { token: COURSE_TOKENS.teacher })
    expect(bad.status).toBe(400)
  })

  it('needs a teacher token of the course teacher', async () => {
    const path = `/api/teacher/students/${COURSES.lunar}`
    expect((await call(emu, 'GET', path, { token: COURSE_TOKENS.teacherUser })).status).toBe(403)
    expect((await call(emu, 'GET', path, { token: COURSE_TOKENS.carol })).status).toBe(403)
    expect((await call(emu, 'GET', path, { token: TOKENS.teacher })).status).toBe(403)
    expect(
      (await call(emu, 'GET', '/api/teacher/students/999', { token: COURSE_TOKENS.teacher })).status
    ).toBe(404)
  })

  it('a new enrolment shows in the roster', async () => {
    await call(emu, 'POST', `${C}/enroll/LUNAR7K2`, {
      json: {
        student_email: 'alice@uni.example',
        student_number: 'S2000',
        project_url: 'https://github.com/alice/lunar'
      }
    })
    const res = await call(emu, 'GET', `/api/teacher/students/${COURSES.lunar}`, {
      token: COURSE_TOKENS.teacher
    })
    expect((res.body.students as Row[]).at(-1)).toMatchObject({
      user_id: 1,
      student_number: 'S2000',
      project_url: 'https://github.com/alice/lunar'
    })
  })

  it('add_course_challenge attaches a challenge with its bar to a created course', async () => {
    const created = await call(emu, 'POST', `${C}/`, {
      token: COURSE_TOKENS.teacher,
      json: { name: 'CS-404' }
    })
    const id = created.body.id as number
    const path = `/api/teacher/course/${id}/challenges`
    const user = await call(emu, 'POST', path, {
      token: COURSE_TOKENS.teacherUser,
      json: { challenge_id: 1 }
    })
    expect(user.status).toBe(403)
    const other = await call(emu, 'POST', path, {
      token: TOKENS.teacher,
      json: { challenge_id: 1 }
    })
    expect(other.status).toBe(403)
    for (const json of [{}, { challenge_id: 1, pass_threshold: 'high' }]) {
      const bad = await call(emu, 'POST', path, { token: COURSE_TOKENS.teacher, json })
      expect(bad.status).toBe(400)
    }
    const hidden = await call(emu, 'POST', path, {
      token: COURSE_TOKENS.teacher,
      json: { challenge_id: COMPETITIONS.hidden }
    })
    expect(hidden.status).toBe(404)
    const added = await call(emu, 'POST', path, {
      token: COURSE_TOKENS.teacher,
      json: { challenge_id: 1, pass_threshold: 100 }
    })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({
      course_id: id,
      title: 'Lunar Lander',
      challenges: [{ challenge_id: 1, pass_threshold: 100 }]
    })
    const again = await call(emu, 'POST', path, {
      token: COURSE_TOKENS.teacher,
      json: { challenge_id: 1 }
    })
    expect(again.status).toBe(409)
    // Enrol carol; the new course's board uses the new bar (dave's 95.25 would not pass, carol's 210.5 does).
    const enrol = await call(emu, 'POST', `${C}/enroll/${created.body.join_code}`, {
      token: COURSE_TOKENS.carol,
      json: {}
    })
    expect(enrol.body.challenge_ids).toEqual([1])
    const board = await call(emu, 'GET', `/api/leaderboard/challenge/1?course_id=${id}`, {
      token: COURSE_TOKENS.teacher
    })
    expect(board.body.course_context.pass_threshold).toBe(100)
    expect(board.body.leaders.map((r: Row) => [r.username, r.passed])).toEqual([['carol', true]])
  })

  it('an enrolled student sees the course hidden challenge', async () => {
    const created = await call(emu, 'POST', `${C}/`, {
      token: TOKENS.teacher,
      json: { name: 'Private cup course' }
    })
    const added = await call(emu, 'POST', `/api/teacher/course/${created.body.id}/challenges`, {
      token: TOKENS.teacher,
      json: { challenge_id: COMPETITIONS.hidden, pass_threshold: 10 }
    })
    expect(added.status).toBe(201)
    const detail = `/api/challenges/${COMPETITIONS.hidden}`
    expect((await call(emu, 'GET', detail, { token: COURSE_TOKENS.carol })).status).toBe(404)
    const enrol = await call(emu, 'POST', `${C}/enroll/${created.body.join_code}`, {
      token: COURSE_TOKENS.carol,
      json: {}
    })
    expect(enrol.status).toBe(201)
    expect((await call(emu, 'GET', detail, { token: COURSE_TOKENS.carol })).status).toBe(200)
  })

  it('teacher/courses lists the courses the token user teaches, with role and join_code', async () => {
    const res = await call(emu, 'GET', '/api/teacher/courses', { token: COURSE_TOKENS.teacher })
    expect(res.status).toBe(200)
    expect((res.body as Row[]).map(r => [r.id, r.role, r.join_code, r.student_count])).toEqual([
      [1, 'teacher', 'LUNAR7K2', 4],
      [2, 'teacher', 'TWOCH4LL', 2],
      [3, 'teacher', 'ENDED5XQ', 1],
      [4, 'teacher', 'OPENLAB1', 2]
    ])
    const none = await call(emu, 'GET', '/api/teacher/courses', { token: TOKENS.teacher })
    expect(none.body).toEqual([])
    const user = await call(emu, 'GET', '/api/teacher/courses', { token: TOKENS.user })
    expect(user.status).toBe(403)
  })
})

describe('current wire: the teacher follows the class (course_progress, export_course_csv)', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'current' })
  })
  afterEach(() => emu.close())

  it('the progress dashboard gives every student’s best value, bar and passed, by user_id', async () => {
    const res = await call(emu, 'GET', `/api/teacher/course/${COURSES.lunar}/progress`, {
      token: COURSE_TOKENS.teacher
    })
    expect(res.status).toBe(200)
    expect(res.body.challenges).toEqual([
      {
        challenge_id: COMPETITIONS.normal,
        name: 'Lunar Lander',
        pass_threshold: 150,
        metric: expect.objectContaining({ key: 'mean_reward', order: 'desc', is_ranking: true })
      }
    ])
    const students = res.body.students as Row[]
    expect(students.map(s => s.user_id)).toEqual([12, 13, 14, 15])
    const cell = (userId: number): Row =>
      (students.find(s => s.user_id === userId)?.cells as Row[])[0] as Row
    expect(cell(12)).toMatchObject({ value: 210.5, pass_threshold: 150, passed: true })
    expect(cell(13)).toMatchObject({ value: 95.25, passed: false })
    // erin has no scored agent: listed, nothing to judge.
    expect(cell(14)).toMatchObject({ value: null, passed: null })
    expect(cell(15)).toMatchObject({ value: 160.75, passed: true })
    expect(Date.parse(students[0]?.last_active_at_ts as string)).not.toBeNaN()
  })

  it('a pass bar follows the ranking direction: lower is better on an asc challenge', async () => {
    const res = await call(emu, 'GET', `/api/teacher/course/${COURSES.twoChallenges}/progress`, {
      token: COURSE_TOKENS.teacher
    })
    expect(res.status).toBe(200)
    const meta = (res.body.challenges as Row[]).find(c => c.challenge_id === 7)
    expect(meta?.metric).toMatchObject({ key: 'rmse', order: 'asc' })
    for (const student of res.body.students as Row[]) {
      const cell = (student.cells as Row[]).find(c => c.challenge_id === 7) as Row
      if (cell.value === null) expect(cell.passed).toBeNull()
      else expect(cell.passed).toBe((cell.value as number) <= 0.3)
    }
  })

  it('the progress dashboard needs the course’s teacher', async () => {
    const path = `/api/teacher/course/${COURSES.lunar}/progress`
    expect((await call(emu, 'GET', path, { token: COURSE_TOKENS.carol })).status).toBe(403)
    expect((await call(emu, 'GET', path, { token: TOKENS.teacher })).status).toBe(403)
  })

  it('exports one attached challenge’s course board as a CSV attachment', async () => {
    const path = `/api/teacher/export-csv/${COURSES.lunar}`
    const res = await fetch(`${emu.baseUrl}${path}?challenge_id=1&by_participant=false`, {
      headers: { authorization: `Bearer ${COURSE_TOKENS.teacher}` }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="leaderboard_course_1_challenge_1.csv"'
    )
    const lines = (await res.text()).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'rank,username,student_number,student_email,submission_id,submission_name,score,passed,last_end_run_ts'
    )
    // One row per submission (frank has two).
    expect(lines.length - 1).toBe(4)
    const byStudent = await fetch(`${emu.baseUrl}${path}?challenge_id=1&by_participant=true`, {
      headers: { authorization: `Bearer ${COURSE_TOKENS.teacher}` }
    })
    const rows = (await byStudent.text()).trimEnd().split('\r\n').slice(1)
    // One row per enrolled student, erin (no scored agent) included.
    expect(rows.map(r => r.split(',')[1])).toEqual(['carol', 'frank', 'dave', 'erin'])
    expect(rows[3]).toBe(',erin,S1003,erin@uni.example,,,,,')
  })

  it('the export needs challenge_id, of an attached challenge', async () => {
    const path = `/api/teacher/export-csv/${COURSES.lunar}`
    const token = COURSE_TOKENS.teacher
    expect((await call(emu, 'GET', path, { token })).status).toBe(400)
    expect((await call(emu, 'GET', `${path}?challenge_id=2`, { token })).status).toBe(400)
    expect(
      (await call(emu, 'GET', `${path}?challenge_id=1`, { token: COURSE_TOKENS.carol })).status
    ).toBe(403)
  })
})
