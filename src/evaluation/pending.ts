/**
 * What a run with `wait: false` leaves behind for the follow-up (report/action.yml): the
 * submission as the waiting run would have reported it, minus what only ML Arena can tell
 * later (status, games, rank). Nothing is stored anywhere but on GitHub: the snapshot rides in
 * the sticky comment (a second hidden line under the key marker) and in the pending check
 * run's `output.text`; the check run's `external_id` and a commit status's context carry the
 * ids alone. Pure: encode, decode, and the names GitHub shows.
 *
 *   <!-- mlarena-action:pending <base64url of JSON> -->
 *
 * Base64url cannot end the HTML comment, and only our own identity's comments and check runs
 * are read back, so the snapshot is ours; its text (names from ML Arena) is still escaped when
 * rendered, like every other report.
 */
import type { RunOutcome } from './outcome.js'

export const PENDING_PREFIX = '<!-- mlarena-action:pending '
const PENDING_LINE = /^<!-- mlarena-action:pending ([A-Za-z0-9_-]+) -->$/m
const EXTERNAL_ID = /^mlarena:v1 c=(\d{1,15}) a=(\d{1,15})$/
const STATUS_CONTEXT = /^ML Arena \/ competition (\d{1,15}) \/ agent (\d{1,15})$/

/** Where the head commit was marked pending (and so what the follow-up completes). */
export type CommitMark =
  { kind: 'check-run'; id: number } | { kind: 'status'; context: string } | { kind: 'none' }

/** The parts of a RunOutcome the submission decided, which the follow-up cannot read back. */
export type SubmittedOutcome = Pick<
  RunOutcome,
  | 'competitionId'
  | 'competition'
  | 'competitionUrl'
  | 'wire'
  | 'agentId'
  | 'agentName'
  | 'agentCreated'
  | 'runtime'
  | 'files'
  | 'removedFiles'
  | 'quota'
  | 'notes'
  | 'commentKey'
  | 'course'
>

export interface PendingSnapshot {
  v: 1
  /** owner/name of the repository whose run submitted the agent. */
  repository?: string
  competitionId: number
  agentId: number
  /** When the deploy was made (ms since the epoch, the runner's clock). */
  submittedAt: number
  /** The commit marked pending. */
  sha: string
  mark: CommitMark
  /** The submit run's fail-on (the conclusion the check run gets). */
  failOn: string[]
  /** The submit run's logs input (game logs to read). */
  logs: number
  /** The submit run's replays input (replays to save); absent in older snapshots: none. */
  replays?: number
  /** Where the uploaded files live in the repository, relative to its root ('' = the root). */
  workingDirectory: string
  /** What the report compares against (the comment's marker wins where there is one). */
  previous?: { rank: number | null; score: number | null; agentId: number | null } | null
  outcome: SubmittedOutcome
}

/** Room the snapshot may take in a comment (65,536 characters in all) or a check run's text. */
const MAX_SNAPSHOT_CHARS = 20_000

export function encodeSnapshot(snapshot: PendingSnapshot): string {
  let json = JSON.stringify(snapshot)
  if (json.length * 4 > MAX_SNAPSHOT_CHARS * 3) {
    // An agent of thousands of files: the file list is the part that can go.
    json = JSON.stringify({ ...snapshot, outcome: { ...snapshot.outcome, files: [] } })
  }
  return `${PENDING_PREFIX}${Buffer.from(json, 'utf8').toString('base64url')} -->`
}

/** The snapshot in a comment body or check run text, or null when there is none (or it is not ours). */
export function decodeSnapshot(text: string | null | undefined): PendingSnapshot | null {
  const match = text ? PENDING_LINE.exec(text) : null
  if (!match?.[1]) return null
  try {
    const value = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as unknown
    return isSnapshot(value) ? value : null
  } catch {
    return null
  }
}

/** Puts the pending line right under the key marker (the body's first line). */
export function withSnapshot(body: string, line: string): string {
  const end = body.indexOf('\n')
  return end < 0 ? `${body}\n${line}` : `${body.slice(0, end)}\n${line}${body.slice(end)}`
}

/** Removes the pending line (the follow-up's final comment has none). */
export function withoutSnapshot(body: string): string {
  return body.replace(/^<!-- mlarena-action:pending [A-Za-z0-9_-]+ -->\r?\n?/m, '')
}

export function externalId(competitionId: number, agentId: number): string {
  return `mlarena:v1 c=${competitionId} a=${agentId}`
}

export function parseExternalId(text: string | null | undefined): Ids | null {
  return ids(text ? EXTERNAL_ID.exec(text) : null)
}

/** A commit status's context: unique per agent, so a later status for it replaces this one. */
export function statusContext(competitionId: number, agentId: number): string {
  return `ML Arena / competition ${competitionId} / agent ${agentId}`
}

export function parseStatusContext(text: string | null | undefined): Ids | null {
  return ids(text ? STATUS_CONTEXT.exec(text) : null)
}

export interface Ids {
  competitionId: number
  agentId: number
}

function ids(match: RegExpExecArray | null): Ids | null {
  if (!match) return null
  const competitionId = Number(match[1])
  const agentId = Number(match[2])
  return Number.isSafeInteger(competitionId) && Number.isSafeInteger(agentId)
    ? { competitionId, agentId }
    : null
}

function isSnapshot(value: unknown): value is PendingSnapshot {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const outcome = v.outcome as Record<string, unknown> | undefined
  const mark = v.mark as Record<string, unknown> | undefined
  return (
    v.v === 1 &&
    Number.isSafeInteger(v.competitionId) &&
    Number.isSafeInteger(v.agentId) &&
    typeof v.submittedAt === 'number' &&
    typeof v.sha === 'string' &&
    typeof mark === 'object' &&
    mark !== null &&
    ['check-run', 'status', 'none'].includes(mark.kind as string) &&
    Array.isArray(v.failOn) &&
    typeof v.logs === 'number' &&
    typeof v.workingDirectory === 'string' &&
    typeof outcome === 'object' &&
    outcome !== null &&
    Array.isArray(outcome.files) &&
    Array.isArray(outcome.notes) &&
    typeof outcome.commentKey === 'string'
  )
}
