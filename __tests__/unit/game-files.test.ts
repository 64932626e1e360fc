/**
 * The logs step on the 4.4 shapes: each of the latest games' own stdout to one file per game,
 * and the `replays` input's replays under <logs-dir>/replays/ named as the SDK names them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseGames } from '../../src/arena/wire.js'
import { saveGameFiles } from '../../src/evaluation/steps/logs.js'

const ctx = { what: 'the test request', route: 'GET /api/test' }
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'game-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function games44() {
  const data: unknown = JSON.parse(
    readFileSync(
      new URL('../arena/fixtures/sdk-4.4/submission-games.json', import.meta.url),
      'utf8'
    )
  )
  return parseGames('current', data, ctx, 7).games
}

function fakeArena() {
  const replays: string[] = []
  const logs: string[] = []
  return {
    replays,
    logs,
    arena: {
      downloadLog: async (url: string, file: string) => {
        logs.push(url)
        await writeFile(file, `log behind ${url}\n`)
        return { bytes: 10, truncated: false }
      },
      downloadReplay: async (url: string, file: string) => {
        replays.push(url)
        if (url.includes('fail')) throw new Error('403 on https://replays.example/x?[masked]')
        await writeFile(file, Buffer.from([0x93, 0x01]))
        return { bytes: 2, truncated: false }
      }
    }
  }
}

const quiet = (warnings: string[]) => ({
  info: () => undefined,
  warning: (m: string) => void warnings.push(m)
})

describe('saveGameFiles', () => {
  it("writes each game's own stdout to one file per game, fetching nothing", async () => {
    const { arena, logs: fetched } = fakeArena()
    const warnings: string[] = []
    const saved = await saveGameFiles(arena, games44(), dir, {
      logs: 4,
      replays: 0,
      maxBytes: 1024,
      maxReplayBytes: 1024,
      log: quiet(warnings)
    })
    // Game 6001 (a lost job) has no stdout: three logs out of the latest four games.
    expect(saved.logs.map(l => [l.gameId, path.basename(l.file), l.source])).toEqual([
      [6004, 'game-6004.log', 'stdout'],
      [6003, 'game-6003.log', 'stdout'],
      [6002, 'game-6002.log', 'stdout']
    ])
    expect(await readFile(path.join(dir, 'game-6004.log'), 'utf8')).toBe(
      'game 6004: reset\nstep 500: landed\n'
    )
    expect(saved.logs[0]?.tail).toBe('game 6004: reset\nstep 500: landed')
    expect(fetched).toEqual([])
    expect(saved.replays).toEqual([])
    expect(warnings).toEqual([])
  })

  it('cuts a long stdout at the size cap on a whole character', async () => {
    const { arena } = fakeArena()
    const [first] = games44()
    const game = { ...first!, stdout: 'é'.repeat(100) }
    const saved = await saveGameFiles(arena, [game], dir, {
      logs: 1,
      replays: 0,
      maxBytes: 11,
      maxReplayBytes: 1,
      log: quiet([])
    })
    expect(saved.logs[0]).toMatchObject({ bytes: 10, truncated: true })
    expect(await readFile(path.join(dir, 'game-6004.log'), 'utf8')).toBe('é'.repeat(5))
  })

  it('still reads a 3.0–4.3 or legacy log behind its signed URL', async () => {
    const { arena, logs: fetched } = fakeArena()
    const game = {
      id: 4001,
      score: 1,
      steps: 2,
      outcome: null,
      logUrl: 'https://logs.example/4001.log?signature=s',
      createdAt: null
    }
    const saved = await saveGameFiles(arena, [game], dir, {
      logs: 1,
      replays: 0,
      maxBytes: 1024,
      maxReplayBytes: 1024,
      log: quiet([])
    })
    expect(fetched).toEqual(['https://logs.example/4001.log?signature=s'])
    expect(saved.logs[0]).toMatchObject({ gameId: 4001, source: 'signed-url' })
  })

  it('saves the replays asked for under replays/, named <simulation_result_id><suffix>', async () => {
    const { arena, replays: fetched } = fakeArena()
    const warnings: string[] = []
    const saved = await saveGameFiles(arena, games44(), dir, {
      logs: 0,
      replays: 5,
      maxBytes: 1024,
      maxReplayBytes: 10 * 1024 * 1024,
      log: quiet(warnings)
    })
    expect(saved.logs).toEqual([])
    expect(saved.replays.map(r => [r.gameId, r.format, path.relative(dir, r.file)])).toEqual([
      [6004, 'frames_v2', path.join('replays', '6004.frames.mp')],
      [6003, 'video_mp4', path.join('replays', '6003.mp4')],
      [6002, 'image_png', path.join('replays', '6002.png')],
      [6000, 'frames_v1', path.join('replays', '6000.experiment.mp')]
    ])
    expect((await readdir(path.join(dir, 'replays'))).sort()).toEqual([
      '6000.experiment.mp',
      '6002.png',
      '6003.mp4',
      '6004.frames.mp'
    ])
    expect(fetched).toHaveLength(4)
    expect(warnings).toEqual([])
  })

  it('saves only the latest N, and skips (with a warning) what it cannot save', async () => {
    const { arena, replays: fetched } = fakeArena()
    const warnings: string[] = []
    const [a, b, c] = games44()
    const games = [
      { ...a!, replay: { ...a!.replay!, format: 'webm_v9' } },
      // 1 MiB video over a 4 KiB cap: not fetched at all.
      b!,
      { ...c!, replay: { ...c!.replay!, url: 'https://replays.example/fail.png?sig=x' } }
    ]
    const saved = await saveGameFiles(arena, games, dir, {
      logs: 0,
      replays: 3,
      maxBytes: 1024,
      maxReplayBytes: 4096,
      log: quiet(warnings)
    })
    expect(saved.replays).toEqual([])
    expect(fetched).toEqual(['https://replays.example/fail.png?sig=x'])
    expect(warnings).toEqual([
      'Game 6004: its replay\'s format ("webm_v9") is not one the SDK names; not saved.',
      'Game 6003: its replay is 1.0 MiB, over the 4.0 KiB the action saves; not saved.',
      'Could not save the replay of game 6002: 403 on https://replays.example/x?[masked]'
    ])
    const one = await saveGameFiles(fakeArena().arena, games44(), path.join(dir, 'b'), {
      logs: 0,
      replays: 1,
      maxBytes: 1024,
      maxReplayBytes: 1 << 30,
      log: quiet([])
    })
    expect(one.replays.map(r => r.gameId)).toEqual([6004])
  })
})
