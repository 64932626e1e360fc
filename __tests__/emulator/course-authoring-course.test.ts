/**
 * Course composition (SDK 4.4.0 `update_course`, `set_course_cover`, `list_course_modules`,
 * `link_module`, `unlink_module`, `reorder_modules`, `add_course_challenge`,
 * `remove_course_challenge`, and `course_cover` to read the image back): the course's teacher
 * only; owned or public modules are linkable; drafts stay out of what students see.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSES,
  COURSE_TOKENS,
  SEEDED_MODULES,
  type Emulator
} from '../../emulator/index.ts'
import { call, start } from './helpers.ts'
import {
  ALICE,
  as,
  C,
  courseChallenges,
  createCourse,
  createModule,
  T,
  TESS,
  type Row
} from './course-authoring-helpers.ts'

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a tiny cover')
])

function coverForm(bytes: Buffer, part = 'file'): FormData {
  const form = new FormData()
  form.append(part, new Blob([new Uint8Array(bytes)]), 'cover.png')
  return form
}

describe('current wire: course meta and cover', () => {
  let emu: Emulator
  const meta = `${T}/course/${COURSES.lunar}`
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  it('update_course: partial, answers the course row', async () => {
    const res = await as(emu, TESS, 'PUT', meta, {
      description: 'New intro',
      visibility: 'public',
      end_date: '2027-06-30'
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: COURSES.lunar,
      name: 'CS-101 Reinforcement Learning',
      code: 'CS101',
      slug: 'cs-101-reinforcement-learning',
      description: 'New intro',
      visibility: 'public',
      end_date: '2027-06-30'
    })
    const cleared = await as(emu, TESS, 'PUT', meta, { code: null, instructor_name: 'Dr T' })
    expect(cleared.body).toMatchObject({ code: null, instructor_name: 'Dr T' })
  })

  it.each([
    [{}, 'at least one'],
    [{ slug: 'renamed' }, 'slug'],
    [{ name: '' }, 'name'],
    [{ visibility: 'hidden' }, 'visibility'],
    [{ start_date: '2026-13-01' }, 'start_date'],
    [{ end_date: '2020-01-01' }, 'before start_date'],
    [{ teacher_user_id: 12 }, 'teacher_user_id']
  ])('update_course refuses %j (400: %s) and changes nothing', async (body, named) => {
    const before = emu.state().courses.find(c => c.id === COURSES.lunar)
    const res = await as(emu, TESS, 'PUT', meta, body)
    expect(res.status).toBe(400)
    expect(res.body.error).toContain(named)
    expect(emu.state().courses.find(c => c.id === COURSES.lunar)).toEqual(before)
  })

  it("update_course: the course's teacher only, with a teacher token", async () => {
    expect((await as(emu, ALICE, 'PUT', meta, { name: 'Taken' })).status).toBe(403)
    expect((await as(emu, COURSE_TOKENS.teacherUser, 'PUT', meta, { name: 'X' })).status).toBe(403)
    expect((await as(emu, TESS, 'PUT', `${T}/course/9999`, { name: 'X' })).status).toBe(404)
    expect(emu.state().courses.find(c => c.id === COURSES.lunar)?.name).toBe(
      'CS-101 Reinforcement Learning'
    )
  })

  it('set_course_cover: {has_cover}; the image comes back from the asset route', async () => {
    const asset = `${C}/assets/courses/${COURSES.lunar}/cover`
    expect((await call(emu, 'GET', asset, { token: TESS })).status).toBe(404)
    const res = await call(emu, 'POST', `${meta}/cover`, { token: TESS, form: coverForm(PNG) })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ has_cover: true })
    const image = await fetch(`${emu.baseUrl}${asset}`, {
      headers: { authorization: `Bearer ${COURSE_TOKENS.carol}` }
    })
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true)
    const taught = await as(emu, TESS, 'GET', `${T}/courses`)
    expect((taught.body as Row[]).find(r => r.id === COURSES.lunar)?.has_cover).toBe(true)
    expect(emu.state().authoring?.covers).toEqual([
      {
        courseId: COURSES.lunar,
        contentType: 'image/png',
        size: PNG.length,
        sha256: expect.any(String)
      }
    ])
    // A private course's cover is for its members and managers.
    expect((await call(emu, 'GET', asset, { token: null })).status).toBe(404)
  })

  it('set_course_cover refuses what is not one PNG/JPEG part, and other teachers', async () => {
    const path = `${meta}/cover`
    const text = await call(emu, 'POST', path, {
      token: TESS,
      form: coverForm(Buffer.from('GIF89a'))
    })
    expect(text.status).toBe(400)
    const wrongPart = await call(emu, 'POST', path, { token: TESS, form: coverForm(PNG, 'image') })
    expect(wrongPart.status).toBe(400)
    expect((await as(emu, TESS, 'POST', path, { file: 'x' })).status).toBe(400)
    const other = await call(emu, 'POST', path, { token: ALICE, form: coverForm(PNG) })
    expect(other.status).toBe(403)
    expect(emu.state().authoring?.covers).toEqual([])
  })
})

describe('current wire: a course’s modules', () => {
  let emu: Emulator
  const K = `${T}/course/${COURSES.twoChallenges}`
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  const linked = (): number[] | undefined =>
    emu.state().authoring?.links.find(l => l.courseId === COURSES.twoChallenges)?.moduleIds

  it('list_course_modules: in order, each owned or borrowed, drafts included', async () => {
    const res = await as(emu, TESS, 'GET', `${K}/modules`)
    expect(res.status).toBe(200)
    expect(
      (res.body as Row[]).map(r => [r.module_id, r.position, r.owned, r.is_published])
    ).toEqual([
      [SEEDED_MODULES.foundations, 0, true, true],
      [SEEDED_MODULES.forecasting, 1, true, true],
      [SEEDED_MODULES.comingSoon, 2, true, false]
    ])
    expect(res.body[0]).toMatchObject({
      id: SEEDED_MODULES.foundations,
      course_id: COURSES.twoChallenges,
      title: 'Foundations',
      slug: 'foundations',
      challenges: [{ challenge_id: 1, label: 'Lunar Lander', pass_threshold: 150 }]
    })
    expect((await as(emu, ALICE, 'GET', `${K}/modules`)).status).toBe(403)
  })

  it('link_module: owned or public, at the end or at a position; linking again changes nothing', async () => {
    const borrowed = await as(emu, TESS, 'POST', `${K}/modules`, {
      module_id: SEEDED_MODULES.sharedBasics
    })
    expect(borrowed.status).toBe(201)
    expect(borrowed.body).toMatchObject({
      module_id: SEEDED_MODULES.sharedBasics,
      position: 3,
      owned: false
    })
    const own = await createModule(emu, { title: 'Week zero' })
    const first = await as(emu, TESS, 'POST', `${K}/modules`, { module_id: own.id, position: 0 })
    expect(first.body.position).toBe(0)
    const again = await as(emu, TESS, 'POST', `${K}/modules`, { module_id: own.id, position: 2 })
    expect(again.status).toBe(200)
    expect(again.body.position).toBe(0)
    expect(linked()).toEqual([
      own.id,
      SEEDED_MODULES.foundations,
      SEEDED_MODULES.forecasting,
      SEEDED_MODULES.comingSoon,
      SEEDED_MODULES.sharedBasics
    ])
  })

  it.each([
    [{}, 400],
    [{ module_id: 'x' }, 400],
    [{ module_id: 424242 }, 404],
    [{ module_id: SEEDED_MODULES.alicePrivate }, 404],
    [{ module_id: SEEDED_MODULES.foundations, extra: 1 }, 400]
  ])('link_module refuses %j (%i)', async (body, status) => {
    expect((await as(emu, TESS, 'POST', `${K}/modules`, body)).status).toBe(status)
    expect(linked()).toHaveLength(3)
  })

  it('link_module: a position past the end, a slug the course already shows, another teacher', async () => {
    const own = await createModule(emu, { title: 'Late' })
    expect(
      (await as(emu, TESS, 'POST', `${K}/modules`, { module_id: own.id, position: 9 })).status
    ).toBe(400)
    const clash = await createModule(
      emu,
      { title: 'F', slug: 'foundations', visibility: 'public' },
      ALICE
    )
    const res = await as(emu, TESS, 'POST', `${K}/modules`, { module_id: clash.id })
    expect(res.status).toBe(409)
    expect(res.body.error).toContain('foundations')
    const other = await as(emu, ALICE, 'POST', `${K}/modules`, { module_id: clash.id })
    expect(other.status).toBe(403)
    expect(linked()).toHaveLength(3)
  })

  it('a linked draft module adds no challenge until published', async () => {
    const draft = await createModule(emu, { title: 'Draft cup', is_published: false })
    await as(emu, TESS, 'POST', `${T}/modules/${draft.id}/challenges`, {
      challenge_id: COMPETITIONS.elo
    })
    await as(emu, TESS, 'POST', `${K}/modules`, { module_id: draft.id })
    expect(courseChallenges(emu, COURSES.twoChallenges)).toHaveLength(2)
    await as(emu, TESS, 'PUT', `${T}/modules/${draft.id}`, { is_published: true })
    expect(courseChallenges(emu, COURSES.twoChallenges)).toContainEqual({
      challengeId: COMPETITIONS.elo,
      passThreshold: null
    })
  })

  it('unlink_module: the link goes, the module stays', async () => {
    const res = await as(emu, TESS, 'DELETE', `${K}/modules/${SEEDED_MODULES.forecasting}`)
    expect(res.status).toBe(200)
    expect(linked()).toEqual([SEEDED_MODULES.foundations, SEEDED_MODULES.comingSoon])
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: 1, passThreshold: 150 }
    ])
    expect(emu.state().authoring?.modules.some(m => m.id === SEEDED_MODULES.forecasting)).toBe(true)
    expect(
      (await as(emu, TESS, 'DELETE', `${K}/modules/${SEEDED_MODULES.forecasting}`)).status
    ).toBe(404)
    expect(
      (await as(emu, ALICE, 'DELETE', `${K}/modules/${SEEDED_MODULES.foundations}`)).status
    ).toBe(403)
  })

  it('reorder_modules: exactly the linked ids', async () => {
    const wanted = [
      SEEDED_MODULES.comingSoon,
      SEEDED_MODULES.foundations,
      SEEDED_MODULES.forecasting
    ]
    const res = await as(emu, TESS, 'PUT', `${K}/modules/reorder`, { ordered_ids: wanted })
    expect(res.status).toBe(200)
    expect((res.body as Row[]).map(r => r.module_id)).toEqual(wanted)
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: 1, passThreshold: 150 },
      { challengeId: 7, passThreshold: 0.3 }
    ])
    for (const ordered_ids of [wanted.slice(1), [...wanted, 411], [401, 401, 402]])
      expect((await as(emu, TESS, 'PUT', `${K}/modules/reorder`, { ordered_ids })).status).toBe(400)
    expect(linked()).toEqual(wanted)
  })
})

describe('current wire: add_course_challenge and remove_course_challenge', () => {
  let emu: Emulator
  let course: Row
  let K: string
  beforeEach(async () => {
    emu = await start()
    course = await createCourse(emu)
    K = `${T}/course/${course.id}`
  })
  afterEach(() => emu.close())

  it('makes a private module linked at the end, the challenge attached with its bar', async () => {
    const res = await as(emu, TESS, 'POST', `${K}/challenges`, {
      challenge_id: 1,
      summary: 'Land it.',
      pass_threshold: 150
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      course_id: course.id,
      position: 0,
      title: 'Lunar Lander',
      summary: 'Land it.',
      visibility: 'private',
      is_published: true,
      owned: true,
      challenges: [{ challenge_id: 1, label: null, pass_threshold: 150 }]
    })
    const listed = await as(emu, TESS, 'GET', `${K}/modules`)
    expect((listed.body as Row[]).map(r => r.module_id)).toEqual([res.body.module_id])
    expect(courseChallenges(emu, course.id as number)).toEqual([
      { challengeId: 1, passThreshold: 150 }
    ])
  })

  it('is_published: false stages the entry as a draft', async () => {
    const res = await as(emu, TESS, 'POST', `${K}/challenges`, {
      challenge_id: 7,
      is_published: false
    })
    expect(res.status).toBe(201)
    expect(res.body.is_published).toBe(false)
    expect(courseChallenges(emu, course.id as number)).toEqual([])
  })

  it('all or nothing: a refused entry writes no module', async () => {
    const before = emu.state().authoring?.modules.length
    for (const body of [
      {},
      { challenge_id: 1, pass_threshold: 'x' },
      { challenge_id: 3 },
      { challenge_id: 1, label: 'L' }
    ])
      expect((await as(emu, TESS, 'POST', `${K}/challenges`, body)).status).toBeGreaterThanOrEqual(
        400
      )
    expect(emu.state().authoring?.modules.length).toBe(before)
  })

  it('remove_course_challenge deletes a simple module linked nowhere else, unlinks any other', async () => {
    const added = await as(emu, TESS, 'POST', `${K}/challenges`, { challenge_id: 1 })
    const removed = await as(emu, TESS, 'DELETE', `${K}/challenges/${added.body.module_id}`)
    expect(removed.status).toBe(200)
    expect(removed.body).toMatchObject({ module_deleted: true })
    expect(emu.state().authoring?.modules.some(m => m.id === added.body.module_id)).toBe(false)
    const two = `${T}/course/${COURSES.twoChallenges}`
    const kept = await as(emu, TESS, 'DELETE', `${two}/challenges/${SEEDED_MODULES.foundations}`)
    expect(kept.body).toMatchObject({ module_deleted: false })
    expect(emu.state().authoring?.modules.some(m => m.id === SEEDED_MODULES.foundations)).toBe(true)
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: 7, passThreshold: 0.3 }
    ])
    expect(
      (await as(emu, TESS, 'DELETE', `${K}/challenges/${SEEDED_MODULES.foundations}`)).status
    ).toBe(404)
  })
})

describe('legacy wire: no course composition', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterEach(() => emu.close())

  it.each([
    ['PUT', `${T}/course/1`],
    ['POST', `${T}/course/1/cover`],
    ['GET', `${T}/course/1/modules`],
    ['POST', `${T}/course/1/modules`],
    ['PUT', `${T}/course/1/modules/reorder`],
    ['DELETE', `${T}/course/1/modules/401`],
    ['POST', `${T}/course/1/challenges`],
    ['DELETE', `${T}/course/1/challenges/421`]
  ])('%s %s is 404', async (method, path) => {
    const res = await as(
      emu,
      TESS,
      method,
      path,
      ['GET', 'DELETE'].includes(method) ? undefined : { name: 'X' }
    )
    expect(res.status).toBe(404)
  })
})
