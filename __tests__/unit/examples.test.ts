/**
 * The workflow files (examples/workflows/ and this project's .github/workflows/) checked against
 * action.yml: every step that runs this action passes only inputs that exist, every required
 * one, values the action accepts, and reads only outputs that exist. Plus the shape each flow
 * promises (fork safety, concurrency, matrix) and the example agent the self-test submits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse, parseDocument } from 'yaml'
import { MARKER_PREFIX } from '../../emulator/platform/markers.ts'
import { seededCompetitions } from '../../emulator/platform/world.ts'
import { readConfig } from '../../src/submit/config.js'
import { collectFiles } from '../../src/submit/steps/files.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const WORKFLOW_DIRS = ['examples/workflows', '.github/workflows']
const ACTION_REF = /^mlarena\/mlarena-action@[\w.-]+$/
const OTHER_ACTION_REF = /^(?:[\w.-]+\/[\w./-]+@[\w./-]+|\.\/[\w./-]+|docker:\/\/\S+)$/
/** Events on which the action's `comment: auto` writes a pull request comment. */
const COMMENT_EVENTS = new Set(['pull_request', 'pull_request_target', 'workflow_run'])
const STEP_OUTPUT_REF =
  /\bsteps\.([A-Za-z_][\w-]*)\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])/g
const NEEDS_REF = /\bneeds\.([A-Za-z_][\w-]*)\b(?:\.outputs\.([A-Za-z_][\w-]*))?/g
/** Expressions that put attacker-controlled text straight into a shell script. */
const UNTRUSTED_IN_SCRIPT = /\$\{\{[^}]*\b(?:github\.event\.|github\.head_ref\b)/

type Mapping = Record<string, unknown>

interface ActionSpec {
  inputs: Map<string, { required: boolean }>
  outputs: Set<string>
}

function asMapping(value: unknown): Mapping | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Mapping)
    : null
}

function asList(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null
}

function readActionSpec(text: string): ActionSpec {
  const action = asMapping(parse(text)) ?? {}
  const inputs = new Map<string, { required: boolean }>()
  for (const [name, spec] of Object.entries(asMapping(action.inputs) ?? {})) {
    inputs.set(name, { required: asMapping(spec)?.required === true })
  }
  return { inputs, outputs: new Set(Object.keys(asMapping(action.outputs) ?? {})) }
}

function isThisAction(uses: unknown): boolean {
  return typeof uses === 'string' && (uses === './' || ACTION_REF.test(uses))
}

/** Every string anywhere inside `value` (keys excluded). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  const map = asMapping(value)
  return map ? Object.values(map).flatMap(stringsIn) : []
}

/** The events a workflow runs on, whichever of the three forms `on` takes. */
function triggersOf(workflow: Mapping): string[] {
  const on = workflow.on
  if (typeof on === 'string') return [on]
  const list = asList(on)
  if (list) return list.filter(event => typeof event === 'string')
  return Object.keys(asMapping(on) ?? {})
}

function grantsPullRequestWrite(permissions: unknown): boolean {
  if (permissions === 'write-all') return true
  return asMapping(permissions)?.['pull-requests'] === 'write'
}

/**
 * Everything wrong with one workflow file, as lines "<where>: <what>"; [] when it is sound.
 * Pure: the workflow text and the action's spec in, problems out.
 */
