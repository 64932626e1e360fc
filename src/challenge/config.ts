/**
 * Reads and validates every input of the challenge action once, before anything touches ML
 * Arena. Each rule throws an InputError whose one-line message names the input and says what
 * would be valid. Secret inputs (api-key, github-token) are never echoed. Pure except for one
 * synchronous stat of `directory` (so every input error comes from here).
 */
import { statSync } from 'node:fs'
import path from 'node:path'
import { parseToken, TokenError } from '../arena/token.js'
import { InputError } from '../errors.js'
import { hasControlCharacters, quoteValue } from '../format.js'
import {
  parseBaseUrl,
  parseBoolean,
  parseChoice,
  parsePollInterval,
  parseTimeoutMinutes
} from '../inputs.js'

export type Mode = 'plan' | 'apply'

export interface ChallengeConfig {
  /** null: empty input (a fork or Dependabot pull request skips; elsewhere it is an error). */
  apiKey: string | null
  baseUrl: string
  apiWire: 'auto' | 'current' | 'legacy'
  /** Absolute; exists and is a directory. */
  directory: string
  /** null: the challenge's own name (challenge-id must then be given). */
  name: string | null
  /** null: keep the challenge's kind (required to create one). */
  kernelVersion: string | null
  /** null: leave the description as it is. */
  description: string | null
  /** null: leave the tags as they are; [] clears them. Names, as the catalog spells them or not. */
  tags: string[] | null
  /** null: leave visibility as it is (a new challenge is private). */
  isPublic: boolean | null
  challengeId: number | null
  mode: Mode
  start: boolean
  /**
   * A started challenge refuses a change: stop it, apply, start it again (current wire; SDK
   * 4.4.0 `stop_challenge` / `start_challenge`). false: the plan says to set it.
   */
  restart: boolean
  /**
   * Config keys the folder's challenge.toml does not hold, written with `update_settings`
   * (input `settings`, a JSON object); null: none.
   */
  settings: Record<string, unknown> | null
  timeoutMinutes: number
  pollIntervalSeconds: number
  githubToken: string
  comment: 'auto' | 'on' | 'off'
  /** null: derived from the challenge's name or id. */
  commentKey: string | null
  summary: boolean
}

export const CHALLENGE_INPUT_DEFAULTS = {
  'base-url': 'https://ml-arena.com',
  'api-wire': 'auto',
  directory: '.',
  start: 'false',
  restart: 'false',
  'timeout-minutes': '30',
  'poll-interval-seconds': '10',
  comment: 'auto',
  summary: 'true'
} as const

export const CHALLENGE_LIMITS = { maxName: 200, maxDescription: 2000, maxTags: 50 } as const

const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])
const KERNEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Reads every input once; `eventName` decides the default mode (plan on pull requests). */
export function readChallengeConfig(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv
): ChallengeConfig {
  const read = (name: string): string => getInput(name).trim()
  const orDefault = (name: keyof typeof CHALLENGE_INPUT_DEFAULTS): string =>
    read(name) || CHALLENGE_INPUT_DEFAULTS[name]
  const root = env['GITHUB_WORKSPACE']?.trim() || process.cwd()
  const eventName = env['GITHUB_EVENT_NAME'] ?? ''

  const apiKey = parseCreatorKey(read('api-key'))
  const baseUrl = parseBaseUrl(orDefault('base-url'))
  const apiWire = parseChoice('api-wire', orDefault('api-wire'), ['auto', 'current', 'legacy'])
  const directory = resolveDirectory(orDefault('directory'), root)
  const challengeId = parseChallengeId(read('challenge-id'))
  const name = parseText('name', read('name'), CHALLENGE_LIMITS.maxName, 'My challenge')
  if (name === null && challengeId === null) {
    throw new InputError(
      'name',
      "is required when challenge-id is empty: the challenge's name, e.g. Lunar Lander 2026 (the action finds your challenge by it, or creates it)."
    )
  }
  const kernelVersion = parseKernel(read('kernel-version'))
  const description = parseText(
    'description',
    read('description'),
    CHALLENGE_LIMITS.maxDescription,
    'Land the lander softly.'
  )
  const tags = parseTags(getInput('tags'))
  const publicInput = read('public')
  const isPublic = publicInput === '' ? null : parseBoolean('public', publicInput)
  const modeInput = read('mode')
  const mode: Mode =
    modeInput === ''
      ? PULL_REQUEST_EVENTS.has(eventName)
        ? 'plan'
        : 'apply'
      : parseChoice('mode', modeInput, ['plan', 'apply'])
  const start = parseBoolean('start', orDefault('start'))
  const restart = parseBoolean('restart', orDefault('restart'))
  const settings = parseSettings(getInput('settings'))
  const timeoutMinutes = parseTimeoutMinutes(orDefault('timeout-minutes'))
  const pollIntervalSeconds = parsePollInterval(orDefault('poll-interval-seconds'), timeoutMinutes)
  const githubToken = read('github-token')
  const comment = parseChoice('comment', orDefault('comment'), ['auto', 'on', 'off'])
  const commentKey = parseText('comment-key', read('comment-key'), 200, 'challenge-main')
  const summary = parseBoolean('summary', orDefault('summary'))

  return {
    apiKey,
    baseUrl,
    apiWire,
    directory,
    name,
    kernelVersion,
    description,
    tags,
    isPublic,
    challengeId,
    mode,
    start,
    restart,
    settings,
    timeoutMinutes,
    pollIntervalSeconds,
    githubToken,
    comment,
    commentKey,
    summary
  }
}

