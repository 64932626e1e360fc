/**
 * The ML Arena domain model: one vocabulary (competition, agent) over both wires.
 * Wire payloads are mapped to these types in src/arena/wire.ts; nothing above src/arena/ sees a
 * wire field name. Every string here that came from ML Arena is untrusted text.
 */

export type Wire = 'current' | 'legacy'
export type WireChoice = Wire | 'auto'

export interface Competition {
  id: number
  name: string
  description: string | null
  /** Per-agent total upload size limit; null when the server does not say. */
  maxUploadSizeBytes: number | null
  /** Per-agent file count limit; null when the server does not say. */
  maxUploadFiles: number | null
  /** false: the simulator machine is down, deploys will queue or fail; null: unknown. */
  simulatorHealthy: boolean | null
  /** File challenges (current wire) expect exactly this file name; null otherwise. */
  submissionFilename: string | null
  /** The CSV a file challenge's submission must follow; null otherwise or when unknown. */
  submissionLayout: SubmissionLayout | null
  kindLabel: string | null
  /** `draft`, `started` or `stopped` (only a started one takes agents); null when not sent. */
  status: string | null
}

export interface SubmissionLayout {
  columns: string[]
  separator: string | null
  idColumn: string | null
  targetColumn: string | null
  rowCount: number | null
}

export interface Page<T> {
  items: T[]
  hasNext: boolean
}

export interface RuntimePackage {
  name: string
  version: string | null
}

export interface RuntimeOption {
  id: number
  language: string
  languageVersion: string | null
  framework: string | null
  frameworkVersion: string | null
  requirement: string | null
  displayName: string | null
  packages: RuntimePackage[]
}

export interface CreatedAgent {
  id: number
  name: string
}

/** An agent of the caller's, as `mine` lists it (current wire only). */
export interface MyAgent {
  id: number
  name: string
  competitionId: number
  rank: number | null
  state: string
}

export interface AgentFile {
  name: string
  size: number | null
  isBinary: boolean | null
  language: string | null
}

export interface UploadResult {
  /** The server's own words about the upload (status, message, validation message), if any. */
  message: string | null
  validationMessage: string | null
  /**
   * The agent's state the answer carries (4.4 `upload_submission_file`: the status block), null
   * when it carries none. `upload_failed` here is no verdict: between two files of a multi-file
   * agent the platform may find the folder briefly invalid; the status read after the last file
   * decides (`is_deployable`), as the SDK's `submit()` does.
   */
  state?: string | null
}

/** Known states; the server may send others, which are kept as-is and treated as non-terminal. */
export const AGENT_STATES = [
  'created',
  'uploading',
  'upload_validated',
  'upload_failed',
  'deploying',
  'deploy_queue',
  'deploy_run',
  'active',
  'deploy_failed',
  'deleted'
] as const
export type KnownAgentState = (typeof AGENT_STATES)[number]
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'active',
  'deploy_failed',
  'upload_failed',
  'deleted'
])

export interface RunResult {
  /** Normalised job status: pending | running | completed | failed | cancelled | reaped (legacy "error" → failed). */
  status: string
  /**
   * The run did not end cleanly: the job failed (the platform), or an outcome arrived with the
   * challenge's `env_error_type` or this agent's own `agent_error_type` set (`completed` alone
   * is not success: 4.4 `submission_status`, README "Why a run ended").
   */
  failed: boolean
  steps: number | null
  score: number | null
  outcome: string | null
  finalRank: number | null
  /** The first cause: the agent's own, else the challenge's, else the platform's. */
  errorType: string | null
  /** This agent's own `agent_error_message` (the legacy run's `error_message`). */
  errorMessage: string | null
  /** The challenge's code ended the run (`env_error_type`; its message is the creator's). */
  envErrorType?: string | null
  /** This agent's code ended the run (own row's `agent_error_type`). */
  agentErrorType?: string | null
  /** The platform lost the run (`job_error_type` on a `failed` job). */
  jobErrorType?: string | null
}

export interface AgentStatus {
  state: string
  /** The state is one of TERMINAL_STATES. */
  terminal: boolean
  /** Current wire: is_settled; legacy: same as terminal. Stop polling when true. */
  settled: boolean
  /** Current wire: is_deployable; legacy: null. */
  deployable: boolean | null
  /** Current wire: upload | deployment | active | terminal; legacy: null. */
  phase: string | null
  message: string | null
  queuePosition: number | null
  queueTotal: number | null
  inQueueSeconds: number | null
  runs: RunResult[]
  /** Name of the metric the runs report, when the server says. */
  metric: string | null
  /** ISO-8601 time of the last status change, when the server says. */
  updatedAt: string | null
  /** Current wire (4.4 `submission_status`): the latest deploy attempt; null before the first. */
  latestDeploy?: LatestDeploy | null
}

