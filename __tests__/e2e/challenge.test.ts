/**
 * End to end: the bundled challenge action (dist/challenge/index.js) runs as a child process,
 * as a runner runs it, against the emulator (current wire, fast clock) and a fake GitHub API.
 * The cycle of the issue: create → plan on a pull request with a bad key (an annotation on its
 * line, nothing written) → fix → plan again (the same comment, updated) → a challenge.toml the
 * server refuses (its lines as annotations, nothing further changed) → apply → benchmark → start.
 * Plus the bad inputs, each one clear error and nothing written. dist/ must be fresh:
 * `npm run bundle`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CREATOR_CHALLENGES, startEmulator, TOKENS, type Emulator } from '../../emulator/index.ts'
import { startsWithKeyMarker } from '../../src/report/sticky-marker.js'
import { CHALLENGE_ENTRY, runAction, type ActionRun } from '../support/action-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/challenge')
const NAME = 'E2E Coin Guess'
const PR = 7

function pullRequestEvent(): unknown {
  return {
    number: PR,
    pull_request: {
      number: PR,
      user: { login: 'octo' },
      head: { sha: 'abc123', repo: { full_name: 'octo/agent-repo' } },
      base: { repo: { full_name: 'octo/agent-repo' } }
    }
  }
}

/** Requests that could change something on ML Arena (the env check saves nothing). */
function writes(emu: Emulator): string[] {
  return emu
    .requests()
    .filter(
      r =>
        r.server === 'api' &&
        r.method !== 'GET' &&
        !r.path.startsWith('/__emulator') &&
        !r.path.endsWith('/env/check')
    )
    .map(r => `${r.method} ${r.path.replace(/\?.*$/, '')}`)
}

/** `::error file=…,line=N::message` lines (as @actions/core writes annotations). */
function annotations(
  run: ActionRun,
  kind = 'error'
): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = []
  for (const match of run.stdout.matchAll(new RegExp(`^::${kind} ([^:]*)::(.*)$`, 'gm'))) {
    const props = Object.fromEntries(
      (match[1] as string).split(',').map(part => part.split('=') as [string, string])
    )
    if (props.file)
      out.push({ file: props.file, line: Number(props.line), message: match[2] as string })
  }
  return out
}

