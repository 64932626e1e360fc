/**
 * The course reports: the student's course section in the summary and the PR comment, and the
 * teacher's class report (job summary and CSV), as golden files. Regenerate after an intended
 * change and review the diff: UPDATE_GOLDEN=1 npm test -- course-report
 */
import type { CourseProgress } from '../../src/arena/courses.js'
import { describe, expect, it } from '@jest/globals'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildClassReport } from '../../src/course/report/class-report.js'
import { neutraliseCell, renderClassCsv } from '../../src/course/report/csv.js'
import { histogram, renderClassSummary, scoreChart } from '../../src/course/report/summary.js'
import { renderComment } from '../../src/evaluation/report/comment.js'
import { renderMarker } from '../../src/evaluation/report/marker.js'
import { renderSummary } from '../../src/evaluation/report/summary.js'
import {
  COURSE,
  classBoard,
  courseNotPassedOutcome,
  coursePassedOutcome,
  sampleClassReport,
  sampleProgress,
  sampleRoster
} from '../support/course-outcomes.js'
import { row } from '../support/outcomes.js'

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

function expectGolden(file: string, actual: string): void {
  const full = `${GOLDEN_DIR}${file}`
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(full, actual)
  if (!existsSync(full))
    throw new Error(`${full} is missing: UPDATE_GOLDEN=1 npm test -- course-report`)
  expect(actual).toBe(readFileSync(full, 'utf8'))
}

function html(markdown: string): string {
  return micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true
  })
}

describe("the student's course section", () => {
  it('summary-course-passed.md', () => {
    expectGolden('summary-course-passed.md', renderSummary(coursePassedOutcome()))
  })

  it('summary-course-not-passed.md', () => {
    expectGolden('summary-course-not-passed.md', renderSummary(courseNotPassedOutcome()))
  })

  it('summary-course-not-passed-fails-step.md: with fail-on not-passed, the heading says the step fails', () => {
    const outcome = { ...courseNotPassedOutcome(), failsStep: 'not-passed' }
    expectGolden('summary-course-not-passed-fails-step.md', renderSummary(outcome))
  })

  it('comment-course.md', () => {
    expectGolden(
      'comment-course.md',
      renderComment(
        coursePassedOutcome(),
        renderMarker('k', { rank: 3, score: 140, agentId: 1234 })
      )
    )
  })

  it('shows the course, the class rank, the threshold, the distance and the verdict', () => {
    const passed = renderSummary(coursePassedOutcome())
    expect(passed).toContain('rank 2 of 4 in the class, passed')
    expect(passed).toContain('| Course | CS-101 Reinforcement Learning (CS101) · id 1 · enrolled |')
    expect(passed).toContain('| Pass threshold | 150.00 (higher is better) |')
    expect(passed).toContain('| Distance | **+21.25** on the passing side |')
    expect(passed).toContain('| Result | ✅ **passed** |')
    const failed = renderSummary(courseNotPassedOutcome())
    expect(failed).toContain('| Distance | **-30.00**: short of the threshold |')
    expect(failed).toContain('| Result | ❌ **not passed yet** |')
    expect(failed).toContain('enrolled by this run')
  })
})

/** A dashboard that only names students (user id → username), with no cells. */
function named(pairs: [number, string][]): CourseProgress {
  return {
    challenges: [],
    students: pairs.map(([userId, username]) => ({
      userId,
      username,
      contentPercent: null,
      lastActiveAt: null,
      cells: []
    }))
  }
}

