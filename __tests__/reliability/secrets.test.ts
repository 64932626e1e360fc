/**
 * Suite 3, secrets: after each end-to-end scenario of the bundled action (success, deploy
 * failure, timeout, PR comment, failed log downloads, random faults), nothing it printed or
 * wrote holds the API key, the GitHub token, or any signed log URL's signature, raw or
 * URL-encoded: not stdout (minus the `::add-mask::` lines), stderr, GITHUB_OUTPUT, the step
 * summary, the files it wrote (game logs included), nor anything it sent to GitHub.
 *
 * The emulator's clock is manual and driven by a ticker that stops once the agent is settled, so
 * the signed URLs read from the games route after the run carry the very signatures the action
 * saw (the test checks that the action masked each of them, which proves it).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rm } from 'node:fs/promises'
import { COMPETITIONS, startEmulator, type Emulator, type FaultSpec } from '../../emulator/index.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { AGENT_PY, makeWorkspace, NOON_UTC } from './support/fault-run.ts'
import {
  findSecrets,
  hexRuns,
  maskedValues,
  signaturesOf,
  startTicker
} from './support/scenario.ts'

const GITHUB_TOKEN = 'ghs_reliabilityT0ken0123456789abcdef'
const folders: string[] = []
afterAll(async () => {
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
})

interface Scenario {
  wire: 'current' | 'legacy'
  agent?: string
  inputs?: Record<string, string>
  pullRequest?: number
  faults?: FaultSpec[]
  faultRate?: number
  /** The outcome the scenario ends with. */
  outcome: string
  /** Signed URLs (logs, replays) were read: their signatures must have been masked. */
  signedUrls: boolean
}

const SCENARIOS: Record<string, Scenario> = {
  'success on a push (current wire)': { wire: 'current', outcome: 'success', signedUrls: true },
  'success on a push (legacy wire)': { wire: 'legacy', outcome: 'success', signedUrls: true },
  'a deploy that fails': {
    wire: 'current',
    agent: `${AGENT_PY}# MLARENA_EMULATOR:FAIL_IMPORT\n`,
    outcome: 'deploy-failed',
    // SDK 4.4.0: a deploy that fails plays no game, so no replay URL is served.
    signedUrls: false
  },
  'a timeout': {
    wire: 'current',
    agent: `${AGENT_PY}# MLARENA_EMULATOR:NEVER_SETTLE\n`,
    inputs: { 'timeout-minutes': '0.01' },
    outcome: 'timeout',
    signedUrls: false
  },
  'a pull request comment (current wire)': {
    wire: 'current',
    pullRequest: 7,
    outcome: 'success',
    signedUrls: true
  },
  'a pull request comment (legacy wire)': {
    wire: 'legacy',
    pullRequest: 8,
    outcome: 'success',
    signedUrls: true
  },
  // Game logs behind signed URLs are the legacy wire's (4.4 serves stdout inline).
  'log downloads that fail at the storage, and a storage redirect': {
    wire: 'legacy',
    pullRequest: 9,
    faults: [
      { route: 'GET /logs/**', kind: 'redirect', times: 1 },
      { route: 'GET /logs/**', kind: 'status', status: 500, times: 1 },
      { route: 'GET /logs/**', kind: 'status', status: 403, times: 2 },
      { route: 'GET /logs/**', kind: 'malformed', times: 1 }
    ],
    outcome: 'success',
    signedUrls: true
  },
  'random faults on 15 % of requests (current wire)': {
    wire: 'current',
    faultRate: 0.15,
    outcome: 'success',
    signedUrls: true
  },
  'random faults on 15 % of requests (legacy wire)': {
    wire: 'legacy',
    faultRate: 0.15,
    outcome: 'success',
    signedUrls: true
  }
}

async function runScenario(
  scenario: Scenario
): Promise<{ run: ActionRun; emu: Emulator; github: FakeGitHub; signatures: string[] }> {
  const emu = await startEmulator({
    wire: scenario.wire,
    speed: 'manual',
    seed: 21,
    startTime: NOON_UTC,
    faultRate: scenario.faultRate ?? 0,
    storageFaults: scenario.faultRate !== undefined
  })
  for (const fault of scenario.faults ?? []) emu.addFault(fault)
  const github = await new FakeGitHub().start()
  const ws = await makeWorkspace({
    'agent.py': scenario.agent ?? AGENT_PY,
    'notes.md': '# notes\n'
  })
  folders.push(ws.dir)
  const stop = startTicker(emu)
  try {
    const run = await runAction({
      workspace: ws.dir,
      githubApiUrl: github.url,
      eventName: scenario.pullRequest ? 'pull_request' : 'push',
      event: scenario.pullRequest
        ? {
            number: scenario.pullRequest,
            pull_request: {
              number: scenario.pullRequest,
              user: { login: 'octo' },
              head: { sha: 'abc123', repo: { full_name: 'octo/agent-repo' } },
              base: { repo: { full_name: 'octo/agent-repo' } }
            }
          }
        : {},
      env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
      inputs: {
        'api-key': emu.tokens.user,
        'base-url': emu.baseUrl,
        'competition-id': String(COMPETITIONS.normal),
        files: '*',
        'poll-interval-seconds': '0.05',
        'timeout-minutes': '2',
        logs: '10',
        'github-token': GITHUB_TOKEN,
        ...scenario.inputs
      }
    })
    stop()
    const agentId = Number(run.outputs['agent-id'])
    const signatures =
      Number.isInteger(agentId) && agentId > 0 ? await signaturesOf(emu, agentId) : []
    return { run, emu, github, signatures }
  } finally {
    stop()
    await github.close()
  }
}

describe('no secret in anything the action prints, writes or sends', () => {
  it.each(Object.entries(SCENARIOS))('%s', async (_, scenario) => {
    const { run, emu, github, signatures } = await runScenario(scenario)
    try {
      expect(run.outputs.outcome).toBe(scenario.outcome)
      const masked = maskedValues(run.stdout)
      expect(masked).toEqual(expect.arrayContaining([emu.tokens.user, GITHUB_TOKEN]))
      if (scenario.signedUrls) {
        // The signatures read now are the ones the action saw: it masked every one of them.
        expect(signatures.length).toBeGreaterThan(0)
        expect(masked).toEqual(expect.arrayContaining(signatures))
      }
      if (scenario.pullRequest) expect(github.commentsOn(scenario.pullRequest)).toHaveLength(1)
      if (scenario.faults) {
        // The failed downloads were reported, by the URL without its query.
        expect(run.stdout).toMatch(/::warning::Could not save the log of game \d+: .*403/)
        expect(run.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/logs\/\S+\?…/)
      }

      const secrets = [emu.tokens.user, GITHUB_TOKEN, ...signatures, ...masked]
      expect(await findSecrets(run, secrets, github)).toEqual([])
      // Whatever the source, nothing shaped like a signature is left in the open.
      const visible = [run.stdout, run.stderr, run.summary, ...github.comments.map(c => c.body)]
      expect(visible.flatMap(hexRuns)).toEqual([])
    } finally {
      await emu.close()
    }
  })
})
