/**
 * Sample RunOutcomes for the report tests and golden files. Deterministic: fixed timestamps and
 * sizes, no clock, no randomness.
 */
import type {
  AgentStatus,
  Competition,
  Game,
  Leaderboard,
  LeaderboardRow,
  RunResult,
  RuntimeOption
} from '../../src/arena/model.js'
import type { GameLog, PlannedFile, RunOutcome } from '../../src/evaluation/outcome.js'
import { buildRankReport } from '../../src/evaluation/steps/rank.js'

export const COMPETITION_URL = 'https://ml-arena.com/viewcompetition/42'

export function competition(overrides: Partial<Competition> = {}): Competition {
  return {
    id: 42,
    name: 'Lunar Lander 2026',
    description: null,
    maxUploadSizeBytes: 50 * 1024 * 1024,
    maxUploadFiles: 20,
    simulatorHealthy: true,
    submissionFilename: null,
    submissionLayout: null,
    kindLabel: null,
    status: null,
    ...overrides
  }
}

export function runtime(): RuntimeOption {
  return {
    id: 7,
    language: 'python',
    languageVersion: '3.11',
    framework: 'pytorch',
    frameworkVersion: '2.3',
    requirement: null,
    displayName: 'Python 3.11 · PyTorch 2.3',
    packages: []
  }
}

export function files(): PlannedFile[] {
  return [
    { name: 'agent.py', path: 'agent.py', size: 12_345 },
    { name: 'model.pt', path: 'weights/model.pt', size: 4_404_019 },
    { name: 'requirements.txt', path: 'requirements.txt', size: 120 }
  ]
}

export function row(rank: number, overrides: Partial<LeaderboardRow> = {}): LeaderboardRow {
  return {
    rank,
    agentId: 5000 + rank,
    agentName: `agent-${rank}`,
    username: `user${rank}`,
    teamName: null,
    score: 300 - rank * 2.5,
    episodes: 100,
    runs: 3,
    isMine: false,
    isBenchmark: false,
    lastRunAt: '2026-03-01T12:00:00Z',
    ...overrides
  }
}

export function board(rows: LeaderboardRow[], overrides: Partial<Leaderboard> = {}): Leaderboard {
  return {
    rows,
    total: rows.length,
    scoreKind: 'mean_reward',
    metricName: 'mean reward',
    order: 'desc',
    precision: 2,
    me: null,
    ...overrides
  }
}

/** The board of the success sample: ties at rank 3, this agent (1234) at rank 12, ours at 20. */
export function sampleBoard(): Leaderboard {
  const rows: LeaderboardRow[] = []
  let rank = 1
  for (let i = 0; i < 40; i++) {
    if (i === 3)
      rank = 3 // a tie: positions 3 and 4 share rank 3, position 5 is rank 5
    else if (i > 0) rank = i + 1
    rows.push(
      row(rank, { agentId: 5000 + i, agentName: `agent-${i + 1}`, username: `user${i + 1}` })
    )
  }
  rows[0] = row(1, {
    agentId: 1,
    agentName: '__benchmark__',
    username: 'ml-arena',
    isBenchmark: true,
    score: 310.5
  })
  rows[10] = row(11, { agentId: 5010, agentName: '<b>bold</b> @octocat', username: 'mallory' })
  rows[11] = row(12, {
    agentId: 1234,
    agentName: 'ppo-v7',
    username: 'alice',
    teamName: 'Team Rocket',
    isMine: true,
    score: 271.25
  })
  rows[12] = row(13, { agentId: 5012, agentName: 'dqn|baseline', username: 'bob' })
  rows[19] = row(20, { agentId: 1200, agentName: 'ppo-v6', username: 'alice', isMine: true })
  return board(rows, { total: 3456 })
}

export function runs(count: number, overrides: Partial<RunResult> = {}): RunResult[] {
  return Array.from({ length: count }, (_, i) => ({
    status: 'completed',
    failed: false,
    steps: 1000,
    score: 270 + i * 1.25,
    outcome: 'landed',
    finalRank: null,
    errorType: null,
    errorMessage: null,
    ...overrides
  }))
}

export function status(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return {
    state: 'active',
    terminal: true,
    settled: true,
    deployable: true,
    phase: 'active',
    message: 'Evaluation finished',
    queuePosition: null,
    queueTotal: null,
    inQueueSeconds: null,
    runs: runs(3),
    metric: 'mean reward',
    updatedAt: '2026-03-01T12:00:00Z',
    ...overrides
  }
}

/** `count` games, newest first, with deterministic scores. */
export function games(count: number): Game[] {
  return Array.from({ length: count }, (_, i) => ({
    id: 9000 - i,
    score: Math.round((250 + ((i * 37) % 50) - (i % 3) * 7.5) * 100) / 100,
    steps: 400 + ((i * 13) % 200),
    outcome: i % 4 === 3 ? 'crashed' : 'landed',
    logUrl: null,
    createdAt: `2026-03-01T11:${String(59 - (i % 60)).padStart(2, '0')}:00Z`
  }))
}

