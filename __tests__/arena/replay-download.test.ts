/**
 * Replays (4.4 `download_replay`): the signed URL fetched with no token, streamed to disk
 * through `<file>.partial`. Constant memory is shown by behaviour, not timing: a local server
 * sends a large body under TCP backpressure (it writes on only when the socket drains), and
 * the bytes it has sent never run far ahead of the bytes already on disk. A client that
 * buffered the body would let the server finish sending with nothing written.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { ArenaClient } from '../../src/arena/client.js'
import { ArenaError } from '../../src/arena/errors.js'
import { caught, harness } from './support.js'

const CHUNK = 64 * 1024
/** 96 MiB: far more than the socket buffers between the two ends hold. */
const CHUNKS = 1536
const TOTAL = CHUNK * CHUNKS

let dir: string
let server: Server | null = null
let clients: ArenaClient[] = []

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arena-replay-'))
})

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  clients = []
  if (server) await new Promise(resolve => server?.close(resolve))
  server = null
  await rm(dir, { recursive: true, force: true })
})

function chunkOf(index: number): Buffer {
  return Buffer.alloc(CHUNK, index % 251)
}

interface Storage {
  url: string
  sent: () => number
  headers: IncomingHttpHeaders[]
}

/** Serves TOTAL bytes, honouring backpressure; `status` other than 200 answers a short body. */
async function storage(status = 200): Promise<Storage> {
  let sent = 0
  const headers: IncomingHttpHeaders[] = []
  server = createServer((req, res) => {
    headers.push(req.headers)
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end('Request has expired')
      return
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(TOTAL)
    })
    let index = 0
    const pump = (): void => {
      while (index < CHUNKS) {
        const chunk = chunkOf(index++)
        sent += chunk.length
        if (!res.write(chunk)) {
          res.once('drain', pump)
          return
        }
      }
      res.end()
    }
    pump()
  })
  await new Promise<void>(resolve => server?.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, sent: () => sent, headers }
}

function client(): ReturnType<typeof harness> {
  const h = harness('https://ml-arena.com')
  clients.push(h.client)
  return h
}

describe('downloadReplay', () => {
  it('streams a large replay to disk chunk by chunk, never far behind the sender, with no token', async () => {
    const store = await storage()
    const { client: arena, secrets } = client()
    const file = path.join(dir, '6004.frames.mp')
    const url = `${store.url}/replays/6004.frames.mp?X-Amz-Signature=c2ln`
    let lead = 0
    let partialSeen = 0
    let writes = 0
    const result = await arena.downloadReplay(url, file, {
      maxBytes: 1024 * 1024 * 1024,
      onWritten: bytes => {
        writes++
        lead = Math.max(lead, store.sent() - bytes)
        // While the body is still coming, the bytes are already in the partial file.
        if (store.sent() < TOTAL && partialSeen === 0 && bytes >= 4 * CHUNK) partialSeen = bytes
      }
    })
    expect(result).toEqual({ bytes: TOTAL, truncated: false })
    // Written before the body ended: the client wrote while the sender still had most to send.
    expect(partialSeen).toBeGreaterThan(0)
    expect(writes).toBeGreaterThan(100)
    // Backpressure held: the sender never got more than a few socket buffers ahead of the disk
    // (a buffering client would have let it reach TOTAL first).
    expect(lead).toBeLessThan(TOTAL / 4)
    // The file is complete, byte for byte, under its final name; no partial file is left.
    expect((await stat(file)).size).toBe(TOTAL)
    expect(existsSync(`${file}.partial`)).toBe(false)
    const expected = createHash('sha256')
    for (let i = 0; i < CHUNKS; i++) expected.update(chunkOf(i))
    expect(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
    ).toBe(expected.digest('hex'))
    // No token on a signed URL; the signature is a secret from the moment it is seen.
    expect(store.headers[0]?.authorization).toBeUndefined()
    expect(secrets).toContain('c2ln')
  })

  it('says an expired replay URL was refused and leaves no file behind', async () => {
    const store = await storage(403)
    const { client: arena } = client()
    const file = path.join(dir, '6003.mp4')
    const error = await caught(
      arena.downloadReplay(`${store.url}/replays/6003.mp4?sig=abc`, file, { maxBytes: 1024 })
    )
    expect(error).toBeInstanceOf(ArenaError)
    expect(error.message).toContain('refused the replay download (403')
    expect(error.message).toContain('a replay URL is signed for about 6 hours')
    expect(error.message).not.toContain('sig=abc')
    expect(existsSync(file)).toBe(false)
    expect(existsSync(`${file}.partial`)).toBe(false)
  })
})
