/**
 * Plan, apply, re-apply, prune, recovery and export against the in-memory fake of the authoring
 * routes (__tests__/support/fake-authoring.ts), which keeps the SDK's rules.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { exportCourse } from '../../../src/course/authoring/export.js'
import { runCourseAsCode, type AuthoringRequest } from '../../../src/course/authoring/pipeline.js'
import { FakeAuthoring } from '../../support/fake-authoring.js'

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/course')
const log = { info: () => {}, warning: () => {} }

async function workspaceWithExample(): Promise<{ workspace: string; directory: string }> {
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-apply-'))
  const directory = path.join(workspace, 'course')
  await cp(EXAMPLE, directory, { recursive: true })
  return { workspace, directory }
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')))
}

describe('course as code against the fake', () => {
  let arena: FakeAuthoring
  let ws: { workspace: string; directory: string }
  let request: (mode: 'plan' | 'apply', prune?: boolean) => AuthoringRequest

  beforeEach(async () => {
    arena = new FakeAuthoring()
    ws = await workspaceWithExample()
    request = (mode, prune = false) => ({ mode, prune, ...ws })
  })

  it('plans the whole course and writes nothing', async () => {
    const outcome = await runCourseAsCode(arena, request('plan'), log)
    expect(outcome.failure).toBeNull()
    expect(outcome.findings).toEqual([])
    expect(arena.writes).toEqual([])
    expect(outcome.plan?.ops.map(op => op.type)).toEqual([
      'course.create',
      'module.create',
      'lesson.create',
      'lesson.create',
      'module.create',
      'lesson.create',
      'challenge.attach',
      'module.link',
      'module.link',
      'lesson.publish',
      'lesson.publish',
      'lesson.publish',
      'module.publish',
      'module.publish'
    ])
    expect(outcome.plan?.ops.find(op => op.type === 'challenge.attach')).toMatchObject({
      text: 'attach challenge 1 (“Lunar Lander”) to module “Landing”, pass at ≥ 150',
      file: 'course/course.yaml',
      line: 35
    })
  })

  it('applies drafts first and publishes last, then re-applies with no change', async () => {
    const first = await runCourseAsCode(arena, request('apply'), log)
    expect(first.failure).toBeNull()
    const course = arena.courses[0]!
    expect(first.course).toMatchObject({ id: course.id, joinCode: course.joinCode })
    expect(arena.studentView(course.id)).toEqual([
      { module: 'rl-foundations', lessons: ['what-is-rl', 'rewards-and-returns'] },
      { module: 'landing', lessons: ['your-first-lander'] }
    ])
    // Every module was created as a draft, and published only after its content and link.
    const creates = arena.writes.filter(w => w.startsWith('createModule'))
    expect(creates).toHaveLength(2)
    expect(arena.modules.every(m => m.isPublished)).toBe(true)
    const firstPublish = arena.writes.findIndex(w => w.includes('isPublished=true'))
    const lastContent = Math.max(
      ...['createLesson', 'attachChallenge', 'linkModule'].map(name =>
        arena.writes.map(w => w.split(' ')[0]).lastIndexOf(name)
      )
    )
    expect(firstPublish).toBeGreaterThan(lastContent)
    expect(arena.writes.slice(-2).every(w => w.startsWith('updateModule'))).toBe(true)
    expect(arena.modules.find(m => m.slug === 'landing')?.challenges).toMatchObject([
      { challengeId: 1, label: 'Lunar Lander', passThreshold: 150 }
    ])
    expect(arena.modules[0]?.lessons[0]).toMatchObject({ estimatedMinutes: 15, isPublished: true })

    arena.writes = []
    const again = await runCourseAsCode(arena, request('apply'), log)
    expect(again.failure).toBeNull()
    expect(again.plan?.ops).toEqual([])
    expect(arena.writes).toEqual([])
    expect(again.course?.id).toBe(course.id)
  })

  it('finds the course by course_id once the manifest names it, and updates what changed', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const id = arena.courses[0]!.id
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t =>
      t
        .replace(
          '  # course_id: 12       # add it after the first apply (the summary gives it)',
          `  course_id: ${id}`
        )
        .replace("name: 'RL 101: Landing on the Moon'", "name: 'RL 101 (autumn)'")
        .replace('pass_threshold: 150', 'pass_threshold: 175')
    )
    await edit(path.join(ws.directory, 'foundations/what-is-rl.md'), t => `${t}\nOne more line.\n`)
    arena.writes = []
    const outcome = await runCourseAsCode(arena, request('plan'), log)
    expect(outcome.findings).toEqual([])
    expect(outcome.plan?.ops.map(op => op.text)).toEqual([
      'update the course: name',
      'update lesson “What is RL?”: body (+2 −0 lines)',
      'update challenge 1 (“Lunar Lander”) in module “Landing”: pass threshold 150 → 175'
    ])
    expect(outcome.plan?.ops[1]).toMatchObject({
      file: 'course/foundations/what-is-rl.md',
      line: 1
    })
    const applied = await runCourseAsCode(arena, request('apply'), log)
    expect(applied.failure).toBeNull()
    expect(arena.courses[0]?.name).toBe('RL 101 (autumn)')
    expect(arena.courses).toHaveLength(1)
  })

  it('keeps what the manifest no longer lists, and removes it only with prune', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t => {
      const cut = t.indexOf('  - title: Landing')
      return t.slice(0, cut).replace(/ {6}- title: Rewards and returns[\s\S]*$/, '')
    })
    arena.writes = []
    const kept = await runCourseAsCode(arena, request('apply'), log)
    expect(kept.failure).toBeNull()
    expect(arena.writes).toEqual([])
    expect(kept.plan?.kept).toEqual([
      expect.stringMatching(
        /^lesson “Rewards and returns” \(\d+\) of module “Foundations” is not in course.yaml: kept/
      ),
      expect.stringMatching(
        /^module “Landing” \(\d+\) is linked to the course but not in course.yaml: kept/
      )
    ])
    // Both removals are carried out, then their answers are lost: state shows them done.
    arena.failAfter('deleteLesson')
    arena.failAfter('unlinkModule')
    const pruned = await runCourseAsCode(arena, request('apply', true), log)
    expect(pruned.failure).toBeNull()
    expect(arena.writes.map(w => w.split(' ')[0])).toEqual(['deleteLesson', 'unlinkModule'])
    expect(pruned.apply?.adopted).toHaveLength(2)
    expect(arena.studentView(arena.courses[0]!.id)).toEqual([
      { module: 'rl-foundations', lessons: ['what-is-rl'] }
    ])
    // The unlinked module stays in the teacher's library.
    expect(arena.modules.some(m => m.slug === 'landing')).toBe(true)
    arena.writes = []
    expect((await runCourseAsCode(arena, request('apply', true), log)).plan?.ops).toEqual([])
  })

  it('reorders modules, lessons and challenges to the manifest', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const yaml = path.join(ws.directory, 'course.yaml')
    const text = await readFile(yaml, 'utf8')
    const head = text.slice(0, text.indexOf('  - title: Foundations'))
    const foundations = text.slice(
      text.indexOf('  - title: Foundations'),
      text.indexOf('  - title: Landing')
    )
    const landing = text.slice(text.indexOf('  - title: Landing'))
    await writeFile(yaml, `${head}${landing.replace(/\n*$/, '\n\n')}${foundations}`)
    arena.writes = []
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(outcome.plan?.ops.map(op => op.type)).toEqual(['modules.reorder'])
    expect(arena.studentView(arena.courses[0]!.id).map(m => m.module)).toEqual([
      'landing',
      'rl-foundations'
    ])
  })

  it('hides first: unpublishing a module comes before any other change', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t =>
      t.replace(
        "    summary: 'Your first agent on the Lunar Lander challenge.'",
        "    summary: 'Changed.'\n    is_published: false"
      )
    )
    arena.writes = []
    await runCourseAsCode(arena, request('apply'), log)
    expect(arena.writes[0]).toMatch(/^updateModule \d+ isPublished=false$/)
    expect(arena.writes[1]).toMatch(/^updateModule \d+ summary$/)
  })

  it('refuses an unattachable challenge and a bar on the wrong side, on their lines, writing nothing', async () => {
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t => t.replace('challenge_id: 1', 'challenge_id: 99'))
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(arena.writes).toEqual([])
    expect(outcome.failure).toMatch(
      /1 error\(s\) \(course\/course.yaml:35\).*Nothing was changed on ML Arena/
    )
    expect(outcome.findings).toMatchObject([
      {
        severity: 'error',
        line: 35,
        message: expect.stringMatching(/challenge 99 is not one you may attach/)
      }
    ])
    await edit(yaml, t =>
      t
        .replace('challenge_id: 99', 'challenge_id: 1')
        .replace('pass_threshold: 150', 'pass_threshold: 0')
    )
    const zero = await runCourseAsCode(arena, request('plan'), log)
    expect(zero.findings).toMatchObject([
      { severity: 'warning', line: 37, message: expect.stringMatching(/validates every entrant/) }
    ])
  })

  it('refuses what ML Arena cannot change: a lesson kind, a course slug, on their lines', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t =>
      t
        .replace('kind: exercise', 'kind: lesson')
        .replace('slug: rl-101-landing', 'slug: rl-101-renamed')
    )
    arena.writes = []
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(arena.writes).toEqual([])
    expect(outcome.findings.map(f => [f.line, f.message.slice(0, 60)])).toEqual([
      [6, "the course's slug is rl-101-landing on ML Arena and cannot b"],
      [27, 'lesson “Rewards and returns” is an exercise on ML Arena; a l']
    ])
  })

  it('checks mlarena: directives through the preview route, on the lesson file line', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    await edit(
      path.join(ws.directory, 'landing/your-first-lander.md'),
      t => `${t}\n\`\`\`mlarena:nosuchthing\n\`\`\`\n`
    )
    arena.writes = []
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(arena.writes).toEqual([])
    expect(outcome.findings).toMatchObject([
      { severity: 'error', file: 'course/landing/your-first-lander.md', line: 6, source: 'server' }
    ])
  })

  it('a new lesson with a refused directive stays a draft and stops the run', async () => {
    await edit(
      path.join(ws.directory, 'landing/your-first-lander.md'),
      t => `${t}\n\`\`\`mlarena:nosuchthing\n\`\`\`\n`
    )
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(outcome.failure).toMatch(/created as a draft, not published/)
    expect(arena.modules.flatMap(m => m.lessons).filter(l => l.isPublished)).toEqual([])
    expect(arena.modules.every(m => !m.isPublished)).toBe(true)
  })

  it('recovers from creates that failed without a clear answer, by reading state', async () => {
    arena.failAfter('createCourse')
    arena.failAfter('createModule')
    arena.failAfter('createLesson')
    arena.failAfter('attachChallenge')
    arena.failAfter('linkModule')
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(outcome.failure).toBeNull()
    expect(outcome.apply?.adopted).toHaveLength(5)
    expect(arena.courses).toHaveLength(1)
    expect(arena.modules).toHaveLength(2)
    expect(arena.modules.flatMap(m => m.lessons)).toHaveLength(3)
    expect(arena.writes.filter(w => w.startsWith('createCourse'))).toHaveLength(1)
    arena.writes = []
    expect((await runCourseAsCode(arena, request('apply'), log)).plan?.ops).toEqual([])
  })

  it('never takes over a module of ours that only shares a slug: the plan names its id, nothing is written', async () => {
    // It may be another course's module: editing or pruning it would change that course.
    const earlier = arena.seedModule({ title: 'Landing', slug: 'landing', isPublished: false })
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(outcome.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'error',
          message: expect.stringContaining(`add module_id: ${earlier.id} to reuse it`)
        })
      ])
    )
    expect(arena.writes).toEqual([])
  })

  it("links a module by id without editing it, and refuses to edit another teacher's", async () => {
    const shared = arena.seedModule({ title: 'Shared intro', owner: 'olga', visibility: 'public' })
    const yaml = path.join(ws.directory, 'course.yaml')
    await edit(yaml, t => `${t}\n  - module_id: ${shared.id}\n`)
    const outcome = await runCourseAsCode(arena, request('apply'), log)
    expect(outcome.failure).toBeNull()
    expect(arena.courses[0]?.moduleIds.at(-1)).toBe(shared.id)
    expect(arena.writes.some(w => w.startsWith(`updateModule ${shared.id}`))).toBe(false)
    await edit(yaml, t => `${t}    title: Shared intro\n    lessons: []\n`)
    const refused = await runCourseAsCode(arena, request('plan'), log)
    expect(refused.findings).toMatchObject([
      {
        severity: 'error',
        message: expect.stringMatching(/is not yours: you may link it, not edit it/)
      }
    ])
  })

  it('puts a module_id ML Arena does not have on its line', async () => {
    await edit(path.join(ws.directory, 'course.yaml'), t => `${t}\n  - module_id: 9999\n`)
    const outcome = await runCourseAsCode(arena, request('plan'), log)
    expect(outcome.findings).toMatchObject([
      {
        severity: 'error',
        line: 44,
        message: expect.stringMatching(/^module 9999 is neither linked/)
      }
    ])
  })

  it('exports a course that then plans to no change', async () => {
    await runCourseAsCode(arena, request('apply'), log)
    const out = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-export-'))
    const course = arena.courses[0]!
    const result = await exportCourse(
      arena,
      { id: course.id, name: course.name, slug: course.slug, joinCode: null },
      path.join(out, 'exported'),
      out
    )
    expect(result.files).toEqual([
      'exported/course.yaml',
      'exported/rl-foundations/what-is-rl.md',
      'exported/rl-foundations/rewards-and-returns.md',
      'exported/landing/your-first-lander.md'
    ])
    const yaml = await readFile(path.join(out, 'exported/course.yaml'), 'utf8')
    expect(yaml).toContain(`course_id: ${course.id}`)
    expect(yaml).toContain('challenge_id: 1')
    expect(await readFile(path.join(out, 'exported/rl-foundations/what-is-rl.md'), 'utf8')).toBe(
      await readFile(path.join(EXAMPLE, 'foundations/what-is-rl.md'), 'utf8')
    )
    arena.writes = []
    const replan = await runCourseAsCode(
      arena,
      { mode: 'apply', prune: true, workspace: out, directory: path.join(out, 'exported') },
      log
    )
    expect(replan.findings).toEqual([])
    expect(replan.plan?.ops).toEqual([])
    expect(arena.writes).toEqual([])
    await rm(out, { recursive: true, force: true })
  })
})
