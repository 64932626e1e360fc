import { describe, expect, it } from '@jest/globals'
import { ArenaError } from '../../src/arena/errors.js'
import type { AgentStatus, DeployQuota, MyAgent } from '../../src/arena/model.js'
import {
  createWithoutDuplicates,
  deployEvidence,
  deployWithoutDuplicates,
  newestEmptyCandidate,
  type DeployPorts
} from '../../src/arena/no-duplicates.js'

const silent = { debug: () => {}, info: () => {}, warning: () => {} }
const ROUTE = 'PUT /api/x'

function ambiguousFailure(): ArenaError {
  return new ArenaError('ML Arena failed the deploy (502 on PUT /api/x)', {
    kind: 'server',
    route: ROUTE,
    status: 502,
    outcomeUnknown: true
  })
}

function quota(used: number | null, latestId: number | null): DeployQuota {
  return {
    dailyLimit: 5,
    dailyUsed: used,
    dailyRemaining: null,
    nextDeployAt: null,
    canDeploy: true,
    maxActive: null,
    activeCount: null,
    activeRemaining: null,
    latestDeploy:
      latestId === null
        ? null
        : {
            id: latestId,
            status: 'queued',
            createdAt: null,
            finishedAt: null,
            failureMessage: null
          }
  }
}

function status(state: string): AgentStatus {
  return {
    state,
    terminal: false,
    settled: false,
    deployable: null,
    phase: null,
    message: null,
    queuePosition: null,
    queueTotal: null,
    inQueueSeconds: null,
    runs: [],
    metric: null,
    updatedAt: null
  }
}

function agent(id: number, name: string, state = 'created', competitionId = 1): MyAgent {
  return { id, name, competitionId, rank: null, state }
}

describe('deployEvidence', () => {
  it('sees a new latest deploy or more deploys used', () => {
    expect(deployEvidence({ quota: quota(1, 40), status: null }, quota(1, 41), null)).toContain(
      'deploy 41'
    )
    expect(deployEvidence({ quota: quota(1, null), status: null }, quota(2, null), null)).toContain(
      'from 1 to 2'
    )
    expect(deployEvidence({ quota: quota(1, 40), status: null }, quota(1, 40), null)).toBeNull()
  })

  it('sees a deploy in the status when it was not there before', () => {
    expect(
      deployEvidence(
        { quota: null, status: status('upload_validated') },
        null,
        status('deploy_queue')
      )
    ).toContain('deploy_queue')
    expect(deployEvidence({ quota: null, status: null }, null, status('deploying'))).toContain(
      'deploying'
    )
    expect(
      deployEvidence({ quota: null, status: status('upload_validated') }, null, status('active'))
    ).toContain('from upload_validated to active')
    // A redeploy of an active agent: still active says nothing yet.
    expect(
      deployEvidence({ quota: null, status: status('active') }, null, status('active'))
    ).toBeNull()
    expect(
      deployEvidence(
        { quota: null, status: status('upload_validated') },
        null,
        status('upload_validated')
      )
    ).toBeNull()
  })
})

