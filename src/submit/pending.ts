/**
 * wait: false: the run leaves the pending state where people look. The head commit (the pull
 * request's head, the triggering run's, or the pushed commit) gets a check run named after the
 * competition, else a pending commit status, else a warning; the snapshot the follow-up
 * (report/action.yml) needs rides in the check run and in the sticky comment.
 */
import path from 'node:path'
import type { Logger } from '../logger.js'
import type { RunContext } from '../github/run-context.js'
import type { Octokit } from '../github/octokit-type.js'
import { completeCheckRun, markPending, setFinalStatus } from '../github/checks.js'
import { describeGitHubError } from '../github/errors.js'
import { loadToolkit } from '../github/load-toolkit.js'
import type { RunOutcome } from '../evaluation/outcome.js'
import {
  encodeSnapshot,
  externalId,
  statusContext,
  type CommitMark,
  type PendingSnapshot
} from '../evaluation/pending.js'
import { oneLine } from '../format.js'
import type { Config } from './config.js'

export interface PendingOptions {
  outcome: RunOutcome
  config: Config
  github: RunContext
  /** The comment thread's Octokit, when there is one (else one is made from github-token). */
  octokit: Octokit | null
  log: Logger
  userAgent: string
  workspace: string
  now?: () => number
}

/** The commit a result belongs on. */
export function headCommit(github: RunContext): string {
  return github.pullRequest?.headSha ?? github.triggeringRun?.headSha ?? github.sha
}

/** The name of the check run: the competition's, as people know it. */
export function checkRunName(outcome: RunOutcome): string {
  const name = outcome.competition?.name ? oneLine(outcome.competition.name, 80) : null
  return `ML Arena: ${name ?? `competition ${outcome.competitionId}`}`
}

/**
 * Marks the head commit pending and returns the snapshot for the sticky comment. Never throws:
 * a refused mark is a warning (the comment and the summary still say what happens next).
 */
export async function leavePending(options: PendingOptions): Promise<PendingSnapshot | null> {
  const { outcome, config, github } = options
  const cid = outcome.competitionId
  const aid = outcome.agentId
  if (cid === null || aid === null) return null
  const sha = headCommit(github)
  const snapshot: PendingSnapshot = {
    v: 1,
    repository: github.repository,
    competitionId: cid,
    agentId: aid,
    submittedAt: (options.now ?? Date.now)(),
    sha,
    mark: { kind: 'none' },
    failOn: [...config.failOn],
    logs: config.logs,
    replays: config.replays,
    previous: outcome.before ?? null,
    workingDirectory: path
      .relative(options.workspace, config.workingDirectory)
      .split(path.sep)
      .join('/'),
    outcome: {
      competitionId: cid,
      competition: outcome.competition,
      competitionUrl: outcome.competitionUrl,
      wire: outcome.wire,
      agentId: aid,
      agentName: outcome.agentName,
      agentCreated: outcome.agentCreated,
      runtime: outcome.runtime,
      files: outcome.files,
      removedFiles: outcome.removedFiles,
      quota: outcome.quota,
      notes: [...outcome.notes],
      commentKey: outcome.commentKey,
      course: outcome.course ?? null
    }
  }
  const name = checkRunName(outcome)
  snapshot.mark = await mark(options, snapshot, name)
  const where =
    snapshot.mark.kind === 'check-run'
      ? `the check run "${name}" on ${sha.slice(0, 7)}`
      : snapshot.mark.kind === 'status'
        ? `the commit status "${snapshot.mark.context}" on ${sha.slice(0, 7)}`
        : null
  outcome.notes.push(
    `ML Arena is evaluating agent ${aid}; this run did not wait for it (wait: false). ` +
      `The follow-up workflow (mlarena/mlarena-action/report, on a schedule) writes the result ` +
      `here${where ? ` and on ${where}` : ''} once the evaluation has ended.`
  )
  return snapshot
}

async function mark(
  options: PendingOptions,
  snapshot: PendingSnapshot,
  name: string
): Promise<CommitMark> {
  const { log, github, config, outcome } = options
  if (!config.githubToken || !github.owner || !snapshot.sha) {
    log.warning(
      'wait: false and no github-token: the commit is not marked pending; only the comment and summary say the agent is being evaluated.'
    )
    return { kind: 'none' }
  }
  try {
    const octokit =
      options.octokit ??
      (await loadToolkit()).createOctokit(config.githubToken, {
        userAgent: options.userAgent,
        debug: () => undefined,
        warning: message => log.warning(message)
      })
    const context = statusContext(snapshot.competitionId, snapshot.agentId)
    const result = await markPending(
      octokit,
      { owner: github.owner, repo: github.repo },
      {
        sha: snapshot.sha,
        name,
        externalId: externalId(snapshot.competitionId, snapshot.agentId),
        title: `Agent ${snapshot.agentId} is being evaluated`,
        summary: `ML Arena is evaluating agent ${snapshot.agentId}${outcome.agentName ? ` (${oneLine(outcome.agentName, 100)})` : ''}. The follow-up workflow completes this check when the evaluation has ended.`,
        text: encodeSnapshot(snapshot),
        context,
        description: `ML Arena is evaluating agent ${snapshot.agentId}`,
        detailsUrl: outcome.competitionUrl
      }
    )
    if (result.kind === 'none') {
      log.warning(`The commit is not marked pending: ${result.reason}.`)
      return { kind: 'none' }
    }
    log.info(
      result.kind === 'check-run'
        ? `Marked ${snapshot.sha.slice(0, 7)} pending: check run "${name}".`
        : `Marked ${snapshot.sha.slice(0, 7)} pending: commit status "${context}".`
    )
    return result
  } catch (error) {
    log.warning(`The commit is not marked pending: ${describeGitHubError(error)}`)
    return { kind: 'none' }
  }
}

/**
 * The previous run of this comment key left an agent pending; this run's comment replaces its
 * snapshot, so no follow-up would ever complete that mark: complete it now as superseded
 * (neutral), pointing at this run. Best effort: a refusal is a warning.
 */
export async function supersedePrevious(
  octokit: Octokit,
  github: RunContext,
  previous: PendingSnapshot,
  current: CommitMark | null,
  log: Logger
): Promise<void> {
  const mark = previous.mark
  const same =
    current !== null &&
    ((mark.kind === 'check-run' && current.kind === 'check-run' && mark.id === current.id) ||
      (mark.kind === 'status' &&
        current.kind === 'status' &&
        mark.context === current.context &&
        previous.sha === headCommit(github)))
  if (mark.kind === 'none' || same) return
  const repo = { owner: github.owner, repo: github.repo }
  const why = `Superseded: a later run of this pull request reports agent ${previous.agentId}${github.runUrl ? ` (${github.runUrl})` : ''}.`
  try {
    if (mark.kind === 'check-run') {
      await completeCheckRun(octokit, repo, mark.id, {
        conclusion: 'neutral',
        title: 'Superseded by a later run',
        summary: why,
        text: '',
        detailsUrl: previous.outcome.competitionUrl,
        annotations: []
      })
    } else {
      await setFinalStatus(octokit, repo, previous.sha, {
        context: mark.context,
        state: 'error',
        description: 'Superseded by a later run',
        targetUrl: previous.outcome.competitionUrl
      })
    }
  } catch (error) {
    log.warning(`The previous run's pending mark was not completed: ${describeGitHubError(error)}`)
  }
}
