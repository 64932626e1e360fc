/**
 * The class report as the job summary: the class at a glance (enrolled, passing, without a
 * scored agent), every student in a table, the scores against the threshold as a Mermaid chart,
 * and who has no scored agent yet. Pure; every text from ML Arena or a student goes through
 * markdown.ts, and the chart carries numbers only.
 */
import { valueAxis } from '../../report/chart.js'
import { fitToBudget, utf8Bytes } from '../../report/budget.js'
import { formatCount, formatNumber } from '../../report/format.js'
import { inlineText, link, table } from '../../report/markdown.js'
import type { Course } from '../../arena/courses.js'
import type { ClassReport, ClassStudent } from './class-report.js'

/** GitHub drops a summary over 1024 KiB; keep a margin. */
export const CLASS_SUMMARY_MAX_BYTES = 1_000_000
/** Students drawn one bar each; a bigger class is drawn as a histogram. */
const MAX_BARS = 60
const HISTOGRAM_BINS = 12
const NAME = 40
const AGENT = 50

interface Detail {
  /** Students in the table; the CSV always has them all. */
  maxRows: number
  chart: boolean
}

const LEVELS: readonly Detail[] = [
  { maxRows: Infinity, chart: true },
  { maxRows: 1000, chart: true },
  { maxRows: 200, chart: true },
  { maxRows: 50, chart: false }
]

export interface SummaryInput {
  course: Course
  /** Null: the server cannot list the class (legacy API): only the course is shown. */
  report: ClassReport | null
  csvPath: string | null
  /** ML Arena's own CSV export of the course board, written beside ours (one-challenge courses). */
  platformCsvPath?: string | null
  created: boolean
}

export function renderClassSummary(
  input: SummaryInput,
  options: { maxBytes?: number } = {}
): string {
  return fitToBudget(
    LEVELS,
    detail => render(input, detail),
    utf8Bytes,
    options.maxBytes ?? CLASS_SUMMARY_MAX_BYTES
  )
}

function render(input: SummaryInput, detail: Detail): string {
  const { course, report } = input
  const code = course.code ? ` (${inlineText(course.code, 40)})` : ''
  const sections = [`## 🎓 ML Arena · ${inlineText(course.name, 80)}${code}: class report`]
  const facts: string[][] = [
    ['Course', `id ${course.id}${input.created ? ' · created by this run' : ''}`]
  ]
  if (course.joinCode) facts.push(['Join code', `\`${inlineText(course.joinCode, 128)}\``])
  if (!report) {
    sections.push(table([' ', ' '], facts))
    sections.push(
      '**This server speaks the legacy ML Arena API, which has no roster and no course boards**: the class cannot be listed there; a server of the current API can.'
    )
    return `${sections.join('\n\n')}\n`
  }
  sections.splice(1, 0, glance(report))
  if (report.challenge) {
    const name = report.challenge.name ? `${inlineText(report.challenge.name, 80)} · ` : ''
    facts.push(['Challenge', `${name}id ${report.challenge.id}`])
  }
  facts.push(['Pass threshold', thresholdText(report)])
  sections.push(table([' ', ' '], facts))

  if (!report.challenge) {
    sections.push(
      '**No challenge is attached to this course yet**: attach one on ML Arena, and the next run reports the class on it.'
    )
  }
  if (report.students.length > 0) sections.push(`### Students\n\n${studentTable(report, detail)}`)
  const chart = detail.chart ? scoreChart(report) : ''
  if (chart) sections.push(`### Scores against the threshold\n\n${chart}`)
  if (report.unscored.length > 0)
    sections.push(`### No scored agent yet\n\n${unscoredList(report, detail)}`)
  if (report.strays > 0) {
    sections.push(
      `_The course board also ranks ${formatCount(report.strays)} user(s) who are not on the roster._`
    )
  }
  if (input.csvPath)
    sections.push(
      `The same report as CSV, for the gradebook: \`${inlineText(input.csvPath, 200)}\`.`
    )
  if (input.platformCsvPath)
    sections.push(
      `ML Arena's own export of the course board, beside it: \`${inlineText(input.platformCsvPath, 200)}\`.`
    )
  return `${sections.join('\n\n')}\n`
}

function glance(report: ClassReport): string {
  const parts = [`**${formatCount(report.enrolled)}** enrolled`]
  if (report.passThreshold !== null) parts.push(`**${formatCount(report.passedCount)}** pass`)
  parts.push(`**${formatCount(report.unscored.length)}** without a scored agent yet`)
  return parts.join(' · ')
}

function thresholdText(report: ClassReport): string {
  if (report.passThreshold === null) return 'none set'
  const metric = report.metricName ? ` ${inlineText(report.metricName, 40)}` : ''
  const direction = report.order === 'asc' ? 'lower is better' : 'higher is better'
  return `${formatNumber(report.passThreshold, report.precision)}${metric} (${direction})`
}

