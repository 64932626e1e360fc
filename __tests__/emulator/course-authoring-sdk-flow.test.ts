/**
 * The SDK's own compositions, call by call, against the emulator: `author_course_from_dir`
 * (4.4.0 `client.py`: create_course, then per module create_module → create_lesson (+
 * update_lesson to publish) → attach_challenge → link_module(position), then reorder_modules)
 * run twice — the second time with the ids the first returned — and `export_course_to_dir`
 * (landing, then every lesson page) reading back what was written.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { type Emulator } from '../../emulator/index.ts'
import { start } from './helpers.ts'
import { as, C, T, TESS, type Row } from './course-authoring-helpers.ts'

interface LessonSpec {
  title: string
  slug?: string
  kind?: string
  body_md: string
  gated?: boolean
  is_published?: boolean
  estimated_minutes?: number
}
interface ModuleSpec {
  title: string
  slug?: string
  is_published?: boolean
  module_id?: number
  challenges?: { challenge_id: number; label?: string; pass_threshold?: number }[]
  lessons?: LessonSpec[]
}

async function ok(
  emu: Emulator,
  method: string,
  path: string,
  body: unknown,
  status: number[] = [200, 201]
): Promise<Row> {
  const res = await as(emu, TESS, method, path, body)
  if (!status.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
  return res.body as Row
}

/** author_course_from_dir, as the SDK composes it (no new endpoint). */
async function author(
  emu: Emulator,
  course: Row & { course_id?: number },
  modules: ModuleSpec[]
): Promise<{ courseId: number; moduleIds: number[] }> {
  let courseId: number
  if (course.course_id !== undefined) {
    courseId = course.course_id
    const { course_id: _, ...meta } = course
    await ok(emu, 'PUT', `${T}/course/${courseId}`, meta)
  } else courseId = (await ok(emu, 'POST', `${C}/`, course)).id as number
  const ids: number[] = []
  for (const [position, m] of modules.entries()) {
    let moduleId = m.module_id
    if (moduleId === undefined) {
      const created = await ok(emu, 'POST', `${T}/modules`, {
        title: m.title,
        ...(m.slug ? { slug: m.slug } : {}),
        visibility: 'private',
        is_published: m.is_published ?? true
      })
      moduleId = created.id as number
      for (const l of m.lessons ?? []) {
        const lesson = await ok(emu, 'POST', `${T}/modules/${moduleId}/lessons`, {
          title: l.title,
          kind: l.kind ?? 'lesson',
          ...(l.slug ? { slug: l.slug } : {}),
          body_md: l.body_md,
          gated: l.gated ?? false
        })
        const updates: Row = {}
        if (l.is_published) updates.is_published = true
        if (l.estimated_minutes !== undefined) updates.estimated_minutes = l.estimated_minutes
        if (Object.keys(updates).length > 0)
          await ok(emu, 'PUT', `${T}/lessons/${lesson.id}`, updates)
      }
      for (const c of m.challenges ?? [])
        await ok(emu, 'POST', `${T}/modules/${moduleId}/challenges`, c)
    }
    await ok(emu, 'POST', `${T}/course/${courseId}/modules`, { module_id: moduleId, position })
    ids.push(moduleId)
  }
  if (ids.length > 1)
    await ok(emu, 'PUT', `${T}/course/${courseId}/modules/reorder`, { ordered_ids: ids })
  return { courseId, moduleIds: ids }
}

/** export_course_to_dir's reads, building its manifest. */
async function exportCourse(emu: Emulator, slug: string): Promise<Row> {
  const landing = await ok(emu, 'GET', `${C}/${slug}`, undefined, [200])
  const modules: Row[] = []
  for (const m of landing.modules as Row[]) {
    const lessons: Row[] = []
    for (const toc of m.lessons as Row[]) {
      const full = await ok(
        emu,
        'GET',
        `${C}/${slug}/modules/${m.slug}/lessons/${toc.slug}`,
        undefined,
        [200]
      )
      lessons.push({
        title: toc.title,
        slug: toc.slug,
        kind: toc.kind,
        body_md: full.body_md,
        gated: toc.gated,
        is_published: toc.is_published,
        estimated_minutes: toc.estimated_minutes
      })
    }
    modules.push({
      title: m.title,
      slug: m.slug,
      is_published: m.is_published,
      challenges: (m.challenges as Row[]).map(c => ({
        challenge_id: (c.challenge as Row).id,
        label: c.label,
        pass_threshold: c.pass_threshold
      })),
      lessons
    })
  }
  return {
    course: {
      name: landing.name,
      code: landing.code,
      slug: landing.slug,
      visibility: landing.visibility,
      start_date: landing.start_date,
      end_date: landing.end_date
    },
    modules
  }
}