describe("the teacher's class report", () => {
  it('joins roster students (user_id, no username) to board rows through the progress dashboard', () => {
    const report = sampleClassReport()
    const carol = report.students.find(s => s.userId === 31)
    expect(carol).toMatchObject({ username: 'carol', score: 210.5, passed: true })
    expect(carol?.row?.agentName).toBe('carol-lander')
    // Without the dashboard nobody can be named: every student is listed, none dropped, none scored.
    const blind = buildClassReport({
      course: COURSE,
      challenge: { id: 1, name: 'Lunar Lander' },
      roster: sampleRoster(),
      board: classBoard(120),
      progress: null
    })
    expect(blind.enrolled).toBe(6)
    expect(blind.students).toHaveLength(6)
    expect(blind.unscored).toHaveLength(6)
    // Nobody named: a board row cannot be told apart from a student it cannot place.
    expect(blind.strays).toBe(0)
  })

  it('lists a student whom the dashboard names but the board does not rank, never dropping them', () => {
    const progress = sampleProgress()
    const report = buildClassReport({
      course: COURSE,
      challenge: { id: 1, name: 'Lunar Lander' },
      roster: sampleRoster(),
      board: { ...classBoard(120), rows: [] },
      progress
    })
    // The dashboard's cells are their results: scored from there, judged against the bar.
    expect(report.enrolled).toBe(6)
    expect(report.students.find(s => s.username === 'frank')).toMatchObject({
      row: null,
      score: 160.75,
      passed: true
    })
    expect(report.unscored.map(s => s.username).sort()).toEqual(['<b>zed</b> @octocat', 'erin'])
    expect(report.unscored.every(s => s.passed === false)).toBe(true)
  })

  it("judges pass in the challenge's ranking direction: >= for desc, <= for asc", () => {
    const roster = sampleRoster()
    const asc = (score: number) =>
      buildClassReport({
        course: COURSE,
        challenge: { id: 1, name: 'Lap time' },
        roster,
        board: {
          ...classBoard(120),
          order: 'asc',
          rows: [row(1, { username: 'carol', score })]
        },
        progress: {
          ...sampleProgress(),
          students: sampleProgress().students.map(s => ({ ...s, cells: [] }))
        }
      }).students.find(s => s.username === 'carol')?.passed
    expect(asc(150)).toBe(true)
    expect(asc(149.5)).toBe(true)
    expect(asc(150.5)).toBe(false)
    const desc = (score: number) =>
      buildClassReport({
        course: COURSE,
        challenge: { id: 1, name: 'Lunar Lander' },
        roster,
        board: { ...classBoard(120), rows: [row(1, { username: 'carol', score })] },
        progress: {
          ...sampleProgress(),
          students: sampleProgress().students.map(s => ({ ...s, cells: [] }))
        }
      }).students.find(s => s.username === 'carol')?.passed
    expect(desc(150)).toBe(true)
    expect(desc(149.5)).toBe(false)
  })

  it('class-summary.md', () => {
    const summary = renderClassSummary({
      course: COURSE,
      report: sampleClassReport(),
      csvPath: '/home/runner/work/_temp/mlarena-class-report-1.csv',
      created: false
    })
    expectGolden('class-summary.md', summary)
  })

  it('class-report.csv', () => {
    expectGolden('class-report.csv', renderClassCsv(sampleClassReport()))
  })

  it('counts the class: enrolled, passing, without a scored agent, off-roster rows', () => {
    const report = sampleClassReport()
    expect(report.enrolled).toBe(6)
    expect(report.passedCount).toBe(2)
    expect(report.unscored.map(s => s.username)).toEqual(['<b>zed</b> @octocat', 'erin'])
    expect(report.students.map(s => s.username).slice(0, 4)).toEqual([
      'carol',
      'frank',
      'alice',
      'dave'
    ])
    expect(report.strays).toBe(0)
    const stray = buildClassReport({
      course: COURSE,
      challenge: null,
      roster: { challenges: [], students: [] },
      board: classBoard(120)
    })
    expect(stray.strays).toBe(4)
  })

  it('renders untrusted names and links as text, and links only http(s) repositories', () => {
    const out = html(
      renderClassSummary({
        course: COURSE,
        report: sampleClassReport(),
        csvPath: null,
        created: false
      })
    )
    expect(out).not.toContain('<b>zed</b>')
    expect(out).not.toMatch(/href="javascript:/)
    const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map(m => m[1])
    expect(hrefs).toEqual([
      'https://github.com/cs101-classroom/lunar-carol',
      'https://github.com/alice/lunar',
      'https://github.com/cs101-classroom/lunar-dave'
    ])
  })

  it('neutralises every text cell a spreadsheet would run as a formula, and keeps numbers', () => {
    for (const text of ['=1+1', '+S1002', '-2', '@S2000', '\tx', '\rx', '＝1']) {
      expect(neutraliseCell(text)).toBe(`'${text}`)
    }
    expect(neutraliseCell('carol')).toBe('carol')
    const csv = renderClassCsv(sampleClassReport())
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`)
    expect(csv).toContain(",'+S1002,")
    expect(csv).toContain(",'@S2000,")
    expect(csv).not.toMatch(/,[=+@]/)
    const negative = buildClassReport({
      course: COURSE,
      challenge: null,
      roster: sampleRoster(),
      board: { ...classBoard(120), rows: [row(1, { username: 'carol', score: -3.5 })] },
      progress: sampleProgress()
    })
    expect(renderClassCsv(negative)).toMatch(/^1,carol,31,S1001,[^,]*,agent-1,5001,-3\.5,false,/m)
  })

  it('draws each student as a bar with the threshold as a line, and a big class as a histogram', () => {
    expect(scoreChart(sampleClassReport())).toContain(
      '  bar [210.5, 160.75, 120, 95.25]\n  line [150, 150, 150, 150]'
    )
    const bins = histogram([0, 10, 20, 30, 149, 151, 299], 150)
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(7)
    // The threshold is a bin edge: no bin holds scores on both sides of it.
    expect(bins.some(b => b.from < 150 && b.to > 150)).toBe(false)
    const big = buildClassReport({
      course: COURSE,
      challenge: null,
      roster: {
        challenges: [],
        students: Array.from({ length: 80 }, (_, i) => ({
          userId: i,
          username: `s${i}`,
          studentNumber: null,
          studentEmail: null,
          projectUrl: null,
          enrolledAt: null
        }))
      },
      board: {
        ...classBoard(0),
        rows: Array.from({ length: 80 }, (_, i) =>
          row(i + 1, { username: `s${i}`, score: 200 - i })
        )
      },
      progress: named(Array.from({ length: 80 }, (_, i) => [i, `s${i}`]))
    })
    expect(scoreChart(big)).toMatch(/title "Students per score range \(pass threshold 150\)"/)
  })

  it('stays under the summary budget for a huge class, leaving the rest to the CSV', () => {
    const students = Array.from({ length: 5000 }, (_, i) => ({
      userId: i,
      username: `student-${i}-${'x'.repeat(30)}`,
      studentNumber: `N${i}`,
      studentEmail: null,
      projectUrl: `https://github.com/org/repo-${i}`,
      enrolledAt: null
    }))
    const report = buildClassReport({
      course: COURSE,
      challenge: { id: 1, name: 'Lunar' },
      roster: { challenges: [], students },
      board: {
        ...classBoard(0),
        rows: students.map((s, i) => row(i + 1, { username: s.username, score: 300 - i / 100 }))
      },
      progress: named(students.map(s => [s.userId, s.username]))
    })
    const summary = renderClassSummary(
      { course: COURSE, report, csvPath: '/tmp/x.csv', created: false },
      { maxBytes: 200_000 }
    )
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(200_000)
    expect(summary).toContain('more students: the CSV file has them all')
    expect(renderClassCsv(report).split('\n')).toHaveLength(5002)
  })
})
