/**
 * Shared by the benchmark scripts: how to run the bundled action and curl as child processes,
 * measure them, describe the machine, and print a figure in the form run-all.ts collects.
 *
 * Importing this module also lets Node run src/ from source: src imports its siblings as
 * './x.js' (NodeNext), and scripts/source-imports.ts falls back to the '.ts' file. Import src modules
 * dynamically (`await import('../src/…js')`) after this module, so the hook is in place first.
 */
import { spawn } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
import '../scripts/source-imports.ts'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inputEnv, parseOutputFile } from '../scripts/runner-files.ts'

export const MIB = 1024 * 1024
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ACTION = path.join(ROOT, 'dist', 'index.js')
export const CHALLENGE_ACTION = path.join(ROOT, 'dist', 'challenge', 'index.js')
/** A plain-JS preload that writes the process's peak RSS to $BENCH_RSS_FILE at exit. */
export const RSS_PRELOAD = path.join(ROOT, 'bench', 'rss-at-exit.mjs')
/** Noon UTC: the emulator's daily deploy quotas never reset during a bench. */
export const EMULATOR_START = Date.UTC(2026, 5, 15, 12, 0, 0)

/** One figure, as printed on a `BENCH {json}` line and tabulated by run-all.ts. */
export interface Figure {
  figure: string
  /** The measured value as the table shows it, e.g. "0.93 × curl" or "41 ms". */
  result: string
  target: string
  pass: boolean
  /** The raw numbers behind `result`. */
  detail: Record<string, unknown>
  command: string
}

export function emit(figure: Figure): void {
  console.log(`BENCH ${JSON.stringify(figure)}`)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  if (sorted.length === 0) return NaN
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`
}

export function ms(value: number): string {
  return `${Math.round(value)} ms`
}

export interface Machine {
  date: string
  nproc: number
  cpu: string
  memoryGiB: number
  node: string
  platform: string
  curl: string
}

export async function machine(): Promise<Machine> {
  const curl = await run('curl', ['--version'])
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    curl: curl.stdout.split('\n')[0]?.split(' ').slice(0, 2).join(' ') ?? 'unknown'
  }
}

export interface ChildRun {
  code: number | null
  stdout: string
  stderr: string
  /** Wall time from spawn to exit, in ms. */
  ms: number
}

/** Runs a command to its end; never rejects on a non-zero exit (the caller checks `code`). */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr, ms: performance.now() - started }))
  })
}

export interface ActionRun extends ChildRun {
  outputs: Record<string, string>
  summary: string
  /** Peak resident set size of the action's process, in bytes. */
  maxRssBytes: number
}

/**
 * Runs dist/index.js (or `entry`, e.g. dist/challenge/index.js) as a runner does (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * RUNNER_TEMP), with the RSS preload. `dir` receives the runner's files.
 */
export async function runAction(
  inputs: Record<string, string>,
  dir: string,
  options: { workspace?: string; entry?: string; eventName?: string; event?: unknown } = {}
): Promise<ActionRun> {
  await mkdir(path.join(dir, 'runner-temp'), { recursive: true })
  const files = {
    output: path.join(dir, 'output.txt'),
    summary: path.join(dir, 'summary.md'),
    event: path.join(dir, 'event.json'),
    rss: path.join(dir, 'rss.txt')
  }
  await writeFile(files.output, '')
  await writeFile(files.summary, '')
  await writeFile(files.event, JSON.stringify(options.event ?? {}))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'octo/agent-repo',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_WORKSPACE: options.workspace ?? dir,
    RUNNER_TEMP: path.join(dir, 'runner-temp'),
    BENCH_RSS_FILE: files.rss,
    ...inputEnv({ comment: 'off', ...inputs })
  }
  const result = await run(process.execPath, ['--import', RSS_PRELOAD, options.entry ?? ACTION], {
    env,
    cwd: options.workspace ?? dir
  })
  const rss = await readFile(files.rss, 'utf8').catch(() => '0')
  return {
    ...result,
    outputs: parseOutputFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    maxRssBytes: Number(rss.trim())
  }
}

/**
 * A file of `size` bytes, mostly a hole (no disk, page-cache reads), with a few bytes written
 * so it is not all zeros. Returns its sha256.
 */
export async function sparseFile(file: string, size: number): Promise<string> {
  const handle = await open(file, 'w')
  for (const at of [0, Math.floor(size / 2), Math.max(0, size - 8)])
    await handle.write(Buffer.from('mlarena!'), 0, Math.min(8, size), at)
  await handle.truncate(size)
  await handle.close()
  return sha256File(file)
}

/** A file of `size` pseudo-random bytes from `seed` (AES-CTR keystream: fast, deterministic). */
export async function randomFile(file: string, size: number, seed: string): Promise<string> {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  const handle = await open(file, 'w')
  const hash = createHash('sha256')
  const zeros = Buffer.alloc(4 * MIB)
  for (let written = 0; written < size;) {
    const piece = cipher.update(zeros.subarray(0, Math.min(zeros.length, size - written)))
    await handle.write(piece)
    hash.update(piece)
    written += piece.length
  }
  await handle.close()
  return hash.digest('hex')
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: MIB }))
    hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export async function removeAll(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Prints a line to stderr (progress), keeping stdout for results. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`)
}

export { inputEnv, parseOutputFile }
