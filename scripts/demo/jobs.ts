/**
 * Every job the demo can show: one entry each in JOBS. A job runs one or more steps of the
 * bundled actions against the emulator (and the fake GitHub, when it comments), narrating what
 * it does. To add a job (a new action, a new mode), add an entry: `--help`, the job list in
 * errors, the tests and `--html` pick it up from here.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  COMPETITIONS,
  COURSE_TOKENS,
  COURSES,
  MARKER_PREFIX,
  MARKERS,
  type EmulatorCourse
} from '../../emulator/index.ts'
import { NO_GITHUB_API, ROOT, type GitHubContext } from './runner.ts'
import { newSha, say, type DemoSession } from './session.ts'

export interface DemoJob {
  name: string
  /** One line for --help. */
  about: string
  /** The wires the job can run on (the creator action needs the current one). */
  wires: readonly ('current' | 'legacy')[]
  /** Its reports show the emulator's leaderboard, seeded with hostile names (say so). */
  hostileBoard?: boolean
  run(session: DemoSession): Promise<void>
}

const REPOSITORY = 'octo-org/lunar-lander-agent'
const EXAMPLE_AGENT = 'examples/agent'
const EXAMPLE_CHALLENGE = 'examples/challenge'

export const HOSTILE_NAMES_NOTE =
  'The emulator seeds its leaderboard with hostile names on purpose (`<img src=x onerror=…>`, `@everyone`, Markdown and HTML): the report shows them as plain text, which is the escaping at work, not a bug.'

