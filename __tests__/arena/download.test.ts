import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import type { ArenaClient } from '../../src/arena/client.js'
import { ArenaError, LocalFileError } from '../../src/arena/errors.js'
import {
  caught,
  harness,
  json,
  sequence,
  startServer,
  text,
  type Handler,
  type TestServer
} from './support.js'

const SIGNATURE = 'c2lnbmF0dXJl+/=='
const ENCODED = encodeURIComponent(SIGNATURE)

let dir: string
let servers: TestServer[] = []
let clients: ArenaClient[] = []

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arena-download-'))
})

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  await Promise.all(servers.map(s => s.close()))
  servers = []
  clients = []
  await rm(dir, { recursive: true, force: true })
})

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler)
  servers.push(server)
  return server
}

function client(
  baseUrl = 'https://ml-arena.com',
  options: Parameters<typeof harness>[1] = {}
): ReturnType<typeof harness> {
  const h = harness(baseUrl, options)
  clients.push(h.client)
  return h
}

describe('downloadLog', () => {
  it('streams a signed URL to a file without an Authorization header', async () => {
    const storage = await serve(text(200, 'step 1\nstep 2\nwin\n'))
    const { client: arena } = client()
    const file = path.join(dir, 'game.log')
    const url = `${storage.url}/logs/abc?expires=1900000000&signature=${ENCODED}`
    await expect(arena.downloadLog(url, file, { maxBytes: 1024 })).resolves.toEqual({
      bytes: 18,
      truncated: false
    })
    expect(await readFile(file, 'utf8')).toBe('step 1\nstep 2\nwin\n')
    expect(storage.requests[0]?.headers.authorization).toBeUndefined()
    expect(storage.requests[0]?.url).toBe(`/logs/abc?expires=1900000000&signature=${ENCODED}`)
  })

  it('stops at the size cap and marks the log truncated', async () => {
    const storage = await serve(text(200, 'x'.repeat(200_000)))
    const { client: arena } = client()
    const file = path.join(dir, 'big.log')
    await expect(
      arena.downloadLog(`${storage.url}/logs/big`, file, { maxBytes: 1000 })
    ).resolves.toEqual({
      bytes: 1000,
      truncated: true
    })
    expect((await readFile(file)).length).toBe(1000)
  })

  it('follows up to 3 redirects, reporting every signature met on the way', async () => {
    const storage = await serve((req, res, body) => {
      const hop = Number(/hop=(\d)/.exec(req.url ?? '')?.[1] ?? 0)
      if (hop < 3)
        return json(302, {}, { location: `/logs/k?hop=${hop + 1}&sig=hop${hop + 1}secret` })(
          req,
          res,
          body
        )
      return text(200, 'final')(req, res, body)
    })
    const { client: arena, secrets } = client()
    const file = path.join(dir, 'r.log')
    await expect(
      arena.downloadLog(`${storage.url}/logs/k?hop=0&signature=${ENCODED}`, file, { maxBytes: 100 })
    ).resolves.toEqual({
      bytes: 5,
      truncated: false
    })
    expect(storage.requests).toHaveLength(4)
    expect(storage.requests.every(r => r.headers.authorization === undefined)).toBe(true)
    expect(secrets).toEqual(
      expect.arrayContaining([SIGNATURE, ENCODED, 'hop1secret', 'hop2secret', 'hop3secret'])
    )
  })

  it('refuses a fourth redirect', async () => {
    const storage = await serve(json(302, {}, { location: '/again?signature=zzzzzz' }))
    const { client: arena } = client()
    const error = await caught(
      arena.downloadLog(`${storage.url}/logs/k?signature=${ENCODED}`, path.join(dir, 'x.log'), {
        maxBytes: 100
      })
    )
    expect(error).toBeInstanceOf(ArenaError)
    expect((error as ArenaError).kind).toBe('redirect')
    expect(error.message).toContain('more than 3 redirects')
    expect(storage.requests).toHaveLength(4)
  })

  it('says an expired URL expired, without printing its query', async () => {
    const storage = await serve(text(403, `<Error>Signature ${SIGNATURE} expired</Error>`))
    const { client: arena, logs } = client()
    const url = `${storage.url}/logs/abc?expires=1&signature=${ENCODED}`
    const error = await caught(arena.downloadLog(url, path.join(dir, 'e.log'), { maxBytes: 100 }))
    expect((error as ArenaError).kind).toBe('auth')
    expect(error.message).toBe(
      `The storage refused the game log download (403 on GET ${storage.url}/logs/abc?…): "Signature *** expired"; the signed URL has expired or is invalid (logs are kept 60 days): read the games again for fresh URLs`
    )
    for (const shown of [error.message, inspect(error), ...logs]) {
      expect(shown).not.toContain(ENCODED)
      expect(shown).not.toContain(SIGNATURE)
    }
  })

  it('says which local file could not be written', async () => {
    const storage = await serve(text(200, 'log'))
    const { client: arena } = client()
    const target = path.join(dir, 'missing-dir', 'game.log')
    const error = await caught(arena.downloadLog(`${storage.url}/logs/a`, target, { maxBytes: 10 }))
    expect(error).toBeInstanceOf(LocalFileError)
    expect(error.message).toBe(`Could not write ${target}: ENOENT`)
  })

  it('retries a storage hiccup and rewrites the file from the start', async () => {
    const storage = await serve(sequence(text(503, 'slow down'), text(200, 'complete log')))
    const { client: arena, sleeps } = client()
    const file = path.join(dir, 'retry.log')
    await arena.downloadLog(`${storage.url}/logs/r`, file, { maxBytes: 100 })
    expect(await readFile(file, 'utf8')).toBe('complete log')
    expect(sleeps).toHaveLength(1)
  })
})

describe('games', () => {
  it('reports each signed URL signature (3.x log, 4.4 replay) to onSecret as soon as the games are read', async () => {
    const REPLAY_SIG = 'cmVwbGF5LXNpZw=='
    const api = await serve(
      json(200, {
        games: [
          {
            simulation_result_id: 1,
            job_status: 'completed',
            env_nb_steps: 200,
            submission_results: [{ submission_id: 5, score: 3.5, game_outcome: 'winner' }],
            signed_url: `https://storage.example/logs/1?expires=9&signature=${ENCODED}`
          },
          {
            simulation_result_id: 2,
            job_status: 'completed',
            submission_results: [{ submission_id: 5, score: null }],
            replay: {
              render_format: 'video_mp4',
              signed_url: `https://storage.example/replays/2.mp4?signature=${REPLAY_SIG}`,
              render_size_bytes: 10
            }
          }
        ]
      })
    )
    const { client: arena, secrets } = client(api.url)
    const { games } = await arena.games(5)
    expect(games.map(g => [g.id, g.score, g.outcome, g.logUrl !== null, g.replay?.format])).toEqual(
      [
        [1, 3.5, 'winner', true, undefined],
        [2, null, null, false, 'video_mp4']
      ]
    )
    expect(secrets).toEqual(expect.arrayContaining([SIGNATURE, ENCODED, REPLAY_SIG]))
    expect(api.requests[0]?.url).toBe('/api/submissions/submission/5/games')
  })
})
