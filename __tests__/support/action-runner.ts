/**
 * Runs the bundled action (dist/index.js) as a child process the way a runner does: INPUT_*
 * variables, an event payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, readdir, writeFile, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { actionDefaults, inputEnv, parseOutputFile } from '../../scripts/runner-files.ts'

export const ACTION_ENTRY = path.resolve(import.meta.dirname, '../../dist/index.js')
export const CHALLENGE_ENTRY = path.resolve(import.meta.dirname, '../../dist/challenge/index.js')

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  dir: string
  /** Every file the action wrote under the run's temp folder, with its content. */
  writtenFiles(): Promise<{ file: string; content: string }[]>
}

export interface RunActionOptions {
  inputs: Record<string, string>
  eventName?: string
  event?: unknown
  env?: Record<string, string>
  githubApiUrl?: string
  workspace?: string
  /** Called once the child is running (e.g. to send it a signal). */
  onSpawn?: (child: ChildProcess, output: { stdout: () => string }) => void
  timeoutMs?: number
  /** Another action's bundle and its action file (default: dist/index.js and action.yml). */
  entry?: string
  actionFile?: string
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-e2e-'))
  const eventPath = path.join(dir, 'event.json')
  const outputPath = path.join(dir, 'output.txt')
  const summaryPath = path.join(dir, 'summary.md')
  const runnerTemp = path.join(dir, 'runner-temp')
  await writeFile(eventPath, JSON.stringify(options.event ?? {}))
  await writeFile(outputPath, '')
  await writeFile(summaryPath, '')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(runnerTemp)

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_REPOSITORY: 'octo/agent-repo',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: options.githubApiUrl ?? 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: `${options.githubApiUrl ?? 'http://127.0.0.1:9'}/graphql`,
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octo',
    GITHUB_WORKSPACE: options.workspace ?? dir,
    RUNNER_TEMP: runnerTemp,
    ...inputEnv({ ...(await actionDefaults(options.actionFile)), ...options.inputs }),
    ...options.env
  }

  const child = spawn(process.execPath, [options.entry ?? ACTION_ENTRY], {
    env,
    cwd: options.workspace ?? dir,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
  options.onSpawn?.(child, { stdout: () => stdout })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    child.on('close', (c, s) => resolve([c, s]))
  )
  clearTimeout(timer)

  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
    summary: await readFile(summaryPath, 'utf8'),
    dir,
    async writtenFiles() {
      const files: { file: string; content: string }[] = []
      async function walk(folder: string): Promise<void> {
        for (const entry of await readdir(folder, { withFileTypes: true })) {
          const full = path.join(folder, entry.name)
          if (entry.isDirectory()) await walk(full)
          else if ((await stat(full)).size < 50 * 1024 * 1024)
            files.push({ file: full, content: await readFile(full, 'utf8') })
        }
      }
      await walk(dir)
      return files
    }
  }
}

export { actionDefaults, inputEnv, parseOutputFile }
