/**
 * The shared sticky-comment entry (src/github/sticky-comment.ts) with the real toolkit against
 * the fake GitHub: create then update, the workflow_run lookup, and its warnings. No static
 * import of @actions/github here: it reads GITHUB_API_URL when first loaded, as on a runner.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readRunContext, type RunContext } from '../../src/github/run-context.js'
import { openCommentThread, openStickyComment } from '../../src/github/sticky-comment.js'
import { FakeGitHub } from '../support/fake-github.js'

const MARK = '<!-- ours -->'
const isOurs = (body: string): boolean => body.startsWith(MARK)

describe('the shared sticky-comment entry', () => {
  let github: FakeGitHub
  const warnings: string[] = []
  const infos: string[] = []
  const log = {
    info: (message: string) => void infos.push(message),
    warning: (message: string) => void warnings.push(message),
    notice: () => undefined,
    group: <T>(_: string, fn: () => Promise<T>) => fn()
  }
  const context = (patch: Partial<RunContext>): RunContext => ({
    ...readRunContext({
      eventName: 'pull_request',
      sha: 'merge-sha',
      actor: 'octo',
      runId: 7,
      serverUrl: 'https://github.com',
      payload: {},
      repo: { owner: 'octo', repo: 'repo' }
    }),
    ...patch
  })
  const onPr = (number: number): Partial<RunContext> => ({
    pullRequest: {
      number,
      headSha: 'h',
      headRepository: 'octo/repo',
      fromFork: false,
      fromDependabot: false
    }
  })

  beforeAll(async () => {
    github = await new FakeGitHub().start()
    // @actions/github reads its base URL when it is first loaded, as on a runner.
    process.env.GITHUB_API_URL = github.url
  })
  afterAll(async () => {
    delete process.env.GITHUB_API_URL
    await github.close()
  })
  beforeEach(() => {
    warnings.length = 0
    infos.length = 0
  })

  it('creates the comment, then updates it in place on the next run', async () => {
    const options = { token: 'ghs_x', context: context(onPr(41)), log, userAgent: 'test', isOurs }
    const first = await openStickyComment(options)
    expect(first?.existing).toBeNull()
    const created = await first?.publish(`${MARK} one`)
    expect(created?.created).toBe(true)
    const second = await openStickyComment(options)
    expect(second?.existing?.id).toBe(created?.id)
    expect((await second?.publish(`${MARK} two`))?.created).toBe(false)
    expect(github.commentsOn(41).map(c => c.body)).toEqual([`${MARK} two`])
    expect(infos).toEqual([
      `Wrote the PR comment: ${created?.url}`,
      `Updated the PR comment: ${created?.url}`
    ])
    expect(warnings).toEqual([])
  })

  it('on workflow_run, comments on the pull request of the triggering head commit', async () => {
    github.pulls.push(
      github.pull({ number: 42, headSha: 'f'.repeat(40), headRepository: 'x/repo' })
    )
    const thread = await openCommentThread({
      token: 'ghs_x',
      context: context({
        eventName: 'workflow_run',
        pullRequest: null,
        triggeringRun: { headSha: 'f'.repeat(40), headRepository: 'x/repo', event: 'pull_request' }
      }),
      log,
      userAgent: 'test'
    })
    expect(thread?.target).toEqual({ owner: 'octo', repo: 'repo', issueNumber: 42 })
  })

  it('degrades to warnings: no token, no pull request, a refusal', async () => {
    const base = { context: context(onPr(43)), log, userAgent: 'test', isOurs }
    expect(await openStickyComment({ ...base, token: '' })).toBeNull()
    expect(
      await openStickyComment({
        ...base,
        token: 'ghs_x',
        required: true,
        context: context({ eventName: 'push', pullRequest: null })
      })
    ).toBeNull()
    github.faults.push({ kind: 'forbidden', method: 'GET', times: 3 })
    expect(await openStickyComment({ ...base, token: 'ghs_x' })).toBeNull()
    expect(warnings).toEqual([
      'No github-token: the PR comment is skipped; the job summary has the report.',
      'comment is on, but this run is not about a pull request: no comment written.',
      expect.stringMatching(
        /^The PR comment is skipped \(the job summary has the report\): GitHub refused GET \/repos\/octo\/repo\/issues\/43\/comments \(403\)/
      )
    ])
  })
})
