/** The step's result (fail-on) decided once, and the report's heading following it. */
import { describe, expect, it } from '@jest/globals'
import type { FailOn } from '../../src/submit/config.js'
import type { RunOutcome } from '../../src/evaluation/outcome.js'
import { heading } from '../../src/evaluation/report/sections.js'
import { failingRule } from '../../src/evaluation/step-result.js'
import { courseNotPassedOutcome } from '../support/course-outcomes.js'
import { failureOutcome, successOutcome, timeoutOutcome } from '../support/outcomes.js'

const failOn = (...words: FailOn[]) => ({ failOn: new Set(words) })

function dropped(): RunOutcome {
  const outcome = successOutcome()
  if (!outcome.rank) throw new Error('the sample has a rank')
  const rank = outcome.rank.row?.rank ?? 1
  return { ...outcome, rank: { ...outcome.rank, previousRank: rank - 3 } }
}

describe('failingRule', () => {
  it('fails the step for the outcomes fail-on lists, and passes it for the others', () => {
    expect(failingRule(failureOutcome(), failOn('deploy-failed'))).toBe('deploy-failed')
    expect(failingRule(failureOutcome(), failOn('timeout'))).toBeNull()
    expect(failingRule(timeoutOutcome(), null)).toBe('timeout')
    expect(failingRule(successOutcome(), failOn('rank-drop', 'not-passed'))).toBeNull()
    expect(failingRule(dropped(), failOn('rank-drop'))).toBe('rank-drop')
    expect(failingRule(dropped(), failOn())).toBeNull()
    expect(failingRule(courseNotPassedOutcome(), failOn('not-passed'))).toBe('not-passed')
    expect(failingRule({ ...successOutcome(), kind: 'error' }, failOn())).toBe('error')
  })
})

describe('the heading follows the step', () => {
  it('is ❌ over an active agent whose step fails (fail-on: not-passed)', () => {
    const outcome = { ...courseNotPassedOutcome(), failsStep: 'not-passed' }
    expect(heading(outcome)).toMatch(
      /^❌ ML Arena · .*: agent active, rank \d+ of \d+ in the class, not passed · the step fails \(fail-on: not-passed\)$/
    )
  })

  it('is ⚠️ over a failed deploy that fail-on lets pass', () => {
    expect(heading({ ...failureOutcome(), failsStep: null })).toMatch(
      /^⚠️ ML Arena · .*: deploy failed · the step passes \(not in fail-on\)$/
    )
  })

  it('keeps the outcome’s own icon when step and outcome agree', () => {
    expect(heading({ ...successOutcome(), failsStep: null })).toMatch(/^✅ /)
    expect(heading({ ...failureOutcome(), failsStep: 'deploy-failed' })).toMatch(
      /^❌ .*deploy failed$/
    )
  })
})
