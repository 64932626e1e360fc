/**
 * One seeded apply of the challenge action (create → files → benchmark → start) against an
 * emulator that gives a random fault to a share of API requests, and the verdict on it. Shared
 * by __tests__/reliability/challenge-faults.test.ts (a sample) and scripts/challenge-faults.ts
 * (the tally in RELIABILITY.md).
 *
 * In-process: `runChallenge` with a real ArenaClient + CreatorClient over real HTTP; the
 * emulator's clock is manual and every wait (benchmark polls, retry backoff) moves it instead of
 * sleeping. Imports src/ as `.js` (jest maps it; the script registers a resolve hook).
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ArenaClient } from '../../../src/arena/client.js'
import { CreatorClient } from '../../../src/arena/creator.js'
import { readChallengeConfig } from '../../../src/challenge/config.js'
import { newChallengeOutcome, type ChallengeOutcome } from '../../../src/challenge/outcome.js'
import { runChallenge } from '../../../src/challenge/pipeline.js'
import { startEmulator } from '../../../emulator/index.ts'
import { emulatorClock, NOON_UTC, RecordingLogger, sha256, type Wire } from './fault-run.ts'

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/challenge')

/**
 * The example's challenge.toml without the key the legacy wire has no settings keyword for
 * (agent_max_time_per_step_second): on that wire the plan refuses it, as it should.
 */
export async function legacyToml(text: string): Promise<string> {
  return text
    .split('\n')
    .filter(line => !line.startsWith('agent_max_time_per_step_second'))
    .join('\n')
}

export interface ChallengeFaultResult {
  wire: Wire
  seed: number
  /** Started, one challenge of that name, every file present and intact, one benchmark run. */
  right: boolean
  verdict: string
  kind: ChallengeOutcome['kind']
  failure: string | null
  challenges: number
  benchmarkRuns: number
  filesIntact: boolean
  requests: number
  faults: number
  /** Writes whose answer the emulator replaced after doing them (ambiguous). */
  ambiguousWrites: number
  ms: number
}

export async function challengeFaultRun(options: {
  wire: Wire
  seed: number
  faultRate?: number
}): Promise<ChallengeFaultResult> {
  const t0 = Date.now()
  const { wire, seed } = options
  const emu = await startEmulator({
    wire,
    speed: 'manual',
    seed,
    faultRate: options.faultRate ?? 0.3,
    startTime: NOON_UTC
  })
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-rel-challenge-'))
  const folder = path.join(workspace, 'challenge')
  await cp(EXAMPLE, folder, { recursive: true })
  if (wire === 'legacy') {
    const toml = path.join(folder, 'env/challenge.toml')
    await writeFile(toml, await legacyToml(await readFile(toml, 'utf8')))
  }
  const name = `Faulty ${wire} ${seed}`
  const inputs: Record<string, string> = {
    'api-key': emu.tokens.creator,
    'base-url': emu.baseUrl,
    directory: 'challenge',
    name,
    'kernel-version': 'flex_v1',
    mode: 'apply',
    start: 'true',
    'timeout-minutes': '120',
    'poll-interval-seconds': '10'
  }
  const config = readChallengeConfig(n => inputs[n] ?? '', { GITHUB_WORKSPACE: workspace })
  const clock = emulatorClock(emu)
  const log = new RecordingLogger()
  const logger = {
    debug: () => {},
    info: (m: string) => log.info(m),
    warning: (m: string) => log.warning(m)
  }
  const arena = new ArenaClient({
    baseUrl: config.baseUrl,
    token: config.apiKey ?? '',
    wire: config.apiWire,
    sleep: ms => clock.sleep(ms),
    logger
  })
  const outcome = newChallengeOutcome('apply', name)
  try {
    await runChallenge(
      config,
      {
        api: new CreatorClient(arena, { logger }),
        wire: () => arena.wire(),
        clock,
        log,
        workspace
      },
      outcome
    )
  } catch (error) {
    if (outcome.kind !== 'refused') outcome.kind = 'error'
    outcome.failure = error instanceof Error ? error.message : String(error)
  } finally {
    await arena.close()
  }

  const mine = emu.state().creator.challenges.filter(c => c.name === name)
  const made = mine[0]
  const local = async (dir: string): Promise<Record<string, string>> => {
    const out: Record<string, string> = {}
    for (const entry of await readdir(path.join(folder, dir)))
      out[entry] = sha256(await readFile(path.join(folder, dir, entry)))
    return out
  }
  const remote = (files: { name: string; sha256: string }[]): Record<string, string> =>
    Object.fromEntries(files.map(f => [f.name, f.sha256]))
  const overview = await readFile(path.join(folder, 'overview.md'), 'utf8')
  const filesIntact =
    made !== undefined &&
    JSON.stringify(remote(made.env)) === JSON.stringify(await local('env')) &&
    JSON.stringify(remote(made.benchmark)) === JSON.stringify(await local('benchmark')) &&
    made.markdown === overview
  const requests = emu.requests().filter(r => r.server === 'api' && !r.path.startsWith('/__'))
  const faults = requests.filter(r => r.fault !== undefined)
  const ambiguousWrites = faults.filter(r => r.method !== 'GET' && r.faultWhen === 'after').length
  await emu.close()
  await rm(workspace, { recursive: true, force: true })

  const benchmarkRuns = made?.runs.length ?? 0
  const problems: string[] = []
  if (outcome.kind !== 'started') problems.push(`${outcome.kind}: ${outcome.failure ?? ''}`)
  if (mine.length !== 1) problems.push(`${mine.length} challenges`)
  if (made?.status !== 'started') problems.push(`status ${made?.status ?? 'none'}`)
  if (!filesIntact) problems.push('files differ')
  if (benchmarkRuns !== 1) problems.push(`${benchmarkRuns} benchmark runs`)
  return {
    wire,
    seed,
    right: problems.length === 0,
    verdict: problems.length === 0 ? 'started' : `wrong: ${problems.join('; ')}`,
    kind: outcome.kind,
    failure: outcome.failure,
    challenges: mine.length,
    benchmarkRuns,
    filesIntact,
    requests: requests.length,
    faults: faults.length,
    ambiguousWrites,
    ms: Date.now() - t0
  }
}
