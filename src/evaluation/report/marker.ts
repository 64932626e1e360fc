/**
 * The hidden marker that makes a PR comment sticky: it names the comment key and carries the
 * state the next run compares against.
 *
 *   <!-- mlarena-action:v1 key=<base64url of the key> rank=<n|-> score=<n|-> agent=<id|-> -->
 *
 * The key is base64url (UTF-8), so any key round-trips and none can end the comment early. Only
 * a marker at the very start of the body counts: the rest of a comment carries untrusted text
 * (agent names, logs), and a look further in could be fooled by a marker planted there.
 */
import type { RunOutcome } from '../outcome.js'

export interface MarkerState {
  rank: number | null
  score: number | null
  agentId: number | null
}

const PREFIX = '<!-- mlarena-action:v1 '
const MARKER =
  /^\uFEFF?[ \t\r\n]*<!-- mlarena-action:v1 key=([A-Za-z0-9_-]*) rank=(\S+) score=(\S+) agent=(\S+) -->/

export function renderMarker(key: string, state: MarkerState): string {
  return (
    `${PREFIX}key=${encodeKey(key)} rank=${integer(state.rank)} score=${decimal(state.score)}` +
    ` agent=${integer(state.agentId)} -->`
  )
}

/** The state in the marker at the start of `body`, or null when it is not this key's marker. */
export function findMarker(body: string, key: string): MarkerState | null {
  const match = MARKER.exec(body)
  if (!match || match[1] !== encodeKey(key)) return null
  return {
    rank: parseInteger(match[2]),
    score: parseDecimal(match[3]),
    agentId: parseInteger(match[4])
  }
}

/** The key and state of the marker at the start of `body`, whatever its key; null when none. */
export function readMarker(body: string): { key: string; state: MarkerState } | null {
  const match = MARKER.exec(body)
  if (!match) return null
  return {
    key: Buffer.from(match[1] ?? '', 'base64url').toString('utf8'),
    state: {
      rank: parseInteger(match[2]),
      score: parseDecimal(match[3]),
      agentId: parseInteger(match[4])
    }
  }
}

/** The body starts with a marker of this action, whatever its key (for clean-ups and tests). */
export function hasAnyMarker(body: string): boolean {
  return MARKER.test(body)
}

/**
 * The state to carry to the next run: this run's row when the agent is on the board, else what
 * the previous run recorded (a failed run must not erase the last known rank).
 */
export function nextMarkerState(outcome: RunOutcome, previous: MarkerState | null): MarkerState {
  const row = outcome.rank?.row ?? null
  if (row) return { rank: row.rank, score: row.score, agentId: outcome.agentId ?? row.agentId }
  return {
    rank: previous?.rank ?? null,
    score: previous?.score ?? null,
    agentId: outcome.agentId ?? previous?.agentId ?? null
  }
}

function encodeKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

function integer(value: number | null): string {
  return value !== null && Number.isSafeInteger(value) ? String(value) : '-'
}

function decimal(value: number | null): string {
  // String() of a finite number has no spaces and no `--`; it round-trips through Number().
  return value !== null && Number.isFinite(value) ? String(value) : '-'
}

function parseInteger(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d{1,16}$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

function parseDecimal(text: string | undefined): number | null {
  if (text === undefined || !/^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}
