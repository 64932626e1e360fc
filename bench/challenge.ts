/**
 * The challenge action's plan and apply, as users run them (dist/challenge/index.js as a child
 * process, on the emulator on 127.0.0.1): wall time from spawn to exit, medians of N runs
 * (default 5), and the requests each one makes.
 *
 *   npm exec -- node bench/challenge.ts [runs]
 *
 * Series, on examples/challenge/ copied into a workspace:
 * - first apply: create the challenge, upload its 5 files and the overview, run the benchmark,
 *   start it (each run a new challenge name);
 * - plan: a pull request plan on that started challenge with one changed key (reads only:
 *   detection, kinds, catalog, schema, list, editor view, files, overview, env check);
 * - apply, one file: the overview changed on the started challenge (no benchmark).
 * The emulator runs at `fast` speed (600×) here, unlike the other benches: the benchmark must
 * end on its own while the action polls it from another process. Its simulated 20 s pending and
 * 15–45 % of the 120 s budget cost 0.05–0.12 s of real time, inside the first-apply figure;
 * the plan and the one-file apply wait on nothing.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, TOKENS } from '../emulator/index.ts'
import { CHALLENGE_ACTION, ROOT, emit, median, ms, note, removeAll, runAction } from './lib.ts'

const RUNS = Number(process.argv[2] ?? 5)
const PLAN_TARGET_MS = 2000
const APPLY_TARGET_MS = 3000

const emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 5 })
const workspace = await mkdtemp(path.join(os.tmpdir(), 'bench-challenge-'))
await cp(path.join(ROOT, 'examples/challenge'), path.join(workspace, 'challenge'), {
  recursive: true
})
const tomlFile = path.join(workspace, 'challenge/env/challenge.toml')
const overviewFile = path.join(workspace, 'challenge/overview.md')
const original = await readFile(tomlFile, 'utf8')

function inputs(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-key': TOKENS.creator,
    'base-url': emu.baseUrl,
    directory: 'challenge',
    name,
    'kernel-version': 'flex_v1',
    tags: 'beginner',
    'poll-interval-seconds': '0.05',
    'timeout-minutes': '2',
    summary: 'true',
    ...extra
  }
}

async function timed(
  label: string,
  action: Record<string, string>,
  expectOutcome: string,
  event?: 'pull_request'
): Promise<{ ms: number; requests: number }> {
  emu.clearRequests()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-challenge-run-'))
  const result = await runAction(action, dir, {
    workspace,
    entry: CHALLENGE_ACTION,
    eventName: event ?? 'push',
    event:
      event === 'pull_request'
        ? {
            pull_request: {
              number: 1,
              head: { repo: { full_name: 'o/r' } },
              base: { repo: { full_name: 'o/r' } }
            }
          }
        : {}
  })
  await removeAll(dir)
  if (result.outputs.outcome !== expectOutcome) {
    throw new Error(
      `${label}: outcome ${result.outputs.outcome}, expected ${expectOutcome}\n${result.stdout}`
    )
  }
  const requests = emu.requests().filter(r => r.server === 'api').length
  return { ms: result.ms, requests }
}

const first: number[] = []
const plan: number[] = []
const one: number[] = []
const counts = { first: 0, plan: 0, one: 0 }
try {
  for (let i = 0; i < RUNS; i++) {
    const name = `Bench Coin Guess ${i}`
    await writeFile(tomlFile, original)
    await writeFile(overviewFile, '# Coin Guess\n')
    const a = await timed('first apply', inputs(name, { start: 'true' }), 'started')
    first.push(a.ms)
    counts.first = a.requests
    await writeFile(tomlFile, original.replace('max_upload_files = 5', 'max_upload_files = 4'))
    const p = await timed('plan', inputs(name), 'plan-failed', 'pull_request')
    // A started challenge refuses the key: the plan says so (and fails the check), as it should.
    plan.push(p.ms)
    counts.plan = p.requests
    await writeFile(tomlFile, original)
    await writeFile(overviewFile, `# Coin Guess, take ${i}\n`)
    const o = await timed('apply one file', inputs(name), 'applied')
    one.push(o.ms)
    counts.one = o.requests
    note(
      `run ${i + 1}/${RUNS}: first apply ${ms(a.ms)}, plan ${ms(p.ms)}, apply one file ${ms(o.ms)}`
    )
  }
} finally {
  await writeFile(tomlFile, original)
  await emu.close()
  await removeAll(workspace)
}

const planMs = median(plan)
const firstMs = median(first)
const oneMs = median(one)
emit({
  figure: 'challenge plan',
  result: `${ms(planMs)} (${counts.plan} requests, all reads but the env check)`,
  target: `≤ ${PLAN_TARGET_MS / 1000} s`,
  pass: planMs <= PLAN_TARGET_MS,
  detail: { runs: RUNS, plan, requests: counts.plan },
  command: `npm exec -- node bench/challenge.ts ${RUNS}`
})
emit({
  figure: 'challenge apply',
  result: `first apply ${ms(firstMs)} (create, 6 writes, benchmark, start; ${counts.first} requests); one file ${ms(oneMs)} (${counts.one} requests)`,
  target: `≤ ${APPLY_TARGET_MS / 1000} s`,
  pass: firstMs <= APPLY_TARGET_MS && oneMs <= APPLY_TARGET_MS,
  detail: { runs: RUNS, first, one, requests: counts },
  command: `npm exec -- node bench/challenge.ts ${RUNS}`
})
