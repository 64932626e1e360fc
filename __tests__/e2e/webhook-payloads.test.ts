/**
 * End to end on GitHub's own webhook payloads (@octokit/webhooks-examples), not hand-made ones:
 * push, pull_request opened then synchronize, a fork variant, and workflow_run completed, each
 * with the variables a runner sets beside it. The fake GitHub checks every request against
 * GitHub's OpenAPI description (its close() fails the suite otherwise). Last, the comment goes
 * through an HTTP proxy named by HTTPS_PROXY / HTTP_PROXY: the toolkit reads those variables.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { COMPETITIONS, startEmulator, type Emulator } from '../../emulator/index.ts'
import { startProxy } from '../arena/support.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import {
  fromDependabot,
  fromFork,
  runnerEnvFor,
  webhookExample
} from '../support/webhook-payloads.ts'

const AGENT_PY = 'class Agent:\n    def act(self, observation):\n        return 0\n'

let emu: Emulator
let github: FakeGitHub
let ws: string

beforeAll(async () => {
  emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 12 })
  github = await new FakeGitHub().start()
  ws = await mkdtemp(path.join(os.tmpdir(), 'mlarena-payloads-'))
  await writeFile(path.join(ws, 'agent.py'), AGENT_PY)
})
afterAll(async () => {
  await emu.close()
  await github.close()
})

function run(
  event: string,
  payload: Record<string, unknown>,
  extra: { inputs?: Record<string, string>; env?: Record<string, string>; apiUrl?: string } = {}
): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    githubApiUrl: extra.apiUrl ?? github.url,
    eventName: event,
    event: payload,
    env: { ...runnerEnvFor(event, payload), ...extra.env },
    inputs: {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      'competition-id': String(COMPETITIONS.normal),
      files: 'agent.py',
      'poll-interval-seconds': '0.1',
      'timeout-minutes': '2',
      'github-token': 'ghs_payloads',
      ...extra.inputs
    }
  })
}

function annotations(result: ActionRun, kind: 'error' | 'warning' | 'notice'): string[] {
  return result.stdout.split('\n').filter(line => line.startsWith(`::${kind}::`))
}

describe("GitHub's webhook payloads", () => {
  it('push: names the agent after the repository and the pushed ref, reports, calls no GitHub API', async () => {
    const payload = webhookExample('push')
    const before = github.requests.length
    const result = await run('push', payload)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs.outcome).toBe('success')
    const pushed = payload as { ref: string; repository: { full_name: string } }
    const refName = pushed.ref.replace(/^refs\/(heads|tags)\//, '')
    expect(result.outputs['agent-name']).toBe(`${pushed.repository.full_name}@${refName}`)
    expect(result.outputs['comment-url']).toBe('')
    expect(github.requests.length).toBe(before)
  })

  it('pull_request opened, then synchronize: one comment on the payload’s pull request, updated in place', async () => {
    const opened = webhookExample('pull_request', 'opened')
    const number = opened.number as number
    const first = await run('pull_request', opened)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(annotations(first, 'warning')).toEqual([])
    expect(first.outputs['agent-name']).toBe(`Hello-World-pr${number}`)
    const comments = github.commentsOn(number)
    expect(comments).toHaveLength(1)
    expect(first.outputs['comment-url']).toBe(comments[0]?.html_url)

    const second = await run('pull_request', webhookExample('pull_request', 'synchronize'))
    expect(second.code).toBe(0)
    expect(second.outputs['agent-id']).toBe(first.outputs['agent-id'])
    expect(second.outputs['previous-rank']).toBe(first.outputs.rank)
    expect(github.commentsOn(number).map(comment => comment.id)).toEqual([comments[0]?.id])
    const writes = github.requests.filter(request => request.method !== 'GET')
    expect(writes.map(request => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining([
        `POST /repos/Codertocat/Hello-World/issues/${number}/comments`,
        `PATCH /repos/Codertocat/Hello-World/issues/comments/${comments[0]?.id}`
      ])
    )
  })

  it('pull_request from a fork, without secrets: skipped with a notice, nothing called', async () => {
    const payload = fromFork(webhookExample('pull_request', 'opened'), 'stranger')
    const before = github.requests.length
    emu.clearRequests()
    const result = await run('pull_request', payload, { inputs: { 'api-key': '' } })
    expect(result.code).toBe(0)
    expect(result.outputs.outcome).toBe('skipped')
    expect(annotations(result, 'notice')).toEqual([
      expect.stringContaining('::notice::This is a pull request from a fork')
    ])
    expect(emu.requests().filter(entry => entry.server === 'api')).toHaveLength(0)
    expect(github.requests.length).toBe(before)
  })

  it('pull_request by Dependabot, without secrets: skipped, and says why', async () => {
    const payload = fromDependabot(webhookExample('pull_request', 'opened'))
    const result = await run('pull_request', payload, {
      inputs: { 'api-key': '' },
      env: { GITHUB_ACTOR: 'dependabot[bot]' }
    })
    expect(result.code).toBe(0)
    expect(result.outputs.outcome).toBe('skipped')
    expect(annotations(result, 'notice')).toEqual([
      expect.stringContaining('::notice::This is a Dependabot pull request')
    ])
  })

  it('workflow_run completed: finds the open pull request of the triggering head, comments on it', async () => {
    const payload = webhookExample('workflow_run', 'completed')
    const head = payload.workflow_run as {
      head_sha: string
      head_repository: { full_name: string }
    }
    const number = 7
    github.pulls.push(
      github.pull({ number: 6, headSha: head.head_sha, headRepository: 'someone/else' }),
      github.pull({
        number,
        headSha: head.head_sha,
        headRepository: head.head_repository.full_name
      })
    )
    const result = await run('workflow_run', payload, { inputs: { comment: 'on' } })
    expect(result.code).toBe(0)
    expect(annotations(result, 'warning')).toEqual([])
    expect(result.outputs['agent-name']).toBe(`Hello-World-pr${number}`)
    expect(github.commentsOn(number)).toHaveLength(1)
    expect(github.commentsOn(6)).toHaveLength(0)
    expect(github.requests).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        path: '/repos/Codertocat/Hello-World/pulls?state=open&per_page=100'
      })
    )
  })

  it('through a proxy: the GitHub calls go where HTTP_PROXY says, ML Arena stays direct by NO_PROXY', async () => {
    // A host name, not 127.0.0.1: the toolkit never sends loopback addresses to a proxy.
    const host = 'api.github.test'
    const port = new URL(github.url).port
    const proxy = await startProxy({ [host]: '127.0.0.1' })
    try {
      const payload = webhookExample('pull_request', 'opened')
      payload.number = 8
      ;(payload.pull_request as { number: number }).number = 8
      const result = await run('pull_request', payload, {
        apiUrl: `http://${host}:${port}`,
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
      })
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(annotations(result, 'warning')).toEqual([])
      expect(github.commentsOn(8)).toHaveLength(1)
      expect(proxy.seen.length).toBeGreaterThan(0)
      expect(new Set(proxy.seen)).toEqual(new Set([`CONNECT ${host}:${port}`]))
    } finally {
      await proxy.close()
    }
  })
})