describe('the challenge action, end to end', () => {
  let emu: Emulator
  let github: FakeGitHub
  let workspace: string
  const toml = (): string => path.join(workspace, 'challenge/env/challenge.toml')

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 11 })
    github = await new FakeGitHub().start()
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-ws-'))
    await cp(EXAMPLE, path.join(workspace, 'challenge'), { recursive: true })
  })
  afterAll(async () => {
    await emu.close()
    await github.close()
    await rm(workspace, { recursive: true, force: true })
  })

  function run(
    inputs: Record<string, string>,
    event: 'push' | 'pull_request' = 'push'
  ): Promise<ActionRun> {
    emu.clearRequests()
    return runAction({
      entry: CHALLENGE_ENTRY,
      actionFile: 'challenge/action.yml',
      eventName: event,
      event: event === 'pull_request' ? pullRequestEvent() : {},
      githubApiUrl: github.url,
      workspace,
      inputs: {
        'api-key': TOKENS.creator,
        'base-url': emu.baseUrl,
        directory: 'challenge',
        name: NAME,
        'kernel-version': 'flex_v1',
        tags: 'beginner, RL',
        'poll-interval-seconds': '0.05',
        'timeout-minutes': '2',
        'github-token': 'ghs_faketoken',
        ...inputs
      }
    })
  }

  let challengeId = ''

  it('creates the challenge on the first apply, benchmarks it, and says which id to pin', async () => {
    const result = await run({})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      outcome: 'applied',
      status: 'draft',
      'benchmark-status': 'completed',
      blockers: '0'
    })
    challengeId = result.outputs['challenge-id'] ?? ''
    expect(Number(challengeId)).toBeGreaterThanOrEqual(101)
    expect(Number(result.outputs['benchmark-score'])).toBeGreaterThan(0)
    expect(result.outputs.url).toBe(`${emu.baseUrl}/challenge/${challengeId}`)
    expect(result.outputs.changes).toBe('6')
    expect(result.stdout).toContain(`pin it with challenge-id: ${challengeId}`)
    expect(writes(emu)).toEqual(
      expect.arrayContaining([
        'POST /api/creator_challenge/challenge',
        `PUT /api/creator_challenge/challenge/${challengeId}/env/files`,
        `PUT /api/creator_challenge/challenge/${challengeId}/benchmark/files`,
        `PUT /api/creator_challenge/challenge/${challengeId}/markdown`,
        `POST /api/creator_challenge/challenge/${challengeId}/benchmark/run`
      ])
    )
    // challenge.toml is the first file written.
    expect(writes(emu)[1]).toBe(`PUT /api/creator_challenge/challenge/${challengeId}/env/files`)
    expect(result.summary).toContain('### Benchmark')
    expect(result.summary).toContain('```mermaid')
    const view = emu.state().creator as unknown
    expect(JSON.stringify(view)).toContain(NAME)
  })

  it('finds the same challenge by name the next time, and has nothing to apply', async () => {
    const result = await run({})
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      outcome: 'applied',
      changes: '0',
      'challenge-id': challengeId
    })
    expect(writes(emu)).toEqual([])
  })

  it('plans a pull request with a bad key: an annotation on its line, nothing written, one comment', async () => {
    const original = await readFile(toml(), 'utf8')
    const broken = original.replace(
      'simulation_timeout_sec = 120',
      'simulation_timeout_sec = 240\nbogus_key = 1'
    )
    await writeFile(toml(), broken)
    const line = broken.split('\n').findIndex(l => l.startsWith('bogus_key')) + 1
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({
      outcome: 'plan-failed',
      'challenge-id': challengeId,
      changes: '1'
    })
    expect(annotations(result)).toContainEqual({
      file: 'challenge/env/challenge.toml',
      line,
      message: "unknown key 'bogus_key'"
    })
    expect(result.stdout).toMatch(
      /::error::.*the plan has 1 error\(s\): challenge\/env\/challenge\.toml:\d+: unknown key 'bogus_key'/
    )
    expect(writes(emu)).toEqual([])
    const comments = github.comments.filter(c => c.issue === PR)
    expect(comments).toHaveLength(1)
    expect(
      startsWithKeyMarker(
        comments[0]?.body ?? '',
        'mlarena-action:challenge:v1',
        `challenge:${NAME}`
      )
    ).toBe(true)
    expect(comments[0]?.body).toContain('config simulation\\_timeout\\_sec | 120 → 240')
    await writeFile(
      toml(),
      original.replace('simulation_timeout_sec = 120', 'simulation_timeout_sec = 240')
    )
  })

  it('plans the fixed pull request: no errors, the same comment updated in place', async () => {
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ outcome: 'planned', changes: '1', blockers: '0' })
    expect(annotations(result)).toEqual([])
    expect(writes(emu)).toEqual([])
    const comments = github.comments.filter(c => c.issue === PR)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain('📋 ML Arena challenge')
    expect(comments[0]?.body).not.toContain('bogus')
  })

  it('stops at a challenge.toml ML Arena refuses: its lines as annotations, nothing further changed', async () => {
    const fixed = await readFile(toml(), 'utf8')
    // Valid for the schema and the plan's own MetricSpec checks, refused by the platform: a
    // rated metric on a kind that seats one agent (the plan cannot know number_of_agents).
    const refused = fixed.replace('agg = "max"', 'agg = "rating"')
    await writeFile(toml(), refused)
    await writeFile(path.join(workspace, 'challenge/overview.md'), '# Changed overview\n')
    const result = await run({})
    expect(result.code).toBe(1)
    expect(result.outputs.outcome).toBe('refused')
    const found = annotations(result).filter(a => a.file === 'challenge/env/challenge.toml')
    expect(found.length).toBeGreaterThan(0)
    expect(found[0]?.message).toMatch(/rating.*2 agents/)
    expect(writes(emu)).toEqual([`PUT /api/creator_challenge/challenge/${challengeId}/env/files`])
    await writeFile(toml(), fixed)
  })

  it('applies the fix, runs the benchmark, and starts the challenge', async () => {
    const result = await run({ start: 'true' })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      outcome: 'started',
      status: 'started',
      'benchmark-status': 'completed',
      'challenge-id': challengeId,
      changes: '2',
      blockers: '0'
    })
    expect(writes(emu)).toEqual([
      `PUT /api/creator_challenge/challenge/${challengeId}/env/files`,
      `PUT /api/creator_challenge/challenge/${challengeId}/markdown`,
      `POST /api/creator_challenge/challenge/${challengeId}/benchmark/run`,
      `PUT /api/creator_challenge/challenge/${challengeId}/start`
    ])
    expect(result.summary).toContain('🚀 ML Arena challenge')
    expect(result.summary).toMatch(/\| Run wallclock \| (✅|⚠️|❌) /u)
  })

  it('plans a change a started challenge refuses, and fails the check', async () => {
    const fixed = await readFile(toml(), 'utf8')
    await writeFile(
      toml(),
      fixed.replace('simulation_timeout_sec = 240', 'simulation_timeout_sec = 60')
    )
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(1)
    expect(result.outputs.outcome).toBe('plan-failed')
    expect(annotations(result)).toContainEqual(
      expect.objectContaining({
        file: 'challenge/env/challenge.toml',
        line: 3,
        message: expect.stringMatching(
          /started: ML Arena refuses this change \(config simulation_timeout_sec\)/
        )
      })
    )
    expect(writes(emu)).toEqual([])
    await writeFile(toml(), fixed)
  })
})

