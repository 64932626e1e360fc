/**
 * examples/workflows/mlarena-course.yml against course/action.yml (inputs that exist, outputs that
 * exist) and the mode rule: plan on pull requests, apply on the push to main.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { readAuthoringConfig, readCourseMode } from '../../../src/course/config.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
type Mapping = Record<string, unknown>
const read = (file: string): Mapping =>
  parse(readFileSync(path.join(ROOT, file), 'utf8')) as Mapping

describe('examples/workflows/mlarena-course.yml', () => {
  const workflow = read('examples/workflows/mlarena-course.yml')
  const action = read('course/action.yml') as { inputs: Mapping; outputs: Mapping }
  const jobs = workflow.jobs as Record<
    string,
    { if: string; steps: Mapping[]; permissions?: Mapping }
  >
  const step = (job: string): Mapping =>
    jobs[job]!.steps.find(s =>
      String(s.uses).startsWith('mlarena/mlarena-action/course@')
    ) as Mapping

  it('plans on pull requests (with pull-requests: write for the comment) and applies on main', () => {
    expect(jobs.plan!.if).toBe("github.event_name == 'pull_request'")
    expect(jobs.plan!.permissions).toMatchObject({ 'pull-requests': 'write' })
    expect(jobs.apply!.if).toBe("github.event_name == 'push'")
    expect((workflow.on as Mapping).push).toMatchObject({ branches: ['main'] })
    expect(step('plan').with).toMatchObject({ directory: 'course', mode: 'plan' })
    expect(step('apply').with).toMatchObject({ directory: 'course', mode: 'apply' })
  })

  it('passes only inputs of course/action.yml and reads only its outputs', () => {
    for (const job of ['plan', 'apply']) {
      for (const name of Object.keys(step(job).with as Mapping))
        expect(Object.keys(action.inputs)).toContain(name)
    }
    const text = readFileSync(path.join(ROOT, 'examples/workflows/mlarena-course.yml'), 'utf8')
    for (const match of text.matchAll(/steps\.course\.outputs\.([\w-]+)/g))
      expect(Object.keys(action.outputs)).toContain(match[1])
  })

  it('gives inputs the teacher action accepts', () => {
    const inputs: Record<string, string> = {
      ...(step('apply').with as Record<string, string>),
      'api-key': 'mlk_teacher_tess_SECRET'
    }
    const env = { GITHUB_WORKSPACE: ROOT, GITHUB_EVENT_NAME: 'push' }
    const get = (name: string): string => inputs[name] ?? ''
    expect(readCourseMode(get, env)).toBe('apply')
    const config = readAuthoringConfig(
      'apply',
      name => (name === 'directory' ? 'examples/course' : get(name)),
      env
    )
    expect(config).toMatchObject({
      mode: 'apply',
      prune: false,
      directory: path.join(ROOT, 'examples/course')
    })
  })
})

describe('readCourseMode', () => {
  const mode = (inputs: Record<string, string>, event = 'push') =>
    readCourseMode(name => inputs[name] ?? '', { GITHUB_EVENT_NAME: event })
  it('defaults to the report without a directory, to plan on pull requests, else apply', () => {
    expect(mode({})).toBe('report')
    expect(mode({}, 'pull_request')).toBe('report')
    expect(mode({ directory: 'course' }, 'pull_request')).toBe('plan')
    expect(mode({ directory: 'course' }, 'push')).toBe('apply')
    expect(mode({ directory: 'course', mode: 'export' })).toBe('export')
    expect(() => mode({ mode: 'destroy' })).toThrow(/Input 'mode'/)
  })
})