/** A creator token, mlk_creator_…; any other scope is refused here, before any request. */
export function parseCreatorKey(raw: string): string | null {
  if (raw === '') return null
  let scope: string
  try {
    scope = parseToken(raw).scope
  } catch (error) {
    if (error instanceof TokenError) {
      throw new InputError(
        'api-key',
        `${error.message.replace(/^The ML Arena token /, '')} Use a creator token (mlk_creator_…) from a secret.`
      )
    }
    throw error
  }
  if (scope !== 'creator') {
    throw new InputError(
      'api-key',
      `is a ${scope} token; managing a challenge needs a creator token (mlk_creator_…): create one on your ML Arena profile and pass it from a secret.`
    )
  }
  return raw
}

const CONFIG_KEY = /^[a-z][a-z0-9_]{0,63}$/

/** A JSON object of config keys (`{"render_delay_second": 0.2}`); empty: null. */
export function parseSettings(raw: string): Record<string, unknown> | null {
  const trimmed = raw.trim()
  if (trimmed === '') return null
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    throw new InputError(
      'settings',
      'is not JSON; give an object of config keys, e.g. {"render_delay_second": 0.2, "is_stop_after_deployment": false}.'
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(
      'settings',
      'must be a JSON object of config keys, e.g. {"render_delay_second": 0.2}.'
    )
  const entries = Object.entries(value as Record<string, unknown>)
  const bad = entries.map(([key]) => key).filter(key => !CONFIG_KEY.test(key))
  if (bad.length > 0)
    throw new InputError(
      'settings',
      `${bad.map(k => quoteValue(k)).join(', ')} ${bad.length === 1 ? 'is not a config key' : 'are not config keys'} (lower-case letters, digits and _, as ML Arena's config_fields lists them).`
    )
  if (entries.length === 0) return null
  return value as Record<string, unknown>
}

function parseChallengeId(raw: string): number | null {
  if (raw === '') return null
  const value = /^\d+$/.test(raw) ? Number(raw) : 0
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InputError(
      'challenge-id',
      `${quoteValue(raw)} is not a positive integer id; use e.g. 42, or leave it empty to find your challenge by name.`
    )
  }
  return value
}

function parseKernel(raw: string): string | null {
  if (raw === '') return null
  if (!KERNEL.test(raw)) {
    throw new InputError(
      'kernel-version',
      `${quoteValue(raw)} is not a kind name (letters, digits and ._-, e.g. flex_v1); the kinds ML Arena offers are listed by its available_kinds route.`
    )
  }
  return raw
}

function parseText(input: string, raw: string, max: number, example: string): string | null {
  if (raw === '') return null
  if ([...raw].length > max) {
    throw new InputError(
      input,
      `${quoteValue(raw)} is longer than ${max} characters; use a shorter one, e.g. ${example}.`
    )
  }
  if (hasControlCharacters(raw)) {
    throw new InputError(
      input,
      `${quoteValue(raw)} contains control characters; use one line of text, e.g. ${example}.`
    )
  }
  return raw
}

/** Comma- or newline-separated tag names; `-` alone clears the tags; empty leaves them alone. */
export function parseTags(raw: string): string[] | null {
  const trimmed = raw.trim()
  if (trimmed === '') return null
  if (trimmed === '-') return []
  const names = trimmed
    .split(/[,\r\n]/)
    .map(name => name.trim())
    .filter(name => name !== '')
  const seen = new Set<string>()
  const tags: string[] = []
  for (const name of names) {
    if (hasControlCharacters(name) || name.length > 100) {
      throw new InputError(
        'tags',
        `${quoteValue(name)} is not a tag name; give names from ML Arena's tag catalog, comma-separated, e.g. reinforcement-learning, gymnasium.`
      )
    }
    const folded = name.toLowerCase()
    if (!seen.has(folded)) tags.push(name)
    seen.add(folded)
  }
  if (tags.length > CHALLENGE_LIMITS.maxTags) {
    throw new InputError('tags', `gives ${tags.length} tags; at most ${CHALLENGE_LIMITS.maxTags}.`)
  }
  return tags
}

function resolveDirectory(value: string, root: string): string {
  const resolved = path.resolve(root, value)
  let isDirectory = false
  try {
    isDirectory = statSync(resolved).isDirectory()
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new InputError(
      'directory',
      `${quoteValue(value)} (${quoteValue(resolved, 200)}) is not a folder; give the folder that holds env/ (env.py, challenge.toml, …) and benchmark/, relative to the workspace, e.g. challenge.`
    )
  }
  return resolved
}
