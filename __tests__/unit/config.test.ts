import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import {
  defaultAgentName,
  INPUT_DEFAULTS,
  parseRuntimeSpec,
  readConfig,
  type Config
} from '../../src/submit/config.js'
import { inputErrorOf } from '../support/input-errors.js'

let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'mlarena-config-'))
  mkdirSync(path.join(workspace, 'agent'))
  writeFileSync(path.join(workspace, 'notes.txt'), 'not a folder')
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

const USER_TOKEN = 'mlk_user_abc123_s3cr3t_with_underscores'

/** The inputs of a minimal valid run; `overrides` replaces or adds inputs. */
function config(overrides: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Config {
  const inputs: Record<string, string> = {
    'api-key': USER_TOKEN,
    'competition-id': '7',
    files: 'agent/**',
    ...overrides
  }
  return readConfig(name => inputs[name] ?? '', { GITHUB_WORKSPACE: workspace, ...env })
}

/** The run fails on `input`, with a one-line message that names it and contains `fragment`. */
function expectInputError(run: () => unknown, input: string, fragment: string | RegExp): string {
  const error = inputErrorOf(run)
  expect(error.input).toBe(input)
  expect(error.message.startsWith(`Input '${input}': `)).toBe(true)
  expect(error.message).not.toMatch(/[\r\n]/)
  if (typeof fragment === 'string') expect(error.message).toContain(fragment)
  else expect(error.message).toMatch(fragment)
  return error.message
}

describe('readConfig: a minimal run', () => {
  it('applies the defaults of action.yml', () => {
    const c = config()
    expect(c).toEqual({
      apiKey: USER_TOKEN,
      baseUrl: 'https://ml-arena.com',
      apiWire: 'auto',
      competitionId: 7,
      files: ['agent/**'],
      workingDirectory: workspace,
      ifNoFilesFound: 'error',
      runtime: null,
      agentName: null,
      agentId: null,
      newAgent: false,
      wait: true,
      timeoutMinutes: 30,
      pollIntervalSeconds: 10,
      logs: 3,
      replays: 0,
      logsDir: null,
      summary: true,
      comment: 'auto',
      commentKey: null,
      githubToken: '',
      failOn: new Set(),
      dryRun: false,
      course: null,
      maxScore: 100
    })
  })

  it('reads the same config from the defaults action.yml declares', () => {
    const action = parse(readFileSync(path.resolve('action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const defaults: Record<string, string> = {}
    for (const [name, spec] of Object.entries(action.inputs)) {
      if (typeof spec.default === 'string' && !spec.default.includes('${{')) {
        defaults[name] = spec.default
      }
    }
    // Every empty-input default of readConfig is the one action.yml declares.
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect([name, defaults[name]]).toEqual([name, value])
    }
    const fromYaml = config({
      ...defaults,
      'api-key': USER_TOKEN,
      'competition-id': '7',
      files: 'agent/**'
    })
    expect(fromYaml.failOn).toEqual(new Set(['deploy-failed', 'upload-failed', 'timeout']))
    expect({ ...fromYaml, failOn: null }).toEqual({ ...config(), failOn: null })
  })

  it('reads every input when all are given', () => {
    const c = config({
      'base-url': 'http://127.0.0.1:5000/',
      'api-wire': ' Legacy ',
      'competition-id': '12',
      files: 'agent/*.py\n\n  # a comment\n!agent/test_*.py\r\nmodel.pt  ',
      'working-directory': 'agent',
      'if-no-files-found': 'WARN',
      runtime: 'python/torch@2.3',
      'agent-name': '  my agent  ',
      'agent-id': '345',
      wait: 'False',
      'timeout-minutes': '2.5',
      'poll-interval-seconds': '0.05',
      logs: '0',
      'logs-dir': 'out/logs',
      summary: 'FALSE',
      comment: 'on',
      'comment-key': 'gpu / small',
      'github-token': 'ghs_token',
      'fail-on': 'timeout,\nrank-drop , timeout, not-passed',
      'dry-run': 'true',
      'course-join-code': 'https://ml-arena.com/enroll/LUNAR7K2/',
      'student-email': ' ada@uni.example ',
      'student-number': 'S-1001',
      'max-score': '40'
    })
    expect(c).toEqual({
      apiKey: USER_TOKEN,
      baseUrl: 'http://127.0.0.1:5000',
      apiWire: 'legacy',
      competitionId: 12,
      files: ['agent/*.py', '!agent/test_*.py', 'model.pt'],
      workingDirectory: path.join(workspace, 'agent'),
      ifNoFilesFound: 'warn',
      runtime: { kind: 'match', language: 'python', framework: 'torch', frameworkVersion: '2.3' },
      agentName: 'my agent',
      agentId: 345,
      newAgent: false,
      wait: false,
      timeoutMinutes: 2.5,
      pollIntervalSeconds: 0.05,
      logs: 0,
      replays: 0,
      logsDir: path.join(workspace, 'out/logs'),
      summary: false,
      comment: 'on',
      commentKey: 'gpu / small',
      githubToken: 'ghs_token',
      failOn: new Set(['timeout', 'rank-drop', 'not-passed']),
      dryRun: true,
      course: { joinCode: 'LUNAR7K2', studentEmail: 'ada@uni.example', studentNumber: 'S-1001' },
      maxScore: 40
    })
  })
})

describe('api-key', () => {
  it('is null when empty (fork and Dependabot pull requests)', () => {
    expect(config({ 'api-key': '' }).apiKey).toBeNull()
    expect(config({ 'api-key': '   ' }).apiKey).toBeNull()
  })

  it('keeps underscores of the secret part (split at most 3 times)', () => {
    expect(config({ 'api-key': 'mlk_user_l_a_b_c' }).apiKey).toBe('mlk_user_l_a_b_c')
  })

  it.each([
    ['the retired key_id:key_pass form', 'abc123:def456', 'retired key_id:key_pass form'],
    [
      'a creator token',
      'mlk_creator_look_SECRETVALUE',
      'is a creator token; submitting needs a user token (mlk_user_'
    ],
    ['a teacher token', 'mlk_teacher_look_SECRETVALUE', 'is a teacher token'],
    ['an unknown scope', 'mlk_admin_look_SECRETVALUE', 'is not an ML Arena token'],
    ['a missing secret', 'mlk_user_lookSECRETVALUE', 'mlk_user_<lookup>_<secret>'],
    ['an empty lookup', 'mlk_user__SECRETVALUE', 'is not an ML Arena token'],
    ['an empty secret', 'mlk_user_SECRETVALUE_', 'is not an ML Arena token'],
    ['a wrong prefix', 'mlx_user_look_SECRETVALUE', 'is not an ML Arena token'],
    ['a GitHub token pasted by mistake', 'ghp_SECRETVALUE', 'is not an ML Arena token'],
    ['inner whitespace', 'mlk_user_look SECRETVALUE', 'contains whitespace']
  ])('refuses %s without echoing it', (_what, value, fragment) => {
    const message = expectInputError(() => config({ 'api-key': value }), 'api-key', fragment)
    expect(message).not.toContain('SECRETVALUE')
    expect(message).not.toContain(value)
  })
})

describe('base-url', () => {
  it.each([
    ['https://ml-arena.com', 'https://ml-arena.com'],
    ['https://ml-arena.com/', 'https://ml-arena.com'],
    ['HTTPS://ML-Arena.com:8443/', 'https://ml-arena.com:8443'],
    ['http://localhost:5000', 'http://localhost:5000'],
    ['http://127.0.0.1:5000/', 'http://127.0.0.1:5000'],
    ['http://[::1]:5000', 'http://[::1]:5000']
  ])('accepts %s as %s', (value, expected) => {
    expect(config({ 'base-url': value }).baseUrl).toBe(expected)
  })

  it.each([
    [
      'plain http to another host',
      'http://ml-arena.com',
      'allowed only for localhost, 127.0.0.1 and [::1]'
    ],
    [
      'a path',
      'https://ml-arena.com/api',
      'give the host only, e.g. https://ml-arena.com; the action adds /api itself'
    ],
    ['a query', 'https://ml-arena.com/?x=1', 'must not have a query or fragment'],
    ['an empty query', 'https://ml-arena.com/?', 'must not have a query or fragment'],
    ['a fragment', 'https://ml-arena.com#top', 'must not have a query or fragment'],
    ['a relative URL', 'ml-arena.com', 'is not an absolute URL'],
    ['another scheme', 'ftp://ml-arena.com', 'is not an http(s) URL']
  ])('refuses %s', (_what, value, fragment) => {
    expectInputError(() => config({ 'base-url': value }), 'base-url', fragment)
  })

  it('refuses credentials without echoing them', () => {
    const message = expectInputError(
      () => config({ 'base-url': 'https://bob:hunter2@ml-arena.com' }),
      'base-url',
      'must not carry credentials'
    )
    expect(message).not.toContain('hunter2')
  })
})

describe('competition-id and agent-id', () => {
  it('requires competition-id', () => {
    expectInputError(() => config({ 'competition-id': '' }), 'competition-id', 'is required')
  })

  it.each(['1.5', '0x10', '1e3', '-1', '0', ' 12abc', '1 2', '9007199254740993'])(
    'refuses competition-id %j',
    value => {
      expectInputError(
        () => config({ 'competition-id': value }),
        'competition-id',
        `${JSON.stringify(value.trim())} is not a positive integer id; use e.g. 42.`
      )
    }
  )

  it.each(['1.5', '0x10', '1e3', '-1', '0', 'abc'])('refuses agent-id %j', value => {
    expectInputError(
      () => config({ 'agent-id': value }),
      'agent-id',
      'is not a positive integer id'
    )
  })

  it('reads agent-id, and then files may be empty (redeploy as it is)', () => {
    const c = config({ 'agent-id': '99', files: '' })
    expect(c.agentId).toBe(99)
    expect(c.files).toEqual([])
  })

  it('reads new-agent, which agent-id excludes', () => {
    expect(config().newAgent).toBe(false)
    expect(config({ 'new-agent': 'true' }).newAgent).toBe(true)
    expectInputError(() => config({ 'new-agent': 'yes please' }), 'new-agent', '')
    expectInputError(
      () => config({ 'new-agent': 'true', 'agent-id': '99' }),
      'new-agent',
      'agent-id names an agent to update'
    )
  })
})

describe('files and working-directory', () => {
  it('requires files unless agent-id is given', () => {
    expectInputError(() => config({ files: '' }), 'files', 'is required unless agent-id')
    expectInputError(() => config({ files: '# only a comment\n\n' }), 'files', 'is required')
  })

  it('resolves working-directory against the cwd when GITHUB_WORKSPACE is unset', () => {
    const inputs: Record<string, string> = {
      'competition-id': '1',
      files: 'x',
      'working-directory': workspace
    }
    const c = readConfig(name => inputs[name] ?? '', {})
    expect(c.workingDirectory).toBe(workspace)
    const cwd = readConfig(name => (name === 'working-directory' ? '' : (inputs[name] ?? '')), {})
    expect(cwd.workingDirectory).toBe(process.cwd())
  })

  it('refuses a working-directory that does not exist', () => {
    expectInputError(
      () => config({ 'working-directory': 'missing' }),
      'working-directory',
      `"missing" ("${path.join(workspace, 'missing')}") does not exist`
    )
  })

  it('refuses a working-directory that is a file', () => {
    expectInputError(
      () => config({ 'working-directory': 'notes.txt' }),
      'working-directory',
      'is not a directory'
    )
  })
})

describe('choices', () => {
  it.each([
    ['api-wire', 'v2', 'is not one of auto, current, legacy'],
    ['if-no-files-found', 'fail', 'is not one of error, warn, ignore'],
    ['comment', 'yes', 'is not one of auto, on, off']
  ])('%s refuses %j', (input, value, fragment) => {
    expectInputError(() => config({ [input]: value }), input, fragment)
  })

  it('accepts any letter case', () => {
    const c = config({ 'api-wire': 'CURRENT', comment: 'Off', 'if-no-files-found': 'Ignore' })
    expect([c.apiWire, c.comment, c.ifNoFilesFound]).toEqual(['current', 'off', 'ignore'])
  })
})

describe('booleans (as getBooleanInput)', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads %j as %s', (value, expected) => {
    const c = config({ wait: value, summary: value, 'dry-run': value })
    expect([c.wait, c.summary, c.dryRun]).toEqual([expected, expected, expected])
  })

  it.each([
    ['wait', 'yes'],
    ['summary', '1'],
    ['dry-run', 'tRuE']
  ])('%s refuses %j', (input, value) => {
    expectInputError(() => config({ [input]: value }), input, 'is not a boolean; use true or false')
  })
})

