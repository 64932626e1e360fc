/**
 * The GitHub side on the toolkit: the run context read from @actions/github's context, sticky
 * comments on an Octokit against the fake GitHub, and the one-line messages for GitHub's
 * refusals. The shared sticky-comment entry: sticky-comment.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import {
  findPullRequestByHead,
  findStickyComments,
  resolveIdentity,
  upsertStickyComment
} from '../../src/github/comments.js'
import { describeGitHubError } from '../../src/github/errors.js'
import type { Octokit } from '../../src/github/octokit-type.js'
import {
  loadRunContext,
  readRunContext,
  type ToolkitContext
} from '../../src/github/run-context.js'
import { FakeGitHub } from '../support/fake-github.js'

const MARK = '<!-- ours -->'
const isOurs = (body: string): boolean => body.startsWith(MARK)
const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const

function toolkitContext(eventName: string, payload: Record<string, unknown>): ToolkitContext {
  return {
    eventName,
    sha: 'merge-sha',
    actor: 'octo',
    runId: 7,
    serverUrl: 'https://ghe.example',
    payload,
    repo: { owner: 'octo', repo: 'repo' }
  }
}

describe('readRunContext', () => {
  const pr = (head: unknown, login = 'someone'): Record<string, unknown> => ({
    pull_request: { number: 5, user: { login }, head, base: { repo: { full_name: 'octo/repo' } } }
  })

  it('reads a same-repository pull request, the run and repository URLs', () => {
    const run = readRunContext(
      toolkitContext('pull_request', pr({ sha: 'h', repo: { full_name: 'octo/repo' } }, 'octo')),
      { GITHUB_REF_NAME: '5/merge' }
    )
    expect(run.pullRequest).toEqual({
      number: 5,
      headSha: 'h',
      headRepository: 'octo/repo',
      fromFork: false,
      fromDependabot: false
    })
    expect(run).toMatchObject({
      repository: 'octo/repo',
      repositoryUrl: 'https://ghe.example/octo/repo',
      runUrl: 'https://ghe.example/octo/repo/actions/runs/7',
      refName: '5/merge',
      triggeringRun: null
    })
  })

  it('tells forks (also deleted ones) and Dependabot apart', () => {
    const read = (payload: Record<string, unknown>) =>
      readRunContext(toolkitContext('pull_request_target', payload)).pullRequest
    expect(read(pr({ repo: { full_name: 'x/repo' } }))?.fromFork).toBe(true)
    expect(read(pr({ repo: null }))?.fromFork).toBe(true)
    expect(read(pr({ repo: { full_name: 'octo/repo' } }, 'dependabot[bot]'))).toMatchObject({
      fromFork: false,
      fromDependabot: true
    })
  })

  it('ignores pull_request fields on other events, and reads workflow_run heads', () => {
    expect(
      readRunContext(toolkitContext('push', { pull_request: { number: 3 } })).pullRequest
    ).toBe(null)
    const run = readRunContext(
      toolkitContext('workflow_run', {
        workflow_run: {
          head_sha: 'abc',
          head_repository: { full_name: 'x/repo' },
          event: 'pull_request'
        }
      })
    )
    expect(run.triggeringRun).toEqual({
      headSha: 'abc',
      headRepository: 'x/repo',
      event: 'pull_request'
    })
  })

  it('a context without repository reads as empty, not as a crash', () => {
    const context = {
      ...toolkitContext('push', {}),
      get repo(): never {
        throw new Error('context.repo requires a GITHUB_REPOSITORY')
      }
    }
    expect(readRunContext(context)).toMatchObject({
      repository: '',
      repositoryUrl: '',
      runUrl: null
    })
  })
})

describe('loadRunContext', () => {
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo/repo',
    GITHUB_SHA: 'abc',
    GITHUB_RUN_ID: '9',
    GITHUB_SERVER_URL: 'https://github.com'
  }

  it('loads the toolkit only for events whose payload it reads', async () => {
    const loaded: string[] = []
    const load = async () => {
      loaded.push('toolkit')
      return { context: toolkitContext('pull_request', {}) } as never
    }
    const push = await loadRunContext(env, load)
    expect(loaded).toEqual([])
    expect(push).toMatchObject({ eventName: 'push', repository: 'octo/repo', sha: 'abc' })
    expect(push.runUrl).toBe('https://github.com/octo/repo/actions/runs/9')
    await loadRunContext({ ...env, GITHUB_EVENT_NAME: 'pull_request' }, load)
    await loadRunContext({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, load)
    expect(loaded).toEqual(['toolkit', 'toolkit'])
  })

  it('an event file the toolkit cannot read leaves the runner variables, not a crash', async () => {
    const run = await loadRunContext({ ...env, GITHUB_EVENT_NAME: 'pull_request' }, async () => {
      throw new SyntaxError('Unexpected token')
    })
    expect(run).toMatchObject({
      eventName: 'pull_request',
      repository: 'octo/repo',
      pullRequest: null
    })
  })
})

describe('sticky comments on an Octokit', () => {
  let github: FakeGitHub
  let octokit: Octokit
  const target = { owner: 'octo', repo: 'repo', issueNumber: 9 }

  beforeEach(async () => {
    github = await new FakeGitHub({ perPage: 2 }).start()
    octokit = getOctokit('ghs_x', { baseUrl: github.url })
  })
  afterEach(() => github.close())

  it('resolves the identity through GraphQL when GET /user is refused', async () => {
    expect(await resolveIdentity(octokit)).toBe('github-actions[bot]')
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /user',
      'POST /graphql'
    ])
  })

  it('finds only our own marked comments across pages, oldest first', async () => {
    github.addComment(9, `${MARK} planted`, { login: 'mallory', type: 'User' })
    github.addComment(9, 'chatter', BOT)
    const a = github.addComment(9, `${MARK} a`, BOT)
    github.addComment(9, 'more', { login: 'octo', type: 'User' })
    const b = github.addComment(9, `${MARK} b`, BOT)
    const found = await findStickyComments(octokit, target, isOurs, 'github-actions[bot]')
    expect(found.map(c => c.id)).toEqual([a.id, b.id])
    // Three pages of two: Octokit followed the Link headers.
    expect(github.requests.filter(r => r.path.includes('/comments')).length).toBe(3)
  })

  it('updates the existing comment in place', async () => {
    const old = github.addComment(9, `${MARK} old`, BOT)
    const result = await upsertStickyComment(
      octokit,
      target,
      { id: old.id, url: old.html_url, body: old.body },
      `${MARK} new`,
      async () => []
    )
    expect(result).toEqual({ id: old.id, url: old.html_url, created: false })
    expect(github.commentsOn(9).map(c => c.body)).toEqual([`${MARK} new`])
  })

  it('after a race that made two comments, keeps the oldest and removes its own copy', async () => {
    const other = github.addComment(9, `${MARK} other job`, BOT)
    const result = await upsertStickyComment(octokit, target, null, `${MARK} mine`, () =>
      findStickyComments(octokit, target, isOurs, 'github-actions[bot]')
    )
    expect(result.id).toBe(other.id)
    expect(github.commentsOn(9).map(c => [c.id, c.body])).toEqual([[other.id, `${MARK} mine`]])
  })

  it('names the missing permission on a 403 from an integration', async () => {
    github.faults.push({ kind: 'forbidden', method: 'POST' })
    const error = await upsertStickyComment(
      octokit,
      target,
      null,
      `${MARK} x`,
      async () => []
    ).catch((e: unknown) => e)
    expect(describeGitHubError(error)).toBe(
      'GitHub refused POST /repos/octo/repo/issues/9/comments (403): "Resource not accessible by integration": the token lacks a permission; for PR comments give the job \'permissions: pull-requests: write\'.'
    )
  })

  it('reports a refused body (422) in one line with GitHub’s message and its reason', async () => {
    github.faults.push({ kind: 'too-long' })
    const error = await upsertStickyComment(octokit, target, null, 'x', async () => []).catch(
      (e: unknown) => e
    )
    expect(describeGitHubError(error)).toBe(
      'GitHub answered 422 to POST /repos/octo/repo/issues/9/comments: "Validation Failed: Body is too long (maximum is 65536 characters)".'
    )
  })

  it('says GitHub did not answer when nothing listens', async () => {
    const closed = await new FakeGitHub().start()
    await closed.close()
    const dead = getOctokit('ghs_x', { baseUrl: closed.url })
    const error = await findPullRequestByHead(dead, 'octo', 'repo', 'a', null).catch(
      (e: unknown) => e
    )
    expect(describeGitHubError(error)).toMatch(
      /^GitHub did not answer GET \/repos\/octo\/repo\/pulls: .*ECONNREFUSED/
    )
  })

  it('finds a pull request by its head commit and head repository', async () => {
    github.pulls.push(
      github.pull({ number: 1, headSha: 'aaa', headRepository: 'octo/repo' }),
      github.pull({ number: 2, headSha: 'bbb', headRepository: 'other/repo' }),
      github.pull({ number: 3, headSha: 'bbb', headRepository: 'fork/repo' })
    )
    expect(await findPullRequestByHead(octokit, 'octo', 'repo', 'bbb', 'fork/repo')).toBe(3)
    expect(await findPullRequestByHead(octokit, 'octo', 'repo', 'ccc', null)).toBeNull()
  })
})
