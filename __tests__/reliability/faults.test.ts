/**
 * Suite 1, faults: the whole pipeline against an emulator that misbehaves.
 *
 * - A seeded sample of runs with random faults on 30 % of API requests (the full tally is
 *   `npm exec -- node scripts/faults-100.ts`): each ends right (or, when the faults outlast every
 *   retry of a call, with a clear failure), never with a second agent or deploy, with every file
 *   intact, a report, and no secret in what it printed.
 * - Faults that exhaust the retries, and a server that stops answering (or goes away) in the
 *   middle of the upload and of the watch: a clear failure, a report, no hang.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rm } from 'node:fs/promises'
import { COMPETITIONS, startEmulator, type Emulator } from '../../emulator/index.ts'
import { runAction } from '../support/action-runner.ts'
import {
  AGENT_PY,
  faultRun,
  makeWorkspace,
  NOON_UTC,
  runPipelineOnce,
  weights,
  type FaultRunResult,
  type PipelineRun
} from './support/fault-run.ts'

const WIRES = ['current', 'legacy'] as const
const SAMPLE_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const STATUS_ROUTE = 'GET /api/**/status'
const UPLOAD_ROUTE = 'PUT /api/**/file'

describe.each(WIRES)('random faults on 30 %% of requests (%s wire)', wire => {
  const results: FaultRunResult[] = []

  it.each(SAMPLE_SEEDS)(
    'seed %i: the right outcome, at most one agent and one deploy, intact files, a report, no secret',
    async seed => {
      const result = await faultRun({ wire, seed })
      results.push(result)
      // The verdict names what went wrong, if anything.
      expect(result.verdict).toMatch(/^(success|ambiguous-create|exhausted: )/)
      expect(result.clear).toBe(true)
      expect(result.agentsCreated).toBeLessThanOrEqual(1)
      expect(result.deploys).toBeLessThanOrEqual(1)
      if (result.verdict === 'success') expect(result.filesIntact).toBe(true)
      expect(result.reported).toBe(true)
      expect(result.leaked).toBe(false)
    }
  )

  it('the sample met faults, ambiguous writes among them, and mostly succeeded', () => {
    expect(results).toHaveLength(SAMPLE_SEEDS.length)
    const faults = results.reduce((sum, result) => sum + result.faults, 0)
    const requests = results.reduce((sum, result) => sum + result.requests, 0)
    expect(faults / requests).toBeGreaterThan(0.2)
    expect(results.some(result => result.ambiguousWrites > 0)).toBe(true)
    expect(results.filter(result => result.right).length).toBeGreaterThanOrEqual(9)
  })
})

const workspaces: string[] = []
afterAll(async () => {
  await Promise.all(workspaces.map(dir => rm(dir, { recursive: true, force: true })))
})

async function agentFiles(): Promise<string> {
  const ws = await makeWorkspace({ 'agent.py': AGENT_PY, 'weights.bin': weights(7) })
  workspaces.push(ws.dir)
  return ws.dir
}