describe('the challenge action refuses bad input before writing anything', () => {
  let emu: Emulator
  let workspace: string

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 12 })
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-bad-'))
    await cp(EXAMPLE, path.join(workspace, 'challenge'), { recursive: true })
    await cp(EXAMPLE, path.join(workspace, 'broken'), { recursive: true })
    await writeFile(path.join(workspace, 'broken/env/challenge.toml'), 'a = 1\nb = [1,\n')
    await cp(path.join(EXAMPLE, 'benchmark'), path.join(workspace, 'no-env/env'), {
      recursive: true
    })
  })
  afterAll(async () => {
    await emu.close()
    await rm(workspace, { recursive: true, force: true })
  })

  const cases: [string, Record<string, string>, RegExp, boolean][] = [
    [
      'a user token',
      { 'api-key': TOKENS.user },
      /Input 'api-key': is a user token; managing a challenge needs a creator token/,
      false
    ],
    [
      'an unknown kind',
      { 'kernel-version': 'flex_v9' },
      /Input 'kernel-version': "flex_v9" is not a kind ML Arena offers; use one of flex_v1/,
      true
    ],
    [
      'an unknown tag',
      { tags: 'chess' },
      /Input 'tags': "chess" is not in ML Arena's tag catalog/,
      true
    ],
    [
      'a folder without env.py',
      { directory: 'no-env' },
      /Input 'directory': "no-env\/env\/env.py" does not exist/,
      false
    ],
    [
      'a challenge.toml that does not parse',
      { directory: 'broken' },
      /broken\/env\/challenge\.toml:\d: not valid TOML/,
      true
    ]
  ]

  function attempt(inputs: Record<string, string>): Promise<ActionRun> {
    emu.clearRequests()
    return runAction({
      entry: CHALLENGE_ENTRY,
      actionFile: 'challenge/action.yml',
      workspace,
      inputs: {
        'api-key': TOKENS.creator,
        'base-url': emu.baseUrl,
        directory: 'challenge',
        name: 'Bad Input',
        'kernel-version': 'flex_v1',
        ...inputs
      }
    })
  }

  it('checks env.py of a new challenge right after creating it, and writes no file when it fails', async () => {
    await cp(EXAMPLE, path.join(workspace, 'no-class'), { recursive: true })
    await writeFile(
      path.join(workspace, 'no-class/env/env.py'),
      'import random\n\n\ndef evaluate(agents):\n    return {}\n'
    )
    const result = await attempt({ directory: 'no-class', name: 'No Env Class' })
    expect(result.code).toBe(1)
    expect(result.outputs.outcome).toBe('refused')
    expect(annotations(result)).toContainEqual(
      expect.objectContaining({
        file: 'no-class/env/env.py',
        message: expect.stringMatching(/class Env/)
      })
    )
    expect(writes(emu)).toEqual(['POST /api/creator_challenge/challenge'])
    expect(result.outputs['challenge-id']).not.toBe('')
  })

  it.each(cases)(
    '%s: one clear error, nothing written',
    async (_name, inputs, message, reachesArena) => {
      const result = await attempt(inputs)
      expect(result.code).toBe(1)
      const errors = result.stdout.split('\n').filter(line => line.startsWith('::error'))
      expect(errors.some(line => message.test(line))).toBe(true)
      expect(writes(emu)).toEqual([])
      if (!reachesArena) expect(emu.requests().filter(r => r.server === 'api')).toEqual([])
      for (const name of [
        'challenge-id',
        'status',
        'benchmark-status',
        'benchmark-score',
        'blockers',
        'changes',
        'url'
      ])
        expect(result.outputs).toHaveProperty(name)
    }
  )
})

