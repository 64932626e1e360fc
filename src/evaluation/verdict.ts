/**
 * Whether an outcome fails its run, by the fail-on list: the step's failure in the waiting run,
 * the check run's conclusion (or the commit status) in the follow-up. Pure.
 */
import type { RunOutcome } from './outcome.js'
import { rankDropped } from './steps/rank.js'
import { oneLine } from '../format.js'

export interface Verdict {
  /** fail: the step fails; warn: it passes with a warning; ok: nothing to say. */
  level: 'fail' | 'warn' | 'ok'
  message: string | null
}

export const DEFAULT_FAIL_ON: ReadonlySet<string> = new Set([
  'deploy-failed',
  'upload-failed',
  'timeout'
])

export function verdictOf(outcome: RunOutcome, failOn: ReadonlySet<string>): Verdict {
  const failure = outcome.failure ? oneLine(outcome.failure.message, 2000) : null
  switch (outcome.kind) {
    case 'error':
      return { level: 'fail', message: failure ?? 'mlarena-action failed.' }
    case 'cancelled':
      return {
        level: 'fail',
        message: 'The run was cancelled; the report shows the last known state.'
      }
    case 'deploy-failed':
    case 'upload-failed':
    case 'timeout':
      return { level: failOn.has(outcome.kind) ? 'fail' : 'warn', message: outcomeMessage(outcome) }
    default:
      if (outcome.rank && failOn.has('rank-drop') && rankDropped(outcome.rank)) {
        return {
          level: 'fail',
          message: `The agent's rank dropped from ${outcome.rank.previousRank} to ${outcome.rank.row?.rank} (fail-on: rank-drop).`
        }
      }
      if (outcome.course?.passed === false && failOn.has('not-passed')) {
        const course = outcome.course
        const score = course.row?.score
        return {
          level: 'fail',
          message: oneLine(
            `Not passed yet in course ${course.name}: ${score == null ? 'no score on the course board' : `score ${score}`}, pass threshold ${course.passThreshold ?? 'unknown'} (fail-on: not-passed).`,
            500
          )
        }
      }
      return { level: 'ok', message: null }
  }
}

export function outcomeMessage(outcome: RunOutcome): string {
  const status = outcome.status
  if (outcome.kind === 'timeout') {
    const queue =
      status?.queuePosition != null
        ? ` at ${status.queuePosition}${status.queueTotal != null ? `/${status.queueTotal}` : ''}`
        : ''
    return `Timed out: agent ${outcome.agentId} is still ${status?.state ?? 'not evaluated'}${queue} after ${outcome.timeoutMinutes} min.`
  }
  const runError = status?.runs.find(run => run.failed && (run.errorType || run.errorMessage))
  const detail = runError
    ? `: ${[runError.errorType, runError.errorMessage].filter(Boolean).join(': ')}`
    : status?.message
      ? `: ${status.message}`
      : ''
  const what = outcome.kind === 'deploy-failed' ? 'deploy failed' : 'upload failed'
  return oneLine(`ML Arena reports the ${what} for agent ${outcome.agentId}${detail}`, 500)
}
