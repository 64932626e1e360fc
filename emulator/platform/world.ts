/**
 * The seeded world: users and their tokens, runtimes, competitions and their settings.
 * Everything here is documented in emulator/README.md; tests and docs may rely on it.
 */

export type Scope = 'user' | 'creator' | 'teacher'

export interface User {
  id: number
  username: string
}

export const USERS = {
  alice: { id: 1, username: 'alice' },
  bob: { id: 2, username: 'bob' }
} as const satisfies Record<string, User>

export interface TokenRecord {
  token: string
  scope: Scope
  lookup: string
  secret: string
  user: User
}

/** Seeded tokens. alice is the main user, bob another one. alice's user secret holds underscores. */
export const TOKENS = {
  user: 'mlk_user_alice_s3cret_alice_user',
  creator: 'mlk_creator_alicecr_s3cretalicecreator',
  teacher: 'mlk_teacher_alicete_s3cretaliceteacher',
  otherUser: 'mlk_user_bob_s3cretbobuser',
  otherCreator: 'mlk_creator_bobcr_s3cretbobcreator',
  otherTeacher: 'mlk_teacher_bobte_s3cretbobteacher'
} as const

/** Splits a token on `_` at most 3 times; null unless it has four non-empty parts and a known scope. */
export function parseToken(raw: string): { scope: Scope; lookup: string; secret: string } | null {
  const first = raw.indexOf('_')
  const second = raw.indexOf('_', first + 1)
  const third = raw.indexOf('_', second + 1)
  if (first < 0 || second < 0 || third < 0) return null
  const prefix = raw.slice(0, first)
  const scope = raw.slice(first + 1, second)
  const lookup = raw.slice(second + 1, third)
  const secret = raw.slice(third + 1)
  if (prefix !== 'mlk' || !lookup || !secret) return null
  if (scope !== 'user' && scope !== 'creator' && scope !== 'teacher') return null
  return { scope, lookup, secret }
}

export function seededTokens(): Map<string, TokenRecord> {
  const owners: Record<keyof typeof TOKENS, User> = {
    user: USERS.alice,
    creator: USERS.alice,
    teacher: USERS.alice,
    otherUser: USERS.bob,
    otherCreator: USERS.bob,
    otherTeacher: USERS.bob
  }
  const byLookup = new Map<string, TokenRecord>()
  for (const [key, token] of Object.entries(TOKENS) as [keyof typeof TOKENS, string][]) {
    const parsed = parseToken(token)
    if (!parsed) throw new Error(`seeded token ${key} is malformed`)
    byLookup.set(parsed.lookup, { token, ...parsed, user: owners[key] })
  }
  return byLookup
}

export interface Runtime {
  id: number
  language: string
  languageVersion: string | null
  framework: string | null
  frameworkVersion: string | null
  requirement: string | null
  displayName: string
  packages: { name: string; version: string }[]
}

export const RUNTIMES: readonly Runtime[] = [
  {
    id: 1,
    language: 'python',
    languageVersion: '3.11',
    framework: 'gymnasium',
    frameworkVersion: '0.29.1',
    requirement: 'gymnasium==0.29.1',
    displayName: 'Python 3.11 / Gymnasium 0.29.1',
    packages: [
      { name: 'gymnasium', version: '0.29.1' },
      { name: 'numpy', version: '1.26.4' }
    ]
  },
  {
    id: 2,
    language: 'python',
    languageVersion: '3.11',
    framework: 'torch',
    frameworkVersion: '2.1.2',
    requirement: 'torch==2.1.2',
    displayName: 'Python 3.11 / PyTorch 2.1.2 (CPU)',
    packages: [
      { name: 'torch', version: '2.1.2' },
      { name: 'numpy', version: '1.26.4' }
    ]
  },
  {
    id: 3,
    language: 'python',
    languageVersion: '3.12',
    framework: 'torch',
    frameworkVersion: '2.5.1',
    requirement: 'torch==2.5.1',
    displayName: 'Python 3.12 / PyTorch 2.5.1 (CPU)',
    packages: [
      { name: 'torch', version: '2.5.1' },
      { name: 'numpy', version: '2.1.3' }
    ]
  },
  {
    id: 4,
    language: 'python',
    languageVersion: '3.12',
    framework: 'gymnasium',
    frameworkVersion: '1.0.0',
    requirement: 'gymnasium==1.0.0',
    displayName: 'Python 3.12 / Gymnasium 1.0.0',
    packages: [
      { name: 'gymnasium', version: '1.0.0' },
      { name: 'numpy', version: '2.1.3' }
    ]
  },
  {
    id: 5,
    language: 'python',
    languageVersion: '3.11',
    framework: 'numpy',
    frameworkVersion: '1.26.4',
    requirement: 'numpy==1.26.4',
    displayName: 'Python 3.11 / NumPy',
    packages: [{ name: 'numpy', version: '1.26.4' }]
  },
  {
    id: 9,
    language: 'csv',
    languageVersion: null,
    framework: null,
    frameworkVersion: null,
    requirement: null,
    displayName: 'Prediction file (CSV)',
    packages: []
  }
]

