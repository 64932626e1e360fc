import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  findPullRequestByHead,
  findStickyComments,
  resolveIdentity,
  upsertStickyComment
} from '../../src/github/comments.js'
import { readGitHubRun } from '../../src/github/event.js'
import { GitHubApi, GitHubError, nextLink, rateLimitWait } from '../../src/github/rest.js'
import { FakeGitHub } from '../support/fake-github.js'

const MARK = '<!-- ours -->'
const isOurs = (body: string): boolean => body.startsWith(MARK)

describe('readGitHubRun', () => {
  const env = {
    GITHUB_REPOSITORY: 'octo/repo',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_SHA: 'merge-sha',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://ghe.example/api/v3',
    GITHUB_RUN_ID: '7',
    GITHUB_ACTOR: 'octo'
  }

  it('reads a same-repository pull request', () => {
    const run = readGitHubRun(env, {
      pull_request: {
        number: 5,
        user: { login: 'octo' },
        head: { sha: 'h', repo: { full_name: 'octo/repo' } },
        base: { repo: { full_name: 'octo/repo' } }
      }
    })
    expect(run.pullRequest).toEqual({
      number: 5,
      headSha: 'h',
      headRepository: 'octo/repo',
      fromFork: false,
      fromDependabot: false
    })
    expect(run.graphqlUrl).toBe('https://ghe.example/api/graphql')
    expect(run.runUrl).toBe('https://github.com/octo/repo/actions/runs/7')
  })

  it('tells forks (also deleted ones) and Dependabot apart', () => {
    const pr = (head: unknown, login = 'someone'): unknown => ({
      pull_request: { number: 1, user: { login }, head, base: { repo: { full_name: 'octo/repo' } } }
    })
    expect(readGitHubRun(env, pr({ repo: { full_name: 'x/repo' } })).pullRequest?.fromFork).toBe(
      true
    )
    expect(readGitHubRun(env, pr({ repo: null })).pullRequest?.fromFork).toBe(true)
    const bot = readGitHubRun(env, pr({ repo: { full_name: 'octo/repo' } }, 'dependabot[bot]'))
    expect(bot.pullRequest).toMatchObject({ fromFork: false, fromDependabot: true })
  })

  it('ignores pull_request fields on other events, and reads workflow_run heads', () => {
    const push = readGitHubRun(
      { ...env, GITHUB_EVENT_NAME: 'push' },
      { pull_request: { number: 3 } }
    )
    expect(push.pullRequest).toBeNull()
    const run = readGitHubRun(
      { ...env, GITHUB_EVENT_NAME: 'workflow_run' },
      {
        workflow_run: {
          head_sha: 'abc',
          head_repository: { full_name: 'x/repo' },
          event: 'pull_request'
        }
      }
    )
    expect(run.triggeringRun).toEqual({
      headSha: 'abc',
      headRepository: 'x/repo',
      event: 'pull_request'
    })
  })
})

