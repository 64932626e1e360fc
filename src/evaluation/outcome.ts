/**
 * What one run of the action did: the pipeline builds it step by step, the report renders it.
 * A failed run is still an outcome (kind 'error' plus `failure`), so the report is always written.
 */
import type {
  AgentStatus,
  Competition,
  DeployQuota,
  Game,
  LeaderboardRow,
  RuntimeOption,
  ScoreKind,
  Wire
} from '../arena/model.js'

export type OutcomeKind =
  /** The agent is active (deployed, evaluated, on the board). */
  | 'success'
  /** Submitted and deployed; `wait: false`, so nobody watched it finish. */
  | 'submitted'
  /** Inputs, files, runtime and limits checked; nothing changed on ML Arena. */
  | 'dry-run'
  | 'deploy-failed'
  | 'upload-failed'
  /** The deadline passed before the status became terminal. */
  | 'timeout'
  /** SIGINT/SIGTERM stopped the watch. */
  | 'cancelled'
  /** Nothing was submitted on purpose (fork or Dependabot pull request: no secrets). */
  | 'skipped'
  /** Anything else went wrong; see `failure`. */
  | 'error'

export type Phase =
  | 'inputs'
  | 'files'
  | 'course'
  | 'competition'
  | 'runtime'
  | 'agent'
  | 'upload'
  | 'deploy'
  | 'watch'
  | 'logs'
  | 'leaderboard'
  | 'report'

export interface PhaseTiming {
  phase: Phase
  ms: number
}

export interface Failure {
  phase: Phase
  /** One line a user can act on (already free of secrets; still untrusted for rendering). */
  message: string
}

export interface PlannedFile {
  /**
   * The name the file is uploaded and stored under: a plain name (an agent's files form one
   * flat folder on ML Arena), its base name, or a file challenge's required name.
   */
  name: string
  /** Path relative to the working directory, with `/` separators (where it is read from). */
  path: string
  size: number
}

export interface GameLog {
  gameId: number | null
  /** Where the log was written on the runner. */
  file: string
  /**
   * stdout: the agent's own `agent_stdout_logs` (4.4 current wire); signed-url: the game's log
   * file (legacy wire, and 3.0–4.3 current wire).
   */
  source?: 'stdout' | 'signed-url'
  bytes: number
  /** The last lines of the log (untrusted). */
  tail: string
  /** The download stopped at the size cap. */
  truncated: boolean
}

/** A game's replay saved on the runner (`<logs-dir>/replays/<simulation_result_id><suffix>`). */
export interface SavedReplay {
  gameId: number
  file: string
  /** `frames_v2`, `video_mp4`, `image_png`, `frames_v1`. */
  format: string
  bytes: number
}

export interface RankReport {
  scoreKind: ScoreKind
  metricName: string | null
  order: 'asc' | 'desc'
  precision: number | null
  /** Size of the whole board. */
  total: number
  /** This agent's row; null until the agent has been scored. */
  row: LeaderboardRow | null
  /** The top of the board (a few rows). */
  top: LeaderboardRow[]
  /** Rows around this agent's row, including it, in board order. */
  neighbours: LeaderboardRow[]
  /** Rank and score this comment key had on the previous run (from the sticky marker). */
  previousRank: number | null
  previousScore: number | null
  /** The caller's best other agent on this board, if any. */
  bestOther: LeaderboardRow | null
}

/** The runtime a spec resolved to, and how to pin exactly that one. */
export interface RuntimeChoice {
  option: RuntimeOption
  /** The input as the user wrote it (normalised): `python/gymnasium`, or the id. */
  spec: string
  /** How many of the competition's runtimes the spec matched (1 for an id). */
  matched: number
  /**
   * A spec that names exactly this runtime, when the input did not: `python/gymnasium@1.0.0`,
   * or its id when even the full spec matches others. Null when the input already pins it.
   */
  pin: string | null
}

/** A course run: the course, the enrolment, and where the student stands against its threshold. */
export interface CourseOutcome {
  id: number
  name: string
  code: string | null
  /** already: enrolled before this run; enrolled: by this run; dry-run: would be enrolled. */
  enrolment: 'already' | 'enrolled' | 'dry-run'
  /** Null: the course sets no threshold for this challenge (or the board was not read). */
  passThreshold: number | null
  /** Null: nothing to judge (no threshold, or the board was not read). */
  passed: boolean | null
  /** The student's row on the course board (their best agent); null until they have one. */
  row: LeaderboardRow | null
  /** How many students the course board ranks; null until it was read. */
  classSize: number | null
  /** How many are enrolled (ranked or not), when the server says. */
  enrolled?: number | null
  order: 'asc' | 'desc'
  precision: number | null
}

export interface RunOutcome {
  kind: OutcomeKind
  competitionId: number | null
  competition: Competition | null
  /** Web address of the competition's page, for links. */
  competitionUrl: string | null
  wire: Wire | null
  agentId: number | null
  agentName: string | null
  /** A new agent was created by this run (false: an existing one was updated or redeployed). */
  agentCreated: boolean
  runtime: RuntimeChoice | null
  files: PlannedFile[]
  /** Stored names this run deleted from an existing agent, as no longer among its files. */
  removedFiles: string[]
  quota: DeployQuota | null
  status: AgentStatus | null
  /** The latest games (newest first), with score and log presence. */
  games: Game[]
  logs: GameLog[]
  /** Replays saved by this run (the `replays` input). */
  replays?: SavedReplay[]
  logsDir: string | null
  rank: RankReport | null
  timings: PhaseTiming[]
  failure: Failure | null
  /** Why nothing was submitted (kind 'skipped'), or extra notes worth showing. */
  notes: string[]
  /** Deadline of the wait, for the timeout message. */
  timeoutMinutes: number | null
  /** The comment key the sticky comment is found by. */
  commentKey: string
  /** Set when the run is about a course (course-join-code). */
  course?: CourseOutcome | null
  /**
   * The step's result, so the report's heading follows it: the fail-on outcome that fails the
   * step ('not-passed', 'rank-drop', 'deploy-failed'…), or null when fail-on lets the step pass.
   * Unset (a report rendered on its own): the heading follows the outcome alone.
   */
  failsStep?: string | null
  /**
   * wait: false: the rank and score the comparison is against (the sticky comment's, or the
   * redeployed agent's row before the deploy), carried to the follow-up.
   */
  before?: { rank: number | null; score: number | null; agentId: number | null } | null
}
