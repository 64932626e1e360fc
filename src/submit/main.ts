/**
 * run(): reads the inputs, runs the pipeline, and always reports: outputs, job summary, PR
 * comment. The one place that catches errors and calls setFailed.
 */
import * as core from '@actions/core'
import os from 'node:os'
import { CLIENT_VERSION as VERSION } from '../arena/version.js'
import { systemClock } from '../clock.js'
import { defaultAgentName, readConfig, type Config } from './config.js'
import { ActionError, InputError } from '../errors.js'
import { loadRunContext } from '../github/run-context.js'
import {
  openCommentThread,
  type CommentThread,
  type StickyCommentHandle
} from '../github/sticky-comment.js'
import type { RunOutcome } from '../evaluation/outcome.js'
import { PhaseTracker, newOutcome, runPipeline } from './pipeline.js'
import type { Logger } from '../logger.js'
import { renderComment } from '../evaluation/report/comment.js'
import { findMarker, nextMarkerState, renderMarker, type MarkerState } from '../evaluation/report/marker.js'
import { renderSummary } from '../evaluation/report/summary.js'
import { classroomResult, encodeClassroomResult } from '../evaluation/report/classroom.js'
import { rankDropped } from '../evaluation/steps/rank.js'
import { oneLine } from '../format.js'
import { raceCancellation, watchCancellation } from '../cancellation.js'
import { actionsLog } from '../github/actions-log.js'
import { arenaClientForRun } from '../github/arena-client.js'

interface CommentPlan {
  sticky: StickyCommentHandle
  /** The state the existing comment's marker carries from the previous run. */
  previous: MarkerState | null
  key: string
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = actionsLog
  const cancellation = watchCancellation(log)
  const { signal } = cancellation

  const github = await loadRunContext(env)
  let config: Config | null = null
  let outcome = newOutcome(null, '')
  let tracker = new PhaseTracker(outcome, systemClock)
  let commentPlan: CommentPlan | null = null
  let wantComment = false