function lintWorkflow(text: string, spec: ActionSpec): string[] {
  const doc = parseDocument(text, { uniqueKeys: true })
  if (doc.errors.length > 0) return doc.errors.map(error => `YAML: ${error.message}`)
  const workflow = asMapping(doc.toJS())
  if (!workflow) return ['the file is not a YAML mapping']
  // A YAML 1.1 reader (PyYAML and tools built on it) takes unquoted on/off/yes/no for booleans;
  // a quoted value reads the same everywhere.
  const legacyReading = asMapping(parse(text, { version: '1.1' })) ?? {}
  const problems: string[] = []

  const triggers = triggersOf(workflow)
  if (!('on' in workflow)) problems.push("workflow: no 'on' (the events it runs on)")
  else if (triggers.length === 0) problems.push("workflow: 'on' names no event")
  const jobs = asMapping(workflow.jobs)
  if (!jobs || Object.keys(jobs).length === 0) {
    problems.push("workflow: no 'jobs'")
    return problems
  }

  for (const [jobId, jobValue] of Object.entries(jobs)) {
    const where = `jobs.${jobId}`
    const job = asMapping(jobValue)
    if (!job) {
      problems.push(`${where}: not a mapping`)
      continue
    }
    if (job['runs-on'] === undefined || job['runs-on'] === '') problems.push(`${where}: no runs-on`)
    const steps = asList(job.steps)
    if (!steps || steps.length === 0) {
      problems.push(`${where}: no steps`)
      continue
    }

    const needs = new Set(
      typeof job.needs === 'string' ? [job.needs] : (asList(job.needs) ?? []).map(String)
    )
    for (const ref of stringsIn(job).flatMap(s => [...s.matchAll(NEEDS_REF)])) {
      const [, needed = '', output] = ref
      if (!needs.has(needed)) {
        problems.push(`${where}: refers to needs.${needed}, which is not in its needs`)
        continue
      }
      const declared = asMapping(asMapping(jobs[needed])?.outputs) ?? {}
      if (output !== undefined && !(output in declared)) {
        problems.push(`${where}: needs.${needed}.outputs.${output} is not an output of ${needed}`)
      }
    }

    const stepIds = new Map<string, number>()
    const actionStepIds = new Set<string>()
    steps.forEach((stepValue, index) => {
      const step = asMapping(stepValue) ?? {}
      if (typeof step.id !== 'string') return
      if (stepIds.has(step.id)) problems.push(`${where}: two steps have the id '${step.id}'`)
      stepIds.set(step.id, index)
      if (isThisAction(step.uses)) actionStepIds.add(step.id)
    })

    /** A `steps.<id>.outputs.<name>` reference made at step `at` (null: the job's outputs). */
    const checkOutputRefs = (strings: string[], at: number | null, place: string): void => {
      for (const ref of strings.flatMap(s => [...s.matchAll(STEP_OUTPUT_REF)])) {
        const [, id = '', dotted, bracketed] = ref
        const output = dotted ?? bracketed ?? ''
        const index = stepIds.get(id)
        if (index === undefined) {
          problems.push(`${place}: refers to steps.${id}, which this job does not have`)
        } else if (at !== null && index >= at) {
          problems.push(`${place}: reads steps.${id}.outputs before step '${id}' has run`)
        } else if (actionStepIds.has(id) && !spec.outputs.has(output)) {
          problems.push(
            `${place}: steps.${id}.outputs.${output} is not an output of action.yml (it has ${[...spec.outputs].join(', ')})`
          )
        }
      }
    }
    const { steps: _steps, outputs: jobOutputs, ...jobRest } = job
    checkOutputRefs(stringsIn(jobOutputs), null, `${where}.outputs`)
    for (const s of stringsIn(jobRest)) {
      if (/\bsteps\./.test(s)) problems.push(`${where}: the steps context is used outside a step`)
    }

    let writesComment = false
    steps.forEach((stepValue, index) => {
      const place = `${where}.steps[${index}]`
      const step = asMapping(stepValue)
      if (!step) {
        problems.push(`${place}: not a mapping`)
        return
      }
      const hasUses = typeof step.uses === 'string'
      const hasRun = typeof step.run === 'string'
      if (hasUses === hasRun) problems.push(`${place}: needs exactly one of uses and run`)
      if (hasUses && !isThisAction(step.uses) && !OTHER_ACTION_REF.test(String(step.uses))) {
        problems.push(`${place}: uses '${String(step.uses)}' has no @ref`)
      }
      if (hasRun && UNTRUSTED_IN_SCRIPT.test(String(step.run))) {
        problems.push(`${place}: run interpolates event data; pass it through env instead`)
      }
      checkOutputRefs(stringsIn(step), index, place)

      const withValue = step.with
      const inputs = withValue === undefined ? {} : asMapping(withValue)
      if (inputs === null) {
        problems.push(`${place}: with is not a mapping`)
        return
      }
      const legacyStep = asMapping(
        asList(asMapping(asMapping(legacyReading.jobs)?.[jobId])?.steps)?.[index]
      )
      const legacyInputs = asMapping(legacyStep?.with) ?? {}
      for (const [name, value] of Object.entries(inputs)) {
        if (typeof value === 'object' && value !== null) {
          problems.push(`${place}: input '${name}' is not a scalar`)
        } else if (typeof value === 'string' && typeof legacyInputs[name] === 'boolean') {
          problems.push(
            `${place}: input '${name}: ${value}' reads as a boolean in YAML 1.1; quote it`
          )
        }
      }
      if (!isThisAction(step.uses)) return

      for (const name of Object.keys(inputs)) {
        if (!spec.inputs.has(name)) {
          problems.push(
            `${place}: '${name}' is not an input of action.yml (it has ${[...spec.inputs.keys()].join(', ')})`
          )
        }
      }
      for (const [name, input] of spec.inputs) {
        if (input.required && (inputs[name] === undefined || inputs[name] === '')) {
          problems.push(`${place}: the required input '${name}' is missing`)
        }
      }
      if (!inputs.files && !inputs['agent-id']) {
        problems.push(`${place}: gives neither files nor agent-id`)
      }
      if (!inputs['competition-id'] && !inputs['course-join-code']) {
        problems.push(`${place}: gives neither competition-id nor course-join-code`)
      }
      const comment = String(inputs.comment ?? 'auto')
      if (comment === 'on' || (comment === 'auto' && triggers.some(e => COMMENT_EVENTS.has(e)))) {
        writesComment = true
      }
    })

    if (writesComment) {
      const permissions = job.permissions ?? workflow.permissions
      if (permissions === undefined) {
        problems.push(`${where}: writes a PR comment but sets no permissions`)
      } else if (!grantsPullRequestWrite(permissions)) {
        problems.push(`${where}: writes a PR comment without pull-requests: write`)
      }
    }
  }
  return problems
}