export function log(gameId: number, tail: string, overrides: Partial<GameLog> = {}): GameLog {
  return {
    gameId,
    file: `/home/runner/work/_temp/mlarena-logs/1234/game-${gameId}.log`,
    bytes: 48_213,
    tail,
    truncated: false,
    ...overrides
  }
}

const TAIL = [
  'step 398 reward=1.25 action=2',
  'step 399 reward=0.75 action=1',
  'step 400 reward=100.00 action=0',
  'episode done: landed, total reward 271.25'
].join('\n')

/** Fields every sample shares; each sample overrides what it is about. */
export function baseOutcome(overrides: Partial<RunOutcome> = {}): RunOutcome {
  return {
    kind: 'success',
    competitionId: 42,
    competition: competition(),
    competitionUrl: COMPETITION_URL,
    wire: 'current',
    agentId: 1234,
    agentName: 'ppo-v7',
    agentCreated: false,
    runtime: { option: runtime(), spec: '7', matched: 1, pin: null },
    files: files(),
    removedFiles: [],
    quota: {
      dailyLimit: 10,
      dailyUsed: 3,
      dailyRemaining: 7,
      nextDeployAt: null,
      canDeploy: true,
      maxActive: 3,
      activeCount: 1,
      activeRemaining: 2,
      latestDeploy: null
    },
    status: null,
    games: [],
    logs: [],
    logsDir: null,
    rank: null,
    timings: [],
    failure: null,
    notes: [],
    timeoutMinutes: 30,
    commentKey: 'competition-42/pr-17',
    ...overrides
  }
}

export function successOutcome(): RunOutcome {
  return baseOutcome({
    kind: 'success',
    status: status(),
    games: games(12),
    logs: [
      log(9000, TAIL),
      log(8999, `${TAIL}\n<!-- sneaky --> @octocat #12`, { truncated: true })
    ],
    logsDir: '/home/runner/work/_temp/mlarena-logs/1234',
    rank: buildRankReport(sampleBoard(), { id: 1234, name: 'ppo-v7' }, { rank: 15, score: 265.5 }),
    removedFiles: ['model-v6.pt'],
    timings: [
      { phase: 'inputs', ms: 3 },
      { phase: 'files', ms: 41 },
      { phase: 'competition', ms: 312 },
      { phase: 'runtime', ms: 208 },
      { phase: 'upload', ms: 4_870 },
      { phase: 'deploy', ms: 1_204 },
      { phase: 'watch', ms: 125_400 },
      { phase: 'logs', ms: 932 },
      { phase: 'leaderboard', ms: 410 }
    ],
    notes: ['Agent ppo-v7 was updated in place (the previous run of this pull request created it).']
  })
}

export function failureOutcome(): RunOutcome {
  const traceback = [
    'Traceback (most recent call last):',
    '  File "/agent/agent.py", line 3, in <module>',
    '    import torch_extras',
    "ModuleNotFoundError: No module named 'torch_extras'"
  ].join('\n')
  return baseOutcome({
    kind: 'deploy-failed',
    status: status({
      state: 'deploy_failed',
      phase: 'terminal',
      message: 'Agent crashed in 2 of 3 runs',
      runs: [
        ...runs(1),
        ...runs(2, {
          status: 'failed',
          failed: true,
          score: null,
          outcome: null,
          errorType: 'code_error',
          errorMessage: "ModuleNotFoundError: No module named 'torch_extras'"
        })
      ]
    }),
    logs: [log(8990, traceback, { bytes: 2_048 })],
    logsDir: '/home/runner/work/_temp/mlarena-logs/1234',
    failure: {
      phase: 'watch',
      message: 'ML Arena marked the deploy failed: Agent crashed in 2 of 3 runs (code_error).'
    },
    timings: [
      { phase: 'files', ms: 38 },
      { phase: 'upload', ms: 3_100 },
      { phase: 'deploy', ms: 950 },
      { phase: 'watch', ms: 65_000 }
    ]
  })
}

export function timeoutOutcome(): RunOutcome {
  return baseOutcome({
    kind: 'timeout',
    status: status({
      state: 'deploy_queue',
      terminal: false,
      settled: false,
      phase: 'deployment',
      message: 'Waiting for a simulator slot',
      queuePosition: 116,
      queueTotal: 127,
      inQueueSeconds: 1_790,
      runs: []
    }),
    timeoutMinutes: 30,
    timings: [
      { phase: 'upload', ms: 2_500 },
      { phase: 'deploy', ms: 1_000 },
      { phase: 'watch', ms: 1_800_000 }
    ]
  })
}

