/**
 * Suite 2, bad input: the bundled action (a child process, as a runner runs it) against the
 * emulator, one wrong input at a time. Each must exit non-zero with exactly one `::error::` line
 * that names the input and says what would be valid, and the emulator must have seen no
 * mutating request (nothing but GETs). Table-driven; each case gets its own emulator, so the
 * request log is the case's own.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { COMPETITIONS, COURSE_TOKENS, TOKENS, startEmulator } from '../../emulator/index.ts'
import { runAction, type ActionRun } from '../support/action-runner.ts'
import { AGENT_PY } from './support/fault-run.ts'

interface Case {
  /** The input the error must name. */
  input: string
  /** What the error must say would be valid (or what to check). */
  valid: RegExp
  inputs?: Record<string, string>
  /** Files of the workspace (default: agent.py); `null` content: an empty file. */
  files?: Record<string, string | null>
  /** Symbolic links of the workspace: name → target (absolute, or relative to the link). */
  links?: Record<string, string>
  wire?: 'current' | 'legacy'
  /** Text that must not appear anywhere in the output (a credential given in the wrong place). */
  hidden?: string[]
}

const outside = path.join(os.tmpdir(), 'mlarena-rel-outside.txt')
/** The seeded courses' codes on the current wire (see emulator/README.md, "Course routes"). */
const COURSE_CODES = { lunar: 'LUNAR7K2', twoChallenges: 'TWOCH4LL', ended: 'ENDED5XQ' }
const STUDENT = { 'student-email': 'alice@uni.example', 'student-number': 'S2000' }
const ONE_ID = /use e\.g\. \d+/