/**
 * The inputs of each step that runs this action, with expressions replaced by a value of the
 * kind they stand for, as the runner would hand them over. Literal values are kept.
 */
const EXPRESSION_SAMPLES: Record<string, string> = {
  'api-key': 'mlk_user_sample_s3cret',
  'base-url': 'http://127.0.0.1:8787',
  'competition-id': '1',
  'agent-id': '2',
  'working-directory': '.',
  'logs-dir': '',
  runtime: '',
  'agent-name': 'sample-agent',
  'comment-key': 'sample-key',
  'course-join-code': 'LUNAR7K2',
  'student-email': 'student@uni.example',
  'student-number': 'S1001'
}

function inputsAsRunnerGivesThem(inputs: Mapping): Record<string, string> {
  const given: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    const text = String(value)
    given[name] = text.includes('${{') ? (EXPRESSION_SAMPLES[name] ?? 'sample') : text
  }
  return given
}

/**
 * What the action's own input validation says of a step's inputs: null when it accepts them,
 * else its one-line message. A literal working-directory is made under `workspace` first (the
 * examples name folders of the user's repository).
 */
function inputValueError(inputs: Mapping, workspace: string): string | null {
  const given = inputsAsRunnerGivesThem(inputs)
  const workingDirectory = given['working-directory']
  if (workingDirectory) mkdirSync(path.join(workspace, workingDirectory), { recursive: true })
  try {
    readConfig(name => given[name] ?? '', { GITHUB_WORKSPACE: workspace })
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

interface ActionStep {
  file: string
  job: string
  step: Mapping
  inputs: Mapping
}

function actionSteps(file: string, workflow: Mapping): ActionStep[] {
  return Object.entries(asMapping(workflow.jobs) ?? {}).flatMap(([job, value]) =>
    (asList(asMapping(value)?.steps) ?? [])
      .map(step => asMapping(step) ?? {})
      .filter(step => isThisAction(step.uses))
      .map(step => ({ file, job, step, inputs: asMapping(step.with) ?? {} }))
  )
}

function stepsUsing(workflow: Mapping, prefix: string): Mapping[] {
  return Object.values(asMapping(workflow.jobs) ?? {}).flatMap(job =>
    (asList(asMapping(job)?.steps) ?? [])
      .map(step => asMapping(step) ?? {})
      .filter(step => typeof step.uses === 'string' && step.uses.startsWith(prefix))
  )
}

function onlyJob(workflow: Mapping): Mapping {
  const jobs = Object.values(asMapping(workflow.jobs) ?? {})
  expect(jobs).toHaveLength(1)
  return asMapping(jobs[0]) ?? {}
}

const spec = readActionSpec(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
const workflowFiles = WORKFLOW_DIRS.flatMap(dir =>
  readdirSync(path.join(ROOT, dir))
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => path.join(dir, name))
).sort()
const texts = new Map(
  workflowFiles.map(file => [file, readFileSync(path.join(ROOT, file), 'utf8')])
)
const workflows = new Map(
  workflowFiles.map(file => [file, asMapping(parse(texts.get(file) ?? '')) ?? {}])
)

function workflow(file: string): Mapping {
  const found = workflows.get(file)
  if (!found) throw new Error(`${file} is missing`)
  return found
}

const MINIMAL = `
name: t
on: pull_request
permissions:
  pull-requests: write
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - id: arena
        uses: mlarena/mlarena-action@v1
        with:
          api-key: \${{ secrets.MLARENA_API_KEY }}
          competition-id: 3
          files: agent/**
      - run: echo "$RANK"
        env:
          RANK: \${{ steps.arena.outputs.rank }}
`

describe('action.yml as the checks read it', () => {
  it('has the inputs and outputs the workflows rely on', () => {
    // Not required: a course join code may name the challenge instead (the lint checks one is given).
    expect(spec.inputs.get('competition-id')).toEqual({ required: false })
    expect(spec.inputs.get('files')).toEqual({ required: false })
    expect([...spec.outputs]).toEqual(expect.arrayContaining(['outcome', 'rank', 'agent-id']))
  })
})

describe('lintWorkflow', () => {
  it('passes a sound workflow (the control for the cases below)', () => {
    expect(lintWorkflow(MINIMAL, spec)).toEqual([])
  })

  it('catches a misspelt input, and the required input it then lacks', () => {
    const problems = lintWorkflow(MINIMAL.replace('competition-id:', 'competiton-id:'), spec)
    expect(problems).toEqual([
      expect.stringMatching(
        /^jobs\.run\.steps\[0\]: 'competiton-id' is not an input of action\.yml/
      ),
      'jobs.run.steps[0]: gives neither competition-id nor course-join-code'
    ])
  })

  it('catches a misspelt input of the local action (uses: ./)', () => {
    const text = MINIMAL.replace('mlarena/mlarena-action@v1', './').replace('files:', 'file:')
    expect(lintWorkflow(text, spec)).toEqual([
      expect.stringContaining("'file' is not an input of action.yml"),
      'jobs.run.steps[0]: gives neither files nor agent-id'
    ])
  })

  it('catches a misspelt output, and a read of a step that has not run yet', () => {
    expect(lintWorkflow(MINIMAL.replace('outputs.rank', 'outputs.rnak'), spec)).toEqual([
      expect.stringMatching(/steps\.arena\.outputs\.rnak is not an output of action\.yml/)
    ])
    const early = MINIMAL.replace(
      '      - id: arena',
      '      - run: echo "${{ steps.arena.outputs.rank }}"\n      - id: arena'
    )
    expect(lintWorkflow(early, spec)).toEqual([
      "jobs.run.steps[0]: reads steps.arena.outputs before step 'arena' has run"
    ])
    expect(lintWorkflow(MINIMAL.replace('steps.arena', 'steps.arnea'), spec)).toEqual([
      'jobs.run.steps[1]: refers to steps.arnea, which this job does not have'
    ])
  })

  it('checks the bracket form of an output reference too', () => {
    const text = MINIMAL.replace('steps.arena.outputs.rank', "steps.arena.outputs['rnak']")
    expect(lintWorkflow(text, spec)).toEqual([
      expect.stringContaining('steps.arena.outputs.rnak is not an output')
    ])
  })

  it('requires pull-requests: write where a comment is written', () => {
    const none = MINIMAL.replace('permissions:\n  pull-requests: write\n', '')
    expect(lintWorkflow(none, spec)).toEqual([
      'jobs.run: writes a PR comment but sets no permissions'
    ])
    const read = MINIMAL.replace('pull-requests: write', 'pull-requests: read')
    expect(lintWorkflow(read, spec)).toEqual([
      'jobs.run: writes a PR comment without pull-requests: write'
    ])
    // No comment on a push (comment: auto), nor with comment off on a pull request.
    expect(lintWorkflow(none.replace('on: pull_request', 'on: push'), spec)).toEqual([])
    expect(
      lintWorkflow(none.replace('files: agent/**', "files: a\n          comment: 'off'"), spec)
    ).toEqual([])
    // comment: on writes one whatever the event.
    expect(
      lintWorkflow(
        none
          .replace('on: pull_request', 'on: push')
          .replace('files: agent/**', "files: a\n          comment: 'on'"),
        spec
      )
    ).toEqual(['jobs.run: writes a PR comment but sets no permissions'])
  })

  it('flags an unquoted on/off that a YAML 1.1 reader takes for a boolean', () => {
    const text = MINIMAL.replace('files: agent/**', 'files: agent/**\n          comment: on')
    expect(lintWorkflow(text, spec)).toEqual([
      "jobs.run.steps[0]: input 'comment: on' reads as a boolean in YAML 1.1; quote it"
    ])
  })

  it('flags event data interpolated into a script', () => {
    const text = MINIMAL.replace('echo "$RANK"', 'echo "${{ github.event.pull_request.title }}"')
    expect(lintWorkflow(text, spec)).toEqual([
      'jobs.run.steps[1]: run interpolates event data; pass it through env instead'
    ])
  })

  it('catches the structural mistakes', () => {
    // Without an event no comment is implied: the missing 'on' is the one problem.
    expect(lintWorkflow(MINIMAL.replace('on: pull_request\n', ''), spec)).toEqual([
      "workflow: no 'on' (the events it runs on)"
    ])
    expect(lintWorkflow(MINIMAL.replace('    runs-on: ubuntu-latest\n', ''), spec)).toEqual([
      'jobs.run: no runs-on'
    ])
    expect(lintWorkflow('on: push\njobs:\n  a:\n    runs-on: x\n    steps: []\n', spec)).toEqual([
      'jobs.a: no steps'
    ])
    expect(lintWorkflow('on: push\n', spec)).toEqual(["workflow: no 'jobs'"])
    expect(lintWorkflow('on: push\non: pull_request\njobs: {}\n', spec)[0]).toMatch(/^YAML: /)
    expect(lintWorkflow('jobs: [unclosed\n', spec)[0]).toMatch(/^YAML: /)
    expect(
      lintWorkflow(
        MINIMAL.replace('- run: echo', '- uses: actions/checkout\n        run: echo'),
        spec
      )
    ).toEqual([
      'jobs.run.steps[1]: needs exactly one of uses and run',
      "jobs.run.steps[1]: uses 'actions/checkout' has no @ref"
    ])
  })

  it('checks needs references against the needed job and its outputs', () => {
    const text = `
on: push
jobs:
  a:
    runs-on: x
    outputs:
      rank: \${{ steps.arena.outputs.rank }}
    steps:
      - id: arena
        uses: ./
        with: { competition-id: 1, agent-id: 2 }
  b:
    needs: a
    runs-on: x
    steps:
      - run: echo "\${{ needs.a.outputs.rank }} \${{ needs.a.outputs.score }} \${{ needs.c.result }}"
`
    expect(lintWorkflow(text, spec)).toEqual([
      'jobs.b: needs.a.outputs.score is not an output of a',
      'jobs.b: refers to needs.c, which is not in its needs'
    ])
  })
})

describe('the workflow files', () => {
  it('include every flow and this project’s CI', () => {
    expect(workflowFiles).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/codeql.yml',
      '.github/workflows/release.yml',
      '.github/workflows/self-test.yml',
      'examples/workflows/mlarena-challenge.yml',
      'examples/workflows/mlarena-class-report.yml',
      'examples/workflows/mlarena-classroom.yml',
      'examples/workflows/mlarena-course.yml',
      'examples/workflows/mlarena-follow-up.yml',
      'examples/workflows/mlarena-fork-pr-build.yml',
      'examples/workflows/mlarena-fork-pr-submit.yml',
      'examples/workflows/mlarena-matrix.yml',
      'examples/workflows/mlarena-pr-no-wait.yml',
      'examples/workflows/mlarena-pull-request.yml',
      'examples/workflows/mlarena-push.yml',
      'examples/workflows/mlarena-schedule.yml'
    ])
  })

  it.each(workflowFiles)('%s passes every check', file => {
    expect(lintWorkflow(texts.get(file) ?? '', spec)).toEqual([])
  })

  describe('input values', () => {
    let workspace = ''
    beforeAll(() => {
      workspace = mkdtempSync(path.join(os.tmpdir(), 'mlarena-examples-'))
    })
    afterAll(() => {
      rmSync(workspace, { recursive: true, force: true })
    })

    it('are all accepted by the action', () => {
      const steps = workflowFiles.flatMap(file => actionSteps(file, workflow(file)))
      // Every workflow runs the action but CI, CodeQL, the release, the fork pair's build half,
      // the teacher's class report, mlarena-course.yml and mlarena-challenge.yml (other actions,
      // tested by their own suites).
      const notRunningIt = [
        '.github/workflows/ci.yml',
        '.github/workflows/codeql.yml',
        '.github/workflows/release.yml',
        'examples/workflows/mlarena-challenge.yml',
        'examples/workflows/mlarena-class-report.yml',
        'examples/workflows/mlarena-course.yml',
        'examples/workflows/mlarena-follow-up.yml',
        'examples/workflows/mlarena-fork-pr-build.yml'
      ]
      expect([...new Set(steps.map(step => step.file))].sort()).toEqual(
        workflowFiles.filter(file => !notRunningIt.includes(file)).sort()
      )
      const errors = steps
        .map(({ file, job, inputs }) => [`${file} ${job}`, inputValueError(inputs, workspace)])
        .filter(([, error]) => error !== null)
      expect(errors).toEqual([])
    })

    it('are checked for real (a bad value is refused)', () => {
      const [first] = actionSteps('push', workflow('examples/workflows/mlarena-push.yml'))
      const inputs = first?.inputs ?? {}
      expect(inputValueError(inputs, workspace)).toBeNull()
      expect(inputValueError({ ...inputs, wait: 'yes' }, workspace)).toMatch(/^Input 'wait': /)
      expect(inputValueError({ ...inputs, comment: 'true' }, workspace)).toMatch(
        /^Input 'comment': /
      )
      expect(inputValueError({ ...inputs, runtime: 'torch@2.3' }, workspace)).toMatch(
        /^Input 'runtime': /
      )
    })
  })

  it('use the published action in the examples and the local one in the self-test', () => {
    for (const file of workflowFiles) {
      const uses = actionSteps(file, workflow(file)).map(s => s.step.uses)
      if (file.startsWith('examples/')) {
        expect(uses.every(u => u === 'mlarena/mlarena-action@v1')).toBe(true)
        for (const { inputs } of actionSteps(file, workflow(file))) {
          expect(inputs['api-key']).toBe('${{ secrets.MLARENA_API_KEY }}')
        }
      }
      for (const checkout of stepsUsing(workflow(file), 'actions/checkout@')) {
        expect(checkout.uses).toBe('actions/checkout@v5')
      }
    }
    expect(actionSteps('self-test', workflow('.github/workflows/self-test.yml'))).toEqual([
      expect.objectContaining({ step: expect.objectContaining({ uses: './' }) })
    ])
  })
})

