/**
 * Course as code end to end, through dist/course/index.js as a runner runs it, against the
 * emulator's teacher authoring routes (SDK 4.4.0 docstrings) and a fake GitHub API: plan on a
 * pull request (writes nothing, a sticky comment), a bad manifest (line annotations, no writes),
 * apply (drafts first, published last), re-apply (0 changes), an edit found by course_id,
 * prune, and export (which plans to no change).
 *
 * The first describe NEEDS THE MERGED EMULATOR: the authoring routes (`/api/teacher/modules…`, `/teacher/lessons…`,
 * `/teacher/course/{id}/…`, `/teacher/challenges-for-course`, the landing) come with the
 * emulator half of issue 21; before that merge this file fails on their 404s. dist/ must be
 * fresh: `npm run bundle`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { COURSE_TOKENS, startEmulator, type Emulator } from '../../emulator/index.ts'
import type { ActionRun } from '../support/action-runner.ts'
import { runCourseAction } from '../support/course-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { FakeAuthoring } from '../support/fake-authoring.ts'
import { serveFakeAuthoring, type FakeAuthoringServer } from '../support/fake-authoring-server.ts'

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/course')
const PR = 21

function pullRequestEvent(): unknown {
  return {
    number: PR,
    pull_request: {
      number: PR,
      user: { login: 'tess' },
      head: { sha: 'c0ffee', repo: { full_name: 'tess/rl-101' } },
      base: { repo: { full_name: 'tess/rl-101' } }
    }
  }
}

function writes(emu: Emulator): string[] {
  return emu
    .requests()
    .filter(r => r.server === 'api' && r.method !== 'GET' && !r.path.startsWith('/__emulator'))
    .filter(r => !r.path.endsWith('/preview'))
    .map(r => `${r.method} ${r.path}`)
}

function annotations(
  run: ActionRun,
  kind = 'error'
): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = []
  for (const match of run.stdout.matchAll(new RegExp(`^::${kind} ([^:]*)::(.*)$`, 'gm'))) {
    const props = Object.fromEntries(
      (match[1] as string).split(',').map(part => part.split('=') as [string, string])
    )
    if (props.file)
      out.push({ file: props.file, line: Number(props.line), message: match[2] as string })
  }
  return out
}

describe('course as code, end to end (needs the merged emulator)', () => {
  let emu: Emulator
  let github: FakeGitHub
  let workspace: string
  const yaml = (): string => path.join(workspace, 'course/course.yaml')

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 21 })
    github = await new FakeGitHub().start()
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-code-ws-'))
    await cp(EXAMPLE, path.join(workspace, 'course'), { recursive: true })
  })
  afterAll(async () => {
    await emu.close()
    await github.close()
    await rm(workspace, { recursive: true, force: true })
  })

  function run(
    inputs: Record<string, string>,
    event: 'push' | 'pull_request' = 'push'
  ): Promise<ActionRun> {
    emu.clearRequests()
    return runCourseAction({
      eventName: event,
      event: event === 'pull_request' ? pullRequestEvent() : {},
      githubApiUrl: github.url,
      workspace,
      inputs: {
        'api-key': COURSE_TOKENS.teacher,
        'base-url': emu.baseUrl,
        directory: 'course',
        'github-token': 'ghs_faketoken',
        ...inputs
      }
    })
  }

  it('plans on a pull request: writes nothing, and keeps one sticky comment', async () => {
    const first = await run({}, 'pull_request')
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(writes(emu)).toEqual([])
    expect(first.outputs).toMatchObject({ changes: '14', 'course-id': '', 'join-code': '' })
    expect(first.summary).toContain('📋 plan: 14 changes')
    expect(first.summary).toContain('attach challenge 1')
    const again = await run({}, 'pull_request')
    expect(again.code).toBe(0)
    const comments = github.comments.filter(c => c.issue === PR)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toMatch(/^<!-- mlarena-action:course:v1 key=/)
  })

  it('refuses a bad manifest with annotations on its lines, and writes nothing', async () => {
    const good = await readFile(yaml(), 'utf8')
    await writeFile(
      yaml(),
      good
        .replace('challenge_id: 1', 'challenge_id: 1\n        competition_id: 1')
        .replace("start_date: '2026-09-01'", "start_date: '2026-13-01'")
    )
    const result = await run({ mode: 'apply' })
    await writeFile(yaml(), good)
    expect(result.code).toBe(1)
    expect(writes(emu)).toEqual([])
    expect(annotations(result)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'course/course.yaml', line: 10 }),
        expect.objectContaining({ file: 'course/course.yaml', line: 36 })
      ])
    )
    expect(result.stdout).toMatch(
      /^::error::The course manifest has 2 error\(s\).*Nothing was changed on ML Arena\./m
    )
  })

  let courseId = ''

  it('applies on push: drafts first, published last, and says which course_id to pin', async () => {
    const result = await run({})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    courseId = result.outputs['course-id'] ?? ''
    expect(courseId).toMatch(/^\d+$/)
    expect(result.outputs['join-code']).not.toBe('')
    expect(result.outputs.url).toBe(`${emu.baseUrl}/enroll/${result.outputs['join-code']}`)
    expect(result.outputs.changes).toBe('14')
    const w = writes(emu)
    expect(w[0]).toBe('POST /api/academic_courses/')
    expect(w.filter(x => x === 'POST /api/teacher/modules')).toHaveLength(2)
    expect(w.filter(x => /^POST \/api\/teacher\/modules\/\d+\/lessons$/.test(x))).toHaveLength(3)
    expect(w.filter(x => /^POST \/api\/teacher\/course\/\d+\/modules$/.test(x))).toHaveLength(2)
    // Published last: three lesson publishes, then the two module publishes, after every create.
    expect(w.slice(-5).every(x => /^PUT \/api\/teacher\/(lessons|modules)\/\d+$/.test(x))).toBe(
      true
    )
    expect(w.slice(-2).every(x => /^PUT \/api\/teacher\/modules\/\d+$/.test(x))).toBe(true)
    expect(result.summary).toContain(`course_id: ${courseId}`)
  })

  it('re-applies with no change and no write', async () => {
    const result = await run({})
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ changes: '0', 'course-id': courseId })
    expect(writes(emu)).toEqual([])
    expect(result.summary).toContain('apply: no changes')
  })

  it('finds the course by course_id and applies an edited lesson and bar', async () => {
    await writeFile(
      yaml(),
      (await readFile(yaml(), 'utf8'))
        .replace(
          '  # course_id: 12       # add it after the first apply (the summary gives it)',
          `  course_id: ${courseId}`
        )
        .replace('pass_threshold: 150', 'pass_threshold: 160')
    )
    const lesson = path.join(workspace, 'course/foundations/what-is-rl.md')
    await writeFile(lesson, `${await readFile(lesson, 'utf8')}\nA new paragraph.\n`)
    const plan = await run({}, 'pull_request')
    expect(plan.outputs.changes).toBe('2')
    expect(writes(emu)).toEqual([])
    const apply = await run({})
    expect(apply.code).toBe(0)
    expect(writes(emu)).toEqual([
      expect.stringMatching(/^PUT \/api\/teacher\/lessons\/\d+$/),
      expect.stringMatching(/^PUT \/api\/teacher\/modules\/\d+\/challenges\/1$/)
    ])
    expect((await run({})).outputs.changes).toBe('0')
  })

  it('keeps a lesson the manifest drops, and deletes it only with prune: true', async () => {
    const text = await readFile(yaml(), 'utf8')
    const start = text.indexOf('      - title: Rewards and returns')
    const end = text.indexOf('  - title: Landing')
    await writeFile(yaml(), `${text.slice(0, start)}\n${text.slice(end)}`)
    const kept = await run({})
    expect(kept.code).toBe(0)
    expect(writes(emu)).toEqual([])
    expect(kept.summary).toContain('prune: true deletes it')
    const pruned = await run({ prune: 'true' })
    expect(pruned.code).toBe(0)
    expect(writes(emu)).toEqual([expect.stringMatching(/^DELETE \/api\/teacher\/lessons\/\d+$/)])
    expect((await run({ prune: 'true' })).outputs.changes).toBe('0')
  })

  it('exports the course into a folder that plans to no change', async () => {
    const result = await run({ mode: 'export', directory: 'exported', 'course-id': courseId })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(writes(emu)).toEqual([])
    const exported = await readFile(path.join(workspace, 'exported/course.yaml'), 'utf8')
    expect(exported).toContain(`course_id: ${courseId}`)
    expect(exported).toContain('challenge_id: 1')
    expect(
      await readFile(path.join(workspace, 'exported/landing/your-first-lander.md'), 'utf8')
    ).toBe(await readFile(path.join(workspace, 'course/landing/your-first-lander.md'), 'utf8'))
    const replan = await run({ directory: 'exported', mode: 'plan' })
    expect(replan.code).toBe(0)
    expect(replan.outputs.changes).toBe('0')
  })

  it('refuses a user token for authoring, naming api-key, before any request', async () => {
    const result = await run({ 'api-key': COURSE_TOKENS.carol, mode: 'plan' })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::Input 'api-key': is a user token; authoring a course needs the teacher's token/
    )
    expect(emu.requests().filter(r => r.server === 'api')).toEqual([])
  })
})

/**
 * The same bundle on a pull request against the in-memory authoring fake served over HTTP
 * (__tests__/support/fake-authoring-server.ts): runs before the emulator's authoring routes are
 * merged, and holds the GitHub side (annotations, the one sticky comment, outputs).
 */
