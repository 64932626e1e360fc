/** Streamed uploads: the state reports the size and sha256 of a multi-MiB file; markers anywhere. */
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { MarkerScanner } from '../../emulator/platform/markers.ts'
import { call, createAgent, readStatus, routes, start } from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

/** A multipart body streamed in small chunks, so the server sees it arrive piece by piece. */
function streamedMultipart(
  name: string,
  content: Buffer
): { body: ReadableStream<Uint8Array>; type: string; length: number } {
  const boundary = 'emulator-test-boundary-7d1f'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const chunkSize = 64 * 1024 + 17 // odd size: markers straddle chunk boundaries
  let offset = 0
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head)
    },
    pull(controller) {
      if (offset >= content.length) {
        controller.enqueue(tail)
        controller.close()
        return
      }
      controller.enqueue(content.subarray(offset, offset + chunkSize))
      offset += chunkSize
    }
  })
  return {
    body,
    type: `multipart/form-data; boundary=${boundary}`,
    length: head.length + content.length + tail.length
  }
}

describe('streamed upload', () => {
  it('a 6 MiB file: state reports its size and sha256; content keeps the first 64 KiB', async () => {
    emu = await start({ wire: 'current' })
    const cid = COMPETITIONS.normal
    const aid = await createAgent(emu, cid, 'big-upload')
    const content = Buffer.alloc(6 * 1024 * 1024)
    for (let i = 0; i < content.length; i += 1) content[i] = 32 + ((i * 31) % 90)
    const expected = createHash('sha256').update(content).digest('hex')
    const { body, type, length } = streamedMultipart('model.txt', content)
    const res = await fetch(`${emu.baseUrl}${routes('current').files(cid, aid)}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${emu.tokens.user}`,
        'content-type': type,
        'content-length': String(length)
      },
      body,
      duplex: 'half'
    } as RequestInit)
    expect(res.status).toBe(200)
    const file = emu.state().agents.find(a => a.id === aid)?.files[0]
    expect(file).toEqual({ name: 'model.txt', size: content.length, sha256: expected })
    const read = await call(emu, 'GET', routes('current').content(cid, aid, 'model.txt'))
    expect(read.body.content).toBe(content.subarray(0, 64 * 1024).toString('utf8'))
  })

  it('finds a marker that straddles two network chunks, deep inside a large file', async () => {
    emu = await start({ wire: 'legacy' })
    const cid = COMPETITIONS.normal
    const aid = await createAgent(emu, cid, 'deep-marker')
    const content = Buffer.alloc(3 * 1024 * 1024, 'a')
    const marker = Buffer.from('MLARENA_EMULATOR:UPLOAD_INVALID')
    marker.copy(content, 2 * (64 * 1024 + 17) - 10) // across the 2nd chunk boundary
    const { body, type, length } = streamedMultipart('agent.py', content)
    const res = await fetch(`${emu.baseUrl}${routes('legacy').files(cid, aid)}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${emu.tokens.user}`,
        'content-type': type,
        'content-length': String(length)
      },
      body,
      duplex: 'half'
    } as RequestInit)
    expect(res.status).toBe(200)
    expect((await readStatus(emu, cid, aid)).body.status).toBe('upload_failed')
  })
})

describe('MarkerScanner', () => {
  it('finds markers split at every possible byte boundary, once each', () => {
    const text = Buffer.from('xx MLARENA_EMULATOR:TIMEOUT yy MLARENA_EMULATOR:SCORE=12.5 zz')
    for (let cut = 0; cut <= text.length; cut += 1) {
      const scanner = new MarkerScanner()
      scanner.push(text.subarray(0, cut))
      scanner.push(text.subarray(cut))
      expect(scanner.end()).toEqual({ markers: ['SCORE', 'TIMEOUT'], score: 12.5 })
    }
  })

  it('ignores unknown words after the prefix', () => {
    const scanner = new MarkerScanner()
    scanner.push(Buffer.from('MLARENA_EMULATOR:NOT_A_MARKER MLARENA_EMULATOR:'))
    expect(scanner.end()).toEqual({ markers: [], score: null })
  })
})
