/**
 * One agent per branch: a push or schedule run without `agent-id` updates the token's own agent
 * of that name in the competition, and creates one only when there is none (or when `new-agent`
 * asks for a new one each run). Pull requests keep their own agent (the sticky comment remembers
 * it), so this step is not asked there.
 *
 * Where the agents come from:
 * - current wire: `GET /submissions/mine` (SDK 4.4.0 `my_submissions()`: "Every submission you
 *   have made, across every challenge"; rows carry `id`, `submission_name`, `challenge_id` and
 *   the status block; deleted submissions are not listed);
 * - legacy wire (SDK 0.2.0): there is no such list. The leaderboard marks the caller's rows
 *   (`IsMyAgent`), so an agent that has a row is found there; one that never reached the board
 *   (never deployed, or its deploy failed) cannot be found, and a new agent is created.
 */
import type { LeaderboardRow, MyAgent, Wire } from '../../arena/model.js'
import type { Clock } from '../../clock.js'
import { ActionError, InputError } from '../../errors.js'
import { oneLine, quoteValue } from '../../format.js'
import type { Logger } from '../../logger.js'
import type { ArenaApi } from '../../evaluation/arena-port.js'
import { watchStatus } from '../../evaluation/steps/watch.js'

export interface OwnAgent {
  id: number
  name: string
}

export interface AgentLookup {
  /** The agent to update; null: none of that name, create one. */
  agent: OwnAgent | null
  /** How the agents were listed, for the log and the report. */
  source: 'mine' | 'leaderboard'
}

type Lister = Pick<ArenaApi, 'mine' | 'leaderboard'>

/**
 * Finds the caller's one agent named `name` in competition `competitionId`. Two or more of that
 * name is an input error naming every id: which one to update is the user's choice, not ours.
 */
export async function findOwnAgent(
  arena: Lister,
  competitionId: number,
  name: string,
  wire: Wire | null
): Promise<AgentLookup> {
  const mine = wire === 'legacy' ? null : await arena.mine()
  const source: AgentLookup['source'] = mine === null ? 'leaderboard' : 'mine'
  const candidates =
    mine === null
      ? fromBoard((await arena.leaderboard(competitionId)).rows, name)
      : fromMine(mine, competitionId, name)
  if (candidates.length > 1) {
    const ids = candidates.map(agent => agent.id).sort((a, b) => a - b)
    throw new InputError(
      'agent-name',
      `${quoteValue(name)} names ${ids.length} of your agents in competition ${competitionId} (ids ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}); give agent-id to pick one, delete the others on ML Arena, or choose another agent-name.`
    )
  }
  return { agent: candidates[0] ?? null, source }
}

function fromMine(mine: MyAgent[], competitionId: number, name: string): OwnAgent[] {
  return mine
    .filter(
      agent =>
        agent.competitionId === competitionId && agent.name === name && agent.state !== 'deleted'
    )
    .map(agent => ({ id: agent.id, name: agent.name }))
}

/** The caller's rows of that name, one per agent (a board may list an agent once only). */
function fromBoard(rows: LeaderboardRow[], name: string): OwnAgent[] {
  const byId = new Map<number, OwnAgent>()
  for (const row of rows) {
    if (row.isMine && row.agentId !== null && row.agentName === name)
      byId.set(row.agentId, { id: row.agentId, name: row.agentName })
  }
  return [...byId.values()]
}

/** A deploy in flight: files cannot change until it settles (the server answers 409). */
const DEPLOYING: ReadonlySet<string> = new Set(['deploy_queue', 'deploy_run', 'deploying'])

export interface BranchAgentContext {
  wire: Wire | null
  notes: string[]
  log: Pick<Logger, 'info'>
  clock: Clock
  signal?: AbortSignal
  /** How long an earlier run's deploy may still take before this run gives up. */
  timeoutMs: number
  intervalMs: number
  /** false (a dry run): only find the agent, do not wait for its deploy. */
  waitForDeploy: boolean
}

/**
 * The id of this branch's agent to update, or null to create it; says which in the log, and in
 * the report when the wire could not list every agent. When an earlier run's deploy of that
 * agent is still in flight (two pushes in a row), waits for it to settle first: ML Arena refuses
 * file changes during a deploy.
 */
export async function branchAgent(
  arena: Lister & Pick<ArenaApi, 'status'>,
  competitionId: number,
  name: string,
  context: BranchAgentContext
): Promise<number | null> {
  const { agent, source } = await findOwnAgent(arena, competitionId, name, context.wire)
  const shown = oneLine(name)
  if (!agent) {
    context.log.info(`You have no agent named ${shown} here yet: creating it.`)
    if (source === 'leaderboard') {
      context.notes.push(
        `This server speaks the legacy API, which cannot list your agents: an agent named "${shown}" is found only once it has a leaderboard row, so this run created a new one.`
      )
    }
    return null
  }
  context.log.info(`Updating agent ${agent.id} (${shown}): your agent of that name here.`)
  if (!context.waitForDeploy) return agent.id
  const now = await arena.status(competitionId, agent.id)
  if (now.settled || !DEPLOYING.has(now.state)) return agent.id
  context.log.info(
    `Agent ${agent.id} is still deploying (${now.state}), probably from an earlier run: waiting for it to settle before changing its files.`
  )
  const watched = await watchStatus(() => arena.status(competitionId, agent.id), {
    clock: context.clock,
    timeoutMs: context.timeoutMs,
    intervalMs: context.intervalMs,
    signal: context.signal
  })
  if (watched.end === 'timeout') {
    throw new ActionError(
      `Agent ${agent.id} (${shown}) was still deploying (${watched.status?.state ?? now.state}) after ${Math.round(context.timeoutMs / 60_000)} min, and ML Arena takes no file changes during a deploy; run again once it has settled, or set new-agent: true.`
    )
  }
  return agent.id
}
