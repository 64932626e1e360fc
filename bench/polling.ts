/**
 * Polling cost: how many status requests the action makes while ML Arena evaluates a deploy,
 * and how late it notices the end.
 *
 *   npm exec -- node bench/polling.ts [deploys, default 8]
 *
 * The action's pipeline runs in this process against the emulator (current wire, manual speed)
 * with the action's default inputs (poll-interval-seconds 10, timeout-minutes 30), and a clock
 * that moves the emulator's: each wait of the watch advances simulated time by exactly that long
 * (see in-process.ts). So every poll happens at the simulated moment the action would make it,
 * and nothing sleeps for real.
 *
 * Several deploys (agents whose files differ, so their queue places and run lengths differ) give
 * several durations. For each: the status requests the emulator received, and the delay between
 * the deploy's end (the emulator's `finishedAt`) and the poll that saw it, against the wait
 * before that poll (the interval in force then). The figure is the deploy closest to ten
 * simulated minutes; the worst of all is in the detail. Also measured: the simulator-down
 * competition (15 minutes in the queue, then deploy_failed).
 */
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import { runPipelineInProcess, simulatedClock } from './in-process.ts'
import { EMULATOR_START, emit, removeAll } from './lib.ts'

const TARGET_POLLS = 40
const TEN_MINUTES = 600_000

interface Watched {
  competition: number
  agentId: number
  outcome: string
  deployMs: number
  polls: number
  delayMs: number
  intervalMs: number
}

async function watchOne(
  emu: Emulator,
  competition: number,
  variant: number,
  dir: string
): Promise<Watched> {
  const clock = simulatedClock(emu)
  emu.clearRequests()
  const outcome = await runPipelineInProcess(
    emu,
    { 'competition-id': String(competition), files: 'agent.py', logs: '0' },
    {
      'agent.py': `class Agent:  # variant ${variant}\n    def act(self, o):\n        return ${variant}\n`
    },
    path.join(dir, `run-${competition}-${variant}`),
    clock
  )
  const agentId = outcome.agentId as number
  const polls = emu
    .requests()
    .filter(e => e.method === 'GET' && e.path.endsWith(`/${agentId}/status`)).length
  const state = emu.state()
  const deploy = state.deploys.find(d => d.agentId === agentId)
  if (!deploy?.finishedAt)
    throw new Error(`agent ${agentId}: the deploy did not finish (${outcome.kind})`)
  const finished = Date.parse(deploy.finishedAt)
  return {
    competition,
    agentId,
    outcome: outcome.kind,
    deployMs: finished - Date.parse(deploy.createdAt),
    polls,
    delayMs: Date.parse(state.now) - finished,
    intervalMs: clock.sleeps[clock.sleeps.length - 1] ?? 0
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 8)
  const { startEmulator, COMPETITIONS } = await import('../emulator/index.ts')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-polling-'))
  const emu = await startEmulator({ wire: 'current', speed: 'manual', startTime: EMULATOR_START })
  const runs: Watched[] = []
  try {
    for (let variant = 1; variant <= count; variant++)
      runs.push(await watchOne(emu, COMPETITIONS.normal, variant, dir))
    runs.push(await watchOne(emu, COMPETITIONS.simulatorDown, 0, dir))
  } finally {
    await emu.close()
    await removeAll(dir)
  }
  const min = (value: number): string => `${(value / 60_000).toFixed(1)} min`
  for (const r of runs) {
    console.log(
      `competition ${r.competition}, agent ${r.agentId}: ${r.outcome} after ${min(r.deployMs)}; ${r.polls} status requests; noticed ${Math.round(r.delayMs / 1000)} s after the end (interval then ${Math.round(r.intervalMs / 1000)} s)`
    )
  }
  const normal = runs.filter(r => r.competition === COMPETITIONS.normal)
  const main = normal.reduce((best, r) =>
    Math.abs(r.deployMs - TEN_MINUTES) < Math.abs(best.deployMs - TEN_MINUTES) ? r : best
  )
  const delaysOk = runs.every(r => r.delayMs <= r.intervalMs)
  const perTenMinutes = Math.max(
    ...runs.map(r => (r.polls * TEN_MINUTES) / Math.max(r.deployMs, TEN_MINUTES))
  )
  emit({
    figure: 'polling cost',
    result: `${main.polls} requests for a ${min(main.deployMs)} deploy; noticed ${Math.round(main.delayMs / 1000)} s after the end (interval ${Math.round(main.intervalMs / 1000)} s); worst of ${runs.length} deploys: ${Math.max(...runs.map(r => r.polls))} requests (${min(Math.max(...runs.map(r => r.deployMs)))})`,
    target: `≤ ${TARGET_POLLS} requests; delay ≤ the interval`,
    pass: main.polls <= TARGET_POLLS && delaysOk,
    detail: {
      pollIntervalSeconds: 10,
      runs,
      maxPollsPerTenMinutes: perTenMinutes,
      delaysWithinInterval: delaysOk
    },
    command: `npm exec -- node bench/polling.ts ${count}`
  })
}

await main()
