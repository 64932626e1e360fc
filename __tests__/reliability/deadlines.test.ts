/**
 * Suite 6, deadlines and cancellation.
 *
 * - A status that never becomes terminal stops at the deadline with the timeout outcome
 *   (in process, on the emulator's clock: 30 simulated minutes take milliseconds).
 * - A failed poll in the middle of a watch is polled again, not the end of the run.
 * - SIGTERM to the bundled action in the middle of the watch, and in the middle of a long
 *   Retry-After wait: it writes its report (summary, outputs, outcome `cancelled`), exits
 *   non-zero, and leaves no process behind. The time from the signal to the exit is measured
 *   (RELIABILITY_FIGURES=1 prints it), not asserted.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { COMPETITIONS, MARKERS, startEmulator, type FaultSpec } from '../../emulator/index.ts'
import { runAction } from '../support/action-runner.ts'
import { reportFigure } from './support/figures.ts'
import { AGENT_PY, makeWorkspace, NOON_UTC, runPipelineOnce } from './support/fault-run.ts'

const NEVER_SETTLE = `${AGENT_PY}# MLARENA_EMULATOR:${MARKERS.NEVER_SETTLE}\n`
const folders: string[] = []
afterAll(async () => {
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
})

async function workspace(agent: string): Promise<string> {
  const ws = await makeWorkspace({ 'agent.py': agent })
  folders.push(ws.dir)
  return ws.dir
}

describe.each(['current', 'legacy'] as const)('the deadline (%s wire)', wire => {
  it('a status that never settles stops at the deadline with the timeout outcome', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 51, startTime: NOON_UTC })
    try {
      const run = await runPipelineOnce({
        emu,
        workspace: await workspace(NEVER_SETTLE),
        agentName: 'never-settles',
        inputs: { 'timeout-minutes': '30', 'poll-interval-seconds': '10' }
      })
      expect(run.outcome.kind).toBe('timeout')
      expect(run.outcome.status?.state).toBe('deploy_queue')
      expect(run.outcome.failure).toBeNull()
      // Simulated time: the watch waited out the 30 minutes and not much more.
      expect(run.waitedMs).toBeGreaterThanOrEqual(30 * 60_000)
      expect(run.waitedMs).toBeLessThanOrEqual(31 * 60_000)
      // The interval grows (10 s up to 40 s): a 30-minute wait is a few dozen polls, not 180.
      const polls = emu.requests().filter(entry => entry.path.endsWith('/status')).length
      expect(polls).toBeGreaterThan(40)
      expect(polls).toBeLessThan(60)
      expect(run.summary).toMatch(/[Ss]till deploy\\?_queue/)
    } finally {
      await emu.close()
    }
  })

  it("a redeploy is watched until the new deploy ends, not taken from the old state's look", async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 54, startTime: NOON_UTC })
    try {
      const agentId = 1002 // alice-main, active: right after a redeploy it still reads active
      const run = await runPipelineOnce({
        emu,
        workspace: await workspace(AGENT_PY),
        agentName: 'alice-main',
        inputs: { files: '', 'agent-id': String(agentId), runtime: '' }
      })
      expect(run.outcome.kind).toBe('success')
      const deploys = emu.state().deploys.filter(deploy => deploy.agentId === agentId)
      const latest = deploys.sort((a, b) => b.id - a.id)[0]
      expect(latest?.createdAt).toBe(new Date(NOON_UTC).toISOString())
      expect(latest?.status).toBe('succeeded')
      // The deploy takes minutes of the emulator's clock: the watch waited them out.
      expect(run.waitedMs).toBeGreaterThan(60_000)
    } finally {
      await emu.close()
    }
  })

  it('a poll that fails after every retry is polled again at the next interval', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 52, startTime: NOON_UTC })
    try {
      // 6 failed attempts for the status read after the upload (the deploy goes ahead), then 6
      // for the first poll.
      emu.addFault({ route: 'GET /api/**/status', kind: 'status', status: 502, times: 12 })
      const run = await runPipelineOnce({
        emu,
        workspace: await workspace(AGENT_PY),
        agentName: 'one-bad-poll'
      })
      expect(run.outcome.kind).toBe('success')
      expect(run.log.lines.filter(line => /502 on GET .*polling again/.test(line))).toHaveLength(1)
      expect(
        run.log.lines.filter(line => /status after the upload .*502 on GET.*; deploying/.test(line))
      ).toHaveLength(1)
    } finally {
      await emu.close()
    }
  })
})

/** Pids of live processes that carry `marker` in their environment (Linux /proc only). */
async function processesWith(marker: string): Promise<number[]> {
  let entries: string[]
  try {
    entries = await readdir('/proc')
  } catch {
    return []
  }
  const found: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const environ = await readFile(path.join('/proc', entry, 'environ'), 'latin1').catch(() => '')
    if (environ.includes(marker)) found.push(Number(entry))
  }
  return found
}

interface Cancellation {
  when: RegExp
  faults?: FaultSpec[]
  inputs?: Record<string, string>
}

const CANCELLATIONS: Record<string, Cancellation> = {
  'in the middle of the watch': { when: /^::group::Waiting for ML Arena/m },
  'in the middle of a 100 s Retry-After wait': {
    when: /retrying in 100\.0 s/,
    faults: [{ route: 'GET /api/**/status', kind: 'status', status: 429, retryAfter: '100' }]
  }
}

describe('SIGTERM to the bundled action', () => {
  it.each(Object.entries(CANCELLATIONS))(
    '%s: writes the report, exits non-zero, leaves nothing running',
    async (name, cancellation) => {
      const emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 53 })
      for (const fault of cancellation.faults ?? []) emu.addFault(fault)
      let child: ChildProcess | null = null
      let signalledAt = 0
      try {
        const run = await runAction({
          workspace: await workspace(NEVER_SETTLE),
          inputs: {
            'api-key': emu.tokens.user,
            'base-url': emu.baseUrl,
            'competition-id': String(COMPETITIONS.normal),
            files: 'agent.py',
            'poll-interval-seconds': '0.2',
            'timeout-minutes': '5'
          },
          timeoutMs: 20_000,
          onSpawn: (spawned, output) => {
            child = spawned
            const watcher = setInterval(() => {
              if (!cancellation.when.test(output.stdout())) return
              clearInterval(watcher)
              signalledAt = performance.now()
              spawned.kill('SIGTERM')
            }, 5)
            spawned.on('exit', () => clearInterval(watcher))
          }
        })
        const stoppedMs = Math.round(performance.now() - signalledAt)
        expect(signalledAt).toBeGreaterThan(0)
        // Exited by itself (not killed by the runner's 20 s guard), with a failure code.
        expect(run.signal).toBeNull()
        expect(run.code).toBe(1)
        expect(run.stdout).toContain('::warning::Received SIGTERM: stopping')
        const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
        expect(errors).toEqual([
          '::error::The run was cancelled; the report shows the last known state.'
        ])
        expect(run.outputs.outcome).toBe('cancelled')
        expect(run.outputs['agent-id']).toMatch(/^\d+$/)
        expect(run.summary).not.toBe('')
        expect(run.summary).toMatch(/cancel/i)
        // Nothing the run started is still running.
        const pid = (child as ChildProcess | null)?.pid ?? -1
        expect(() => process.kill(pid, 0)).toThrow()
        expect(await processesWith(path.join(run.dir, 'output.txt'))).toEqual([])
        reportFigure(`sigterm ${name}`, { stoppedMs })
      } finally {
        await emu.close()
      }
    }
  )
})
