import { describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Game } from '../../src/arena/model.js'
import { latestGames } from '../../src/submit/pipeline.js'
import { downloadLogs, readTail } from '../../src/evaluation/steps/logs.js'
import { uploadAll } from '../../src/submit/steps/upload.js'

function game(
  id: number,
  createdAt: string | null,
  logUrl: string | null = `https://s/${id}`
): Game {
  return { id, score: id, steps: 1, outcome: null, logUrl, createdAt }
}

const quiet = { info: () => undefined, warning: () => undefined }

describe('latestGames', () => {
  it('orders newest first by date, undated ones after in reverse server order', () => {
    const games = [
      game(1, '2026-01-01T00:00:00Z'),
      game(2, null),
      game(3, '2026-01-03T00:00:00Z'),
      game(4, null),
      game(5, '2026-01-02T00:00:00Z')
    ]
    expect(latestGames(games, 10).map(g => g.id)).toEqual([3, 5, 1, 4, 2])
    expect(latestGames(games, 2).map(g => g.id)).toEqual([3, 5])
  })
})

describe('readTail', () => {
  it('returns the last lines, reading only the end of a big file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tail-'))
    const file = path.join(dir, 'log')
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`)
    await writeFile(file, `${lines.join('\r\n')}\n`)
    expect(await readTail(file, 3, 64)).toBe('line 4997\nline 4998\nline 4999')
    // The window cut a line in half: the partial first line is dropped, not shown.
    const tail = await readTail(file, 100, 40)
    expect(tail.split('\n').every(line => /^line \d+$/.test(line))).toBe(true)
  })
})

describe('downloadLogs', () => {
  it('downloads games that keep a log, and turns a failed download into a warning', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'logs-'))
    const warnings: string[] = []
    const fetched: string[] = []
    const arena = {
      async downloadLog(url: string, destination: string) {
        fetched.push(url)
        if (url.endsWith('/2')) throw new Error('403 on https://s/2?signature=[masked]')
        await writeFile(destination, `log of ${url}\nlast line\n`)
        return { bytes: 20, truncated: false }
      }
    }
    const logs = await downloadLogs(
      arena,
      [game(1, null), game(2, null), game(3, null, null)],
      dir,
      {
        maxBytes: 1000,
        log: { info: () => undefined, warning: message => void warnings.push(message) }
      }
    )
    expect(fetched.sort()).toEqual(['https://s/1', 'https://s/2'])
    expect(logs).toEqual([
      {
        gameId: 1,
        file: path.join(dir, 'game-1.log'),
        bytes: 20,
        tail: 'log of https://s/1\nlast line',
        truncated: false,
        source: 'signed-url'
      }
    ])
    expect(warnings).toEqual([
      'Could not save the log of game 2: 403 on https://s/2?signature=[masked]'
    ])
  })
})

describe('uploadAll', () => {
  it('uploads every file with bounded parallelism and throttled progress lines', async () => {
    let running = 0
    let most = 0
    const lines: string[] = []
    let clock = 0
    const arena = {
      async uploadFile(
        _cid: number,
        _aid: number,
        file: { name: string; path: string; size: number },
        onProgress?: (sent: number) => void
      ) {
        running += 1
        most = Math.max(most, running)
        for (let sent = 0; sent <= file.size; sent += file.size / 10) {
          clock += 1000
          onProgress?.(sent)
        }
        await new Promise(resolve => setImmediate(resolve))
        running -= 1
        return { message: null, validationMessage: null }
      }
    }
    const files = Array.from({ length: 7 }, (_, i) => ({
      name: `f${i}`,
      path: `f${i}`,
      size: 10 * 1024 * 1024
    }))
    await uploadAll(arena, 1, 2, files, '/ws', {
      log: { ...quiet, info: message => void lines.push(message) },
      parallel: 3,
      progressEveryMs: 5000,
      now: () => clock
    })
    expect(most).toBe(3)
    expect(lines[0]).toBe('Uploading 7 file(s), 70.0 MiB in all.')
    expect(lines.filter(line => line.includes('✓')).length).toBe(7)
    const progress = lines.filter(line => /%/.test(line))
    // Ten progress events a file, a line at most every 5 s of the (fake) clock: far fewer lines.
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.length).toBeLessThan(7 * 10)
  })
})
