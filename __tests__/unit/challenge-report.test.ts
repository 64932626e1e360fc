/**
 * The challenge action's job summary and PR comment: golden files (byte for byte, in
 * __tests__/golden/challenge-*.md), untrusted text escaped, the marker first in the comment and
 * found only there, and the size budgets kept.
 *
 * After an intended change to the report, regenerate them and review the diff:
 *
 *   UPDATE_GOLDEN=1 npm test -- challenge-report
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { newChallengeOutcome, type ChallengeOutcome } from '../../src/challenge/outcome.js'
import { buildPlan } from '../../src/challenge/plan.js'
import {
  COMMENT_MARKER_TAG,
  renderChallengeComment,
  renderChallengeSummary
} from '../../src/challenge/report/render.js'
import { parseChallengeToml } from '../../src/challenge/toml.js'
import { renderKeyMarker, startsWithKeyMarker } from '../../src/report/sticky-marker.js'
import { renderHtml, textOf } from '../reliability/support/markdown-check.js'
import { ENV_PY, folder, localFile, remote, view } from '../support/challenge-fixtures.js'

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'

function expectGolden(name: string, actual: string): void {
  const file = `${GOLDEN_DIR}${name}.md`
  if (UPDATE) writeFileSync(file, actual)
  if (!existsSync(file))
    throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npm test -- challenge-report`)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

/** A pull request's plan: a changed key, a bad key, an env check finding from the server. */
function planOutcome(): ChallengeOutcome {
  const text = 'simulation_timeout_sec = 600\nbogus_key = 1\nmax_upload_files = 5\n'
  const local = folder({
    env: [localFile('env', 'challenge.toml', text), localFile('env', 'env.py', `${ENV_PY}# v2\n`)],
    overview: localFile('', 'overview.md', '# Grid Maze\n')
  })
  const plan = buildPlan({
    identity: {
      name: 'Grid Maze',
      kernelVersion: null,
      description: 'Now with <b>walls</b> @octocat',
      isPublic: null,
      tags: [{ id: 1, name: 'rl' }]
    },
    local,
    toml: parseChallengeToml(text),
    findings: [
      {
        severity: 'error',
        file: 'challenge/env/challenge.toml',
        line: 2,
        message: "unknown key 'bogus_key'",
        source: 'schema'
      }
    ],
    envCheck: {
      ok: true,
      findings: [
        {
          severity: 'warning',
          line: 3,
          column: null,
          message: 'evaluate returns <no> metrics | see #12',
          code: 'metrics_missing'
        }
      ]
    },
    remote: remote({
      view: view({
        startBlockers: [
          { code: 'benchmark_unscored', message: 'The benchmark has no score yet' },
          { code: 'runtime', message: 'The machine is too small' }
        ]
      })
    })
  })
  const outcome = newChallengeOutcome('plan', 'Grid Maze')
  Object.assign(outcome, {
    kind: 'plan-failed',
    challengeId: 8,
    status: 'draft',
    wire: 'current',
    url: 'https://ml-arena.com/challenge/8',
    plan,
    failure: "the plan has 1 error(s): challenge/env/challenge.toml:2: unknown key 'bogus_key'"
  })
  return outcome
}

