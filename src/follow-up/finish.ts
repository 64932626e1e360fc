/**
 * One settled agent's report, as the waiting run would have written it: the outcome rebuilt
 * from the snapshot the submission left, then the same finish step (kind, logs, rank), the
 * same renderers, and the same fail-on verdict.
 */
import type { ArenaApi } from '../evaluation/arena-port.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { RunOutcome } from '../evaluation/outcome.js'
import { competitionPageUrl, newOutcome, PhaseTracker } from '../evaluation/phases.js'
import { finishEvaluation, recordEnd } from '../evaluation/finish.js'
import { verdictOf, type Verdict } from '../evaluation/verdict.js'
import {
  failureTexts,
  tracebackAnnotations,
  type CodeAnnotation
} from '../evaluation/annotations.js'
import type { WatchResult } from '../evaluation/steps/watch.js'
import type { PendingAgent } from './discover.js'

export interface FinishedAgent {
  agent: PendingAgent
  outcome: RunOutcome
  verdict: Verdict
  annotations: CodeAnnotation[]
}

export interface FinishDeps {
  arena: Pick<
    ArenaApi,
    'games' | 'downloadLog' | 'downloadReplay' | 'leaderboard' | 'getCompetition' | 'wire'
  >
  log: Logger
  clock: Clock
  tempDir: string
  baseUrl: string
  timeoutMinutes: number
}

export async function finishAgent(
  agent: PendingAgent,
  watched: WatchResult | 'deleted',
  deps: FinishDeps
): Promise<FinishedAgent> {
  const { snapshot } = agent
  const outcome = newOutcome(
    { competitionId: snapshot.competitionId, timeoutMinutes: deps.timeoutMinutes },
    snapshot.outcome.commentKey
  )
  Object.assign(outcome, snapshot.outcome, { notes: [...snapshot.outcome.notes] })
  const tracker = new PhaseTracker(outcome, deps.clock)
  if (agent.partial) await fillFromArena(outcome, deps)
  if (watched === 'deleted') {
    recordEnd({ end: 'terminal', status: null, polls: 1 }, outcome)
    outcome.failure = {
      phase: 'watch',
      message: `Agent ${snapshot.agentId} is no longer on ML Arena: it was deleted before its evaluation was reported.`
    }
  } else {
    await finishEvaluation(watched, outcome, {
      arena: deps.arena,
      log: deps.log,
      tracker,
      logs: snapshot.logs,
      replays: snapshot.replays ?? 0,
      logsDir: null,
      tempDir: deps.tempDir,
      previous:
        agent.comment?.previous.rank != null
          ? agent.comment.previous
          : (snapshot.previous ?? agent.comment?.previous ?? null)
    })
  }
  const verdict = verdictOf(outcome, new Set(snapshot.failOn))
  const annotations =
    outcome.kind === 'success'
      ? []
      : tracebackAnnotations(failureTexts(outcome), outcome.files, snapshot.workingDirectory)
  return { agent, outcome, verdict, annotations }
}

/** A commit status carries only ids: the competition's name and page come from ML Arena. */
async function fillFromArena(outcome: RunOutcome, deps: FinishDeps): Promise<void> {
  const cid = outcome.competitionId as number
  outcome.wire = await deps.arena.wire()
  outcome.competition = await deps.arena.getCompetition(cid).catch(() => null)
  outcome.competitionUrl = competitionPageUrl(deps.baseUrl, outcome.wire, cid)
}
