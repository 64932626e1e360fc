/**
 * A create that failed without a clear answer (ArenaError.outcomeUnknown: a 5xx, a reset or a
 * timeout after the request was sent) may have been carried out. Before it is sent again, the
 * server's state is read: what the create made is adopted, and only when state shows it is not
 * there is it sent again (once). The same rule as src/arena/no-duplicates.ts for agents.
 */
import { ArenaError } from '../../arena/errors.js'
import type { Logger } from '../../logger.js'

export async function createOnce<T>(
  what: string,
  send: () => Promise<T>,
  find: () => Promise<T | null>,
  log: Pick<Logger, 'info' | 'warning'>,
  attempts = 2
): Promise<{ value: T; adopted: boolean }> {
  for (let attempt = 1; ; attempt++) {
    let failure: ArenaError
    try {
      return { value: await send(), adopted: false }
    } catch (error) {
      if (!(error instanceof ArenaError) || !error.outcomeUnknown) throw error
      failure = error
    }
    log.warning(`${failure.message}; checking whether ${what} was made before trying again.`)
    let found: T | null
    try {
      found = await find()
    } catch (error) {
      throw new ArenaError(
        `${what} failed without a clear answer (${failure.message}) and reading ML Arena's state failed too (${error instanceof Error ? error.message : String(error)}): check the course on ML Arena, then run again (the next plan shows what is there)`,
        { kind: 'ambiguous', route: failure.route }
      )
    }
    if (found !== null) {
      log.info(`ML Arena made ${what} despite the failed answer: using it.`)
      return { value: found, adopted: true }
    }
    if (attempt >= attempts) {
      throw new ArenaError(
        `${what} kept failing without a clear answer (${failure.message}; ${attempt} attempts), and ML Arena shows nothing was made: run again later`,
        { kind: 'ambiguous', route: failure.route }
      )
    }
    log.info(`ML Arena shows ${what} was not made: sending it again.`)
  }
}

/**
 * A removal (delete, detach, unlink) that failed without a clear answer, or answered 404 (a
 * retry after the first attempt did it): state is read, and when the thing is gone the removal
 * is done. Otherwise the first error stands.
 */
export async function removeOnce(
  what: string,
  send: () => Promise<void>,
  stillThere: () => Promise<boolean>,
  log: Pick<Logger, 'info' | 'warning'>
): Promise<{ adopted: boolean }> {
  try {
    await send()
    return { adopted: false }
  } catch (error) {
    if (!(error instanceof ArenaError) || !(error.outcomeUnknown || error.status === 404))
      throw error
    if (await stillThere()) throw error
    log.info(`ML Arena shows ${what} is done despite the failed answer (${error.message}).`)
    return { adopted: true }
  }
}
