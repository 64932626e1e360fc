/**
 * End to end: `npm run demo -- <job>` for every job, at fast speed, as a child process (the way
 * a newcomer runs it): each runs the bundled actions in dist/ against the emulator, and the fake
 * GitHub for the pull request. dist/ must be fresh: `npm run bundle`.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { jobNames } from '../../scripts/demo/jobs.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

interface DemoRun {
  code: number | null
  stdout: string
  stderr: string
}

async function demo(args: string[], env: Record<string, string> = {}): Promise<DemoRun> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', 'scripts/demo.ts', ...args],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, stdout, stderr }
}

/** The value a step printed for an output (the nth step's, 0-based). */
function output(run: DemoRun, name: string, step = 0): string | undefined {
  const values = [...run.stdout.matchAll(new RegExp(`^${name} +(.*)$`, 'gm'))].map(m => m[1])
  return values[step]
}

const TIMEOUT = 120_000

describe('npm run demo -- <job>', () => {
  it('has a demo for every job the issue names', () => {
    expect(jobNames()).toEqual([
      'push',
      'pull-request',
      'schedule',
      'challenge',
      'student',
      'class-report'
    ])
  })

  it.each(['current', 'legacy'] as const)(
    'push on the %s wire: creates the branch agent, ranks it, says the hostile names are on purpose',
    async wire => {
      const run = await demo(['push', '--speed', 'fast', '--wire', wire])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('hostile names on purpose')
      expect(run.stdout).toMatch(/Created agent \d+ \(octo-org\/lunar-lander-agent@main\)/)
      expect(output(run, 'outcome')).toBe('success')
      expect(output(run, 'api-wire')).toBe(wire)
      expect(Number(output(run, 'rank'))).toBeGreaterThan(0)
      // The token is masked wherever the demo prints it.
      expect(run.stdout).not.toMatch(/mlk_user_/)
    },
    TIMEOUT
  )

  it(
    'push --fail: the failure report, and the exit code of the failed step',
    async () => {
      const run = await demo(['--speed', 'fast', '--fail'])
      expect(run.code).toBe(1)
      expect(output(run, 'outcome')).toBe('deploy-failed')
      expect(run.stdout).toMatch(/error: ML Arena reports the deploy failed for agent \d+/)
    },
    TIMEOUT
  )

  it(
    'pull-request: the sticky comment as GitHub shows it, then updated in place by a second push',
    async () => {
      const run = await demo(['pull-request', '--speed', 'fast'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const comments = [
        ...run.stdout.matchAll(/^(\d+) comment of ours on pull request #7 \(id (\d+), (.*?)\)/gm)
      ].map(m => [m[1], m[2], m[3]])
      expect(comments).toHaveLength(2)
      expect(comments[0]?.[2]).toBe('created')
      expect(comments[1]).toEqual(['1', comments[0]?.[1], 'updated in place'])
      expect(run.stdout).toContain('the sticky comment on pull request #7 after the second push')
      expect(run.stdout).toContain('since the last run')
      expect(output(run, 'agent-id', 1)).toBe(output(run, 'agent-id', 0))
      expect(output(run, 'agent-name')).toBe('lunar-lander-agent-pr7')
    },
    TIMEOUT
  )

  it(
    'schedule: the first night creates the branch agent, the next night updates it',
    async () => {
      const run = await demo(['schedule', '--speed', 'fast'])
      expect(run.code).toBe(0)
      const id = output(run, 'agent-id', 0)
      expect(run.stdout).toContain(`Created agent ${id} (octo-org/lunar-lander-agent@main)`)
      expect(run.stdout).toContain(`Updating agent ${id} (octo-org/lunar-lander-agent@main)`)
      expect(output(run, 'agent-id', 1)).toBe(id)
      expect(output(run, 'outcome', 1)).toBe('success')
      expect(output(run, 'previous-rank', 1)).toBe(output(run, 'rank', 0))
    },
    TIMEOUT
  )

  it(
    'challenge: plans (nothing written), then applies and starts',
    async () => {
      const run = await demo(['challenge', '--speed', 'fast'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(output(run, 'outcome', 0)).toBe('planned')
      expect(output(run, 'challenge-id', 0)).toBe('(empty)')
      expect(output(run, 'outcome', 1)).toBe('started')
      expect(Number(output(run, 'challenge-id', 1))).toBeGreaterThan(0)
    },
    TIMEOUT
  )

  it.each(['current', 'legacy'] as const)(
    'student on the %s wire: enrols, submits, and decodes the Classroom result',
    async wire => {
      const run = await demo(['student', '--speed', 'fast', '--wire', wire])
      expect(run.code).toBe(0)
      expect(output(run, 'outcome')).toBe('success')
      expect(output(run, 'course-id')).toBe('1')
      const decoded = run.stdout.split('classroom-result, decoded')[1] ?? ''
      const json = JSON.parse(decoded.slice(decoded.indexOf('{'), decoded.lastIndexOf('}') + 1))
      expect(json).toMatchObject({ version: 1, max_score: 100 })
      expect(['pass', 'fail']).toContain(json.status)
    },
    TIMEOUT
  )

  it(
    'class-report: the teacher’s report and its CSV',
    async () => {
      const run = await demo(['class-report', '--speed', 'fast'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(output(run, 'enrolled')).toBe('4')
      expect(run.stdout).toContain(
        'rank,student,user_id,student_number,repository,best_agent,agent_id,score,passed,enrolled_at'
      )
    },
    TIMEOUT
  )

  it(
    '--html DIR writes one self-contained page per job',
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-demo-html-'))
      const run = await demo(['schedule', '--speed', 'fast', '--html', dir])
      expect(run.code).toBe(0)
      expect(await readdir(dir)).toEqual(['schedule.html'])
      const page = await readFile(path.join(dir, 'schedule.html'), 'utf8')
      expect(page).toContain('<article class="markdown-body">')
      expect(page.match(/<section class="demo-section"/g)).toHaveLength(2)
      // Offline: nothing is loaded from anywhere.
      expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/)
    },
    TIMEOUT
  )

  it('--help lists every job in the -- form; an unknown job or option names the valid ones', async () => {
    const help = await demo(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('usage: npm run demo -- [job] [options]')
    for (const job of jobNames()) expect(help.stdout).toMatch(new RegExp(`^  ${job} `, 'm'))
    const job = await demo(['course'])
    expect(job.code).toBe(2)
    expect(job.stderr).toContain(`no job named "course"; the jobs are ${jobNames().join(', ')}`)
    const option = await demo(['--course'])
    expect(option.code).toBe(2)
    expect(option.stderr).toMatch(/Unknown option '--course'.*the options are --wire/)
    // npm run demo --fail (no --): npm keeps --fail as npm_config_fail; the demo says so.
    const eaten = await demo([], { npm_config_fail: 'true' })
    expect(eaten.code).toBe(2)
    expect(eaten.stderr).toContain('npm took --fail for itself: put -- before the demo')
  })
})