export interface Game {
  /** Current wire: `simulation_result_id`; legacy: the game's `id`. */
  id: number | null
  /** This agent's own row's `score` (current wire); the legacy game's `reward`. */
  score: number | null
  steps: number | null
  outcome: string | null
  finalRank?: number | null
  /** The job's own status (`completed`, `failed`, …), when the server says. */
  jobStatus?: string | null
  /** Not a clean run (see RunResult.failed). */
  failed?: boolean
  /** The challenge's code ended the run (`env_error_type`). */
  envErrorType?: string | null
  /** This agent's code ended the run (own row's `agent_error_type` + message). */
  agentErrorType?: string | null
  agentErrorMessage?: string | null
  /** The platform lost the run (`job_error_type`). */
  jobErrorType?: string | null
  /** This agent's own stdout of the game (`agent_stdout_logs`, untrusted); null when not served. */
  stdout?: string | null
  /**
   * Signed URL of the game's log (a credential until it expires): the legacy wire's and the
   * 3.0–4.3 current wire's top-level `signed_url`; null: no log kept, or a 4.4 server (whose
   * file is a replay, not a log).
   */
  logUrl: string | null
  /** 4.4: the game's replay file; null when none was recorded or it is past retention. */
  replay?: Replay | null
  createdAt: string | null
}

/** A game's replay (4.4 `replay: {render_format, signed_url, render_size_bytes}`). */
export interface Replay {
  /** `frames_v2` | `video_mp4` | `image_png` | `frames_v1` (others kept as-is). */
  format: string
  /** The signed URL (a credential until it expires, about 6 h). */
  url: string
  sizeBytes: number | null
}

/** What a games answer says about the challenge (4.4 `challenge_context`, the RunsContext). */
export interface GamesContext {
  /** The ranking metric's label, when the declaration is served. */
  metricLabel: string | null
  numberOfAgents: number | null
  renderDelaySeconds: number | null
}

export interface GameList {
  games: Game[]
  context: GamesContext | null
}

export interface DeployQuota {
  dailyLimit: number | null
  dailyUsed: number | null
  dailyRemaining: number | null
  /** ISO-8601 time at which the next deploy is possible, when the server says. */
  nextDeployAt: string | null
  canDeploy: boolean | null
  maxActive: number | null
  activeCount: number | null
  activeRemaining: number | null
  latestDeploy: LatestDeploy | null
}

export interface LatestDeploy {
  id: number | null
  /** queued | running | succeeded | failed | cancelled */
  status: string | null
  createdAt: string | null
  finishedAt: string | null
  failureMessage: string | null
  /**
   * Who a failed attempt's verdict blames (4.4 `submission_deploy_status`, README 4.1.0):
   * `participant` (the agent's code or files), `challenge` (its env, or it changed under the
   * attempt), `platform` (the runners lost the runs); null unless failed, or when not said.
   */
  failureOwner?: string | null
}

/** Which value the board ranks on. */
export type ScoreKind = 'elo' | 'mean_reward' | 'metric'

export interface LeaderboardRow {
  /** The server's rank (ties share a rank); never an array position. */
  rank: number
  agentId: number | null
  agentName: string
  username: string
  teamName: string | null
  score: number | null
  episodes: number | null
  runs: number | null
  isMine: boolean
  /** The competition's reference agent (`__benchmark__`). */
  isBenchmark: boolean
  lastRunAt: string | null
  /** Course boards only: the row meets the course's pass threshold (absent elsewhere). */
  passed?: boolean | null
}

export interface LeaderboardMe {
  rank: number | null
  position: number | null
  percentile: number | null
  row: LeaderboardRow | null
  neighbours: LeaderboardRow[]
}

export interface Leaderboard {
  /** Rows in board order. */
  rows: LeaderboardRow[]
  /** Size of the whole board (may exceed rows.length when the server pages or limits). */
  total: number
  scoreKind: ScoreKind
  /** Display name of the ranking metric, when the server says. */
  metricName: string | null
  /** desc: higher is better; asc: lower is better. */
  order: 'asc' | 'desc'
  /** Decimal places the platform shows scores with, when the server says. */
  precision: number | null
  /** Current wire with me=true; null on the legacy wire. */
  me: LeaderboardMe | null
  /** Current wire with `q`: rows whose username contains it (at most 50); null otherwise. */
  matches?: LeaderboardRow[] | null
  /** Course boards (`courseId` asked): the course and its pass threshold (null: no bar). */
  course?: {
    courseId: number | null
    passThreshold: number | null
    /** Enrolled students, with or without a row, when the server says. */
    enrolledCount?: number | null
  } | null
}

export interface LeaderboardQuery {
  /** Current wire: one row per submission (`submission`) or per participant (`user`, the server default). */
  aggregate?: 'user' | 'submission'
  limit?: number
  offset?: number
  me?: boolean
  window?: number
  q?: string
  /** A course's board: only its students' rows, each with `passed`. */
  courseId?: number
}
