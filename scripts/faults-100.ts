/**
 * The fault tally: N seeded runs of the whole pipeline per API wire against the emulator
 * injecting random faults (429 with Retry-After, 500, 502, 503, resets, latency, malformed JSON)
 * on 30 % of API requests, each judged by what the emulator holds afterwards (one agent at
 * most, one deploy at most, every file's sha256 equal, the right outcome, the report written,
 * no secret printed). See __tests__/reliability/support/fault-run.ts.
 *
 *   npm exec -- node scripts/faults-100.ts [--runs 100] [--rate 0.3] [--wire current|legacy|both]
 *
 * Prints one line per run that did not end right, then the tally per wire; exits 1 when fewer
 * than 99 % of the runs of a wire ended right. Node 24 runs this file directly.
 */
import './source-imports.ts'
import os from 'node:os'
import { parseArgs } from 'node:util'

// @actions/glob reports its search on stdout as ::debug:: lines: not part of the tally.
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  typeof chunk === 'string' && chunk.startsWith('::debug::')
    ? true
    : write(chunk, ...rest)) as typeof process.stdout.write

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    rate: { type: 'string', default: '0.3' },
    wire: { type: 'string', default: 'both' },
    first: { type: 'string', default: '1' },
    attempts: { type: 'string' }
  }
})
const runs = Number(values.runs)
const rate = Number(values.rate)
const first = Number(values.first)
const wires =
  values.wire === 'both' ? (['current', 'legacy'] as const) : ([values.wire] as ['current'])
if (!Number.isInteger(runs) || runs < 1 || !(rate >= 0 && rate <= 1)) {
  console.error(
    'usage: node scripts/faults-100.ts [--runs N] [--rate P] [--wire current|legacy|both]'
  )
  process.exit(2)
}

const { faultRun, tally } = await import('../__tests__/reliability/support/fault-run.ts')
type Result = Awaited<ReturnType<typeof faultRun>>

const started = performance.now()
const results: Result[] = []
for (const wire of wires) {
  for (let seed = first; seed < first + runs; seed++) {
    const result = await faultRun({
      wire,
      seed,
      faultRate: rate,
      client: values.attempts ? { retry: { attempts: Number(values.attempts) } } : undefined
    })
    results.push(result)
    if (!result.right) console.log(`${wire} seed ${seed}: ${result.verdict}`)
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(tally(results))
console.log(
  `${results.length} runs in ${seconds} s on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`
)
const short = wires.some(wire => {
  const mine = results.filter(result => result.wire === wire)
  return mine.filter(result => result.right).length < Math.ceil(mine.length * 0.99)
})
process.exit(short ? 1 : 0)