describe('course as code on a pull request, against the authoring fake', () => {
  let fake: FakeAuthoring
  let served: FakeAuthoringServer
  let github: FakeGitHub
  let workspace: string

  beforeAll(async () => {
    fake = new FakeAuthoring()
    served = await serveFakeAuthoring(fake)
    github = await new FakeGitHub().start()
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-code-fake-'))
    await cp(EXAMPLE, path.join(workspace, 'course'), { recursive: true })
  })
  afterAll(async () => {
    await served.close()
    await github.close()
    await rm(workspace, { recursive: true, force: true })
  })

  const plan = (): Promise<ActionRun> =>
    runCourseAction({
      eventName: 'pull_request',
      event: pullRequestEvent(),
      githubApiUrl: github.url,
      workspace,
      inputs: {
        'api-key': 'mlk_teacher_tess_s3cretteacher',
        'base-url': served.baseUrl,
        'api-wire': 'current',
        directory: 'course',
        'github-token': 'ghs_faketoken'
      }
    })

  it('plans (no write), comments once, and annotates a bad line', async () => {
    const first = await plan()
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(fake.writes).toEqual([])
    expect(first.outputs).toMatchObject({ changes: '14', 'course-id': '' })
    const yaml = path.join(workspace, 'course/course.yaml')
    await writeFile(
      yaml,
      (await readFile(yaml, 'utf8')).replace('challenge_id: 1', 'challenge_id: 99')
    )
    const bad = await plan()
    expect(bad.code).toBe(1)
    expect(annotations(bad)).toEqual([
      expect.objectContaining({
        file: 'course/course.yaml',
        line: 35,
        message: expect.stringContaining('challenge 99 is not one you may attach')
      })
    ])
    const comments = github.comments.filter(c => c.issue === PR)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toMatch(/^<!-- mlarena-action:course:v1 key=/)
    expect(comments[0]?.body).toContain('challenge 99 is not one you may attach')
    expect(fake.writes).toEqual([])
  })
})
