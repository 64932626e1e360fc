/**
 * The challenge action's apply against an emulator that faults 30 % of API requests (429 with
 * Retry-After, 500, 502, 503, resets, latency, malformed JSON), on both wires: each seeded run
 * ends started, with one challenge, every file present and intact, and one benchmark run (the
 * full tally: `npm exec -- node scripts/challenge-faults.ts`, figures in RELIABILITY.md).
 */
import { describe, expect, it } from '@jest/globals'
import { challengeFaultRun, type ChallengeFaultResult } from './support/challenge-fault-run.ts'

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8]

describe.each(['current', 'legacy'] as const)('challenge apply at 30 %% faults (%s wire)', wire => {
  const results: ChallengeFaultResult[] = []

  it.each(SEEDS)('seed %i: started, one challenge, every file, one benchmark run', async seed => {
    const result = await challengeFaultRun({ wire, seed })
    results.push(result)
    expect(result.verdict).toBe('started')
    expect(result.challenges).toBe(1)
    expect(result.benchmarkRuns).toBe(1)
    expect(result.filesIntact).toBe(true)
  })

  it('the sample met faults, ambiguous writes among them', () => {
    const faults = results.reduce((sum, r) => sum + r.faults, 0)
    const requests = results.reduce((sum, r) => sum + r.requests, 0)
    expect(faults / requests).toBeGreaterThan(0.2)
    expect(results.some(r => r.ambiguousWrites > 0)).toBe(true)
  })
})
