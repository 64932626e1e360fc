/** The value axis of the report's bar charts starts at zero (src/report/chart.ts). */
import { describe, expect, it } from '@jest/globals'
import { valueAxis } from '../../src/report/chart.js'

describe('valueAxis', () => {
  it('starts at zero, so bar heights compare', () => {
    expect(valueAxis('Score', [242, 290.5], String)).toEqual({
      line: '  y-axis "Score" 0 --> 290.5',
      titleNote: ''
    })
  })

  it('starts at the lowest value when one is negative, and says so', () => {
    expect(valueAxis('Score', [-18.9, 105.46], String)).toEqual({
      line: '  y-axis "Score" -18.9 --> 105.46',
      titleNote: '; bars rise from -18.9, not from 0'
    })
  })

  it('has a range even when every value is zero or none is finite', () => {
    expect(valueAxis('Students', [0, 0], String).line).toBe('  y-axis "Students" 0 --> 1')
    expect(valueAxis('Score', [Number.NaN], String).line).toBe('  y-axis "Score" 0 --> 1')
  })
})