export type Ranking = 'mean_reward' | 'elo' | 'metric'

export interface MetricDeclaration {
  key: string
  name: string
  isRanking: boolean
  order: 'asc' | 'desc'
  precision: number
}

/** A competition's lifecycle: only a started one takes new agents and deploys. */
export type CompetitionStatus = 'draft' | 'started' | 'stopped'

export interface SubmissionLayout {
  columns: string[]
  separator: string
  idColumn: string
  targetColumn: string
  rowCount: number | null
}

export interface CompetitionConfig {
  id: number
  name: string
  scenario: string
  description: string
  /** Only a started competition takes submissions (creator challenges start as drafts). */
  status: CompetitionStatus
  isPublic: boolean
  /** Users (besides teachers of the course) who may see a hidden competition. */
  members: number[]
  /** Teacher tokens of these users also see it (the course's teachers). */
  teachers: number[]
  ranking: Ranking
  metrics: MetricDeclaration[]
  maxUploadSizeBytes: number
  maxUploadFiles: number
  dailyDeployLimit: number
  maxActiveAgents: number
  vmHealthOk: boolean
  machineName: string
  hasGpu: boolean
  runtimeIds: number[]
  submissionFilename: string | null
  /** The CSV a file challenge's submission must follow (current wire); null for code challenges. */
  submissionLayout: SubmissionLayout | null
  kindLabel: string
  tags: string[]
  runsPerDeploy: number
  gamesPerRun: number
  /** Per-game reward range (for mean reward) or metric range (for 'metric' boards). */
  rewardRange: [number, number]
  windowDays: number
  /** Synthetic participants on the board (the big board's count comes from an option). */
  syntheticRows: number
}

const MEAN_REWARD: MetricDeclaration = {
  key: 'mean_reward',
  name: 'Mean reward',
  isRanking: true,
  order: 'desc',
  precision: 2
}

/** Seeded competition ids by scenario. */
export const COMPETITIONS = {
  normal: 1,
  elo: 2,
  hidden: 3,
  simulatorDown: 4,
  tightLimits: 5,
  bigBoard: 6,
  fileChallenge: 7,
  stopped: 8
} as const

export const MIB = 1024 * 1024

const BASE: Omit<CompetitionConfig, 'id' | 'name' | 'scenario' | 'description'> = {
  status: 'started',
  isPublic: true,
  members: [],
  teachers: [],
  ranking: 'mean_reward',
  metrics: [MEAN_REWARD],
  maxUploadSizeBytes: 2048 * MIB,
  maxUploadFiles: 20,
  dailyDeployLimit: 20,
  maxActiveAgents: 10,
  vmHealthOk: true,
  machineName: 'sim-cpu-1',
  hasGpu: false,
  runtimeIds: [1, 2, 3, 4],
  submissionFilename: null,
  submissionLayout: null,
  kindLabel: 'Agent challenge',
  tags: ['rl'],
  runsPerDeploy: 3,
  gamesPerRun: 2,
  rewardRange: [-50, 300],
  windowDays: 30,
  syntheticRows: 14
}