describe('timing and logs', () => {
  it.each(['-5', '0', '361', 'abc', '1e2', 'Infinity', '.5'])(
    'timeout-minutes refuses %j',
    value => {
      expectInputError(
        () => config({ 'timeout-minutes': value }),
        'timeout-minutes',
        `"${value}" is not a number of minutes greater than 0 and at most 360; use e.g. 30.`
      )
    }
  )

  it('accepts the timeout bounds', () => {
    expect(config({ 'timeout-minutes': '360' }).timeoutMinutes).toBe(360)
    expect(config({ 'timeout-minutes': '0.5', 'poll-interval-seconds': '1' }).timeoutMinutes).toBe(
      0.5
    )
  })

  it.each(['0.01', '0', '601', '-1', 'ten'])('poll-interval-seconds refuses %j', value => {
    expectInputError(
      () => config({ 'poll-interval-seconds': value }),
      'poll-interval-seconds',
      'is not a number of seconds from 0.05 to 600'
    )
  })

  it('requires the poll interval to be shorter than the timeout', () => {
    expectInputError(
      () => config({ 'timeout-minutes': '1', 'poll-interval-seconds': '60' }),
      'poll-interval-seconds',
      'is not shorter than timeout-minutes (1 min = 60 s)'
    )
    expect(
      config({ 'timeout-minutes': '1', 'poll-interval-seconds': '59' }).pollIntervalSeconds
    ).toBe(59)
  })

  it.each(['-1', '101', '2.5', 'all'])('logs refuses %j', value => {
    expectInputError(
      () => config({ logs: value }),
      'logs',
      'is not a whole number of games from 0 to 100'
    )
  })

  it.each(['-1', '51', '2.5', 'all', '1 2'])('replays refuses %j in one line', value => {
    const message = expectInputError(
      () => config({ replays: value }),
      'replays',
      'is not a whole number of games from 0 to 50'
    )
    expect(message).not.toContain('\n')
  })

  it('reads replays (default 0, up to 50)', () => {
    expect(config().replays).toBe(0)
    expect(config({ replays: '50' }).replays).toBe(50)
    expect(config({ replays: ' 2 ' }).replays).toBe(2)
  })

  it('accepts logs up to 100 and keeps an absolute logs-dir', () => {
    const c = config({ logs: '100', 'logs-dir': '/var/tmp/arena-logs' })
    expect(c.logs).toBe(100)
    expect(c.logsDir).toBe(path.resolve('/var/tmp/arena-logs'))
  })
})

