/**
 * run(): reads the inputs, runs the pipeline, and always reports: outputs, job summary, PR
 * comment. The one place that catches errors and calls setFailed.
 */
import * as core from '@actions/core'
import os from 'node:os'
import path from 'node:path'
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
import { COMMENT_MAX_CHARS, renderComment } from '../evaluation/report/comment.js'
import {
  findMarker,
  nextMarkerState,
  renderMarker,
  type MarkerState
} from '../evaluation/report/marker.js'
import { renderSummary } from '../evaluation/report/summary.js'
import { failingRule } from '../evaluation/step-result.js'
import { raceCancellation, watchCancellation } from '../cancellation.js'
import { actionsLog } from '../github/actions-log.js'
import {
  decodeSnapshot,
  encodeSnapshot,
  withSnapshot,
  type PendingSnapshot
} from '../evaluation/pending.js'
import { leavePending, supersedePrevious } from './pending.js'
import { outputsOf } from '../evaluation/outputs.js'
import { failureTexts, tracebackAnnotations } from '../evaluation/annotations.js'
import { DEFAULT_FAIL_ON, verdictOf } from '../evaluation/verdict.js'
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
  let thread: CommentThread | null = null

  try {
    config = readConfig(name => core.getInput(name), env)
    if (config.apiKey) core.setSecret(config.apiKey)
    if (config.githubToken) core.setSecret(config.githubToken)
    const pr = github.pullRequest
    wantComment =
      config.comment === 'on' ||
      (config.comment === 'auto' && (pr !== null || github.triggeringRun !== null))
    // workflow_run: the pull request is found first, so the default agent name can carry its number.
    thread =
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
          // One agent per branch; a pull request (or its workflow_run) keeps its own agent.
          reuseAgentByName: !config.newAgent && pr === null && github.triggeringRun === null,
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

  outcome.failsStep = failingRule(outcome, config)
  // wait: false: the head commit is marked pending, and the comment carries what the follow-up needs.
  const pending =
    config && !config.wait && outcome.kind === 'submitted'
      ? await leavePending({
          outcome,
          config,
          github,
          octokit: thread?.octokit ?? null,
          log,
          userAgent: `mlarena-action/${VERSION}`,
          workspace: env.GITHUB_WORKSPACE || process.cwd()
        })
      : null

  // The comment about to be written drops the previous run's snapshot: complete its mark.
  const left = decodeSnapshot(commentPlan?.sticky.existing?.body)
  if (left && thread && wantComment) {
    await supersedePrevious(thread.octokit, github, left, pending?.mark ?? null, log)
  }

  await report(outcome, config, commentPlan, wantComment, log, pending)
  if (config) annotateFailure(outcome, config, env.GITHUB_WORKSPACE || process.cwd())
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
  log: Logger,
  pending: PendingSnapshot | null = null
): Promise<void> {
  const outputs = outputsOf(outcome, config?.maxScore ?? 100)
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
    const marker = renderMarker(plan.key, nextMarkerState(outcome, plan.previous))
    const line = pending ? encodeSnapshot(pending) : null
    const rendered = renderComment(outcome, marker, {
      maxChars: COMMENT_MAX_CHARS - (line ? line.length + 1 : 0)
    })
    const body = line ? withSnapshot(rendered, line) : rendered
    commentUrl = (await plan.sticky.publish(body))?.url ?? ''
  }
  core.setOutput('comment-url', commentUrl)
}

/** A failure on the agent's own code: its traceback's frames as annotations on the repository's lines. */
function annotateFailure(outcome: RunOutcome, config: Config, workspace: string): void {
  if (outcome.kind === 'success' || outcome.files.length === 0) return
  const dir = path.relative(workspace, config.workingDirectory).split(path.sep).join('/')
  for (const annotation of tracebackAnnotations(failureTexts(outcome), outcome.files, dir)) {
    core.error(annotation.message, {
      title: annotation.title,
      file: annotation.path,
      startLine: annotation.line
    })
  }
}

/** Fails the step for an error, a cancellation, or an outcome listed in fail-on. */
function decide(outcome: RunOutcome, config: Config | null): void {
  const verdict = verdictOf(outcome, config?.failOn ?? DEFAULT_FAIL_ON)
  if (verdict.level === 'fail') core.setFailed(verdict.message ?? 'mlarena-action failed.')
  else if (verdict.level === 'warn' && verdict.message) core.warning(verdict.message)
}