export const JOBS: readonly DemoJob[] = [
  {
    name: 'push',
    hostileBoard: true,
    about: 'a push to main: create the branch agent, deploy, wait, rank (the default job)',
    wires: ['current', 'legacy'],
    async run(session) {
      say(HOSTILE_NAMES_NOTE)
      await session.step('push to main', {
        action: 'submit',
        github: push(),
        inputs: await submitInputs(session)
      })
    }
  },
  {
    name: 'pull-request',
    hostileBoard: true,
    about: 'a pull request: the sticky comment as GitHub shows it, then a second push updating it',
    wires: ['current', 'legacy'],
    async run(session) {
      say(HOSTILE_NAMES_NOTE)
      const github = await session.github()
      const number = 7
      const inputs = { ...(await submitInputs(session)), 'github-token': 'ghs_demo_token' }
      const describe = { 'github-token': '*** (a token the fake GitHub accepts)' }
      for (const round of [1, 2]) {
        const result = await session.step(
          `pull request #${number}, ${round === 1 ? 'first push' : 'second push'}`,
          {
            action: 'submit',
            github: pullRequest(number, github.url),
            inputs
          },
          describe
        )
        const ours = github.commentsOn(number).filter(c => c.user.login === github.login)
        const comment = ours.at(-1)
        if (!comment) throw new Error(`the run left no comment on pull request #${number}`)
        say()
        say(
          `${ours.length} comment of ours on pull request #${number} (id ${comment.id}, ${round === 1 ? 'created' : 'updated in place'}): ${result.outputs.get('comment-url') ?? ''}`
        )
        session.showMarkdown(
          `the sticky comment on pull request #${number} after the ${round === 1 ? 'first' : 'second'} push`,
          comment.body
        )
      }
    }
  },
  {
    name: 'schedule',
    hostileBoard: true,
    about: 'a nightly schedule: the first night creates the branch agent, the next updates it',
    wires: ['current', 'legacy'],
    async run(session) {
      say(HOSTILE_NAMES_NOTE)
      const inputs = await submitInputs(session)
      for (const night of ['first night', 'next night']) {
        await session.step(`schedule, ${night}`, {
          action: 'submit',
          github: { ...push(), eventName: 'schedule', event: { schedule: '0 3 * * *' } },
          inputs
        })
      }
    }
  },
  {
    name: 'challenge',
    about: "a creator's challenge folder: plan it (writes nothing), then apply it and start it",
    wires: ['current'],
    async run(session) {
      const inputs = {
        'base-url': session.emulator.baseUrl,
        'api-key': session.emulator.tokens.creator,
        directory: EXAMPLE_CHALLENGE,
        name: 'Coin Guess',
        'kernel-version': 'flex_v1',
        tags: 'beginner, rl',
        'poll-interval-seconds': pollSeconds(session)
      }
      const describe = {
        'api-key': "*** (the emulator's creator token)",
        directory: `${EXAMPLE_CHALLENGE} (env/, benchmark/, overview.md)`
      }
      await session.step(
        'plan',
        { action: 'challenge', github: push(), inputs: { ...inputs, mode: 'plan' } },
        describe
      )
      await session.step(
        'apply, benchmark and start',
        {
          action: 'challenge',
          github: push(),
          inputs: { ...inputs, mode: 'apply', start: 'true' }
        },
        describe
      )
    }
  },
  {
    name: 'student',
    about:
      "a student's push: enrol in the course once, submit, the GitHub Classroom result decoded",
    wires: ['current', 'legacy'],
    async run(session) {
      const course = lunarCourse(session)
      const result = await session.step(
        `a student's push to main (course ${course.name})`,
        {
          action: 'submit',
          github: push(),
          inputs: {
            ...(await submitInputs(session)),
            'competition-id': '',
            'course-join-code': course.enrolCode,
            'student-email': 'alice@uni.example',
            'student-number': 'S2000'
          }
        },
        {
          'competition-id': "(empty: the course's one challenge)",
          'course-join-code': `${course.enrolCode} (the emulator's course ${course.name})`
        }
      )
      const encoded = result.outputs.get('classroom-result') ?? ''
      say()
      say('classroom-result, decoded (base64 JSON for the Classroom grading reporter):')
      say(
        encoded
          ? JSON.stringify(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')), null, 2)
          : '(empty)'
      )
    }
  },
  {
    name: 'class-report',
    about: "a teacher's class report: every student, who passes, a chart, the CSV",
    wires: ['current', 'legacy'],
    async run(session) {
      const result = await session.step(
        'class report',
        {
          action: 'course',
          github: { ...push(), eventName: 'workflow_dispatch', event: {} },
          inputs: {
            'base-url': session.emulator.baseUrl,
            'api-key': COURSE_TOKENS.teacher,
            'course-id': String(COURSES.lunar)
          }
        },
        { 'api-key': "*** (the emulator's teacher token)" }
      )
      const csv = result.outputs.get('report-path')
      if (csv) {
        say()
        say(`the CSV (${csv}):`)
        say((await readFile(csv, 'utf8')).trimEnd())
      }
    }
  }
]

export function jobNames(): string[] {
  return JOBS.map(job => job.name)
}

export function findJob(name: string): DemoJob | undefined {
  return JOBS.find(job => job.name === name)
}

// ---- the GitHub side of each event ----

function push(): GitHubContext {
  const sha = newSha()
  const [owner = '', name = ''] = REPOSITORY.split('/')
  return {
    repository: REPOSITORY,
    eventName: 'push',
    ref: 'refs/heads/main',
    sha,
    apiUrl: NO_GITHUB_API,
    event: {
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: sha,
      repository: { full_name: REPOSITORY, name, owner: { login: owner } },
      head_commit: { id: sha, message: 'Tune the policy weights' },
      pusher: { name: owner }
    }
  }
}

function pullRequest(number: number, apiUrl: string): GitHubContext {
  const sha = newSha()
  const [owner = '', name = ''] = REPOSITORY.split('/')
  const repo = { full_name: REPOSITORY, name, owner: { login: owner } }
  return {
    repository: REPOSITORY,
    eventName: 'pull_request',
    ref: `refs/pull/${number}/merge`,
    sha,
    apiUrl,
    event: {
      action: 'synchronize',
      number,
      repository: repo,
      pull_request: {
        number,
        user: { login: owner },
        head: { sha, ref: 'tune-weights', repo },
        base: { ref: 'main', repo }
      }
    }
  }
}

// ---- inputs ----

function pollSeconds(session: DemoSession): string {
  return session.options.speed === 'fast' ? '0.2' : '2'
}

/** The submit action's inputs: the example agent (or one that fails, with --fail). */
async function submitInputs(session: DemoSession): Promise<Record<string, string>> {
  return {
    'base-url': session.emulator.baseUrl,
    'api-key': session.emulator.tokens.user,
    'competition-id': String(COMPETITIONS.normal),
    'working-directory': session.options.fail ? await failingAgent() : EXAMPLE_AGENT,
    files: '*.py\nrequirements.txt',
    'poll-interval-seconds': pollSeconds(session)
  }
}

/** examples/agent with an import that fails: the emulator fails every run (code_error). */
async function failingAgent(): Promise<string> {
  const dir = path.join(os.tmpdir(), `mlarena-demo-failing-agent-${process.pid}`)
  await mkdir(dir, { recursive: true })
  const example = await readFile(path.join(ROOT, EXAMPLE_AGENT, 'agent.py'), 'utf8')
  const broken = [
    `# ${MARKER_PREFIX}${MARKERS.FAIL_IMPORT}: the emulator fails every run of this agent at import,`,
    '# as ML Arena does when a dependency is missing.',
    'import mlarena_missing_dependency  # noqa: F401',
    '',
    example
  ].join('\n')
  await writeFile(path.join(dir, 'agent.py'), broken)
  await writeFile(
    path.join(dir, 'requirements.txt'),
    await readFile(path.join(ROOT, EXAMPLE_AGENT, 'requirements.txt'))
  )
  return dir
}

function lunarCourse(session: DemoSession): EmulatorCourse {
  const course = session.emulator.courses.find(c => c.id === COURSES.lunar)
  if (!course) throw new Error('the emulator has no Lunar Lander course')
  return course
}