describe('deployWithoutDuplicates', () => {
  function ports(script: {
    deploys: (() => Promise<string | null>)[]
    quotas: DeployQuota[]
    statuses: AgentStatus[]
  }): DeployPorts & { calls: string[]; slept: number[] } {
    const calls: string[] = []
    const slept: number[] = []
    let d = 0
    let q = 0
    let s = 0
    return {
      calls,
      slept,
      deploy: () => {
        calls.push('deploy')
        const next = script.deploys[Math.min(d++, script.deploys.length - 1)] as () => Promise<
          string | null
        >
        return next()
      },
      quota: async () => {
        calls.push('quota')
        return script.quotas[Math.min(q++, script.quotas.length - 1)] as DeployQuota
      },
      status: async () => {
        calls.push('status')
        return script.statuses[Math.min(s++, script.statuses.length - 1)] as AgentStatus
      },
      sleep: async ms => {
        slept.push(ms)
      },
      logger: silent
    }
  }
  const plan = { attempts: 3, rechecks: 2, recheckDelayMs: 4000 }

  it('deploys once and passes the message through', async () => {
    const p = ports({
      deploys: [async () => 'Deployment queued'],
      quotas: [quota(0, 1)],
      statuses: []
    })
    await expect(
      deployWithoutDuplicates(p, { ...plan, quotaBefore: quota(0, 1) })
    ).resolves.toEqual({ message: 'Deployment queued', adopted: false })
    expect(p.calls).toEqual(['deploy'])
  })

  it('adopts a deploy the quota shows after an ambiguous failure', async () => {
    const p = ports({
      deploys: [() => Promise.reject(ambiguousFailure())],
      quotas: [quota(0, 7), quota(1, 8)],
      statuses: []
    })
    const result = await deployWithoutDuplicates(p, plan)
    expect(result.adopted).toBe(true)
    expect(p.calls).toEqual(['quota', 'deploy', 'quota'])
  })

  it('rechecks during the grace period before deploying again', async () => {
    const p = ports({
      deploys: [() => Promise.reject(ambiguousFailure())],
      quotas: [quota(null, null)],
      statuses: [
        status('upload_validated'),
        status('upload_validated'),
        status('upload_validated'),
        status('deploy_queue')
      ]
    })
    const result = await deployWithoutDuplicates(p, plan)
    expect(result.adopted).toBe(true)
    expect(p.calls).toEqual(['quota', 'status', 'deploy', 'status', 'status', 'status'])
    expect(p.slept).toEqual([4000, 4000])
  })

  it('deploys again when nothing shows the first one happened, then gives up with an ambiguous error', async () => {
    const p = ports({
      deploys: [() => Promise.reject(ambiguousFailure())],
      quotas: [quota(0, 3)],
      statuses: [status('upload_validated')]
    })
    let error: unknown
    try {
      await deployWithoutDuplicates(p, plan)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ArenaError)
    expect((error as ArenaError).kind).toBe('ambiguous')
    expect((error as ArenaError).message).toContain('3 attempts')
    expect(p.calls.filter(c => c === 'deploy')).toHaveLength(3)
  })

  it('adopts when a clear refusal follows an ambiguous attempt that did go through late', async () => {
    const refusal = new ArenaError(
      'ML Arena refused the deploy (409 on PUT /api/x): "already deploying"',
      { kind: 'validation', route: ROUTE, status: 409 }
    )
    const p = ports({
      deploys: [() => Promise.reject(ambiguousFailure()), () => Promise.reject(refusal)],
      quotas: [quota(0, 3), quota(0, 3), quota(0, 3), quota(0, 3), quota(1, 4)],
      statuses: [status('upload_validated')]
    })
    await expect(deployWithoutDuplicates(p, { ...plan, rechecks: 2 })).resolves.toMatchObject({
      adopted: true
    })
    expect(p.calls.filter(c => c === 'deploy')).toHaveLength(2)
  })

  it('passes a clear refusal through untouched', async () => {
    const refusal = new ArenaError('quota', { kind: 'quota', route: ROUTE, status: 409 })
    const p = ports({
      deploys: [() => Promise.reject(refusal)],
      quotas: [quota(1, 1)],
      statuses: []
    })
    await expect(deployWithoutDuplicates(p, plan)).rejects.toBe(refusal)
  })
})

describe('createWithoutDuplicates', () => {
  it('picks the newest empty agent of that name in that competition', () => {
    const mine = [
      agent(3, 'x'),
      agent(9, 'x'),
      agent(12, 'x', 'active'),
      agent(15, 'x', 'created', 2),
      agent(20, 'y')
    ]
    expect(newestEmptyCandidate(mine, 1, 'x')?.id).toBe(9)
    expect(newestEmptyCandidate(mine, 1, 'z')).toBeNull()
  })

  it('adopts the agent an ambiguous create made', async () => {
    let creates = 0
    const result = await createWithoutDuplicates(
      {
        create: async () => {
          creates++
          throw ambiguousFailure()
        },
        mine: async () => [agent(9, 'x')],
        listFiles: async () => [],
        logger: silent
      },
      1,
      'x',
      3
    )
    expect(result).toEqual({ id: 9, name: 'x', adopted: true })
    expect(creates).toBe(1)
  })

  it('creates again when the found agent already has files (it is not ours)', async () => {
    let creates = 0
    const result = await createWithoutDuplicates(
      {
        create: async () => {
          if (creates++ === 0) throw ambiguousFailure()
          return { id: 30, name: 'x' }
        },
        mine: async () => [agent(9, 'x')],
        listFiles: async () => [{ name: 'agent.py', size: 1, isBinary: false, language: null }],
        logger: silent
      },
      1,
      'x',
      3
    )
    expect(result).toEqual({ id: 30, name: 'x', adopted: false })
  })

  it('fails with what to check when the wire cannot list agents', async () => {
    const attempt = createWithoutDuplicates(
      {
        create: () => Promise.reject(ambiguousFailure()),
        mine: async () => null,
        listFiles: async () => [],
        logger: silent
      },
      4,
      'pr-12',
      3
    )
    await expect(attempt).rejects.toMatchObject({ kind: 'ambiguous' })
    await expect(attempt).rejects.toThrow(
      'check competition 4 on ML Arena for an agent named "pr-12"'
    )
  })
})
