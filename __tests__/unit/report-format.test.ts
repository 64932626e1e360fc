import { describe, expect, it } from '@jest/globals'
import {
  formatCount,
  formatCountOf,
  formatDelta,
  formatDuration,
  formatMinutes,
  formatNumber,
  formatRankChange
} from '../../src/report/format.js'

describe('formatNumber', () => {
  it('groups thousands and keeps the given decimals', () => {
    expect(formatNumber(3456)).toBe('3,456')
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89')
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5')
    expect(formatNumber(271.25, 0)).toBe('271')
    expect(formatNumber(12, 2)).toBe('12.00')
  })

  it('shows up to 3 decimals without a precision, and small values without rounding to 0', () => {
    expect(formatNumber(271.2549)).toBe('271.255')
    expect(formatNumber(0.5)).toBe('0.5')
    expect(formatNumber(0.000123)).toBe('0.000123')
  })

  it('never shows a negative zero, and a dash for non-finite values', () => {
    expect(formatNumber(-0.0001, 2)).toBe('0.00')
    expect(formatNumber(Number.NaN)).toBe('–')
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('–')
  })
})

describe('counts and deltas', () => {
  it('formats counts with a noun', () => {
    expect(formatCount(1234.4)).toBe('1,234')
    expect(formatCountOf(1, 'file')).toBe('1 file')
    expect(formatCountOf(1000, 'file')).toBe('1,000 files')
  })

  it('signs a difference', () => {
    expect(formatDelta(5.75, 2)).toBe('+5.75')
    expect(formatDelta(-1200, 0)).toBe('-1,200')
    expect(formatDelta(0, 2)).toBe('±0.00')
    expect(formatDelta(-0.001, 2)).toBe('±0.00')
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [350, '350 ms'],
    [4_870, '4.8 s'],
    [1_000, '1 s'],
    [12_400, '12 s'],
    [65_000, '1 min 05 s'],
    [1_800_000, '30 min 00 s'],
    [3_780_000, '1 h 03 min']
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('formats a deadline in minutes', () => {
    expect(formatMinutes(30)).toBe('30 min')
    expect(formatMinutes(90)).toBe('1 h 30 min')
    expect(formatMinutes(120)).toBe('2 h')
  })
})

describe('formatRankChange', () => {
  it('shows up for a better rank, down for a worse one', () => {
    expect(formatRankChange(12, 15)).toBe('▲ 3')
    expect(formatRankChange(12, 10)).toBe('▼ 2')
    expect(formatRankChange(12, 12)).toBe('=')
    expect(formatRankChange(12, null)).toBe('new')
    expect(formatRankChange(1, 2001)).toBe('▲ 2,000')
  })
})