describe('the flows', () => {
  it('push: on pushes to main, submits files to the branch’s agent (no agent-id)', () => {
    const push = workflow('examples/workflows/mlarena-push.yml')
    expect(asMapping(asMapping(push.on)?.push)?.branches).toEqual(['main'])
    const [submit] = actionSteps('push', push)
    expect(submit?.inputs.files).toBeTruthy()
    expect(submit?.inputs).not.toHaveProperty('agent-id')
    expect(asMapping(push.concurrency)?.group).toContain('${{ github.ref }}')
  })

  it('pull request: comments with pull-requests: write, one concurrency group per PR', () => {
    const pr = workflow('examples/workflows/mlarena-pull-request.yml')
    expect(triggersOf(pr)).toEqual(['pull_request'])
    expect(pr.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' })
    const concurrency = asMapping(pr.concurrency) ?? {}
    expect(concurrency.group).toContain('${{ github.event.pull_request.number }}')
    expect(concurrency['cancel-in-progress']).toBe(true)
    expect(onlyJob(pr).if).toBe(
      'github.event.pull_request.head.repo.full_name == github.repository'
    )
    expect(actionSteps('pr', pr)[0]?.inputs.files).toBeTruthy()
  })

  it('schedule: cron and manual runs update the agent of main, in the push workflow’s group', () => {
    const schedule = workflow('examples/workflows/mlarena-schedule.yml')
    const push = workflow('examples/workflows/mlarena-push.yml')
    const on = asMapping(schedule.on) ?? {}
    expect(asMapping(asList(on.schedule)?.[0])?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/)
    expect(on).toHaveProperty('workflow_dispatch')
    const [evaluate] = actionSteps('schedule', schedule)
    // No agent-id: like a push, the run updates the branch's own agent (named after the branch).
    expect(evaluate?.inputs).not.toHaveProperty('agent-id')
    expect(evaluate?.inputs).not.toHaveProperty('agent-name')
    const [pushed] = actionSteps('push', push)
    for (const input of ['competition-id', 'working-directory', 'files']) {
      expect({ input, value: evaluate?.inputs[input] }).toEqual({
        input,
        value: pushed?.inputs[input]
      })
    }
    expect(asMapping(schedule.concurrency)?.group).toBe(asMapping(push.concurrency)?.group)
    expect(stepsUsing(schedule, 'actions/checkout@')).toHaveLength(1)
  })

  it('push and pull request pin no runtime the README’s snippets leave out', () => {
    for (const file of ['mlarena-push.yml', 'mlarena-pull-request.yml', 'mlarena-schedule.yml']) {
      const [step] = actionSteps(file, workflow(`examples/workflows/${file}`))
      expect({ file, runtime: step?.inputs.runtime }).toEqual({ file, runtime: undefined })
    }
  })

  it('matrix: cells do not cancel each other and each has its own comment key', () => {
    const matrix = workflow('examples/workflows/mlarena-matrix.yml')
    const strategy = asMapping(onlyJob(matrix).strategy) ?? {}
    expect(strategy['fail-fast']).toBe(false)
    const axes = Object.keys(asMapping(strategy.matrix) ?? {}).filter(key => key !== 'include')
    expect(axes.length).toBeGreaterThanOrEqual(2)
    const key = String(actionSteps('matrix', matrix)[0]?.inputs['comment-key'])
    for (const axis of axes) expect(key).toContain(`matrix.${axis}`)
  })

  describe('fork-safe pair', () => {
    const buildText = texts.get('examples/workflows/mlarena-fork-pr-build.yml') ?? ''
    const build = workflow('examples/workflows/mlarena-fork-pr-build.yml')
    const submit = workflow('examples/workflows/mlarena-fork-pr-submit.yml')
    const comments = /#.*$/gm

    it('build: a pull_request run with no secret, no write, no PR number in the artifact', () => {
      expect(triggersOf(build)).toEqual(['pull_request'])
      expect(build.permissions).toEqual({ contents: 'read' })
      const code = buildText.replace(comments, '')
      expect(code).not.toMatch(/secrets\./)
      expect(code).not.toMatch(/pull_request\.number|github\.event\.number|\bPR_NUMBER\b/i)
      expect(actionSteps('build', build)).toEqual([])
      const [upload] = stepsUsing(build, 'actions/upload-artifact@')
      expect(String(asMapping(upload?.with)?.path)).toMatch(/^agent\//)
    })

    it('submit: on the build’s completion, downloads its artifact, comments on the PR', () => {
      const on = asMapping(asMapping(submit.on)?.workflow_run) ?? {}
      expect(on.workflows).toEqual([build.name])
      expect(on.types).toEqual(['completed'])
      expect(submit.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' })
      const job = onlyJob(submit)
      expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'")
      // The contributor's code is never checked out where the secrets are.
      expect(stepsUsing(submit, 'actions/checkout@')).toEqual([])

      const [download] = stepsUsing(submit, 'actions/download-artifact@')
      const downloadWith = asMapping(download?.with) ?? {}
      const [upload] = stepsUsing(build, 'actions/upload-artifact@')
      expect(downloadWith.name).toBe(asMapping(upload?.with)?.name)
      expect(downloadWith['run-id']).toBe('${{ github.event.workflow_run.id }}')
      expect(downloadWith['github-token']).toBeTruthy()

      const [arena] = actionSteps('submit', submit)
      expect(arena?.inputs.comment).toBe('on')
      expect(arena?.inputs['working-directory']).toBe(downloadWith.path)
      expect(arena?.inputs).not.toHaveProperty('agent-id')
    })
  })

  it('ci: lint, build, test, and a check that dist/ is fresh', () => {
    const ci = workflow('.github/workflows/ci.yml')
    const jobs = asMapping(ci.jobs) ?? {}
    const runs = (job: string): string[] =>
      (asList(asMapping(jobs[job])?.steps) ?? []).map(step => String(asMapping(step)?.run ?? ''))
    expect(
      runs('test')
        .filter(Boolean)
        .map(r => r.replace(/ --.*/, ''))
    ).toEqual(['npm ci', 'npm run lint', 'npm run build', 'npm test'])
    expect(runs('check-dist').join('\n')).toMatch(/npm run bundle[\s\S]*git diff --exit-code/)
    const [setupNode] = stepsUsing(ci, 'actions/setup-node@')
    expect(asMapping(setupNode?.with)?.['node-version']).toBe(24)
    const [upload] = stepsUsing(ci, 'actions/upload-artifact@')
    expect(upload?.if).toContain('failure()')
  })

  it('self-test: starts the emulator, submits the example agent, asserts the outputs', () => {
    const selfTest = workflow('.github/workflows/self-test.yml')
    const script = stringsIn(selfTest).join('\n')
    expect(script).toContain('npm run --silent emulator -- --wire "$WIRE" --speed fast --port 8787')
    expect(script).toContain('echo "::add-mask::$token"')
    const [arena] = actionSteps('self-test', selfTest)
    expect(arena?.inputs).toMatchObject({
      'base-url': '${{ steps.emulator.outputs.base-url }}',
      'api-key': '${{ steps.emulator.outputs.api-key }}',
      'competition-id': 1,
      'working-directory': 'examples/agent',
      'poll-interval-seconds': 0.2
    })
    expect(script).toMatch(/\[ "\$OUTCOME" = success \]/)
    expect(script).toMatch(/\[ -n "\$RANK" \]/)
  })
})

describe('the example agent', () => {
  const agentDir = path.join(ROOT, 'examples/agent')
  const selfTestInputs =
    actionSteps('self-test', workflow('.github/workflows/self-test.yml'))[0]?.inputs ?? {}

  it('is what the self-test’s globs select, stored under names relative to its folder', async () => {
    const lines = String(selfTestInputs.files).split('\n').filter(Boolean)
    const workingDirectory = path.join(ROOT, String(selfTestInputs['working-directory']))
    const files = await collectFiles(lines, workingDirectory)
    expect(files.map(file => file.name)).toEqual(['agent.py', 'requirements.txt'])
  })

  it('carries no emulator scenario marker, so the self-test expects success', () => {
    for (const name of readdirSync(agentDir)) {
      expect(readFileSync(path.join(agentDir, name), 'latin1')).not.toContain(MARKER_PREFIX)
    }
  })

  it('is written for the competition the self-test submits it to (the emulator’s seed)', () => {
    const competition = seededCompetitions(10).find(
      c => c.id === Number(selfTestInputs['competition-id'])
    )
    expect(competition?.name).toBe('Lunar Lander')
    const source = readFileSync(path.join(agentDir, 'agent.py'), 'utf8')
    const readme = readFileSync(path.join(agentDir, 'README.md'), 'utf8')
    expect(source.startsWith('"""A small Lunar Lander agent')).toBe(true)
    expect(readme).toContain(`"${competition?.name}" (id ${competition?.id})`)
    // Lunar Lander: eight numbers in, one of four actions out; the fork build checks just that.
    expect(source).toContain('x, y, vx, vy, angle, spin, left_leg, right_leg = ')
    const build = texts.get('examples/workflows/mlarena-fork-pr-build.yml') ?? ''
    expect(build).toContain('Agent().act([0.0] * 8) in (0, 1, 2, 3)')
  })

  it('has an Agent class with act(observation)', () => {
    const source = readFileSync(path.join(agentDir, 'agent.py'), 'utf8')
    expect(source).toMatch(/^class Agent\b/m)
    expect(source).toMatch(/^ {4}def act\(self, observation\b/m)
  })
})
