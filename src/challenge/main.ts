/**
 * run(): reads the inputs, runs the challenge pipeline, and always reports: annotations,
 * outputs, job summary, PR comment. The one place that catches errors and calls setFailed.
 */
import * as core from '@actions/core'
import type { ArenaClient } from '../arena/client.js'
import { CreatorClient } from '../arena/creator.js'
import { systemClock } from '../clock.js'
import { ActionError, InputError } from '../errors.js'
import { oneLine } from '../format.js'
import { raceCancellation, watchCancellation } from '../cancellation.js'
import { actionsLog } from '../github/actions-log.js'
import { arenaClientForRun } from '../github/arena-client.js'
import type { Logger } from '../logger.js'
import { annotateFindings } from './annotate.js'
import { loadRunContext, type RunContext } from '../github/run-context.js'
import { publishStickyComment } from './comment.js'
import { readChallengeConfig, type ChallengeConfig } from './config.js'
import { allFindings, newChallengeOutcome, type ChallengeOutcome } from './outcome.js'
import { runChallenge } from './pipeline.js'
import {
  COMMENT_MARKER_TAG,
  renderChallengeComment,
  renderChallengeSummary
} from './report/render.js'

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = actionsLog
  const cancellation = watchCancellation(log)
  const { signal } = cancellation

  const context = await loadRunContext(env)
  let config: ChallengeConfig | null = null
  let outcome = newChallengeOutcome(
    context.pullRequest ? 'plan' : 'apply',
    core.getInput('name').trim()
  )
  let arena: ArenaClient | null = null
  try {
    config = readChallengeConfig(name => core.getInput(name), env)
    outcome = newChallengeOutcome(config.mode, config.name ?? '')
    if (config.apiKey) core.setSecret(config.apiKey)
    if (config.githubToken) core.setSecret(config.githubToken)
    const pr = context.pullRequest
    if (!config.apiKey) {
      if (pr && (pr.fromFork || pr.fromDependabot)) {
        const why = `This is ${pr.fromDependabot ? 'a Dependabot pull request' : 'a pull request from a fork'}: GitHub gives it no secrets, so there is no ML Arena token and no plan.`
        log.notice(why)
        outcome.kind = 'skipped'
        outcome.notes.push(why)
      } else {
        throw new InputError(
          'api-key',
          'is empty; pass your ML Arena creator token from a secret, e.g. api-key: ${{ secrets.MLARENA_CREATOR_KEY }} (mlk_creator_…).'
        )
      }
    } else {
      arena = arenaClientForRun(
        { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
        { log, debug: core.debug, setSecret: core.setSecret }
      )
      const client = arena
      const pipeline = runChallenge(
        config,
        {
          api: new CreatorClient(client, {
            logger: { debug: core.debug, info: m => log.info(m), warning: m => log.warning(m) }
          }),
          wire: () => client.wire(),
          clock: systemClock,
          log,
          signal,
          workspace: env.GITHUB_WORKSPACE?.trim() || process.cwd()
        },
        outcome
      )
      await raceCancellation(pipeline, signal)
      if (signal.aborted) outcome.kind = 'cancelled'
    }
  } catch (error) {
    if (signal.aborted) outcome.kind = 'cancelled'
    else if (!['plan-failed', 'refused'].includes(outcome.kind)) outcome.kind = 'error'
    outcome.failure =
      error instanceof ActionError
        ? error.message
        : `Unexpected error (a bug: please report it): ${error instanceof Error ? error.message : String(error)}`
    if (!(error instanceof ActionError) && error instanceof Error && error.stack)
      core.debug(error.stack)
  } finally {
    cancellation.dispose()
  }

  await report(outcome, config, context, log)
  decide(outcome)
  await arena?.close()
  if (signal.aborted) process.exit(1)
}

/** Every output on every run ('' when unknown), annotations, the job summary, the PR comment. */
async function report(
  outcome: ChallengeOutcome,
  config: ChallengeConfig | null,
  context: RunContext,
  log: Logger
): Promise<void> {
  annotateFindings(allFindings(outcome), (severity, message, properties) => {
    if (severity === 'error') core.error(message, properties)
    else if (severity === 'warning') core.warning(message, properties)
    else core.notice(message, properties)
  })
  const blockers = outcome.blockers ?? outcome.plan?.blockersAfter ?? null
  const outputs: Record<string, string> = {
    'challenge-id': outcome.challengeId?.toString() ?? '',
    status: outcome.status === 'new' ? '' : (outcome.status ?? ''),
    'benchmark-status':
      outcome.benchmarkEnd === 'timeout'
        ? 'timeout'
        : (outcome.benchmark?.run?.jobStatus ?? outcome.benchmarkEnd ?? ''),
    'benchmark-score': outcome.benchmark?.run?.score?.toString() ?? '',
    blockers: blockers ? String(blockers.length) : '',
    changes: outcome.plan ? String(outcome.plan.changes.length) : '',
    url: outcome.url ?? '',
    outcome: outcome.kind
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)

  if (config?.summary !== false && process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderChallengeSummary(outcome), true).write()
    } catch (error) {
      log.warning(`Could not write the job summary: ${errorText(error)}`)
    }
  }

  const wantComment =
    config !== null &&
    outcome.kind !== 'skipped' &&
    (config.comment === 'on' || (config.comment === 'auto' && context.pullRequest !== null))
  let commentUrl: string | null = null
  if (wantComment && config) {
    const key = config.commentKey ?? `challenge:${config.challengeId ?? config.name ?? ''}`
    commentUrl = await publishStickyComment(
      {
        context,
        token: config.githubToken,
        required: config.comment === 'on',
        tag: COMMENT_MARKER_TAG,
        key,
        render: marker => renderChallengeComment(outcome, marker)
      },
      log
    )
  }
  core.setOutput('comment-url', commentUrl ?? '')
}

function decide(outcome: ChallengeOutcome): void {
  const failure = outcome.failure ? oneLine(outcome.failure, 2000) : null
  switch (outcome.kind) {
    case 'planned':
    case 'applied':
    case 'started':
    case 'skipped':
      return
    case 'blocked': {
      const list = (outcome.blockers ?? []).map(b => `${b.code} (${oneLine(b.message, 200)})`)
      core.setFailed(
        `start is true, but ML Arena lists ${list.length} start blocker(s): ${list.join('; ')}.`
      )
      return
    }
    case 'timeout':
      core.setFailed(
        `The benchmark did not finish within timeout-minutes; it is still ${outcome.benchmark?.run?.jobStatus ?? 'pending'} on ML Arena.`
      )
      return
    case 'benchmark-failed': {
      const run = outcome.benchmark?.run
      const why = [run?.jobErrorType, run?.envErrorType, run?.envErrorMessage].filter(Boolean)
      core.setFailed(
        oneLine(
          `The benchmark ${run?.jobStatus ?? 'failed'}${why.length > 0 ? `: ${why.join(': ')}` : ''}`,
          500
        )
      )
      return
    }
    case 'cancelled':
      core.setFailed('The run was cancelled; the report shows the last known state.')
      return
    default:
      core.setFailed(failure ?? 'The challenge action failed.')
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
