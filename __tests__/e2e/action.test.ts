/**
 * End to end: the bundled dist/index.js runs as a child process on Node 24, as a runner runs it
 * (INPUT_* variables, event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_API_URL pointing
 * at a fake GitHub), against the emulator on both wires. dist/ must be fresh: `npm run bundle`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'

const AGENT_PY = 'class Agent:\n    def act(self, observation):\n        return 0\n'

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-ws-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
  }
  return dir
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function mutating(emu: Emulator): string[] {
  return emu
    .requests()
    .filter(
      entry =>
        entry.server === 'api' && entry.method !== 'GET' && !entry.path.startsWith('/__emulator')
    )
    .map(entry => `${entry.method} ${entry.path}`)
}

function pullRequestEvent(number: number, fromFork: boolean, author = 'octo'): unknown {
  return {
    number,
    pull_request: {
      number,
      user: { login: author },
      head: {
        sha: 'abc123',
        repo: { full_name: fromFork ? 'stranger/agent-repo' : 'octo/agent-repo' }
      },
      base: { repo: { full_name: 'octo/agent-repo' } }
    }
  }
}

/** Secrets must appear nowhere the action writes. */
function expectNoSecret(run: ActionRun, secret: string): void {
  const visible = [
    run.stdout.replace(/^::add-mask::.*$/gm, ''),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs)
  ]
  for (const text of visible) expect(text).not.toContain(secret)
}