describe('fail-on', () => {
  it('reads comma- and newline-separated words, in any case', () => {
    expect(config({ 'fail-on': 'Deploy-Failed\nupload-failed,,timeout\n' }).failOn).toEqual(
      new Set(['deploy-failed', 'upload-failed', 'timeout'])
    )
  })

  it('is empty when the input is empty', () => {
    expect(config({ 'fail-on': ' ' }).failOn.size).toBe(0)
  })

  it('refuses an unknown word and lists the valid ones', () => {
    expectInputError(
      () => config({ 'fail-on': 'timeout, failure' }),
      'fail-on',
      '"failure" is not an outcome to fail on; use a comma-separated list of deploy-failed, upload-failed, timeout, rank-drop'
    )
  })
})

describe('agent-name and comment-key', () => {
  it('accepts an agent name of 100 characters and refuses 101', () => {
    expect(config({ 'agent-name': 'a'.repeat(100) }).agentName).toHaveLength(100)
    expectInputError(
      () => config({ 'agent-name': 'a'.repeat(101) }),
      'agent-name',
      'is longer than 100 characters'
    )
  })

  it('counts characters, not UTF-16 units', () => {
    expect(config({ 'agent-name': '🤖'.repeat(100) }).agentName).toBe('🤖'.repeat(100))
  })

  it.each(['bad\tname', 'two\nlines', 'bell\u0007', 'sep\u2028arator', 'evil\u202egnp.exe'])(
    'refuses control characters in agent-name %j',
    value => {
      expectInputError(
        () => config({ 'agent-name': value }),
        'agent-name',
        'contains control characters'
      )
    }
  )

  it('keeps comment-key free text up to 200 characters', () => {
    expect(config({ 'comment-key': 'k'.repeat(200) }).commentKey).toHaveLength(200)
    expectInputError(
      () => config({ 'comment-key': 'k'.repeat(201) }),
      'comment-key',
      'is longer than 200 characters'
    )
    expectInputError(
      () => config({ 'comment-key': 'a\nb' }),
      'comment-key',
      'contains control characters'
    )
  })
})

