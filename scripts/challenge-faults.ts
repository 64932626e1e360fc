/**
 * The creator fault tally: N seeded applies of the challenge action per API wire (create → files
 * → settings → benchmark → start) against the emulator injecting random faults (429 with
 * Retry-After, 500, 502, 503, resets, latency, malformed JSON) on 30 % of API requests, each
 * judged by what the emulator holds afterwards: started, one challenge of that name, every file
 * present with its sha256, one benchmark run. See
 * __tests__/reliability/support/challenge-fault-run.ts.
 *
 *   npm exec -- node scripts/challenge-faults.ts [--runs 100] [--rate 0.3] [--wire current|legacy|both]
 *
 * Prints one line per run that did not end right, then the tally per wire; exits 1 when any run
 * of a wire did not. Node 24 runs this file directly.
 */
import './source-imports.ts'
import os from 'node:os'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    rate: { type: 'string', default: '0.3' },
    wire: { type: 'string', default: 'both' },
    first: { type: 'string', default: '1' }
  }
})
const runs = Number(values.runs)
const rate = Number(values.rate)
const first = Number(values.first)
const wires =
  values.wire === 'both' ? (['current', 'legacy'] as const) : ([values.wire] as ['current'])
if (!Number.isInteger(runs) || runs < 1 || !(rate >= 0 && rate <= 1)) {
  console.error(
    'usage: node scripts/challenge-faults.ts [--runs N] [--rate P] [--wire current|legacy|both]'
  )
  process.exit(2)
}

const { challengeFaultRun } =
  await import('../__tests__/reliability/support/challenge-fault-run.ts')
type Result = Awaited<ReturnType<typeof challengeFaultRun>>

const started = performance.now()
const results: Result[] = []
for (const wire of wires) {
  for (let seed = first; seed < first + runs; seed++) {
    const result = await challengeFaultRun({ wire, seed, faultRate: rate })
    results.push(result)
    if (!result.right) console.log(`${wire} seed ${seed}: ${result.verdict}`)
  }
}
for (const wire of wires) {
  const mine = results.filter(r => r.wire === wire)
  const sum = (f: (r: Result) => number): number => mine.reduce((a, r) => a + f(r), 0)
  console.log(
    `${wire}: ${mine.filter(r => r.right).length}/${mine.length} right; ` +
      `${mine.filter(r => r.challenges === 1).length} with one challenge, ` +
      `${mine.filter(r => r.filesIntact).length} with every file, ` +
      `${mine.filter(r => r.benchmarkRuns > 1).length} with a duplicate benchmark run; ` +
      `${sum(r => r.faults)} faults on ${sum(r => r.requests)} requests, ` +
      `${sum(r => r.ambiguousWrites)} ambiguous writes`
  )
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(
  `${results.length} runs in ${seconds} s on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`
)
process.exit(results.every(r => r.right) ? 0 : 1)
