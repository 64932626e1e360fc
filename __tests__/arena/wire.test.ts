import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { ArenaError } from '../../src/arena/errors.js'
import {
  endpoints,
  parseCompetition,
  parseCreated,
  parseFiles,
  parseGames,
  parseLeaderboard,
  parseQueuePosition,
  parseQuota,
  parseRuntimeOptions,
  parseStatus,
  parseUpload
} from '../../src/arena/wire.js'

const ctx = { what: 'the test request', route: 'GET /api/test' }

function protocolFailure(fn: () => unknown): ArenaError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ArenaError)
    expect((error as ArenaError).kind).toBe('protocol')
    return error as ArenaError
  }
  throw new Error('expected a protocol error')
}

describe('routes', () => {
  it('map one vocabulary onto both wires', () => {
    expect(endpoints.deploy('current', 1, 5)).toMatchObject({
      method: 'PUT',
      path: '/submissions/challenge/1/5/deploy'
    })
    expect(endpoints.deploy('legacy', 1, 5)).toMatchObject({
      method: 'PUT',
      path: '/direct_attache_agents/competition/1/5/deploy'
    })
    expect(endpoints.games('current', 5).path).toBe('/submissions/submission/5/games')
    expect(endpoints.games('legacy', 5).path).toBe('/direct_attache_agents/agent/5/games')
    expect(endpoints.leaderboard('legacy', 1).path).toBe('/leaderboard/competition/1')
    expect(endpoints.readFile('current', 1, 5, 'a b/c.py').path).toBe(
      '/submissions/challenge/1/5/file/a%20b%2Fc.py/content'
    )
    expect(endpoints.mine('legacy')).toBeNull()
    expect(endpoints.competition('current', 1).userScope).toBe(false)
    expect(endpoints.status('legacy', 1, 5).userScope).toBe(true)
  })
})

describe('competition', () => {
  it('reads either wire, health from machine (current) or engine (legacy)', () => {
    expect(
      parseCompetition(
        {
          id: 3,
          name: 'Pong',
          max_upload_size_bytes: 1000,
          max_upload_files: 2,
          machine: { vm_health_ok: false },
          submission_filename: 'agent.py',
          extra: 1
        },
        ctx
      )
    ).toEqual({
      id: 3,
      name: 'Pong',
      description: null,
      maxUploadSizeBytes: 1000,
      maxUploadFiles: 2,
      simulatorHealthy: false,
      submissionFilename: 'agent.py',
      submissionLayout: null,
      kindLabel: null,
      status: null
    })
    expect(parseCompetition({ name: 'Old', engine: { vm_health_ok: true } }, ctx, 8)).toMatchObject(
      { id: 8, simulatorHealthy: true }
    )
  })

  it("reads a file challenge's CSV layout and the competition's status", () => {
    expect(
      parseCompetition(
        {
          id: 7,
          name: 'Energy',
          status: 'stopped',
          submission_layout: {
            columns: ['id', 'load', 3],
            separator: ';',
            id_column: 'id',
            target_column: 'load',
            row_count: null
          }
        },
        ctx
      )
    ).toMatchObject({
      status: 'stopped',
      submissionLayout: {
        columns: ['id', 'load'],
        separator: ';',
        idColumn: 'id',
        targetColumn: 'load',
        rowCount: null
      }
    })
    // Null on a code challenge; an older server's string is no layout either.
    for (const layout of [null, 'agent_directory', { separator: ',' }]) {
      expect(
        parseCompetition({ name: 'x', submission_layout: layout }, ctx, 1).submissionLayout
      ).toBeNull()
    }
  })

  it('names the route and the missing field', () => {
    const error = protocolFailure(() => parseCompetition({ id: 3 }, ctx))
    expect(error.message).toBe(
      'ML Arena sent an unexpected answer to the test request (GET /api/test): field "name" is missing or not a string'
    )
    expect(error.route).toBe('GET /api/test')
  })
})

