/**
 * Agent layouts × flows × wires, end to end on dist/index.js (issue 10: an update deleted every
 * file that sat in a folder). An agent's files form one flat folder on ML Arena: each matched
 * file must end up stored under its base name, with its bytes, and nothing this run uploaded may
 * be deleted. After every run the emulator's state must hold exactly the matched files (name and
 * sha256) and the agent must be `active`; a layout whose files share a base name must be an
 * input error with no mutating request.
 *
 * One fake GitHub per wire, and one emulator (fast clock, no real sleeps) per wire and layout,
 * shared by that layout's flows: each flow works on its own agent (or pull request), and one
 * layout's flows fit in the competition's daily deploys (20) and active agents (10), all four
 * layouts would not. The agent-id and schedule flows start from an agent set up through the
 * API, as the official client would have left it (files under their base names).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, startEmulator, type Emulator } from '../../emulator/index.ts'
import { deployedAgent } from '../emulator/helpers.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { runAction, type ActionRun, type RunActionOptions } from '../support/action-runner.ts'
import { reportFigure } from '../reliability/support/figures.ts'
import { makeWorkspace, sha256 } from '../reliability/support/fault-run.ts'

const WIRES = ['current', 'legacy'] as const
const CID = COMPETITIONS.normal

interface Layout {
  name: string
  /** The repository: path under the workspace → content. */
  workspace: Record<string, string>
  inputs: { 'working-directory': string; files: string }
  /** Stored name → path under the workspace; null: the run must refuse the files. */
  stored: Record<string, string> | null
  /** The `path → stored name` lines the log must show, each exactly once. */
  renamed: string[]
}

const AGENT_PY =
  'import helpers\n\nclass Agent:\n    def act(self, observation):\n        return 0\n'
const HELPERS_PY = 'def clip(x):\n    return max(-1, min(1, x))\n'
const MODEL_PKL = 'pickled-weights-0123456789\n'

const LAYOUTS: Layout[] = [
  {
    name: 'flat',
    workspace: { 'agent.py': AGENT_PY, 'helpers.py': HELPERS_PY, 'README.md': '# agent\n' },
    inputs: { 'working-directory': '.', files: '*.py' },
    stored: { 'agent.py': 'agent.py', 'helpers.py': 'helpers.py' },
    renamed: []
  },
  {
    name: 'nested under working-directory',
    workspace: {
      'agent/agent.py': AGENT_PY,
      'agent/lib/helpers.py': HELPERS_PY,
      'agent/model.pkl': MODEL_PKL
    },
    inputs: { 'working-directory': 'agent', files: '**' },
    stored: {
      'agent.py': 'agent/agent.py',
      'helpers.py': 'agent/lib/helpers.py',
      'model.pkl': 'agent/model.pkl'
    },
    renamed: ['lib/helpers.py → helpers.py']
  },
  {
    name: 'globs from the workspace root into a folder',
    workspace: { 'agent/agent.py': AGENT_PY, 'agent/model.pkl': MODEL_PKL, 'train.py': 'x = 1\n' },
    inputs: { 'working-directory': '.', files: 'agent/agent.py\nagent/model.pkl' },
    stored: { 'agent.py': 'agent/agent.py', 'model.pkl': 'agent/model.pkl' },
    renamed: ['agent/agent.py → agent.py', 'agent/model.pkl → model.pkl']
  },
  {
    name: 'two files sharing a base name',
    workspace: { 'agent/agent.py': AGENT_PY, 'baseline/agent.py': 'class Agent: pass\n' },
    inputs: { 'working-directory': '.', files: '**/*.py' },
    stored: null,
    renamed: []
  }
]

const COLLISION_ERROR =
  '::error::Input \'files\': "agent/agent.py" and "baseline/agent.py" would both be stored as "agent.py"'

async function workspaceDir(files: Record<string, string>): Promise<string> {
  return (await makeWorkspace(files, 'mlarena-layout-')).dir
}

/** Stored name → sha256 of the workspace file it comes from. */
function expectedFiles(layout: Layout, workspace: Record<string, string>): [string, string][] {
  return Object.entries(layout.stored ?? {})
    .map(([name, from]): [string, string] => [name, sha256(workspace[from] as string)])
    .sort()
}