describe.each(['fast', 'manual'] as const)(
  'the challenge action waits for the benchmark (%s clock)',
  speed => {
    let emu: Emulator
    let workspace: string

    beforeAll(async () => {
      emu = await startEmulator({ wire: 'current', speed, seed: 13 })
      workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-wait-'))
      await cp(EXAMPLE, path.join(workspace, 'challenge'), { recursive: true })
      await cp(EXAMPLE, path.join(workspace, 'crashing'), { recursive: true })
      const envPy = path.join(workspace, 'crashing/env/env.py')
      await writeFile(envPy, `# MLARENA_EMULATOR:ENV_CRASH\n${await readFile(envPy, 'utf8')}`)
    })
    afterAll(async () => {
      await emu.close()
      await rm(workspace, { recursive: true, force: true })
    })

    function apply(
      name: string,
      inputs: Record<string, string>,
      onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
    ): Promise<ActionRun> {
      return runAction({
        entry: CHALLENGE_ENTRY,
        actionFile: 'challenge/action.yml',
        workspace,
        onSpawn,
        inputs: {
          'api-key': TOKENS.creator,
          'base-url': emu.baseUrl,
          directory: 'challenge',
          name,
          'kernel-version': 'flex_v1',
          'poll-interval-seconds': '0.05',
          start: 'true',
          ...inputs
        }
      })
    }

    // The fast clock ends the benchmark by itself; on the manual one it stays pending.
    // Each test is declared for the one clock it needs (no skipped placeholders for the other).
    const onFast = (name: string, fn: () => Promise<void>): void => {
      if (speed === 'fast') it(name, fn)
    }
    const onManual = (name: string, fn: () => Promise<void>): void => {
      if (speed === 'manual') it(name, fn)
    }

    onFast('reports a failed benchmark with its error and log, and does not start', async () => {
      const result = await apply('Crashing', { directory: 'crashing' })
      expect(result.code).toBe(1)
      expect(result.outputs).toMatchObject({
        outcome: 'benchmark-failed',
        'benchmark-status': 'failed',
        status: 'draft',
        'benchmark-score': ''
      })
      expect(Number(result.outputs.blockers)).toBeGreaterThan(0)
      expect(result.stdout).toMatch(/^::error::The benchmark failed: code_error/m)
      expect(result.summary).toContain('<summary>Env log (tail)</summary>')
      expect(emu.requests().some(r => r.path.endsWith('/start'))).toBe(false)
    })

    onManual('stops at the deadline with the benchmark still pending', async () => {
      // 0.005 min = 300 ms; the manual clock does not move, so the run stays pending.
      const result = await apply('Deadline', { 'timeout-minutes': '0.005' })
      expect(result.code).toBe(1)
      expect(result.outputs).toMatchObject({ outcome: 'timeout', 'benchmark-status': 'timeout' })
      expect(result.stdout).toMatch(
        /^::error::The benchmark did not finish within timeout-minutes/m
      )
      expect(result.outputs['challenge-id']).not.toBe('')
    })

    onManual('stops on SIGTERM while waiting, and still reports', async () => {
      const result = await apply(
        'Cancelled',
        { 'timeout-minutes': '5', 'poll-interval-seconds': '5' },
        (child, output) => {
          const timer = setInterval(() => {
            if (output.stdout().includes('Benchmark started')) {
              clearInterval(timer)
              child.kill('SIGTERM')
            }
          }, 20)
        }
      )
      expect(result.code).toBe(1)
      expect(result.outputs.outcome).toBe('cancelled')
      expect(result.outputs['challenge-id']).not.toBe('')
      expect(result.summary).toContain('🛑 ML Arena challenge')
    })
  }
)