describe('agents', () => {
  it('reads the created id of each wire', () => {
    expect(parseCreated('current', { submission_id: 12, status: 'created' }, ctx, 'x')).toEqual({
      id: 12,
      name: 'x'
    })
    expect(parseCreated('legacy', { attache_agent_id: 13 }, ctx, 'y')).toEqual({
      id: 13,
      name: 'y'
    })
    expect(
      protocolFailure(() => parseCreated('current', { attache_agent_id: 13 }, ctx, 'y')).message
    ).toContain('"submission_id"')
  })

  it('reads runtime options, lists of files and upload answers', () => {
    expect(
      parseRuntimeOptions(
        [
          {
            id: 1,
            language: 'python',
            language_version: '3.11',
            framework: 'torch',
            framework_version: '2.3',
            packages: [{ name: 'numpy', version: '1.26' }, 'junk']
          }
        ],
        ctx
      )
    ).toEqual([
      {
        id: 1,
        language: 'python',
        languageVersion: '3.11',
        framework: 'torch',
        frameworkVersion: '2.3',
        requirement: null,
        displayName: null,
        packages: [{ name: 'numpy', version: '1.26' }]
      }
    ])
    expect(
      parseFiles(
        { files: { 'agent.py': { content: 'x', language: 'python', is_binary: false, size: 1 } } },
        ctx
      )
    ).toEqual([{ name: 'agent.py', size: 1, isBinary: false, language: 'python' }])
    // A 2xx upload is a saved file: its state is carried, not judged (the status decides).
    expect(parseUpload({ status: 'upload_failed', validation_message: 'bad' }, '')).toMatchObject({
      state: 'upload_failed',
      validationMessage: 'bad'
    })
    expect(parseUpload(null, '')).toEqual({ message: null, validationMessage: null, state: null })
    expect(parseUpload({ status: 'deploy_failed', message: 'File uploaded' }, '').state).toBe(
      'deploy_failed'
    )
  })
})

describe('status', () => {
  it('reads the legacy payload', () => {
    const status = parseStatus(
      'legacy',
      {
        status: 'deploy_queue',
        last_status_message: 'waiting',
        queue_info: { position_in_queue: '116/127', in_queue_for_second: 30 },
        run_info: {
          results: [
            {
              status: 'error',
              steps_completed: 10,
              current_reward: -1,
              error_type: 'code_error',
              error_message: 'ImportError'
            }
          ]
        }
      },
      ctx,
      5
    )
    expect(status).toEqual({
      state: 'deploy_queue',
      terminal: false,
      settled: false,
      deployable: null,
      phase: null,
      message: 'waiting',
      queuePosition: 116,
      queueTotal: 127,
      inQueueSeconds: 30,
      runs: [
        {
          status: 'failed',
          failed: true,
          steps: 10,
          score: -1,
          outcome: null,
          finalRank: null,
          errorType: 'code_error',
          errorMessage: 'ImportError'
        }
      ],
      metric: null,
      updatedAt: null
    })
  })

  it('reads the current payload and picks this agent row of each run', () => {
    const status = parseStatus(
      'current',
      {
        status: 'active',
        phase: 'active',
        is_settled: true,
        is_deployable: true,
        status_update_ts: 1_800_000_000,
        queue_info: { queue_position: null, queue_total: null },
        run_info: {
          metric: 'reward',
          results: [
            {
              job_status: 'completed',
              env_nb_steps: 500,
              submission_results: [
                { submission_id: 4, score: 9 },
                {
                  submission_id: 5,
                  submission_reward: 7.5,
                  agent_nb_steps: 250,
                  game_outcome: 'win',
                  final_rank: 1
                }
              ]
            }
          ]
        }
      },
      ctx,
      5
    )
    expect(status).toMatchObject({
      state: 'active',
      terminal: true,
      settled: true,
      deployable: true,
      phase: 'active',
      metric: 'reward',
      updatedAt: '2027-01-15T08:00:00Z'
    })
    expect(status.runs).toMatchObject([
      {
        status: 'completed',
        failed: false,
        steps: 250,
        score: 7.5,
        outcome: 'win',
        finalRank: 1,
        errorType: null,
        errorMessage: null
      }
    ])
  })

  it('keeps an unknown state as non-terminal, and requires the state', () => {
    expect(
      parseStatus(
        'current',
        { status: 'warming_up', is_settled: false, is_deployable: false },
        ctx,
        1
      )
    ).toMatchObject({ state: 'warming_up', terminal: false })
    expect(
      protocolFailure(() => parseStatus('current', { is_settled: true }, ctx, 1)).message
    ).toContain('"status"')
  })

  it('reads queue positions', () => {
    expect(parseQueuePosition('5/12')).toEqual([5, 12])
    expect(parseQueuePosition(' 3 ')).toEqual([3, null])
    expect(parseQueuePosition('soon')).toEqual([null, null])
  })
})

