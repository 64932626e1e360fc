/**
 * The replay files the current wire serves are real files of their format (README "4.4.0 —
 * replays"): read back with independent readers (zlib for PNG, @msgpack/msgpack for frames, a
 * box walk for MP4), from the storage origin, through the signed URL of a game.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { inflateSync, crc32 } from 'node:zlib'
import { decode } from '@msgpack/msgpack'
import { COMPETITIONS, REPLAY_SUFFIXES, type Emulator } from '../../emulator/index.ts'
import { call, deployedAgent, routes, start } from './helpers.ts'

interface Png {
  width: number
  height: number
  pixels: Buffer
}

/** Walks a PNG's chunks, checking each CRC; returns its size and inflated pixel rows. */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  )
  let at = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  const types: string[] = []
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString('ascii', at + 4, at + 8)
    const data = bytes.subarray(at + 8, at + 8 + length)
    const crc = bytes.readUInt32BE(at + 8 + length)
    expect(crc).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0)
    types.push(type)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      expect(data[8]).toBe(8) // bit depth
      expect(data[9]).toBe(2) // RGB
    }
    if (type === 'IDAT') idat.push(data)
    at += 12 + length
  }
  expect(at).toBe(bytes.length)
  expect(types[0]).toBe('IHDR')
  expect(types.at(-1)).toBe('IEND')
  const pixels = inflateSync(Buffer.concat(idat))
  expect(pixels.length).toBe(height * (1 + 3 * width))
  return { width, height, pixels }
}

/** ISO-BMFF top-level boxes: [type, payload]. */
function boxes(bytes: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = []
  let at = 0
  while (at < bytes.length) {
    const size = bytes.readUInt32BE(at)
    expect(size).toBeGreaterThanOrEqual(8)
    out.push([bytes.toString('ascii', at + 4, at + 8), bytes.subarray(at + 8, at + size)])
    at += size
  }
  expect(at).toBe(bytes.length)
  return out
}

describe('replay files on the current wire', () => {
  let emu: Emulator
  const files = new Map<string, { bytes: Buffer; srid: number }>()

  beforeAll(async () => {
    emu = await start({ wire: 'current' })
    for (const cid of [COMPETITIONS.normal, COMPETITIONS.fileChallenge]) {
      const name = cid === COMPETITIONS.fileChallenge ? 'submission.csv' : 'agent.py'
      const aid = await deployedAgent(emu, cid, `replays-${cid}`, { [name]: 'id,load_mw\n1,2\n' })
      emu.settle(aid)
      const games = (await call(emu, 'GET', routes('current').games(aid))).body.games as {
        simulation_result_id: number
        replay: { render_format: string; signed_url: string; render_size_bytes: number }
      }[]
      for (const game of games) {
        const res = await fetch(game.replay.signed_url)
        expect(res.status).toBe(200)
        const bytes = Buffer.from(await res.arrayBuffer())
        expect(bytes.length).toBe(game.replay.render_size_bytes)
        expect(
          new URL(game.replay.signed_url).pathname.endsWith(
            REPLAY_SUFFIXES[game.replay.render_format as keyof typeof REPLAY_SUFFIXES]
          )
        ).toBe(true)
        files.set(`${cid}:${game.replay.render_format}`, {
          bytes,
          srid: game.simulation_result_id
        })
      }
    }
  })
  afterAll(() => emu.close())

  it('image_png is a valid PNG (chunk CRCs, IHDR, inflatable pixel rows)', () => {
    const png = readPng(files.get(`${COMPETITIONS.normal}:image_png`)?.bytes as Buffer)
    expect([png.width, png.height]).toEqual([48, 32])
  })

  it('the file challenge’s replays are PNGs', () => {
    expect([...files.keys()].filter(k => k.startsWith(`${COMPETITIONS.fileChallenge}:`))).toEqual([
      `${COMPETITIONS.fileChallenge}:image_png`
    ])
  })

  it('frames_v2 is msgpack: a map of frames, each a valid PNG with its duration', () => {
    const file = files.get(`${COMPETITIONS.normal}:frames_v2`)
    const doc = decode(file?.bytes as Buffer) as {
      format: string
      simulation_result_id: number
      frames: { index: number; duration_s: number; png: Uint8Array }[]
    }
    expect(doc.format).toBe('frames_v2')
    expect(doc.simulation_result_id).toBe(file?.srid)
    expect(doc.frames.map(f => f.index)).toEqual([0, 1, 2, 3])
    for (const frame of doc.frames) {
      expect(frame.duration_s).toBeGreaterThan(0)
      readPng(Buffer.from(frame.png))
    }
  })

  it('video_mp4 is an ISO-BMFF file: ftyp, moov with mvhd, mdat', () => {
    const bytes = files.get(`${COMPETITIONS.normal}:video_mp4`)?.bytes as Buffer
    const top = boxes(bytes)
    expect(top.map(([type]) => type)).toEqual(['ftyp', 'moov', 'mdat'])
    expect(top[0]?.[1].toString('ascii', 0, 4)).toBe('isom')
    const moov = boxes(top[1]?.[1] as Buffer)
    expect(moov.map(([type]) => type)).toEqual(['mvhd'])
    const mvhd = moov[0]?.[1] as Buffer
    expect(mvhd.readUInt32BE(12)).toBe(1000) // timescale
    expect(mvhd.readUInt32BE(16)).toBeGreaterThan(0) // duration
    readPng(top[2]?.[1] as Buffer)
  })
})