describe('the challenge action on the legacy wire (SDK 0.2.0), end to end', () => {
  let emu: Emulator
  let github: FakeGitHub
  let workspace: string
  const NAME_LEGACY = 'E2E Legacy Coin Guess'
  const toml = (): string => path.join(workspace, 'challenge/env/challenge.toml')

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'legacy', speed: 'fast', seed: 13 })
    github = await new FakeGitHub().start()
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-legacy-'))
    await cp(EXAMPLE, path.join(workspace, 'challenge'), { recursive: true })
  })
  afterAll(async () => {
    await emu.close()
    await github.close()
    await rm(workspace, { recursive: true, force: true })
  })

  function run(
    inputs: Record<string, string>,
    event: 'push' | 'pull_request' = 'push'
  ): Promise<ActionRun> {
    emu.clearRequests()
    return runAction({
      entry: CHALLENGE_ENTRY,
      actionFile: 'challenge/action.yml',
      eventName: event,
      event: event === 'pull_request' ? pullRequestEvent() : {},
      githubApiUrl: github.url,
      workspace,
      inputs: {
        'api-key': TOKENS.creator,
        'base-url': emu.baseUrl,
        directory: 'challenge',
        name: NAME_LEGACY,
        'kernel-version': 'flex_v1',
        tags: 'beginner, RL',
        'poll-interval-seconds': '0.05',
        'timeout-minutes': '2',
        'github-token': 'ghs_faketoken',
        ...inputs
      }
    })
  }

  it('plans: a key with no 0.2.0 settings keyword is an error on its line, nothing written', async () => {
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(1)
    expect(result.outputs.outcome).toBe('plan-failed')
    const text = await readFile(toml(), 'utf8')
    const line = text.split('\n').findIndex(l => l.startsWith('agent_max_time_per_step_second')) + 1
    expect(annotations(result)).toContainEqual({
      file: 'challenge/env/challenge.toml',
      line,
      message: expect.stringContaining(
        "'agent_max_time_per_step_second' has no settings keyword on the legacy wire"
      )
    })
    expect(writes(emu)).toEqual([])
    await writeFile(
      toml(),
      text
        .split('\n')
        .filter(l => !l.startsWith('agent_max_time_per_step_second'))
        .join('\n')
    )
  })

  it('plans the fixed folder: what this wire cannot know is said, nothing written', async () => {
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ outcome: 'planned', 'challenge-id': '' })
    expect(result.summary).toContain('speaks the legacy API wire')
    expect(result.summary).toContain('📤 send (cannot compare)')
    expect(writes(emu)).toEqual([])
  })

  it('applies: creates, settings, files, overview, benchmark, start', async () => {
    const result = await run({ start: 'true' })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      outcome: 'started',
      status: 'started',
      'benchmark-status': 'completed'
    })
    const id = Number(result.outputs['challenge-id'])
    expect(result.outputs.url).toBe(`${emu.baseUrl}/competition/${id}`)
    const P = `/api/creator_competition/competition`
    expect(writes(emu)).toEqual([
      `POST ${P}`,
      `PUT ${P}/${id}/env/files`,
      `PUT ${P}/${id}/settings`,
      `PUT ${P}/${id}/env/files`,
      `PUT ${P}/${id}/env/files`,
      `PUT ${P}/${id}/benchmark/files`,
      `PUT ${P}/${id}/markdown`,
      `POST ${P}/${id}/benchmark/run`,
      `PUT ${P}/${id}/start`
    ])
    const state = emu.state().creator.challenges.find(c => c.id === id)
    expect(state?.status).toBe('started')
    expect(state?.tags.map(t => t.name).sort()).toEqual(['beginner', 'rl'])
    expect(state?.config.values).toEqual(
      expect.objectContaining({ simulation_timeout_sec: 120, max_upload_files: 5 })
    )
    expect(state?.legacySettings).toEqual(
      expect.objectContaining({
        evaluation_metric: 'Accuracy',
        evaluation_metric2: 'Longest streak'
      })
    )
    expect(state?.env.map(f => f.name)).toEqual(['challenge.toml', 'env.py', 'requirements.txt'])
    expect(state?.runs).toHaveLength(1)
  })

  it('re-applies with no changes: 0 changes, nothing written', async () => {
    const result = await run({ start: 'true' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ outcome: 'applied', changes: '0', status: 'started' })
    expect(writes(emu)).toEqual([])
    expect(result.summary).toContain('cannot be compared on this wire')
  })

  it('plans a setting a started competition refuses: an error, as this wire has no stop', async () => {
    const fixed = await readFile(toml(), 'utf8')
    await writeFile(toml(), fixed.replace('max_upload_files = 5', 'max_upload_files = 7'))
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(1)
    expect(annotations(result)).toContainEqual(
      expect.objectContaining({
        file: 'challenge/env/challenge.toml',
        message: expect.stringContaining('it has no stop route')
      })
    )
    expect(writes(emu)).toEqual([])
    await writeFile(toml(), fixed)
  })
})

