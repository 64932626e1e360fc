/**
 * End to end: a run with `wait: false` (dist/index.js) leaves its agent pending on GitHub (a
 * check run or a commit status on the head commit, and the sticky comment with its snapshot);
 * the follow-up (dist/report/index.js) finds it, leaves it alone while ML Arena evaluates it,
 * then writes exactly what a waiting run would have written, once. Both bundles run as
 * children against the emulator (manual clock: nothing moves unless the test says so) and the
 * fake GitHub, whose check-run and status routes are held to GitHub's OpenAPI description.
 * dist/ must be fresh: `npm run bundle`.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  startEmulator,
  COMPETITIONS,
  COURSE_TOKENS,
  COURSES,
  type Emulator,
  type EmulatorCourse
} from '../../emulator/index.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'
import { decodeSnapshot, encodeSnapshot } from '../../src/evaluation/pending.ts'

const REPORT_ENTRY = path.resolve(import.meta.dirname, '../../dist/report/index.js')
const REPORT_ACTION = path.resolve(import.meta.dirname, '../../report/action.yml')
const AGENT_PY = 'class Agent:\n    def act(self, observation):\n        return 0\n'
const FAILING_PY = 'import mlarena_missing_dependency\n# MLARENA_EMULATOR:FAIL_IMPORT\n'

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-ws-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
  }
  return dir
}

function pullRequestEvent(number: number, headSha: string): unknown {
  return {
    number,
    pull_request: {
      number,
      user: { login: 'octo' },
      head: { sha: headSha, repo: { full_name: 'octo/agent-repo' } },
      base: { repo: { full_name: 'octo/agent-repo' } }
    }
  }
}

/** GitHub requests that change something (reads are free to repeat). */
function writes(github: FakeGitHub): string[] {
  return github.requests
    .filter(entry => entry.method !== 'GET' && entry.path !== '/graphql')
    .map(entry => `${entry.method} ${entry.path.replace(/\?.*$/, '')}`)
}