const CASES: Record<string, Case> = {
  'api-key: not a token': {
    input: 'api-key',
    valid: /a token looks like mlk_user_<lookup>_<secret>/,
    inputs: { 'api-key': 'not-a-token' }
  },
  'api-key: an empty part': {
    input: 'api-key',
    valid: /a token looks like mlk_user_/,
    inputs: { 'api-key': 'mlk_user__s3cret' }
  },
  'api-key: whitespace inside': {
    input: 'api-key',
    valid: /a token looks like mlk_user_/,
    inputs: { 'api-key': 'mlk_user_alice s3cret' }
  },
  'api-key: the retired key_id:key_pass form': {
    input: 'api-key',
    valid: /create a token mlk_user_/,
    inputs: { 'api-key': 'k3y1d:k3yp4ss-v3ry-s3cret' },
    hidden: ['k3yp4ss-v3ry-s3cret']
  },
  'api-key: a creator token': {
    input: 'api-key',
    valid: /needs a user token \(mlk_user_/,
    inputs: { 'api-key': TOKENS.creator },
    hidden: ['s3cretalicecreator']
  },
  'api-key: a teacher token': {
    input: 'api-key',
    valid: /needs a user token \(mlk_user_/,
    inputs: { 'api-key': TOKENS.teacher },
    hidden: ['s3cretaliceteacher']
  },
  'api-key: a well-formed token ML Arena does not know': {
    input: 'api-key',
    valid: /mlk_user_/,
    inputs: { 'api-key': 'mlk_user_mallory_n0t4r34lt0k3n' },
    hidden: ['n0t4r34lt0k3n']
  },
  'api-key: empty on a push': {
    input: 'api-key',
    valid: /pass your ML Arena token from a secret/,
    inputs: { 'api-key': '' }
  },
  'base-url: plain http to a non-local host': {
    input: 'base-url',
    valid: /use https:\/\//,
    inputs: { 'base-url': 'http://ml-arena.example' }
  },
  'base-url: a path': {
    input: 'base-url',
    valid: /give the host only, e\.g\. https:\/\/ml-arena\.com/,
    inputs: { 'base-url': 'https://ml-arena.com/api' }
  },
  'base-url: credentials': {
    input: 'base-url',
    valid: /the token goes in api-key/,
    inputs: { 'base-url': 'https://admin:hunter2pass@ml-arena.com' },
    hidden: ['hunter2pass']
  },
  'base-url: a query': {
    input: 'base-url',
    valid: /give the host only/,
    inputs: { 'base-url': 'https://ml-arena.com/?token=abc' }
  },
  'base-url: not http(s)': {
    input: 'base-url',
    valid: /give the host only/,
    inputs: { 'base-url': 'ftp://ml-arena.com' }
  },
  'base-url: not a URL': {
    input: 'base-url',
    valid: /give the host only/,
    inputs: { 'base-url': 'ml-arena' }
  },
  'api-wire: an unknown wire': {
    input: 'api-wire',
    valid: /one of auto, current, legacy/,
    inputs: { 'api-wire': 'v2' }
  },
  'competition-id: empty': {
    input: 'competition-id',
    valid: /a positive integer/,
    inputs: { 'competition-id': '' }
  },
  'competition-id: not a number': {
    input: 'competition-id',
    valid: ONE_ID,
    inputs: { 'competition-id': 'lunar' }
  },
  'competition-id: negative': {
    input: 'competition-id',
    valid: ONE_ID,
    inputs: { 'competition-id': '-3' }
  },
  'competition-id: zero': {
    input: 'competition-id',
    valid: ONE_ID,
    inputs: { 'competition-id': '0' }
  },
  'competition-id: a fraction': {
    input: 'competition-id',
    valid: ONE_ID,
    inputs: { 'competition-id': '1.5' }
  },
  'competition-id: unknown (current wire)': {
    input: 'competition-id',
    valid: /check the ids/,
    inputs: { 'competition-id': '999' }
  },
  'competition-id: unknown (legacy wire)': {
    input: 'competition-id',
    valid: /check the ids/,
    inputs: { 'competition-id': '999' },
    wire: 'legacy'
  },
  'competition-id: hidden from this token (current wire)': {
    input: 'competition-id',
    valid: /check the ids \(a hidden competition also answers 404\)/,
    inputs: { 'competition-id': String(COMPETITIONS.hidden) }
  },
  'competition-id: hidden from this token (legacy wire)': {
    input: 'competition-id',
    valid: /check the ids \(a hidden competition also answers 404\)/,
    inputs: { 'competition-id': String(COMPETITIONS.hidden) },
    wire: 'legacy'
  },
  'files: empty without agent-id': {
    input: 'files',
    valid: /give newline-separated globs/,
    inputs: { files: '' }
  },
  'files: globs that match nothing': {
    input: 'files',
    valid: /check the globs, or set if-no-files-found to warn or ignore/,
    inputs: { files: 'model/**\n*.onnx' }
  },
  'files: a pattern with ..': {
    input: 'files',
    valid: /set working-directory to a higher folder/,
    inputs: { files: '../*.py' }
  },
  'files: an absolute path outside the workspace': {
    input: 'files',
    valid: /write patterns relative to it/,
    inputs: { files: '/etc/hostname' }
  },
  'files: a pattern starting with ~': {
    input: 'files',
    valid: /patterns are relative to working-directory/,
    inputs: { files: '~/.ssh/*' }
  },
  'files: a symbolic link leaving the workspace': {
    input: 'files',
    valid: /copy the file into it, or exclude it with !/,
    links: { 'notes.txt': outside }
  },
  'files: a broken symbolic link': {
    input: 'files',
    valid: /remove it or exclude it with !/,
    links: { 'gone.py': 'does-not-exist.py' }
  },
  'files: an empty file': {
    input: 'files',
    valid: /give it content|exclude it with !/,
    files: { 'agent.py': AGENT_PY, 'empty.py': null }
  },
  'files: names that differ only in letter case': {
    input: 'files',
    valid: /rename one, or exclude one with !/,
    files: { 'Agent.py': AGENT_PY, 'agent.py': AGENT_PY }
  },
  'files: too many for the competition': {
    input: 'files',
    valid: /allows at most 2 files/,
    inputs: { 'competition-id': String(COMPETITIONS.tightLimits) },
    files: { 'a.py': 'a = 1\n', 'b.py': 'b = 2\n', 'c.py': 'c = 3\n' }
  },
  'files: too large for the competition': {
    input: 'files',
    valid: /allows at most 2\.0 KiB in total/,
    inputs: { 'competition-id': String(COMPETITIONS.tightLimits) },
    files: { 'agent.py': `${AGENT_PY}${'#'.repeat(3000)}\n` }
  },
  'files: two files for a file challenge': {
    input: 'files',
    valid: /takes exactly one file, stored as "submission\.csv"/,
    inputs: { 'competition-id': String(COMPETITIONS.fileChallenge) },
    files: { 'a.csv': 'id,y\n1,2\n', 'b.csv': 'id,y\n1,3\n' }
  },
  'working-directory: missing': {
    input: 'working-directory',
    valid: /give a folder relative to the workspace/,
    inputs: { 'working-directory': 'agent-that-is-not-there' }
  },
  'if-no-files-found: an unknown word': {
    input: 'if-no-files-found',
    valid: /one of error, warn, ignore/,
    inputs: { 'if-no-files-found': 'shrug' }
  },
  'competition-id: a stopped competition': {
    input: 'competition-id',
    valid: /is stopped: it takes no new agents or deploys; use a started competition/,
    inputs: { 'competition-id': String(COMPETITIONS.stopped) }
  },
  'runtime: matches nothing': {
    input: 'runtime',
    valid: /use one of them, or its id/,
    inputs: { runtime: 'rust/burn' }
  },
  'runtime: a version without a framework': {
    input: 'runtime',
    valid: /language\/framework@version, e\.g\. python\/torch@2\.3/,
    inputs: { runtime: 'python@3.11' }
  },
  "runtime: another competition's runtime id": {
    input: 'runtime',
    valid: /it offers/,
    inputs: { runtime: '9' }
  },
  'runtime: id zero': {
    input: 'runtime',
    valid: /a positive integer/,
    inputs: { runtime: '0' }
  },
  'agent-name: longer than 100 characters': {
    input: 'agent-name',
    valid: /use a shorter name/,
    inputs: { 'agent-name': 'a'.repeat(101) }
  },
  'agent-id: not a number': {
    input: 'agent-id',
    valid: /leave it empty to create a new agent/,
    inputs: { 'agent-id': 'latest' }
  },
  "agent-id: another user's agent (current wire)": {
    input: 'agent-id',
    valid: /not an agent of yours in competition 1/,
    inputs: { 'agent-id': '1001' }
  },
  "agent-id: another user's agent (legacy wire)": {
    input: 'agent-id',
    valid: /not an agent of yours in competition 1/,
    inputs: { 'agent-id': '1001' },
    wire: 'legacy'
  },
  'agent-id: an agent that does not exist': {
    input: 'agent-id',
    valid: /not an agent of yours in competition 1/,
    inputs: { 'agent-id': '987654' }
  },
  'wait: not a boolean': {
    input: 'wait',
    valid: /use true or false/,
    inputs: { wait: 'yes' }
  },
  'timeout-minutes: negative': {
    input: 'timeout-minutes',
    valid: /greater than 0 and at most 360; use e\.g\. 30/,
    inputs: { 'timeout-minutes': '-5' }
  },
  'timeout-minutes: absurd': {
    input: 'timeout-minutes',
    valid: /at most 360/,
    inputs: { 'timeout-minutes': '100000' }
  },
  'timeout-minutes: not a number': {
    input: 'timeout-minutes',
    valid: /use e\.g\. 30/,
    inputs: { 'timeout-minutes': 'an hour' }
  },
  'poll-interval-seconds: zero': {
    input: 'poll-interval-seconds',
    valid: /from 0\.05 to 600; use e\.g\. 10/,
    inputs: { 'poll-interval-seconds': '0' }
  },
  'poll-interval-seconds: longer than the timeout': {
    input: 'poll-interval-seconds',
    valid: /use a shorter interval/,
    inputs: { 'poll-interval-seconds': '120', 'timeout-minutes': '1' }
  },
  'logs: too many': {
    input: 'logs',
    valid: /from 0 to 100/,
    inputs: { logs: '1000' }
  },
  'replays: not a number': {
    input: 'replays',
    valid: /from 0 to 50; use e\.g\. 1, or 0 for none/,
    inputs: { replays: 'all' }
  },
  'comment: an unknown word': {
    input: 'comment',
    valid: /one of auto, on, off/,
    inputs: { comment: 'always' }
  },
  'comment-key: too long': {
    input: 'comment-key',
    valid: /use a short key/,
    inputs: { 'comment-key': 'k'.repeat(201) }
  },
  'fail-on: an unknown outcome': {
    input: 'fail-on',
    valid: /comma-separated list of deploy-failed, upload-failed, timeout, rank-drop/,
    inputs: { 'fail-on': 'deploy-failed, sometimes' }
  },
  'dry-run: not a boolean': {
    input: 'dry-run',
    valid: /use true or false/,
    inputs: { 'dry-run': 'maybe' }
  },
  // Courses (issue 13): every refusal comes before the enrolment, the first write.
  'course-join-code: a code no course has': {
    input: 'course-join-code',
    valid: /no course has this join code/,
    inputs: { 'competition-id': '', 'course-join-code': 'NOSUCHCODE', ...STUDENT }
  },
  'course-join-code: a code no course has (legacy)': {
    input: 'course-join-code',
    valid: /no course has this join code/,
    inputs: { 'competition-id': '', 'course-join-code': 'NOSUCHCODE', ...STUDENT },
    wire: 'legacy'
  },
  'course-join-code: a link that is not an enrolment link': {
    input: 'course-join-code',
    valid: /does not end in \/enroll\/<code>/,
    inputs: { 'course-join-code': 'https://ml-arena.com/challenge/1' }
  },
  'course-join-code: a course that has ended': {
    input: 'course-join-code',
    valid: /the course has ended/,
    inputs: { 'competition-id': '', 'course-join-code': COURSE_CODES.ended, ...STUDENT }
  },
  'student-email: malformed': {
    input: 'student-email',
    valid: /is not an e-mail address/,
    inputs: {
      'course-join-code': COURSE_CODES.lunar,
      'student-email': 'alice(at)uni',
      'student-number': 'S1'
    }
  },
  'student-number: missing while the profile lacks it': {
    input: 'student-number',
    valid: /ML Arena needs your student e-mail and number/,
    inputs: {
      'competition-id': '',
      'course-join-code': COURSE_CODES.lunar,
      'student-email': STUDENT['student-email']
    }
  },
  'competition-id: not a challenge of the course': {
    input: 'competition-id',
    valid: /2 is not a challenge of course .*its challenges are 1/,
    inputs: { 'competition-id': '2', 'course-join-code': COURSE_CODES.lunar, ...STUDENT }
  },
  'competition-id: empty, and the course has several challenges': {
    input: 'competition-id',
    valid: /has 2 challenges: 1 \("Lunar Lander"\), 7/,
    inputs: {
      'competition-id': '',
      'api-key': COURSE_TOKENS.carol,
      'course-join-code': COURSE_CODES.twoChallenges
    }
  },
  'fail-on: not-passed without a course': {
    input: 'fail-on',
    valid: /only a course has a pass threshold/,
    inputs: { 'fail-on': 'not-passed' }
  },
  'max-score: not a whole number of points': {
    input: 'max-score',
    valid: /whole number of points from 0 to 1000/,
    inputs: { 'max-score': '12.5' }
  }
}

const folders: string[] = []
afterAll(async () => {
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
  await rm(outside, { force: true })
})

async function workspace(testCase: Case): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-rel-bad-'))
  folders.push(dir)
  await writeFile(outside, 'a file outside the workspace\n')
  const files = testCase.files ?? { 'agent.py': AGENT_PY }
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content ?? '')
  }
  for (const [name, target] of Object.entries(testCase.links ?? {}))
    await symlink(target, path.join(dir, name))
  return dir
}