describe('github-token', () => {
  it('is never echoed, whatever else fails', () => {
    const error = inputErrorOf(() => config({ 'github-token': 'ghs_SECRETVALUE', logs: 'x' }))
    expect(error.message).not.toContain('SECRETVALUE')
  })
})

describe('parseRuntimeSpec', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['42', { kind: 'id', id: 42 }],
    ['python', { kind: 'match', language: 'python', framework: null, frameworkVersion: null }],
    [
      'python/gymnasium',
      { kind: 'match', language: 'python', framework: 'gymnasium', frameworkVersion: null }
    ],
    [
      ' python/torch@2.3 ',
      { kind: 'match', language: 'python', framework: 'torch', frameworkVersion: '2.3' }
    ],
    [
      'c++/my_lib-x@1.0+cpu',
      { kind: 'match', language: 'c++', framework: 'my_lib-x', frameworkVersion: '1.0+cpu' }
    ]
  ])('reads %j', (value, expected) => {
    expect(parseRuntimeSpec(value)).toEqual(expected)
  })

  it.each([
    ['0', 'is not a valid runtime id'],
    ['python/', 'is not a runtime spec'],
    ['python/torch@', 'is not a runtime spec'],
    ['python torch', 'is not a runtime spec'],
    ['python/torch/2.3', 'is not a runtime spec'],
    ['-1', 'is not a valid runtime id'],
    ['1.5', 'is not a valid runtime id'],
    ['.hidden', 'is not a runtime spec'],
    ['python@3.11', 'gives a version without a framework'],
    ['x'.repeat(101), 'is not a runtime spec']
  ])('refuses %j with examples', (value, fragment) => {
    const message = expectInputError(() => parseRuntimeSpec(value), 'runtime', fragment)
    expect(message).toContain('python/torch@2.3')
  })

  it('is applied by readConfig', () => {
    expect(config({ runtime: '5' }).runtime).toEqual({ kind: 'id', id: 5 })
    expectInputError(() => config({ runtime: 'py thon' }), 'runtime', 'is not a runtime spec')
  })
})