describe.each(['current', 'legacy'] as const)('wait: false and the follow-up, %s wire', wire => {
  let emu: Emulator
  let github: FakeGitHub
  let nextPr = wire === 'current' ? 500 : 600

  beforeAll(async () => {
    github = await new FakeGitHub().start()
  })
  afterAll(async () => {
    await github.close()
  })
  // A fresh ML Arena per test: a participant may have only so many active agents.
  beforeEach(async () => {
    emu = await startEmulator({ wire, speed: 'manual', seed: 11 })
  })
  afterEach(async () => {
    github.faults.length = 0
    await emu.close()
  })

  function submitInputs(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      'competition-id': String(COMPETITIONS.normal),
      'github-token': 'ghs_faketoken',
      wait: 'false',
      ...extra
    }
  }

  function followUp(extra: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      entry: REPORT_ENTRY,
      actionFile: REPORT_ACTION,
      eventName: 'schedule',
      githubApiUrl: github.url,
      inputs: {
        'api-key': emu.tokens.user,
        'base-url': emu.baseUrl,
        'github-token': 'ghs_faketoken',
        commits: '0',
        ...extra
      }
    })
  }

  async function submitOnPr(files: Record<string, string> = { 'agent.py': AGENT_PY }) {
    const pr = nextPr++
    const headSha = `${pr}`.padEnd(40, 'a')
    const ws = await workspace(files)
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      eventName: 'pull_request',
      event: pullRequestEvent(pr, headSha),
      inputs: submitInputs({ files: Object.keys(files).join('\n') })
    })
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error'))).toEqual([])
    return { pr, headSha, run, agentId: Number(run.outputs['agent-id']) }
  }

  it('submits and exits; the follow-up waits, then writes what a waiting run would have, once', async () => {
    const { pr, headSha, run, agentId } = await submitOnPr()
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('submitted')
    // The head commit carries a check run named after the competition, in progress.
    const check = github.checkRuns.find(entry => entry.head_sha === headSha)
    expect(check).toMatchObject({
      status: 'in_progress',
      name: expect.stringMatching(/^ML Arena: /)
    })
    expect(check?.external_id).toBe(`mlarena:v1 c=${COMPETITIONS.normal} a=${agentId}`)
    const [comment] = github.commentsOn(pr)
    expect(comment?.body).toContain('being evaluated')
    expect(decodeSnapshot(comment?.body)?.mark).toEqual({ kind: 'check-run', id: check?.id })
    expect(run.summary).toContain('follow-up workflow')

    // Still evaluating: the follow-up reads, reports it pending, and writes nothing.
    github.requests.length = 0
    const early = await followUp()
    expect(early.code).toBe(0)
    expect(early.outputs.pending).toBe('1')
    expect(early.outputs.finished).toBe('0')
    expect(writes(github)).toEqual([])
    expect(github.commentsOn(pr)[0]?.body).toBe(comment?.body)

    emu.settle(agentId)
    github.requests.length = 0
    const done = await followUp()
    expect(done.code).toBe(0)
    expect(done.outputs.finished).toBe('1')
    const [row] = JSON.parse(done.outputs.agents as string) as Record<string, string>[]
    expect(row).toMatchObject({ 'agent-id': String(agentId), outcome: 'success', status: 'active' })
    expect(Number(row?.rank)).toBeGreaterThan(0)
    const finalCheck = github.checkRuns.find(entry => entry.id === check?.id)
    expect(finalCheck).toMatchObject({ status: 'completed', conclusion: 'success' })
    const body = github.commentsOn(pr)[0]?.body ?? ''
    expect(github.commentsOn(pr)).toHaveLength(1)
    expect(decodeSnapshot(body)).toBeNull()
    expect(body).toContain(`rank ${row?.rank} of`)
    expect(done.summary).toContain('| agent-id |')
    expect(done.summary).toContain(`rank ${row?.rank} of`)

    // Idempotent: a second run finds nothing pending and writes nothing.
    github.requests.length = 0
    const again = await followUp()
    expect(again.code).toBe(0)
    expect(again.outputs.followed).toBe('0')
    expect(writes(github)).toEqual([])
  })

  it('without checks: write, marks a commit status, and the follow-up sets the final one with the rank', async () => {
    github.faults.push({ kind: 'forbidden', method: 'POST', path: '/check-runs' })
    const { headSha, run, agentId } = await submitOnPr()
    expect(run.code).toBe(0)
    const pending = github.statuses.filter(entry => entry.sha === headSha)
    expect(pending).toMatchObject([{ state: 'pending' }])
    emu.settle(agentId)
    const done = await followUp()
    expect(done.code).toBe(0)
    const latest = github.statuses.filter(entry => entry.sha === headSha).at(-1)
    expect(latest?.state).toBe('success')
    expect(latest?.description).toMatch(/^Rank \d+ of \d+/)
    expect(latest?.target_url).toBe(
      `${emu.baseUrl}/${wire === 'legacy' ? 'competition' : 'challenge'}/${COMPETITIONS.normal}`
    )
  })

  it('with neither permission: warns, and the comment alone carries the pending agent', async () => {
    github.faults.push({ kind: 'forbidden', method: 'POST', path: '/check-runs' })
    github.faults.push({ kind: 'forbidden', method: 'POST', path: '/statuses/' })
    const { pr, headSha, run, agentId } = await submitOnPr()
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning::The commit is not marked pending: .*checks: write/)
    expect(github.checkRuns.filter(entry => entry.head_sha === headSha)).toEqual([])
    emu.settle(agentId)
    const done = await followUp()
    expect(done.outputs.finished).toBe('1')
    expect(decodeSnapshot(github.commentsOn(pr)[0]?.body)).toBeNull()
  })

  // The client's retries of the 503s take real seconds.
  it('ML Arena down: the follow-up fails clearly and every pending mark stays as it was', async () => {
    const { pr, headSha, agentId } = await submitOnPr()
    emu.settle(agentId)
    const before = github.commentsOn(pr)[0]?.body
    emu.addFault({ kind: 'status', status: 503 })
    github.requests.length = 0
    const down = await followUp()
    expect(down.code).not.toBe(0)
    expect(down.stdout).toMatch(
      /::error::ML Arena could not be read .*nothing was changed on GitHub/
    )
    expect(writes(github)).toEqual([])
    expect(github.commentsOn(pr)[0]?.body).toBe(before)
    expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.status).toBe('in_progress')
    emu.clearFaults()
    expect((await followUp()).outputs.finished).toBe('1')
  }, 120_000)

  it('a failure on the agent code: annotations on the repository file and line, on the check run', async () => {
    const { headSha, agentId } = await submitOnPr({ 'agent/agent.py': FAILING_PY })
    emu.settle(agentId)
    const done = await followUp()
    const check = github.checkRuns.find(entry => entry.head_sha === headSha)
    expect(check?.conclusion).toBe('failure')
    expect(done.outputs.finished).toBe('1')
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({
        path: 'agent/agent.py',
        start_line: 3,
        annotation_level: 'failure'
      })
    )
  })

  it('past the bound: the timeout outcome, as a waiting run would report it', async () => {
    const { pr, headSha } = await submitOnPr({
      'agent.py': `${AGENT_PY}# MLARENA_EMULATOR:NEVER_SETTLE\n`
    })
    emu.advance(60_000)
    // The submission happened two hours ago (as far as the follow-up can tell).
    const comment = github.commentsOn(pr)[0]!
    const snapshot = decodeSnapshot(comment.body)!
    const line = encodeSnapshot({ ...snapshot, submittedAt: snapshot.submittedAt - 2 * 3600_000 })
    comment.body = comment.body.replace(/^<!-- mlarena-action:pending .*$/m, line)
    const done = await followUp({ 'timeout-minutes': '60' })
    expect(done.outputs.finished).toBe('1')
    const [row] = JSON.parse(done.outputs.agents as string) as Record<string, string>[]
    expect(row?.outcome).toBe('timeout')
    expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.conclusion).toBe('timed_out')
    expect(github.commentsOn(pr)[0]?.body).toMatch(/\*\*Still deploy\S* .*after 1 h\.\*\*/)
  })

  it('a fork pull request through the workflow_run recipe: the follow-up finishes its comment', async () => {
    const pr = nextPr++
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
          pull_requests: []
        }
      },
      inputs: submitInputs({ files: 'agent.py', comment: 'on' })
    })
    expect(run.code).toBe(0)
    // The fork's head commit is marked (the base repository's token writes the check run).
    expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.status).toBe('in_progress')
    expect(decodeSnapshot(github.commentsOn(pr)[0]?.body)?.sha).toBe(headSha)
    emu.settle(Number(run.outputs['agent-id']))
    const done = await followUp()
    expect(done.outputs.finished).toBe('1')
    expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.conclusion).toBe('success')
    expect(github.commentsOn(pr)).toHaveLength(1)
    expect(decodeSnapshot(github.commentsOn(pr)[0]?.body)).toBeNull()
  })

  it('a push run: the follow-up finds it by the check run on the branch, with no comment', async () => {
    const sha = `${nextPr++}`.padEnd(40, 'c')
    github.commits.push({ sha, date: new Date().toISOString() })
    const ws = await workspace({ 'agent.py': AGENT_PY })
    const run = await runAction({
      workspace: ws,
      githubApiUrl: github.url,
      env: { GITHUB_SHA: sha },
      inputs: submitInputs({ files: 'agent.py' })
    })
    expect(run.code).toBe(0)
    expect(github.checkRuns.find(entry => entry.head_sha === sha)?.status).toBe('in_progress')
    emu.settle(Number(run.outputs['agent-id']))
    const done = await followUp({ commits: '5' })
    expect(done.code).toBe(0)
    const check = github.checkRuns.find(entry => entry.head_sha === sha)
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(check?.output.summary).toContain('rank ')
  })

  it('a scheduled redeploy by agent-id: the follow-up compares against the row before the deploy', async () => {
    const push = async (sha: string, extra: Record<string, string>) => {
      github.commits.push({ sha, date: new Date().toISOString() })
      return runAction({
        workspace: await workspace({ 'agent.py': AGENT_PY }),
        githubApiUrl: github.url,
        env: { GITHUB_SHA: sha },
        inputs: submitInputs(extra)
      })
    }
    const first = await push(`${nextPr++}`.padEnd(40, 'd'), { files: 'agent.py' })
    const agentId = Number(first.outputs['agent-id'])
    emu.settle(agentId)
    const reported = await followUp({ commits: '5' })
    const [before] = JSON.parse(reported.outputs.agents as string) as Record<string, string>[]
    expect(Number(before?.rank)).toBeGreaterThan(0)

    await push(`${nextPr++}`.padEnd(40, 'd'), { 'agent-id': String(agentId) })
    emu.settle(agentId)
    const done = await followUp({ commits: '5' })
    const [after] = JSON.parse(done.outputs.agents as string) as Record<string, string>[]
    expect(after).toMatchObject({ 'agent-id': String(agentId), 'previous-rank': before?.rank })
  })

  it('GitHub refusing a write: the run fails, the marks stay, and the next run writes them once', async () => {
    const { pr, headSha, agentId } = await submitOnPr()
    emu.settle(agentId)
    github.faults.push({ kind: 'forbidden', method: 'PATCH', times: 1 })
    const refused = await followUp()
    expect(refused.code).not.toBe(0)
    expect(refused.outputs.agents).toContain('"follow-up":"unpublished"')
    expect(decodeSnapshot(github.commentsOn(pr)[0]?.body)).not.toBeNull()
    const retried = await followUp()
    expect(retried.code).toBe(0)
    expect(retried.outputs.finished).toBe('1')
    expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.conclusion).toBe('success')
    expect(github.commentsOn(pr)).toHaveLength(1)
  })

  it('a new push to the pull request supersedes the pending check run of the previous one', async () => {
    const first = await submitOnPr()
    const pr = first.pr
    // ML Arena takes no new files while a deploy is in progress: the first one ends first.
    emu.settle(first.agentId)
    const secondSha = `${pr}`.padEnd(40, 'b')
    const again = await runAction({
      workspace: await workspace({ 'agent.py': `${AGENT_PY}# v2\n` }),
      githubApiUrl: github.url,
      eventName: 'pull_request',
      event: pullRequestEvent(pr, secondSha),
      inputs: submitInputs({ files: 'agent.py' })
    })
    expect(again.stdout.split('\n').filter(line => line.startsWith('::error'))).toEqual([])
    expect(again.code).toBe(0)
    // The comment remembers the agent: the same one is redeployed.
    expect(again.outputs['agent-id']).toBe(String(first.agentId))
    expect(github.checkRuns.find(entry => entry.head_sha === first.headSha)).toMatchObject({
      status: 'completed',
      conclusion: 'neutral'
    })
    emu.settle(first.agentId)
    const done = await followUp()
    expect(done.outputs.finished).toBe('1')
    expect(github.checkRuns.find(entry => entry.head_sha === secondSha)?.conclusion).toBe('success')
    expect(github.commentsOn(pr)).toHaveLength(1)
  })

  if (wire === 'current') {
    it('a course run: the follow-up writes the class standing and judges not-passed', async () => {
      const lunar = emu.courses.find(course => course.id === COURSES.lunar) as EmulatorCourse
      const pr = nextPr++
      const headSha = `${pr}`.padEnd(40, 'e')
      const run = await runAction({
        workspace: await workspace({
          'agent.py': `${AGENT_PY}# MLARENA_EMULATOR:SCORE=90\n`
        }),
        githubApiUrl: github.url,
        eventName: 'pull_request',
        event: pullRequestEvent(pr, headSha),
        inputs: {
          ...submitInputs({ files: 'agent.py', 'fail-on': 'not-passed' }),
          'api-key': COURSE_TOKENS.dave,
          'competition-id': '',
          'course-join-code': lunar.enrolCode
        }
      })
      expect(run.code).toBe(0)
      expect(run.outputs['course-id']).toBe(String(COURSES.lunar))
      emu.settle(Number(run.outputs['agent-id']))
      const done = await followUp({ 'api-key': COURSE_TOKENS.dave })
      const [row] = JSON.parse(done.outputs.agents as string) as Record<string, string>[]
      expect(row).toMatchObject({ outcome: 'success', passed: 'false', 'pass-threshold': '150' })
      expect(github.commentsOn(pr)[0]?.body).toContain('#### Course')
      // fail-on: not-passed, carried from the submitting run, decides the conclusion.
      expect(github.checkRuns.find(entry => entry.head_sha === headSha)?.conclusion).toBe('failure')
    })
  }

  it('two follow-ups at once: one comment, one completed check run, the same report', async () => {
    const { pr, headSha, agentId } = await submitOnPr()
    emu.settle(agentId)
    github.requests.length = 0
    const [a, b] = await Promise.all([followUp(), followUp()])
    expect([a.code, b.code]).toEqual([0, 0])
    expect(github.commentsOn(pr)).toHaveLength(1)
    expect(github.checkRuns.filter(entry => entry.head_sha === headSha)).toMatchObject([
      { status: 'completed', conclusion: 'success' }
    ])
    expect(writes(github).filter(line => line.startsWith('POST'))).toEqual([])
  })
})

describe('the waiting run points at the code too', () => {
  let emu: Emulator

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 3 })
  })
  afterAll(() => emu.close())

  it('a deploy that fails on the agent code: workflow annotations on the repository file and line', async () => {
    const ws = await workspace({ 'agent/agent.py': FAILING_PY })
    const run = await runAction({
      workspace: ws,
      inputs: {
        'api-key': emu.tokens.user,
        'base-url': emu.baseUrl,
        'competition-id': String(COMPETITIONS.normal),
        files: 'agent.py',
        'working-directory': 'agent',
        'poll-interval-seconds': '0.1',
        'timeout-minutes': '2'
      }
    })
    expect(run.outputs.outcome).toBe('deploy-failed')
    expect(run.stdout).toMatch(
      /^::error title=ModuleNotFoundError[^,]*,file=agent\/agent\.py,line=3::/m
    )
  })
})