describe('current wire: the SDK compositions', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await start()
  })
  afterEach(() => emu.close())

  const manifest: ModuleSpec[] = [
    {
      title: 'Foundations',
      slug: 'rl-basics',
      challenges: [{ challenge_id: 1, label: 'Lunar Lander', pass_threshold: 195 }],
      lessons: [
        {
          title: 'What is RL?',
          slug: 'what-is-rl',
          body_md: '# What is RL?\n\n```mlarena:leaderboard id=1```\n',
          is_published: true,
          estimated_minutes: 15
        },
        { title: 'Lab', kind: 'exercise', body_md: 'Do it.\n', gated: true, is_published: true },
        { title: 'Draft', body_md: 'later\n' }
      ]
    },
    { title: 'Later', is_published: false, lessons: [{ title: 'Soon', body_md: 's\n' }] }
  ]

  it('author_course_from_dir, then export_course_to_dir, round-trips the course', async () => {
    const { courseId } = await author(
      emu,
      {
        name: 'Intro to RL',
        code: 'RL101',
        slug: 'intro-to-rl',
        start_date: '2026-11-01',
        end_date: '2027-02-01',
        visibility: 'public'
      },
      manifest
    )
    const exported = await exportCourse(emu, 'intro-to-rl')
    expect(exported.course).toEqual({
      name: 'Intro to RL',
      code: 'RL101',
      slug: 'intro-to-rl',
      visibility: 'public',
      start_date: '2026-11-01',
      end_date: '2027-02-01'
    })
    const modules = exported.modules as Row[]
    expect(modules.map(m => [m.slug, m.is_published])).toEqual([
      ['rl-basics', true],
      ['later', false]
    ])
    expect(modules[0]?.challenges).toEqual([
      { challenge_id: 1, label: 'Lunar Lander', pass_threshold: 195 }
    ])
    expect(modules[0]?.lessons).toEqual([
      {
        title: 'What is RL?',
        slug: 'what-is-rl',
        kind: 'lesson',
        body_md: '# What is RL?\n\n```mlarena:leaderboard id=1```\n',
        gated: false,
        is_published: true,
        estimated_minutes: 15
      },
      expect.objectContaining({ slug: 'lab', kind: 'exercise', gated: true, is_published: true }),
      expect.objectContaining({ slug: 'draft', is_published: false })
    ])
    // The course's challenges are the published modules' ones.
    expect(emu.state().courses.find(c => c.id === courseId)?.challenges).toEqual([
      { challengeId: 1, passThreshold: 195 }
    ])
    // An anonymous reader of the public course gets its published cut.
    const anonymous = await as(emu, null, 'GET', `${C}/intro-to-rl`)
    expect((anonymous.body.modules as Row[]).map(m => m.slug)).toEqual(['rl-basics'])
    expect(((anonymous.body.modules as Row[])[0]?.lessons as Row[]).map(l => l.slug)).toEqual([
      'what-is-rl',
      'lab'
    ])
  })

  it('a second run with course_id and module_id links again without duplicating anything', async () => {
    const first = await author(emu, { name: 'Intro to RL', slug: 'intro-to-rl' }, manifest)
    const before = emu.state().authoring
    const second = await author(
      emu,
      { course_id: first.courseId, name: 'Intro to RL (2027)' },
      // The manifest's order changed: the SDK pins it with reorder_modules.
      [
        { title: 'Later', module_id: first.moduleIds[1] },
        { title: 'Foundations', module_id: first.moduleIds[0] }
      ]
    )
    expect(second.courseId).toBe(first.courseId)
    const after = emu.state().authoring
    expect(after?.modules.length).toBe(before?.modules.length)
    expect(after?.lessons.length).toBe(before?.lessons.length)
    expect(after?.links.find(l => l.courseId === first.courseId)?.moduleIds).toEqual([
      first.moduleIds[1],
      first.moduleIds[0]
    ])
    expect(emu.state().courses.find(c => c.id === first.courseId)?.name).toBe('Intro to RL (2027)')
  })
})