describe('GitHub REST client and sticky comments', () => {
  let github: FakeGitHub
  let api: GitHubApi
  const waits: number[] = []
  const target = { owner: 'octo', repo: 'repo', issueNumber: 9 }

  beforeEach(async () => {
    github = await new FakeGitHub({ perPage: 2 }).start()
    waits.length = 0
    api = new GitHubApi({
      apiUrl: github.url,
      token: 'ghs_x',
      sleep: async ms => void waits.push(ms)
    })
  })
  afterEach(() => github.close())

  it('resolves the identity through GraphQL when GET /user is refused', async () => {
    expect(await resolveIdentity(api, `${github.url}/graphql`)).toBe('github-actions[bot]')
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /user',
      'POST /graphql'
    ])
  })

  it('finds only our own marked comments across pages, oldest first', async () => {
    github.addComment(9, `${MARK} planted`, { login: 'mallory', type: 'User' })
    github.addComment(9, 'chatter', { login: 'github-actions[bot]', type: 'Bot' })
    const a = github.addComment(9, `${MARK} a`, { login: 'github-actions[bot]', type: 'Bot' })
    github.addComment(9, 'more', { login: 'octo', type: 'User' })
    const b = github.addComment(9, `${MARK} b`, { login: 'github-actions[bot]', type: 'Bot' })
    const found = await findStickyComments(api, target, isOurs, 'github-actions[bot]')
    expect(found.map(c => c.id)).toEqual([a.id, b.id])
    // Three pages of two: Link headers were followed.
    expect(github.requests.filter(r => r.path.includes('/comments')).length).toBe(3)
  })

  it('updates the existing comment in place', async () => {
    const old = github.addComment(9, `${MARK} old`, { login: 'github-actions[bot]', type: 'Bot' })
    const result = await upsertStickyComment(
      api,
      target,
      { id: old.id, url: old.html_url, body: old.body },
      `${MARK} new`,
      async () => []
    )
    expect(result).toEqual({ id: old.id, url: old.html_url, created: false })
    expect(github.commentsOn(9).map(c => c.body)).toEqual([`${MARK} new`])
  })

  it('after a race that made two comments, keeps the oldest and removes its own copy', async () => {
    const other = github.addComment(9, `${MARK} other job`, {
      login: 'github-actions[bot]',
      type: 'Bot'
    })
    const result = await upsertStickyComment(api, target, null, `${MARK} mine`, () =>
      findStickyComments(api, target, isOurs, 'github-actions[bot]')
    )
    expect(result.id).toBe(other.id)
    expect(github.commentsOn(9).map(c => [c.id, c.body])).toEqual([[other.id, `${MARK} mine`]])
  })

  it('waits out a secondary rate limit as GitHub asks, then succeeds', async () => {
    github.faults.push({ kind: 'secondary-rate-limit', retryAfter: 3, times: 1 })
    await upsertStickyComment(api, target, null, `${MARK} x`, async () => [])
    expect(waits).toEqual([3000])
    expect(github.commentsOn(9)).toHaveLength(1)
  })

  it('names the missing permission on a 403 from an integration', async () => {
    github.faults.push({ kind: 'forbidden', method: 'POST' })
    const error = await upsertStickyComment(api, target, null, `${MARK} x`, async () => []).catch(
      e => e
    )
    expect(error).toBeInstanceOf(GitHubError)
    expect((error as GitHubError).status).toBe(403)
    expect((error as Error).message).toContain('pull-requests: write')
  })

  it('reports a refused body (422) in one line with GitHub’s message and its reason', async () => {
    github.faults.push({ kind: 'too-long' })
    const error = (await upsertStickyComment(api, target, null, 'x', async () => []).catch(
      e => e
    )) as Error
    expect(error.message).toMatch(
      /^GitHub answered 422 to POST \/repos\/octo\/repo\/issues\/9\/comments: "Validation Failed: Body is too long \(maximum is 65536 characters\)"\.$/
    )
  })

  it('finds a pull request by its head commit and head repository', async () => {
    github.pulls.push(
      { number: 1, head: { sha: 'aaa', repo: { full_name: 'octo/repo' } } },
      { number: 2, head: { sha: 'bbb', repo: { full_name: 'other/repo' } } },
      { number: 3, head: { sha: 'bbb', repo: { full_name: 'fork/repo' } } }
    )
    expect(await findPullRequestByHead(api, 'octo', 'repo', 'bbb', 'fork/repo')).toBe(3)
    expect(await findPullRequestByHead(api, 'octo', 'repo', 'ccc', null)).toBeNull()
  })
})

describe('rate limit and paging headers', () => {
  it('reads retry-after, a spent primary limit, and nothing else', () => {
    expect(rateLimitWait(403, { 'retry-after': '7' })).toBe(7000)
    expect(rateLimitWait(403, {})).toBeNull()
    expect(rateLimitWait(404, { 'retry-after': '7' })).toBeNull()
    const reset = Math.floor(Date.now() / 1000) + 30
    const wait = rateLimitWait(403, {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset)
    })
    expect(wait).toBeGreaterThan(25_000)
    expect(wait).toBeLessThanOrEqual(30_000)
  })

  it('follows rel="next" on the same API base only', () => {
    const base = 'https://api.github.com'
    expect(nextLink(`<${base}/x?page=2>; rel="next", <${base}/x?page=5>; rel="last"`, base)).toBe(
      '/x?page=2'
    )
    expect(nextLink('<https://evil.example/x?page=2>; rel="next"', base)).toBeNull()
    expect(nextLink(undefined, base)).toBeNull()
  })
})
