/**
 * Runs the action's pipeline (src/submit/pipeline.ts, as run() calls it) in this process against an
 * emulator, with a clock that moves the emulator's: every wait of the watch advances simulated
 * time by exactly that much, so a deploy of ten simulated minutes is watched in milliseconds and
 * every poll happens at the simulated moment the action would make it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import type { RunOutcome } from '../src/evaluation/outcome.js'
import './lib.ts' // the resolve hook for src/ (dynamic imports below)

export interface SimulatedClock {
  now(): number
  sleep(ms: number): Promise<void>
  /** Every wait asked for, in order (ms). */
  sleeps: number[]
}

export function simulatedClock(emu: Emulator): SimulatedClock {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
      emu.advance(ms)
    }
  }
}

/**
 * Writes `files` into a fresh workspace under `dir` and runs the pipeline with `inputs` (the
 * action's inputs; api-key and base-url are filled in). Returns the outcome.
 */
export async function runPipelineInProcess(
  emu: Emulator,
  inputs: Record<string, string>,
  files: Record<string, string>,
  dir: string,
  clock: SimulatedClock
): Promise<RunOutcome> {
  const { ArenaClient } = await import('../src/arena/client.js')
  const { readConfig } = await import('../src/submit/config.js')
  const { PhaseTracker, newOutcome, runPipeline } = await import('../src/submit/pipeline.js')
  const workspace = path.join(dir, 'ws')
  await mkdir(workspace, { recursive: true })
  for (const [name, content] of Object.entries(files))
    await writeFile(path.join(workspace, name), content)
  const all: Record<string, string> = {
    'api-key': emu.tokens.user,
    'base-url': emu.baseUrl,
    'working-directory': workspace,
    ...inputs
  }
  const config = readConfig(name => all[name] ?? '', { GITHUB_WORKSPACE: workspace })
  const arena = new ArenaClient({ baseUrl: emu.baseUrl, token: emu.tokens.user })
  const outcome = newOutcome(config, 'bench')
  const silent = { info: () => {}, warning: () => {}, notice: () => {} }
  // @actions/glob logs its options as ::debug:: lines on stdout: keep stdout for results.
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (() => true) as typeof process.stdout.write
  try {
    await runPipeline(
      config,
      'bench-agent',
      {
        arena,
        log: { ...silent, group: (_title, fn) => fn() },
        clock,
        signal: new AbortController().signal,
        tempDir: dir,
        previous: null
      },
      outcome,
      new PhaseTracker(outcome, clock)
    )
  } finally {
    process.stdout.write = write
    await arena.close()
  }
  return outcome
}
