/**
 * One seeded run of the whole pipeline against an emulator that injects random faults on every
 * API route, and the verdict on it. Shared by the jest suite (a sample) and
 * scripts/faults-100.ts (the full tally).
 *
 * In-process: `runPipeline` with a real ArenaClient over real HTTP; the emulator's clock is
 * manual, and every wait of the pipeline and of the client (poll intervals, retry backoff,
 * Retry-After, deploy rechecks) moves it instead of sleeping, so a run takes milliseconds of
 * waiting whatever the backoff says. Imports src/ as `.js` (jest maps it; the script registers a
 * resolve hook) and the emulator as `.ts`.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ArenaClient } from '../../../src/arena/client.js'
import type { Clock } from '../../../src/clock.js'
import { readConfig, type Config } from '../../../src/submit/config.js'
import type { RunOutcome } from '../../../src/evaluation/outcome.js'
import { newOutcome, PhaseTracker, runPipeline } from '../../../src/submit/pipeline.js'
import type { Logger } from '../../../src/logger.js'
import { renderComment } from '../../../src/evaluation/report/comment.js'
import { renderMarker } from '../../../src/evaluation/report/marker.js'
import { renderSummary } from '../../../src/evaluation/report/summary.js'
import {
  COMPETITIONS,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorState
} from '../../../emulator/index.ts'

/** Noon UTC: a day's deploy quota never resets in the middle of a run. */
export const NOON_UTC = Date.parse('2026-06-15T12:00:00Z')

export const AGENT_PY = 'class Agent:\n    def act(self, observation):\n        return 0\n'

/** Deterministic bytes (a few hundred KiB, several chunks on the wire) for a run's weights file. */
export function weights(seed: number, size = 300 * 1024): Buffer {
  const out = Buffer.alloc(size)
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export interface Workspace {
  dir: string
  /** Stored name → sha256 of the bytes on disk. */
  files: Record<string, string>
}

export async function makeWorkspace(
  files: Record<string, string | Buffer>,
  prefix = 'mlarena-rel-ws-'
): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  const hashes: Record<string, string> = {}
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
    hashes[name] = sha256(content)
  }
  return { dir, files: hashes }
}

/** Records every line the pipeline logs. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = []
  readonly #onLine: (line: string) => void

  /** `onLine` sees each line as it is logged (to act in the middle of a run). */
  constructor(onLine: (line: string) => void = () => {}) {
    this.#onLine = onLine
  }

  #push(line: string): void {
    this.lines.push(line)
    this.#onLine(line)
  }
  info(message: string): void {
    this.#push(message)
  }
  warning(message: string): void {
    this.#push(`warning: ${message}`)
  }
  notice(message: string): void {
    this.#push(`notice: ${message}`)
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.#push(`group: ${title}`)
    return fn()
  }
}

/**
 * A clock that never sleeps: waiting moves the emulator's (manual) clock and a counter. Each
 * wait still yields to the event loop, so concurrent work (parallel uploads) interleaves.
 */
export function emulatorClock(emu: Emulator): Clock & { waited: () => number } {
  let now = 0
  return {
    now: () => now,
    waited: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      now += ms
      emu.advance(ms)
      await new Promise(resolve => setImmediate(resolve))
      if (signal?.aborted) throw signal.reason
    }
  }
}

export interface PipelineRun {
  outcome: RunOutcome
  config: Config
  agentName: string
  log: RecordingLogger
  /** Every secret the client reported (the token, signed-URL signatures). */
  secrets: string[]
  summary: string
  comment: string
  /** Simulated milliseconds the run spent waiting. */
  waitedMs: number
}

export interface PipelineRunOptions {
  emu: Emulator
  workspace: string
  agentName: string
  inputs?: Record<string, string>
  /** Options for the ArenaClient (shorter timeouts, a smaller retry budget...). */
  client?: Partial<ConstructorParameters<typeof ArenaClient>[0]>
  /** Abort the run (cancellation). */
  signal?: AbortSignal
  /** Sees each log line as it is logged. */
  onLine?: (line: string) => void
}

/**
 * Runs the pipeline as src/submit/main.ts does (config → pipeline → report), in process: a failure is
 * recorded in the outcome (kind 'error' + failure) and the report is rendered whatever happened.
 */
