/**
 * Stale files are deleted only with proof: the pure decision, the step with a fake port, and the
 * whole pipeline with an in-memory ML Arena, where no upload failure, partial listing or
 * unexpected name may lead to a deletion.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AgentFile } from '../../src/arena/model.js'
import { ArenaError } from '../../src/arena/errors.js'
import type { ArenaApi } from '../../src/evaluation/arena-port.js'
import { readConfig } from '../../src/submit/config.js'
import type { PlannedFile } from '../../src/evaluation/outcome.js'
import { newOutcome, PhaseTracker, runPipeline } from '../../src/submit/pipeline.js'
import {
  decideStaleFiles,
  removeStaleFiles,
  UnexpectedListing
} from '../../src/submit/steps/stale-files.js'
import { competition, status } from '../support/outcomes.js'

const planned = (...paths: string[]): PlannedFile[] =>
  paths.map(p => ({ name: path.posix.basename(p), path: p, size: 1 }))

const all = (files: PlannedFile[]): Set<string> => new Set(files.map(file => file.name))

describe('decideStaleFiles', () => {
  const files = planned('agent/agent.py', 'agent/lib/helpers.py')

  it('removes what the server lists beyond this run’s files, keeps every one of them', () => {
    expect(
      decideStaleFiles(files, all(files), ['agent.py', 'helpers.py', 'old.pkl', 'notes.txt'])
    ).toEqual({ kind: 'remove', names: ['old.pkl', 'notes.txt'], keptForCase: [] })
  })

  it('removes nothing when nothing is stale', () => {
    expect(decideStaleFiles(files, all(files), ['helpers.py', 'agent.py'])).toEqual({
      kind: 'remove',
      names: [],
      keptForCase: []
    })
  })

  it.each([
    ['one upload did not succeed', new Set(['agent.py'])],
    ['no upload succeeded', new Set<string>()]
  ])('skips, removing nothing, when %s', (_what, uploaded) => {
    const decision = decideStaleFiles(files, uploaded, ['agent.py', 'helpers.py', 'old.pkl'])
    expect(decision.kind).toBe('skip')
  })

  it.each([
    ['lacks a file just uploaded', ['agent.py', 'old.pkl'], /does not list "helpers.py"/],
    ['is empty', [], /does not list "agent.py", "helpers.py"/],
    ['lists the upload under its path', ['agent.py', 'lib/helpers.py'], /"lib\/helpers.py"/],
    ['lists a Windows path', ['agent.py', 'helpers.py', 'lib\\x.py'], /not a plain file name/],
    ['lists "."', ['agent.py', 'helpers.py', '.'], /not a plain file name/],
    ['lists ".."', ['agent.py', 'helpers.py', '..'], /not a plain file name/],
    ['lists an empty name', ['agent.py', 'helpers.py', ''], /not a plain file name/],
    ['lists a control character', ['agent.py', 'helpers.py', 'a\nb'], /not a plain file name/],
    ['lists a 256-character name', ['agent.py', 'helpers.py', 'x'.repeat(256)], /not a plain/],
    ['lists an upload in another case only', ['Agent.py', 'helpers.py'], /does not list "agent.py"/]
  ])('refuses, removing nothing, when the listing %s', (_what, listed, reason) => {
    const decision = decideStaleFiles(files, all(files), listed)
    expect(decision.kind).toBe('refuse')
    expect(decision.kind === 'refuse' && decision.reason).toMatch(reason)
  })

  it('keeps a listed name that differs from a file of this run only in case', () => {
    expect(decideStaleFiles(files, all(files), ['agent.py', 'helpers.py', 'AGENT.PY'])).toEqual({
      kind: 'remove',
      names: [],
      keptForCase: ['AGENT.PY']
    })
  })

  it('keeps the file challenge’s required name', () => {
    const challenge = [{ name: 'submission.csv', path: 'out/preds.csv', size: 9 }]
    expect(decideStaleFiles(challenge, all(challenge), ['submission.csv', 'preds.csv'])).toEqual({
      kind: 'remove',
      names: ['preds.csv'],
      keptForCase: []
    })
  })
})

function agentFiles(names: string[]): AgentFile[] {
  return names.map(name => ({ name, size: 1, isBinary: false, language: null }))
}

describe('removeStaleFiles', () => {
  const files = planned('agent/agent.py', 'agent/lib/helpers.py')
  const log = { info: (_: string) => {}, warning: (_: string) => {} }

  function port(listed: string[]) {
    const deleted: string[] = []
    return {
      deleted,
      arena: {
        listFiles: async () => agentFiles(listed),
        deleteFile: async (_cid: number, _aid: number, name: string) => {
          deleted.push(name)
        }
      }
    }
  }

  it('deletes the stale ones, one at a time, and reports each', async () => {
    const { arena, deleted } = port(['agent.py', 'helpers.py', 'old.pkl'])
    const reported: string[] = []
    const removed = await removeStaleFiles(arena, 1, 2, files, all(files), {
      log,
      onRemoved: name => reported.push(name)
    })
    expect(removed).toEqual(['old.pkl'])
    expect(deleted).toEqual(['old.pkl'])
    expect(reported).toEqual(['old.pkl'])
  })

  it('throws UnexpectedListing and deletes nothing on a partial listing', async () => {
    const { arena, deleted } = port(['agent.py', 'old.pkl'])
    const error = await removeStaleFiles(arena, 1, 2, files, all(files), { log }).catch(e => e)
    expect(error).toBeInstanceOf(UnexpectedListing)
    expect((error as Error).message).toBe(
      `ML Arena's list of agent 2's files is not what this run uploaded: it does not list "helpers.py", which this run has just uploaded. No file was deleted and nothing was deployed; check the agent's files on ML Arena.`
    )
    expect(deleted).toEqual([])
  })

  it('deletes nothing after a failed upload, and says so', async () => {
    const { arena, deleted } = port(['agent.py', 'helpers.py', 'old.pkl'])
    const warnings: string[] = []
    const removed = await removeStaleFiles(arena, 1, 2, files, new Set(['agent.py']), {
      log: { info: () => {}, warning: line => warnings.push(line) }
    })
    expect(removed).toEqual([])
    expect(deleted).toEqual([])
    expect(warnings).toEqual([
      'No file was removed from agent 2: not every upload went through ("helpers.py").'
    ])
  })
})

/**
 * An in-memory ML Arena for the pipeline: a flat folder of stored names per agent. `listing`
 * changes what the listing reports; `failUpload` makes the upload of that name fail.
 */
