/**
 * The challenge plan (pure): file, config, metadata and tag diffs against the challenge's state;
 * what a started challenge refuses; which start blockers remain; deletions only of what the
 * server lists and the folder lacks.
 */
import { describe, expect, it } from '@jest/globals'
import { buildPlan, lineDelta, type PlanInput } from '../../src/challenge/plan.js'
import { parseChallengeToml } from '../../src/challenge/toml.js'
import {
  ENV_PY,
  TOML,
  folder,
  localFile,
  remote,
  remoteFile,
  view
} from '../support/challenge-fixtures.js'

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  const local = overrides.local ?? folder()
  const toml = local.env.find(f => f.name === 'challenge.toml')
  return {
    identity: {
      name: 'Grid Maze',
      kernelVersion: null,
      description: null,
      isPublic: null,
      tags: null
    },
    local,
    toml: toml ? parseChallengeToml(toml.text ?? '') : null,
    findings: [],
    envCheck: { ok: true, findings: [] },
    remote: remote(),
    ...overrides
  }
}

describe('buildPlan', () => {
  it('has no changes when ML Arena already matches the folder', () => {
    const plan = buildPlan(input())
    expect(plan.changes).toEqual([])
    expect(plan.steps).toEqual([])
    expect(plan.configChanges).toEqual([])
    expect(plan.runsBenchmark).toBe(false)
    expect(plan.findings).toEqual([])
    expect(plan.challengeId).toBe(8)
  })

  it('creates a new challenge with its identity, and uploads every file', () => {
    const plan = buildPlan(
      input({
        remote: null,
        envCheck: null,
        identity: {
          name: 'Maze',
          kernelVersion: 'flex_v1',
          description: 'd',
          isPublic: true,
          tags: [{ id: 2, name: 'gymnasium' }]
        }
      })
    )
    expect(plan.steps[0]).toEqual({
      kind: 'create',
      spec: {
        name: 'Maze',
        kernelVersion: 'flex_v1',
        description: 'd',
        isPublic: true,
        tagIds: [2]
      }
    })
    expect(plan.changes.map(c => `${c.action} ${c.subject}`)).toEqual([
      'create challenge',
      'add env/challenge.toml',
      'add env/env.py',
      'add benchmark/agent.py'
    ])
    expect(plan.runsBenchmark).toBe(true)
    expect(plan.status).toBe('new')
    expect(plan.notes.join(' ')).toMatch(/env check runs once the challenge exists/)
  })

  it('refuses to create without kernel-version', () => {
    const plan = buildPlan(input({ remote: null, envCheck: null }))
    expect(plan.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/^Input 'kernel-version' is required/)
      })
    ])
  })

  it('uploads a changed file and removes only what the server lists and the folder lacks', () => {
    const local = folder({
      env: [
        localFile('env', 'challenge.toml', TOML),
        localFile('env', 'env.py', `${ENV_PY}# more\n`),
        localFile('env', 'data.csv', 'a,b\n1,2\n')
      ]
    })
    const state = remote({
      env: [...remote().env, remoteFile('old.csv', 'x\n')]
    })
    const plan = buildPlan(input({ local, remote: state }))
    expect(plan.changes.map(c => `${c.action} ${c.subject}: ${c.detail}`)).toEqual([
      'update env/env.py: +1 −0 lines',
      'add env/data.csv: 2 lines',
      'remove env/old.csv: not in the folder'
    ])
    expect(plan.steps.filter(s => s.kind === 'delete')).toEqual([
      { kind: 'delete', folder: 'env', name: 'old.csv' }
    ])
    expect(plan.runsBenchmark).toBe(true)
  })

  it('compares by the listed SHA-256 when there is one, and by size for a binary listed without', () => {
    const bytes = Buffer.from([0, 1, 2, 3])
    const local = folder({ env: [...folder().env, localFile('env', 'weights.bin', bytes)] })
    const same = buildPlan(
      input({
        local,
        remote: remote({ env: [...remote().env, remoteFile('weights.bin', null, 4)] })
      })
    )
    expect(same.changes).toEqual([])
    expect(same.notes.join(' ')).toMatch(
      /weights\.bin: ML Arena lists it without its content; same size/
    )
    const hashed = remote({
      env: [...remote().env, { ...remoteFile('weights.bin', null, 4), sha256: 'f'.repeat(64) }]
    })
    expect(buildPlan(input({ local, remote: hashed })).changes.map(c => c.subject)).toEqual([
      'env/weights.bin'
    ])
  })

  it('lists each config key the challenge.toml changes, on its line', () => {
    const text = 'simulation_timeout_sec = 600\n\nmax_upload_files = 5\nwindow_days = 7\n'
    const local = folder({
      env: [localFile('env', 'challenge.toml', text), localFile('env', 'env.py', ENV_PY)]
    })
    const plan = buildPlan(input({ local }))
    expect(plan.configChanges).toEqual([
      expect.objectContaining({
        subject: 'config simulation_timeout_sec',
        detail: '300 → 600',
        line: 1
      }),
      expect.objectContaining({
        subject: 'config window_days',
        action: 'add',
        detail: 'unset → 7',
        line: 4
      })
    ])
    expect(plan.changes.map(c => c.subject)).toEqual(['env/challenge.toml'])
  })

  it('on a started challenge, refuses env changes and keys that are not running-editable', () => {
    const text = 'simulation_timeout_sec = 600\nmax_upload_files = 5\n'
    const local = folder({
      env: [localFile('env', 'challenge.toml', text), localFile('env', 'env.py', ENV_PY)]
    })
    const started = remote({ view: view({ status: 'started', startBlockers: null }) })
    const plan = buildPlan(input({ local, remote: started }))
    expect(plan.refused.map(c => c.subject)).toEqual([
      'env/challenge.toml',
      'config simulation_timeout_sec'
    ])
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'challenge/env/challenge.toml',
        line: 1,
        message: expect.stringMatching(
          /started: ML Arena refuses this change \(config simulation_timeout_sec\)/
        )
      })
    )
  })

  it('lets a started challenge take a description, and refuses a rename', () => {
    const started = remote({ view: view({ status: 'started', startBlockers: null }) })
    const plan = buildPlan(
      input({
        remote: started,
        identity: {
          name: 'Maze II',
          kernelVersion: null,
          description: 'New blurb',
          isPublic: null,
          tags: null
        }
      })
    )
    expect(plan.changes.map(c => [c.subject, c.refusedWhileStarted])).toEqual([
      ['name', true],
      ['description', false]
    ])
    expect(plan.steps).toEqual([
      { kind: 'metadata', update: { name: 'Maze II', description: 'New blurb' } }
    ])
  })

  it('lets a started challenge take tags and an overview (they rescore nothing)', () => {
    const started = remote({ view: view({ status: 'started', startBlockers: null }) })
    const plan = buildPlan(
      input({
        remote: started,
        local: folder({ overview: localFile('', 'overview.md', '# New\n') }),
        identity: {
          name: 'Grid Maze',
          kernelVersion: null,
          description: null,
          isPublic: null,
          tags: [{ id: 1, name: 'rl' }]
        }
      })
    )
    expect(plan.changes.map(c => [c.subject, c.refusedWhileStarted])).toEqual([
      ['tags', false],
      ['overview.md', false]
    ])
    expect(plan.findings).toEqual([])
  })

  it('refuses a different kind', () => {
    const plan = buildPlan(
      input({
        identity: {
          name: 'Grid Maze',
          kernelVersion: 'file_v1',
          description: null,
          isPublic: null,
          tags: null
        }
      })
    )
    expect(plan.findings[0]?.message).toMatch(/kind is flex_v1, and a kind cannot change/)
  })

  it('sets the tags only when the set differs', () => {
    const tags = [{ id: 1, name: 'rl' }]
    const identity = {
      name: 'Grid Maze',
      kernelVersion: null,
      description: null,
      isPublic: null,
      tags
    }
    expect(buildPlan(input({ identity, remote: remote({ tags }) })).changes).toEqual([])
    const plan = buildPlan(
      input({ identity, remote: remote({ tags: [{ id: 2, name: 'gymnasium' }] }) })
    )
    expect(plan.changes).toEqual([
      expect.objectContaining({ subject: 'tags', detail: '+1 −1: rl' })
    ])
  })

  it('predicts the blockers the plan resolves, and those resolved once the benchmark scores', () => {
    const blockers = [
      { code: 'env_missing', message: 'no env.py' },
      { code: 'benchmark_unscored', message: 'benchmark has no score' },
      { code: 'runtime', message: 'machine too small' }
    ]
    const state = remote({
      env: [remoteFile('challenge.toml', TOML)],
      view: view({ startBlockers: blockers })
    })
    const plan = buildPlan(input({ remote: state }))
    expect(plan.blockersAfter?.map(b => b.code)).toEqual(['runtime'])
    expect(plan.resolvedIfScored.map(b => b.code)).toEqual(['benchmark_unscored'])
  })

  it('puts env check findings on env.py lines', () => {
    const plan = buildPlan(
      input({
        envCheck: {
          ok: false,
          findings: [
            {
              severity: 'error',
              line: 12,
              column: null,
              message: 'no class Env',
              code: 'env_class_missing'
            }
          ]
        }
      })
    )
    expect(plan.findings).toEqual([
      {
        severity: 'error',
        file: 'challenge/env/env.py',
        line: 12,
        message: 'no class Env (env_class_missing)',
        source: 'env-check'
      }
    ])
  })

  it('uploads the overview when it differs, and the cover only when ML Arena has none', () => {
    const local = folder({
      overview: localFile('', 'overview.md', '# Maze\n'),
      cover: localFile('', 'cover.png', Buffer.from([0x89, 0x50, 0, 1]))
    })
    const plan = buildPlan(input({ local }))
    expect(plan.steps.map(s => s.kind)).toEqual(['overview', 'cover'])
    const withCover = buildPlan(
      input({ local, remote: remote({ overview: '# Maze\n', view: view({ hasCover: true }) }) })
    )
    expect(withCover.steps).toEqual([])
    expect(withCover.notes.join(' ')).toMatch(/already has a cover image/)
  })
})

