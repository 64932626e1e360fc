/**
 * The course-as-code job summary and sticky comment: golden files (byte for byte, in
 * __tests__/golden/course-*.md; `UPDATE_GOLDEN=1 npm test -- course-authoring/render` rewrites
 * them), the marker first, and ML Arena's text rendered as text.
 */
import { describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCourseAsCode, type AuthoringOutcome } from '../../../src/course/authoring/pipeline.js'
import {
  COURSE_COMMENT_TAG,
  renderAuthoringComment,
  renderAuthoringSummary
} from '../../../src/course/authoring/render.js'
import { renderKeyMarker, startsWithKeyMarker } from '../../../src/report/sticky-marker.js'
import { FakeAuthoring } from '../../support/fake-authoring.js'

const GOLDEN_DIR = fileURLToPath(new URL('../../golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/course')
const log = { info: () => {}, warning: () => {} }
const MARKER = renderKeyMarker(COURSE_COMMENT_TAG, 'course:course/course.yaml')
const URL_OF = (o: AuthoringOutcome) => ({
  url: o.course?.joinCode ? `https://ml-arena.com/enroll/${o.course.joinCode}` : null
})

function expectGolden(name: string, actual: string): void {
  const file = `${GOLDEN_DIR}${name}.md`
  if (UPDATE) writeFileSync(file, actual)
  if (!existsSync(file))
    throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npm test -- course-authoring/render`)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

async function scenario(): Promise<Record<string, AuthoringOutcome>> {
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-render-'))
  const directory = path.join(workspace, 'course')
  await cp(EXAMPLE, directory, { recursive: true })
  const arena = new FakeAuthoring()
  const req = (mode: 'plan' | 'apply', prune = false) => ({ mode, prune, workspace, directory })
  const plan = await runCourseAsCode(arena, req('plan'), log)
  const applied = await runCourseAsCode(arena, req('apply'), log)
  // Someone added a module in the console, with a hostile title; the manifest changes a bar.
  const odd = arena.seedModule({ title: '<script>alert(1)</script> @octocat', slug: 'odd' })
  arena.courses[0]!.moduleIds.push(odd.id)
  const yaml = path.join(directory, 'course.yaml')
  await writeFile(
    yaml,
    (await readFile(yaml, 'utf8')).replace('pass_threshold: 150', 'pass_threshold: 175')
  )
  const update = await runCourseAsCode(arena, req('plan'), log)
  await writeFile(
    yaml,
    (await readFile(yaml, 'utf8')).replace('challenge_id: 1', 'challenge_id: 99')
  )
  const errors = await runCourseAsCode(arena, req('apply'), log)
  return { plan, applied, update, errors }
}

describe('the course-as-code reports', () => {
  it('match their golden files', async () => {
    const outcomes = await scenario()
    for (const [name, outcome] of Object.entries(outcomes)) {
      expectGolden(`course-code-summary-${name}`, renderAuthoringSummary(outcome, URL_OF(outcome)))
      expectGolden(
        `course-code-comment-${name}`,
        renderAuthoringComment(outcome, URL_OF(outcome), MARKER)
      )
    }
  })

  it('put the marker first and render ML Arena text as text', async () => {
    const { update } = await scenario()
    const comment = renderAuthoringComment(update!, URL_OF(update!), MARKER)
    expect(comment.startsWith(`${MARKER}\n`)).toBe(true)
    expect(startsWithKeyMarker(comment, COURSE_COMMENT_TAG, 'course:course/course.yaml')).toBe(true)
    expect(comment).not.toContain('<script>')
    expect(comment).toContain('&lt;script&gt;')
    expect(comment).not.toMatch(/@octocat/)
  })
})
