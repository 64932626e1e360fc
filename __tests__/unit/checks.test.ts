/**
 * Check runs and commit statuses (src/github/checks.ts) with the real toolkit against the fake
 * GitHub, whose routes are held to GitHub's OpenAPI description: the pending mark's fallbacks,
 * annotations in batches of 50, and what the follow-up lists back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FakeGitHub } from '../support/fake-github.js'
import type { Octokit } from '../../src/github/octokit-type.js'
import {
  completeCheckRun,
  listPendingCheckRuns,
  listPendingStatuses,
  markPending,
  type Annotation
} from '../../src/github/checks.js'

const REPO = { owner: 'octo', repo: 'agent-repo' }
const request = (sha: string) => ({
  sha,
  name: 'ML Arena: Lunar Lander',
  externalId: 'mlarena:v1 c=1 a=2',
  title: 'Agent 2 is being evaluated',
  summary: 'ML Arena is evaluating agent 2.',
  text: '<!-- snapshot -->',
  context: 'ML Arena / competition 1 / agent 2',
  description: 'x'.repeat(300),
  detailsUrl: 'https://ml-arena.example/challenge/1'
})

describe('check runs and commit statuses', () => {
  let github: FakeGitHub
  let octokit: Octokit

  beforeAll(async () => {
    github = await new FakeGitHub().start()
    process.env.GITHUB_API_URL = github.url
    const { createOctokit } = await import('../../src/github/toolkit.js')
    octokit = createOctokit('ghs_fake', {
      userAgent: 'test',
      debug: () => undefined,
      warning: () => undefined
    })
  })
  afterAll(async () => {
    delete process.env.GITHUB_API_URL
    await github.close()
  })

  it('marks pending with a check run, lists it back, and completes it with 120 annotations in 3 requests', async () => {
    const sha = '1'.repeat(40)
    const mark = await markPending(octokit, REPO, request(sha))
    expect(mark).toMatchObject({ kind: 'check-run' })
    const listed = await listPendingCheckRuns(octokit, REPO, sha)
    expect(listed).toMatchObject([
      { externalId: 'mlarena:v1 c=1 a=2', appSlug: 'github-actions', text: '<!-- snapshot -->' }
    ])
    const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: 'agent/agent.py',
      line: i + 1,
      level: 'failure',
      title: 't',
      message: 'm'
    }))
    github.requests.length = 0
    await completeCheckRun(octokit, REPO, (mark as { id: number }).id, {
      conclusion: 'failure',
      title: 'failed',
      summary: 's',
      text: '',
      detailsUrl: null,
      annotations
    })
    expect(github.requests.filter(entry => entry.method === 'PATCH')).toHaveLength(3)
    const run = github.checkRuns.find(entry => entry.head_sha === sha)
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(run?.annotations).toHaveLength(120)
    expect(await listPendingCheckRuns(octokit, REPO, sha)).toEqual([])
  })

  it('falls back to a commit status (description cut to 140), then to nothing, on 403', async () => {
    const sha = '2'.repeat(40)
    github.faults.push({ kind: 'forbidden', method: 'POST', path: '/check-runs', times: 2 })
    expect(await markPending(octokit, REPO, request(sha))).toEqual({
      kind: 'status',
      context: 'ML Arena / competition 1 / agent 2'
    })
    const [status] = await listPendingStatuses(octokit, REPO, sha)
    expect(status).toMatchObject({
      context: 'ML Arena / competition 1 / agent 2',
      creatorLogin: 'github-actions[bot]'
    })
    expect(github.statuses.at(-1)?.description).toHaveLength(140)

    github.faults.push({ kind: 'forbidden', method: 'POST', path: '/statuses/', times: 1 })
    const none = await markPending(octokit, REPO, request('3'.repeat(40)))
    expect(none).toMatchObject({ kind: 'none', reason: expect.stringContaining('checks: write') })
  })

  it('throws what is not a permission refusal', async () => {
    github.faults.push({ kind: 'secondary-rate-limit', method: 'POST', times: 5, retryAfter: 100 })
    await expect(markPending(octokit, REPO, request('4'.repeat(40)))).rejects.toThrow()
    github.faults.length = 0
  })
})
