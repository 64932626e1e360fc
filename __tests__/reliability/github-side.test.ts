/**
 * Suite 7, the GitHub side: when the fake GitHub answers 403 (no permission), 404 (the pull
 * request is gone), 422 (body too long) or rate-limits, the bundled action degrades to the job
 * summary with a warning that says why, and the step's outcome is what ML Arena decided, not what
 * GitHub did. Runs with the same comment key, one after the other or at the same time, leave
 * exactly one comment.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rm } from 'node:fs/promises'
import { COMPETITIONS, MARKERS, startEmulator, type Emulator } from '../../emulator/index.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'
import { FakeGitHub, type FakeGitHubFault } from '../support/fake-github.ts'
import { AGENT_PY, makeWorkspace } from './support/fault-run.ts'

const folders: string[] = []
let emu: Emulator
afterAll(async () => {
  await emu?.close()
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
})

let nextPr = 300

async function runOnPullRequest(
  github: FakeGitHub,
  pr: number,
  agent = AGENT_PY
): Promise<ActionRun> {
  emu ??= await startEmulator({ wire: 'current', speed: 'fast', seed: 61 })
  const ws = await makeWorkspace({ 'agent.py': agent })
  folders.push(ws.dir)
  return runAction({
    workspace: ws.dir,
    githubApiUrl: github.url,
    eventName: 'pull_request',
    event: {
      number: pr,
      pull_request: {
        number: pr,
        user: { login: 'octo' },
        head: { sha: 'abc123', repo: { full_name: 'octo/agent-repo' } },
        base: { repo: { full_name: 'octo/agent-repo' } }
      }
    },
    inputs: {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      'competition-id': String(COMPETITIONS.normal),
      files: 'agent.py',
      'poll-interval-seconds': '0.1',
      'github-token': 'ghs_github_side'
    }
  })
}

function lines(run: ActionRun, kind: 'error' | 'warning'): string[] {
  return run.stdout.split('\n').filter(line => line.startsWith(`::${kind}::`))
}

interface Degradation {
  faults: FakeGitHubFault[]
  /** The warning must say why. */
  why: RegExp
}

const DEGRADATIONS: Record<string, Degradation> = {
  '403 on writing the comment': {
    faults: [{ kind: 'forbidden', method: 'POST' }],
    why: /Could not write the PR comment \(the job summary has the report\): GitHub refused POST \S+ \(403\).*permissions: pull-requests: write/
  },
  '403 on reading the comments': {
    faults: [{ kind: 'forbidden', method: 'GET' }],
    why: /The PR comment is skipped \(the job summary has the report\): .*403.*pull-requests: write/
  },
  '404: the pull request is gone': {
    faults: [{ kind: 'not-found', method: 'GET' }],
    why: /The PR comment is skipped .*404.*The pull request may be gone/
  },
  '422: the body is too long': {
    faults: [{ kind: 'too-long' }],
    why: /Could not write the PR comment .*422.*too long/i
  },
  'a secondary rate limit that does not lift': {
    // retry-after 1, not 0: @octokit/plugin-throttling reads 0 as "not given" and waits 60 s.
    faults: [{ kind: 'secondary-rate-limit', retryAfter: 1 }],
    why: /PR comment .*GitHub rate-limited \S+ \S+ \(403\).*secondary rate limit.*gave up after 3 attempts/
  }
}

describe('GitHub refusing or limiting the comment', () => {
  it.each(Object.entries(DEGRADATIONS))(
    '%s: summary only, a warning that says why, the step still succeeds',
    async (_, degradation) => {
      const github = await new FakeGitHub().start()
      try {
        github.faults.push(...degradation.faults)
        const pr = nextPr++
        const run = await runOnPullRequest(github, pr)
        expect(run.code).toBe(0)
        expect(lines(run, 'error')).toEqual([])
        expect(run.outputs.outcome).toBe('success')
        expect(run.outputs['comment-url']).toBe('')
        expect(run.summary).toMatch(/^## ✅ ML Arena/)
        const warnings = lines(run, 'warning')
        expect(warnings).toEqual([expect.stringMatching(degradation.why)])
        expect(github.commentsOn(pr)).toHaveLength(0)
      } finally {
        await github.close()
      }
    }
  )

  it('a secondary rate limit that lifts: waits as GitHub asks, then comments', async () => {
    const github = await new FakeGitHub().start()
    try {
      github.faults.push({ kind: 'secondary-rate-limit', method: 'POST', times: 1, retryAfter: 1 })
      const pr = nextPr++
      const run = await runOnPullRequest(github, pr)
      expect(run.code).toBe(0)
      expect(lines(run, 'warning')).toEqual([])
      expect(github.commentsOn(pr)).toHaveLength(1)
      expect(run.outputs['comment-url']).toBe(github.commentsOn(pr)[0]?.html_url)
      // The limited request was made again.
      const posts = github.requests.filter(entry => entry.method === 'POST')
      expect(posts[0]?.path).toBe(posts[1]?.path)
    } finally {
      await github.close()
    }
  })

  it('does not change a failed outcome: the deploy failure is the one error', async () => {
    const github = await new FakeGitHub().start()
    try {
      github.faults.push({ kind: 'forbidden' })
      const run = await runOnPullRequest(
        github,
        nextPr++,
        `${AGENT_PY}# MLARENA_EMULATOR:${MARKERS.FAIL_IMPORT}\n`
      )
      expect(run.code).toBe(1)
      expect(run.outputs.outcome).toBe('deploy-failed')
      expect(lines(run, 'error')).toEqual([
        expect.stringMatching(/^::error::ML Arena reports the deploy failed for agent \d+/)
      ])
      expect(lines(run, 'warning')).toEqual([expect.stringMatching(/pull-requests: write/)])
      expect(run.summary).toContain('deploy failed')
    } finally {
      await github.close()
    }
  })
})

describe('one comment per key, whatever the timing', () => {
  it('runs started at the same time with the same key and PR leave exactly one comment', async () => {
    const github = await new FakeGitHub().start()
    try {
      const pr = nextPr++
      github.addComment(pr, 'a human was here', { login: 'octo', type: 'User' })
      const bot = () => github.commentsOn(pr).filter(comment => comment.user.login === github.login)

      // Three at once on a PR without our comment: each creates one, then all but the oldest go.
      const first = await Promise.all([1, 2, 3].map(() => runOnPullRequest(github, pr)))
      for (const run of first) expect(run.outputs.outcome).toBe('success')
      expect(bot()).toHaveLength(1)
      const kept = bot()[0]?.id

      // Two more at once: both find it and update it in place.
      const second = await Promise.all([1, 2].map(() => runOnPullRequest(github, pr)))
      for (const run of second) expect(run.outputs['comment-url']).toBe(bot()[0]?.html_url)
      expect(bot()).toHaveLength(1)
      expect(bot()[0]?.id).toBe(kept)
      expect(github.commentsOn(pr)).toHaveLength(2)
    } finally {
      await github.close()
    }
  })
})