describe('the SDK 4.4.0 creator calls the action uses (current wire)', () => {
  let emu: Emulator
  let workspace: string
  const NAME4 = 'E2E SDK calls'
  const PNG = (n: number): Buffer =>
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200, n)
    ])

  beforeAll(async () => {
    emu = await startEmulator({ wire: 'current', speed: 'fast', seed: 21 })
    workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-sdk-'))
    await cp(EXAMPLE, path.join(workspace, 'challenge'), { recursive: true })
    await writeFile(path.join(workspace, 'challenge/cover.png'), PNG(1))
  })
  afterAll(async () => {
    await emu.close()
    await rm(workspace, { recursive: true, force: true })
  })

  function run(inputs: Record<string, string>, event: 'push' | 'pull_request' = 'push') {
    emu.clearRequests()
    return runAction({
      entry: CHALLENGE_ENTRY,
      actionFile: 'challenge/action.yml',
      eventName: event,
      event: event === 'pull_request' ? pullRequestEvent() : {},
      workspace,
      inputs: {
        'api-key': TOKENS.creator,
        'base-url': emu.baseUrl,
        directory: 'challenge',
        name: NAME4,
        'kernel-version': 'flex_v1',
        'poll-interval-seconds': '0.05',
        'timeout-minutes': '2',
        comment: 'off',
        ...inputs
      }
    })
  }
  const state = () => emu.state().creator.challenges.find(c => c.name === NAME4)

  it('writes settings the file does not hold; a key the file holds is a plan error', async () => {
    const refused = await run({ settings: '{"max_upload_files": 9}' })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain("'max_upload_files' is in challenge.toml, which owns it")
    expect(writes(emu)).toEqual([])
    const result = await run({ start: 'true', settings: '{"render_delay_second": 0.3}' })
    expect(result.code).toBe(0)
    expect(result.outputs.outcome).toBe('started')
    expect(state()?.config.values.render_delay_second).toBe(0.3)
    expect(state()?.config.origin.render_delay_second).toBe('console')
    expect(state()?.cover?.sha256).toBeDefined()
  })

  it('re-applies with the same settings and cover: 0 changes (the cover bytes compared)', async () => {
    const result = await run({ start: 'true', settings: '{"render_delay_second": 0.3}' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ outcome: 'applied', changes: '0' })
    expect(writes(emu)).toEqual([])
    expect(emu.requests().some(r => r.method === 'GET' && r.path.endsWith(`/image`))).toBe(true)
  })

  it('replaces a cover whose bytes differ, while started', async () => {
    await writeFile(path.join(workspace, 'challenge/cover.png'), PNG(2))
    const result = await run({})
    expect(result.code).toBe(0)
    expect(result.outputs.changes).toBe('1')
    const id = state()?.id
    expect(writes(emu)).toEqual([`POST /api/creator_challenge/challenge/${id}/image`])
  })

  it('without restart, a change a started challenge refuses says to set restart: true', async () => {
    const toml = path.join(workspace, 'challenge/env/challenge.toml')
    const text = await readFile(toml, 'utf8')
    await writeFile(
      toml,
      text.replace('simulation_timeout_sec = 120', 'simulation_timeout_sec = 90')
    )
    const result = await run({}, 'pull_request')
    expect(result.code).toBe(1)
    expect(annotations(result)).toContainEqual(
      expect.objectContaining({
        line: 3,
        message: expect.stringContaining('set restart: true to let apply stop → apply → start')
      })
    )
  })

  it('with restart: true, stops, applies, benchmarks and starts again, and says so', async () => {
    const result = await run({ restart: 'true' })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ outcome: 'started', status: 'started' })
    const id = state()?.id
    const P = `/api/creator_challenge/challenge/${id}`
    expect(writes(emu)).toEqual([
      `PUT ${P}/stop`,
      `PUT ${P}/env/files`,
      `POST ${P}/benchmark/run`,
      `PUT ${P}/start`
    ])
    expect(state()?.config.values.simulation_timeout_sec).toBe(90)
    expect(result.summary).toContain('restart is true')
  })

  it('exports the resolved challenge.toml into a folder that has none, and does not upload it', async () => {
    const bare = await mkdtemp(path.join(os.tmpdir(), 'mlarena-challenge-export-'))
    try {
      await cp(EXAMPLE, path.join(bare, 'challenge'), { recursive: true })
      await rm(path.join(bare, 'challenge/env/challenge.toml'))
      emu.clearRequests()
      const result = await runAction({
        entry: CHALLENGE_ENTRY,
        actionFile: 'challenge/action.yml',
        eventName: 'pull_request',
        event: pullRequestEvent(),
        workspace: bare,
        inputs: {
          'api-key': TOKENS.creator,
          'base-url': emu.baseUrl,
          directory: 'challenge',
          // The seeded draft (its challenge.toml set simulation_timeout_sec = 300).
          'challenge-id': String(CREATOR_CHALLENGES.aliceDraft),
          comment: 'off'
        }
      })
      expect(result.code).toBe(0)
      const exported = await readFile(path.join(bare, 'challenge/env/challenge.toml'), 'utf8')
      expect(exported).toMatch(/^#:schema /)
      expect(exported).toContain('simulation_timeout_sec = 300')
      expect(result.summary).toContain('export\\_config')
      expect(writes(emu)).toEqual([])
    } finally {
      await rm(bare, { recursive: true, force: true })
    }
  })
})
