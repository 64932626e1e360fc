/**
 * Finding every agent this repository's runs left pending, from what GitHub holds: our sticky
 * comments that carry a pending snapshot, and the check runs and commit statuses still pending
 * on the branch's newest commits. Only what the token's own identity wrote counts: a comment,
 * check run or status by anyone else is ignored, whatever it says. `collectPending` is the pure
 * part (tests give it sources); `readSources` the I/O.
 */
import { isAuthoredBy } from '../github/comments.js'
import {
  listPendingCheckRuns,
  listPendingStatuses,
  type PendingCheckRun,
  type PendingStatus,
  type Repo
} from '../github/checks.js'
import type { Octokit } from '../github/octokit-type.js'
import {
  decodeSnapshot,
  parseExternalId,
  parseStatusContext,
  type PendingSnapshot
} from '../evaluation/pending.js'
import { readMarker, type MarkerState } from '../evaluation/report/marker.js'

export interface SourceComment {
  id: number
  html_url: string
  issue_url?: string
  body?: string | null
  user?: { login?: string; type?: string } | null
}

export interface Sources {
  comments: SourceComment[]
  checkRuns: PendingCheckRun[]
  statuses: PendingStatus[]
}

export interface PendingComment {
  id: number
  url: string
  issueNumber: number | null
  key: string
  /** The marker's state: what the next report compares against. */
  previous: MarkerState
}

export interface PendingAgent {
  snapshot: PendingSnapshot
  comment: PendingComment | null
  checkRunId: number | null
  status: { sha: string; context: string } | null
  /** Found from a commit status alone: the snapshot was rebuilt from its context. */
  partial: boolean
}

/** The app slug a check run written by `identity` carries (github-actions[bot] → github-actions). */
function appOf(identity: string | null): string {
  return identity ? identity.replace(/\[bot\]$/, '') : 'github-actions'
}

/**
 * The pending agents in `sources`, one per agent id (a comment's record wins: it knows the
 * comment). `repository` is owner/name: a snapshot written for another repository is ignored.
 */
export function collectPending(
  sources: Sources,
  identity: string | null,
  repository: string
): PendingAgent[] {
  const agents = new Map<number, PendingAgent>()
  const ours = (snapshot: PendingSnapshot | null): snapshot is PendingSnapshot =>
    snapshot !== null && (snapshot.repository ?? repository) === repository

  for (const comment of sources.comments) {
    if (!isAuthoredBy(comment, identity)) continue
    const body = comment.body ?? ''
    const marker = readMarker(body)
    const snapshot = decodeSnapshot(body)
    if (!marker || !ours(snapshot)) continue
    if (marker.state.agentId !== null && marker.state.agentId !== snapshot.agentId) continue
    const mark = snapshot.mark
    agents.set(snapshot.agentId, {
      snapshot,
      comment: {
        id: comment.id,
        url: comment.html_url,
        issueNumber: issueNumberOf(comment.issue_url),
        key: marker.key,
        previous: marker.state
      },
      checkRunId: mark.kind === 'check-run' ? mark.id : null,
      status: mark.kind === 'status' ? { sha: snapshot.sha, context: mark.context } : null,
      partial: false
    })
  }

  const app = appOf(identity)
  for (const run of sources.checkRuns) {
    if (run.appSlug !== app) continue
    const ids = parseExternalId(run.externalId)
    const snapshot = decodeSnapshot(run.text)
    if (!ids || !ours(snapshot) || snapshot.agentId !== ids.agentId) continue
    const known = agents.get(ids.agentId)
    if (known) {
      // The comment's own record is newer when it names another check run (a later run).
      if (known.checkRunId === null) known.checkRunId = run.id
      continue
    }
    agents.set(ids.agentId, {
      snapshot: { ...snapshot, sha: run.headSha, mark: { kind: 'check-run', id: run.id } },
      comment: null,
      checkRunId: run.id,
      status: null,
      partial: false
    })
  }

  for (const status of sources.statuses) {
    const creator = {
      login: status.creatorLogin ?? undefined,
      type: status.creatorType ?? undefined
    }
    if (!isAuthoredBy({ id: 0, html_url: '', user: creator }, identity)) continue
    const ids = parseStatusContext(status.context)
    if (!ids) continue
    const known = agents.get(ids.agentId)
    if (known) {
      known.status ??= { sha: status.sha, context: status.context }
      continue
    }
    agents.set(ids.agentId, {
      snapshot: partialSnapshot(ids.competitionId, ids.agentId, status, repository),
      comment: null,
      checkRunId: null,
      status: { sha: status.sha, context: status.context },
      partial: true
    })
  }
  return [...agents.values()].sort((a, b) => a.snapshot.agentId - b.snapshot.agentId)
}

/** A commit status carries the ids alone: the rest comes from ML Arena, defaults from action.yml. */
function partialSnapshot(
  competitionId: number,
  agentId: number,
  status: PendingStatus,
  repository: string
): PendingSnapshot {
  return {
    v: 1,
    repository,
    competitionId,
    agentId,
    submittedAt: status.createdAt ? Date.parse(status.createdAt) : Date.now(),
    sha: status.sha,
    mark: { kind: 'status', context: status.context },
    failOn: ['deploy-failed', 'upload-failed', 'timeout'],
    logs: 3,
    workingDirectory: '',
    outcome: {
      competitionId,
      competition: null,
      competitionUrl: null,
      wire: null,
      agentId,
      agentName: null,
      agentCreated: false,
      runtime: null,
      files: [],
      removedFiles: [],
      quota: null,
      notes: [],
      commentKey: `${competitionId}:${agentId}`,
      course: null
    }
  }
}

function issueNumberOf(url: string | undefined): number | null {
  const match = url ? /\/issues\/(\d+)$/.exec(url) : null
  return match ? Number(match[1]) : null
}

export interface ReadOptions {
  repo: Repo
  /** The branch whose newest commits are searched (pushes: no comment to find them by). */
  ref: string | null
  commits: number
  /** Comments updated since then (ISO 8601). */
  since: string
}

/** Reads the sources: the repository's comments since `since`, and the branch's commits' marks. */
export async function readSources(octokit: Octokit, options: ReadOptions): Promise<Sources> {
  const { repo } = options
  const comments: SourceComment[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listCommentsForRepo, {
    ...repo,
    since: options.since,
    sort: 'updated',
    direction: 'desc',
    per_page: 100
  })
  for await (const page of pages) comments.push(...(page.data as SourceComment[]))

  const checkRuns: PendingCheckRun[] = []
  const statuses: PendingStatus[] = []
  if (options.ref && options.commits > 0) {
    const listed = await octokit.rest.repos.listCommits({
      ...repo,
      sha: options.ref,
      since: options.since,
      per_page: options.commits
    })
    for (const commit of listed.data as { sha: string }[]) {
      checkRuns.push(...(await listPendingCheckRuns(octokit, repo, commit.sha)))
      statuses.push(...(await listPendingStatuses(octokit, repo, commit.sha)))
    }
  }
  return { comments, checkRuns, statuses }
}