export function skippedOutcome(): RunOutcome {
  return baseOutcome({
    kind: 'skipped',
    competition: null,
    competitionUrl: null,
    agentId: null,
    agentName: null,
    runtime: null,
    files: [],
    quota: null,
    notes: [
      'This is a pull request from a fork: GitHub gives such runs no secrets, so there is no ML Arena token and nothing was submitted. Use the workflow_run recipe in the README to submit fork pull requests safely.'
    ]
  })
}

export function dryRunOutcome(): RunOutcome {
  return baseOutcome({
    kind: 'dry-run',
    agentId: null,
    agentName: null,
    // A range spec that chose the newest of two matching runtimes.
    runtime: { option: runtime(), spec: 'python/pytorch', matched: 2, pin: 'python/pytorch@2.3' },
    timings: [
      { phase: 'inputs', ms: 2 },
      { phase: 'files', ms: 35 },
      { phase: 'competition', ms: 290 },
      { phase: 'runtime', ms: 180 }
    ]
  })
}

/** A string of `n` characters that mixes every hostile class the escaping must handle. */
export function hostile(n: number): string {
  const unit =
    '<script>alert(1)</script><img src=x onerror=alert(1)><details open>[x](javascript:alert(1))' +
    '![](http://tracker.example/p.png) @user @org/team #123 a|b `code` --> \u202Egnp.exe\u202C\n'
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
}

/** Everything at its largest: a 100,000-row board, 1,000 games, files and logs, huge names. */
export function hugeOutcome(): RunOutcome {
  const name = hostile(10_000)
  const tail = hostile(200_000)
  const rows: LeaderboardRow[] = Array.from({ length: 100_000 }, (_, i) =>
    row(i + 1, {
      agentId: 10_000 + i,
      agentName: `${name}${i}`,
      username: name,
      teamName: name,
      isMine: i % 997 === 0
    })
  )
  rows[50_000] = row(50_001, { agentId: 1234, agentName: name, username: name, isMine: true })
  const rank = buildRankReport(board(rows, { metricName: name }), { id: 1234, name }, null, {
    top: 50,
    around: 25
  })
  return baseOutcome({
    kind: 'deploy-failed',
    competition: competition({ name }),
    agentName: name,
    status: status({
      state: name,
      message: name,
      runs: runs(1000, { errorMessage: name, failed: true })
    }),
    games: games(1000).map(g => ({ ...g, outcome: name })),
    files: Array.from({ length: 1000 }, (_, i) => ({
      name: `${name}${i}`,
      path: `agent/${i}`,
      size: 1000 + i
    })),
    logs: Array.from({ length: 1000 }, (_, i) => log(i, tail, { file: name })),
    logsDir: name,
    rank,
    failure: { phase: 'watch', message: name },
    notes: Array.from({ length: 1000 }, () => name)
  })
}

/**
 * A success on a 4.4 server: games with their own-row errors (the agent's, the challenge's,
 * the platform's), the agent's own stdout as logs, and two replays saved (`replays: 2`).
 */
export function replaysOutcome(): RunOutcome {
  const dir = '/home/runner/work/_temp/mlarena-logs/1234'
  const latest: Game[] = games(6).map((game, i) => ({ ...game, id: 6004 - i, failed: false }))
  latest[1] = {
    ...(latest[1] as Game),
    score: 0,
    outcome: 'loser',
    failed: true,
    agentErrorType: 'code_error',
    agentErrorMessage: "KeyError: 'obs' | <script>@octocat"
  }
  latest[2] = {
    ...(latest[2] as Game),
    score: null,
    outcome: null,
    failed: true,
    envErrorType: 'crash'
  }
  latest[3] = {
    ...(latest[3] as Game),
    score: null,
    steps: null,
    outcome: null,
    failed: true,
    jobStatus: 'failed',
    jobErrorType: 'lost'
  }
  return {
    ...successOutcome(),
    games: latest,
    logs: [
      log(6004, 'game 6004: reset\nstep 500: landed', {
        source: 'stdout',
        bytes: 34,
        file: `${dir}/game-6004.log`
      }),
      log(6003, 'game 6003: reset', { source: 'stdout', bytes: 17, file: `${dir}/game-6003.log` })
    ],
    replays: [
      { gameId: 6004, file: `${dir}/replays/6004.frames.mp`, format: 'frames_v2', bytes: 20_480 },
      { gameId: 6003, file: `${dir}/replays/6003.mp4`, format: 'video_mp4', bytes: 1_048_576 }
    ],
    logsDir: dir
  }
}

/** A failed deploy whose verdict (4.4 `latest_deploy.failure_owner`) blames the challenge. */
export function blamedOutcome(): RunOutcome {
  const failed = failureOutcome()
  return {
    ...failed,
    failure: null,
    status: {
      ...(failed.status as AgentStatus),
      latestDeploy: {
        id: 90,
        status: 'failed',
        createdAt: '2026-03-01T11:00:00Z',
        finishedAt: '2026-03-01T11:04:00Z',
        failureMessage: 'env.py raised ZeroDivisionError',
        failureOwner: 'challenge'
      }
    }
  }
}
