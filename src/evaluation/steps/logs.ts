import { open, mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Game } from '../../arena/model.js'
import type { GameLog } from '../outcome.js'
import type { ArenaApi } from '../arena-port.js'
import type { Logger } from '../../logger.js'

export interface LogOptions {
  maxBytes: number
  log: Pick<Logger, 'info' | 'warning'>
  /** Lines of each log kept for the report. */
  tailLines?: number
  /** Bytes read from the end of each log to find those lines. */
  tailBytes?: number
  parallel?: number
}

/**
 * Downloads the games' logs through their signed URLs, a few at a time, to `dir`. A log that
 * cannot be fetched (expired URL, storage down) is a warning, not a failed run: the agent was
 * evaluated either way.
 */
export async function downloadLogs(
  arena: Pick<ArenaApi, 'downloadLog'>,
  games: Game[],
  dir: string,
  options: LogOptions
): Promise<GameLog[]> {
  const withLogs = games.filter(game => game.logUrl !== null)
  if (withLogs.length === 0) return []
  await mkdir(dir, { recursive: true })
  const results: (GameLog | null)[] = new Array(withLogs.length).fill(null)
  let next = 0

  async function worker(): Promise<void> {
    for (;;) {
      const index = next++
      const game = withLogs[index]
      if (!game) return
      const name = `game-${game.id ?? index + 1}.log`
      const file = path.join(dir, name)
      try {
        const { bytes, truncated } = await arena.downloadLog(game.logUrl as string, file, {
          maxBytes: options.maxBytes
        })
        const tail = await readTail(file, options.tailLines ?? 20, options.tailBytes ?? 8192)
        results[index] = { gameId: game.id, file, bytes, tail, truncated }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        options.log.warning(`Could not download the log of game ${game.id ?? index + 1}: ${reason}`)
      }
    }
  }

  await Promise.all(
    Array.from({ length: Math.min(options.parallel ?? 4, withLogs.length) }, () => worker())
  )
  const logs = results.filter((entry): entry is GameLog => entry !== null)
  if (logs.length > 0) options.log.info(`Wrote ${logs.length} game log(s) to ${dir}`)
  return logs
}

/** The last `lines` lines of a file, reading at most `maxBytes` from its end. */
export async function readTail(file: string, lines: number, maxBytes: number): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const length = Math.min(size, maxBytes)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    let text = buffer.toString('utf8')
    if (length < size) text = text.slice(text.indexOf('\n') + 1) // drop a partial first line
    const all = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')
    return all.slice(-lines).join('\n')
  } finally {
    await handle.close()
  }
}
