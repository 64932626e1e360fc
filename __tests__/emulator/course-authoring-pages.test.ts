/**
 * The course's reading surface (SDK 4.4.0 `course`, `module_overview`, `lesson`; what
 * `export_course_to_dir` reads): public courses for anyone, private and unlisted ones for their
 * members and managers; drafts only for managers; gated lessons need enrolment.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  COURSES,
  COURSE_TOKENS,
  SEEDED_MODULES,
  TOKENS,
  type Emulator
} from '../../emulator/index.ts'
import { start } from './helpers.ts'
import { as, C, T, TESS, type Row } from './course-authoring-helpers.ts'

const TWO = 'cs-202-two-challenges'
const ENDED = 'cs-099-last-term'
const CAROL = COURSE_TOKENS.carol

describe('current wire: the course landing', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  it('a student sees published modules and lessons, no bodies, the challenges with their bars', async () => {
    const res = await as(emu, CAROL, 'GET', `${C}/${TWO}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: COURSES.twoChallenges,
      name: 'CS-202 Two Challenges',
      code: 'CS202',
      slug: TWO,
      visibility: 'unlisted',
      has_cover: false,
      is_enrolled: true,
      can_manage: false
    })
    const modules = res.body.modules as Row[]
    expect(modules.map(m => [m.slug, m.is_published])).toEqual([
      ['foundations', true],
      ['forecasting', true]
    ])
    const lessons = modules[0]?.lessons as Row[]
    expect(lessons.map(l => l.slug)).toEqual(['what-is-rl', 'first-agent', 'reading-the-board'])
    expect(lessons[1]).toEqual({
      id: expect.any(Number),
      module_id: SEEDED_MODULES.foundations,
      title: 'Your first agent',
      slug: 'first-agent',
      kind: 'exercise',
      parent_lesson_id: null,
      gated: true,
      is_published: true,
      estimated_minutes: 45,
      position: 1
    })
    expect(lessons[2]?.parent_lesson_id).toBe(lessons[0]?.id)
    expect(modules[0]?.challenges).toEqual([
      expect.objectContaining({
        challenge_id: 1,
        challenge: { id: 1, name: 'Lunar Lander' },
        label: 'Lunar Lander',
        pass_threshold: 150
      })
    ])
  })

  it('managers also see draft modules and draft lessons', async () => {
    for (const token of [TESS, COURSE_TOKENS.teacherUser]) {
      const res = await as(emu, token, 'GET', `${C}/${TWO}`)
      expect(res.body.can_manage).toBe(true)
      const modules = res.body.modules as Row[]
      expect(modules.map(m => m.slug)).toEqual(['foundations', 'forecasting', 'coming-soon'])
      expect((modules[0]?.lessons as Row[]).map(l => l.slug)).toContain('draft-notes')
    }
  })

  it('a private or unlisted course is absent for others; a public one is open, flags only with a token', async () => {
    expect((await as(emu, null, 'GET', `${C}/${TWO}`)).status).toBe(404)
    expect((await as(emu, TOKENS.user, 'GET', `${C}/${TWO}`)).status).toBe(404)
    const anonymous = await as(emu, null, 'GET', `${C}/${ENDED}`)
    expect(anonymous.status).toBe(200)
    expect(anonymous.body).not.toHaveProperty('is_enrolled')
    expect(anonymous.body).not.toHaveProperty('can_manage')
    expect((anonymous.body.modules as Row[]).map(m => m.title)).toEqual(['Lunar Lander'])
    const bob = await as(emu, TOKENS.otherUser, 'GET', `${C}/${ENDED}`)
    expect(bob.body).toMatchObject({ is_enrolled: false, can_manage: false })
    expect((await as(emu, null, 'GET', `${C}/no-such-course`)).status).toBe(404)
    expect((await as(emu, 'mlk_user_nobody_wrongsecret', 'GET', `${C}/${ENDED}`)).status).toBe(401)
  })

  it('publishing a module shows it to students', async () => {
    await as(emu, TESS, 'PUT', `${T}/modules/${SEEDED_MODULES.comingSoon}`, { is_published: true })
    const res = await as(emu, CAROL, 'GET', `${C}/${TWO}`)
    expect((res.body.modules as Row[]).map(m => m.slug)).toContain('coming-soon')
  })

  it("enrollment_info's lesson_count counts what a student would see", async () => {
    const info = async (): Promise<unknown> =>
      (await as(emu, null, 'GET', `${C}/enroll/TWOCH4LL`)).body.lesson_count
    // foundations: 3 published (draft-notes is not), forecasting: 1; coming-soon is a draft.
    expect(await info()).toBe(4)
    await as(emu, TESS, 'PUT', `${T}/modules/${SEEDED_MODULES.comingSoon}`, { is_published: true })
    expect(await info()).toBe(5)
    expect((await as(emu, null, 'GET', `${C}/enroll/LUNAR7K2`)).body.lesson_count).toBe(0)
  })

  it('module_overview: the module, its lessons and challenge cards; a draft one only for managers', async () => {
    const res = await as(emu, CAROL, 'GET', `${C}/${TWO}/modules/forecasting`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      course_id: COURSES.twoChallenges,
      slug: 'forecasting',
      lessons: [expect.objectContaining({ slug: 'energy-data' })],
      challenges: [expect.objectContaining({ challenge_id: 7, pass_threshold: 0.3 })]
    })
    expect((await as(emu, CAROL, 'GET', `${C}/${TWO}/modules/coming-soon`)).status).toBe(404)
    expect((await as(emu, TESS, 'GET', `${C}/${TWO}/modules/coming-soon`)).status).toBe(200)
    expect((await as(emu, CAROL, 'GET', `${C}/${TWO}/modules/nothing`)).status).toBe(404)
  })
})

describe('current wire: the lesson page', () => {
  let emu: Emulator
  const page = (module: string, lesson: string): string =>
    `${C}/${TWO}/modules/${module}/lessons/${lesson}`
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  it('the body with its resolved directives', async () => {
    const res = await as(emu, CAROL, 'GET', page('foundations', 'what-is-rl'))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      slug: 'what-is-rl',
      title: 'What is RL?',
      course_id: COURSES.twoChallenges,
      module_slug: 'foundations',
      directives: [
        { name: 'leaderboard', line: 5, challenge_id: 1, challenge_name: 'Lunar Lander' }
      ],
      directive_warnings: []
    })
    expect(res.body.body_md).toContain('An agent acts')
  })

  it('an unknown directive is a warning here, not a refusal', async () => {
    const id = (await as(emu, CAROL, 'GET', page('foundations', 'what-is-rl'))).body.id as number
    await as(emu, TESS, 'PUT', `${T}/lessons/${id}`, { body_md: 'x\n```mlarena:quiz q=1```\n' })
    const res = await as(emu, CAROL, 'GET', page('foundations', 'what-is-rl'))
    expect(res.status).toBe(200)
    expect(res.body.directives).toEqual([])
    expect(res.body.directive_warnings).toEqual([expect.stringContaining('mlarena:quiz')])
  })

  it('drafts are absent for students, there for managers', async () => {
    expect((await as(emu, CAROL, 'GET', page('foundations', 'draft-notes'))).status).toBe(404)
    expect((await as(emu, TESS, 'GET', page('foundations', 'draft-notes'))).status).toBe(200)
    // A published lesson in a draft module is hidden with its module.
    expect((await as(emu, CAROL, 'GET', page('coming-soon', 'policy-gradients'))).status).toBe(404)
    expect((await as(emu, TESS, 'GET', page('coming-soon', 'policy-gradients'))).status).toBe(200)
  })

  it('a gated lesson needs enrolment (403), an open one does not', async () => {
    // The ended course is public: build a gated and an open lesson in its module.
    const landing = await as(emu, TESS, 'GET', `${C}/${ENDED}`)
    const module = (landing.body.modules as Row[])[0] as Row
    const make = async (title: string, gated: boolean): Promise<void> => {
      const created = await as(emu, TESS, 'POST', `${T}/modules/${module.id}/lessons`, {
        title,
        gated
      })
      await as(emu, TESS, 'PUT', `${T}/lessons/${created.body.id}`, { is_published: true })
    }
    await make('Members only', true)
    await make('Open', false)
    const gated = `${C}/${ENDED}/modules/${module.slug}/lessons/members-only`
    const open = `${C}/${ENDED}/modules/${module.slug}/lessons/open`
    expect((await as(emu, null, 'GET', gated)).status).toBe(403)
    expect((await as(emu, TOKENS.otherUser, 'GET', gated)).status).toBe(403)
    expect((await as(emu, CAROL, 'GET', gated)).status).toBe(200)
    expect((await as(emu, TESS, 'GET', gated)).status).toBe(200)
    expect((await as(emu, null, 'GET', open)).status).toBe(200)
  })

  it('serves what export_course_to_dir reads, for every module and lesson', async () => {
    const landing = (await as(emu, TESS, 'GET', `${C}/${TWO}`)).body as Row
    for (const key of [
      'name',
      'code',
      'slug',
      'description',
      'visibility',
      'instructor_name',
      'start_date',
      'end_date'
    ])
      expect(landing).toHaveProperty(key)
    for (const module of landing.modules as Row[]) {
      for (const key of [
        'title',
        'slug',
        'summary',
        'icon',
        'is_published',
        'challenges',
        'lessons'
      ])
        expect(module).toHaveProperty(key)
      for (const c of module.challenges as Row[]) {
        expect((c.challenge as Row).id).toBe(c.challenge_id)
        expect(c).toHaveProperty('label')
        expect(c).toHaveProperty('pass_threshold')
      }
      for (const toc of module.lessons as Row[]) {
        for (const key of ['title', 'slug', 'kind', 'gated', 'is_published', 'estimated_minutes'])
          expect(toc).toHaveProperty(key)
        const full = await as(
          emu,
          TESS,
          'GET',
          `${C}/${TWO}/modules/${module.slug}/lessons/${toc.slug}`
        )
        expect(full.status).toBe(200)
        expect(typeof full.body.body_md).toBe('string')
      }
    }
  })
})

describe('legacy wire: no course pages', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterEach(() => emu.close())

  it.each([
    `${C}/${TWO}`,
    `${C}/${TWO}/modules/foundations`,
    `${C}/${TWO}/modules/foundations/lessons/what-is-rl`,
    `${C}/assets/courses/2/cover`
  ])('GET %s is 404', async path => {
    expect((await as(emu, TESS, 'GET', path)).status).toBe(404)
    expect((await as(emu, null, 'GET', path)).status).toBe(404)
  })
})