describe('deploy quota', () => {
  it('reads the current snake_case shape', () => {
    expect(
      parseQuota(
        {
          deployment_limits: {
            daily_deploy_limit: 3,
            daily_deploys_used: 1,
            daily_deploys_remaining: 2,
            next_deploy_available_at: null,
            can_deploy: true
          },
          active_submission_limits: {
            max_active_submissions: 2,
            active_submissions_count: 2,
            active_submissions_remaining: 0
          },
          latest_deploy: {
            id: 41,
            created_at_ts: '2026-11-25T10:00:00Z',
            status: 'succeeded',
            finished_at_ts: null,
            failure_message: null
          }
        },
        ctx
      )
    ).toEqual({
      dailyLimit: 3,
      dailyUsed: 1,
      dailyRemaining: 2,
      nextDeployAt: null,
      canDeploy: true,
      maxActive: 2,
      activeCount: 2,
      activeRemaining: 0,
      latestDeploy: {
        id: 41,
        status: 'succeeded',
        createdAt: '2026-11-25T10:00:00Z',
        finishedAt: null,
        failureMessage: null,
        failureOwner: null
      }
    })
  })

  it('reads an all-null latest_deploy (never deployed, SDK 4.4.0) as no deploy', () => {
    const never = {
      id: null,
      created_at_ts: null,
      status: null,
      finished_at_ts: null,
      failure_message: null
    }
    expect(parseQuota({ latest_deploy: never }, ctx).latestDeploy).toBeNull()
    expect(parseQuota({ latest_deploy: { ...never, id: 3 } }, ctx).latestDeploy?.id).toBe(3)
  })

  it('reads the undocumented legacy camelCase shape, flat or nested', () => {
    expect(
      parseQuota(
        {
          dailyDeployLimit: 5,
          dailyDeploysUsed: 5,
          canDeploy: false,
          nextDeployAvailableAt: 1_800_000_000
        },
        ctx
      )
    ).toMatchObject({
      dailyLimit: 5,
      dailyUsed: 5,
      canDeploy: false,
      nextDeployAt: '2027-01-15T08:00:00Z'
    })
    expect(parseQuota({ deploymentLimits: { dailyDeploysRemaining: 2 } }, ctx).dailyRemaining).toBe(
      2
    )
    expect(
      parseQuota(
        { lastDeploy: { id: 7, status: 'running', createdAt: '2026-11-25T10:00:00Z' } },
        ctx
      ).latestDeploy
    ).toEqual({
      id: 7,
      status: 'running',
      createdAt: '2026-11-25T10:00:00Z',
      finishedAt: null,
      failureMessage: null,
      failureOwner: null
    })
  })
})

describe('games', () => {
  it('reads reward (legacy) and null signed URLs', () => {
    expect(
      parseGames(
        'legacy',
        { games: [{ reward: 1.5, signed_url: null, created_at: '2026-01-01T00:00:00Z' }] },
        ctx,
        7
      )
    ).toEqual({
      games: [
        {
          id: null,
          score: 1.5,
          steps: null,
          outcome: null,
          logUrl: null,
          replay: null,
          stdout: null,
          createdAt: '2026-01-01T00:00:00Z'
        }
      ],
      context: null
    })
    expect(protocolFailure(() => parseGames('current', { items: [] }, ctx, 7)).message).toContain(
      '"games"'
    )
  })
})

