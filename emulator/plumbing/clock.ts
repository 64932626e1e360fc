import type { Speed } from '../types.ts'

/**
 * Simulated milliseconds per real millisecond. A deploy lasts about ten simulated minutes:
 * `fast` plays it in about one real second, `realtime` in about half a minute (paced for a
 * demo a person watches), `manual` never moves on its own (tests call advance()).
 */
export const SPEED_FACTORS: Readonly<Record<Speed, number>> = { manual: 0, fast: 600, realtime: 20 }

/** The emulator's clock: simulated time = start + scaled real elapsed time + advanced time. */
export class Clock {
  readonly speed: Speed
  private readonly startMs: number
  private readonly realStart: number
  private readonly realNow: () => number
  private offsetMs = 0

  constructor(startMs: number, speed: Speed, realNow: () => number = Date.now) {
    this.startMs = startMs
    this.speed = speed
    this.realNow = realNow
    this.realStart = realNow()
  }

  now(): number {
    const scaled = (this.realNow() - this.realStart) * SPEED_FACTORS[this.speed]
    return Math.floor(this.startMs + scaled + this.offsetMs)
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`)
    this.offsetMs += ms
  }
}
