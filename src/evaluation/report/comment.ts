/**
 * The sticky PR comment: the same facts as the job summary, compact, with the marker first (the
 * marker is how the next run finds this comment and what it compares against).
 */
import type { RunOutcome } from '../outcome.js'
import { courseSection } from './course.js'
import { fitToBudget, utf16Units } from '../../report/budget.js'
import {
  factsTable,
  failedRunsSection,
  filesSection,
  gamesSection,
  heading,
  leaderboardSection,
  logsSection,
  notesSection,
  detailLevels,
  stateSection,
  type Detail
} from './sections.js'

/** GitHub refuses a comment over 65,536 characters; keep a margin. */
export const COMMENT_MAX_CHARS = 60_000

const FULL: Detail = {
  logChars: 1500,
  maxLogs: 3,
  top: Infinity,
  around: Infinity,
  chart: true,
  maxGames: 20,
  maxFiles: Infinity,
  maxRuns: 5,
  maxNotes: 10,
  noteChars: 300
}

export const COMMENT_LEVELS: readonly Detail[] = detailLevels(FULL, 500, {
  maxRuns: 2,
  maxNotes: 3
})

/** `marker` comes from renderMarker(); it must be one line, and it is put first. */
export function renderComment(
  outcome: RunOutcome,
  marker: string,
  options: { maxChars?: number } = {}
): string {
  const budget = options.maxChars ?? COMMENT_MAX_CHARS
  const firstLine = marker.split(/\r?\n/, 1)[0] ?? ''
  return fitToBudget(
    COMMENT_LEVELS,
    detail => render(outcome, firstLine, detail),
    utf16Units,
    budget
  )
}

function render(outcome: RunOutcome, marker: string, detail: Detail): string {
  const sections: string[] = [
    `${marker}\n### ${heading(outcome)}`,
    stateSection(outcome),
    factsTable(outcome, true),
    titled('Course', courseSection(outcome)),
    failedRunsSection(outcome, detail)
  ]
  if (outcome.rank) {
    const title = outcome.course ? 'Class board' : 'Leaderboard'
    sections.push(titled(title, leaderboardSection(outcome.rank, detail)))
  }
  sections.push(titled('Score per game', gamesSection(outcome, detail)))
  sections.push(titled('Game logs', logsSection(outcome, detail)))
  sections.push(filesSection(outcome, detail, true))
  sections.push(
    titled(outcome.kind === 'skipped' ? 'Why' : 'Notes', notesSection(outcome.notes, detail))
  )
  sections.push('<sub>Updated in place by mlarena-action on each run.</sub>')
  return `${sections.filter(s => s !== '').join('\n\n')}\n`
}

function titled(title: string, body: string): string {
  return body === '' ? '' : `#### ${title}\n\n${body}`
}