export async function runPipelineOnce(options: PipelineRunOptions): Promise<PipelineRun> {
  const { emu } = options
  const inputs: Record<string, string> = {
    'api-key': emu.tokens.user,
    'base-url': emu.baseUrl,
    'competition-id': String(COMPETITIONS.normal),
    files: '**',
    runtime: 'python/gymnasium@0.29',
    'agent-name': options.agentName,
    'poll-interval-seconds': '10',
    'timeout-minutes': '60',
    logs: '3',
    'fail-on': 'deploy-failed,upload-failed,timeout',
    ...options.inputs
  }
  const config = readConfig(name => inputs[name] ?? '', { GITHUB_WORKSPACE: options.workspace })
  const clock = emulatorClock(emu)
  const log = new RecordingLogger(options.onLine)
  const secrets: string[] = []
  const arena = new ArenaClient({
    baseUrl: config.baseUrl,
    token: config.apiKey ?? '',
    wire: config.apiWire,
    sleep: ms => clock.sleep(ms),
    logger: { debug: () => {}, info: m => log.info(m), warning: m => log.warning(m) },
    onSecret: secret => secrets.push(secret),
    ...options.client
  })
  const key = `${config.competitionId}:${options.agentName}`
  const outcome = newOutcome(config, key)
  outcome.agentName = options.agentName
  const tracker = new PhaseTracker(outcome, clock)
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-rel-tmp-'))
  try {
    await runPipeline(
      config,
      options.agentName,
      {
        arena,
        log,
        clock,
        signal: options.signal ?? new AbortController().signal,
        tempDir,
        previous: null
      },
      outcome,
      tracker
    )
  } catch (error) {
    outcome.kind = options.signal?.aborted ? 'cancelled' : 'error'
    outcome.failure = tracker.failure(error)
  } finally {
    await arena.close()
    await rm(tempDir, { recursive: true, force: true })
  }
  const marker = renderMarker(key, { rank: null, score: null, agentId: outcome.agentId })
  return {
    outcome,
    config,
    agentName: options.agentName,
    log,
    secrets,
    summary: renderSummary(outcome),
    comment: renderComment(outcome, marker),
    waitedMs: clock.waited()
  }
}

export type Wire = 'current' | 'legacy'

export interface FaultRunResult {
  wire: Wire
  seed: number
  /** The run ended with the outcome it should have: success, or on legacy the clear ambiguous-create failure. */
  right: boolean
  /** Right, or a clear failure after the faults exhausted the retries (no duplicate, a report). */
  clear: boolean
  /** success | ambiguous-create (legacy: the clear failure) | exhausted (retries spent) | wrong: … */
  verdict: string
  /** Creates and deploys whose reply was replaced after the server had done them. */
  ambiguousWrites: number
  kind: RunOutcome['kind']
  failure: string | null
  /** Requests the emulator saw, and how many of them it faulted. */
  requests: number
  faults: number
  agentsCreated: number
  deploys: number
  filesIntact: boolean
  /** The report was rendered, with the failure in it when there was one. */
  reported: boolean
  /** The token or a signature appeared in a log line, the summary or the comment. */
  leaked: boolean
  waitedMs: number
  ms: number
}

export interface FaultRunOptions {
  wire: Wire
  seed: number
  faultRate?: number
  emulator?: Partial<EmulatorOptions>
  /** ArenaClient options (for what-if runs only: the tally uses the client's defaults). */
  client?: PipelineRunOptions['client']
}

/** One seeded run of the whole pipeline under random faults, judged. */
export async function faultRun(options: FaultRunOptions): Promise<FaultRunResult> {
  const started = performance.now()
  const ws = await makeWorkspace({
    'agent.py': AGENT_PY,
    'requirements.txt': 'gymnasium==0.29.1\nnumpy\n',
    'weights.bin': weights(options.seed)
  })
  const emu = await startEmulator({
    wire: options.wire,
    speed: 'manual',
    seed: options.seed,
    faultRate: options.faultRate ?? 0.3,
    startTime: NOON_UTC,
    ...options.emulator
  })
  try {
    const agentName = `fault-run-${options.wire}-${options.seed}`
    const run = await runPipelineOnce({
      emu,
      workspace: ws.dir,
      agentName,
      client: options.client
    })
    const state = emu.state()
    const requests = emu.requests().filter(entry => entry.server === 'api')
    const verdict = judge(run, state, ws.files)
    return {
      wire: options.wire,
      seed: options.seed,
      ...verdict,
      kind: run.outcome.kind,
      failure: run.outcome.failure?.message ?? null,
      requests: requests.length,
      faults: requests.filter(entry => entry.fault !== undefined).length,
      ambiguousWrites: requests.filter(
        entry =>
          entry.faultWhen === 'after' &&
          entry.fault !== 'latency' &&
          (entry.method === 'POST' || entry.path.endsWith('/deploy'))
      ).length,
      waitedMs: run.waitedMs,
      ms: Math.round(performance.now() - started)
    }
  } finally {
    await emu.close()
    await rm(ws.dir, { recursive: true, force: true })
  }
}

/** Judges a run by what the emulator holds, not only by what the pipeline says. */
export function judge(
  run: PipelineRun,
  state: EmulatorState,
  localFiles: Record<string, string>
): Pick<
  FaultRunResult,
  | 'right'
  | 'clear'
  | 'verdict'
  | 'agentsCreated'
  | 'deploys'
  | 'filesIntact'
  | 'reported'
  | 'leaked'