  try {
    config = readConfig(name => core.getInput(name), env)
    if (config.apiKey) core.setSecret(config.apiKey)
    if (config.githubToken) core.setSecret(config.githubToken)
    const pr = github.pullRequest
    wantComment =
      config.comment === 'on' ||
      (config.comment === 'auto' && (pr !== null || github.triggeringRun !== null))
    // workflow_run: the pull request is found first, so the default agent name can carry its number.
    const thread =
      config.apiKey && wantComment
        ? await openCommentThread({
            token: config.githubToken,
            context: github,
            log,
            userAgent: `mlarena-action/${VERSION}`,
            required: config.comment === 'on'
          })
        : null
    const agentName =
      config.agentName ??
      defaultAgentName({
        repository: github.repository,
        eventName: github.eventName,
        prNumber: thread?.target.issueNumber ?? pr?.number ?? null,
        // workflow_run: the commit under test is the triggering run's head, not GITHUB_SHA.
        sha: github.triggeringRun?.headSha ?? github.sha,
        refName: github.refName
      })
    const key = config.commentKey ?? `${config.competitionId ?? 'course'}:${agentName}`
    outcome = newOutcome(config, key)
    outcome.agentName = agentName
    tracker = new PhaseTracker(outcome, systemClock)

    if (!config.apiKey) {
      // No token: a fork or Dependabot PR is skipped (the step succeeds); anywhere else it is an error.
      if (pr && (pr.fromFork || pr.fromDependabot)) {
        const who = pr.fromDependabot ? 'a Dependabot pull request' : 'a pull request from a fork'
        const why = `This is ${who}: GitHub gives such runs no secrets, so there is no ML Arena token and nothing was submitted. Use the workflow_run recipe in the README to submit fork pull requests safely.`
        log.notice(why)
        outcome.kind = 'skipped'
        outcome.notes.push(why)
      } else {
        throw new InputError(
          'api-key',
          'is empty; pass your ML Arena token from a secret, e.g. api-key: ${{ secrets.MLARENA_API_KEY }} (a user token, mlk_user_…).'
        )
      }
    } else {
      if (thread) commentPlan = await loadStickyComment(thread, key)
      const previous = commentPlan?.previous ?? null

      const arena = arenaClientForRun(
        { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
        { log, debug: core.debug, setSecret: core.setSecret }
      )
      const pipeline = runPipeline(
        config,
        agentName,
        {
          arena,
          log,
          clock: systemClock,
          signal,
          tempDir: env.RUNNER_TEMP || os.tmpdir(),
          projectUrl: github.repositoryUrl || null,
          previous: previous && {
            rank: previous.rank,
            score: previous.score,
            agentId: previous.agentId
          }
        },
        outcome,
        tracker
      )
      await raceCancellation(pipeline, signal)
      if (signal.aborted && outcome.kind !== 'cancelled') outcome.kind = 'cancelled'
    }
  } catch (error) {
    outcome.kind = signal.aborted ? 'cancelled' : 'error'
    outcome.failure = tracker.failure(error)
    if (!(error instanceof ActionError) && error instanceof Error && error.stack)
      core.debug(error.stack)
  } finally {
    cancellation.dispose()
  }

  await report(outcome, config, commentPlan, wantComment, log)
  decide(outcome, config)
  if (signal.aborted) process.exit(1)
}

/** Recognises a comment body that starts with our marker for `key`. */
function markedWith(key: string): (body: string) => boolean {
  return body => findMarker(body, key) !== null
}

/** Our sticky comment on the pull request (to update, and to read the previous run's state). */
async function loadStickyComment(thread: CommentThread, key: string): Promise<CommentPlan | null> {
  const sticky = await thread.findSticky(markedWith(key))
  if (!sticky) return null
  const previous = sticky.existing ? findMarker(sticky.existing.body, key) : null
  return { sticky, previous, key }
}

/**
 * Outputs and the job summary first (they are local and quick, so a cancelled run still gets
 * them), then the PR comment, whose failure only warns: the summary already has the report.
 */
async function report(
  outcome: RunOutcome,
  config: Config | null,
  plan: CommentPlan | null,
  wantComment: boolean,
  log: Logger
): Promise<void> {
  const rank = outcome.rank
  const outputs: Record<string, string> = {
    'agent-id': outcome.agentId?.toString() ?? '',
    'agent-name': outcome.agentName ?? '',
    outcome: outcome.kind,
    status: outcome.status?.state ?? '',
    score: rank?.row?.score?.toString() ?? '',
    rank: rank?.row?.rank.toString() ?? '',
    'previous-rank': rank?.previousRank?.toString() ?? '',
    'leaderboard-size': rank ? String(rank.total) : '',
    'leaderboard-url': outcome.competitionUrl ?? '',
    'logs-dir': outcome.logs.length > 0 ? (outcome.logsDir ?? '') : '',
    'api-wire': outcome.wire ?? '',
    'course-id': outcome.course?.id.toString() ?? '',
    passed: outcome.course?.passed == null ? '' : String(outcome.course.passed),
    'pass-threshold': outcome.course?.passThreshold?.toString() ?? '',
    'classroom-result': encodeClassroomResult(classroomResult(outcome, config?.maxScore ?? 100))
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)

  if (config?.summary !== false && process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(outcome), true).write({ overwrite: false })
    } catch (error) {
      log.warning(
        `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }

  let commentUrl = ''
  if (plan && wantComment) {
    const body = renderComment(
      outcome,
      renderMarker(plan.key, nextMarkerState(outcome, plan.previous))
    )
    commentUrl = (await plan.sticky.publish(body))?.url ?? ''
  }
  core.setOutput('comment-url', commentUrl)
}

/** Fails the step for an error, a cancellation, or an outcome listed in fail-on. */
function decide(outcome: RunOutcome, config: Config | null): void {
  const failOn = config?.failOn ?? new Set(['deploy-failed', 'upload-failed', 'timeout'])
  const failure = outcome.failure ? oneLine(outcome.failure.message, 2000) : null
  switch (outcome.kind) {
    case 'error':
      core.setFailed(failure ?? 'mlarena-action failed.')
      return
    case 'cancelled':
      core.setFailed('The run was cancelled; the report shows the last known state.')
      return
    case 'deploy-failed':
    case 'upload-failed':
    case 'timeout': {
      const message = outcomeMessage(outcome)
      if (failOn.has(outcome.kind)) core.setFailed(message)
      else core.warning(message)
      return
    }
    default:
      if (outcome.rank && failOn.has('rank-drop') && rankDropped(outcome.rank)) {
        core.setFailed(
          `The agent's rank dropped from ${outcome.rank.previousRank} to ${outcome.rank.row?.rank} (fail-on: rank-drop).`
        )
      } else if (outcome.course?.passed === false && failOn.has('not-passed')) {
        const course = outcome.course
        const score = course.row?.score
        core.setFailed(
          oneLine(
            `Not passed yet in course ${course.name}: ${score == null ? 'no score on the course board' : `score ${score}`}, pass threshold ${course.passThreshold ?? 'unknown'} (fail-on: not-passed).`,
            500
          )
        )
      }
  }
}

function outcomeMessage(outcome: RunOutcome): string {
  const status = outcome.status
  if (outcome.kind === 'timeout') {
    const queue =
      status?.queuePosition != null
        ? ` at ${status.queuePosition}${status.queueTotal != null ? `/${status.queueTotal}` : ''}`
        : ''
    return `Timed out: agent ${outcome.agentId} is still ${status?.state ?? 'not evaluated'}${queue} after ${outcome.timeoutMinutes} min.`
  }
  const runError = status?.runs.find(run => run.failed && (run.errorType || run.errorMessage))
  const detail = runError
    ? `: ${[runError.errorType, runError.errorMessage].filter(Boolean).join(': ')}`
    : status?.message
      ? `: ${status.message}`
      : ''
  const what = outcome.kind === 'deploy-failed' ? 'deploy failed' : 'upload failed'
  return oneLine(`ML Arena reports the ${what} for agent ${outcome.agentId}${detail}`, 500)
}