/** An apply that benchmarked and started the challenge. */
function startedOutcome(): ChallengeOutcome {
  const local = folder({ env: [...folder().env, localFile('env', 'data.csv', 'a\n1\n')] })
  const plan = buildPlan({
    identity: {
      name: 'Grid Maze',
      kernelVersion: 'flex_v1',
      description: null,
      isPublic: true,
      tags: null
    },
    local,
    toml: parseChallengeToml(local.env[0]?.text ?? ''),
    findings: [],
    envCheck: { ok: true, findings: [] },
    remote: null
  })
  const outcome = newChallengeOutcome('apply', 'Grid Maze')
  Object.assign(outcome, {
    kind: 'started',
    challengeId: 101,
    created: true,
    status: 'started',
    wire: 'current',
    url: 'https://ml-arena.com/challenge/101',
    plan,
    applied: plan.changes.length,
    benchmarkEnd: 'completed',
    benchmark: {
      run: {
        jobStatus: 'completed',
        jobErrorType: null,
        envErrorType: null,
        envErrorMessage: null,
        envLogs: 'ok\n',
        score: 186.5
      },
      checks: [
        {
          key: 'simulation_timeout_sec',
          label: 'Run wallclock',
          configured: 300,
          measured: 41.2,
          ratio: 0.137,
          status: 'ok',
          message: null
        },
        {
          key: 'agent_max_time_per_step_second',
          label: 'Longest agent call',
          configured: 0.5,
          measured: 0.45,
          ratio: 0.9,
          status: 'warn',
          message: 'Close to the limit'
        },
        {
          key: 'metrics',
          label: 'Env metric keys',
          configured: 'score, steps',
          measured: 'score',
          ratio: null,
          status: 'fail',
          message: "env.py returned no 'steps'"
        }
      ]
    },
    blockers: null
  })
  return outcome
}

/** An apply whose benchmark failed, with a log tail carrying markup. */
function benchmarkFailedOutcome(): ChallengeOutcome {
  const outcome = startedOutcome()
  Object.assign(outcome, {
    kind: 'benchmark-failed',
    created: false,
    status: 'draft',
    benchmarkEnd: 'failed',
    benchmark: {
      run: {
        jobStatus: 'failed',
        jobErrorType: null,
        envErrorType: 'code_error',
        envErrorMessage: 'ZeroDivisionError in evaluate',
        envLogs:
          'Traceback (most recent call last):\n  </pre><script>x</script>\nZeroDivisionError\n',
        score: null
      },
      checks: []
    },
    blockers: [{ code: 'benchmark_unscored', message: 'The benchmark has no score yet' }]
  })
  return outcome
}

const SAMPLES: Record<string, () => ChallengeOutcome> = {
  plan: planOutcome,
  started: startedOutcome,
  'benchmark-failed': benchmarkFailedOutcome
}

const MARKER = renderKeyMarker(COMMENT_MARKER_TAG, 'challenge:8')

describe.each(Object.keys(SAMPLES))('the %s report', name => {
  const outcome = (SAMPLES[name] as () => ChallengeOutcome)()
  const summary = renderChallengeSummary(outcome)
  const comment = renderChallengeComment(outcome, MARKER)

  it('matches its golden files', () => {
    expectGolden(`challenge-summary-${name}`, summary)
    expectGolden(`challenge-comment-${name}`, comment)
  })

  it('starts the comment with its marker, which names the key', () => {
    expect(comment.startsWith(`${MARKER}\n`)).toBe(true)
    expect(startsWithKeyMarker(comment, COMMENT_MARKER_TAG, 'challenge:8')).toBe(true)
    expect(startsWithKeyMarker(comment, COMMENT_MARKER_TAG, 'challenge:9')).toBe(false)
    expect(startsWithKeyMarker(`text\n${comment}`, COMMENT_MARKER_TAG, 'challenge:8')).toBe(false)
  })

  it('renders untrusted text as text: no element, link or mention from it', () => {
    const html = renderHtml(summary)
    expect(html).not.toMatch(/<script|<b>|<no>|href="[^"]*octocat/)
    expect(textOf(html)).not.toMatch(/@octocat(?!\u200d)/)
  })
})

describe('size budgets', () => {
  it('keeps a huge plan under the comment limit, with the marker first', () => {
    const outcome = planOutcome()
    const plan = outcome.plan
    if (!plan) throw new Error('no plan')
    for (let i = 0; i < 3000; i++)
      plan.findings.push({
        severity: 'error',
        file: `challenge/env/f${i}.py`,
        line: i + 1,
        message: 'x'.repeat(300),
        source: 'env-check'
      })
    const comment = renderChallengeComment(outcome, MARKER, 20_000)
    expect(comment.length).toBeLessThanOrEqual(20_000)
    expect(comment.startsWith(MARKER)).toBe(true)
    expect(renderChallengeSummary(outcome, 50_000).length).toBeLessThanOrEqual(50_000)
  })
})