function memoryArena(options: {
  stored: string[]
  failUpload?: string
  listing?: (stored: string[]) => string[]
}) {
  const stored = new Set(options.stored)
  const calls: string[] = []
  const unused = async (): Promise<never> => {
    throw new Error('not used by this test')
  }
  const arena: ArenaApi = {
    wire: async () => 'current',
    getCompetition: async id => competition({ id, maxUploadFiles: null, maxUploadSizeBytes: null }),
    runtimeOptions: async () => [],
    createAgent: unused,
    pinRuntime: unused,
    previewCourse: unused,
    enroll: unused,
    listCourses: unused,
    downloadReplay: unused,
    listFiles: async () => {
      calls.push('list')
      return agentFiles((options.listing ?? (names => names))([...stored].sort()))
    },
    uploadFile: async (_cid, _aid, file) => {
      calls.push(`upload ${file.name}`)
      if (file.name === options.failUpload) {
        throw new ArenaError(`ML Arena refused the upload of ${file.name} (500)`, {
          kind: 'server',
          route: 'PUT /file',
          status: 500
        })
      }
      stored.add(file.name)
      return { message: null, validationMessage: null }
    },
    deleteFile: async (_cid, _aid, name) => {
      calls.push(`delete ${name}`)
      stored.delete(name)
    },
    deployQuota: unused,
    deploy: async () => {
      calls.push('deploy')
      return { message: null, adopted: false }
    },
    status: async () => status(),
    games: unused,
    leaderboard: unused,
    deleteAgent: unused,
    mine: unused,
    downloadLog: unused
  }
  return { arena, calls, stored }
}

describe('the pipeline on an existing agent', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mlarena-stale-'))
    for (const [name, content] of Object.entries({
      'agent/agent.py': 'class Agent: ...\n',
      'agent/lib/helpers.py': 'x = 1\n'
    })) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
      writeFileSync(path.join(root, name), content)
    }
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  async function run(arena: ArenaApi) {
    const inputs: Record<string, string> = {
      'api-key': 'mlk_user_tester_secret',
      'base-url': 'http://127.0.0.1:9',
      'competition-id': '42',
      'agent-id': '1234',
      files: 'agent/**',
      wait: 'false'
    }
    const config = readConfig(name => inputs[name] ?? '', { GITHUB_WORKSPACE: root })
    const outcome = newOutcome(config, 'key')
    const lines: string[] = []
    const line = (text: string): void => {
      lines.push(text)
    }
    const log = {
      info: line,
      warning: line,
      notice: line,
      group: async <T>(_title: string, fn: () => Promise<T>): Promise<T> => fn()
    }
    const clock = { now: () => 0, sleep: async () => {} }
    const tracker = new PhaseTracker(outcome, clock)
    const error = await runPipeline(
      config,
      'agent',
      { arena, log, clock, signal: new AbortController().signal, tempDir: root, previous: null },
      outcome,
      tracker
    ).then(
      () => null,
      (e: unknown) => e
    )
    return { outcome, error, lines }
  }

  it('uploads under the base names and removes only what is stale', async () => {
    const fake = memoryArena({ stored: ['agent.py', 'helpers.py', 'old.pkl'] })
    const { outcome, error, lines } = await run(fake.arena)
    expect(error).toBeNull()
    expect(fake.calls.filter(call => call.startsWith('upload')).sort()).toEqual([
      'upload agent.py',
      'upload helpers.py'
    ])
    expect(fake.calls.filter(call => call.startsWith('delete'))).toEqual(['delete old.pkl'])
    expect(fake.calls.at(-1)).toBe('deploy')
    expect([...fake.stored].sort()).toEqual(['agent.py', 'helpers.py'])
    expect(outcome.removedFiles).toEqual(['old.pkl'])
    expect(lines).toContain('  agent/lib/helpers.py → helpers.py')
  })

  it.each([
    ['an upload fails', { failUpload: 'helpers.py' }],
    ['the listing lacks a file just uploaded', { listing: (n: string[]) => n.slice(1) }],
    ['the listing is empty', { listing: () => [] }],
    [
      'the listing shows names with paths',
      { listing: (n: string[]) => n.map(name => (name === 'old.pkl' ? name : `agent/${name}`)) }
    ],
    ['the listing shows an unexpected name', { listing: (n: string[]) => [...n, '../escape.py'] }]
  ])('deletes nothing and does not deploy when %s', async (_what, knobs) => {
    const fake = memoryArena({ stored: ['agent.py', 'helpers.py', 'old.pkl'], ...knobs })
    const { outcome, error } = await run(fake.arena)
    expect(error).toBeInstanceOf(Error)
    expect(fake.calls.some(call => call.startsWith('delete'))).toBe(false)
    expect(fake.calls).not.toContain('deploy')
    expect(fake.stored.has('old.pkl')).toBe(true)
    expect(outcome.removedFiles).toEqual([])
  })
})
