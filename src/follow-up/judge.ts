/**
 * Reading where each pending agent stands, in as few requests as ML Arena allows, and judging
 * it. The current wire lists all of the caller's agents with their state in one request
 * (`GET /submissions/mine`, SDK 4.4.0 `my_submissions`): only agents whose state there could
 * have ended (terminal, before-deploy, past the bound) get a full status read. The legacy wire
 * has no such list: one status read per agent. A read that fails for ML Arena's own reasons
 * ends the run before anything is written (every pending mark stays as it was); not found or
 * not ours means the agent was deleted.
 */
import { TERMINAL_STATES, type AgentStatus, type MyAgent } from '../arena/model.js'
import { ArenaError } from '../arena/errors.js'
import { asWatched, watchEnd, type WatchResult } from '../evaluation/steps/watch.js'
import type { PendingAgent } from './discover.js'

export interface StatusReader {
  mine(): Promise<MyAgent[] | null>
  status(competitionId: number, agentId: number): Promise<AgentStatus>
}

/** What one agent's reading says: still running, or finished as a watch would have ended. */
export type Reading =
  | { agent: PendingAgent; kind: 'running'; status: AgentStatus | null }
  | { agent: PendingAgent; kind: 'finished'; watched: WatchResult }
  | { agent: PendingAgent; kind: 'deleted' }

export interface JudgeOptions {
  now: number
  /** How long after its submission an agent is followed. */
  boundMs: number
  /** How long created/upload_validated may last after the deploy (the watch's grace). */
  graceMs: number
}

const BEFORE_DEPLOY: ReadonlySet<string> = new Set(['created', 'upload_validated'])

/** Reads and judges every pending agent; throws (an ArenaError) when ML Arena cannot answer. */
export async function readAgents(
  arena: StatusReader,
  agents: PendingAgent[],
  options: JudgeOptions
): Promise<Reading[]> {
  if (agents.length === 0) return []
  const listed = await arena.mine().catch(error => {
    // A server that lists nothing (legacy, or the route refused) is read agent by agent.
    if (error instanceof ArenaError && (error.kind === 'not-found' || error.kind === 'scope'))
      return null
    throw error
  })
  const byId = listed ? new Map(listed.map(agent => [agent.id, agent])) : null
  const readings: Reading[] = []
  for (const agent of agents) {
    const { competitionId, agentId, submittedAt } = agent.snapshot
    const elapsed = options.now - submittedAt
    const pastBound = elapsed >= options.boundMs
    const summary = byId?.get(agentId)
    if (summary && !pastBound && !mayHaveEnded(summary.state)) {
      readings.push({ agent, kind: 'running', status: null })
      continue
    }
    const status = await arena.status(competitionId, agentId).catch(error => {
      if (error instanceof ArenaError && (error.kind === 'not-found' || error.kind === 'scope'))
        return null
      throw error
    })
    readings.push(judge(agent, status, elapsed, options))
  }
  return readings
}

/** Pure: one status read (null: the agent is gone) judged as the waiting run's watch would. */
export function judge(
  agent: PendingAgent,
  status: AgentStatus | null,
  elapsedMs: number,
  options: Pick<JudgeOptions, 'boundMs' | 'graceMs'>
): Reading {
  if (status === null || status.state === 'deleted') return { agent, kind: 'deleted' }
  const seen = asWatched(status)
  const end = watchEnd(seen, elapsedMs, options.graceMs)
  if (end) return { agent, kind: 'finished', watched: { end, status: seen, polls: 1 } }
  if (elapsedMs >= options.boundMs) {
    return { agent, kind: 'finished', watched: { end: 'timeout', status: seen, polls: 1 } }
  }
  return { agent, kind: 'running', status: seen }
}

function mayHaveEnded(state: string): boolean {
  return TERMINAL_STATES.has(state) || BEFORE_DEPLOY.has(state)
}
