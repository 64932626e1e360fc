import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import busboy from 'busboy'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { ArenaClient } from '../../src/arena/client.js'
import { LocalFileError } from '../../src/arena/errors.js'
import {
  caught,
  harness,
  json,
  sequence,
  startServer,
  type Handler,
  type TestServer
} from './support.js'

interface Part {
  field: string
  filename: string | null
  sha256: string | null
  value: string | null
  bytes: number
}

/** Parses a recorded multipart body the way a server would. */
async function parts(headers: http.IncomingHttpHeaders, body: Buffer): Promise<Part[]> {
  const found: Part[] = []
  await new Promise<void>((resolve, reject) => {
    const parser = busboy({ headers })
    parser.on('file', (field, stream, info) => {
      const hash = createHash('sha256')
      let bytes = 0
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk)
        bytes += chunk.length
      })
      stream.on('end', () =>
        found.push({
          field,
          filename: info.filename ?? null,
          sha256: hash.digest('hex'),
          value: null,
          bytes
        })
      )
    })
    parser.on('field', (field, value) =>
      found.push({ field, filename: null, sha256: null, value, bytes: value.length })
    )
    parser.on('close', resolve)
    parser.on('error', reject)
    Readable.from([body]).pipe(parser)
  })
  return found
}

let dir: string
let servers: TestServer[] = []
let clients: ArenaClient[] = []

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arena-upload-'))
})

afterEach(async () => {
  await Promise.all(clients.map(c => c.close()))
  await Promise.all(servers.map(s => s.close()))
  servers = []
  clients = []
  await rm(dir, { recursive: true, force: true })
})

async function setup(
  handler: Handler
): Promise<{ server: TestServer } & ReturnType<typeof harness>> {
  const server = await startServer(handler)
  servers.push(server)
  const h = harness(server.url)
  clients.push(h.client)
  return { server, ...h }
}

async function fixture(
  name: string,
  content: Buffer
): Promise<{ name: string; path: string; size: number }> {
  const file = path.join(dir, name)
  await writeFile(file, content)
  return { name, path: file, size: content.length }
}

describe('uploadFile', () => {
  it('sends one part named file with the name as filename, an exact Content-Length, and reports progress', async () => {
    const content = randomBytes(700_000)
    const file = await fixture('agent.py', content)
    const { server, client } = await setup(json(201, { status: 'ok', message: 'stored' }))
    const progress: number[] = []
    const result = await client.uploadFile(1, 5, file, sent => progress.push(sent))
    expect(result).toEqual({ message: 'ok: stored', validationMessage: null, state: 'ok' })
    const request = server.requests[0]
    expect(request?.method).toBe('PUT')
    expect(request?.url).toBe('/api/submissions/challenge/1/5/file')
    expect(Number(request?.headers['content-length'])).toBe(request?.body.length)
    expect(request?.headers['transfer-encoding']).toBeUndefined()
    const found = await parts(request!.headers, request!.body)
    expect(found).toEqual([
      {
        field: 'file',
        filename: 'agent.py',
        sha256: createHash('sha256').update(content).digest('hex'),
        value: null,
        bytes: content.length
      }
    ])
    expect(progress.at(-1)).toBe(content.length)
    expect(progress.length).toBeGreaterThan(1)
  })

  it('escapes a hostile file name in the part header', async () => {
    const file = await fixture('a"b.py', Buffer.from('print(1)'))
    const { server, client } = await setup(json(200, {}))
    await client.uploadFile(1, 5, { ...file, name: 'we"ird\r\nname.py' })
    const found = await parts(server.requests[0]!.headers, server.requests[0]!.body)
    expect(found.map(p => [p.field, p.filename])).toEqual([['file', 'we%22ird%0D%0Aname.py']])
  })

  it('uploads an empty file', async () => {
    const file = await fixture('empty.txt', Buffer.alloc(0))
    const { server, client } = await setup(json(200, {}))
    await client.uploadFile(1, 5, file)
    const found = await parts(server.requests[0]!.headers, server.requests[0]!.body)
    expect(found).toEqual([
      expect.objectContaining({ field: 'file', filename: 'empty.txt', bytes: 0 })
    ])
  })

  it('is retried after a 503 and re-sends the whole file', async () => {
    const content = randomBytes(100_000)
    const file = await fixture('model.bin', content)
    const { server, client, sleeps } = await setup(
      sequence(json(503, { error: 'busy' }), json(200, {}))
    )
    await client.uploadFile(1, 5, file)
    expect(sleeps).toHaveLength(1)
    expect(server.requests).toHaveLength(2)
    const second = await parts(server.requests[1]!.headers, server.requests[1]!.body)
    expect(second[0]?.bytes).toBe(content.length)
  })

  it('surfaces a validation message of an accepted upload', async () => {
    const file = await fixture('agent.py', Buffer.from('x'))
    const { client } = await setup(
      json(200, {
        status: 'uploaded',
        validation_message: 'requirements.txt not found; defaults used'
      })
    )
    await expect(client.uploadFile(1, 5, file)).resolves.toEqual({
      message: 'uploaded',
      validationMessage: 'requirements.txt not found; defaults used',
      state: 'uploaded'
    })
  })

  it('takes a 2xx upload that reads upload_failed as saved: the status after the last file decides', async () => {
    const file = await fixture('agent.py', Buffer.from('x'))
    const { client } = await setup(
      json(200, { status: 'upload_failed', validation_message: 'SyntaxError in agent.py line 3' })
    )
    await expect(client.uploadFile(1, 5, file)).resolves.toEqual({
      message: 'upload_failed',
      validationMessage: 'SyntaxError in agent.py line 3',
      state: 'upload_failed'
    })
  })

  it('names the file in a refusal', async () => {
    const file = await fixture('big.bin', Buffer.alloc(10))
    const { client } = await setup(json(413, { error: 'File exceeds max_upload_size_bytes' }))
    const error = await caught(client.uploadFile(1, 5, file))
    expect(error.message).toBe(
      'ML Arena refused the upload of big.bin (413 on PUT /api/submissions/challenge/1/5/file): "File exceeds max_upload_size_bytes"'
    )
  })

  it('says which local file could not be read, without sending anything', async () => {
    const { server, client } = await setup(json(200, {}))
    const missing = path.join(dir, 'nope.py')
    const error = await caught(client.uploadFile(1, 5, { name: 'nope.py', path: missing, size: 3 }))
    expect(error).toBeInstanceOf(LocalFileError)
    expect(error.message).toBe(`Could not read ${missing}: ENOENT`)
    expect(server.requests).toHaveLength(0)
  })
})

describe('deleteFile', () => {
  it('sends the form field delete_file, form-urlencoded as both SDKs send it, and no file part', async () => {
    const { server, client } = await setup(json(200, { message: 'deleted' }))
    await client.deleteFile(1, 5, 'old model.py')
    const request = server.requests[0]!
    expect(`${request.method} ${request.url}`).toBe('PUT /api/submissions/challenge/1/5/file')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.body.toString('utf8')).toBe('delete_file=old+model.py')
  })
})
