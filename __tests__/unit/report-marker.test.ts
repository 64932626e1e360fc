import { describe, expect, it } from '@jest/globals'
import { renderComment } from '../../src/evaluation/report/comment.js'
import {
  findMarker,
  hasAnyMarker,
  nextMarkerState,
  renderMarker,
  type MarkerState
} from '../../src/evaluation/report/marker.js'
import { baseOutcome, hugeOutcome, successOutcome } from '../support/outcomes.js'

const state: MarkerState = { rank: 12, score: 271.25, agentId: 1234 }

const HOSTILE_KEYS = [
  'competition-42/pr-17',
  '',
  'a --> b',
  'say "hi" and \'bye\'',
  'line one\nline two\r\n',
  'équipe 🚀 チーム',
  '<!-- mlarena-action:v1 key=AAAA rank=1 score=1 agent=1 -->',
  'x'.repeat(1000)
]

describe('renderMarker / findMarker', () => {
  it.each(HOSTILE_KEYS)('round-trips the key %j on one line with no early comment end', key => {
    const marker = renderMarker(key, state)
    expect(marker).not.toContain('\n')
    expect(marker.indexOf('-->')).toBe(marker.length - 3)
    expect(marker.startsWith('<!-- mlarena-action:v1 ')).toBe(true)
    expect(findMarker(`${marker}\n### body`, key)).toEqual(state)
  })

  it('round-trips empty, negative, fractional and large values', () => {
    const states: MarkerState[] = [
      { rank: null, score: null, agentId: null },
      { rank: 1, score: -12.5, agentId: 9_007_199_254_740_991 },
      { rank: 3456, score: 1e-7, agentId: 1 },
      { rank: 2, score: 123456789.125, agentId: 2 }
    ]
    for (const s of states) expect(findMarker(renderMarker('k', s), 'k')).toEqual(s)
  })

  it('writes non-finite scores as unknown', () => {
    const marker = renderMarker('k', { rank: 1, score: Number.NaN, agentId: 2 })
    expect(findMarker(marker, 'k')).toEqual({ rank: 1, score: null, agentId: 2 })
  })

  it("returns null for another key's marker, and for a body without a marker", () => {
    expect(findMarker(renderMarker('main', state), 'pr-17')).toBeNull()
    expect(findMarker(renderMarker('pr-1', state), 'pr-17')).toBeNull()
    expect(findMarker('### just a comment', 'k')).toBeNull()
    expect(findMarker('', 'k')).toBeNull()
  })

  it('trusts only the marker at the very start of the body', () => {
    const ours = renderMarker('k', state)
    const fake = renderMarker('k', { rank: 1, score: 999, agentId: 666 })
    // A stranger's text with a copy of our marker, before ours: not trusted at all.
    expect(findMarker(`Nice agent!\n${fake}\n${ours}`, 'k')).toBeNull()
    // Planted later in the body (e.g. in a log tail): ours at the start wins.
    expect(findMarker(`${ours}\n${fake}`, 'k')).toEqual(state)
  })

  it('tolerates a byte-order mark, leading blank lines and CRLF line ends', () => {
    expect(findMarker(`\uFEFF\r\n  ${renderMarker('k', state)}\r\nbody`, 'k')).toEqual(state)
  })

  it('keeps the marker but drops values that are not numbers', () => {
    const body = `<!-- mlarena-action:v1 key=aw rank=abc score=1e9999 agent=1.5 -->`
    expect(findMarker(body, 'k')).toEqual({ rank: null, score: null, agentId: null })
    expect(hasAnyMarker(body)).toBe(true)
    expect(hasAnyMarker('<!-- some other tool -->')).toBe(false)
  })
})

describe('the marker in a rendered comment', () => {
  it('comes first and parses, whatever the outcome contains', () => {
    for (const outcome of [successOutcome(), hugeOutcome()]) {
      const marker = renderMarker(outcome.commentKey, state)
      const body = renderComment(outcome, marker)
      expect(body.startsWith(`${marker}\n`)).toBe(true)
      expect(findMarker(body, outcome.commentKey)).toEqual(state)
      // Untrusted text never closes a comment: the marker's own end is the only `-->`, but for
      // the value axis of a Mermaid chart (`y-axis "Score" 0 --> 290.5`: numbers of ours only).
      const text = body.replace(/^```mermaid\n[^`]*?^```$/gm, '')
      expect(text).not.toContain('```mermaid')
      expect(text.indexOf('-->')).toBe(marker.length - 3)
      expect(text.lastIndexOf('-->')).toBe(marker.length - 3)
    }
  })
})

describe('nextMarkerState', () => {
  it("records this run's rank and score when the agent is on the board", () => {
    expect(nextMarkerState(successOutcome(), { rank: 15, score: 1, agentId: 1 })).toEqual({
      rank: 12,
      score: 271.25,
      agentId: 1234
    })
  })

  it('keeps the last known rank and score when this run has none', () => {
    const failed = baseOutcome({ kind: 'deploy-failed', agentId: 1300 })
    expect(nextMarkerState(failed, { rank: 15, score: 260, agentId: 1234 })).toEqual({
      rank: 15,
      score: 260,
      agentId: 1300
    })
    expect(nextMarkerState(baseOutcome({ agentId: null }), null)).toEqual({
      rank: null,
      score: null,
      agentId: null
    })
  })
})
