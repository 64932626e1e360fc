/**
 * The teacher action's run() in course-as-code modes, in-process, with a recording runner side
 * and the authoring fake served over HTTP: outputs, annotations, the failure, the summary, and
 * the report mode still chosen when directory is empty.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { AnnotationProperties } from '../../../src/github/annotations.js'
import type { RunnerSide } from '../../../src/course/github.js'
import { run } from '../../../src/course/main.js'
import { FakeAuthoring } from '../../support/fake-authoring.js'
import {
  serveFakeAuthoring,
  type FakeAuthoringServer
} from '../../support/fake-authoring-server.js'

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/course')
const TEACHER = 'mlk_teacher_tess_s3cretteacher'

interface Recorded {
  outputs: Record<string, string>
  annotations: { severity: string; message: string; properties: AnnotationProperties }[]
  failed: string | null
  summary: string
  secrets: string[]
}

function runner(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv
): { side: RunnerSide; rec: Recorded } {
  const rec: Recorded = { outputs: {}, annotations: [], failed: null, summary: '', secrets: [] }
  const log = {
    info: () => {},
    warning: () => {},
    notice: () => {},
    group: <T>(_title: string, fn: () => Promise<T>) => fn()
  }
  const side: RunnerSide = {
    getInput: name => inputs[name] ?? '',
    setOutput: (name, value) => void (rec.outputs[name] = value),
    setSecret: secret => void rec.secrets.push(secret),
    log,
    debug: () => {},
    writeSummary: async markdown => {
      rec.summary += markdown
      return true
    },
    setFailed: message => void (rec.failed = message),
    annotate: (severity, message, properties) =>
      void rec.annotations.push({ severity, message, properties }),
    env
  }
  return { side, rec }
}

describe('run() in course-as-code modes', () => {
  let fake: FakeAuthoring
  let server: FakeAuthoringServer
  let workspace: string

  beforeAll(async () => {
    fake = new FakeAuthoring()
    server = await serveFakeAuthoring(fake)
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-main-'))
    await cp(EXAMPLE, path.join(workspace, 'course'), { recursive: true })
  })
  afterAll(async () => server.close())

  const go = async (inputs: Record<string, string>, event = 'push') => {
    const { side, rec } = runner(
      {
        'api-key': TEACHER,
        'base-url': server.baseUrl,
        'api-wire': 'current',
        directory: 'course',
        ...inputs
      },
      { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: event }
    )
    await run(side)
    return rec
  }

  it('applies on push, sets every output, then re-applies with 0 changes', async () => {
    const first = await go({})
    expect(first.failed).toBeNull()
    const course = fake.courses[0]!
    expect(first.outputs).toEqual({
      'course-id': String(course.id),
      'join-code': course.joinCode,
      changes: '14',
      url: `${server.baseUrl}/enroll/${course.joinCode}`,
      enrolled: '',
      passed: '',
      'report-path': '',
      'platform-csv-path': ''
    })
    expect(first.summary).toContain('✅ applied 14 changes')
    expect(first.secrets).toContain(TEACHER)
    fake.writes = []
    const again = await go({})
    expect(again.failed).toBeNull()
    expect(again.outputs.changes).toBe('0')
    expect(fake.writes).toEqual([])
  })

  it('fails a bad manifest with annotations on its lines and no write', async () => {
    const yaml = path.join(workspace, 'course/course.yaml')
    const good = await readFile(yaml, 'utf8')
    await writeFile(yaml, good.replace('kind: exercise', 'kind: quiz'))
    fake.writes = []
    const rec = await go({}, 'pull_request')
    await writeFile(yaml, good)
    expect(fake.writes).toEqual([])
    expect(rec.failed).toMatch(
      /^The course manifest has 1 error\(s\) \(course\/course.yaml:27\): kind "quiz" is not one of lesson, exercise\.$/
    )
    expect(rec.annotations).toEqual([
      {
        severity: 'error',
        message: 'kind "quiz" is not one of lesson, exercise.',
        properties: {
          title: 'ML Arena course (manifest)',
          file: 'course/course.yaml',
          startLine: 27
        }
      }
    ])
    expect(rec.outputs.changes).toBe('')
  })

  it('exports into a folder, and refuses an export without a course', async () => {
    const id = String(fake.courses[0]!.id)
    const rec = await go({ mode: 'export', directory: 'out', 'course-id': id })
    expect(rec.failed).toBeNull()
    expect(rec.summary).toContain('exported')
    expect(await readFile(path.join(workspace, 'out/course.yaml'), 'utf8')).toContain(
      `course_id: ${id}`
    )
    const bad = await go({ mode: 'export', directory: 'out' })
    expect(bad.failed).toMatch(/^Input 'course-id': is empty, and so is name/)
  })

  it('keeps the class report the mode when directory is empty', async () => {
    const rec = await go({ directory: '', 'course-id': '' })
    expect(rec.failed).toMatch(/^Input 'course-id': is empty, and so is name/)
  })
})
