/**
 * End to end on the SDK 4.4 games shape, before the emulator serves it: the bundled action
 * (dist/index.js, run as a runner runs it) against a small stub of a 4.4 server inside this
 * test. The stub answers only the routes a redeploy by `agent-id` uses, with the keys the 4.4
 * docstrings list (the same shapes as __tests__/arena/fixtures/sdk-4.4/), and serves the
 * replays from a fake storage on the same port. Any other route is a 404 the test reports.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { runAction } from '../support/action-runner.ts'

const TOKEN = 'mlk_user_stub44_s3cretvalue'
const CID = 42
const AID = 7
const SIG = 'R2SignatureValue123'
const MP4 = Buffer.from('\x00\x00\x00\x18ftypmp42fake-mp4-body', 'latin1')
const FRAMES = Buffer.from([0x92, 0x81, 0xa1, 0x74, 0x00, 0x81, 0xa1, 0x74, 0x01])

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

let server: Server
let base = ''
const seen: Seen[] = []
let deployed = false

const metrics = [
  {
    key: 'score',
    label: 'Reward',
    source: 'score',
    agg: 'mean',
    order: 'desc',
    format: 'number',
    unit: null,
    precision: 2,
    is_ranking: true,
    visible: true
  }
]

function own(score: number | null, stdout: string | null, extra: Record<string, unknown> = {}) {
  return {
    submission_id: AID,
    submission_name: 'ppo-v7',
    user_name: 'alice',
    score,
    agent_nb_steps: 120,
    game_outcome: null,
    final_rank: null,
    agent_error_type: null,
    agent_error_message: null,
    agent_stdout_logs: stdout,
    ...extra
  }
}

function run(id: number, score: number | null, stdout: string | null, extra = {}, ownExtra = {}) {
  return {
    simulation_result_id: id,
    job_status: 'completed',
    job_error_type: null,
    env_error_type: null,
    env_nb_steps: 120,
    created_at_ts: `2026-12-01T10:0${id - 8000}:00Z`,
    submission_results: [
      // The opponent's row first: the client must pick its own by submission_id.
      own(99, null, { submission_id: 900, submission_name: 'rival', user_name: 'bob' }),
      own(score, stdout, ownExtra)
    ],
    ...extra
  }
}

function games(): unknown[] {
  return [
    {
      ...run(8003, 250.5, 'game 8003: reset\nstep 120: landed, reward 250.5\n'),
      replay: {
        render_format: 'video_mp4',
        signed_url: `${base}/storage/8003.mp4?X-Amz-Signature=${SIG}`,
        render_size_bytes: MP4.length
      }
    },
    {
      ...run(
        8002,
        0,
        'game 8002: reset\n',
        {},
        { agent_error_type: 'code_error', agent_error_message: "KeyError: 'obs'" }
      ),
      replay: {
        render_format: 'frames_v2',
        signed_url: `${base}/storage/8002.frames.mp?X-Amz-Signature=${SIG}`,
        render_size_bytes: FRAMES.length
      }
    },
    { ...run(8001, null, 'game 8001: reset\n', { env_error_type: 'crash' }), replay: null }
  ]
}

function status(): Record<string, unknown> {
  const state = deployed ? 'active' : 'upload_validated'
  return {
    id: AID,
    challenge_id: CID,
    submission_name: 'ppo-v7',
    status: state,
    phase: deployed ? 'active' : 'upload',
    last_status_message: null,
    status_update_ts: '2026-12-01T10:00:00Z',
    is_uploadable: true,
    is_deployable: true,
    is_settled: true,
    latest_deploy: deployed
      ? {
          id: 1,
          created_at_ts: '2026-12-01T10:00:00Z',
          status: 'succeeded',
          finished_at_ts: '2026-12-01T10:05:00Z',
          failure_message: null,
          failure_owner: null
        }
      : {
          id: null,
          created_at_ts: null,
          status: null,
          finished_at_ts: null,
          failure_message: null,
          failure_owner: null
        },
    run_info: {
      submission_deploy_id: deployed ? 1 : null,
      number_of_agents: 2,
      has_gpu: false,
      metrics: deployed ? metrics : null,
      results: deployed ? games().map(g => ({ ...(g as object), replay: undefined })) : []
    },
    queue_info: {
      queue_position: null,
      queue_total: null,
      created_at_ts: null,
      in_queue_for_second: null
    }
  }
}

const quota = {
  deployment_limits: {
    daily_deploy_limit: 5,
    daily_deploys_used: 1,
    daily_deploys_remaining: 4,
    next_deploy_available_at: null,
    can_deploy: true
  },
  active_submission_limits: {
    max_active_submissions: 3,
    active_submissions_count: 1,
    active_submissions_remaining: 2
  },
  latest_deploy: null
}

const row = {
  rank: 1,
  username: 'alice',
  submission_id: AID,
  submission_name: 'ppo-v7',
  score: 250.5,
  n_episodes_total: 3,
  number_of_runs: 3,
  is_my_submission: true,
  last_end_run_ts: '2026-12-01T10:05:00Z'
}

function answer(req: Seen): [number, unknown, string?] {
  const url = new URL(req.url, base)
  const p = url.pathname
  if (p.startsWith('/storage/')) {
    const body = p.endsWith('.mp4') ? MP4 : FRAMES
    return url.searchParams.get('X-Amz-Signature') === SIG ? [200, body] : [403, 'expired']
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return [401, { error: 'no token' }]
  const S = `/api/submissions/challenge/${CID}/${AID}`
  if (req.method === 'GET' && p === `/api/challenges/${CID}`)
    return [
      200,
      {
        id: CID,
        name: 'Lunar Lander',
        description: null,
        status: 'started',
        kind_label: 'Code challenge',
        max_upload_size_bytes: 10_000_000,
        max_upload_files: 10,
        submission_filename: null,
        submission_layout: null,
        machine: { id: 1, name: 'm', runtime: 'k8s', vm_health_ok: true }
      }
    ]
  if (req.method === 'PUT' && p === `${S}/file`)
    return [200, { message: 'File uploaded', validation_message: null, ...status() }]
  if (req.method === 'GET' && p === `${S}/file`)
    return [
      200,
      { files: { 'agent.py': { content: 'x', language: 'python', is_binary: false, size: 10 } } }
    ]
  if (req.method === 'GET' && p === `${S}/status`) return [200, status()]
  if (req.method === 'GET' && p === `${S}/deploy`) return [200, quota]
  if (req.method === 'PUT' && p === `${S}/deploy`) {
    deployed = true
    return [202, { message: 'Deployment queued', deployment_id: 1, ...status() }]
  }
  if (req.method === 'GET' && p === `/api/submissions/submission/${AID}/games`)
    return [
      200,
      {
        games: games(),
        challenge_context: { metrics, number_of_agents: 2, render_delay_second: 0.1 }
      }
    ]
  if (req.method === 'GET' && p === `/api/leaderboard/challenge/${CID}`)
    return [
      200,
      {
        challenge: { challenge_id: CID, metrics, window_days: null, has_gpu: false },
        total: 1,
        leaders: [row],
        me: { rank: 1, position: 1, percentile: 100, row, neighbors: [] },
        matches: url.searchParams.has('q') ? [row] : null
      }
    ]
  return [404, { error: `stub: no route ${req.method} ${p}` }]
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('latin1')
    req.on('data', chunk => (body += chunk))
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      seen.push(entry)
      const [code, data] = answer(entry)
      if (Buffer.isBuffer(data)) {
        res.writeHead(code, { 'content-type': 'application/octet-stream' })
        res.end(data)
      } else if (typeof data === 'string') {
        res.writeHead(code, { 'content-type': 'text/plain' })
        res.end(data)
      } else {
        res.writeHead(code, { 'content-type': 'application/json' })
        res.end(JSON.stringify(data))
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

describe('the action on a 4.4 server (stub)', () => {
  it("saves each game's own stdout, the replays asked for, and shows scores and errors", async () => {
    const ws = await mkdtemp(path.join(os.tmpdir(), 'mlarena-ws44-'))
    await mkdir(path.join(ws, 'agent'), { recursive: true })
    await writeFile(path.join(ws, 'agent', 'agent.py'), 'class Agent: ...\n')
    const logsDir = path.join(ws, 'out')
    const result = await runAction({
      workspace: ws,
      inputs: {
        'api-key': TOKEN,
        'base-url': base,
        'api-wire': 'current',
        'competition-id': String(CID),
        'agent-id': String(AID),
        files: 'agent/agent.py',
        'poll-interval-seconds': '0.05',
        'timeout-minutes': '1',
        logs: '3',
        replays: '2',
        'logs-dir': 'out'
      }
    })
    const unknown = seen
      .filter(s => s.url && !s.url.startsWith('/storage'))
      .filter(s => answer(s)[0] === 404)
    expect(unknown.map(s => `${s.method} ${s.url}`)).toEqual([])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs.outcome).toBe('success')

    // One log per game, the agent's own stdout (never the opponent's), named by the game's id.
    expect((await readdir(logsDir)).sort()).toEqual([
      'game-8001.log',
      'game-8002.log',
      'game-8003.log',
      'replays'
    ])
    expect(await readFile(path.join(logsDir, 'game-8003.log'), 'utf8')).toBe(
      'game 8003: reset\nstep 120: landed, reward 250.5\n'
    )
    // The two latest games' replays, named as the SDK names them, byte for byte.
    expect((await readdir(path.join(logsDir, 'replays'))).sort()).toEqual([
      '8002.frames.mp',
      '8003.mp4'
    ])
    expect(await readFile(path.join(logsDir, 'replays', '8003.mp4'))).toEqual(MP4)
    expect(await readFile(path.join(logsDir, 'replays', '8002.frames.mp'))).toEqual(FRAMES)
    // Storage is fetched with no token; its signature is masked, never printed.
    const storage = seen.filter(s => s.url.startsWith('/storage/'))
    expect(storage).toHaveLength(2)
    expect(storage.every(s => s.headers.authorization === undefined)).toBe(true)
    expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(SIG)
    expect(result.summary).not.toContain(SIG)

    // The summary: scores from the own rows, each game's error, the stdout tail, the replays.
    expect(result.summary).toContain('| 1 | 8,003 | 250.50 | 120 |')
    expect(result.summary).toContain('agent `code_error`: KeyError: &#39;obs&#39;')
    expect(result.summary).toContain('challenge `crash`')
    expect(result.summary).toContain('step 120: landed, reward 250.5')
    expect(result.summary).toContain('2 replays saved (ML Arena keeps replays 365 days)')
    expect(result.summary).toContain('replays/8003.mp4 (MP4 video')
    // The delete_file form is never sent here (a fresh agent holds only agent.py).
    expect(seen.some(s => s.body.includes('delete_file'))).toBe(false)
  }, 60_000)
})
