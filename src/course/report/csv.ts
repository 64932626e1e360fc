/**
 * The class report as CSV for a gradebook: one row per enrolled student, the same columns as the
 * summary's table. csv-stringify does the quoting; it has no defence against formula injection,
 * so every text cell (names, agent names, repository links: all written by others) that a
 * spreadsheet would run as a formula is neutralised here. Numbers stay numbers. Pure.
 */
import { stringify } from 'csv-stringify/sync'
import type { ClassReport } from './class-report.js'

export const CSV_COLUMNS = [
  'rank',
  'student',
  'user_id',
  'student_number',
  'repository',
  'best_agent',
  'agent_id',
  'score',
  'passed',
  'enrolled_at'
] as const

/** Characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/

/** A text cell a spreadsheet shows as the text it is: a leading `'` disarms a formula. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

export function renderClassCsv(report: ClassReport): string {
  const records = report.students.map(student => {
    const row = student.row
    return [
      row?.rank ?? '',
      student.username ?? student.studentEmail ?? '',
      student.userId ?? '',
      student.studentNumber ?? '',
      student.projectUrl ?? '',
      row?.agentName ?? '',
      row?.agentId ?? '',
      student.score ?? '',
      student.passed === null ? '' : String(student.passed),
      student.enrolledAt ?? ''
    ]
  })
  return stringify(records, {
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'unix',
    cast: {
      string: value => neutraliseCell(value),
      number: value => String(value)
    }
  })
}
