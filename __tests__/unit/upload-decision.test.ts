/**
 * Uploads as the SDK decides them (4.4 `submit()`): every file goes up, whatever a single
 * answer reads; the status read after the last file decides (`is_deployable`); a refusal names
 * the validation message and deploys nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ArenaError } from '../../src/arena/errors.js'
import type { AgentStatus, UploadResult } from '../../src/arena/model.js'
import type { ArenaApi } from '../../src/evaluation/arena-port.js'
import { readConfig } from '../../src/submit/config.js'
import { newOutcome, PhaseTracker, runPipeline } from '../../src/submit/pipeline.js'
import { checkDeployable } from '../../src/submit/steps/upload.js'
import { competition, status } from '../support/outcomes.js'

const quiet = { info: () => undefined, warning: () => undefined }

describe('checkDeployable', () => {
  const read = (s: Partial<AgentStatus>) => ({ status: async () => status(s) })

  it('lets a deployable agent through', async () => {
    const verdict = await checkDeployable(
      read({ state: 'upload_validated', deployable: true }),
      1,
      2,
      { validationMessage: null, log: quiet }
    )
    expect(verdict.deployable).toBe(true)
  })

  it('refuses is_deployable false, naming last_status_message and the validation message', async () => {
    const named = await checkDeployable(
      read({ state: 'upload_failed', deployable: false, message: 'files rejected' }),
      1,
      2,
      { validationMessage: "Rename your file to 'agent.py'", log: quiet }
    )
    expect(named).toMatchObject({
      deployable: false,
      message:
        "ML Arena's validation refused the agent's files (status upload_failed): files rejected — Rename your file to 'agent.py'; fix the files and push again. Nothing was deployed."
    })
    const same = await checkDeployable(
      read({ state: 'upload_failed', deployable: false, message: 'agent.py is missing' }),
      1,
      2,
      { validationMessage: 'agent.py is missing', log: quiet }
    )
    expect(same.deployable === false && same.message).toContain(
      ': agent.py is missing; fix the files'
    )
    const fallback = await checkDeployable(
      read({ state: 'upload_failed', deployable: false, message: 'agent.py is missing' }),
      1,
      2,
      { validationMessage: null, log: quiet }
    )
    expect(fallback.deployable === false && fallback.message).toContain(': agent.py is missing;')
  })

  it('goes on to the deploy when the status read fails after its retries, but not on a refusal', async () => {
    const failing = (kind: 'server' | 'auth') => ({
      status: async (): Promise<never> => {
        throw new ArenaError(`ML Arena answered 503 (${kind})`, {
          kind,
          route: 'GET /s',
          status: 503
        })
      }
    })
    const warnings: string[] = []
    const verdict = await checkDeployable(failing('server'), 1, 2, {
      validationMessage: null,
      log: { info: () => undefined, warning: m => void warnings.push(m) }
    })
    expect(verdict).toEqual({ deployable: true, status: null })
    expect(warnings[0]).toMatch(/^Could not read the agent's status after the upload .*; deploying/)
    await expect(
      checkDeployable(failing('auth'), 1, 2, { validationMessage: null, log: quiet })
    ).rejects.toThrow('(auth)')
  })

  it('on the legacy wire (no is_deployable) refuses upload_failed only', async () => {
    const legacy = (state: string) =>
      checkDeployable(read({ state, deployable: null }), 1, 2, {
        validationMessage: null,
        log: quiet
      }).then(v => v.deployable)
    await expect(legacy('upload_failed')).resolves.toBe(false)
    await expect(legacy('upload_validated')).resolves.toBe(true)
    await expect(legacy('active')).resolves.toBe(true)
  })
})

describe('the pipeline uploads every file, then asks once', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mlarena-upload-'))
    for (const name of ['agent/model.pkl', 'agent/agent.py']) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
      writeFileSync(path.join(root, name), 'x\n')
    }
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function arena(final: Partial<AgentStatus>) {
    const calls: string[] = []
    const unused = async (): Promise<never> => {
      throw new Error('not used by this test')
    }
    const uploaded = new Set<string>()
    const fake: ArenaApi = {
      wire: async () => 'current',
      getCompetition: async id =>
        competition({ id, maxUploadFiles: null, maxUploadSizeBytes: null }),
      runtimeOptions: async () => [],
      createAgent: unused,
      pinRuntime: unused,
      previewCourse: unused,
      enroll: unused,
      listCourses: unused,
      downloadReplay: unused,
      mine: unused,
      listFiles: async () =>
        [...uploaded].map(name => ({ name, size: 2, isBinary: false, language: null })),
      uploadFile: async (_cid, _aid, file): Promise<UploadResult> => {
        calls.push(`upload ${file.name}`)
        uploaded.add(file.name)
        // Until agent.py is up, the folder is invalid: the answer says so, and is no verdict.
        const valid = uploaded.has('agent.py')
        return {
          message: `File ${file.name} uploaded`,
          validationMessage: valid ? null : 'agent.py is missing',
          state: valid ? 'upload_validated' : 'upload_failed'
        }
      },
      deleteFile: unused,
      deployQuota: unused,
      deploy: async () => {
        calls.push('deploy')
        return { message: null, adopted: false }
      },
      status: async () => {
        calls.push('status')
        return status(final)
      },
      games: unused,
      leaderboard: unused,
      deleteAgent: unused,
      downloadLog: unused
    }
    return { fake, calls }
  }

  async function run(fake: ArenaApi) {
    const inputs: Record<string, string> = {
      'api-key': 'mlk_user_tester_secret',
      'base-url': 'http://127.0.0.1:9',
      'competition-id': '42',
      'agent-id': '1234',
      files: 'agent/model.pkl\nagent/agent.py',
      wait: 'false'
    }
    const config = readConfig(name => inputs[name] ?? '', { GITHUB_WORKSPACE: root })
    const outcome = newOutcome(config, 'key')
    const log = {
      ...quiet,
      notice: () => undefined,
      group: async <T>(_title: string, fn: () => Promise<T>): Promise<T> => fn()
    }
    const clock = { now: () => 0, sleep: async () => {} }
    const error = await runPipeline(
      { ...config, agentId: 1234 },
      'agent',
      {
        arena: fake,
        log,
        clock,
        signal: new AbortController().signal,
        tempDir: root,
        previous: null
      },
      outcome,
      new PhaseTracker(outcome, clock)
    ).then(
      () => null,
      (e: unknown) => e
    )
    return { outcome, error }
  }

  it('does not stop at a file that reads upload_failed mid-way, and deploys when the last status allows', async () => {
    const { fake, calls } = arena({ state: 'upload_validated', deployable: true })
    const { outcome, error } = await run(fake)
    expect(error).toBeNull()
    expect(calls.filter(c => c.startsWith('upload')).sort()).toEqual([
      'upload agent.py',
      'upload model.pkl'
    ])
    // The decision comes after every upload, before the deploy.
    const lastUpload = Math.max(...calls.map((c, i) => (c.startsWith('upload') ? i : -1)))
    expect(calls.indexOf('deploy')).toBeGreaterThan(lastUpload)
    expect(calls.slice(lastUpload + 1, calls.indexOf('deploy'))).toContain('status')
    expect(outcome.kind).toBe('submitted')
  })

  it('deploys nothing and reports upload-failed when the status after the last file refuses', async () => {
    const { fake, calls } = arena({
      state: 'upload_failed',
      deployable: false,
      message: 'submission.csv has 3 columns, expected 2'
    })
    const { outcome, error } = await run(fake)
    expect(error).toBeNull()
    expect(calls).not.toContain('deploy')
    expect(outcome.kind).toBe('upload-failed')
    expect(outcome.failure).toEqual({
      phase: 'upload',
      message:
        "ML Arena's validation refused the agent's files (status upload_failed): submission.csv has 3 columns, expected 2; fix the files and push again. Nothing was deployed."
    })
  })
})
