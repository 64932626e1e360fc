/** One agent per branch: finding the token's own agent of a name (src/submit/steps/agent.ts). */
import { describe, expect, it } from '@jest/globals'
import type { AgentStatus, Leaderboard, MyAgent } from '../../src/arena/model.js'
import type { Clock } from '../../src/clock.js'
import { ActionError } from '../../src/errors.js'
import { branchAgent, findOwnAgent, type BranchAgentContext } from '../../src/submit/steps/agent.js'
import { asyncInputErrorOf } from '../support/input-errors.ts'
import { board, row, status } from '../support/outcomes.ts'

const NAME = 'octo/agent-repo@main'

function mineOf(agents: Partial<MyAgent>[]): MyAgent[] {
  return agents.map((agent, index) => ({
    id: 100 + index,
    name: NAME,
    competitionId: 1,
    rank: null,
    state: 'active',
    ...agent
  }))
}

function lister(
  mine: MyAgent[] | null,
  leaderboard: Leaderboard = board([]),
  statuses: AgentStatus[] = [status()]
) {
  const calls: string[] = []
  return {
    calls,
    arena: {
      status: async () => {
        calls.push('status')
        return statuses.length > 1
          ? (statuses.shift() as AgentStatus)
          : (statuses[0] as AgentStatus)
      },
      mine: async () => {
        calls.push('mine')
        return mine
      },
      leaderboard: async () => {
        calls.push('leaderboard')
        return leaderboard
      }
    }
  }
}

describe('findOwnAgent on the current wire (my_submissions)', () => {
  it('finds the one agent of that name in that competition', async () => {
    const { arena, calls } = lister(
      mineOf([
        { id: 7, name: 'other' },
        { id: 8, competitionId: 2 },
        { id: 9 },
        { id: 10, name: 'octo/agent-repo@main2' }
      ])
    )
    expect(await findOwnAgent(arena, 1, NAME, 'current')).toEqual({
      agent: { id: 9, name: NAME },
      source: 'mine'
    })
    expect(calls).toEqual(['mine'])
  })

  it('finds none when there is none (or only a deleted one): create it', async () => {
    const { arena } = lister(mineOf([{ name: 'Other' }, { state: 'deleted' }]))
    expect((await findOwnAgent(arena, 1, NAME, 'current')).agent).toBeNull()
  })

  it('refuses two agents of that name, naming both ids', async () => {
    const { arena } = lister(mineOf([{ id: 31 }, { id: 12 }]))
    const error = await asyncInputErrorOf(() => findOwnAgent(arena, 1, NAME, 'current'))
    expect(error.input).toBe('agent-name')
    expect(error.message).toContain('ids 12 and 31')
    expect(error.message).toContain('give agent-id to pick one')
  })
})

describe('findOwnAgent on the legacy wire (no list: the board marks my rows)', () => {
  it('finds the caller’s row of that name, and ignores other users’ rows of it', async () => {
    const rows = [
      row(1, { agentId: 5, agentName: NAME, isMine: false }),
      row(2, { agentId: 6, agentName: NAME, isMine: true }),
      row(3, { agentId: 7, agentName: 'else', isMine: true })
    ]
    const { arena, calls } = lister(null, board(rows))
    expect(await findOwnAgent(arena, 1, NAME, 'legacy')).toEqual({
      agent: { id: 6, name: NAME },
      source: 'leaderboard'
    })
    expect(calls).toEqual(['leaderboard'])
  })

  it('refuses two of the caller’s rows of that name', async () => {
    const rows = [
      row(1, { agentId: 5, agentName: NAME, isMine: true }),
      row(2, { agentId: 6, agentName: NAME, isMine: true })
    ]
    const { arena } = lister(null, board(rows))
    const error = await asyncInputErrorOf(() => findOwnAgent(arena, 1, NAME, 'legacy'))
    expect(error.message).toContain('ids 5 and 6')
  })
})

/** A clock that moves only when something sleeps. */
function fakeClock(): Clock {
  let now = 0
  return {
    now: () => now,
    sleep: async ms => {
      now += ms
    }
  }
}

function context(overrides: Partial<BranchAgentContext> = {}) {
  const lines: string[] = []
  const notes: string[] = []
  const ctx: BranchAgentContext = {
    wire: 'current',
    notes,
    log: { info: line => lines.push(line) },
    clock: fakeClock(),
    timeoutMs: 60_000,
    intervalMs: 1000,
    waitForDeploy: true,
    ...overrides
  }
  return { ctx, lines, notes }
}

const deploying = status({ state: 'deploy_run', terminal: false, settled: false })

describe('branchAgent', () => {
  it('returns the agent to update and says so', async () => {
    const { ctx, lines, notes } = context()
    const { arena } = lister(mineOf([{ id: 44 }]))
    expect(await branchAgent(arena, 1, NAME, ctx)).toBe(44)
    expect(lines.join('\n')).toContain('Updating agent 44')
    expect(notes).toEqual([])
  })

  it('returns null to create, with a note when the legacy wire could not list the agents', async () => {
    const { ctx, notes } = context({ wire: 'legacy' })
    const { arena } = lister(null)
    expect(await branchAgent(arena, 1, NAME, ctx)).toBeNull()
    expect(notes.join('\n')).toContain('cannot list your agents')
  })

  it('waits for an earlier run’s deploy of the agent to settle before updating it', async () => {
    const { ctx, lines } = context()
    const { arena, calls } = lister(mineOf([{ id: 44 }]), board([]), [
      deploying,
      deploying,
      status()
    ])
    expect(await branchAgent(arena, 1, NAME, ctx)).toBe(44)
    expect(calls.filter(call => call === 'status').length).toBe(3)
    expect(lines.join('\n')).toContain('still deploying (deploy_run)')
  })

  it('gives up with a clear error when that deploy outlasts the timeout', async () => {
    const { ctx } = context({ timeoutMs: 5000 })
    const { arena } = lister(mineOf([{ id: 44 }]), board([]), [deploying])
    const error = await branchAgent(arena, 1, NAME, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ActionError)
    expect(String(error.message)).toContain('was still deploying (deploy_run)')
  })

  it('does not wait on a dry run', async () => {
    const { ctx } = context({ waitForDeploy: false })
    const { arena, calls } = lister(mineOf([{ id: 44 }]), board([]), [deploying])
    expect(await branchAgent(arena, 1, NAME, ctx)).toBe(44)
    expect(calls).toEqual(['mine'])
  })
})
