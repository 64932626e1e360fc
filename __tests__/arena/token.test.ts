import { describe, expect, it } from '@jest/globals'
import { inspect } from 'node:util'
import { ArenaError } from '../../src/arena/errors.js'
import { parseToken, requireScope, TokenError } from '../../src/arena/token.js'
import { ActionError } from '../../src/errors.js'

const RAW = 'mlk_user_ab12cd34_s3cr3t_with_underscores'

function tokenError(raw: string): TokenError {
  try {
    parseToken(raw)
  } catch (error) {
    if (error instanceof TokenError) return error
    throw error
  }
  throw new Error('expected a TokenError')
}

describe('parseToken', () => {
  it('splits on _ at most three times: the secret keeps its underscores', () => {
    const token = parseToken(` ${RAW}\n`)
    expect(token.scope).toBe('user')
    expect(token.lookup).toBe('ab12cd34')
    expect(token.masked).toBe('mlk_user_ab12…')
    expect(token.authorization()).toBe(`Bearer ${RAW}`)
  })

  it.each(['user', 'creator', 'teacher'])('accepts the %s scope', scope => {
    expect(parseToken(`mlk_${scope}_look_secret`).scope).toBe(scope)
  })

  it('never shows the raw token in inspect, JSON or string form', () => {
    const token = parseToken(RAW)
    const shown = [
      inspect(token),
      JSON.stringify({ token }),
      String(token),
      inspect({ nested: { token } }, { depth: 9 })
    ]
    for (const text of shown) {
      expect(text).not.toContain('s3cr3t')
      expect(text).toContain('mlk_user_ab12…')
    }
  })

  it('has a message of its own for the retired key_id:key_pass form', () => {
    const error = tokenError('AKID1234:verysecretpass')
    expect(error).toBeInstanceOf(ActionError)
    expect(error.reason).toBe('retired')
    expect(error.message).toContain('retired key_id:key_pass')
    expect(error.message).toContain('mlk_<scope>_<lookup>_<secret>')
    expect(error.message).not.toContain('verysecretpass')
  })

  it('says an empty token is empty', () => {
    expect(tokenError('  ').reason).toBe('empty')
    expect(tokenError('').message).toContain('empty')
  })

  it.each([
    'mlk_user_lookup', // no secret
    'mlk_user__secret', // empty lookup
    'mlk_admin_look_secret', // unknown scope
    'xyz_user_look_secret', // wrong prefix
    'mlk_user_look_sec ret', // space inside
    'mlk_user_look_sécret', // non-ASCII
    'justsomething'
  ])('refuses the malformed %j without echoing it', raw => {
    const error = tokenError(raw)
    expect(error.reason).toBe('malformed')
    expect(error.message).toContain('mlk_<scope>_<lookup>_<secret>')
    expect(error.message).not.toContain(raw)
  })
})

describe('requireScope', () => {
  it('passes the right scope', () => {
    expect(() => requireScope(parseToken(RAW), 'user', 'GET /api/x')).not.toThrow()
  })

  it('fails before any request, naming the route and the scope to mint', () => {
    let error: unknown
    try {
      requireScope(
        parseToken('mlk_creator_ef56_an0ther5ecret'),
        'user',
        'POST /api/submissions/challenge/1'
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ArenaError)
    const arena = error as ArenaError
    expect(arena.kind).toBe('scope')
    expect(arena.route).toBe('POST /api/submissions/challenge/1')
    expect(arena.message).toContain('mint a user token')
    expect(arena.message).toContain('POST /api/submissions/challenge/1')
    expect(arena.message).toContain('creator token')
    expect(arena.message).not.toContain('an0ther5ecret')
  })
})
