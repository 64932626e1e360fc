/**
 * run(): the follow-up (report/action.yml). Reads its inputs, finds every agent this
 * repository's runs left pending, reports each one that has settled, and sets its outputs and
 * job summary. The one place that catches errors and calls setFailed.
 */
import * as core from '@actions/core'
import os from 'node:os'
import { CLIENT_VERSION as VERSION } from '../arena/version.js'
import { systemClock } from '../clock.js'
import { ActionError } from '../errors.js'
import { loadRunContext } from '../github/run-context.js'
import { loadToolkit } from '../github/load-toolkit.js'
import { resolveIdentity } from '../github/comments.js'
import { actionsLog } from '../github/actions-log.js'
import { describeGitHubError, isRequestError } from '../github/errors.js'
import { arenaClientForRun } from '../github/arena-client.js'
import { ArenaError } from '../arena/errors.js'
import { outputsOf } from '../evaluation/outputs.js'
import { readFollowUpConfig } from './config.js'
import { runFollowUp, type AgentResult } from './pipeline.js'
import { renderFollowUpSummary } from './summary.js'

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = actionsLog
  try {
    const config = readFollowUpConfig(name => core.getInput(name))
    core.setSecret(config.apiKey)
    core.setSecret(config.githubToken)
    const github = await loadRunContext(env)
    const toolkit = await loadToolkit()
    const octokit = toolkit.createOctokit(config.githubToken, {
      userAgent: `mlarena-action-report/${VERSION}`,
      debug: message => core.debug(message),
      warning: message => log.warning(message)
    })
    const arena = arenaClientForRun(
      { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
      { log, debug: core.debug, setSecret: core.setSecret },
      'mlarena-action-report'
    )
    const identity = await resolveIdentity(octokit)
    const results = await runFollowUp(
      {
        octokit,
        arena,
        log,
        clock: systemClock,
        now: Date.now(),
        repo: { owner: github.owner, repo: github.repo },
        repository: github.repository,
        identity,
        ref: github.refName,
        tempDir: env.RUNNER_TEMP || os.tmpdir(),
        baseUrl: config.baseUrl
      },
      { timeoutMinutes: config.timeoutMinutes, commits: config.commits }
    ).catch(error => {
      throw error instanceof ArenaError ? new ArenaDown(error) : error
    })
    await report(results, config.summary, log)
    const unpublished = results.filter(result => result.state === 'unpublished')
    if (unpublished.length > 0) {
      core.setFailed(
        `Could not write the result of ${unpublished.length} agent(s) (${unpublished[0]?.error}); their pending marks stay, and the next run writes them.`
      )
    }
  } catch (error) {
    if (!(error instanceof ActionError) && error instanceof Error && error.stack)
      core.debug(error.stack)
    core.setFailed(
      error instanceof ActionError
        ? error.message
        : isRequestError(error)
          ? `Could not read what is pending on GitHub: ${describeGitHubError(error)}`
          : `Unexpected error (a bug in mlarena-action, please report it): ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

/** ML Arena could not answer: nothing was written, every pending mark is as it was. */
class ArenaDown extends ActionError {
  override name = 'ArenaDown'
  constructor(cause: ArenaError) {
    super(
      `ML Arena could not be read (${cause.message}); nothing was changed on GitHub: every pending agent stays pending until a later run.`
    )
  }
}

async function report(results: AgentResult[], summary: boolean, log: typeof actionsLog) {
  const finished = results.filter(result => result.state === 'finished')
  const rows = results.map(result => ({
    'agent-id': String(result.agent.snapshot.agentId),
    'competition-id': String(result.agent.snapshot.competitionId),
    'follow-up': result.state,
    ...(result.finished ? outputsOf(result.finished.outcome, 100) : { outcome: 'submitted' }),
    'comment-url': result.published?.commentUrl ?? ''
  }))
  core.setOutput('agents', JSON.stringify(rows))
  core.setOutput('followed', String(results.length))
  core.setOutput('finished', String(finished.length))
  core.setOutput('pending', String(results.filter(result => result.state === 'running').length))
  for (const result of results) {
    for (const annotation of result.published?.unplaced ?? []) {
      core.error(annotation.message, {
        title: annotation.title,
        file: annotation.path,
        startLine: annotation.line
      })
    }
  }
  if (summary && process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderFollowUpSummary(results), true).write({ overwrite: false })
    } catch (error) {
      log.warning(
        `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }
}