> {
  const agents = state.agents.filter(agent => agent.name === run.agentName)
  const agent = agents[0] ?? null
  const deploys = agent ? state.deploys.filter(deploy => deploy.agentId === agent.id).length : 0
  const expected = Object.entries(localFiles).sort()
  const stored = agent ? agent.files.map(file => [file.name, file.sha256]).sort() : []
  const filesIntact = JSON.stringify(stored) === JSON.stringify(expected)
  const failure = run.outcome.failure?.message ?? ''
  const reported =
    run.summary.startsWith('## ') &&
    run.comment.startsWith('<!-- mlarena-action:v1 ') &&
    plainWords(failure).every(word => run.summary.includes(word))
  const leaked = leaks(run)
  const base = { agentsCreated: agents.length, deploys, filesIntact, reported, leaked }

  const problems: string[] = []
  if (agents.length > 1) problems.push(`${agents.length} agents`)
  if (deploys > 1) problems.push(`${deploys} deploys`)
  if (leaked) problems.push('a secret leaked')
  if (!reported) problems.push('no report')

  const { outcome } = run
  if (outcome.kind === 'success') {
    if (!agent || agent.id !== outcome.agentId) problems.push('success without the agent')
    else {
      if (agent.status !== 'active') problems.push(`success but the agent is ${agent.status}`)
      if (!filesIntact) problems.push('files differ')
      if (agent.runtimeId !== 1) problems.push(`runtime ${agent.runtimeId} pinned, not 1`)
      if (!outcome.rank?.row) problems.push('no leaderboard row')
    }
    return problems.length === 0
      ? { ...base, right: true, clear: true, verdict: 'success' }
      : { ...base, right: false, clear: false, verdict: `wrong: ${problems.join(', ')}` }
  }
  // The legacy wire cannot list agents: an ambiguous create must end in this clear failure.
  const ambiguousCreate =
    state.wire === 'legacy' &&
    outcome.kind === 'error' &&
    outcome.failure?.phase === 'agent' &&
    /cannot list your agents: check competition \d+ on ML Arena for an agent named/.test(failure)
  if (ambiguousCreate && problems.length === 0 && deploys === 0) {
    return { ...base, right: true, clear: true, verdict: 'ambiguous-create' }
  }
  // Faults that outlast every retry of one call: a clear failure that says so.
  const exhausted =
    outcome.kind === 'error' &&
    /\((gave up after \d+ attempts|the retry budget of \d+ retries for this run is used up)\)/.test(
      failure
    )
  const what = `${outcome.kind}${failure ? ` (${outcome.failure?.phase}: ${failure})` : ''}`
  if (exhausted && problems.length === 0) {
    return { ...base, right: false, clear: true, verdict: `exhausted: ${what}` }
  }
  problems.unshift(what)
  return { ...base, right: false, clear: false, verdict: `wrong: ${problems.join(', ')}` }
}

/** The first few plain words of a message: they survive Markdown escaping unchanged. */
function plainWords(text: string): string[] {
  return text
    .split(/\s+/)
    .filter(word => /^[A-Za-z]{3,}$/.test(word))
    .slice(0, 6)
}

/** The token or any signature, raw or URL-encoded, in what the run printed or rendered. */
export function leaks(run: PipelineRun): boolean {
  const texts = [...run.log.lines, run.summary, run.comment, run.outcome.failure?.message ?? '']
  const secrets = run.secrets.flatMap(secret => [secret, encodeURIComponent(secret)])
  return texts.some(text => secrets.some(secret => text.includes(secret)))
}

/** A one-line tally of results per wire. */
export function tally(results: FaultRunResult[]): string {
  const lines: string[] = []
  for (const wire of ['current', 'legacy'] as const) {
    const mine = results.filter(result => result.wire === wire)
    if (mine.length === 0) continue
    const count = (test: (result: FaultRunResult) => boolean): number => mine.filter(test).length
    const sum = (field: (result: FaultRunResult) => number): number =>
      mine.reduce((total, result) => total + field(result), 0)
    lines.push(
      `${wire}: ${count(r => r.right)}/${mine.length} right (${count(r => r.verdict === 'success')} success, ` +
        `${count(r => r.verdict === 'ambiguous-create')} clear ambiguous-create failures); ` +
        `${count(r => r.verdict.startsWith('exhausted'))} clear failures after exhausted retries; ` +
        `${count(r => !r.clear)} wrong; ` +
        `most agents ${Math.max(...mine.map(r => r.agentsCreated))}, most deploys ${Math.max(...mine.map(r => r.deploys))} per run; ` +
        `${sum(r => r.faults)} faults in ${sum(r => r.requests)} API requests, ` +
        `${sum(r => r.ambiguousWrites)} of them replies replaced after a create or deploy was done`
    )
  }
  return lines.join('\n')
}
