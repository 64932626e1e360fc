// Preloaded with `node --import` into a process under measurement: at exit, writes the
// process's peak resident set size (bytes) to $BENCH_RSS_FILE. Plain JavaScript on purpose: a
// TypeScript preload would load Node's type stripper and inflate the very figure it reports.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
  })
}
