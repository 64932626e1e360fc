/**
 * The teacher action's side of the runner, on the Actions toolkit (@actions/core): inputs,
 * outputs, secret masking, the log, the job summary and the step's failure. The one module of
 * this action that talks to GitHub; main.ts gets it as a parameter, so tests can pass another.
 */
import * as core from '@actions/core'
import type { Logger } from '../logger.js'
import { actionsLog } from '../github/actions-log.js'
import type { Annotate } from '../github/annotations.js'

export interface RunnerSide {
  getInput(name: string): string
  setOutput(name: string, value: string): void
  setSecret(secret: string): void
  log: Logger
  debug(message: string): void
  /** Appends to the job summary; false when the runner gives no summary file. */
  writeSummary(markdown: string): Promise<boolean>
  setFailed(message: string): void
  /** An error, warning or notice annotation on a file's line. */
  annotate: Annotate
  env: NodeJS.ProcessEnv
}

export const actionsRunner: RunnerSide = {
  getInput: name => core.getInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: secret => core.setSecret(secret),
  log: actionsLog,
  debug: message => core.debug(message),
  writeSummary: async markdown => {
    if (!process.env.GITHUB_STEP_SUMMARY) return false
    await core.summary.addRaw(markdown, true).write({ overwrite: false })
    return true
  },
  setFailed: message => core.setFailed(message),
  annotate: (severity, message, properties) => {
    if (severity === 'error') core.error(message, properties)
    else if (severity === 'warning') core.warning(message, properties)
    else core.notice(message, properties)
  },
  env: process.env
}
