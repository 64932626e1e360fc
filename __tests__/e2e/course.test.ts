/**
 * End to end through dist/, on both wires: a student's repository enrols on its first push and
 * submits, does not enrol again on the second, and `passed` follows the course's threshold; the
 * teacher's action writes the class report (summary, CSV, outputs) and creates a course once.
 * dist/ must be fresh: `npm run bundle`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  COURSE_TOKENS,
  COURSES,
  startEmulator,
  type Emulator,
  type EmulatorCourse
} from '../../emulator/index.ts'
import { runAction } from '../support/action-runner.ts'
import { runCourseAction } from '../support/course-runner.ts'

const NOON_UTC = Date.UTC(2026, 2, 2, 12)

function agent(score: number): string {
  return `class Agent:\n    def act(self, observation):\n        return 0\n# MLARENA_EMULATOR:SCORE=${score}\n`
}

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-ws-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
  }
  return dir
}

function writes(emu: Emulator): string[] {
  return emu
    .requests()
    .filter(r => r.server === 'api' && r.method !== 'GET' && !r.path.startsWith('/__emulator'))
    .map(r => `${r.method} ${r.path}`)
}

function decode(result: string | undefined): {
  status: string
  max_score: number
  tests: { score: number }[]
} {
  return JSON.parse(Buffer.from(result ?? '', 'base64').toString('utf8'))
}

describe.each(['current', 'legacy'] as const)('a student repository on the %s wire', wire => {
  let emu: Emulator
  let lunar: EmulatorCourse

  beforeAll(async () => {
    emu = await startEmulator({ wire, speed: 'fast', seed: 7, startTime: NOON_UTC })
    lunar = emu.courses.find(c => c.id === COURSES.lunar) as EmulatorCourse
  })
  afterAll(async () => emu.close())
  afterEach(() => emu.clearRequests())

  function inputs(extra: Record<string, string>): Record<string, string> {
    return {
      'api-key': emu.tokens.user,
      'base-url': emu.baseUrl,
      files: 'agent.py',
      'poll-interval-seconds': '0.1',
      'timeout-minutes': '2',
      logs: '0',
      ...extra
    }
  }

  it('refuses missing student fields before anything is written', async () => {
    const run = await runAction({
      workspace: await workspace({ 'agent.py': agent(120) }),
      inputs: inputs({ 'course-join-code': lunar.enrolCode, 'student-email': 'alice@uni.example' })
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'student-number': is empty, and ML Arena needs/)
    expect(writes(emu)).toEqual([])
    expect(run.outputs.outcome).toBe('error')
    expect(decode(run.outputs['classroom-result']).status).toBe('error')
  })

  it('refuses a teacher token and an unknown join code, naming the input, writing nothing', async () => {
    const ws = await workspace({ 'agent.py': agent(120) })
    const teacher = await runAction({
      workspace: ws,
      inputs: inputs({ 'api-key': COURSE_TOKENS.teacher, 'course-join-code': lunar.enrolCode })
    })
    expect(teacher.code).toBe(1)
    expect(teacher.stdout).toMatch(/::error::Input 'api-key': is a teacher token/)
    const unknown = await runAction({
      workspace: ws,
      inputs: inputs({
        'course-join-code': 'NOSUCHCODE',
        'student-email': 'a@uni.example',
        'student-number': 'S1'
      })
    })
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toMatch(
      /::error::Input 'course-join-code': no course has this join code/
    )
    expect(writes(emu)).toEqual([])
  })

  it('first push: enrols once (with the repository), submits, and reports not passed yet', async () => {
    const run = await runAction({
      workspace: await workspace({ 'agent.py': agent(120) }),
      inputs: inputs({
        'course-join-code': `${emu.baseUrl}/enroll/${lunar.enrolCode}`,
        'student-email': 'alice@uni.example',
        'student-number': 'S2000',
        'max-score': '40'
      })
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('success')
    expect(run.outputs['course-id']).toBe(String(COURSES.lunar))
    const enrols = writes(emu).filter(w => w.includes('/academic_courses/enroll/'))
    expect(enrols).toEqual([`POST /api/academic_courses/enroll/${lunar.enrolCode}`])
    const enrolment = emu
      .state()
      .courses.find(c => c.id === COURSES.lunar)
      ?.enrolments.find(e => e.username === 'alice')
    expect(enrolment).toMatchObject({
      studentEmail: 'alice@uni.example',
      studentNumber: 'S2000',
      projectUrl: 'https://github.example/octo/agent-repo'
    })
    // competition-id was empty: the course's one challenge was used.
    const agentId = Number(run.outputs['agent-id'])
    expect(emu.state().agents.find(a => a.id === agentId)?.competitionId).toBe(1)
    if (wire === 'current') {
      // Every agent of alice's on challenge 1 is below 150: the class board says not passed.
      const best = Math.max(
        ...emu
          .state()
          .agents.filter(a => a.owner === 'alice' && a.score !== null)
          .map(a => a.score as number)
      )
      expect(best).toBeLessThan(150)
      expect(run.outputs).toMatchObject({ passed: 'false', 'pass-threshold': '150' })
      expect(Number(run.outputs.rank)).toBeGreaterThan(0)
      expect(Number(run.outputs['leaderboard-size'])).toBe(4) // carol, dave, frank and alice
      expect(run.summary).toContain('### Course')
      expect(run.summary).toContain('not passed yet')
      expect(run.summary).toContain('enrolled by this run')
      expect(decode(run.outputs['classroom-result'])).toMatchObject({
        status: 'fail',
        max_score: 40
      })
    } else {
      expect(run.outputs).toMatchObject({ passed: '', 'pass-threshold': '' })
      expect(run.summary).toContain('legacy API, which has no course boards')
      expect(decode(run.outputs['classroom-result']).status).toBe('pass')
    }
  })

  it('second push: does not enrol again, needs no student fields, and passes above the threshold', async () => {
    const run = await runAction({
      workspace: await workspace({ 'agent.py': agent(175) }),
      inputs: inputs({ 'course-join-code': lunar.enrolCode, 'fail-on': 'not-passed' })
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.outcome).toBe('success')
    expect(writes(emu).filter(w => w.includes('/academic_courses/'))).toEqual([])
    expect(emu.requests().filter(r => r.path.includes('/academic_courses/enroll/'))).toHaveLength(1)
    const enrolments = emu
      .state()
      .courses.find(c => c.id === COURSES.lunar)
      ?.enrolments.filter(e => e.username === 'alice')
    expect(enrolments).toHaveLength(1)
    if (wire === 'current') {
      expect(run.outputs).toMatchObject({ passed: 'true', 'pass-threshold': '150' })
      expect(run.summary).toContain('✅ **passed**')
      expect(run.summary).toMatch(/\*\*\+25(\.0+)?\*\* on the passing side/)
      const result = decode(run.outputs['classroom-result'])
      expect(result).toMatchObject({ status: 'pass', max_score: 100, tests: [{ score: 100 }] })
    }
  })

  if (wire === 'current') {
    it('fail-on not-passed fails the step when the student is below the threshold', async () => {
      const run = await runAction({
        workspace: await workspace({ 'agent.py': agent(90) }),
        inputs: inputs({
          'api-key': COURSE_TOKENS.dave,
          'course-join-code': lunar.enrolCode,
          'fail-on': 'not-passed'
        })
      })
      expect(run.outputs).toMatchObject({ outcome: 'success', passed: 'false' })
      expect(run.code).toBe(1)
      // The heading follows the step, which fails: no ✅ over a failed step.
      expect(run.summary).toMatch(/^## ❌ ML Arena .*· the step fails \(fail-on: not-passed\)$/m)
      expect(run.stdout).toMatch(
        /::error::Not passed yet in course CS-101 Reinforcement Learning: score 95.25, pass threshold 150/
      )
    })

    it('dry run: checks the course and the student fields, and enrols nobody', async () => {
      const run = await runAction({
        workspace: await workspace({ 'agent.py': agent(90) }),
        inputs: inputs({
          'api-key': emu.tokens.otherUser,
          'course-join-code': lunar.enrolCode,
          // bob's profile has his e-mail only; the preview says just that both are not there.
          'student-email': 'bob@uni.example',
          'student-number': 'S2002',
          'dry-run': 'true'
        })
      })
      expect(run.stdout.split('\n').filter(l => l.startsWith('::error'))).toEqual([])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({ outcome: 'dry-run', 'course-id': '1', passed: '' })
      expect(writes(emu)).toEqual([])
      expect(run.summary).toContain('not enrolled yet (dry run: would enrol)')
      const bob = emu
        .state()
        .courses.find(c => c.id === COURSES.lunar)
        ?.enrolments.find(e => e.username === 'bob')
      expect(bob).toBeUndefined()
    })

    it('lists the challenges when the course has several and competition-id is empty', async () => {
      const two = emu.courses.find(c => c.id === COURSES.twoChallenges) as EmulatorCourse
      const run = await runAction({
        workspace: await workspace({ 'agent.py': agent(90) }),
        inputs: inputs({ 'api-key': COURSE_TOKENS.carol, 'course-join-code': two.enrolCode })
      })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(
        /::error::Input 'competition-id': is empty, and course "CS-202 Two Challenges" \(CS202\) has 2 challenges: 1 \("Lunar Lander"\), 7 \("Energy Forecast/
      )
      expect(writes(emu)).toEqual([])
    })
  }
})

describe.each(['current', 'legacy'] as const)("the teacher's class report on the %s wire", wire => {
  let emu: Emulator

  beforeAll(async () => {
    emu = await startEmulator({ wire, speed: 'fast', seed: 7, startTime: NOON_UTC })
  })
  afterAll(async () => emu.close())
  afterEach(() => emu.clearRequests())

  const teacher = (extra: Record<string, string>): Record<string, string> => ({
    'api-key': COURSE_TOKENS.teacher,
    'base-url': emu.baseUrl,
    ...extra
  })

  if (wire === 'current') {
    it('reports every student, who passes, the chart, who has no scored agent, and the CSV', async () => {
      const run = await runCourseAction({ inputs: teacher({ 'course-id': String(COURSES.lunar) }) })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({
        'course-id': '1',
        'join-code': 'LUNAR7K2',
        enrolled: '4',
        passed: '2'
      })
      expect(run.summary).toContain(
        '🎓 ML Arena · CS-101 Reinforcement Learning (CS101): class report'
      )
      expect(run.summary).toContain(
        '**4** enrolled · **2** pass · **1** without a scored agent yet'
      )
      expect(run.summary).toContain('```mermaid')
      expect(run.summary).toContain('  line [150, 150, 150]')
      // 4.4 `course_students` names no user and no SDK names one on the dashboard: a student is
      // shown by the roster's e-mail, and board rows (which name users) cannot be joined.
      expect(run.summary).toMatch(
        /### No scored agent yet\n\n- erin@\u200d?uni\.example · S1003 · no repository given/
      )
      expect(run.summary).not.toContain('not on the roster')
      const csv = await readFile(run.outputs['report-path'] as string, 'utf8')
      expect(csv.split('\n')[0]).toBe(
        'rank,student,user_id,student_number,repository,best_agent,agent_id,score,passed,enrolled_at'
      )
      expect(csv).toMatch(
        /^,carol@uni\.example,12,S1001,https:\/\/github\.com\/cs101-classroom\/lunar-carol,,,210\.5,true,/m
      )
      expect(csv).toMatch(/^,erin@uni\.example,14,S1003,,,,,false,/m)
      expect(writes(emu)).toEqual([])
    })

    it('refuses a user token, naming api-key, with nothing read or written', async () => {
      const run = await runCourseAction({
        inputs: teacher({ 'api-key': COURSE_TOKENS.carol, 'course-id': '1' })
      })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::Input 'api-key': is a user token; the class report/)
      expect(emu.requests().filter(r => r.server === 'api')).toEqual([])
      expect(run.outputs['report-path']).toBe('')
    })
  }

  it('create: true creates the course once and finds it again by name', async () => {
    const create = teacher({
      create: 'true',
      name: `Spring lab (${wire})`,
      code: 'LAB26',
      'start-date': '2026-03-01',
      'end-date': '2026-06-30'
    })
    const first = await runCourseAction({ inputs: create })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(writes(emu)).toEqual(['POST /api/academic_courses/'])
    expect(first.outputs['join-code']).toMatch(/^[A-Za-z0-9]+$/)
    emu.clearRequests()
    const second = await runCourseAction({ inputs: create })
    expect(second.code).toBe(0)
    expect(writes(emu)).toEqual([])
    expect(second.outputs['course-id']).toBe(first.outputs['course-id'])
    expect(second.outputs['join-code']).toBe(first.outputs['join-code'])
    expect(emu.state().courses.filter(c => c.name === `Spring lab (${wire})`)).toHaveLength(1)
    if (wire === 'current') {
      expect(second.outputs).toMatchObject({ enrolled: '0', passed: '' })
      expect(second.summary).toContain('No challenge is attached to this course yet')
    } else {
      expect(second.outputs).toMatchObject({ enrolled: '', 'report-path': '' })
      expect(second.summary).toContain('legacy ML Arena API, which has no roster')
    }
  })
})
