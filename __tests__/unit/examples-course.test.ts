/**
 * The course flows of examples/workflows/: the GitHub Classroom assignment (the ML Arena step
 * listed with the grading reporter, its result handed over as the reporter reads it) and the
 * teacher's class report, checked against course/action.yml (inputs that exist, required ones
 * given, values the teacher action accepts, outputs that exist).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { readCourseConfig } from '../../src/course/config.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

type Mapping = Record<string, unknown>
const read = (file: string): Mapping =>
  parse(readFileSync(path.join(ROOT, file), 'utf8')) as Mapping
const stepsOf = (workflow: Mapping): Mapping[] =>
  Object.values(workflow.jobs as Mapping).flatMap(job => (job as Mapping).steps as Mapping[])

describe('examples/workflows/mlarena-classroom.yml', () => {
  const workflow = read('examples/workflows/mlarena-classroom.yml')
  const steps = stepsOf(workflow)
  const arena = steps.find(step => step.uses === 'mlarena/mlarena-action@v1') as Mapping
  const reporter = steps.find(step =>
    String(step.uses).startsWith('classroom-resources/autograding-grading-reporter@')
  ) as Mapping

  it('lists the ML Arena step among the tests the reporter reads', () => {
    expect(arena.id).toBe('ml-arena')
    expect((reporter.with as Mapping).runners).toBe('ml-arena')
    // The reporter reads <RUNNER>_RESULTS, the runner id upper-cased, for each listed runner.
    expect((reporter.env as Mapping)['ML-ARENA_RESULTS']).toBe(
      '${{ steps.ml-arena.outputs.classroom-result }}'
    )
    expect(steps.indexOf(reporter)).toBeGreaterThan(steps.indexOf(arena))
    expect(String(reporter.if)).toContain('!cancelled()')
  })

  it('enrols through the course join code, with the student fields from secrets', () => {
    const inputs = arena.with as Mapping
    expect(inputs['course-join-code']).toBe('${{ vars.MLARENA_COURSE_JOIN_CODE }}')
    expect(inputs['student-email']).toBe('${{ secrets.STUDENT_EMAIL }}')
    expect(inputs['student-number']).toBe('${{ secrets.STUDENT_NUMBER }}')
    expect(inputs).not.toHaveProperty('competition-id')
    expect(inputs['max-score']).toBe(100)
    // Not failing on not-passed: the reporter grades, and it must get the result.
    expect(inputs['fail-on']).toBe('')
  })

  it('has the permissions the reporter needs (checks: write)', () => {
    expect(workflow.permissions).toEqual({ checks: 'write', actions: 'read', contents: 'read' })
  })
})

describe('examples/workflows/mlarena-class-report.yml', () => {
  const action = parse(readFileSync(path.join(ROOT, 'course/action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean }>
    outputs: Record<string, unknown>
  }
  const workflow = read('examples/workflows/mlarena-class-report.yml')
  const steps = stepsOf(workflow)
  const report = steps.find(step => step.uses === 'mlarena/mlarena-action/course@v1') as Mapping
  const inputs = report.with as Mapping

  it('passes only inputs of course/action.yml, and every required one', () => {
    expect(Object.keys(inputs).filter(name => !(name in action.inputs))).toEqual([])
    const required = Object.entries(action.inputs)
      .filter(([, spec]) => spec.required === true)
      .map(([name]) => name)
    expect(required.filter(name => !(name in inputs))).toEqual([])
    expect(inputs['api-key']).toBe('${{ secrets.MLARENA_TEACHER_KEY }}')
  })

  it('gives values the teacher action accepts', () => {
    const given: Record<string, string> = {}
    for (const [name, value] of Object.entries(inputs)) {
      const text = String(value)
      given[name] = text.includes('${{')
        ? ({ 'api-key': 'mlk_teacher_sample_s3cret', name: 'CS-101', create: 'false' }[name] ??
          'sample')
        : text
    }
    expect(() => readCourseConfig(name => given[name] ?? '', {})).not.toThrow()
  })

  it('reads only outputs of course/action.yml', () => {
    const text = readFileSync(
      path.join(ROOT, 'examples/workflows/mlarena-class-report.yml'),
      'utf8'
    )
    const read = [...text.matchAll(/steps\.class\.outputs\.([\w-]+)/g)].map(m => m[1] as string)
    expect(read.length).toBeGreaterThan(0)
    expect(read.filter(name => !(name in action.outputs))).toEqual([])
  })

  it('runs on a schedule and by hand, with no GitHub permissions', () => {
    const on = workflow.on as Mapping
    expect(on).toHaveProperty('schedule')
    expect(on).toHaveProperty('workflow_dispatch')
    expect(workflow.permissions).toEqual({})
  })
})
