import type { AgentStatus } from '../../arena/model.js'
import { oneLine } from '../../format.js'
import { runsFailed, runsFinished } from './watch.js'

/** One log line for a status: state, queue place, run progress, the first run error. */
export function describeStatus(status: AgentStatus): string {
  const parts = [status.state]
  if (status.queuePosition !== null) {
    parts.push(
      `queue ${status.queuePosition}${status.queueTotal !== null ? `/${status.queueTotal}` : ''}`
    )
  }
  if (status.runs.length > 0) {
    const failed = runsFailed(status)
    parts.push(
      `runs ${runsFinished(status)}/${status.runs.length} done${failed ? `, ${failed} failed` : ''}`
    )
  }
  const error = status.runs.find(run => run.failed && (run.errorType || run.errorMessage))
  if (error)
    parts.push(`run error: ${[error.errorType, error.errorMessage].filter(Boolean).join(': ')}`)
  else if (status.message) parts.push(status.message)
  return oneLine(parts.join(' · '), 300)
}
