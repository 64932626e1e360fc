/**
 * Input rules that every action of this repository shares (the ML Arena host, booleans as
 * GitHub's getBooleanInput reads them, choices, ids, the wait's deadline and polling). Each
 * throws an InputError whose one-line message names the input and says what would be valid.
 * Pure.
 */
import { InputError } from './errors.js'
import { quoteValue } from './format.js'

/** Bounds of the wait inputs (timeout-minutes, poll-interval-seconds); messages quote them. */
export const WAIT_LIMITS = {
  maxTimeoutMinutes: 360,
  minPollIntervalSeconds: 0.05,
  maxPollIntervalSeconds: 600
} as const

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const WHOLE_NUMBER = /^\d+$/
const DECIMAL_NUMBER = /^\d+(?:\.\d+)?$/

export function parseBaseUrl(value: string): string {
  const hint = 'give the host only, e.g. https://ml-arena.com; the action adds /api itself'
  // A value with '@' may carry credentials: never echo it.
  const shown = value.includes('@') ? 'the URL' : quoteValue(value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError('base-url', `${shown} is not an absolute URL; ${hint}.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('base-url', `${shown} is not an http(s) URL; ${hint}.`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      'base-url',
      `must not carry credentials (user:password@); the token goes in api-key, and ${hint}.`
    )
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new InputError('base-url', `must not have a query or fragment; ${hint}.`)
  }
  if (url.pathname !== '/') {
    throw new InputError('base-url', `${shown} has a path (${quoteValue(url.pathname)}); ${hint}.`)
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
    throw new InputError(
      'base-url',
      `${shown} uses plain http, which is allowed only for localhost, 127.0.0.1 and [::1]; use https://, e.g. https://ml-arena.com.`
    )
  }
  return url.origin
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[]
): T {
  const value = raw.toLowerCase()
  const found = choices.find(choice => choice === value)
  if (found === undefined) {
    throw new InputError(
      input,
      `${quoteValue(raw)} is not one of ${choices.join(', ')}; use e.g. ${choices[0]}.`
    )
  }
  return found
}

export function parsePositiveInteger(raw: string): number | null {
  if (!WHOLE_NUMBER.test(raw)) return null
  const value = Number(raw)
  return Number.isSafeInteger(value) && value >= 1 ? value : null
}

/** Exactly what GitHub's getBooleanInput accepts (the YAML 1.2 core schema booleans). */
export function parseBoolean(input: string, raw: string): boolean {
  if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true
  if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false
  throw new InputError(
    input,
    `${quoteValue(raw)} is not a boolean; use true or false (as GitHub's getBooleanInput: true, True, TRUE, false, False, FALSE).`
  )
}

function parseDecimal(raw: string): number | null {
  if (!DECIMAL_NUMBER.test(raw)) return null
  const value = Number(raw)
  return Number.isFinite(value) ? value : null
}

export function parseTimeoutMinutes(raw: string): number {
  const value = parseDecimal(raw)
  const max = WAIT_LIMITS.maxTimeoutMinutes
  if (value === null || value <= 0 || value > max) {
    throw new InputError(
      'timeout-minutes',
      `${quoteValue(raw)} is not a number of minutes greater than 0 and at most ${max}; use e.g. 30.`
    )
  }
  return value
}

export function parsePollInterval(raw: string, timeoutMinutes: number): number {
  const value = parseDecimal(raw)
  const { minPollIntervalSeconds: min, maxPollIntervalSeconds: max } = WAIT_LIMITS
  if (value === null || value < min || value > max) {
    throw new InputError(
      'poll-interval-seconds',
      `${quoteValue(raw)} is not a number of seconds from ${min} to ${max}; use e.g. 10.`
    )
  }
  const timeoutSeconds = timeoutMinutes * 60
  if (value >= timeoutSeconds) {
    throw new InputError(
      'poll-interval-seconds',
      `${value} seconds is not shorter than timeout-minutes (${timeoutMinutes} min = ${timeoutSeconds} s); use a shorter interval, e.g. 10, or a longer timeout.`
    )
  }
  return value
}
