/**
 * Course modules and their challenges (SDK 4.4.0 `create_module`, `list_modules`, `get_module`,
 * `update_module`, `delete_module`, `attach_challenge`, `update_challenge_link`,
 * `detach_challenge`, `reorder_module_challenges`): a teacher token, owner-only writes, public
 * modules readable by other teachers, drafts hidden from students.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSES,
  COURSE_TOKENS,
  FIRST_MODULE_ID,
  SEEDED_MODULES,
  type Emulator
} from '../../emulator/index.ts'
import { start } from './helpers.ts'
import {
  ALICE,
  as,
  courseChallenges,
  createCourse,
  createModule,
  T,
  TESS,
  type Row
} from './course-authoring-helpers.ts'

describe('current wire: modules', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  it('create_module needs a teacher token', async () => {
    const user = await as(emu, COURSE_TOKENS.teacherUser, 'POST', `${T}/modules`, { title: 'X' })
    expect(user.status).toBe(403)
    expect((await as(emu, null, 'POST', `${T}/modules`, { title: 'X' })).status).toBe(401)
    expect(emu.state().authoring?.modules.some(m => m.title === 'X')).toBe(false)
  })

  it('create_module: defaults (private, published, slug from the title), the id from 501', async () => {
    const res = await as(emu, TESS, 'POST', `${T}/modules`, {
      title: 'Deep RL: Part 2',
      visibility: 'private',
      is_published: true
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: FIRST_MODULE_ID,
      title: 'Deep RL: Part 2',
      slug: 'deep-rl-part-2',
      summary: null,
      icon: null,
      visibility: 'private',
      is_published: true,
      forked_from_module_id: null
    })
    const draft = await createModule(emu, {
      title: 'Drafty',
      slug: 'draft-one',
      summary: 'S',
      icon: 'book',
      visibility: 'public',
      is_published: false
    })
    expect(draft).toMatchObject({
      slug: 'draft-one',
      summary: 'S',
      icon: 'book',
      is_published: false
    })
  })

  it('a slug is unique per owner: another teacher may reuse it, a derived one gets a suffix', async () => {
    await createModule(emu, { title: 'Intro', slug: 'intro' })
    const again = await as(emu, TESS, 'POST', `${T}/modules`, { title: 'Intro', slug: 'intro' })
    expect(again.status).toBe(409)
    expect((await createModule(emu, { title: 'Intro' })).slug).toBe('intro-2')
    expect((await createModule(emu, { title: 'Intro', slug: 'intro' }, ALICE)).slug).toBe('intro')
  })

  it.each([
    [{}, 'title'],
    [{ title: '  ' }, 'title'],
    [{ title: 'A', slug: 'Not A Slug' }, 'slug'],
    [{ title: 'A', visibility: 'secret' }, 'visibility'],
    [{ title: 'A', is_published: 'yes' }, 'is_published'],
    [{ title: 'A', lessons: [] }, 'lessons']
  ])('create_module refuses %j (400 naming %s)', async (body, key) => {
    const before = emu.state().authoring?.modules.length
    const res = await as(emu, TESS, 'POST', `${T}/modules`, body)
    expect(res.status).toBe(400)
    expect(res.body.error).toContain(key)
    expect(emu.state().authoring?.modules.length).toBe(before)
  })

  it("list_modules: one's own; library=public: other teachers' public ones", async () => {
    const own = await as(emu, ALICE, 'GET', `${T}/modules`)
    expect((own.body as Row[]).map(m => m.id)).toEqual([
      SEEDED_MODULES.sharedBasics,
      SEEDED_MODULES.alicePrivate
    ])
    const library = await as(emu, TESS, 'GET', `${T}/modules?library=public`)
    expect((library.body as Row[]).map(m => m.id)).toEqual([SEEDED_MODULES.sharedBasics])
    const tessOwn = (await as(emu, TESS, 'GET', `${T}/modules`)).body as Row[]
    expect(tessOwn.map(m => m.id)).toContain(SEEDED_MODULES.foundations)
    expect(tessOwn.map(m => m.id)).not.toContain(SEEDED_MODULES.sharedBasics)
    expect((await as(emu, TESS, 'GET', `${T}/modules?library=all`)).status).toBe(400)
  })

  it('get_module: detail with the lesson TOC and challenge links (owner or public)', async () => {
    const res = await as(emu, TESS, 'GET', `${T}/modules/${SEEDED_MODULES.foundations}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: SEEDED_MODULES.foundations, slug: 'foundations' })
    expect((res.body.lessons as Row[]).map(l => [l.slug, l.is_published, l.position])).toEqual([
      ['what-is-rl', true, 0],
      ['first-agent', true, 1],
      ['reading-the-board', true, 2],
      ['draft-notes', false, 3]
    ])
    expect(res.body.lessons[0]).not.toHaveProperty('body_md')
    expect(res.body.challenges).toEqual([
      {
        module_id: SEEDED_MODULES.foundations,
        challenge_id: COMPETITIONS.normal,
        challenge: { id: COMPETITIONS.normal, name: 'Lunar Lander' },
        label: 'Lunar Lander',
        pass_threshold: 150,
        position: 0,
        metric: expect.objectContaining({ order: 'desc', is_ranking: true })
      }
    ])
    expect((await as(emu, ALICE, 'GET', `${T}/modules/${SEEDED_MODULES.foundations}`)).status).toBe(
      404
    )
    expect((await as(emu, TESS, 'GET', `${T}/modules/${SEEDED_MODULES.sharedBasics}`)).status).toBe(
      200
    )
    expect((await as(emu, TESS, 'GET', `${T}/modules/${SEEDED_MODULES.alicePrivate}`)).status).toBe(
      404
    )
    expect((await as(emu, TESS, 'GET', `${T}/modules/99999`)).status).toBe(404)
  })

  it('update_module: partial, owner only, the slug immutable, drafts back and forth', async () => {
    const path = `${T}/modules/${SEEDED_MODULES.foundations}`
    const res = await as(emu, TESS, 'PUT', path, { summary: 'New summary' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      title: 'Foundations',
      summary: 'New summary',
      is_published: true
    })
    expect((await as(emu, TESS, 'PUT', path, { slug: 'renamed' })).status).toBe(400)
    expect((await as(emu, TESS, 'PUT', path, {})).status).toBe(400)
    expect((await as(emu, TESS, 'PUT', path, { title: 'X', visibility: 'world' })).status).toBe(400)
    expect(
      emu.state().authoring?.modules.find(m => m.id === SEEDED_MODULES.foundations)?.title
    ).toBe('Foundations')
    const borrowed = `${T}/modules/${SEEDED_MODULES.sharedBasics}`
    expect((await as(emu, TESS, 'PUT', borrowed, { title: 'Mine now' })).status).toBe(403)
  })

  it("a draft module's challenges leave the course's challenges until it is published", async () => {
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: COMPETITIONS.normal, passThreshold: 150 },
      { challengeId: COMPETITIONS.fileChallenge, passThreshold: 0.3 }
    ])
    const path = `${T}/modules/${SEEDED_MODULES.forecasting}`
    await as(emu, TESS, 'PUT', path, { is_published: false })
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: COMPETITIONS.normal, passThreshold: 150 }
    ])
    // The teacher's roster no longer takes the hidden challenge.
    const roster = await as(
      emu,
      TESS,
      'GET',
      `${T}/students/${COURSES.twoChallenges}?challenge_id=${COMPETITIONS.fileChallenge}`
    )
    expect(roster.status).toBe(400)
    await as(emu, TESS, 'PUT', path, { is_published: true })
    expect(courseChallenges(emu, COURSES.twoChallenges)).toHaveLength(2)
  })

  it('a lost reply (fault after the write) leaves the module there to be found by listing', async () => {
    emu.addFault({
      route: 'POST /api/teacher/modules',
      kind: 'status',
      status: 502,
      when: 'after',
      times: 1
    })
    const lost = await as(emu, TESS, 'POST', `${T}/modules`, { title: 'Ambiguous' })
    expect(lost.status).toBe(502)
    const own = (await as(emu, TESS, 'GET', `${T}/modules`)).body as Row[]
    expect(own.filter(m => m.title === 'Ambiguous')).toHaveLength(1)
    emu.addFault({ route: 'POST /api/teacher/modules', kind: 'status', status: 503, times: 1 })
    expect((await as(emu, TESS, 'POST', `${T}/modules`, { title: 'Refused' })).status).toBe(503)
    expect(emu.state().authoring?.modules.some(m => m.title === 'Refused')).toBe(false)
  })

  it('delete_module: 409 while linked, ?force unlinks first; its lessons go with it', async () => {
    const path = `${T}/modules/${SEEDED_MODULES.forecasting}`
    const blocked = await as(emu, TESS, 'DELETE', path)
    expect(blocked.status).toBe(409)
    expect(blocked.body.error).toContain(String(COURSES.twoChallenges))
    expect((await as(emu, ALICE, 'DELETE', path)).status).toBe(404)
    expect((await as(emu, TESS, 'DELETE', `${path}?force=maybe`)).status).toBe(400)
    const forced = await as(emu, TESS, 'DELETE', `${path}?force=1`)
    expect(forced.status).toBe(200)
    const state = emu.state().authoring
    expect(state?.modules.some(m => m.id === SEEDED_MODULES.forecasting)).toBe(false)
    expect(state?.lessons.some(l => l.moduleId === SEEDED_MODULES.forecasting)).toBe(false)
    expect(state?.links.find(l => l.courseId === COURSES.twoChallenges)?.moduleIds).toEqual([
      SEEDED_MODULES.foundations,
      SEEDED_MODULES.comingSoon
    ])
    expect(courseChallenges(emu, COURSES.twoChallenges)).toEqual([
      { challengeId: COMPETITIONS.normal, passThreshold: 150 }
    ])
    const loose = await createModule(emu, { title: 'Loose' })
    expect((await as(emu, TESS, 'DELETE', `${T}/modules/${loose.id}`)).status).toBe(200)
    expect((await as(emu, TESS, 'GET', `${T}/modules/${loose.id}`)).status).toBe(404)
  })
})

describe('current wire: a module’s challenges', () => {
  let emu: Emulator
  let module: Row
  let path: string
  beforeEach(async () => {
    emu = await start()
    module = await createModule(emu, { title: 'Challenges' })
    path = `${T}/modules/${module.id}/challenges`
  })
  afterEach(() => emu.close())

  it('attach_challenge: the link with its bar, position at the end, the ranking metric', async () => {
    const res = await as(emu, TESS, 'POST', path, {
      challenge_id: COMPETITIONS.normal,
      label: 'CartPole',
      pass_threshold: 195
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      module_id: module.id,
      challenge_id: COMPETITIONS.normal,
      challenge: { id: COMPETITIONS.normal, name: 'Lunar Lander' },
      label: 'CartPole',
      pass_threshold: 195,
      position: 0,
      metric: expect.objectContaining({ order: 'desc' })
    })
    const file = await as(emu, TESS, 'POST', path, { challenge_id: COMPETITIONS.fileChallenge })
    expect(file.body).toMatchObject({ position: 1, label: null, pass_threshold: null })
    expect(file.body.metric).toMatchObject({ order: 'asc' })
    const first = await as(emu, TESS, 'POST', path, { challenge_id: COMPETITIONS.elo, position: 0 })
    expect(first.body.position).toBe(0)
    const detail = await as(emu, TESS, 'GET', `${T}/modules/${module.id}`)
    expect((detail.body.challenges as Row[]).map(c => c.challenge_id)).toEqual([
      COMPETITIONS.elo,
      COMPETITIONS.normal,
      COMPETITIONS.fileChallenge
    ])
  })

  it.each([
    [{}, 400],
    [{ challenge_id: 'one' }, 400],
    [{ challenge_id: 1, pass_threshold: 'high' }, 400],
    [{ challenge_id: 1, position: 3 }, 400],
    [{ challenge_id: 1, weight: 2 }, 400],
    [{ challenge_id: 3 }, 404],
    [{ challenge_id: 424242 }, 404]
  ])('attach_challenge refuses %j (%i) and attaches nothing', async (body, status) => {
    const res = await as(emu, TESS, 'POST', path, body)
    expect(res.status).toBe(status)
    expect(emu.state().authoring?.modules.find(m => m.id === module.id)?.challenges).toEqual([])
  })

  it('attach_challenge: once per module, owner only, and a hidden challenge only for its teacher', async () => {
    expect((await as(emu, TESS, 'POST', path, { challenge_id: 1 })).status).toBe(201)
    expect((await as(emu, TESS, 'POST', path, { challenge_id: 1 })).status).toBe(409)
    // alice reads tess's private module as absent.
    expect((await as(emu, ALICE, 'POST', path, { challenge_id: 2 })).status).toBe(404)
    const mine = await createModule(emu, { title: 'Alice cup' }, ALICE)
    const hidden = await as(emu, ALICE, 'POST', `${T}/modules/${mine.id}/challenges`, {
      challenge_id: COMPETITIONS.hidden
    })
    expect(hidden.status).toBe(201)
    // A public module of another teacher is readable, not writable.
    const shared = `${T}/modules/${SEEDED_MODULES.sharedBasics}/challenges`
    expect((await as(emu, TESS, 'POST', shared, { challenge_id: 2 })).status).toBe(403)
  })

  it('update_challenge_link: partial, an explicit null clears the bar', async () => {
    await as(emu, TESS, 'POST', path, { challenge_id: 1, label: 'L', pass_threshold: 100 })
    const link = `${path}/1`
    const res = await as(emu, TESS, 'PUT', link, { pass_threshold: 120 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ label: 'L', pass_threshold: 120 })
    const cleared = await as(emu, TESS, 'PUT', link, { pass_threshold: null })
    expect(cleared.body).toMatchObject({ label: 'L', pass_threshold: null })
    expect((await as(emu, TESS, 'PUT', link, {})).status).toBe(400)
    expect((await as(emu, TESS, 'PUT', link, { position: 2 })).status).toBe(400)
    expect((await as(emu, TESS, 'PUT', link, { pass_threshold: 'x' })).status).toBe(400)
    expect((await as(emu, TESS, 'PUT', `${path}/2`, { label: 'M' })).status).toBe(404)
  })

  it("a linked module's bar is the course's bar", async () => {
    const course = await createCourse(emu)
    await as(emu, TESS, 'POST', path, { challenge_id: 1, pass_threshold: 100 })
    await as(emu, TESS, 'POST', `${T}/course/${course.id}/modules`, { module_id: module.id })
    expect(courseChallenges(emu, course.id as number)).toEqual([
      { challengeId: 1, passThreshold: 100 }
    ])
    await as(emu, TESS, 'PUT', `${path}/1`, { pass_threshold: 180 })
    expect(courseChallenges(emu, course.id as number)).toEqual([
      { challengeId: 1, passThreshold: 180 }
    ])
    await as(emu, TESS, 'DELETE', `${path}/1`)
    expect(courseChallenges(emu, course.id as number)).toEqual([])
  })

  it('detach_challenge: 200, then 404', async () => {
    await as(emu, TESS, 'POST', path, { challenge_id: 1 })
    expect((await as(emu, TESS, 'DELETE', `${path}/1`)).status).toBe(200)
    expect((await as(emu, TESS, 'DELETE', `${path}/1`)).status).toBe(404)
  })

  it('reorder_module_challenges: exactly the attached ids', async () => {
    for (const id of [1, 2, 7]) await as(emu, TESS, 'POST', path, { challenge_id: id })
    const res = await as(emu, TESS, 'PUT', `${path}/reorder`, { ordered_ids: [7, 1, 2] })
    expect(res.status).toBe(200)
    expect((res.body as Row[]).map(r => [r.challenge_id, r.position])).toEqual([
      [7, 0],
      [1, 1],
      [2, 2]
    ])
    for (const ordered_ids of [[7, 1], [7, 1, 2, 2], [7, 1, 5], 'all'])
      expect((await as(emu, TESS, 'PUT', `${path}/reorder`, { ordered_ids })).status).toBe(400)
    const order = emu.state().authoring?.modules.find(m => m.id === module.id)?.challenges
    expect(order?.map(a => a.challengeId)).toEqual([7, 1, 2])
  })
})

describe('current wire: fork_module and challenges_for_course', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  it('fork_module: a private copy of a readable module, lessons nested as before, links kept', async () => {
    const res = await as(emu, ALICE, 'POST', `${T}/modules/${SEEDED_MODULES.foundations}/fork`)
    expect(res.status).toBe(404)
    const own = await as(emu, TESS, 'POST', `${T}/modules/${SEEDED_MODULES.foundations}/fork`)
    expect(own.status).toBe(201)
    expect(own.body).toMatchObject({
      title: 'Foundations',
      slug: 'foundations-2',
      visibility: 'private',
      forked_from_module_id: SEEDED_MODULES.foundations,
      challenges: [
        expect.objectContaining({ challenge_id: 1, label: 'Lunar Lander', pass_threshold: 150 })
      ]
    })
    const lessons = own.body.lessons as Row[]
    expect(lessons.map(l => l.slug)).toEqual([
      'what-is-rl',
      'first-agent',
      'reading-the-board',
      'draft-notes'
    ])
    expect(lessons[2]?.parent_lesson_id).toBe(lessons[0]?.id)
    expect(lessons[0]?.id).not.toBe(801)
    // Another teacher's public module: forked under its own slug; the source is untouched.
    const shared = await as(emu, TESS, 'POST', `${T}/modules/${SEEDED_MODULES.sharedBasics}/fork`)
    expect(shared.body).toMatchObject({ slug: 'shared-rl-basics', visibility: 'private' })
    expect(
      (await as(emu, TESS, 'PUT', `${T}/modules/${shared.body.id}`, { title: 'Mine' })).status
    ).toBe(200)
    const source = emu.state().authoring?.modules.find(m => m.id === SEEDED_MODULES.sharedBasics)
    expect(source).toMatchObject({ title: 'Shared RL basics', owner: 'alice' })
    expect(
      (await as(emu, TESS, 'POST', `${T}/modules/${SEEDED_MODULES.alicePrivate}/fork`)).status
    ).toBe(404)
  })

  it('challenges_for_course: public challenges and your own, each with its ranking metric', async () => {
    const tess = await as(emu, TESS, 'GET', `${T}/challenges-for-course`)
    expect(tess.status).toBe(200)
    const ids = (tess.body as Row[]).map(r => r.id)
    expect(ids).toContain(COMPETITIONS.normal)
    expect(ids).toContain(COMPETITIONS.fileChallenge)
    expect(ids).not.toContain(COMPETITIONS.hidden)
    expect((tess.body as Row[]).find(r => r.id === COMPETITIONS.fileChallenge)).toEqual({
      id: COMPETITIONS.fileChallenge,
      name: expect.any(String),
      metric: expect.objectContaining({ order: 'asc', is_ranking: true })
    })
    const alice = await as(emu, ALICE, 'GET', `${T}/challenges-for-course`)
    expect((alice.body as Row[]).map(r => r.id)).toContain(COMPETITIONS.hidden)
    expect(
      (await as(emu, COURSE_TOKENS.teacherUser, 'GET', `${T}/challenges-for-course`)).status
    ).toBe(403)
  })
})

describe('legacy wire: no course authoring', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterEach(() => emu.close())

  it.each([
    ['POST', `${T}/modules`],
    ['GET', `${T}/modules`],
    ['GET', `${T}/modules/401`],
    ['POST', `${T}/modules/401/challenges`],
    ['PUT', `${T}/modules/401/challenges/reorder`]
  ])('%s %s is 404', async (method, path) => {
    const res = await as(emu, TESS, method, path, method === 'GET' ? undefined : { title: 'X' })
    expect(res.status).toBe(404)
  })

  it('shows no course content in the state', () => {
    expect(emu.state().authoring).toBeNull()
  })
})
