/**
 * The inputs of the follow-up (report/action.yml), read and checked once before any request.
 * The token, URL, wire and boolean rules are the other actions'.
 */
import { InputError } from '../errors.js'
import { quoteValue } from '../format.js'
import { parseToken, TokenError } from '../arena/token.js'
import { parseBaseUrl, parseBoolean, parseChoice } from '../inputs.js'

export interface FollowUpConfig {
  apiKey: string
  baseUrl: string
  apiWire: 'auto' | 'current' | 'legacy'
  githubToken: string
  /** How long after its submission an agent is followed; then it gets the timeout outcome. */
  timeoutMinutes: number
  /** Newest commits of this run's branch searched for pending check runs and statuses (pushes). */
  commits: number
  summary: boolean
}

export const FOLLOW_UP_DEFAULTS = {
  'base-url': 'https://ml-arena.com',
  'api-wire': 'auto',
  'timeout-minutes': '1440',
  commits: '20',
  summary: 'true'
} as const

/** A week: past it, a pending mark is older than any evaluation ML Arena runs. */
export const MAX_FOLLOW_MINUTES = 7 * 24 * 60
export const MAX_COMMITS = 100

export function readFollowUpConfig(getInput: (name: string) => string): FollowUpConfig {
  const read = (name: string): string => getInput(name).trim()
  const orDefault = (name: keyof typeof FOLLOW_UP_DEFAULTS): string =>
    read(name) || FOLLOW_UP_DEFAULTS[name]
  const apiKey = parseUserToken(read('api-key'))
  const baseUrl = parseBaseUrl(orDefault('base-url'))
  const apiWire = parseChoice('api-wire', orDefault('api-wire'), ['auto', 'current', 'legacy'])
  const githubToken = read('github-token')
  if (githubToken === '') {
    throw new InputError(
      'github-token',
      'is empty; the follow-up reads and completes what earlier runs left pending on GitHub: pass github-token: ${{ github.token }}.'
    )
  }
  const timeoutMinutes = wholeNumber(
    'timeout-minutes',
    orDefault('timeout-minutes'),
    1,
    MAX_FOLLOW_MINUTES,
    '1440 (a day)'
  )
  const commits = wholeNumber('commits', orDefault('commits'), 0, MAX_COMMITS, '20')
  const summary = parseBoolean('summary', orDefault('summary'))
  return { apiKey, baseUrl, apiWire, githubToken, timeoutMinutes, commits, summary }
}

function wholeNumber(name: string, raw: string, min: number, max: number, example: string): number {
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      name,
      `${quoteValue(raw)} is not a whole number from ${min} to ${max}; use e.g. ${example}.`
    )
  }
  return value
}

function parseUserToken(raw: string): string {
  if (raw === '') {
    throw new InputError(
      'api-key',
      'is empty; pass the ML Arena token the submitting runs used, from a secret (a user token, mlk_user_…).'
    )
  }
  let scope: string
  try {
    scope = parseToken(raw).scope
  } catch (error) {
    if (error instanceof TokenError) throw new InputError('api-key', error.message)
    throw error
  }
  if (scope === 'teacher') {
    throw new InputError(
      'api-key',
      "is a teacher token; the follow-up reads the agents' status with the token that submitted them: a user token (mlk_user_…)."
    )
  }
  return raw
}
