/**
 * Cold start: from spawning `node dist/index.js` to its first input error (spawn to exit) and to
 * its first HTTP request, against a bare Node start. Medians of N runs (default 20), interleaved so drift on a shared machine hits every
 * series alike.
 *
 *   npm exec -- node bench/cold-start.ts [runs]
 *
 * A tiny server on 127.0.0.1 notes when each request arrives (it never answers; the action is
 * killed once its request is in). Series:
 * - bare: `node -e ''`, spawn to exit (the floor any Node action pays);
 * - input error: the action with an invalid input (`competition-id: x`), spawn to exit: loading
 *   the entry (with @actions/core), reading the inputs, the error and the summary;
 * - bare + request: `node -e` that sends one request with node:http, spawn to arrival;
 * - push: the action with `files` (one file in a small workspace): config, glob, then the
 *   first request (wire detection);
 * - redeploy: the action with `agent-id` and no files (the scheduled-redeploy flow);
 * - pull request: a pull_request run with a github-token, spawn to its first GitHub request
 *   (GET /user): it also loads the @actions/github chunk (Octokit and its plugins).
 * The figure: median(input error) − median(bare), in wall time and, as a check on a busy
 * machine, in CPU time (user + system of the child, by the bench/cpu-at-exit.mjs preload, for
 * the two spawn-to-exit series). Also reports the size of dist/.
 *
 * To compare builds, name other bundles after the run count: their push and redeploy series are
 * measured in the same interleaved loop and printed (not part of the figure), e.g.
 *   npm exec -- node bench/cold-start.ts 20 /tmp/before/dist/index.js
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ACTION, ROOT, emit, inputEnv, median, ms, note, removeAll } from './lib.ts'

const RUNS = Number(process.argv[2] ?? 20)
const OTHERS = process.argv.slice(3).map(entry => path.resolve(entry))
const TARGET_MS = 250

let onArrival: ((at: number) => void) | null = null
const server = http.createServer(req => {
  onArrival?.(performance.now())
  onArrival = null
  req.resume()
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const work = await mkdtemp(path.join(os.tmpdir(), 'mlarena-cold-start-'))
await writeFile(
  path.join(work, 'agent.py'),
  'class Agent:\n    def act(self, obs):\n        return 0\n'
)

const eventPath = path.join(work, 'event.json')
await writeFile(
  eventPath,
  JSON.stringify({
    number: 5,
    pull_request: {
      number: 5,
      user: { login: 'octo' },
      head: { sha: 'a'.repeat(40), repo: { full_name: 'octo/repo' } },
      base: { repo: { full_name: 'octo/repo' } }
    }
  })
)
const pullRequestEnv = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: eventPath,
  GITHUB_REPOSITORY: 'octo/repo',
  GITHUB_API_URL: url
}

function baseEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: work,
    RUNNER_TEMP: work,
    ...inputEnv({
      'api-key': 'mlk_user_bench_s3cret',
      'base-url': url,
      'competition-id': '1',
      comment: 'off',
      summary: 'false',
      ...inputs
    })
  }
}

function pullRequestRun(): NodeJS.ProcessEnv {
  return {
    ...baseEnv({ 'agent-id': '2001', comment: 'auto', 'github-token': 'ghs_bench' }),
    ...pullRequestEnv
  }
}

/** Spawn to exit (`untilRequest` false) or spawn to the first request's arrival. */
function once(args: string[], env: NodeJS.ProcessEnv, untilRequest: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { env, cwd: work, stdio: 'ignore' })
    let arrived: number | null = null
    if (untilRequest) {
      onArrival = at => {
        arrived = at
        child.kill('SIGKILL')
      }
    }
    child.on('error', reject)
    child.on('exit', () => {
      const ended = performance.now()
      if (!untilRequest) resolve(ended - started)
      else if (arrived !== null) resolve(arrived - started)
      else reject(new Error(`${args.join(' ')} exited without sending a request`))
    })
  })
}

const CPU_PRELOAD = path.join(ROOT, 'bench/cpu-at-exit.mjs')
const cpuFile = path.join(work, 'cpu.txt')

/** CPU time (ms) of one spawn-to-exit run of `args`, read from the preload's file. */
async function cpuOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  await once(['--import', CPU_PRELOAD, ...args], { ...env, BENCH_CPU_FILE: cpuFile }, false)
  return Number(await readFile(cpuFile, 'utf8')) / 1000
}

