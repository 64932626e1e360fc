/**
 * The creator side of the domain model: a challenge as its editor sees it, its files, the env
 * check, the benchmark and its budget checks. Mapped from the wire in creator-wire.ts; every
 * string here that came from ML Arena is untrusted text.
 */

export interface CreatorChallenge {
  id: number
  name: string
  /** draft | started | stopped */
  status: string
  isPublic: boolean | null
  kernelVersion: string | null
  /** owner | assistant */
  role: string | null
  ownerUsername: string | null
}

/** A start blocker or recommendation: `{code, message}`. */
export interface StartIssue {
  code: string
  message: string
}

export interface Tag {
  id: number
  name: string
}

export interface ChallengeConfigView {
  /** Every config key the kind accepts, as stored. */
  values: Record<string, unknown>
  /** Per key: file | console | default. */
  origin: Record<string, string>
  /** The line of each key the applied challenge.toml holds. */
  fileLines: Record<string, number>
  /** false: the env folder's challenge.toml is not the text that was applied. */
  fileInSync: boolean | null
}

export interface ChallengeEditorView {
  id: number
  name: string
  description: string | null
  status: string
  isPublic: boolean | null
  kernelVersion: string | null
  /** null: the view does not list them (read them with challengeTags). */
  tags: Tag[] | null
  config: ChallengeConfigView
  /** [] = ready to start; null while started. */
  startBlockers: StartIssue[] | null
  startRecommendations: StartIssue[] | null
  /** What stays editable once started. */
  runningEditableFields: string[]
  /** Whether a cover image (miniature) is set; null when the view does not say. */
  hasCover: boolean | null
}

export interface ChallengeKind {
  kernelVersion: string
  label: string | null
  hasMachine: boolean | null
}

export interface RemoteFile {
  name: string
  size: number | null
  isBinary: boolean | null
  /** The text; null for a binary file, or when the listing cuts it (`is_truncated`). */
  content: string | null
  /** Hex SHA-256 of the whole file, when the server lists one (not in the contract: optional). */
  sha256: string | null
}

export interface EnvCheckFinding {
  severity: 'error' | 'warning' | 'notice'
  /** 1-based line in env.py, when the validator says. */
  line: number | null
  column: number | null
  message: string
  code: string | null
}

export interface EnvCheck {
  /** The validator's verdict when it gives one; else: no error finding. */
  ok: boolean
  findings: EnvCheckFinding[]
}

/** One finding of a refused challenge.toml (`challenge.toml:3: unknown key 'x'`). */
export interface ConfigRefusal {
  line: number | null
  message: string
}

export type BenchmarkJobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'
export const BENCHMARK_DONE: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled'])

export interface BenchmarkRun {
  /**
   * The run's id when the answer carries one: `simulation_result_id` (SDK 4.4.0 RunResult) or
   * `simulation_id` (SDK 0.2.0 `run_benchmark`); null otherwise.
   */
  runId: number | null
  /** pending | running | completed | failed | cancelled (others kept as sent). */
  jobStatus: string
  jobErrorType: string | null
  envErrorType: string | null
  envErrorMessage: string | null
  envLogs: string | null
  /** The benchmark submission's score, once scored. */
  score: number | null
}

export interface BudgetCheck {
  key: string
  label: string | null
  configured: number | string | null
  measured: number | string | null
  /** measured / configured; null for a non-numeric check. */
  ratio: number | null
  /** ok | warn | fail | unmeasured (others kept as sent). */
  status: string
  message: string | null
}

export interface BenchmarkStatus {
  run: BenchmarkRun | null
  checks: BudgetCheck[]
}

export interface NewChallenge {
  name: string
  kernelVersion: string
  description?: string
  tagIds?: number[]
  isPublic?: boolean
}

export interface ChallengeUpdate {
  name?: string
  description?: string
  isPublic?: boolean
}
