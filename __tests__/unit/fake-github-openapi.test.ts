/**
 * The fake GitHub is held to GitHub's OpenAPI description (support/openapi-check.ts): these
 * tests prove the check fails a fake that answers a route GitHub does not have, and records
 * the requests GitHub would not accept, so that close() fails the suite that made them.
 */
import { describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { FakeGitHub, type FakeRoute } from '../support/fake-github.js'
import { OpenApiCheck } from '../support/openapi-check.js'

const ok: FakeRoute['handle'] = ({ send }) => send(200, {})

async function send(fake: FakeGitHub, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  await response.arrayBuffer()
}

describe('a fake that answers a route GitHub does not have', () => {
  it('fails at construction: an invented path', () => {
    const invented = {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/sticky-comments',
      handle: ok
    }
    expect(() => new FakeGitHub({ extraRoutes: [invented] })).toThrow(
      "The fake GitHub answers routes GitHub does not have: POST /repos/{owner}/{repo}/issues/{issue_number}/sticky-comments: GitHub's REST API has no such path"
    )
  })

  it('fails at construction: a documented path with a method GitHub does not take there', () => {
    const wrongMethod = {
      method: 'PUT',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      handle: ok
    }
    expect(() => new FakeGitHub({ extraRoutes: [wrongMethod] })).toThrow(
      'GitHub documents no PUT on this path'
    )
  })
})

describe('requests GitHub would not accept', () => {
  it('are recorded, and close() fails with each of them', async () => {
    const fake = await new FakeGitHub().start()
    await send(fake, 'GET', '/repos/octo/repo/sticky')
    await send(fake, 'POST', '/repos/octo/repo/issues/1/comments', { text: 'hi' })
    await send(fake, 'PATCH', '/repos/octo/repo/issues/comments/5', { body: 'x', pinned: true })
    await send(fake, 'GET', '/repos/octo/repo/pulls?state=open&mine=yes')
    await send(fake, 'DELETE', '/repos/octo/repo/issues/comments/5', { body: 'x' })
    await send(fake, 'POST', '/graphql', { mutation: 'x' })
    expect(fake.violations).toEqual([
      "GET /repos/octo/repo/sticky: not a route of GitHub's REST API",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments: the required body field 'body' is missing",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments: the body field 'text' is not documented",
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}: the body field 'pinned' is not documented",
      "GET /repos/octo/repo/pulls: query parameter 'mine' is not documented for /repos/{owner}/{repo}/pulls",
      'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}: GitHub documents no request body',
      "POST /graphql: 'mutation' is not a field of a GraphQL request",
      "POST /graphql: a GraphQL request needs a string 'query'"
    ])
    await expect(fake.close()).rejects.toThrow(
      /^The fake GitHub received requests GitHub's OpenAPI description does not allow:\nGET \/repos\/octo\/repo\/sticky/
    )
  })

  it('records nothing for what Octokit sends for the sticky comment', async () => {
    const fake = await new FakeGitHub({ perPage: 1 }).start()
    const octokit = getOctokit('ghs_x', { baseUrl: fake.url })
    fake.addComment(3, 'a', { login: 'octo', type: 'User' })
    fake.addComment(3, 'b', { login: 'octo', type: 'User' })
    await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'o',
      repo: 'r',
      issue_number: 3,
      per_page: 100
    })
    const created = await octokit.rest.issues.createComment({
      owner: 'o',
      repo: 'r',
      issue_number: 3,
      body: 'x'
    })
    await octokit.rest.issues.updateComment({
      owner: 'o',
      repo: 'r',
      comment_id: created.data.id,
      body: 'y'
    })
    await octokit.rest.issues.deleteComment({ owner: 'o', repo: 'r', comment_id: created.data.id })
    await octokit.paginate(octokit.rest.pulls.list, { owner: 'o', repo: 'r', state: 'open' })
    await octokit.graphql('query { viewer { login } }')
    expect(fake.requests.length).toBeGreaterThanOrEqual(7)
    expect(fake.violations).toEqual([])
    await fake.close()
  })
})

describe('the description itself', () => {
  it('prefers a literal segment over a parameter when both match', () => {
    const check = OpenApiCheck.load()
    // /issues/comments/{id} (a comment) and /issues/{number}/comments are different routes.
    expect(
      check.check({ method: 'DELETE', path: '/repos/o/r/issues/comments/7', body: '' })
    ).toEqual([])
    expect(
      check.check({ method: 'DELETE', path: '/repos/o/r/issues/7/comments', body: '' })
    ).toEqual([
      'DELETE /repos/o/r/issues/7/comments: GitHub documents no DELETE on /repos/{owner}/{repo}/issues/{issue_number}/comments'
    ])
  })
})