describe('lineDelta', () => {
  it('counts added and removed lines', () => {
    expect(lineDelta('a\nb\nc', 'a\nc\nd\ne')).toBe('+2 −1 lines')
    expect(lineDelta('a\n', 'a\n')).toBe('whitespace at the end')
  })
})

describe('buildPlan with the SDK 4.4.0 creator calls', () => {
  const started = (): ReturnType<typeof remote> =>
    remote({
      view: view({ status: 'started', startBlockers: null, runningEditableFields: [] })
    })
  const fields = [
    { key: 'simulation_timeout_sec', inFile: true, runningEditable: false, writer: 'creator' },
    { key: 'max_upload_files', inFile: true, runningEditable: false, writer: 'creator' },
    { key: 'render_delay_second', inFile: true, runningEditable: true, writer: 'creator' },
    { key: 'docker_image_env_runtime_id', inFile: false, runningEditable: false, writer: 'admin' }
  ]

  it('refuses, on its line, a key config_fields says a file may not hold', () => {
    const text = `${TOML}docker_image_env_runtime_id = 2\n`
    const local = folder({
      env: [localFile('env', 'challenge.toml', text), localFile('env', 'env.py', ENV_PY)]
    })
    const plan = buildPlan(input({ local, fields }))
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        line: 3,
        message: expect.stringContaining("'docker_image_env_runtime_id' may not be written")
      })
    )
  })

  it('writes settings the file does not hold, and refuses one it holds', () => {
    const plan = buildPlan(
      input({ fields, settings: { render_delay_second: 0.5, max_upload_files: 9 } })
    )
    expect(plan.steps).toEqual([{ kind: 'settings', settings: { render_delay_second: 0.5 } }])
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining("'max_upload_files' is in challenge.toml")
      })
    )
  })

  it('takes a running-editable setting on a started challenge, and lists what it still takes', () => {
    const plan = buildPlan(
      input({ remote: started(), fields, settings: { render_delay_second: 1 } })
    )
    expect(plan.findings).toEqual([])
    expect(plan.notes.join('\n')).toContain(
      'Once started, ML Arena still takes changes to: render_delay_second'
    )
  })

  it('says to set restart for a refused change, and plans stop → apply → start with it', () => {
    const text = TOML.replace('300', '60')
    const local = folder({
      env: [localFile('env', 'challenge.toml', text), localFile('env', 'env.py', ENV_PY)]
    })
    const without = buildPlan(input({ local, remote: started(), fields }))
    expect(without.restart).toBe(false)
    expect(without.findings.map(f => f.message).join('\n')).toContain('set restart: true')
    const withRestart = buildPlan(input({ local, remote: started(), fields, restart: true }))
    expect(withRestart.restart).toBe(true)
    expect(withRestart.findings).toEqual([])
    expect(withRestart.notes.join('\n')).toContain('restart is true: apply stops the challenge')
  })

  it('replaces the cover only when its bytes differ from the stored ones', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    const cover = { ...localFile('', 'cover.png', ''), bytes: png, size: png.length, text: null }
    const local = folder({ cover })
    const same = buildPlan(
      input({ local, remote: remote({ view: view({ hasCover: true }), coverBytes: png }) })
    )
    expect(same.steps).toEqual([])
    const other = buildPlan(
      input({
        local,
        remote: remote({ view: view({ hasCover: true }), coverBytes: Buffer.from([9]) })
      })
    )
    expect(other.steps).toEqual([{ kind: 'cover', file: cover }])
    expect(other.changes[0]).toEqual(
      expect.objectContaining({ action: 'update', subject: 'cover.png' })
    )
  })
})
