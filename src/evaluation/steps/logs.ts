import { open, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Game } from '../../arena/model.js'
import { replaySuffix } from '../../arena/wire.js'
import type { GameLog, SavedReplay } from '../outcome.js'
import type { ArenaApi } from '../arena-port.js'
import type { Logger } from '../../logger.js'
import { formatBytes } from '../../format.js'

export interface LogOptions {
  maxBytes: number
  log: Pick<Logger, 'info' | 'warning'>
  /** Lines of each log kept for the report. */
  tailLines?: number
  /** Bytes read from the end of each log to find those lines. */
  tailBytes?: number
  parallel?: number
}

export interface GameFilesOptions extends LogOptions {
  /** How many of the games (newest first) get their log written. */
  logs: number
  /** How many of the games (newest first) get their replay saved under `<dir>/replays/`. */
  replays: number
  /** A replay larger than this (as the server announces it, or as it streams) is not saved. */
  maxReplayBytes: number
}

export interface GameFiles {
  logs: GameLog[]
  replays: SavedReplay[]
}

/**
 * Writes what the latest games left for this agent to `dir`: each game's log (`logs` games)
 * and its replay (`replays` games, under `replays/`). A file that cannot be had (an expired
 * URL, the storage down, a format the SDK does not name) is a warning, not a failed run: the
 * agent was evaluated either way. `games` are newest first.
 */
export async function saveGameFiles(
  arena: Pick<ArenaApi, 'downloadLog' | 'downloadReplay'>,
  games: Game[],
  dir: string,
  options: GameFilesOptions
): Promise<GameFiles> {
  const logs =
    options.logs > 0 ? await downloadLogs(arena, games.slice(0, options.logs), dir, options) : []
  const replays =
    options.replays > 0
      ? await downloadReplays(
          arena,
          games.slice(0, options.replays),
          path.join(dir, 'replays'),
          options
        )
      : []
  return { logs, replays }
}

/**
 * Each game's log, one file per game (`game-<id>.log`): on a 4.4 server the agent's own stdout
 * (`agent_stdout_logs` on its own `submission_results` row) as served; on the legacy wire and
 * 3.0–4.3 servers the file behind the game's signed URL, streamed up to `maxBytes`. A few
 * downloads at a time.
 */
export async function downloadLogs(
  arena: Pick<ArenaApi, 'downloadLog'>,
  games: Game[],
  dir: string,
  options: LogOptions
): Promise<GameLog[]> {
  const withLogs = games.filter(game => (game.stdout ?? null) !== null || game.logUrl !== null)
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
        const stdout = game.stdout ?? null
        let written: { bytes: number; truncated: boolean }
        if (stdout !== null) {
          written = await writeCapped(file, stdout, options.maxBytes)
        } else {
          written = await arena.downloadLog(game.logUrl as string, file, {
            maxBytes: options.maxBytes
          })
        }
        const tail = await readTail(file, options.tailLines ?? 20, options.tailBytes ?? 8192)
        results[index] = {
          gameId: game.id,
          file,
          bytes: written.bytes,
          tail,
          truncated: written.truncated,
          source: stdout !== null ? 'stdout' : 'signed-url'
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        options.log.warning(`Could not save the log of game ${game.id ?? index + 1}: ${reason}`)
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

/** Text served inline, written as UTF-8 up to `maxBytes` (cut at a character boundary). */
async function writeCapped(
  file: string,
  text: string,
  maxBytes: number
): Promise<{ bytes: number; truncated: boolean }> {
  let buffer = Buffer.from(text, 'utf8')
  let truncated = false
  if (buffer.length > maxBytes) {
    truncated = true
    let end = maxBytes
    // Step back over UTF-8 continuation bytes so the file ends on a whole character.
    while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--
    buffer = buffer.subarray(0, end)
  }
  await writeFile(file, buffer)
  return { bytes: buffer.length, truncated }
}

/**
 * Each game's replay as the SDK's `download_replay` saves it: `<simulation_result_id><suffix>`,
 * the suffix from `render_format`, fetched with no token and streamed to disk (constant
 * memory). One at a time: replays can be large, and the runner's disk and link are shared.
 */
export async function downloadReplays(
  arena: Pick<ArenaApi, 'downloadReplay'>,
  games: Game[],
  dir: string,
  options: Pick<GameFilesOptions, 'log' | 'maxReplayBytes'>
): Promise<SavedReplay[]> {
  const saved: SavedReplay[] = []
  const wanted = games.filter(game => game.replay)
  if (wanted.length === 0) {
    options.log.info('None of the latest games has a replay to save.')
    return saved
  }
  await mkdir(dir, { recursive: true })
  for (const game of wanted) {
    const replay = game.replay
    if (!replay || game.id === null) continue
    const suffix = replaySuffix(replay.format)
    if (suffix === null) {
      options.log.warning(
        `Game ${game.id}: its replay's format (${JSON.stringify(replay.format.slice(0, 40))}) is not one the SDK names; not saved.`
      )
      continue
    }
    if (replay.sizeBytes !== null && replay.sizeBytes > options.maxReplayBytes) {
      options.log.warning(
        `Game ${game.id}: its replay is ${formatBytes(replay.sizeBytes)}, over the ${formatBytes(options.maxReplayBytes)} the action saves; not saved.`
      )
      continue
    }
    const file = path.join(dir, `${game.id}${suffix}`)
    try {
      const { bytes, truncated } = await arena.downloadReplay(replay.url, file, {
        maxBytes: options.maxReplayBytes
      })
      if (truncated) {
        options.log.warning(
          `Game ${game.id}: its replay grew past ${formatBytes(options.maxReplayBytes)} while downloading; the file is cut there.`
        )
      }
      saved.push({ gameId: game.id, file, format: replay.format, bytes })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      options.log.warning(`Could not save the replay of game ${game.id}: ${reason}`)
    }
  }
  if (saved.length > 0) options.log.info(`Saved ${saved.length} replay(s) to ${dir}`)
  return saved
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