/** The run failed in `phase` with one clear line, and the report carries it. */
function expectClearFailure(run: PipelineRun, phase: string, message: RegExp): void {
  expect(run.outcome.kind).toBe('error')
  expect(run.outcome.failure?.phase).toBe(phase)
  expect(run.outcome.failure?.message).toMatch(message)
  expect(run.outcome.failure?.message).not.toMatch(/\n|Unexpected error/)
  expect(run.summary).toMatch(/^## /)
  expect(run.summary).toContain('failed')
  expect(run.comment.startsWith('<!-- mlarena-action:v1 ')).toBe(true)
}

function agentsNamed(emu: Emulator, name: string) {
  return emu.state().agents.filter(agent => agent.name === name)
}

describe.each(WIRES)('faults that outlast the retries (%s wire)', wire => {
  it('a spent retry budget ends the run with a clear failure, and a report', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 11, startTime: NOON_UTC })
    try {
      emu.addFault({ route: STATUS_ROUTE, kind: 'status', status: 503 })
      const run = await runPipelineOnce({
        emu,
        workspace: await agentFiles(),
        agentName: 'budget',
        client: { retry: { budget: 3 } }
      })
      expectClearFailure(
        run,
        'watch',
        /503 on GET \/api\/\S+\/status.*\(the retry budget of 3 retries for this run is used up\)/
      )
      // The first failed poll was forgiven, the second ended the watch.
      expect(run.log.lines.filter(line => line.includes('polling again'))).toHaveLength(1)
      const [agent] = agentsNamed(emu, 'budget')
      expect(agentsNamed(emu, 'budget')).toHaveLength(1)
      expect(agent?.deployIds).toHaveLength(1)
    } finally {
      await emu.close()
    }
  })

  it('a server that stops answering mid-upload: the upload times out, retries, fails clearly', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 12, startTime: NOON_UTC })
    try {
      emu.addFault({ route: UPLOAD_ROUTE, kind: 'latency', latencyMs: 800 })
      const run = await runPipelineOnce({
        emu,
        workspace: await agentFiles(),
        agentName: 'silent-upload',
        client: { timeouts: { uploadMs: 150 } }
      })
      expectClearFailure(
        run,
        'upload',
        /ML Arena did not answer the upload of \S+ within 150 ms .*\(gave up after 6 attempts\)/
      )
      expect(emu.state().deploys.filter(d => d.agentId === run.outcome.agentId)).toHaveLength(0)
    } finally {
      await emu.close()
    }
  })

  it('a server that stops answering mid-watch: two silent polls end it clearly', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 13, startTime: NOON_UTC })
    try {
      emu.addFault({ route: STATUS_ROUTE, kind: 'latency', latencyMs: 800 })
      const run = await runPipelineOnce({
        emu,
        workspace: await agentFiles(),
        agentName: 'silent-watch',
        client: { timeouts: { defaultMs: 100 } }
      })
      expectClearFailure(
        run,
        'watch',
        /ML Arena did not answer the status request within 100 ms .*\(gave up after 6 attempts\)/
      )
      expect(run.log.lines.some(line => line.startsWith('group: Waiting'))).toBe(true)
      const [agent] = agentsNamed(emu, 'silent-watch')
      expect(agent?.deployIds).toHaveLength(1)
    } finally {
      await emu.close()
    }
  })

  it.each([
    ['mid-upload', /^Uploading /, 'upload'],
    ['mid-watch', /^group: Waiting/, 'watch']
  ])('the server going away %s: a clear failure, a report, no hang', async (_, when, phase) => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 14, startTime: NOON_UTC })
    let closing: Promise<void> | null = null
    const run = await runPipelineOnce({
      emu,
      workspace: await agentFiles(),
      agentName: `gone-${phase}`,
      onLine: line => {
        if (when.test(line)) closing ??= emu.close()
      }
    })
    await closing
    await emu.close()
    expectClearFailure(
      run,
      phase,
      /Could not reach ML Arena for the \S+ .*(connection refused|connection reset|closed).*\(gave up after 6 attempts\)/
    )
  })
})

describe('the bundled action when faults outlast the retries', () => {
  it('fails the step with one error line, and still writes its outputs and summary', async () => {
    const emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 15 })
    try {
      emu.addFault({ route: STATUS_ROUTE, kind: 'status', status: 429, retryAfter: '0' })
      const run = await runAction({
        workspace: await agentFiles(),
        inputs: {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': String(COMPETITIONS.normal),
          files: '*',
          'poll-interval-seconds': '0.1'
        }
      })
      expect(run.code).toBe(1)
      const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(
        /^::error::ML Arena rate-limited the status request \(429 on GET \/api\/submissions\/challenge\/1\/\d+\/status\).*\(gave up after 6 attempts\)$/
      )
      expect(run.stdout).toContain('polling again at the next interval')
      expect(run.outputs.outcome).toBe('error')
      expect(run.outputs['agent-id']).toMatch(/^\d+$/)
      expect(run.summary).toContain('rate-limited the status request')
      expect(
        emu.state().deploys.filter(d => d.agentId === Number(run.outputs['agent-id']))
      ).toHaveLength(1)
    } finally {
      await emu.close()
    }
  })
})
