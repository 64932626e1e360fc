// Preloaded with `node --import` into a process under measurement: at exit, writes the CPU time
// the process used (user + system, in microseconds, all its threads) to $BENCH_CPU_FILE. On a
// shared machine a busy moment stretches wall time but hardly CPU time. Plain JavaScript on
// purpose: a TypeScript preload would load Node's type stripper and inflate the figure.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_CPU_FILE
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage()
    writeFileSync(file, String(user + system))
  })
}
