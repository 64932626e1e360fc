/**
 * One run of a bundled action (dist/) as a runner runs it: a clean environment, INPUT_*
 * variables with the action.yml defaults, an event payload file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, RUNNER_TEMP. The action's log streams through the log view as it
 * happens; the outputs and the summary are read back when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { actionDefaults, inputEnv, parseOutputFile } from '../runner-files.ts'
import { applyMasks, viewLine, type LogLine, type LogView } from './log-view.ts'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** The three actions of this repository: their bundle and their action file. */
export const ACTIONS = {
  submit: { entry: 'dist/index.js', actionFile: 'action.yml' },
  challenge: { entry: 'dist/challenge/index.js', actionFile: 'challenge/action.yml' },
  course: { entry: 'dist/course/index.js', actionFile: 'course/action.yml' }
} as const

export type ActionName = keyof typeof ACTIONS

/** Nothing listens there: a run that needs no GitHub API proves it makes no call. */
export const NO_GITHUB_API = 'http://127.0.0.1:9'

export interface GitHubContext {
  repository: string
  eventName: string
  event: unknown
  /** refs/heads/main, refs/pull/7/merge… */
  ref: string
  sha: string
  /** Where the GitHub API is (the fake GitHub for pull requests). */
  apiUrl: string
}

export interface StepSpec {
  action: ActionName
  github: GitHubContext
  inputs: Record<string, string>
}

export interface StepResult {
  code: number
  outputs: Map<string, string>
  summary: string
  /** The folder of the run's files (event, outputs, summary, runner temp). */
  dir: string
  summaryFile: string
  outputFile: string
  eventFile: string
  elapsedMs: number
}

export async function runStep(
  spec: StepSpec,
  view: LogView,
  print: (line: LogLine) => void,
  onChild?: (child: ChildProcess) => () => void
): Promise<StepResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-demo-'))
  const runnerTemp = path.join(dir, 'runner-temp')
  await mkdir(runnerTemp)
  const summaryFile = path.join(dir, 'step-summary.md')
  const outputFile = path.join(dir, 'output.txt')
  const eventFile = path.join(dir, 'event.json')
  await writeFile(summaryFile, '')
  await writeFile(outputFile, '')
  await writeFile(eventFile, JSON.stringify(spec.github.event, null, 2))
  const { entry, actionFile } = ACTIONS[spec.action]
  const [owner = ''] = spec.github.repository.split('/')
  const env: Record<string, string> = {
    // A clean environment, as on a runner: no proxy variables from this shell (they would send
    // the requests for 127.0.0.1 to the proxy), nothing else that could change the run.
    ...pick(process.env, ['PATH', 'HOME', 'USERPROFILE', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP']),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: spec.github.eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: spec.github.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_SHA: spec.github.sha,
    GITHUB_REF: spec.github.ref,
    GITHUB_REF_NAME: spec.github.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\//, ''),
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: spec.github.apiUrl,
    GITHUB_GRAPHQL_URL: `${spec.github.apiUrl}/graphql`,
    GITHUB_RUN_ID: '1',
    GITHUB_ACTOR: owner,
    RUNNER_TEMP: runnerTemp,
    ...inputEnv({ ...(await actionDefaults(actionFile)), ...spec.inputs })
  }
  const started = Date.now()
  const child = spawn(process.execPath, [path.join(ROOT, entry)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const release = onChild?.(child)
  const stdout = createInterface({ input: child.stdout, crlfDelay: Infinity })
  stdout.on('line', line => {
    const shown = viewLine(line, view)
    if (shown) print(shown)
  })
  const stderr = createInterface({ input: child.stderr, crlfDelay: Infinity })
  stderr.on('line', line => process.stderr.write(`${applyMasks(line, view.masks)}\n`))
  let code: number
  try {
    code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (exit, signal) => resolve(exit ?? (signal ? 1 : 0)))
    })
  } finally {
    release?.()
  }
  return {
    code,
    outputs: new Map(Object.entries(parseOutputFile(await readFile(outputFile, 'utf8')))),
    summary: await readFile(summaryFile, 'utf8'),
    dir,
    summaryFile,
    outputFile,
    eventFile,
    elapsedMs: Date.now() - started
  }
}

function pick(from: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of names) {
    const value = from[name]
    if (value !== undefined) picked[name] = value
  }
  return picked
}
