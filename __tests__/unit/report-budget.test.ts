/**
 * Size budgets: GitHub drops a job summary over 1024 KiB and refuses a comment over 65,536
 * characters. The report trims itself in steps and is always under budget.
 */
import { describe, expect, it } from '@jest/globals'
import type { RunOutcome } from '../../src/evaluation/outcome.js'
import { CUT_NOTICE, cutToBudget, utf16Units, utf8Bytes } from '../../src/report/budget.js'
import { renderComment } from '../../src/evaluation/report/comment.js'
import { findMarker, renderMarker } from '../../src/evaluation/report/marker.js'
import { renderSummary } from '../../src/evaluation/report/summary.js'
import { baseOutcome, files, games, hugeOutcome, log, successOutcome } from '../support/outcomes.js'

const GITHUB_SUMMARY_LIMIT = 1024 * 1024
const GITHUB_COMMENT_LIMIT = 65_536

const marker = renderMarker('competition-42/pr-17', { rank: 1, score: 2, agentId: 3 })

describe('the largest outcome', () => {
  // A 100,000-row board (through buildRankReport), 1,000 games, files, runs, notes and logs,
  // every name 10,000 hostile characters long.
  const outcome = hugeOutcome()

  it('renders a job summary under 1024 KiB', () => {
    const summary = renderSummary(outcome)
    expect(utf8Bytes(summary)).toBeLessThan(GITHUB_SUMMARY_LIMIT)
    expect(utf8Bytes(summary)).toBeLessThanOrEqual(1_000_000)
    expect(summary).toMatch(/^## ❌ ML Arena/)
    expect(summary).toContain('| **50,001** |')
  })

  it('renders a comment under 65,536 characters, with its marker first', () => {
    const comment = renderComment(outcome, marker)
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT)
    expect(comment.length).toBeLessThanOrEqual(60_000)
    expect(findMarker(comment, 'competition-42/pr-17')).toEqual({ rank: 1, score: 2, agentId: 3 })
  })
})

/** An outcome whose log tails dominate its size. */
function logHeavy(): RunOutcome {
  const tail = Array.from({ length: 400 }, (_, i) => `step ${i} reward=${i % 7}`).join('\n')
  return {
    ...successOutcome(),
    logs: Array.from({ length: 10 }, (_, i) => log(9000 - i, tail))
  }
}

describe('trimming in steps', () => {
  const huge = hugeOutcome()

  it('keeps everything when it fits', () => {
    const summary = renderSummary(logHeavy())
    expect(summary.match(/<pre>/g)).toHaveLength(10)
    expect(summary).not.toContain(CUT_NOTICE)
  })

  /** Each rendering that the budget forces, from the full one down, one byte less each time. */
  function steps(outcome: RunOutcome): string[] {
    const seen = [renderSummary(outcome)]
    for (;;) {
      const last = seen[seen.length - 1] as string
      const next = renderSummary(outcome, { maxBytes: utf8Bytes(last) - 1 })
      seen.push(next)
      if (next.includes(CUT_NOTICE)) return seen
    }
  }

  it('shortens log tails, drops them, shrinks the board to 3/1, then drops the chart', () => {
    const [full, shorter, noTails, smallBoard, noChart, ...rest] = steps(logHeavy()) as [
      string,
      string,
      string,
      string,
      string,
      ...string[]
    ]
    expect(full.match(/<pre>/g)).toHaveLength(10)

    expect(shorter.match(/<pre>/g)).toHaveLength(10)
    expect(utf8Bytes(shorter)).toBeLessThan(utf8Bytes(full))
    expect(shorter).toContain('```mermaid')

    expect(noTails).not.toContain('<pre>')
    expect(noTails).toContain('Game 9000: /home/runner/')
    expect(noTails).toContain('| 5 | agent-5 |')
    expect(noTails).toContain('```mermaid')

    expect(smallBoard).toContain('| 3 | agent-3 |')
    expect(smallBoard).not.toContain('agent-4')
    expect(smallBoard).not.toContain('| 5 | agent-5 |')
    expect(smallBoard).not.toContain('| 10 | agent-10 |')
    expect(smallBoard).toContain('| 11 | ')
    expect(smallBoard).toContain('← this agent')
    expect(smallBoard).toContain('```mermaid')

    expect(noChart).not.toContain('```mermaid')
    expect(noChart).toContain('← this agent')

    // Then the minimal report, then cuts at line boundaries, each under its budget.
    expect(rest.length).toBeGreaterThan(0)
    expect(rest.at(-1)).toContain(CUT_NOTICE)
  })

  it('lists 20 files at most when even that is too much, and says how many more', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      name: `weights/part-${i}.bin`,
      path: `agent/weights/part-${i}.bin`,
      size: 1_000_000 + i
    }))
    const outcome = baseOutcome({ files: many, games: games(30) })
    const comment = renderComment(outcome, marker)
    expect(comment.length).toBeLessThanOrEqual(60_000)
    const tight = renderComment(outcome, marker, { maxChars: 5_000 })
    expect(tight.length).toBeLessThanOrEqual(5_000)
    expect(tight).toContain('part-19.bin')
    expect(tight).not.toContain('part-20.bin')
    expect(tight).toContain('…and 980 more files.')
  })

  it.each([100, 300, 1_000, 2_000, 5_000, 20_000, 100_000])(
    'is always within a budget of %i',
    budget => {
      for (const outcome of [logHeavy(), huge, baseOutcome({ files: files() })]) {
        const summary = renderSummary(outcome, { maxBytes: budget })
        expect(utf8Bytes(summary)).toBeLessThanOrEqual(budget)
        const comment = renderComment(outcome, marker, { maxChars: Math.max(budget, 200) })
        expect(utf16Units(comment)).toBeLessThanOrEqual(Math.max(budget, 200))
        expect(findMarker(comment, 'competition-42/pr-17')).not.toBeNull()
      }
    }
  )
})

describe('cutToBudget', () => {
  it('cuts at a line boundary and says so', () => {
    const [a, b, c] = ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)]
    const text = [a, b, c].join('\n')
    const budget = 201 + 2 + CUT_NOTICE.length
    expect(cutToBudget(text, utf16Units, budget)).toBe(`${a}\n${b}\n\n${CUT_NOTICE}`)
    expect(cutToBudget(text, utf16Units, budget - 1)).toBe(`${a}\n\n${CUT_NOTICE}`)
    expect(cutToBudget(text, utf16Units, text.length)).toBe(text)
  })

  it('measures UTF-8 bytes when asked', () => {
    const text = `${'é'.repeat(10)}\n${'é'.repeat(10)}`
    expect(utf8Bytes(text)).toBe(41)
    expect(utf8Bytes(cutToBudget(text, utf8Bytes, 30 + CUT_NOTICE.length))).toBeLessThanOrEqual(
      30 + CUT_NOTICE.length
    )
  })

  it('cuts the first line by characters when nothing else fits', () => {
    expect(cutToBudget('🚀🚀🚀🚀', utf8Bytes, 9)).toBe('🚀🚀')
  })
})
