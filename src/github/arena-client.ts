/**
 * The ML Arena client as an action's run uses it: its debug lines and warnings go to the
 * Actions log, and the token and every signed URL's signature are masked as soon as seen.
 */
import { ArenaClient, type ArenaClientOptions } from '../arena/client.js'
import { CLIENT_VERSION } from '../arena/version.js'
import type { Logger } from '../logger.js'

/** What the run gives the client: where its lines go, and how a secret is masked. */
export interface ClientRunner {
  log: Pick<Logger, 'info' | 'warning'>
  debug(message: string): void
  setSecret(secret: string): void
}

export function arenaClientForRun(
  settings: Pick<ArenaClientOptions, 'baseUrl' | 'token' | 'wire'>,
  runner: ClientRunner,
  /** The product part of the User-Agent, e.g. mlarena-action-course. */
  product = 'mlarena-action'
): ArenaClient {
  return new ArenaClient({
    ...settings,
    userAgent: `${product}/${CLIENT_VERSION}`,
    logger: {
      debug: message => runner.debug(message),
      info: message => runner.log.info(message),
      warning: message => runner.log.warning(message)
    },
    onSecret: secret => runner.setSecret(secret)
  })
}
