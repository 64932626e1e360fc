/**
 * The plan's own MetricSpec checks (SDK 4.4.0 README "Metrics"): one test per rule, each
 * finding on the line of what it is about; and what a started challenge still lets change.
 */
import { describe, expect, it } from '@jest/globals'
import { metricFindings, metricsChangeAllowedWhileStarted } from '../../src/challenge/metrics.js'
import { parseChallengeToml } from '../../src/challenge/toml.js'

const FILE = 'challenge/env/challenge.toml'

/** A valid ranking spec on lines 1–10, then `extra` lines, then a second valid spec. */
function tomlWith(edit: (lines: string[]) => string[] = l => l): string {
  const lines = [
    '[[metrics]]', // 1
    'key = "accuracy"', // 2
    'label = "Accuracy"', // 3
    'source = "score"', // 4
    'agg = "mean"', // 5
    'order = "desc"', // 6
    'format = "percent"', // 7
    'precision = 1', // 8
    'is_ranking = true', // 9
    'visible = true', // 10
    '', // 11
    '[[metrics]]', // 12
    'key = "streak"', // 13
    'label = "Longest streak"', // 14
    'source = "env"', // 15
    'agg = "max"', // 16
    'format = "integer"', // 17
    'precision = 0', // 18
    'is_ranking = false', // 19
    'visible = true' // 20
  ]
  return `${edit(lines).join('\n')}\n`
}

function findings(text: string): { line: number | null; message: string }[] {
  return metricFindings(parseChallengeToml(text), FILE).map(f => ({
    line: f.line,
    message: f.message
  }))
}

const replace =
  (from: string, to: string) =>
  (lines: string[]): string[] =>
    lines.map(l => (l === from ? to : l))

