/**
 * Sample course runs for the report tests and golden files: the student's side (a RunOutcome
 * with a course) and the teacher's (a class report with a roster and a course board).
 * Deterministic, with hostile names where the text is someone else's.
 */
import type { CourseProgress, CourseRoster, CourseStudent } from '../../src/arena/courses.js'
import type { Leaderboard } from '../../src/arena/model.js'
import type { CourseOutcome, RunOutcome } from '../../src/evaluation/outcome.js'
import { buildRankReport } from '../../src/evaluation/steps/rank.js'
import { buildClassReport, type ClassReport } from '../../src/course/report/class-report.js'
import { board, row, successOutcome } from './outcomes.js'

export const COURSE = {
  id: 1,
  name: 'CS-101 Reinforcement Learning',
  code: 'CS101',
  slug: null,
  joinCode: 'LUNAR7K2'
}

/** The class board of CS-101: four students ranked by their best agent, a bar of 150. */
export function classBoard(aliceScore: number): Leaderboard {
  const rows = [
    row(1, {
      agentId: 1101,
      agentName: 'carol-lander',
      username: 'carol',
      score: 210.5,
      passed: true
    }),
    row(2, {
      agentId: 1104,
      agentName: 'frank-lander',
      username: 'frank',
      score: 160.75,
      passed: true
    }),
    row(3, {
      agentId: 1234,
      agentName: 'ppo-v7',
      username: 'alice',
      isMine: true,
      score: aliceScore,
      passed: aliceScore >= 150
    }),
    row(4, {
      agentId: 1102,
      agentName: '=HYPERLINK("http://evil")',
      username: 'dave',
      score: 95.25,
      passed: false
    })
  ].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
  rows.forEach((r, i) => (r.rank = i + 1))
  return board(rows, { course: { courseId: 1, passThreshold: 150 } })
}

function course(
  passed: boolean,
  aliceScore: number,
  enrolment: CourseOutcome['enrolment']
): CourseOutcome {
  const b = classBoard(aliceScore)
  return {
    id: 1,
    name: COURSE.name,
    code: COURSE.code,
    enrolment,
    passThreshold: 150,
    passed,
    row: b.rows.find(r => r.username === 'alice') ?? null,
    classSize: 4,
    enrolled: 5,
    order: 'desc',
    precision: 2
  }
}

/** A student's run that passes (score 171.25 against 150), enrolled by an earlier run. */
export function coursePassedOutcome(): RunOutcome {
  const outcome = successOutcome()
  const b = classBoard(171.25)
  return {
    ...outcome,
    rank: buildRankReport(b, { id: 1234, name: 'ppo-v7' }, { rank: 3, score: 140 }),
    course: course(true, 171.25, 'already')
  }
}

/** A first run: enrolled by this run, below the threshold. */
export function courseNotPassedOutcome(): RunOutcome {
  const outcome = successOutcome()
  const b = classBoard(120)
  return {
    ...outcome,
    agentCreated: true,
    rank: buildRankReport(b, { id: 1234, name: 'ppo-v7' }, null),
    course: course(false, 120, 'enrolled'),
    notes: []
  }
}

/** The sample class: user id, name (the progress dashboard's), number, repository, enrolment. */
const CLASS: [number, string, string | null, string | null, string][] = [
  [31, 'carol', 'S1001', 'https://github.com/cs101-classroom/lunar-carol', '2026-01-21T09:00:00Z'],
  [32, 'dave', '+S1002', 'https://github.com/cs101-classroom/lunar-dave', '2026-01-22T09:00:00Z'],
  [33, 'erin', 'S1003', null, '2026-01-23T09:00:00Z'],
  [34, 'frank', 'S1004', 'javascript:alert(1)', '2026-01-24T09:00:00Z'],
  [35, 'alice', '@S2000', 'https://github.com/alice/lunar', '2026-02-01T09:00:00Z'],
  [36, '<b>zed</b> @octocat', null, null, '2026-02-02T09:00:00Z']
]

/** A roster row as 4.4 `course_students` serves it: a user id, no username. */
function student(
  userId: number,
  number: string | null,
  url: string | null,
  at: string
): CourseStudent {
  return {
    userId,
    studentNumber: number,
    studentEmail: `student${userId}@uni.example`,
    projectUrl: url,
    enrolledAt: at
  }
}

export function sampleRoster(): CourseRoster {
  return {
    challenges: [{ id: 1, name: 'Lunar Lander' }],
    students: CLASS.map(([id, , number, url, at]) => student(id, number, url, at))
  }
}

/**
 * The teacher's dashboard for the sample class: each student by user id and name, with their
 * best value on challenge 1 (what the board shows; erin and zed have none).
 */
export function sampleProgress(aliceScore = 120): CourseProgress {
  const values: Record<string, number | null> = {
    carol: 210.5,
    dave: 95.25,
    frank: 160.75,
    alice: aliceScore
  }
  return {
    challenges: [{ id: 1, name: 'Lunar Lander', passThreshold: 150, order: 'desc' }],
    students: CLASS.map(([userId, username]) => ({
      userId,
      username,
      contentPercent: null,
      lastActiveAt: null,
      cells: [
        {
          challengeId: 1,
          value: values[username] ?? null,
          passThreshold: 150,
          passed: values[username] == null ? null : (values[username] as number) >= 150,
          order: 'desc' as const
        }
      ]
    }))
  }
}

export function sampleClassReport(): ClassReport {
  return buildClassReport({
    course: COURSE,
    challenge: { id: 1, name: 'Lunar Lander' },
    roster: sampleRoster(),
    board: classBoard(120),
    progress: sampleProgress(120)
  })
}
