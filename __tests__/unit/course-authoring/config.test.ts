/** The inputs of course as code: each bad one named, with what would be valid. */
import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { readAuthoringConfig } from '../../../src/course/config.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const TEACHER = 'mlk_teacher_tess_SECRETVALUE'

function config(mode: 'plan' | 'apply' | 'export', inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'api-key': TEACHER,
    directory: 'examples/course',
    ...inputs
  }
  return readAuthoringConfig(mode, name => all[name] ?? '', { GITHUB_WORKSPACE: ROOT })
}

describe('readAuthoringConfig', () => {
  it('reads the defaults', () => {
    expect(config('plan', {})).toEqual({
      mode: 'plan',
      apiKey: TEACHER,
      baseUrl: 'https://ml-arena.com',
      apiWire: 'auto',
      directory: path.join(ROOT, 'examples/course'),
      workspace: ROOT,
      prune: false,
      courseId: null,
      name: null,
      githubToken: '',
      comment: 'auto',
      summary: true
    })
  })

  it('lets a plan run without a token (a fork pull request), but not an apply', () => {
    expect(config('plan', { 'api-key': '' }).apiKey).toBe('')
    expect(() => config('apply', { 'api-key': '' })).toThrow(/^Input 'api-key': is empty/)
  })

  it('names each bad input', () => {
    expect(() => config('apply', { 'api-key': 'mlk_creator_c_x' })).toThrow(
      /^Input 'api-key': is a creator token; authoring a course needs the teacher's token/
    )
    expect(() => config('plan', { directory: '' })).toThrow(
      /^Input 'directory': is empty, and mode plan needs the folder that holds course.yaml/
    )
    expect(() => config('plan', { directory: 'no/such/folder' })).toThrow(
      /^Input 'directory': "no\/such\/folder" .* is not a folder/
    )
    expect(() => config('apply', { 'course-id': '3' })).toThrow(
      /^Input 'course-id': is not read in mode apply/
    )
    expect(() => config('apply', { prune: 'maybe' })).toThrow(/^Input 'prune'/)
    expect(() => config('export', {})).toThrow(
      /^Input 'course-id': is empty, and so is name: mode export needs/
    )
    expect(() => config('export', { 'course-id': '3', prune: 'true' })).toThrow(/^Input 'prune'/)
    expect(() => config('apply', { create: 'true' })).toThrow(/^Input 'create'/)
  })

  it('lets export write into a folder that does not exist yet', () => {
    expect(config('export', { directory: 'new/course', 'course-id': '3' })).toMatchObject({
      mode: 'export',
      courseId: 3,
      directory: path.join(ROOT, 'new/course')
    })
  })
})