function studentTable(report: ClassReport, detail: Detail): string {
  const shown = report.students.slice(0, detail.maxRows)
  const rows = shown.map(student => {
    const row = student.row
    return [
      row ? formatCount(row.rank) : '–',
      student.username ? inlineText(student.username, NAME) : unnamed(student),
      student.studentNumber ? inlineText(student.studentNumber, NAME) : '–',
      repositoryCell(student),
      row ? inlineText(row.agentName, AGENT) : '–',
      student.score !== null ? formatNumber(student.score, report.precision) : '–',
      passedCell(student)
    ]
  })
  const rest = report.students.length - shown.length
  const more =
    rest > 0 ? `\n\n…and ${formatCount(rest)} more students: the CSV file has them all.` : ''
  return `${table(
    ['Rank', 'Student', 'Student number', 'Repository', 'Best agent', 'Score', 'Passed'],
    rows,
    ['r', 'l', 'l', 'l', 'l', 'r', 'l']
  )}${more}`
}

/** A student the dashboard does not name: by the roster's e-mail, else the user id. */
function unnamed(student: ClassStudent): string {
  if (student.studentEmail) return inlineText(student.studentEmail, NAME)
  return student.userId !== null ? `user ${student.userId}` : 'a student'
}

function repositoryCell(student: ClassStudent): string {
  const url = student.projectUrl
  if (!url) return '–'
  let label = url
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:')
      label = `${parsed.host}${parsed.pathname}`.replace(/\/+$/, '')
  } catch {
    // not a URL: link() shows it as plain text
  }
  return link(label, url, 60)
}

function passedCell(student: ClassStudent): string {
  if (student.passed === true) return '✅ yes'
  if (student.passed === false) return student.score !== null ? '❌ no' : '❌ no (no score)'
  return '–'
}

function unscoredList(report: ClassReport, detail: Detail): string {
  const shown = report.unscored.slice(0, Math.min(detail.maxRows, 500))
  const lines = shown.map(student => {
    const who = student.username ? inlineText(student.username, NAME) : unnamed(student)
    const number = student.studentNumber ? ` · ${inlineText(student.studentNumber, NAME)}` : ''
    const repo = student.projectUrl ? ` · ${repositoryCell(student)}` : ' · no repository given'
    return `- ${who}${number}${repo}`
  })
  const rest = report.unscored.length - shown.length
  return lines.join('\n') + (rest > 0 ? `\n\n…and ${formatCount(rest)} more.` : '')
}

/**
 * Each scored student's best score, best first, as bars, with the threshold as a line; a class
 * of more than MAX_BARS students as a histogram whose bins split at the threshold.
 */
export function scoreChart(report: ClassReport): string {
  const scores = report.students
    .map(s => s.score)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (scores.length === 0) return ''
  const threshold = report.passThreshold
  const lines = ['```mermaid', 'xychart-beta']
  if (scores.length <= MAX_BARS) {
    const bar = threshold === null ? '' : `, against the pass threshold ${chartNumber(threshold)}`
    const axis = valueAxis(
      'Score',
      threshold === null ? scores : [...scores, threshold],
      chartNumber
    )
    lines.push(`  title "Best score per student, by rank${bar}${axis.titleNote}"`)
    lines.push(`  x-axis [${scores.map((_, i) => `"${i + 1}"`).join(', ')}]`)
    lines.push(axis.line)
    lines.push(`  bar [${scores.map(chartNumber).join(', ')}]`)
    if (threshold !== null)
      lines.push(`  line [${scores.map(() => chartNumber(threshold)).join(', ')}]`)
  } else {
    const bins = histogram(scores, threshold)
    const title =
      threshold === null
        ? 'Students per score range'
        : `Students per score range (pass threshold ${chartNumber(threshold)})`
    lines.push(`  title "${title}"`)
    lines.push(
      `  x-axis [${bins.map(b => `"${chartNumber(b.from)}–${chartNumber(b.to)}"`).join(', ')}]`
    )
    lines.push(
      valueAxis(
        'Students',
        bins.map(b => b.count),
        String
      ).line
    )
    lines.push(`  bar [${bins.map(b => b.count).join(', ')}]`)
  }
  lines.push('```')
  return lines.join('\n')
}

/** Equal-width bins over the scores, with the threshold on a bin edge when it lies inside. */
export function histogram(
  scores: number[],
  threshold: number | null
): { from: number; to: number; count: number }[] {
  let min = Math.min(...scores)
  let max = Math.max(...scores)
  if (threshold !== null) {
    min = Math.min(min, threshold)
    max = Math.max(max, threshold)
  }
  if (max === min) return [{ from: min, to: max, count: scores.length }]
  const width = (max - min) / HISTOGRAM_BINS
  // Shift the grid so that the threshold is an edge: a bin is then all-pass or all-fail.
  const offset = threshold === null ? 0 : (((threshold - min) % width) + width) % width
  const start = offset === 0 ? min : min - (width - offset)
  const count = Math.ceil((max - start) / width) || 1
  const bins = Array.from({ length: count }, (_, i) => ({
    from: start + i * width,
    to: start + (i + 1) * width,
    count: 0
  }))
  for (const score of scores) {
    const at = Math.min(count - 1, Math.floor((score - start) / width))
    ;(bins[at] as { count: number }).count += 1
  }
  return bins
}

/** A plain number for Mermaid: no grouping, at most 3 decimals. */
function chartNumber(value: number): string {
  return String(Number(value.toFixed(3)))
}
