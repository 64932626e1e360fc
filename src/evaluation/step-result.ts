/**
 * Which fail-on rule fails the step, decided once from the outcome: the report's heading follows
 * it (a ✅ over a failed step misleads). verdict.ts says the same for the step's result.
 */
import type { RunOutcome } from './outcome.js'
import { rankDropped } from './steps/rank.js'

/**
 * The fail-on outcome that fails the step, or null when the step passes; errors and
 * cancellations always fail it (they are not fail-on outcomes). Pure, so the report's heading
 * can follow the step's result before decide() sets it.
 */
export function failingRule(
  outcome: RunOutcome,
  config: { failOn: ReadonlySet<string> } | null
): string | null {
  const failOn = config?.failOn ?? new Set(['deploy-failed', 'upload-failed', 'timeout'])
  switch (outcome.kind) {
    case 'deploy-failed':
    case 'upload-failed':
    case 'timeout':
      return failOn.has(outcome.kind) ? outcome.kind : null
    case 'error':
    case 'cancelled':
      return outcome.kind
    default:
      if (outcome.rank && failOn.has('rank-drop') && rankDropped(outcome.rank)) return 'rank-drop'
      if (outcome.course?.passed === false && failOn.has('not-passed')) return 'not-passed'
      return null
  }
}
