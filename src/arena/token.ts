/**
 * ML Arena API tokens: `mlk_<scope>_<lookup>_<secret>` (split on `_` at most three times, so the
 * secret may contain `_`). The raw token lives in a private field: it never shows up in an error
 * message, a log line, JSON.stringify or util.inspect output; `masked` is the most anything shows.
 */
import { inspect } from 'node:util'
import { ActionError } from '../errors.js'
import { ArenaError } from './errors.js'

export type TokenScope = 'user' | 'creator' | 'teacher'
const SCOPES: ReadonlySet<string> = new Set(['user', 'creator', 'teacher'])
const SHAPE = 'mlk_<scope>_<lookup>_<secret> with scope user, creator or teacher'

export class TokenError extends ActionError {
  override name = 'TokenError'
  readonly reason: 'empty' | 'retired' | 'malformed'

  constructor(reason: TokenError['reason'], message: string) {
    super(message)
    this.reason = reason
  }
}

export class Token {
  readonly scope: TokenScope
  readonly lookup: string
  /** e.g. `mlk_user_ab12…`: safe to print. */
  readonly masked: string
  readonly #raw: string

  constructor(raw: string, scope: TokenScope, lookup: string) {
    this.#raw = raw
    this.scope = scope
    this.lookup = lookup
    this.masked = `mlk_${scope}_${lookup.slice(0, 4)}…`
  }

  /** The Authorization header value. */
  authorization(): string {
    return `Bearer ${this.#raw}`
  }

  /** The raw token, for secret masking (core.setSecret) and redaction only. */
  reveal(): string {
    return this.#raw
  }

  toString(): string {
    return this.masked
  }

  toJSON(): string {
    return this.masked
  }

  [inspect.custom](): string {
    return `Token(${this.masked})`
  }
}

export function parseToken(raw: string): Token {
  const value = raw.trim()
  if (value === '') {
    throw new TokenError('empty', `The ML Arena token is empty: give a token of the form ${SHAPE}.`)
  }
  if (!value.startsWith('mlk_') && /^[^\s:]+:[^\s:]+$/.test(value)) {
    throw new TokenError(
      'retired',
      `The ML Arena token looks like the retired key_id:key_pass form, which ML Arena no longer accepts: mint a new token on ML Arena; it looks like ${SHAPE}.`
    )
  }
  const parts = splitToken(value)
  // Printable ASCII only, no spaces: anything else is a copy-paste accident.
  if (!parts || !/^[\x21-\x7e]+$/.test(value)) {
    throw new TokenError(
      'malformed',
      `The ML Arena token is malformed: a token looks like ${SHAPE}.`
    )
  }
  const [prefix, scope, lookup, secret] = parts
  if (prefix !== 'mlk' || !SCOPES.has(scope) || lookup === '' || secret === '') {
    throw new TokenError(
      'malformed',
      `The ML Arena token is malformed: a token looks like ${SHAPE}.`
    )
  }
  return new Token(value, scope as TokenScope, lookup)
}

/** Splits on `_` at most three times (the secret keeps any further `_`). */
function splitToken(value: string): [string, string, string, string] | null {
  const a = value.indexOf('_')
  const b = a < 0 ? -1 : value.indexOf('_', a + 1)
  const c = b < 0 ? -1 : value.indexOf('_', b + 1)
  if (c < 0) return null
  return [value.slice(0, a), value.slice(a + 1, b), value.slice(b + 1, c), value.slice(c + 1)]
}

/** Fails before any request when the token's scope cannot use `route`. */
export function requireScope(
  token: Pick<Token, 'scope' | 'masked'>,
  scope: TokenScope,
  route: string
): void {
  if (token.scope === scope) return
  throw new ArenaError(
    `ML Arena needs a ${scope} token for ${route}, but the token given (${token.masked}) is a ${token.scope} token: mint a ${scope} token (mlk_${scope}_…) and use it instead.`,
    { kind: 'scope', route }
  )
}
