/**
 * The course inputs of the participant action: the join code (or its /enroll/ link), the student
 * fields, max-score, and how they change competition-id, fail-on and api-key.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  parseJoinCode,
  parseMaxScore,
  parseStudentEmail,
  parseStudentNumber
} from '../../src/submit/course-inputs.js'
import { readConfig } from '../../src/submit/config.js'
import { inputErrorOf } from '../support/input-errors.js'

let workspace = ''
beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'mlarena-course-inputs-'))
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

function config(inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'api-key': 'mlk_user_look_SECRETVALUE',
    files: 'agent/**',
    ...inputs
  }
  return readConfig(name => all[name] ?? '', { GITHUB_WORKSPACE: workspace })
}

describe('course-join-code', () => {
  it.each([
    ['LUNAR7K2', 'LUNAR7K2'],
    ['  LUNAR7K2 ', 'LUNAR7K2'],
    ['https://ml-arena.com/enroll/LUNAR7K2', 'LUNAR7K2'],
    ['https://ml-arena.com/enroll/LUNAR7K2/', 'LUNAR7K2'],
    ['https://ml-arena.com/enroll/LUNAR7K2?utm=mail#top', 'LUNAR7K2'],
    [
      'http://localhost:5000/app/enroll/5b0c7e2f9a3d4e1f8c6b2a9d0e7f1c3a',
      '5b0c7e2f9a3d4e1f8c6b2a9d0e7f1c3a'
    ],
    ['/enroll/CS-101_a', 'CS-101_a']
  ])('reads %j as the code %j', (raw, code) => {
    expect(parseJoinCode(raw)).toBe(code)
  })

  it('is null when empty', () => {
    expect(parseJoinCode('   ')).toBeNull()
  })

  it.each([
    ['a link to another page', 'https://ml-arena.com/challenge/1'],
    ['a code with a space', 'LUNAR 7K2'],
    ['a code with a quote', 'LUNAR"7'],
    ['an enrol link without a code', 'https://ml-arena.com/enroll/'],
    ['a code that is too long', 'x'.repeat(129)],
    ['an encoded path in the code', 'https://ml-arena.com/enroll/a%2Fb']
  ])('refuses %s, naming the input', (_, raw) => {
    const error = inputErrorOf(() => parseJoinCode(raw))
    expect(error.input).toBe('course-join-code')
    expect(error.message).toMatch(/^Input 'course-join-code': /)
    expect(error.message).not.toMatch(/[\r\n]/)
  })
})

describe('student-email and student-number', () => {
  it('accept one address and one line of text', () => {
    expect(parseStudentEmail(' ada@uni.example ')).toBe('ada@uni.example')
    expect(parseStudentEmail('')).toBeNull()
    expect(parseStudentNumber(' 2026-1234 ')).toBe('2026-1234')
    expect(parseStudentNumber('')).toBeNull()
  })

  it.each([
    'ada',
    'ada@',
    '@uni.example',
    'ada@uni',
    'a b@uni.example',
    'ada@uni.example, bo@x.org'
  ])('refuse the malformed e-mail %j', raw => {
    const error = inputErrorOf(() => parseStudentEmail(raw))
    expect(error.input).toBe('student-email')
    // The address is personal data: the message does not repeat it.
    expect(error.message).not.toContain(raw)
  })

  it('refuse a student number with a newline or over 64 characters', () => {
    expect(inputErrorOf(() => parseStudentNumber('12\n34')).input).toBe('student-number')
    expect(inputErrorOf(() => parseStudentNumber('9'.repeat(65))).input).toBe('student-number')
  })

  it('are refused without a join code (they would be sent nowhere)', () => {
    const error = inputErrorOf(() => config({ 'competition-id': '1', 'student-email': 'a@b.cd' }))
    expect(error.input).toBe('student-email')
    expect(error.message).toContain('course-join-code is empty')
  })
})

describe('competition-id with a course', () => {
  it('may be empty when a join code is given', () => {
    const c = config({ 'course-join-code': 'LUNAR7K2' })
    expect(c.competitionId).toBeNull()
    expect(c.course).toEqual({ joinCode: 'LUNAR7K2', studentEmail: null, studentNumber: null })
  })

  it('is still read when given with a join code', () => {
    expect(config({ 'course-join-code': 'LUNAR7K2', 'competition-id': '7' }).competitionId).toBe(7)
    expect(
      inputErrorOf(() => config({ 'course-join-code': 'LUNAR7K2', 'competition-id': 'x' })).input
    ).toBe('competition-id')
  })

  it('is required without one, and says a join code is the alternative', () => {
    const error = inputErrorOf(() => config({}))
    expect(error.input).toBe('competition-id')
    expect(error.message).toContain('course-join-code')
  })
})

describe('fail-on: not-passed and max-score', () => {
  it('accepts not-passed with a course, and refuses it without one', () => {
    expect(
      config({ 'course-join-code': 'LUNAR7K2', 'fail-on': 'not-passed' }).failOn.has('not-passed')
    ).toBe(true)
    const error = inputErrorOf(() => config({ 'competition-id': '1', 'fail-on': 'not-passed' }))
    expect(error.input).toBe('fail-on')
  })

  it('reads max-score as whole points from 0 to 1000', () => {
    expect(parseMaxScore('0')).toBe(0)
    expect(parseMaxScore(' 40 ')).toBe(40)
    for (const bad of ['-1', '1.5', '1001', 'ten', '']) {
      expect(inputErrorOf(() => parseMaxScore(bad)).input).toBe('max-score')
    }
    expect(config({ 'competition-id': '1' }).maxScore).toBe(100)
  })
})

describe('api-key on the student side', () => {
  it('refuses a teacher token, naming api-key and pointing at the course action', () => {
    const error = inputErrorOf(() =>
      config({ 'course-join-code': 'LUNAR7K2', 'api-key': 'mlk_teacher_look_SECRETVALUE' })
    )
    expect(error.input).toBe('api-key')
    expect(error.message).toContain('teacher token')
    expect(error.message).toContain('mlk_user_')
    expect(error.message).toContain('course action')
    expect(error.message).not.toContain('SECRETVALUE')
  })
})
