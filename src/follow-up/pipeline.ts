/**
 * The follow-up's pipeline: find → read → finish → publish.
 *
 *   find     every agent this repository's runs left pending (comments, check runs, statuses)
 *   read     where each stands on ML Arena, in as few requests as it allows; any failure ends
 *            the run here, before anything is written
 *   finish   each settled agent's report, as the waiting run would have written it
 *   publish  its check run or status, then its sticky comment; still-running agents stay as
 *            they are
 */
import type { Octokit } from '../github/octokit-type.js'
import type { Repo } from '../github/checks.js'
import { describeGitHubError } from '../github/errors.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import { oneLine } from '../format.js'
import type { ArenaApi } from '../evaluation/arena-port.js'
import { collectPending, readSources, type PendingAgent } from './discover.js'
import { readAgents, type StatusReader, type Reading } from './judge.js'
import { finishAgent, type FinishedAgent } from './finish.js'
import { publish, type Published } from './publish.js'

export interface FollowUpDeps {
  octokit: Octokit
  arena: Pick<
    ArenaApi,
    'games' | 'downloadLog' | 'downloadReplay' | 'leaderboard' | 'getCompetition' | 'wire'
  > &
    StatusReader
  log: Logger
  clock: Clock
  /** Wall-clock time (ms since the epoch), to compare with the submissions' times. */
  now: number
  repo: Repo
  repository: string
  identity: string | null
  ref: string | null
  tempDir: string
  baseUrl: string
}

export interface FollowUpSettings {
  timeoutMinutes: number
  commits: number
  /** The watch's grace for a deploy that never started. */
  graceMs?: number
}

export interface AgentResult {
  agent: PendingAgent
  /** still running (untouched), finished and published, or finished but a write failed. */
  state: 'running' | 'finished' | 'unpublished'
  finished: FinishedAgent | null
  published: Published | null
  /** Why a write failed (the next run tries again). */
  error?: string
}

/** How far back comments and commits are searched: the bound, plus a day of missed schedules. */
const SLACK_MS = 24 * 60 * 60_000

export async function runFollowUp(
  deps: FollowUpDeps,
  settings: FollowUpSettings
): Promise<AgentResult[]> {
  const boundMs = settings.timeoutMinutes * 60_000
  const since = new Date(deps.now - boundMs - SLACK_MS).toISOString()

  const sources = await readSources(deps.octokit, {
    repo: deps.repo,
    ref: deps.ref,
    commits: settings.commits,
    since
  })
  const pending = collectPending(sources, deps.identity, deps.repository)
  deps.log.info(
    pending.length === 0
      ? 'No agent of this repository is pending.'
      : `${pending.length} pending agent(s): ${pending.map(agent => agent.snapshot.agentId).join(', ')}.`
  )

  const readings = await readAgents(deps.arena, pending, {
    now: deps.now,
    boundMs,
    graceMs: settings.graceMs ?? 120_000
  })

  // Every report is built before the first write, so a failure while reading leaves every mark.
  const finished: FinishedAgent[] = []
  for (const reading of readings) {
    if (reading.kind === 'running') continue
    finished.push(
      await finishAgent(reading.agent, watchedOf(reading), {
        ...deps,
        timeoutMinutes: settings.timeoutMinutes
      })
    )
  }

  const results: AgentResult[] = []
  for (const reading of readings) {
    const done = finished.find(entry => entry.agent === reading.agent) ?? null
    if (!done) {
      deps.log.info(`Agent ${reading.agent.snapshot.agentId} is still being evaluated.`)
      results.push({ agent: reading.agent, state: 'running', finished: null, published: null })
      continue
    }
    let published: Published
    try {
      published = await publish(deps.octokit, deps.repo, done)
    } catch (error) {
      const message = describeGitHubError(error)
      deps.log.warning(
        `Agent ${reading.agent.snapshot.agentId}: could not write its result (${message}); the next run tries again.`
      )
      results.push({
        agent: reading.agent,
        state: 'unpublished',
        finished: done,
        published: null,
        error: message
      })
      continue
    }
    deps.log.info(
      oneLine(
        `Agent ${reading.agent.snapshot.agentId}: ${done.outcome.kind}${published.commentUrl ? ` (${published.commentUrl})` : ''}.`
      )
    )
    results.push({ agent: reading.agent, state: 'finished', finished: done, published })
  }
  return results
}

function watchedOf(reading: Exclude<Reading, { kind: 'running' }>) {
  return reading.kind === 'deleted' ? ('deleted' as const) : reading.watched
}
