/**
 * The MetricSpec rules, one contract test each (SDK 4.4.0 README "Metrics"; `update_settings`
 * docstring): through `PUT .../settings` (JSON, where `order`/`unit` may be null) and through a
 * saved `challenge.toml` (where null is a key left out), on a draft and on a started challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { HOUR, start } from './helpers.ts'
import {
  asCreator,
  challengeState,
  createChallenge,
  creatorPaths,
  putText,
  readyChallenge
} from './creator-helpers.ts'

const p = creatorPaths('current')

type Spec = Record<string, unknown>

function spec(overrides: Spec = {}): Spec {
  return {
    key: 'accuracy',
    label: 'Accuracy',
    source: 'score',
    agg: 'mean',
    order: 'desc',
    format: 'percent',
    unit: null,
    precision: 1,
    is_ranking: true,
    visible: true,
    ...overrides
  }
}

function secondary(overrides: Spec = {}): Spec {
  return spec({
    key: 'steps',
    label: 'Steps',
    source: 'env',
    order: null,
    format: 'integer',
    precision: 0,
    is_ranking: false,
    ...overrides
  })
}

describe('MetricSpec rules (README "Metrics")', () => {
  let emu: Emulator
  let cid: number
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
    cid = await createChallenge(emu)
  })
  afterAll(() => emu.close())

  async function settings(metrics: unknown[]): Promise<{ status: number; error: string }> {
    const res = await asCreator(emu, 'PUT', p.settings(cid), { json: { metrics } })
    return { status: res.status, error: String(res.body?.error ?? '') }
  }

  it('accepts a declaration that keeps every rule', async () => {
    expect((await settings([spec(), secondary()])).status).toBe(200)
    expect(challengeState(emu, cid).config.values.metrics).toEqual([spec(), secondary()])
  })

  it.each(['score', 'rank', 'metrics'])('refuses the reserved key %s', async key => {
    const res = await settings([spec({ key })])
    expect(res.status).toBe(400)
    expect(res.error).toMatch(/key/)
  })

  it.each(['Accuracy', '1st', 'a-b', `a${'b'.repeat(32)}`])(
    'refuses a key off ^[a-z][a-z0-9_]{0,31}$: %s',
    async key => {
      expect((await settings([spec({ key })])).status).toBe(400)
    }
  )

  it('takes a 32-character key', async () => {
    expect((await settings([spec({ key: `a${'b'.repeat(31)}` })])).status).toBe(200)
  })

  it('refuses two specs with one key', async () => {
    const res = await settings([spec(), secondary({ key: 'accuracy' })])
    expect(res.status).toBe(400)
    expect(res.error).toContain("duplicate metric key 'accuracy'")
  })

  it('takes a label of 1 to 40 characters, and refuses 0 or 41', async () => {
    expect((await settings([spec({ label: 'x' })])).status).toBe(200)
    expect((await settings([spec({ label: 'x'.repeat(40) })])).status).toBe(200)
    expect((await settings([spec({ label: '' })])).status).toBe(400)
    expect((await settings([spec({ label: 'x'.repeat(41) })])).status).toBe(400)
  })

  it('takes a unit of at most 8 characters or null, and refuses 9', async () => {
    expect((await settings([spec({ unit: 'kWh/day!' })])).status).toBe(200)
    expect((await settings([spec({ unit: null })])).status).toBe(200)
    expect((await settings([spec({ unit: 'kilowatts' })])).status).toBe(400)
  })

  it('refuses a currency spec without a unit', async () => {
    const res = await settings([spec({ format: 'currency', unit: null })])
    expect(res.status).toBe(400)
    expect(res.error).toContain('a currency metric needs a unit')
    expect((await settings([spec({ format: 'currency', unit: 'EUR' })])).status).toBe(200)
  })

  it('takes a precision of 0 to 10, and refuses -1, 11 and 1.5', async () => {
    expect((await settings([spec({ precision: 0 })])).status).toBe(200)
    expect((await settings([spec({ precision: 10 })])).status).toBe(200)
    for (const precision of [-1, 11, 1.5])
      expect((await settings([spec({ precision })])).status).toBe(400)
  })

  it('needs exactly one ranking spec', async () => {
    const none = await settings([spec({ is_ranking: false })])
    expect(none.status).toBe(400)
    expect(none.error).toContain('exactly one metric must have is_ranking = true (found 0)')
    const two = await settings([spec(), secondary({ is_ranking: true, order: 'asc' })])
    expect(two.status).toBe(400)
    expect(two.error).toContain('(found 2)')
  })

  it('needs an order on the ranking spec', async () => {
    const res = await settings([spec({ order: null })])
    expect(res.status).toBe(400)
    expect(res.error).toContain('the ranking metric needs an order')
  })

  it('refuses a second spec with source "score"', async () => {
    const res = await settings([spec(), secondary({ source: 'score' })])
    expect(res.status).toBe(400)
    expect(res.error).toContain('at most one metric may have source = "score"')
  })

  it('refuses a platform spec that names no platform key', async () => {
    expect(
      (await settings([spec(), secondary({ source: 'platform', key: 'ram_max' })])).status
    ).toBe(200)
    const res = await settings([spec(), secondary({ source: 'platform', key: 'memory' })])
    expect(res.status).toBe(400)
    expect(res.error).toContain('a platform metric is one of elo, action_time_max')
  })

  it.each(['key', 'label', 'source', 'agg', 'format', 'precision', 'is_ranking', 'visible'])(
    'needs the key %s on every spec',
    async key => {
      const incomplete = spec()
      delete incomplete[key]
      expect((await settings([incomplete])).status).toBe(400)
    }
  )
})

describe('MetricSpec rules in a saved challenge.toml', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  const toml = (extra: string[] = []): string =>
    [
      '[[metrics]]',
      'key = "accuracy"',
      'label = "Accuracy"',
      'source = "score"',
      'agg = "mean"',
      'order = "desc"',
      'format = "percent"',
      'precision = 1',
      'is_ranking = true',
      'visible = true',
      ...extra,
      ''
    ].join('\n')

  it('reads a left-out unit as null, and names the line of a reserved key', async () => {
    const cid = await createChallenge(emu)
    const ok = await putText(emu, p.envFiles(cid), 'challenge.toml', toml())
    expect(ok.status).toBe(200)
    expect(challengeState(emu, cid).config.values.metrics).toEqual([
      expect.not.objectContaining({ unit: expect.anything() })
    ])
    const bad = await putText(
      emu,
      p.envFiles(cid),
      'challenge.toml',
      toml().replace('key = "accuracy"', 'key = "score"')
    )
    expect(bad.status).toBe(400)
    expect(bad.body.details).toEqual([
      expect.stringMatching(/^challenge\.toml:2: 'metrics\[0\]\.key' may not be "score"/)
    ])
  })

  it('refuses a currency spec without a unit, on the line of the spec', async () => {
    const cid = await createChallenge(emu)
    const res = await putText(
      emu,
      p.envFiles(cid),
      'challenge.toml',
      toml().replace('format = "percent"', 'format = "currency"')
    )
    expect(res.status).toBe(400)
    expect(res.body.details).toEqual([
      'challenge.toml:1: a currency metric needs a unit (at most 8 characters, e.g. "EUR")'
    ])
  })
})

describe('MetricSpec fields once started (README "Metrics": presentation only)', () => {
  let emu: Emulator
  let cid: number
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
    cid = await readyChallenge(emu)
    expect(
      (await asCreator(emu, 'PUT', p.settings(cid), { json: { metrics: [spec(), secondary()] } }))
        .status
    ).toBe(200)
    await asCreator(emu, 'POST', p.run(cid))
    emu.advance(HOUR)
    expect((await asCreator(emu, 'PUT', p.start(cid))).status).toBe(200)
  })
  afterAll(() => emu.close())

  it.each([
    ['label', 'Top-1 accuracy'],
    ['unit', 'pct'],
    ['precision', 3],
    ['format', 'number'],
    ['visible', false]
  ])('still takes a new %s', async (field, value) => {
    const res = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { metrics: [spec({ [field]: value }), secondary()] }
    })
    expect(res.status).toBe(200)
  })

  it.each([
    ['key', 'acc'],
    ['source', 'env'],
    ['agg', 'max'],
    ['order', 'asc']
  ])('refuses a new %s', async (field, value) => {
    const res = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { metrics: [spec({ [field]: value }), secondary()] }
    })
    expect(res.status).toBe(400)
    expect(String(res.body.error)).toContain('cannot change while the challenge is started')
  })

  it('refuses a window_days once started', async () => {
    const res = await asCreator(emu, 'PUT', p.settings(cid), { json: { window_days: 7 } })
    expect(res.status).toBe(400)
  })
})
