/**
 * The legacy-wire plan (pure): challenge.toml's keys as SDK 0.2.0's settings keywords (a key with
 * none is an error on its line), what is compared with the public detail, what is sent while a
 * draft, and that nothing is sent or deleted on a started competition.
 */
import { describe, expect, it } from '@jest/globals'
import { buildLegacyPlan, legacySettings } from '../../src/challenge/legacy.js'
import { parseChallengeToml } from '../../src/challenge/toml.js'
import { ENV_PY, folder, localFile } from '../support/challenge-fixtures.js'

const FILE = 'challenge/env/challenge.toml'
const METRICS = [
  '[[metrics]]',
  'key = "accuracy"',
  'label = "Accuracy"',
  'source = "score"',
  'agg = "mean"',
  'order = "desc"',
  'format = "percent"',
  'precision = 1',
  'is_ranking = true',
  'visible = true'
]

describe('legacySettings', () => {
  it('maps every key that has a 0.2.0 keyword', () => {
    const toml = parseChallengeToml(
      [
        'simulation_timeout_sec = 60',
        'max_upload_files = 3',
        'max_active_submissions_per_participant = 2',
        'deployment_nb_initial_score_run = 4',
        ...METRICS,
        ''
      ].join('\n')
    )
    const mapped = legacySettings(toml, FILE)
    expect(mapped.settings).toEqual({
      simulation_timeout_sec: 60,
      max_upload_files: 3,
      max_active_agents_per_participant: 2,
      evaluation_deployment_nb_initial_score_run: 4,
      evaluation_metric: 'Accuracy',
      evaluation_is_elo_score: false
    })
    expect(mapped.findings.filter(f => f.severity === 'error')).toEqual([])
  })

  it('refuses a key with no keyword on its line, and what 0.2.0 cannot say', () => {
    const toml = parseChallengeToml(
      [
        'window_days = 7',
        'agent_max_time_per_step_second = 1.0',
        ...METRICS.map(l => (l === 'order = "desc"' ? 'order = "asc"' : l)),
        ''
      ].join('\n')
    )
    const errors = legacySettings(toml, FILE)
      .findings.filter(f => f.severity === 'error')
      .map(f => [f.line, f.message])
    expect(errors).toEqual([
      [1, expect.stringContaining("'window_days' has no settings keyword on the legacy wire")],
      [2, expect.stringContaining("'agent_max_time_per_step_second' has no settings keyword")],
      [8, expect.stringContaining('no keyword for a lower-is-better ranking')]
    ])
  })
})

describe('buildLegacyPlan', () => {
  const identity = {
    name: 'Maze',
    kernelVersion: 'flex_v1',
    description: null,
    isPublic: null,
    tags: [{ id: 1, name: 'rl' }]
  }
  const local = folder({
    env: [
      localFile('env', 'challenge.toml', 'max_upload_files = 3\nsimulation_timeout_sec = 60\n'),
      localFile('env', 'env.py', ENV_PY)
    ]
  })
  const toml = parseChallengeToml('max_upload_files = 3\nsimulation_timeout_sec = 60\n')
  const detail = (status: string) => ({
    id: 7,
    name: 'Maze',
    description: null,
    maxUploadSizeBytes: 1000,
    maxUploadFiles: 3,
    simulatorHealthy: null,
    submissionFilename: null,
    submissionLayout: null,
    kindLabel: null,
    status
  })

  it('sends, while a draft, what it cannot compare, and never deletes', () => {
    const plan = buildLegacyPlan({ identity, local, toml, findings: [], remote: detail('draft') })
    expect(plan.steps.map(s => s.kind)).toEqual(['tags', 'settings', 'upload', 'upload', 'upload'])
    // max_upload_files is shown by the detail and equal: not sent; the timeout cannot be read.
    expect(plan.steps[1]).toEqual({ kind: 'settings', settings: { simulation_timeout_sec: 60 } })
    expect(plan.steps.some(s => s.kind === 'delete')).toBe(false)
    expect(plan.changes.every(c => c.action === 'send')).toBe(true)
    expect(plan.notes.join('\n')).toContain('nothing is ever deleted there')
  })

  it('sends nothing it cannot compare once started: 0 changes for an unchanged folder', () => {
    const plan = buildLegacyPlan({ identity, local, toml, findings: [], remote: detail('started') })
    expect(plan.steps).toEqual([])
    expect(plan.changes).toEqual([])
    expect(plan.notes.join('\n')).toContain('cannot be compared on this wire')
  })

  it('refuses a change the detail shows on a started competition (no stop on this wire)', () => {
    const other = parseChallengeToml('max_upload_files = 4\n')
    const plan = buildLegacyPlan({
      identity,
      local,
      toml: other,
      findings: [],
      remote: detail('started')
    })
    expect(plan.findings).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('it has no stop route') })
    )
  })
})
