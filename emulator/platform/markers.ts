/**
 * Scenario markers in an agent's files, e.g. `MLARENA_EMULATOR:FAIL_IMPORT`. They are found while
 * an upload streams (a marker may straddle two chunks), so no file is ever held in memory.
 */

export const MARKER_PREFIX = 'MLARENA_EMULATOR:'

/** Every marker the emulator understands, and what it does (README.md documents the same). */
export const MARKERS = {
  /** The upload is refused by the validator: status upload_failed. */
  UPLOAD_INVALID: 'UPLOAD_INVALID',
  /** Every run fails at import (code_error): deploy_failed. */
  FAIL_IMPORT: 'FAIL_IMPORT',
  /** Every run times out (timeout): deploy_failed. */
  TIMEOUT: 'TIMEOUT',
  /** Every run is killed for memory (oom_killed): deploy_failed. */
  OOM: 'OOM',
  /** The second run crashes (crash); the others complete: active. */
  CRASH_ONE: 'CRASH_ONE',
  /** The deploy stays in deploy_queue forever. */
  NEVER_SETTLE: 'NEVER_SETTLE',
  /** `SCORE=<number>`: the ranking score is exactly this number. */
  SCORE: 'SCORE'
} as const

export interface FoundMarkers {
  markers: string[]
  score: number | null
}

const PREFIX = Buffer.from(MARKER_PREFIX, 'latin1')
/** Bytes from a marker's start that are enough to read it whole. */
const WINDOW = PREFIX.length + 48
const WORD = /^([A-Z_]+)(?:=(-?\d+(?:\.\d+)?))?/

export class MarkerScanner {
  private carry: Buffer = Buffer.alloc(0)
  private readonly found = new Set<string>()
  private score: number | null = null

  push(chunk: Buffer): void {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk
    // Hits starting before safeEnd have all their bytes here; later ones wait in the carry.
    const safeEnd = buf.length - WINDOW
    let at = buf.indexOf(PREFIX)
    while (at !== -1 && at < safeEnd) {
      this.read(buf, at)
      at = buf.indexOf(PREFIX, at + 1)
    }
    this.carry = Buffer.from(buf.subarray(Math.max(0, safeEnd)))
  }

  end(): FoundMarkers {
    let at = this.carry.indexOf(PREFIX)
    while (at !== -1) {
      this.read(this.carry, at)
      at = this.carry.indexOf(PREFIX, at + 1)
    }
    this.carry = Buffer.alloc(0)
    return { markers: [...this.found].sort(), score: this.score }
  }

  private read(buf: Buffer, at: number): void {
    const start = at + PREFIX.length
    const text = buf.toString('latin1', start, Math.min(buf.length, start + 48))
    const match = WORD.exec(text)
    if (!match?.[1]) return
    const word = match[1]
    if (word === MARKERS.SCORE) {
      if (match[2] !== undefined) {
        this.score = Number(match[2])
        this.found.add(word)
      }
      return
    }
    if (Object.values(MARKERS).includes(word as never)) this.found.add(word)
  }
}

export function scanBuffer(content: Buffer): FoundMarkers {
  const scanner = new MarkerScanner()
  scanner.push(content)
  return scanner.end()
}
