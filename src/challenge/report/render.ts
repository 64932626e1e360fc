/**
 * The job summary and the sticky PR comment of the challenge action. Pure: outcome in,
 * Markdown out, always under GitHub's size limits (1024 KiB summary, 65,536-character comment).
 */
import { fitToBudget, utf16Units, utf8Bytes } from '../../report/budget.js'
import { allFindings, type ChallengeOutcome } from '../outcome.js'
import {
  benchmarkSection,
  blockersSection,
  changesSection,
  detailLevels,
  factsTable,
  failureSection,
  findingsSection,
  FULL_DETAIL,
  heading,
  notesSection,
  type Detail
} from './sections.js'

export const SUMMARY_MAX_BYTES = 1_000_000
export const COMMENT_MAX_CHARS = 60_000

/** The marker tag of the challenge action's sticky comment (src/report/sticky-marker.ts). */
export const COMMENT_MARKER_TAG = 'mlarena-action:challenge:v1'

const LEVELS = detailLevels(FULL_DETAIL)

export function renderChallengeSummary(
  outcome: ChallengeOutcome,
  maxBytes = SUMMARY_MAX_BYTES
): string {
  return fitToBudget(LEVELS, detail => render(outcome, detail, '##', ''), utf8Bytes, maxBytes)
}

/** `marker` is the one-line marker; it is put first, where the next run looks for it. */
export function renderChallengeComment(
  outcome: ChallengeOutcome,
  marker: string,
  maxChars = COMMENT_MAX_CHARS
): string {
  const firstLine = marker.split(/\r?\n/, 1)[0] ?? ''
  return fitToBudget(
    LEVELS,
    detail =>
      render(outcome, detail, '###', `${firstLine}\n`) +
      '\n<sub>Updated in place by mlarena-action/challenge on each run.</sub>\n',
    utf16Units,
    maxChars
  )
}

function render(outcome: ChallengeOutcome, detail: Detail, h: string, top: string): string {
  const sub = `${h}#`
  const plan = outcome.plan
  // The status the plan was made against (the run may have started the challenge since).
  const started = plan?.status === 'started'
  const sections = [`${top}${h} ${heading(outcome)}`, failureSection(outcome), factsTable(outcome)]
  if (plan) {
    sections.push(
      titled(
        sub,
        outcome.mode === 'plan' ? 'Plan' : 'Changes',
        changesSection(plan.changes, detail, started)
      )
    )
    if (plan.configChanges.length > 0)
      sections.push(
        titled(
          sub,
          'Config keys (applied by the challenge.toml upload)',
          changesSection(plan.configChanges, detail, started)
        )
      )
  }
  sections.push(titled(sub, 'Findings', findingsSection(allFindings(outcome), detail)))
  sections.push(titled(sub, 'Benchmark', benchmarkSection(outcome, detail)))
  sections.push(titled(sub, 'Start blockers', blockersSection(outcome)))
  sections.push(
    titled(sub, 'Notes', notesSection([...(plan?.notes ?? []), ...outcome.notes], detail))
  )
  return `${sections.filter(s => s !== '').join('\n\n')}\n`
}

function titled(h: string, title: string, body: string): string {
  return body === '' ? '' : `${h} ${title}\n\n${body}`
}
