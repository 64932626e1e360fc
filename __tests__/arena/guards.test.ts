import { describe, expect, it } from '@jest/globals'
import { optTime } from '../../src/arena/guards.js'

/** optTime as it was before its fast path: every string went through Date.parse. */
function slowOptTime(value: string): string | null {
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return optTime(Number(text))
  return text !== '' && !Number.isNaN(Date.parse(text)) ? text : null
}

describe('optTime', () => {
  it('keeps a UTC ISO-8601 time as the server wrote it', () => {
    expect(optTime('2026-09-28T04:43:46.646Z')).toBe('2026-09-28T04:43:46.646Z')
    expect(optTime('2026-09-28T04:43:46Z')).toBe('2026-09-28T04:43:46Z')
  })

  it('answers exactly as Date.parse decides, on the fast path and off it', () => {
    const samples = [
      '2026-02-31T00:00:00Z',
      '2026-06-15T24:00:00Z',
      '2026-12-31T23:59:60Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-06-15T12:00:00.1234567Z',
      '0000-01-01T00:00:00Z',
      '2026-06-15T12:00:00+02:00',
      '2026-06-15 12:00:00',
      ' 2026-06-15T12:00:00Z ',
      'yesterday',
      '',
      '1781524800'
    ]
    for (const sample of samples)
      expect([sample, optTime(sample)]).toEqual([sample, slowOptTime(sample)])
  })

  it('reads Unix timestamps in seconds or milliseconds', () => {
    expect(optTime(1781524800)).toBe('2026-06-15T12:00:00Z')
    expect(optTime(1781524800123)).toBe('2026-06-15T12:00:00.123Z')
    expect(optTime(Number.NaN)).toBeNull()
  })
})