interface Result {
  run: ActionRun
  /** Requests other than GET that reached the emulator. */
  writes: string[]
}

/** Runs one case in a fresh emulator of its own (so the request log is the case's alone). */
async function runCase(testCase: Case): Promise<Result> {
  const emu = await startEmulator({ wire: testCase.wire ?? 'current', speed: 'manual' })
  try {
    const run = await runAction({
      workspace: await workspace(testCase),
      inputs: {
        'api-key': emu.tokens.user,
        'base-url': emu.baseUrl,
        'competition-id': String(COMPETITIONS.normal),
        files: '*',
        ...testCase.inputs
      }
    })
    const writes = emu
      .requests()
      .filter(entry => entry.method !== 'GET')
      .map(entry => `${entry.method} ${entry.path}`)
    return { run, writes }
  } finally {
    await emu.close()
  }
}

describe('bad input: one error line naming the input, and nothing changed on ML Arena', () => {
  const results = new Map<string, Result>()

  // The child processes run a few at a time here; each case's checks are a test of its own below.
  beforeAll(async () => {
    const queue = Object.entries(CASES)
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift())
        results.set(next[0], await runCase(next[1]))
    }
    await Promise.all(Array.from({ length: 4 }, worker))
  }, 180_000)

  it('has at least 30 cases, across every kind of input', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(30)
    expect(new Set(Object.values(CASES).map(c => c.input)).size).toBeGreaterThanOrEqual(18)
  })

  it.each(Object.entries(CASES))('%s', (name, testCase) => {
    const { run, writes } = results.get(name) as Result
    const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
    expect({ code: run.code, errors }).toEqual({
      code: 1,
      errors: [expect.stringMatching(new RegExp(`^::error::Input '${testCase.input}': `))]
    })
    expect(errors[0]).toMatch(testCase.valid)
    expect(run.outputs.outcome).toBe('error')
    // The summary escapes the quotes as HTML entities.
    expect(run.summary).toContain(`Input &#39;${testCase.input}&#39;`)
    expect(writes).toEqual([])
    for (const secret of testCase.hidden ?? []) {
      const printed = [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.stderr, run.summary]
      for (const text of printed) expect(text).not.toContain(secret)
    }
  })
})