describe('metricFindings', () => {
  it('finds nothing in a declaration that keeps every rule', () => {
    expect(findings(tomlWith())).toEqual([])
    expect(findings('simulation_timeout_sec = 3\n')).toEqual([])
  })

  it.each(['score', 'rank', 'metrics'])('refuses the reserved key %s on its line', key => {
    expect(findings(tomlWith(replace('key = "accuracy"', `key = "${key}"`)))).toEqual([
      { line: 2, message: expect.stringContaining('may not be "score", "rank" or "metrics"') }
    ])
  })

  it.each(['Accuracy', '1st', 'a-b', `a${'b'.repeat(32)}`])('refuses the key %s', key => {
    expect(findings(tomlWith(replace('key = "accuracy"', `key = "${key}"`)))).toEqual([
      { line: 2, message: "'metrics[0].key' must match ^[a-z][a-z0-9_]{0,31}$" }
    ])
  })

  it('refuses a duplicate key on the second one', () => {
    expect(findings(tomlWith(replace('key = "streak"', 'key = "accuracy"')))).toEqual([
      { line: 13, message: "duplicate metric key 'accuracy'" }
    ])
  })

  it.each([
    ['', false],
    ['x', true],
    ['x'.repeat(40), true],
    ['x'.repeat(41), false]
  ])('label %j: valid %s', (label, valid) => {
    const found = findings(tomlWith(replace('label = "Accuracy"', `label = "${label}"`)))
    expect(found).toEqual(
      valid ? [] : [{ line: 3, message: "'metrics[0].label' must be 1 to 40 characters" }]
    )
  })

  it('takes a unit of 8 characters, and refuses 9', () => {
    const withUnit = (unit: string): string =>
      tomlWith(lines => [...lines.slice(0, 10), `unit = "${unit}"`, ...lines.slice(10)])
    expect(findings(withUnit('kWh/day!'))).toEqual([])
    expect(findings(withUnit('kilowatts'))).toEqual([
      { line: 11, message: expect.stringContaining("'metrics[0].unit' must be at most 8") }
    ])
  })

  it('needs a unit for currency', () => {
    expect(findings(tomlWith(replace('format = "percent"', 'format = "currency"')))).toEqual([
      { line: 1, message: expect.stringContaining('a currency metric needs a unit') }
    ])
  })

  it.each(['-1', '11', '1.5'])('refuses the precision %s', precision => {
    expect(findings(tomlWith(replace('precision = 1', `precision = ${precision}`)))).toEqual([
      { line: 8, message: "'metrics[0].precision' must be an integer from 0 to 10" }
    ])
  })

  it('needs exactly one ranking spec', () => {
    expect(findings(tomlWith(replace('is_ranking = true', 'is_ranking = false')))).toEqual([
      { line: 1, message: 'exactly one metric must have is_ranking = true (found 0)' }
    ])
    const two = findings(
      tomlWith(lines =>
        replace('is_ranking = false', 'is_ranking = true')(lines).concat('order = "asc"')
      )
    )
    expect(two).toEqual([
      { line: 1, message: 'exactly one metric must have is_ranking = true (found 2)' }
    ])
  })

  it('needs an order on the ranking spec', () => {
    expect(findings(tomlWith(lines => lines.filter(l => l !== 'order = "desc"')))).toEqual([
      { line: 1, message: expect.stringContaining('is the ranking metric and needs an order') }
    ])
  })

  it('refuses a second source = "score"', () => {
    expect(findings(tomlWith(replace('source = "env"', 'source = "score"')))).toEqual([
      { line: 15, message: expect.stringContaining('at most one metric may have source = "score"') }
    ])
  })

  it('refuses a platform spec that names no platform key', () => {
    expect(findings(tomlWith(replace('source = "env"', 'source = "platform"')))).toEqual([
      { line: 13, message: expect.stringContaining('a platform metric is one of elo') }
    ])
  })

  it.each(['key', 'label', 'source', 'agg', 'format', 'precision', 'is_ranking', 'visible'])(
    'needs %s on every spec',
    key => {
      const found = findings(
        tomlWith(lines => lines.filter((l, i) => !(i >= 11 && l.startsWith(`${key} =`))))
      )
      expect(found).toContainEqual({
        line: 12,
        message: `metrics[1] is missing '${key}' (every MetricSpec key is required)`
      })
    }
  )

  it.each([
    ['source', '"nope"'],
    ['agg', '"average"'],
    ['format', '"ratio"']
  ])('refuses an unknown %s', (key, value) => {
    const line = { source: 4, agg: 5, format: 7 }[key]
    const original = tomlWith().split('\n')[(line as number) - 1] as string
    expect(findings(tomlWith(replace(original, `${key} = ${value}`)))).toEqual([
      { line, message: expect.stringContaining(`'metrics[0].${key}' must be one of`) }
    ])
  })
})

describe('metricsChangeAllowedWhileStarted', () => {
  const base = [
    {
      key: 'accuracy',
      label: 'A',
      source: 'score',
      agg: 'mean',
      order: 'desc',
      format: 'percent',
      unit: null,
      precision: 1,
      is_ranking: true,
      visible: true
    }
  ]
  it.each([
    ['label', 'Accuracy'],
    ['unit', 'pct'],
    ['precision', 3],
    ['format', 'number'],
    ['visible', false]
  ])('lets %s change', (field, value) => {
    expect(metricsChangeAllowedWhileStarted(base, [{ ...base[0], [field]: value }])).toBe(true)
  })
  it.each([
    ['key', 'acc'],
    ['source', 'env'],
    ['agg', 'max'],
    ['order', 'asc'],
    ['is_ranking', false]
  ])('refuses a new %s', (field, value) => {
    expect(metricsChangeAllowedWhileStarted(base, [{ ...base[0], [field]: value }])).toBe(false)
  })
  it('refuses an added spec, and reads a left-out order as null', () => {
    expect(metricsChangeAllowedWhileStarted(base, [...base, ...base])).toBe(false)
    const noOrder = [{ ...base[0], order: null }]
    const { order: _order, ...left } = noOrder[0] as Record<string, unknown>
    expect(metricsChangeAllowedWhileStarted(noOrder, [left])).toBe(true)
  })
})
