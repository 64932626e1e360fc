/**
 * The follow-up's job summary: one row per agent followed (the outputs a waiting run sets),
 * then each finished agent's full report, as its waiting run's summary would have shown it.
 */
import { table, inlineText } from '../report/markdown.js'
import { renderSummary } from '../evaluation/report/summary.js'
import type { AgentResult } from './pipeline.js'

const SUMMARY_BUDGET = 900 * 1024

const STATE_WORDS: Record<AgentResult['state'], string> = {
  running: 'still being evaluated',
  finished: 'reported',
  unpublished: 'finished, not written yet'
}

export function renderFollowUpSummary(results: AgentResult[]): string {
  const parts = ['### ML Arena follow-up']
  if (results.length === 0) {
    parts.push('No agent of this repository is pending: nothing to report.')
    return `${parts.join('\n\n')}\n`
  }
  const rows = results.map(result => {
    const outcome = result.finished?.outcome
    const row = outcome?.rank?.row
    const where = result.agent.comment?.issueNumber
      ? `#${result.agent.comment.issueNumber}`
      : result.agent.snapshot.sha.slice(0, 7)
    return [
      String(result.agent.snapshot.agentId),
      inlineText(outcome?.agentName ?? result.agent.snapshot.outcome.agentName ?? '', 60),
      String(result.agent.snapshot.competitionId),
      where,
      STATE_WORDS[result.state],
      outcome?.kind ?? 'submitted',
      outcome?.status?.state ?? '',
      row ? String(row.rank) : '',
      row?.score == null ? '' : String(row.score)
    ]
  })
  parts.push(
    table(
      [
        'agent-id',
        'agent-name',
        'competition',
        'for',
        'follow-up',
        'outcome',
        'status',
        'rank',
        'score'
      ],
      rows
    )
  )
  // GitHub drops a job summary over 1 MiB whole: full reports while they fit, then the table alone.
  let size = parts.join('\n\n').length
  for (const result of results) {
    if (!result.finished) continue
    const report = renderSummary(result.finished.outcome)
    if (size + report.length > SUMMARY_BUDGET) {
      parts.push(
        '_More reports did not fit in the job summary: the comments and checks have them._'
      )
      break
    }
    parts.push(report)
    size += report.length
  }
  return `${parts.join('\n\n')}\n`
}
