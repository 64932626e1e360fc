/**
 * Lessons (SDK 4.4.0 `create_lesson`, `get_lesson`, `update_lesson`, `delete_lesson`,
 * `reorder_lessons`, `preview_lesson`): inside an owned module, a draft until published, one
 * level of nesting, the markdown body kept as sent, `mlarena:` directives checked strictly by
 * the preview.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSE_TOKENS,
  FIRST_LESSON_ID,
  SEEDED_MODULES,
  type Emulator
} from '../../emulator/index.ts'
import { start } from './helpers.ts'
import { ALICE, as, createModule, T, TESS, type Row } from './course-authoring-helpers.ts'

/** The seeded lesson of a module by slug (its id comes from get_module). */
async function lessonId(emu: Emulator, moduleId: number, slug: string): Promise<number> {
  const detail = await as(emu, TESS, 'GET', `${T}/modules/${moduleId}`)
  const found = (detail.body.lessons as Row[]).find(l => l.slug === slug)
  if (!found) throw new Error(`no lesson ${slug}`)
  return found.id as number
}

describe('current wire: lessons', () => {
  let emu: Emulator
  let module: Row
  let path: string
  beforeEach(async () => {
    emu = await start()
    module = await createModule(emu, { title: 'Lessons' })
    path = `${T}/modules/${module.id}/lessons`
  })
  afterEach(() => emu.close())

  it('create_lesson: a draft, kind lesson by default, the body as sent, at the end', async () => {
    const body = '# What is RL?\n\n  indented\n\n'
    const res = await as(emu, TESS, 'POST', path, {
      title: 'What is RL?',
      kind: 'lesson',
      body_md: body,
      gated: false
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: FIRST_LESSON_ID,
      module_id: module.id,
      title: 'What is RL?',
      slug: 'what-is-rl',
      kind: 'lesson',
      parent_lesson_id: null,
      gated: false,
      is_published: false,
      estimated_minutes: null,
      position: 0,
      body_md: body
    })
    const exercise = await as(emu, TESS, 'POST', path, {
      title: 'Try it',
      kind: 'exercise',
      slug: 'try',
      parent_lesson_id: FIRST_LESSON_ID,
      gated: true
    })
    expect(exercise.body).toMatchObject({
      kind: 'exercise',
      slug: 'try',
      parent_lesson_id: FIRST_LESSON_ID,
      gated: true,
      body_md: '',
      position: 1
    })
  })

  it.each([
    [{ kind: 'lesson' }, 'title'],
    [{ title: 'A', kind: 'quiz' }, 'kind'],
    [{ title: 'A', slug: 'A B' }, 'slug'],
    [{ title: 'A', body_md: 42 }, 'body_md'],
    [{ title: 'A', gated: 'no' }, 'gated'],
    [{ title: 'A', is_published: true }, 'is_published'],
    [{ title: 'A', estimated_minutes: 5 }, 'estimated_minutes'],
    [{ title: 'A', parent_lesson_id: 801 }, 'parent_lesson_id']
  ])('create_lesson refuses %j (400 naming %s) and writes nothing', async (body, key) => {
    const res = await as(emu, TESS, 'POST', path, body)
    expect(res.status).toBe(400)
    expect(res.body.error).toContain(key)
    expect(emu.state().authoring?.lessons.some(l => l.moduleId === module.id)).toBe(false)
  })

  it('nests one level only; a slug is unique in its module', async () => {
    const parent = await as(emu, TESS, 'POST', path, { title: 'Parent', slug: 'p' })
    const child = await as(emu, TESS, 'POST', path, {
      title: 'Child',
      parent_lesson_id: parent.body.id
    })
    expect(child.status).toBe(201)
    const grandchild = await as(emu, TESS, 'POST', path, {
      title: 'Grandchild',
      parent_lesson_id: child.body.id
    })
    expect(grandchild.status).toBe(400)
    expect((await as(emu, TESS, 'POST', path, { title: 'Again', slug: 'p' })).status).toBe(409)
    // The same slug in another module is fine.
    const other = await createModule(emu, { title: 'Other' })
    const elsewhere = await as(emu, TESS, 'POST', `${T}/modules/${other.id}/lessons`, {
      title: 'P',
      slug: 'p'
    })
    expect(elsewhere.status).toBe(201)
  })

  it('create_lesson: owner only, teacher token only', async () => {
    const user = await as(emu, COURSE_TOKENS.teacherUser, 'POST', path, { title: 'A' })
    expect(user.status).toBe(403)
    expect((await as(emu, ALICE, 'POST', path, { title: 'A' })).status).toBe(404)
    const shared = `${T}/modules/${SEEDED_MODULES.sharedBasics}/lessons`
    expect((await as(emu, TESS, 'POST', shared, { title: 'A' })).status).toBe(403)
  })

  it('get_lesson: the body, owner only', async () => {
    const id = await lessonId(emu, SEEDED_MODULES.foundations, 'what-is-rl')
    const res = await as(emu, TESS, 'GET', `${T}/lessons/${id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id,
      slug: 'what-is-rl',
      is_published: true,
      estimated_minutes: 15
    })
    expect(res.body.body_md).toContain('```mlarena:leaderboard id=1```')
    expect((await as(emu, ALICE, 'GET', `${T}/lessons/${id}`)).status).toBe(404)
    const shared = await as(emu, ALICE, 'GET', `${T}/modules/${SEEDED_MODULES.sharedBasics}`)
    const sharedLesson = (shared.body.lessons as Row[])[0]?.id
    expect((await as(emu, TESS, 'GET', `${T}/lessons/${sharedLesson}`)).status).toBe(403)
    expect((await as(emu, TESS, 'GET', `${T}/lessons/123456`)).status).toBe(404)
  })

  it('update_lesson: partial; publishes; estimated_minutes set and cleared', async () => {
    const created = await as(emu, TESS, 'POST', path, { title: 'Draft', body_md: 'v1' })
    const lesson = `${T}/lessons/${created.body.id}`
    const res = await as(emu, TESS, 'PUT', lesson, { is_published: true, estimated_minutes: 12 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      title: 'Draft',
      body_md: 'v1',
      is_published: true,
      estimated_minutes: 12
    })
    const edited = await as(emu, TESS, 'PUT', lesson, { body_md: 'v2', estimated_minutes: null })
    expect(edited.body).toMatchObject({
      body_md: 'v2',
      estimated_minutes: null,
      is_published: true
    })
    for (const body of [
      {},
      { slug: 'x' },
      { kind: 'exercise' },
      { estimated_minutes: -1 },
      { estimated_minutes: '10' },
      { title: '' },
      { gated: 1 }
    ])
      expect((await as(emu, TESS, 'PUT', lesson, body)).status).toBe(400)
    expect(emu.state().authoring?.lessons.find(l => l.id === created.body.id)).toMatchObject({
      title: 'Draft',
      bodyMd: 'v2',
      gated: false
    })
    expect((await as(emu, ALICE, 'PUT', lesson, { title: 'Mine' })).status).toBe(404)
  })

  it('delete_lesson: the lesson and the lessons nested under it', async () => {
    const parent = await lessonId(emu, SEEDED_MODULES.foundations, 'what-is-rl')
    const child = await lessonId(emu, SEEDED_MODULES.foundations, 'reading-the-board')
    expect((await as(emu, ALICE, 'DELETE', `${T}/lessons/${parent}`)).status).toBe(404)
    const res = await as(emu, TESS, 'DELETE', `${T}/lessons/${parent}`)
    expect(res.status).toBe(200)
    const ids = emu.state().authoring?.lessons.map(l => l.id)
    expect(ids).not.toContain(parent)
    expect(ids).not.toContain(child)
    const detail = await as(emu, TESS, 'GET', `${T}/modules/${SEEDED_MODULES.foundations}`)
    expect((detail.body.lessons as Row[]).map(l => l.slug)).toEqual(['first-agent', 'draft-notes'])
    expect((await as(emu, TESS, 'GET', `${T}/lessons/${parent}`)).status).toBe(404)
  })

  it('reorder_lessons: exactly the module’s lesson ids; position becomes the index', async () => {
    const ids: number[] = []
    for (const title of ['One', 'Two', 'Three'])
      ids.push((await as(emu, TESS, 'POST', path, { title })).body.id as number)
    const wanted = [ids[2], ids[0], ids[1]] as number[]
    const res = await as(emu, TESS, 'PUT', `${path}/reorder`, { ordered_ids: wanted })
    expect(res.status).toBe(200)
    expect((res.body as Row[]).map(l => [l.id, l.position])).toEqual(wanted.map((id, i) => [id, i]))
    for (const ordered_ids of [ids.slice(0, 2), [...ids, 801], [ids[0], ids[0], ids[1]]])
      expect((await as(emu, TESS, 'PUT', `${path}/reorder`, { ordered_ids })).status).toBe(400)
    expect((await as(emu, ALICE, 'PUT', `${path}/reorder`, { ordered_ids: wanted })).status).toBe(
      404
    )
    expect(emu.state().authoring?.modules.find(m => m.id === module.id)?.lessonIds).toEqual(wanted)
  })
})

describe('current wire: the lesson preview', () => {
  let emu: Emulator
  let preview: string
  let saved: string
  beforeEach(async () => {
    emu = await start()
    const id = await lessonId(emu, SEEDED_MODULES.foundations, 'what-is-rl')
    preview = `${T}/lessons/${id}/preview`
    saved = (await as(emu, TESS, 'GET', `${T}/lessons/${id}`)).body.body_md as string
  })
  afterEach(() => emu.close())

  it('validates the saved body when no body_md is sent', async () => {
    const res = await as(emu, TESS, 'POST', preview, {})
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      directives: [
        { name: 'leaderboard', line: 5, challenge_id: 1, challenge_name: 'Lunar Lander' }
      ],
      warnings: []
    })
  })

  it('validates an unsaved buffer without saving it (the multi-line fence too)', async () => {
    const body_md = 'Intro\n\n```mlarena:leaderboard id=7\n```\n'
    const res = await as(emu, TESS, 'POST', preview, { body_md })
    expect(res.status).toBe(200)
    expect(res.body.directives).toEqual([
      {
        name: 'leaderboard',
        line: 3,
        challenge_id: COMPETITIONS.fileChallenge,
        challenge_name: expect.any(String)
      }
    ])
    const stored = emu.state().authoring?.lessons.find(l => l.slug === 'what-is-rl')
    expect(stored?.bodyMd).toBe(saved)
  })

  it('a body without directives, or with one inside another fence, has none', async () => {
    for (const body_md of [
      '# Plain',
      '~~~markdown\n```mlarena:nonsense\n~~~\n',
      '````\n```mlarena:x\n```\n````'
    ])
      expect((await as(emu, TESS, 'POST', preview, { body_md })).body).toEqual({
        directives: [],
        warnings: []
      })
  })

  it.each([
    ['```mlarena:quiz id=1```', 'mlarena:quiz'],
    ['```mlarena:leaderboard```', 'id='],
    ['```mlarena:leaderboard id=abc```', 'id='],
    ['```mlarena:leaderboard id=1 top=5```', 'top'],
    ['```mlarena:leaderboard id=424242```', '424242'],
    [
      `\`\`\`mlarena:leaderboard id=${COMPETITIONS.hidden}\`\`\``,
      `challenge ${COMPETITIONS.hidden} not found`
    ]
  ])('strict: %s fails loud (400 naming %s and its line)', async (line, named) => {
    const res = await as(emu, TESS, 'POST', preview, { body_md: `# Title\n\n${line}\n` })
    expect(res.status).toBe(400)
    expect(res.body.error).toContain(named)
    expect(res.body.error).toContain('line 3')
  })

  it('owner only; body_md must be a string', async () => {
    expect((await as(emu, ALICE, 'POST', preview, {})).status).toBe(404)
    expect((await as(emu, COURSE_TOKENS.teacherUser, 'POST', preview, {})).status).toBe(403)
    expect((await as(emu, TESS, 'POST', preview, { body_md: 3 })).status).toBe(400)
    expect((await as(emu, TESS, 'POST', preview, { body: 'x' })).status).toBe(400)
  })
})

describe('legacy wire: no lessons', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start({ wire: 'legacy' })
  })
  afterEach(() => emu.close())

  it.each([
    ['POST', `${T}/modules/401/lessons`],
    ['GET', `${T}/lessons/801`],
    ['PUT', `${T}/lessons/801`],
    ['POST', `${T}/lessons/801/preview`],
    ['PUT', `${T}/modules/401/lessons/reorder`]
  ])('%s %s is 404', async (method, path) => {
    const res = await as(emu, TESS, method, path, method === 'GET' ? undefined : { title: 'X' })
    expect(res.status).toBe(404)
  })
})