describe.each(['current', 'legacy'] as const)('the action on the %s wire', wire => {
  let emu: Emulator
  let github: FakeGitHub

  beforeAll(async () => {
    emu = await startEmulator({ wire, speed: 'fast', seed: 7 })
    github = await new FakeGitHub().start()
  })
  afterAll(async () => {
    await emu.close()
    await github.close()
  })
  afterEach(() => emu.clearRequests())

  function inputs(extra: Record<string, string>): Record<string, string> {
    return {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      'competition-id': String(COMPETITIONS.normal),
      'poll-interval-seconds': '0.1',
      'timeout-minutes': '2',
      'github-token': 'ghs_faketoken',
      ...extra
    }
  }

  it('push: submits, waits, ranks, and reports', async () => {
    const ws = await workspace({ 'agent/agent.py': AGENT_PY, 'agent/requirements.txt': 'numpy\n' })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: '**', 'working-directory': 'agent' })
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('success')
    expect(run.outputs.status).toBe('active')
    expect(run.outputs['api-wire']).toBe(wire)
    expect(Number(run.outputs.rank)).toBeGreaterThan(0)
    expect(Number(run.outputs['leaderboard-size'])).toBeGreaterThanOrEqual(Number(run.outputs.rank))
    expect(run.outputs.score).not.toBe('')

    const agent = emu.state().agents.find(entry => entry.id === Number(run.outputs['agent-id']))
    expect(agent?.status).toBe('active')
    expect(agent?.files.map(file => [file.name, file.sha256]).sort()).toEqual([
      ['agent.py', sha256(AGENT_PY)],
      ['requirements.txt', sha256('numpy\n')]
    ])
    expect(run.summary).toContain(`rank ${run.outputs.rank} of`)
    expect(run.stdout).toContain('::group::Waiting for ML Arena')
    const logs = run.outputs['logs-dir']
    expect(logs).not.toBe('')
    const firstLog = (await run.writtenFiles()).find(entry => entry.file.startsWith(logs as string))
    expect(firstLog?.content.length).toBeGreaterThan(0)
    expectNoSecret(run, emu.tokens.user)
    // Push runs are not about a pull request: no comment, no GitHub call.
    expect(run.outputs['comment-url']).toBe('')
  })

  it('push again: updates the branch agent (no new agent), removes a file it no longer has', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY, 'extra.py': 'X = 1\n' })
    const options = { workspace: ws, githubApiUrl: github.url, inputs: inputs({ files: '*.py' }) }
    const first = await runAction(options)
    expect(first.outputs.outcome).toBe('success')
    expect(first.outputs['agent-name']).toBe('octo/agent-repo@main')
    const agentsBefore = emu.state().agents.length
    await writeFile(path.join(ws, 'agent.py'), `${AGENT_PY}# v2\n`)
    const { rm } = await import('node:fs/promises')
    await rm(path.join(ws, 'extra.py'))

    const second = await runAction(options)
    expect(second.code).toBe(0)
    expect(second.outputs.outcome).toBe('success')
    expect(second.outputs['agent-id']).toBe(first.outputs['agent-id'])
    expect(second.outputs['agent-name']).toBe('octo/agent-repo@main')
    expect(second.stdout).toContain(`Updating agent ${first.outputs['agent-id']}`)
    expect(second.summary).not.toContain('created by this run')
    expect(emu.state().agents.length).toBe(agentsBefore)
    const agent = emu.state().agents.find(entry => entry.id === Number(first.outputs['agent-id']))
    expect(agent?.files.map(file => [file.name, file.sha256])).toEqual([
      ['agent.py', sha256(`${AGENT_PY}# v2\n`)]
    ])

    // new-agent: true asks for a new agent on this run.
    const third = await runAction({
      ...options,
      inputs: inputs({ files: '*.py', 'new-agent': 'true', 'agent-name': 'one-off' })
    })
    expect(third.outputs.outcome).toBe('success')
    expect(third.outputs['agent-id']).not.toBe(first.outputs['agent-id'])
    expect(emu.state().agents.length).toBe(agentsBefore + 1)
  })

  it('two agents of the branch name: an input error naming both ids, and nothing changed', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const named = (extra: Record<string, string>) =>
      inputs({ files: 'agent.py', 'agent-name': 'twice', ...extra })
    const a = await runAction({ workspace: ws, githubApiUrl: github.url, inputs: named({}) })
    const b = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: named({ 'new-agent': 'true' })
    })
    expect([a.outputs.outcome, b.outputs.outcome]).toEqual(['success', 'success'])
    emu.clearRequests()
    const third = await runAction({ workspace: ws, githubApiUrl: github.url, inputs: named({}) })
    expect(third.code).not.toBe(0)
    const ids = [a.outputs['agent-id'], b.outputs['agent-id']].map(Number).sort((x, y) => x - y)
    expect(third.stdout).toContain(
      `::error::Input 'agent-name': "twice" names 2 of your agents in competition ${COMPETITIONS.normal} (ids ${ids[0]} and ${ids[1]})`
    )
    expect(mutating(emu)).toEqual([])
  })

  it('schedule: redeploys an existing agent by id, as it is, against its rank before the run', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const first = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: 'agent.py' })
    })
    expect(first.outputs.outcome).toBe('success')
    const agentId = first.outputs['agent-id'] as string
    const agentsBefore = emu.state().agents.length
    const deploysBefore = emu.state().deploys.length
    emu.clearRequests()

    const redeploy = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      eventName: 'schedule',
      event: { schedule: '0 3 * * *' },
      inputs: inputs({ 'agent-id': agentId })
    })
    expect(redeploy.code).toBe(0)
    expect(redeploy.outputs.outcome).toBe('success')
    expect(redeploy.outputs['agent-id']).toBe(agentId)
    expect(redeploy.outputs['agent-name']).toBe(first.outputs['agent-name'])
    expect(redeploy.outputs['previous-rank']).toBe(first.outputs.rank)
    expect(emu.state().agents.length).toBe(agentsBefore)
    expect(emu.state().deploys.length).toBe(deploysBefore + 1)
    // As it is: no file was uploaded or deleted.
    expect(mutating(emu).filter(request => request.endsWith('/file'))).toEqual([])
  })

  it('deploy failure: fails the step with the run error, and still reports', async () => {
    const ws = await workspace({ 'agent.py': `${AGENT_PY}# MLARENA_EMULATOR:FAIL_IMPORT\n` })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: 'agent.py' })
    })
    expect(run.code).not.toBe(0)
    expect(run.outputs.outcome).toBe('deploy-failed')
    expect(run.outputs.status).toBe('deploy_failed')
    expect(run.stdout).toMatch(
      /::error::ML Arena reports the deploy failed for agent \d+: code_error/
    )
    expect(run.summary).toContain('deploy failed')
  })

  it('timeout: stops at the deadline with the timeout outcome', async () => {
    const ws = await workspace({ 'agent.py': `${AGENT_PY}# MLARENA_EMULATOR:NEVER_SETTLE\n` })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({
        files: 'agent.py',
        'agent-name': 'never-settles',
        'timeout-minutes': '0.02',
        'poll-interval-seconds': '0.2'
      })
    })
    expect(run.code).not.toBe(0)
    expect(run.outputs.outcome).toBe('timeout')
    expect(run.outputs.status).toBe('deploy_queue')
    expect(run.stdout).toMatch(
      /::error::Timed out: agent \d+ is still deploy_queue at \d+\/\d+ after/
    )
    expect(run.summary).toMatch(/[Ss]till deploy\\?_queue/)
  })

  it('quota refusal: says when the next deploy is possible, and leaves nothing behind', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const tight = inputs({ files: 'agent.py', 'competition-id': String(COMPETITIONS.tightLimits) })
    const first = await runAction({ workspace: ws, githubApiUrl: github.url, inputs: tight })
    expect(first.outputs.outcome).toBe('success')
    const agentsBefore = emu.state().agents.length
    const second = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: { ...tight, 'new-agent': 'true', 'agent-name': 'refused' }
    })
    expect(second.code).not.toBe(0)
    expect(second.outputs.outcome).toBe('error')
    expect(second.stdout).toMatch(
      /::error::ML Arena will not take another deploy now: .*(deploy limit|active agent)/i
    )
    expect(second.summary).not.toBe('')
    // The agent created for the refused deploy was removed again.
    expect(emu.state().agents.filter(agent => agent.status !== 'deleted').length).toBe(agentsBefore)
  })

  it('fork pull request without secrets: skips with a notice, succeeds, calls nothing', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      eventName: 'pull_request',
      event: pullRequestEvent(77, true),
      inputs: inputs({ files: 'agent.py', 'api-key': '' })
    })
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('skipped')
    expect(run.stdout).toContain('::notice::This is a pull request from a fork')
    expect(run.summary).toContain('fork')
    expect(emu.requests().filter(entry => entry.server === 'api')).toHaveLength(0)
  })

  it('pull request rerun: one sticky comment, updated in place, with the change since the last run', async () => {
    const pr = 100 + (wire === 'current' ? 1 : 2)
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const options = {
      workspace: ws,
      githubApiUrl: github.url,
      eventName: 'pull_request',
      event: pullRequestEvent(pr, false),
      inputs: inputs({ files: 'agent.py' })
    }
    // Someone else's comment that quotes our marker must not be taken over.
    github.addComment(pr, 'plain chatter', { login: 'mallory', type: 'User' })
    const first = await runAction(options)
    expect(first.code).toBe(0)
    expect(first.outputs['comment-url']).not.toBe('')
    const mine = github.commentsOn(pr).filter(comment => comment.user.login === github.login)
    expect(mine).toHaveLength(1)
    const firstBody = mine[0]!.body
    github.addComment(pr, firstBody, { login: 'mallory', type: 'User' })

    const second = await runAction(options)
    expect(second.code).toBe(0)
    const after = github.commentsOn(pr).filter(comment => comment.user.login === github.login)
    expect(after).toHaveLength(1)
    expect(after[0]!.id).toBe(mine[0]!.id)
    expect(second.outputs['previous-rank']).toBe(first.outputs.rank)
    // The second run updated the agent the first one created, instead of making another.
    expect(second.outputs['agent-id']).toBe(first.outputs['agent-id'])
    const planted = github.commentsOn(pr).filter(comment => comment.user.login === 'mallory')
    expect(planted.map(comment => comment.body)).toEqual(['plain chatter', firstBody])
    expect(after[0]!.body).not.toBe(firstBody)
  })

  it('workflow_run: finds the pull request from the head SHA, names the agent after it, comments', async () => {
    const pr = 300 + (wire === 'current' ? 1 : 2)
    const headSha = `${pr}`.padEnd(40, 'f')
    github.pulls.push(github.pull({ number: pr, headSha, headRepository: 'stranger/agent-repo' }))
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      eventName: 'workflow_run',
      event: {
        workflow_run: {
          id: 9,
          event: 'pull_request',
          head_sha: headSha,
          head_repository: { full_name: 'stranger/agent-repo' },
          // An attacker-controlled artifact could claim any number; so could this list: unused.
          pull_requests: [{ number: 1 }]
        }
      },
      inputs: inputs({ files: 'agent.py', comment: 'on' })
    })
    expect(run.code).toBe(0)
    expect(run.outputs['agent-name']).toBe(`agent-repo-pr${pr}`)
    expect(github.commentsOn(pr)).toHaveLength(1)
    expect(github.commentsOn(1)).toHaveLength(0)
    expect(run.outputs['comment-url']).toBe(github.commentsOn(pr)[0]!.html_url)
  })

  it('dry run: checks everything and sends no mutating request', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: 'agent.py', 'dry-run': 'true', runtime: 'python/torch@2.5' })
    })
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([])
    expect(run.outputs.outcome).toBe('dry-run')
    // The branch agent the earlier pushes made is the one a real run would update. The legacy
    // wire lists no agents: its last deploy failed (the deploy-failure test), so it has no
    // leaderboard row, cannot be found, and a real run would create one.
    expect(run.outputs['agent-name']).toBe('octo/agent-repo@main')
    if (wire === 'current') expect(run.outputs['agent-id']).not.toBe('')
    else expect(run.outputs['agent-id']).toBe('')
    expect(mutating(emu)).toEqual([])
    expect(emu.requests().some(entry => entry.server === 'api')).toBe(true)
  })

  it("resolves the SDK's example spec python/gymnasium to the newest match, and says so", async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: 'agent.py', runtime: 'python/gymnasium', wait: 'false' })
    })
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('submitted')
    // Competition 1 offers gymnasium 0.29.1 (id 1) and 1.0.0 (id 4): the newest wins.
    const agent = emu.state().agents.find(entry => entry.id === Number(run.outputs['agent-id']))
    expect(agent?.runtimeId).toBe(4)
    expect(run.stdout).toContain(
      'Runtime: python/gymnasium@1.0.0 (id 4), the newest of 2 runtimes matching "python/gymnasium"; to keep it when the competition adds runtimes, pin it: runtime: python/gymnasium@1.0.0 (or 4).'
    )
    const row = run.summary.split('\n').find(line => line.startsWith('| Runtime |'))
    const name =
      wire === 'current' ? 'Python 3.12 / Gymnasium 1.0.0' : 'python 3.12 · gymnasium 1.0.0'
    expect(row).toBe(
      `| Runtime | ${name} (id 4) · newest of 2 matching \`python/gymnasium\` · pin it with \`runtime: python/gymnasium@1.0.0\` |`
    )
  })

  it('bad input: one line naming the input, and nothing changed on ML Arena', async () => {
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      inputs: inputs({ files: 'agent.py', runtime: 'cobol/nothing' })
    })
    expect(run.code).not.toBe(0)
    const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain("Input 'runtime'")
    expect(mutating(emu)).toEqual([])
  })
})

describe('reading back what it wrote', () => {
  it('keeps the uploaded bytes intact', async () => {
    const emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 3 })
    try {
      const big = 'x'.repeat(3 * 1024 * 1024) + '\n'
      const ws = await workspace({ 'agent.py': AGENT_PY, 'weights.bin': big })
      const run = await runAction({
        workspace: ws,
        inputs: {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': String(COMPETITIONS.normal),
          files: '*',
          wait: 'false'
        }
      })
      expect(run.outputs.outcome).toBe('submitted')
      const agent = emu.state().agents.find(entry => entry.id === Number(run.outputs['agent-id']))
      expect(agent?.files.find(file => file.name === 'weights.bin')?.sha256).toBe(sha256(big))
      expect(await readFile(path.join(ws, 'weights.bin'), 'utf8')).toBe(big)
    } finally {
      await emu.close()
    }
  })
})
