/**
 * Writes one finished agent's result where its pending marks are: the check run completed
 * (conclusion from the submission's fail-on, the failure's annotations on it) or the final
 * commit status (rank in the description, the ML Arena page as its link), then the sticky
 * comment updated in place with the waiting run's body and no pending line. The marks go
 * first: the comment is how a later run finds the agent, so if a write fails the next run
 * finds it again and writes the same thing (every write here is idempotent; none creates a
 * comment, so two runs at once cannot post twice).
 */
import type { Octokit } from '../github/octokit-type.js'
import { completeCheckRun, setFinalStatus, type Conclusion, type Repo } from '../github/checks.js'
import { renderComment } from '../evaluation/report/comment.js'
import { nextMarkerState, renderMarker } from '../evaluation/report/marker.js'
import { heading } from '../evaluation/report/sections.js'
import type { RunOutcome } from '../evaluation/outcome.js'
import type { FinishedAgent } from './finish.js'

export interface Published {
  commentUrl: string | null
  /** Annotations that had no check run to go on: the caller writes them to the workflow log. */
  unplaced: FinishedAgent['annotations']
}

export async function publish(
  octokit: Octokit,
  repo: Repo,
  finished: FinishedAgent
): Promise<Published> {
  const { agent, outcome, verdict } = finished
  const comment = agent.comment
  const marker = renderMarker(
    comment?.key ?? outcome.commentKey,
    nextMarkerState(outcome, comment?.previous ?? null)
  )
  const body = renderComment(outcome, marker)
  let unplaced = finished.annotations

  if (agent.checkRunId !== null) {
    await completeCheckRun(octokit, repo, agent.checkRunId, {
      conclusion: conclusionOf(outcome, verdict.level),
      title: heading(outcome).slice(0, 200),
      summary: body.slice(body.indexOf('\n') + 1),
      text: verdict.message ?? '',
      detailsUrl: outcome.competitionUrl,
      annotations: finished.annotations.map(annotation => ({
        ...annotation,
        level: 'failure' as const
      }))
    })
    unplaced = []
  }
  if (agent.status) {
    await setFinalStatus(octokit, repo, agent.status.sha, {
      context: agent.status.context,
      state:
        verdict.level === 'fail' ? (outcome.kind === 'error' ? 'error' : 'failure') : 'success',
      description: statusDescription(outcome),
      targetUrl: outcome.competitionUrl
    })
  }
  let commentUrl: string | null = null
  if (comment) {
    const updated = await octokit.rest.issues.updateComment({
      ...repo,
      comment_id: comment.id,
      body
    })
    commentUrl = updated.data.html_url
  }
  return { commentUrl, unplaced }
}

function conclusionOf(outcome: RunOutcome, level: 'fail' | 'warn' | 'ok'): Conclusion {
  if (level === 'ok') return 'success'
  if (outcome.kind === 'timeout') return level === 'fail' ? 'timed_out' : 'neutral'
  return level === 'fail' ? 'failure' : 'neutral'
}

/** "Rank 3 of 120, score 0.93" or what happened, in GitHub's 140 characters. */
export function statusDescription(outcome: RunOutcome): string {
  const row = outcome.rank?.row
  if (outcome.kind === 'success' && row) {
    const total = outcome.rank?.total
    return `Rank ${row.rank}${total ? ` of ${total}` : ''}${row.score === null ? '' : `, score ${row.score}`}`
  }
  switch (outcome.kind) {
    case 'success':
      return `Agent ${outcome.agentId} is active; no leaderboard row yet`
    case 'timeout':
      return `Still ${outcome.status?.state ?? 'not evaluated'} after ${outcome.timeoutMinutes} min`
    case 'deploy-failed':
      return `Deploy failed for agent ${outcome.agentId}`
    case 'upload-failed':
      return `Upload failed for agent ${outcome.agentId}`
    default:
      return (outcome.failure?.message ?? 'The evaluation did not finish').slice(0, 140)
  }
}
