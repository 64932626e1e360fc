/**
 * The job summary: everything this run did, for the person reading the workflow run. Pure:
 * RunOutcome in, Markdown out, always under the size budget.
 */
import type { RunOutcome } from '../outcome.js'
import { courseSection } from './course.js'
import { fitToBudget, utf8Bytes } from '../../report/budget.js'
import {
  checksSection,
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
  timingsSection,
  type Detail
} from './sections.js'

/** GitHub drops a summary over 1024 KiB (1,048,576 bytes); keep a margin. */
export const SUMMARY_MAX_BYTES = 1_000_000

const FULL: Detail = {
  logChars: 4000,
  maxLogs: 10,
  top: Infinity,
  around: Infinity,
  chart: true,
  maxGames: 50,
  maxFiles: Infinity,
  maxRuns: 20,
  maxNotes: 20,
  noteChars: 500
}

export const SUMMARY_LEVELS: readonly Detail[] = detailLevels(FULL, 1000, {
  maxRuns: 3,
  maxNotes: 5
})

export function renderSummary(outcome: RunOutcome, options: { maxBytes?: number } = {}): string {
  const budget = options.maxBytes ?? SUMMARY_MAX_BYTES
  return fitToBudget(SUMMARY_LEVELS, detail => render(outcome, detail), utf8Bytes, budget)
}

function render(outcome: RunOutcome, detail: Detail): string {
  const sections: string[] = [
    `## ${heading(outcome)}`,
    stateSection(outcome),
    factsTable(outcome, false),
    titled('Course', courseSection(outcome))
  ]
  const runs = failedRunsSection(outcome, detail)
  if (runs) sections.push(`### Failed runs\n\n${runs}`)
  if (outcome.kind === 'dry-run') sections.push(checksSection(outcome))
  if (outcome.rank) {
    const title = outcome.course ? 'Class board' : 'Leaderboard'
    sections.push(titled(title, leaderboardSection(outcome.rank, detail)))
  }
  sections.push(titled('Score per game', gamesSection(outcome, detail)))
  sections.push(titled('Game logs', logsSection(outcome, detail)))
  sections.push(titled('Files', filesSection(outcome, detail, false)))
  sections.push(titled('Time per phase', timingsSection(outcome)))
  sections.push(
    titled(outcome.kind === 'skipped' ? 'Why' : 'Notes', notesSection(outcome.notes, detail))
  )
  return `${sections.filter(s => s !== '').join('\n\n')}\n`
}

function titled(title: string, body: string): string {
  return body === '' ? '' : `### ${title}\n\n${body}`
}
