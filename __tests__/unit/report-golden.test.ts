/**
 * Golden files of the rendered report (in the manner of dorny/test-reporter): each sample outcome
 * is rendered and compared byte for byte with __tests__/golden/<name>.md.
 *
 * After an intended change to the report, regenerate them and review the diff:
 *
 *   UPDATE_GOLDEN=1 npm test -- report
 */
import { describe, expect, it } from '@jest/globals'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RunOutcome } from '../../src/evaluation/outcome.js'
import { renderComment } from '../../src/evaluation/report/comment.js'
import { findMarker, nextMarkerState, renderMarker } from '../../src/evaluation/report/marker.js'
import { renderSummary } from '../../src/evaluation/report/summary.js'
import {
  blamedOutcome,
  dryRunOutcome,
  failureOutcome,
  replaysOutcome,
  skippedOutcome,
  successOutcome,
  timeoutOutcome
} from '../support/outcomes.js'

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'

function expectGolden(name: string, actual: string): void {
  const file = `${GOLDEN_DIR}${name}.md`
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true })
    writeFileSync(file, actual)
  }
  if (!existsSync(file))
    throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npm test -- report`)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

const SAMPLES: Record<string, () => RunOutcome> = {
  success: successOutcome,
  failure: failureOutcome,
  timeout: timeoutOutcome,
  skipped: skippedOutcome,
  'dry-run': dryRunOutcome,
  replays: replaysOutcome,
  'deploy-blamed': blamedOutcome
}

/** The previous run's state, as the sticky comment of the samples carries it. */
const PREVIOUS = { rank: 15, score: 265.5, agentId: 1234 }

describe('job summary golden files', () => {
  it.each(Object.keys(SAMPLES))('summary-%s.md', name => {
    const outcome = (SAMPLES[name] as () => RunOutcome)()
    expectGolden(`summary-${name}`, renderSummary(outcome))
  })
})

describe('PR comment golden files', () => {
  it.each(['success', 'failure', 'timeout', 'replays'])('comment-%s.md', name => {
    const outcome = (SAMPLES[name] as () => RunOutcome)()
    const marker = renderMarker(outcome.commentKey, nextMarkerState(outcome, PREVIOUS))
    const body = renderComment(outcome, marker)
    expectGolden(`comment-${name}`, body)
    expect(findMarker(body, outcome.commentKey)).toEqual(nextMarkerState(outcome, PREVIOUS))
  })
})

describe('the rendered HTML', () => {
  const renders = Object.entries(SAMPLES).flatMap(([name, sample]) => [
    [`summary-${name}`, renderSummary(sample())],
    [`comment-${name}`, renderComment(sample(), renderMarker('k', PREVIOUS))]
  ])

  it.each(renders)('%s: balanced blocks, links only to ML Arena, no active content', (_, md) => {
    const html = micromark(md, {
      extensions: [gfm()],
      htmlExtensions: [gfmHtml()],
      allowDangerousHtml: true
    })
    const count = (re: RegExp) => html.match(re)?.length ?? 0
    expect(count(/<details>/g)).toBe(count(/<\/details>/g))
    expect(count(/<pre>/g)).toBe(count(/<\/pre>/g))
    expect(html).not.toMatch(/<(script|img|iframe)\b/)
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
      expect(href).toBe('https://ml-arena.com/viewcompetition/42')
    }
    // The untrusted names in the sample board stay text.
    expect(html).not.toContain('<b>bold</b>')
  })
})

describe('the samples say what the brief asks', () => {
  it('success: outcome, score with metric, rank with change, best other agent, agent link', () => {
    const summary = renderSummary(successOutcome())
    expect(summary).toMatch(/^## ✅ /)
    expect(summary).toContain('| Score | **271.25** mean reward (+5.75 since the last run) |')
    expect(summary).toContain('| Rank | **12** of 3,456 · ▲ 3 since the last run |')
    expect(summary).toContain('ppo-v6 · rank 20')
    expect(summary).toContain('[ppo-v7](https://ml-arena.com/viewcompetition/42)')
    expect(summary).toContain('| … |')
    expect(summary).toContain('← this agent')
    expect(summary).toContain('```mermaid\nxychart-beta')
    expect(summary).toContain('| Evaluation | 2 min 05 s |')
  })

  it('timeout: where the agent was stuck, and for how long', () => {
    expect(renderSummary(timeoutOutcome())).toContain(
      '**Still deploy\\_queue at 116/127 in the queue after 30 min.**'
    )
  })

  it('failure: the phase and the message', () => {
    expect(renderSummary(failureOutcome())).toContain(
      '**Failed while waiting for the evaluation:** ML Arena marked the deploy failed'
    )
  })

  it('skipped: why nothing was submitted', () => {
    const summary = renderSummary(skippedOutcome())
    expect(summary).toMatch(/^## ⏭️ /)
    expect(summary).toContain('pull request from a fork')
  })

  it('the comment leaves out the phase timings', () => {
    expect(renderSummary(successOutcome())).toContain('Time per phase')
    expect(renderComment(successOutcome(), renderMarker('k', PREVIOUS))).not.toContain(
      'Time per phase'
    )
  })
})