/** The summary's Files section. */
function filesPart(summary: string): string {
  const start = summary.indexOf('### Files')
  expect(start).toBeGreaterThanOrEqual(0)
  const end = summary.indexOf('\n### ', start + 1)
  return summary.slice(start, end < 0 ? undefined : end)
}

function errorLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter(line => line.startsWith('::error::'))
}

function pullRequestEvent(number: number): unknown {
  return {
    number,
    pull_request: {
      number,
      user: { login: 'octo' },
      head: { sha: `${number}`.padEnd(40, 'a'), repo: { full_name: 'octo/agent-repo' } },
      base: { repo: { full_name: 'octo/agent-repo' } }
    }
  }
}

describe.each(WIRES)('agent layouts on the %s wire', wire => {
  let emu: Emulator
  let github: FakeGitHub
  let nextPr = wire === 'current' ? 500 : 600

  /**
   * For RELIABILITY.md (printed with RELIABILITY_FIGURES=1): child runs, and after each run the
   * files that should be on the agent and are there with their bytes (kept) or are not (lost).
   */
  const tally = { runs: 0, refused: 0, filesKept: 0, filesLost: 0, staleRemoved: 0 }

  beforeAll(async () => {
    github = await new FakeGitHub().start()
  })
  afterAll(async () => {
    await github.close()
    reportFigure(`layouts-${wire}`, tally)
  })

  function countedRun(options: RunActionOptions): Promise<ActionRun> {
    tally.runs += 1
    return runAction(options)
  }

  /** Counts, then asserts, that the agent holds exactly `expected` (name, sha256). */
  function expectFiles(agentId: number, expected: [string, string][]): void {
    const held = new Map(storedFiles(agentId))
    for (const [name, sha] of expected) {
      if (held.get(name) === sha) tally.filesKept += 1
      else tally.filesLost += 1
    }
    expect(storedFiles(agentId)).toEqual(expected)
  }

  function inputs(extra: Record<string, string>): Record<string, string> {
    return {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      'competition-id': String(CID),
      'poll-interval-seconds': '0.1',
      'timeout-minutes': '2',
      logs: '0',
      'github-token': 'ghs_faketoken',
      ...extra
    }
  }

  function storedFiles(agentId: number): [string, string][] {
    const agent = emu.state().agents.find(entry => entry.id === agentId)
    return (agent?.files ?? []).map((file): [string, string] => [file.name, file.sha256]).sort()
  }

  function agentStatus(agentId: number): string | undefined {
    return emu.state().agents.find(entry => entry.id === agentId)?.status
  }

  /** Requests that change something on ML Arena. */
  function mutating(): string[] {
    return emu
      .requests()
      .filter(entry => entry.server === 'api' && entry.method !== 'GET')
      .map(entry => `${entry.method} ${entry.path}`)
  }

  /** An active agent as an official client leaves it: the layout's files under base names. */
  async function existingAgent(name: string, files: Record<string, string>): Promise<number> {
    const aid = await deployedAgent(emu, CID, name, files)
    emu.settle(aid)
    expect(agentStatus(aid)).toBe('active')
    emu.clearRequests()
    return aid
  }

  /** A successful run: exactly the matched files, active, renames said once, no error. */
  function expectStored(run: ActionRun, layout: Layout, workspace: Record<string, string>): number {
    expect(errorLines(run)).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('success')
    const agentId = Number(run.outputs['agent-id'])
    expectFiles(agentId, expectedFiles(layout, workspace))
    expect(agentStatus(agentId)).toBe('active')
    for (const line of layout.renamed) {
      expect(run.stdout.split(line).length - 1).toBe(1)
      expect(filesPart(run.summary)).toContain(line)
    }
    if (layout.renamed.length === 0) expect(filesPart(run.summary)).not.toContain('→')
    return agentId
  }

  function expectRefused(run: ActionRun): void {
    expect(run.code).not.toBe(0)
    const errors = errorLines(run)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(COLLISION_ERROR)
    expect(mutating()).toEqual([])
    tally.refused += 1
  }

  describe.each(LAYOUTS)('$name', layout => {
    beforeAll(async () => {
      emu = await startEmulator({ wire, speed: 'fast', seed: 11 })
    })
    afterAll(async () => {
      await emu.close()
    })
    afterEach(() => emu.clearRequests())

    const storedContent = (workspace: Record<string, string>): Record<string, string> =>
      Object.fromEntries(
        Object.entries(layout.stored ?? { 'agent.py': 'agent.py' }).map(([name, from]) => [
          name,
          workspace[from] ?? AGENT_PY
        ])
      )

    it('new agent (push)', async () => {
      const ws = await workspaceDir(layout.workspace)
      const run = await countedRun({
        workspace: ws,
        githubApiUrl: github.url,
        inputs: inputs(layout.inputs)
      })
      if (layout.stored === null) return expectRefused(run)
      expectStored(run, layout, layout.workspace)
      expect(run.outputs['agent-id']).not.toBe('')
    })

    it('pull request rerun (same comment key): the comment remembers the agent', async () => {
      const pr = nextPr++
      const options = {
        githubApiUrl: github.url,
        eventName: 'pull_request',
        event: pullRequestEvent(pr),
        inputs: inputs(layout.inputs)
      }
      const first = await countedRun({
        ...options,
        workspace: await workspaceDir(layout.workspace)
      })
      if (layout.stored === null) {
        expectRefused(first)
        return
      }
      const agentId = expectStored(first, layout, layout.workspace)
      emu.clearRequests()

      // A new push to the pull request: one file changed.
      const changed = { ...layout.workspace }
      const [, firstPath] = Object.entries(layout.stored)[0] as [string, string]
      changed[firstPath] = `${changed[firstPath]}# changed in the second push\n`
      const second = await countedRun({ ...options, workspace: await workspaceDir(changed) })
      expect(second.outputs['agent-id']).toBe(String(agentId))
      expectStored(second, layout, changed)
      expect(mutating().filter(request => request.endsWith('/file')).length).toBe(
        Object.keys(layout.stored).length
      )
      expect(second.summary).not.toContain('Removed from the agent')
      expect(github.commentsOn(pr)).toHaveLength(1)
    })

    it('agent-id redeploy with files: replaces the files, removes only the stale one', async () => {
      const before = storedContent(layout.workspace)
      const old = Object.fromEntries(
        Object.entries(before).map(([name, content]) => [name, `${content}# old version\n`])
      )
      const aid = await existingAgent(`layout-${wire}-id-${layout.name.length}`, {
        ...old,
        'stale-notes.txt': 'no longer in the repository\n'
      })
      const seeded = storedFiles(aid)
      const ws = await workspaceDir(layout.workspace)
      const run = await countedRun({
        workspace: ws,
        githubApiUrl: github.url,
        inputs: inputs({ ...layout.inputs, 'agent-id': String(aid) })
      })
      if (layout.stored === null) {
        expectRefused(run)
        expectFiles(aid, seeded)
        return
      }
      expect(expectStored(run, layout, layout.workspace)).toBe(aid)
      expect(run.stdout).toContain('Removed stale-notes.txt')
      tally.staleRemoved += storedFiles(aid).some(([name]) => name === 'stale-notes.txt') ? 0 : 1
      expect(run.summary).toContain(
        'Removed from the agent, as no longer among its files: stale-notes.txt.'
      )
      // Every upload, then the one deletion: nothing uploaded was touched again.
      const fileWrites = mutating().filter(request => request.endsWith('/file')).length
      expect(fileWrites).toBe(Object.keys(layout.stored).length + 1)
    })

    if (layout.stored !== null) {
      it('schedule redeploy without files: the agent keeps its files', async () => {
        const files = storedContent(layout.workspace)
        const aid = await existingAgent(`layout-${wire}-sched-${layout.name.length}`, files)
        const seeded = storedFiles(aid)
        const run = await countedRun({
          workspace: await workspaceDir(layout.workspace),
          githubApiUrl: github.url,
          eventName: 'schedule',
          event: { schedule: '0 3 * * *' },
          inputs: inputs({ 'agent-id': String(aid) })
        })
        expect(errorLines(run)).toEqual([])
        expect(run.outputs.outcome).toBe('success')
        expect(seeded).toEqual(expectedFiles(layout, layout.workspace))
        expectFiles(aid, seeded)
        expect(agentStatus(aid)).toBe('active')
        expect(mutating().filter(request => request.endsWith('/file'))).toEqual([])
      })
    }
  })
})