describe('defaultAgentName', () => {
  const base = {
    repository: 'octo/my-agent',
    eventName: 'push',
    prNumber: null,
    sha: '0123456789ABCDEF0123456789abcdef01234567',
    refName: 'main'
  }

  it('uses the PR number on pull requests', () => {
    expect(defaultAgentName({ ...base, eventName: 'pull_request', prNumber: 17 })).toBe(
      'my-agent-pr17'
    )
  })

  it('names the repository and the branch otherwise: one agent per branch', () => {
    expect(defaultAgentName(base)).toBe('octo/my-agent@main')
    expect(defaultAgentName({ ...base, eventName: 'schedule', refName: 'feature/new' })).toBe(
      'octo/my-agent@feature/new'
    )
  })

  it('falls back to the short SHA, then to the repository alone', () => {
    expect(defaultAgentName({ ...base, refName: null })).toBe('octo/my-agent@0123456')
    expect(defaultAgentName({ ...base, sha: '', refName: '' })).toBe('octo/my-agent')
    expect(defaultAgentName({ ...base, repository: '', refName: null, sha: '' })).toBe('agent')
  })

  it('keeps pull request names to [A-Za-z0-9._-], and every name to 100 characters', () => {
    const name = defaultAgentName({
      ...base,
      repository: `o/${'très long nom '.repeat(20)}`,
      prNumber: 12345
    })
    expect(name).toMatch(/^[A-Za-z0-9._-]+-pr12345$/)
    expect(name.length).toBeLessThanOrEqual(100)
  })

  it('ends a long branch name in a hash of the whole, so two long branches do not collide', () => {
    const long = (branch: string): string =>
      defaultAgentName({ ...base, refName: `${'x'.repeat(120)}/${branch}` })
    expect([...long('a')].length).toBe(100)
    expect(long('a')).toMatch(/^octo\/my-agent@x+~[0-9a-f]{8}$/)
    expect(long('a')).not.toBe(long('b'))
  })
})
