/**
 * Replay files, as SDK 4.4.0 names their formats (README "4.4.0 — replays", `download_replay`):
 * `image_png` (a still), `frames_v2` (msgpack frames) and `video_mp4`. Each file is generated
 * in code from the run it belongs to, deterministically (same run → same bytes), and small.
 *
 * Hand-written encoders (PNG chunks, a tiny msgpack subset, ISO-BMFF boxes): the emulator uses
 * Node built-ins only, and each format needs a few dozen lines for the handful of types used.
 */
import { crc32, deflateSync } from 'node:zlib'

export type RenderFormat = 'frames_v2' | 'video_mp4' | 'image_png'

/** The file suffix `download_replay` gives each format (SDK 4.4.0 `_REPLAY_SUFFIXES`). */
export const REPLAY_SUFFIXES: Record<RenderFormat, string> = {
  frames_v2: '.frames.mp',
  video_mp4: '.mp4',
  image_png: '.png'
}

export const REPLAY_CONTENT_TYPES: Record<RenderFormat, string> = {
  frames_v2: 'application/msgpack',
  video_mp4: 'video/mp4',
  image_png: 'image/png'
}

export interface ReplayRef {
  simulationResultId: number
  format: RenderFormat
  /** Shapes the picture: the run's steps and score. */
  steps: number
  score: number | null
}

// ---------------------------------------------------------------- PNG

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** A valid 8-bit RGB PNG of `width`×`height`: a gradient whose colours come from `seed`. */
export function renderPng(width: number, height: number, seed: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type: RGB
  const rows: Buffer[] = []
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3) // filter byte 0, then RGB triples
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = (x * 8 + seed * 37) & 0xff
      row[2 + x * 3] = (y * 10 + seed * 11) & 0xff
      row[3 + x * 3] = ((x + y) * 4 + seed) & 0xff
    }
    rows.push(row)
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// ---------------------------------------------------------------- msgpack (the subset used)

export type Packable =
  null | boolean | number | string | Buffer | Packable[] | { [k: string]: Packable }

export function msgpack(value: Packable): Buffer {
  if (value === null) return Buffer.from([0xc0])
  if (typeof value === 'boolean') return Buffer.from([value ? 0xc3 : 0xc2])
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) {
      if (value < 128) return Buffer.from([value])
      const b = Buffer.alloc(5)
      b[0] = 0xce
      b.writeUInt32BE(value, 1)
      return b
    }
    const b = Buffer.alloc(9)
    b[0] = 0xcb
    b.writeDoubleBE(value, 1)
    return b
  }
  if (typeof value === 'string') {
    const s = Buffer.from(value, 'utf8')
    const head = s.length < 32 ? Buffer.from([0xa0 | s.length]) : Buffer.from([0xd9, s.length])
    if (s.length > 255) throw new RangeError('msgpack: strings over 255 bytes are not needed here')
    return Buffer.concat([head, s])
  }
  if (Buffer.isBuffer(value)) {
    const head = Buffer.alloc(5)
    head[0] = 0xc6
    head.writeUInt32BE(value.length, 1)
    return Buffer.concat([head, value])
  }
  if (Array.isArray(value)) {
    if (value.length > 15) throw new RangeError('msgpack: arrays over 15 items are not needed here')
    return Buffer.concat([Buffer.from([0x90 | value.length]), ...value.map(msgpack)])
  }
  const entries = Object.entries(value)
  if (entries.length > 15) throw new RangeError('msgpack: maps over 15 keys are not needed here')
  return Buffer.concat([
    Buffer.from([0x80 | entries.length]),
    ...entries.flatMap(([k, v]) => [msgpack(k), msgpack(v)])
  ])
}

// ---------------------------------------------------------------- MP4 (ISO-BMFF boxes)

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length, 0)
  head.write(type, 4, 'ascii')
  return Buffer.concat([head, body])
}

/**
 * An MP4 container: `ftyp`, a `moov` with its `mvhd` (duration = the run's steps at 30 steps a
 * second) and an `mdat` holding the run's first frame as a PNG. The box structure is valid
 * ISO-BMFF; there is no decodable video track (a codec is out of reach without a binary).
 */
function renderMp4(ref: ReplayRef): Buffer {
  const ftyp = box(
    'ftyp',
    Buffer.from('isom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2mp41')
  )
  const mvhd = Buffer.alloc(100)
  mvhd.writeUInt32BE(0, 0) // version 0, flags 0
  mvhd.writeUInt32BE(1000, 12) // timescale: ms
  mvhd.writeUInt32BE(Math.max(1, Math.round((ref.steps / 30) * 1000)), 16) // duration
  mvhd.writeUInt32BE(0x00010000, 20) // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24) // volume 1.0
  // unity matrix
  mvhd.writeUInt32BE(0x00010000, 36)
  mvhd.writeUInt32BE(0x00010000, 52)
  mvhd.writeUInt32BE(0x40000000, 68)
  mvhd.writeUInt32BE(2, 96) // next track id
  return Buffer.concat([
    ftyp,
    box('moov', box('mvhd', mvhd)),
    box('mdat', renderPng(16, 12, ref.simulationResultId))
  ])
}

/** msgpack frames: `{format, simulation_result_id, frames: [{index, duration_s, png}]}`. */
function renderFrames(ref: ReplayRef): Buffer {
  const frames: Packable[] = []
  for (let i = 0; i < 4; i += 1)
    frames.push({ index: i, duration_s: 0.25, png: renderPng(12, 8, ref.simulationResultId + i) })
  return msgpack({
    format: 'frames_v2',
    simulation_result_id: ref.simulationResultId,
    steps: ref.steps,
    score: ref.score,
    frames
  })
}

export function renderReplay(ref: ReplayRef): Buffer {
  switch (ref.format) {
    case 'image_png':
      return renderPng(48, 32, ref.simulationResultId)
    case 'frames_v2':
      return renderFrames(ref)
    case 'video_mp4':
      return renderMp4(ref)
  }
}
