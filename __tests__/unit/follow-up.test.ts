/**
 * The follow-up's pure parts: which pending agents count (only what the token's identity
 * wrote, only this repository's), how one status read is judged, the snapshot's round trip,
 * and tracebacks mapped back to repository lines.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { FOLLOW_UP_DEFAULTS, readFollowUpConfig } from '../../src/follow-up/config.js'
import { collectPending, type Sources } from '../../src/follow-up/discover.js'
import { judge, readAgents, type StatusReader } from '../../src/follow-up/judge.js'
import {
  decodeSnapshot,
  encodeSnapshot,
  externalId,
  statusContext,
  withSnapshot,
  withoutSnapshot,
  type PendingSnapshot
} from '../../src/evaluation/pending.js'
import { renderMarker } from '../../src/evaluation/report/marker.js'
import { tracebackAnnotations } from '../../src/evaluation/annotations.js'
import type { AgentStatus } from '../../src/arena/model.js'
import { ArenaError } from '../../src/arena/errors.js'

const REPO = 'octo/agent-repo'
const BOT = 'github-actions[bot]'

function snapshot(agentId: number, extra: Partial<PendingSnapshot> = {}): PendingSnapshot {
  return {
    v: 1,
    repository: REPO,
    competitionId: 1,
    agentId,
    submittedAt: 1_000_000,
    sha: 'a'.repeat(40),
    mark: { kind: 'check-run', id: 77 },
    failOn: ['deploy-failed'],
    logs: 3,
    workingDirectory: 'agent',
    outcome: {
      competitionId: 1,
      competition: null,
      competitionUrl: null,
      wire: 'current',
      agentId,
      agentName: `agent-${agentId}`,
      agentCreated: true,
      runtime: null,
      files: [{ name: 'agent.py', path: 'src/agent.py', size: 10 }],
      removedFiles: [],
      quota: null,
      notes: [],
      commentKey: `1:agent-${agentId}`,
      course: null
    },
    ...extra
  }
}

function pendingBody(data: PendingSnapshot): string {
  const marker = renderMarker(data.outcome.commentKey, {
    rank: 4,
    score: 1.5,
    agentId: data.agentId
  })
  return withSnapshot(`${marker}\n### being evaluated\n`, encodeSnapshot(data))
}

function comment(id: number, body: string, login = BOT, type = 'Bot') {
  return {
    id,
    html_url: `https://github.example/pr/9#issuecomment-${id}`,
    issue_url: 'https://api.github.example/repos/octo/agent-repo/issues/9',
    body,
    user: { login, type }
  }
}

const none: Sources = { comments: [], checkRuns: [], statuses: [] }

function status(state: string, extra: Partial<AgentStatus> = {}): AgentStatus {
  const terminal = ['active', 'deploy_failed', 'upload_failed', 'deleted'].includes(state)
  return {
    state,
    terminal,
    settled: terminal,
    deployable: null,
    message: null,
    queuePosition: null,
    queueTotal: null,
    runs: [],
    ...extra
  } as AgentStatus
}

describe('finding pending agents', () => {
  it('reads our pending comment: the agent, its check run, the key and the last known rank', () => {
    const found = collectPending(
      { ...none, comments: [comment(1, pendingBody(snapshot(5)))] },
      BOT,
      REPO
    )
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      checkRunId: 77,
      comment: { id: 1, issueNumber: 9, key: '1:agent-5', previous: { rank: 4, score: 1.5 } }
    })
  })

  it('ignores comments, check runs and statuses written by anyone else, whatever they say', () => {
    const planted = pendingBody(snapshot(6))
    const found = collectPending(
      {
        comments: [comment(1, planted, 'mallory', 'User'), comment(2, planted, 'other[bot]')],
        checkRuns: [
          {
            id: 8,
            name: 'ML Arena: x',
            headSha: 'b'.repeat(40),
            externalId: externalId(1, 6),
            appSlug: 'someone-else',
            text: encodeSnapshot(snapshot(6))
          }
        ],
        statuses: [
          {
            sha: 'c'.repeat(40),
            context: statusContext(1, 6),
            creatorLogin: 'mallory',
            creatorType: 'User',
            targetUrl: null,
            createdAt: null
          }
        ]
      },
      BOT,
      REPO
    )
    expect(found).toEqual([])
  })

  it('ignores comments of ours without a pending line (finished reports, other keys)', () => {
    const marker = renderMarker('1:agent-5', { rank: 1, score: 2, agentId: 5 })
    expect(
      collectPending({ ...none, comments: [comment(1, `${marker}\n### done`)] }, BOT, REPO)
    ).toEqual([])
  })

  it('ignores an agent that another repository submitted', () => {
    const foreign = pendingBody(snapshot(7, { repository: 'stranger/agent-repo' }))
    expect(collectPending({ ...none, comments: [comment(1, foreign)] }, BOT, REPO)).toEqual([])
  })

  it('ignores a snapshot whose agent is not the marker’s', () => {
    const marker = renderMarker('1:agent-5', { rank: null, score: null, agentId: 99 })
    const body = withSnapshot(`${marker}\n`, encodeSnapshot(snapshot(5)))
    expect(collectPending({ ...none, comments: [comment(1, body)] }, BOT, REPO)).toEqual([])
  })

  it('merges a comment and the check run it names; finds a push run by its check run alone', () => {
    const text = encodeSnapshot(snapshot(9, { mark: { kind: 'none' } }))
    const found = collectPending(
      {
        comments: [comment(1, pendingBody(snapshot(5)))],
        checkRuns: [
          {
            id: 77,
            name: 'n',
            headSha: 'a'.repeat(40),
            externalId: externalId(1, 5),
            appSlug: 'github-actions',
            text: encodeSnapshot(snapshot(5))
          },
          {
            id: 78,
            name: 'n',
            headSha: 'd'.repeat(40),
            externalId: externalId(1, 9),
            appSlug: 'github-actions',
            text
          }
        ],
        statuses: []
      },
      BOT,
      REPO
    )
    expect(
      found.map(agent => [agent.snapshot.agentId, agent.checkRunId, agent.comment?.id ?? null])
    ).toEqual([
      [5, 77, 1],
      [9, 78, null]
    ])
    expect(found[1]?.snapshot.sha).toBe('d'.repeat(40))
  })

  it('rebuilds a push run found by its commit status alone from the status context', () => {
    const found = collectPending(
      {
        ...none,
        statuses: [
          {
            sha: 'e'.repeat(40),
            context: statusContext(3, 12),
            creatorLogin: BOT,
            creatorType: 'Bot',
            targetUrl: null,
            createdAt: '2026-12-01T00:00:00Z'
          }
        ]
      },
      BOT,
      REPO
    )
    expect(found).toMatchObject([
      {
        partial: true,
        status: { context: statusContext(3, 12) },
        snapshot: { competitionId: 3, agentId: 12, submittedAt: Date.parse('2026-12-01T00:00:00Z') }
      }
    ])
  })
})

describe('judging one status read', () => {
  const agent = collectPending(
    { ...none, comments: [comment(1, pendingBody(snapshot(5)))] },
    BOT,
    REPO
  )[0]!
  const options = { boundMs: 60 * 60_000, graceMs: 120_000 }

  it('a settled agent is finished, a running one stays, a deleted or missing one is deleted', () => {
    expect(judge(agent, status('active'), 1000, options)).toMatchObject({
      kind: 'finished',
      watched: { end: 'terminal' }
    })
    expect(judge(agent, status('deploy_queue'), 1000, options)).toMatchObject({ kind: 'running' })
    expect(judge(agent, status('deleted'), 1000, options)).toMatchObject({ kind: 'deleted' })
    expect(judge(agent, null, 1000, options)).toMatchObject({ kind: 'deleted' })
  })

  it('a terminal state the server has not settled yet is still the previous deploy', () => {
    expect(judge(agent, status('active', { settled: false }), 1000, options)).toMatchObject({
      kind: 'running'
    })
  })

  it('past the bound: the timeout outcome, with the last status', () => {
    expect(judge(agent, status('deploy_queue'), options.boundMs, options)).toMatchObject({
      kind: 'finished',
      watched: { end: 'timeout', status: { state: 'deploy_queue' } }
    })
  })

  it('reads the list of mine once and the full status only for what may have ended', async () => {
    const calls: string[] = []
    const reader: StatusReader = {
      mine: async () => {
        calls.push('mine')
        return [
          { id: 5, name: 'a', competitionId: 1, rank: null, state: 'deploy_queue' },
          { id: 6, name: 'b', competitionId: 1, rank: 3, state: 'active' }
        ]
      },
      status: async (_cid, aid) => {
        calls.push(`status ${aid}`)
        if (aid === 7)
          throw new ArenaError('gone', { kind: 'not-found', route: 'x', status: 404 } as never)
        return status('active')
      }
    }
    const agents = [5, 6, 7].map(
      id =>
        collectPending(
          { ...none, comments: [comment(id, pendingBody(snapshot(id)))] },
          BOT,
          REPO
        )[0]!
    )
    const readings = await readAgents(reader, agents, { now: 1_000_500, ...options })
    expect(readings.map(reading => reading.kind)).toEqual(['running', 'finished', 'deleted'])
    expect(calls).toEqual(['mine', 'status 6', 'status 7'])
  })

  it('ML Arena failing is an error of the whole run, not a reading', async () => {
    const reader: StatusReader = {
      mine: async () => null,
      status: async () => {
        throw new ArenaError('down', { kind: 'server', route: 'x', status: 503 } as never)
      }
    }
    await expect(readAgents(reader, [agent], { now: 1_000_500, ...options })).rejects.toThrow(
      'down'
    )
  })
})

describe('the pending snapshot', () => {
  it('round-trips under the key marker and comes off again', () => {
    const data = snapshot(5)
    const body = pendingBody(data)
    expect(body.split('\n')[1]).toMatch(/^<!-- mlarena-action:pending [A-Za-z0-9_-]+ -->$/)
    expect(decodeSnapshot(body)).toEqual(data)
    expect(decodeSnapshot(withoutSnapshot(body))).toBeNull()
  })

  it('refuses what is not a snapshot', () => {
    expect(decodeSnapshot('<!-- mlarena-action:pending e30 -->')).toBeNull()
    expect(decodeSnapshot('<!-- mlarena-action:pending !!! -->')).toBeNull()
    expect(decodeSnapshot(null)).toBeNull()
  })

  it('drops the file list when an agent has too many files to carry', () => {
    const many = snapshot(5)
    many.outcome.files = Array.from({ length: 2000 }, (_, i) => ({
      name: `f${i}.py`,
      path: `deep/path/f${i}.py`,
      size: i
    }))
    const line = encodeSnapshot(many)
    expect(line.length).toBeLessThan(25_000)
    expect(decodeSnapshot(line)?.outcome.files).toEqual([])
  })
})

describe('tracebacks to annotations', () => {
  const files = [
    { name: 'agent.py', path: 'src/agent.py' },
    { name: 'model.py', path: 'lib/model.py' }
  ]
  const traceback = [
    'Traceback (most recent call last):',
    '  File "/runner/main.py", line 50, in run',
    '  File "/agent/agent.py", line 12, in act',
    '    return self.model(obs)',
    '  File "/agent/model.py", line 3, in __call__',
    'ValueError: shapes (3,) and (4,) not aligned'
  ].join('\n')

  it('maps each frame that names an uploaded file to its repository path, innermost first', () => {
    expect(tracebackAnnotations([traceback], files, 'agent')).toEqual([
      {
        path: 'agent/lib/model.py',
        line: 3,
        title: 'ValueError: shapes (3,) and (4,) not aligned',
        message: 'ValueError: shapes (3,) and (4,) not aligned (in __call__)'
      },
      {
        path: 'agent/src/agent.py',
        line: 12,
        title: 'ValueError: shapes (3,) and (4,) not aligned',
        message: 'ValueError: shapes (3,) and (4,) not aligned (in act)'
      }
    ])
  })

  it('ignores frames of files that were not uploaded, and texts with no frames', () => {
    expect(
      tracebackAnnotations(['Killed', '  File "/usr/lib/python3/x.py", line 9, in f'], files, '')
    ).toEqual([])
  })

  it('names each file and line once, at the repository root when the working directory is', () => {
    const twice = tracebackAnnotations([traceback, traceback], files, '')
    expect(twice.map(annotation => `${annotation.path}:${annotation.line}`)).toEqual([
      'lib/model.py:3',
      'src/agent.py:12'
    ])
  })
})

describe('report/action.yml and its example', () => {
  const root = path.resolve(import.meta.dirname, '../..')
  const action = parse(readFileSync(path.join(root, 'report/action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string; required?: boolean }>
    outputs: Record<string, unknown>
  }
  const example = parse(
    readFileSync(path.join(root, 'examples/workflows/mlarena-follow-up.yml'), 'utf8')
  ) as {
    jobs: Record<
      string,
      {
        steps: {
          id?: string
          uses?: string
          with?: Record<string, unknown>
          env?: Record<string, string>
        }[]
      }
    >
  }

  it('reads the defaults action.yml declares', () => {
    const defaults = (name: string): string =>
      name === 'api-key'
        ? 'mlk_user_ab12_cd34'
        : name === 'github-token'
          ? 'ghs_x'
          : (action.inputs[name]?.default ?? '')
    expect(readFollowUpConfig(defaults)).toEqual({
      apiKey: 'mlk_user_ab12_cd34',
      baseUrl: 'https://ml-arena.com',
      apiWire: 'auto',
      githubToken: 'ghs_x',
      timeoutMinutes: 1440,
      commits: 20,
      summary: true
    })
    for (const [name, value] of Object.entries(FOLLOW_UP_DEFAULTS)) {
      expect(action.inputs[name]?.default).toBe(value)
    }
  })

  it('refuses bad inputs with the input named', () => {
    const inputs = (extra: Record<string, string>) => (name: string) =>
      ({ 'api-key': 'mlk_user_ab12_cd34', 'github-token': 'ghs_x', ...extra })[name] ?? ''
    expect(() => readFollowUpConfig(inputs({ 'timeout-minutes': '0' }))).toThrow(
      /^Input 'timeout-minutes': /
    )
    expect(() => readFollowUpConfig(inputs({ commits: '500' }))).toThrow(/^Input 'commits': /)
    expect(() => readFollowUpConfig(inputs({ 'api-key': 'mlk_teacher_ab12_cd34' }))).toThrow(
      /^Input 'api-key': /
    )
    expect(() => readFollowUpConfig(inputs({ 'github-token': ' ' }))).toThrow(
      /^Input 'github-token': /
    )
  })

  it('the example passes only inputs the action has, and reads only its outputs', () => {
    const steps = Object.values(example.jobs).flatMap(job => job.steps)
    const uses = steps.filter(step => step.uses === 'mlarena/mlarena-action/report@v1')
    expect(uses).toHaveLength(1)
    for (const name of Object.keys(uses[0]?.with ?? {}))
      expect(Object.keys(action.inputs)).toContain(name)
    expect(uses[0]?.with?.['api-key']).toBe('${{ secrets.MLARENA_API_KEY }}')
    const read = JSON.stringify(steps).match(/steps\.report\.outputs\.([a-z-]+)/g) ?? []
    expect(read.length).toBeGreaterThan(0)
    for (const ref of read) expect(Object.keys(action.outputs)).toContain(ref.split('.').pop())
  })
})
