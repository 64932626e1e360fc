/** The Logger of a real run: the Actions log, through @actions/core (groups fold in the UI). */
import * as core from '@actions/core'
import type { Logger } from '../logger.js'

export const actionsLog: Logger & { debug(message: string): void } = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message),
  notice: message => core.notice(message),
  group: (title, fn) => core.group(title, fn)
}