export function seededCompetitions(leaderboardSize: number): CompetitionConfig[] {
  return [
    {
      ...BASE,
      id: COMPETITIONS.normal,
      name: 'Lunar Lander',
      scenario: 'normal',
      description: 'Land the module softly. Ranked by mean reward over every game.',
      tags: ['rl', 'gymnasium'],
      syntheticRows: 24
    },
    {
      ...BASE,
      id: COMPETITIONS.elo,
      name: 'Connect Four Arena',
      scenario: 'elo',
      description: 'Two-player games between participants. Ranked by ELO.',
      ranking: 'elo',
      metrics: [
        { key: 'elo', name: 'ELO', isRanking: true, order: 'desc', precision: 1 },
        { ...MEAN_REWARD, isRanking: false }
      ],
      runtimeIds: [5, 2, 3],
      tags: ['multi-agent', 'elo'],
      runsPerDeploy: 2,
      gamesPerRun: 3,
      rewardRange: [-1, 1],
      syntheticRows: 9
    },
    {
      ...BASE,
      id: COMPETITIONS.hidden,
      name: 'Course CS-101 private cup',
      scenario: 'hidden',
      description:
        'A course competition: only its members (bob) and its teacher (alice, teacher token) see it.',
      isPublic: false,
      members: [2],
      teachers: [1],
      runtimeIds: [1],
      tags: ['course'],
      syntheticRows: 3
    },
    {
      ...BASE,
      id: COMPETITIONS.simulatorDown,
      name: 'Mountain Car (simulator down)',
      scenario: 'simulator-down',
      description: 'The simulator machine is down: deploys wait in the queue, then fail.',
      vmHealthOk: false,
      machineName: 'sim-cpu-7',
      runtimeIds: [1, 2],
      syntheticRows: 4
    },
    {
      ...BASE,
      id: COMPETITIONS.tightLimits,
      name: 'Tiny Taxi (tight limits)',
      scenario: 'tight-limits',
      description: 'Small limits: 2 KiB per agent, 2 files, 1 deploy a day, 1 active agent.',
      maxUploadSizeBytes: 2048,
      maxUploadFiles: 2,
      dailyDeployLimit: 1,
      maxActiveAgents: 1,
      runtimeIds: [1],
      runsPerDeploy: 2,
      syntheticRows: 5
    },
    {
      ...BASE,
      id: COMPETITIONS.bigBoard,
      name: 'Car Racing Marathon (big board)',
      scenario: 'big-board',
      description: 'A popular competition with a very large leaderboard.',
      runtimeIds: [1, 3],
      hasGpu: true,
      machineName: 'sim-gpu-2',
      tags: ['rl', 'gpu'],
      syntheticRows: leaderboardSize
    },
    {
      ...BASE,
      id: COMPETITIONS.fileChallenge,
      name: 'Energy Forecast (file challenge)',
      scenario: 'file-challenge',
      description: 'Upload one prediction file, submission.csv. Ranked by RMSE: lower is better.',
      ranking: 'metric',
      metrics: [{ key: 'rmse', name: 'RMSE', isRanking: true, order: 'asc', precision: 4 }],
      maxUploadSizeBytes: 10 * MIB,
      maxUploadFiles: 1,
      runtimeIds: [9],
      submissionFilename: 'submission.csv',
      submissionLayout: {
        columns: ['id', 'load_mw'],
        separator: ',',
        idColumn: 'id',
        targetColumn: 'load_mw',
        rowCount: 168
      },
      kindLabel: 'File challenge',
      tags: ['forecasting', 'file'],
      runsPerDeploy: 1,
      gamesPerRun: 1,
      rewardRange: [0.05, 0.9],
      syntheticRows: 8
    },
    {
      ...BASE,
      id: COMPETITIONS.stopped,
      name: 'Pong Classic (stopped)',
      scenario: 'stopped',
      description:
        'A finished competition: its board and agents stay readable, it takes no new agents or deploys.',
      status: 'stopped',
      runtimeIds: [1],
      syntheticRows: 6
    }
  ]
}

/** Hostile participant names: the board must be rendered safely whatever they contain. */
export const HOSTILE_NAMES: readonly string[] = [
  '**bold** _it_ [click](https://evil.example/phish)',
  '<script>alert("pwned")</script>',
  '<img src=x onerror=alert(1)>',
  '@everyone @alice please review',
  '#123 closes #1',
  'pipe | in | name',
  '`tick` ```fence```',
  '--> <!-- end comment',
  '\u202Egnp.exe\u202C bidi',
  'line one\nline two\r\n| forged | row |',
  '![img](https://evil.example/t.png)',
  '&lt;b&gt;entity&amp;',
  'L'.repeat(10_000)
]
