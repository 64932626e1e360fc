/**
 * The course part of the report (job summary and PR comment): the course, the enrolment, the
 * student's rank among the class, the pass threshold, the distance to it and the verdict.
 * Pure; every text from ML Arena goes through markdown.ts.
 */
import { formatCount, formatDelta, formatNumber } from '../../report/format.js'
import { inlineText, table } from '../../report/markdown.js'
import type { CourseOutcome, RunOutcome } from '../outcome.js'
import { thresholdMargin } from '../../pass.js'

const NAME = 60
const ENROLMENT: Record<CourseOutcome['enrolment'], string> = {
  already: 'enrolled',
  enrolled: 'enrolled by this run',
  'dry-run': 'not enrolled yet (dry run: would enrol)'
}

/** The course facts as a two-column table, or '' when the run is not about a course. */
export function courseSection(outcome: RunOutcome): string {
  const course = outcome.course
  if (!course) return ''
  const rows: string[][] = []
  const code = course.code ? ` (${inlineText(course.code, 40)})` : ''
  rows.push([
    'Course',
    `${inlineText(course.name, NAME)}${code} · id ${course.id} · ${ENROLMENT[course.enrolment]}`
  ])
  const row = course.row
  if (course.classSize !== null) {
    const own = row && outcome.agentId !== null && row.agentId !== outcome.agentId
    const enrolled = course.enrolled != null ? ` · ${formatCount(course.enrolled)} enrolled` : ''
    rows.push([
      'Class rank',
      row
        ? `**${formatCount(row.rank)}** of ${formatCount(course.classSize)} ranked${enrolled}${own ? ` · with your best agent, ${inlineText(row.agentName, NAME)}` : ''}`
        : `no scored agent on the course board yet (${formatCount(course.classSize)} ranked${enrolled})`
    ])
  }
  const direction = course.order === 'asc' ? 'lower is better' : 'higher is better'
  if (course.passThreshold !== null) {
    rows.push([
      'Pass threshold',
      `${formatNumber(course.passThreshold, course.precision)} (${direction})`
    ])
    if (row && row.score !== null) {
      const margin = thresholdMargin(row.score, course.passThreshold, course.order)
      const text = formatDelta(margin, course.precision)
      rows.push([
        'Distance',
        margin >= 0 ? `**${text}** on the passing side` : `**${text}**: short of the threshold`
      ])
    }
  } else if (course.classSize !== null) {
    rows.push(['Pass threshold', 'none set for this challenge'])
  }
  if (course.passed !== null) {
    rows.push(['Result', course.passed ? '✅ **passed**' : '❌ **not passed yet**'])
  }
  return table([' ', ' '], rows)
}