describe('leaderboard', () => {
  it('parses the 3.x envelope fixture (mean_reward rows, metric from the challenge block)', () => {
    const fixture: unknown = JSON.parse(
      readFileSync(new URL('./fixtures/leaderboard-envelope-3x.json', import.meta.url), 'utf8')
    )
    const board = parseLeaderboard('current', fixture, ctx)
    expect(board).toEqual({
      rows: [
        {
          rank: 1,
          agentId: 7,
          agentName: 'baseline-v2',
          username: 'alice',
          teamName: null,
          score: 0.91234,
          episodes: 12,
          runs: 3,
          isMine: false,
          isBenchmark: false,
          lastRunAt: '2026-09-02T10:00:00Z'
        }
      ],
      total: 1,
      scoreKind: 'mean_reward',
      metricName: 'Accuracy',
      order: 'desc',
      precision: 3,
      me: null,
      matches: null
    })
  })

  it('parses 4.x rows: score (null = unranked) and the ranking metric declaration', () => {
    const board = parseLeaderboard(
      'current',
      {
        challenge: {
          challenge_id: 1,
          metrics: [
            { key: 'steps', label: 'Steps', order: 'asc' },
            { key: 'time', label: 'Time to goal', order: 'asc', is_ranking: true, precision: 2 }
          ]
        },
        total: 40,
        leaders: [
          {
            rank: 1,
            username: 'bob',
            submission_id: 3,
            submission_name: 'fast',
            score: 1.25,
            mean_reward: 99,
            metrics: { time: 1.25 }
          },
          {
            rank: 1,
            username: 'ref',
            submission_id: 4,
            submission_name: '__benchmark__',
            score: 1.25
          },
          {
            rank: 3,
            username: 'me',
            submission_id: 5,
            submission_name: 'mine',
            score: null,
            is_my_submission: true
          }
        ],
        me: {
          rank: 3,
          position: 3,
          percentile: 92.5,
          row: { rank: 3, username: 'me', submission_id: 5, submission_name: 'mine', score: null },
          neighbors: [{ rank: 1, submission_id: 4, score: 1.25 }]
        },
        matches: [{ rank: 1, username: 'bob', submission_id: 3, score: 1.25 }]
      },
      ctx
    )
    expect(board).toMatchObject({
      total: 40,
      scoreKind: 'metric',
      metricName: 'Time to goal',
      order: 'asc',
      precision: 2
    })
    expect(board.rows.map(r => [r.rank, r.agentId, r.score, r.isBenchmark, r.isMine])).toEqual([
      [1, 3, 1.25, false, false],
      [1, 4, 1.25, true, false],
      [3, 5, null, false, true]
    ])
    expect(board.me).toMatchObject({
      rank: 3,
      position: 3,
      percentile: 92.5,
      row: { agentId: 5 },
      neighbours: [{ agentId: 4 }]
    })
    expect(board.matches?.map(r => r.agentId)).toEqual([3])
  })

  it('parses the legacy bare array: EloScore when IsEloRanked, the server rank, never positions', () => {
    const board = parseLeaderboard(
      'legacy',
      [
        {
          Rank: 1,
          Username: 'a',
          AgentName: 'x',
          agentAttachId: 10,
          MeanReward: 1,
          EloScore: 1500,
          IsEloRanked: true,
          IsMyAgent: false,
          Metric: 'ELO',
          FrontendPrecision: 0
        },
        {
          Rank: 1,
          Username: 'b',
          AgentName: '__benchmark__',
          agentAttachId: 11,
          MeanReward: 2,
          EloScore: 1500,
          IsEloRanked: true
        },
        {
          Rank: 3,
          Username: 'c',
          AgentName: 'mine',
          agentAttachId: 12,
          MeanReward: 3,
          EloScore: 1400,
          IsEloRanked: true,
          IsMyAgent: true,
          NEpisodes: 8
        }
      ],
      ctx
    )
    expect(board).toMatchObject({
      total: 3,
      scoreKind: 'elo',
      metricName: 'ELO',
      precision: 0,
      me: null
    })
    expect(board.rows.map(r => [r.rank, r.agentId, r.score, r.isBenchmark, r.isMine])).toEqual([
      [1, 10, 1500, false, false],
      [1, 11, 1500, true, false],
      [3, 12, 1400, false, true]
    ])
    expect(
      parseLeaderboard(
        'legacy',
        [{ Rank: 1, MeanReward: 0.5, EloScore: null, IsEloRanked: false }],
        ctx
      ).rows[0]?.score
    ).toBe(0.5)
  })

  it('requires the rank of every row, naming the row', () => {
    expect(
      protocolFailure(() =>
        parseLeaderboard('current', { leaders: [{ rank: 1 }, { username: 'x' }] }, ctx)
      ).message
    ).toContain('"leaders[1].rank"')
    expect(protocolFailure(() => parseLeaderboard('legacy', { total: 1 }, ctx)).message).toContain(
      '"leaders"'
    )
  })

  it('parses a 100,000-row board', () => {
    const leaders = Array.from({ length: 100_000 }, (_, i) => ({
      rank: i + 1,
      username: `user${i}`,
      submission_id: i + 1,
      submission_name: `agent ${i} <script>`,
      score: 100_000 - i,
      n_episodes_total: 10,
      is_my_submission: i === 54_321
    }))
    const board = parseLeaderboard(
      'current',
      JSON.parse(JSON.stringify({ challenge: {}, total: 100_000, leaders })),
      ctx
    )
    expect(board.rows).toHaveLength(100_000)
    expect(board.rows[54_321]).toMatchObject({
      rank: 54_322,
      agentId: 54_322,
      isMine: true,
      score: 45_679
    })
  })
})