const cpu = { bare: [] as number[], inputError: [] as number[] }
const series = {
  bare: [] as number[],
  inputError: [] as number[],
  pullRequest: [] as number[],
  bareRequest: [] as number[],
  push: [] as number[],
  redeploy: [] as number[]
}
const others: Record<string, number[]> = {}
const request = `require('node:http').get(${JSON.stringify(url)}).on('error', () => {})`
try {
  for (let i = 0; i < RUNS; i++) {
    series.bare.push(await once(['-e', ''], baseEnv({}), false))
    series.bareRequest.push(await once(['-e', request], baseEnv({}), true))
    series.push.push(
      await once([ACTION], baseEnv({ files: 'agent.py', 'working-directory': work }), true)
    )
    series.redeploy.push(await once([ACTION], baseEnv({ 'agent-id': '2001' }), true))
    series.inputError.push(await once([ACTION], baseEnv({ 'competition-id': 'x' }), false))
    series.pullRequest.push(await once([ACTION], pullRequestRun(), true))
    cpu.bare.push(await cpuOnce(['-e', ''], baseEnv({})))
    cpu.inputError.push(await cpuOnce([ACTION], baseEnv({ 'competition-id': 'x' })))
    for (const entry of OTHERS) {
      ;(others[`${entry} input error`] ??= []).push(
        await once([entry], baseEnv({ 'competition-id': 'x' }), false)
      )
      ;(others[`${entry} pull request`] ??= []).push(await once([entry], pullRequestRun(), true))
      ;(others[`${entry} input error, CPU`] ??= []).push(
        await cpuOnce([entry], baseEnv({ 'competition-id': 'x' }))
      )
      ;(others[`${entry} push`] ??= []).push(
        await once([entry], baseEnv({ files: 'agent.py', 'working-directory': work }), true)
      )
      ;(others[`${entry} redeploy`] ??= []).push(
        await once([entry], baseEnv({ 'agent-id': '2001' }), true)
      )
    }
  }
} finally {
  server.close()
  await removeAll(work)
}

const dist = path.join(ROOT, 'dist')
const chunks: { file: string; bytes: number }[] = []
for (const file of await readdir(dist))
  if (file.endsWith('.js')) chunks.push({ file, bytes: (await stat(path.join(dist, file))).size })
const totalBytes = chunks.reduce((sum, c) => sum + c.bytes, 0)
const entryBytes = chunks.find(c => c.file === path.basename(ACTION))?.bytes ?? 0

const m = {
  bare: median(series.bare),
  inputError: median(series.inputError),
  pullRequest: median(series.pullRequest),
  bareRequest: median(series.bareRequest),
  push: median(series.push),
  redeploy: median(series.redeploy)
}
const overhead = m.inputError - m.bare
const cpuOverhead = median(cpu.inputError) - median(cpu.bare)
for (const [name, values] of Object.entries(others))
  console.log(
    name.endsWith('CPU')
      ? `${name}: median ${ms(median(values))} (${ms(median(values) - median(cpu.bare))} over bare's CPU)`
      : `${name}: median ${ms(median(values))} (${ms(median(values) - m.bare)} over bare)`
  )
note(
  `medians of ${RUNS}: bare ${ms(m.bare)}, bare + request ${ms(m.bareRequest)}, action input error ${ms(m.inputError)}, push ${ms(m.push)}, redeploy ${ms(m.redeploy)}, pull request ${ms(m.pullRequest)}`
)
note(
  `dist: ${chunks.length} file(s), ${(totalBytes / 1e6).toFixed(2)} MB in all, entry ${(entryBytes / 1e6).toFixed(2)} MB`
)
emit({
  figure: 'cold start',
  result: `+${ms(overhead)} over bare node to the first input error (input error ${ms(m.inputError)}, bare ${ms(m.bare)}; CPU time +${ms(cpuOverhead)}; to the first request: push +${ms(m.push - m.bare)}, redeploy +${ms(m.redeploy - m.bare)}, pull request with @actions/github +${ms(m.pullRequest - m.bare)}); dist ${(entryBytes / 1e6).toFixed(2)} MB entry, ${(totalBytes / 1e6).toFixed(2)} MB in ${chunks.length} file(s)`,
  target: `overhead ≤ ${TARGET_MS} ms`,
  pass: overhead <= TARGET_MS,
  detail: {
    runs: RUNS,
    medianMs: m,
    overheadMs: overhead,
    cpuMs: { bare: median(cpu.bare), inputError: median(cpu.inputError), overhead: cpuOverhead },
    loadAverage: os.loadavg(),
    pushOverheadMs: m.push - m.bare,
    redeployOverheadMs: m.redeploy - m.bare,
    pullRequestOverheadMs: m.pullRequest - m.bare,
    distFiles: chunks,
    distBytes: totalBytes
  },
  command: `npm exec -- node bench/cold-start.ts ${RUNS}`
})
