/**
 * Runs every benchmark, one process each (one after another, so they do not compete), and prints
 * the machine and a table of figure, result and target. A benchmark never fails the build: the
 * exit code is 0 whatever the figures say (non-zero only when a script itself broke).
 *
 *   npm run bench                      # everything (about a minute and a half)
 *   npm run bench -- cold-start polling # some of them, by script name
 *   npm run bench -- --markdown        # the table as Markdown (for BENCHMARKS.md)
 *
 * Needs dist/ to be fresh (`npm run bundle`): the action is measured as users run it. Every
 * figure with its raw numbers is also written to bench/out/results.json (git-ignored).
 */
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ROOT, machine, type Figure } from './lib.ts'

/** Script name and arguments; a name may come twice with other arguments. */
const SCRIPTS: readonly { name: string; args: string[] }[] = [
  { name: 'cold-start', args: [] },
  { name: 'upload-throughput', args: [] },
  { name: 'upload-memory', args: [] },
  { name: 'replay-memory', args: [] },
  { name: 'pipeline', args: [] },
  { name: 'pipeline', args: ['20', '200', '20'] },
  { name: 'polling', args: [] },
  { name: 'leaderboard', args: [] },
  { name: 'challenge', args: [] },
  { name: 'runner-minutes', args: [] }
]

function runScript(
  name: string,
  args: string[]
): Promise<{ figures: Figure[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'bench', `${name}.ts`), ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    const figures: Figure[] = []
    let pending = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('BENCH ')) figures.push(JSON.parse(line.slice(6)) as Figure)
        else process.stderr.write(`  ${line}\n`)
      }
    })
    child.on('error', reject)
    child.on('close', code => resolve({ figures, code }))
  })
}

const args = process.argv.slice(2)
const markdown = args.includes('--markdown')
const chosen = args.filter(a => !a.startsWith('--'))
const names = [...new Set(SCRIPTS.map(s => s.name))]
const unknown = chosen.filter(a => !names.includes(a))
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${names.join(', ')}`)
  process.exit(2)
}

const m = await machine()
const figures: Figure[] = []
let broken = 0
for (const { name, args: scriptArgs } of SCRIPTS.filter(
  s => chosen.length === 0 || chosen.includes(s.name)
)) {
  process.stderr.write(`— ${[name, ...scriptArgs].join(' ')}\n`)
  const result = await runScript(name, scriptArgs)
  figures.push(...result.figures)
  if (result.code !== 0 || result.figures.length === 0) {
    broken += 1
    process.stderr.write(`  ${name} did not finish (exit ${result.code})\n`)
  }
}

const header = `${m.date} · ${m.nproc} CPUs (${m.cpu}) · ${m.memoryGiB} GiB · Node ${m.node} · ${m.curl} · ${m.platform}`
if (markdown) {
  console.log(`Measured ${header}\n`)
  console.log('| figure | result | target | met | command |')
  console.log('|---|---|---|---|---|')
  for (const f of figures)
    console.log(
      `| ${f.figure} | ${f.result} | ${f.target} | ${f.pass ? 'yes' : '**no**'} | \`${f.command}\` |`
    )
} else {
  console.log(`\n${header}\n`)
  const width = Math.max(...figures.map(f => f.figure.length), 6)
  for (const f of figures) {
    console.log(`${f.pass ? '✓' : '✗'} ${f.figure.padEnd(width)}  ${f.result}`)
    console.log(`  ${''.padEnd(width)}  target ${f.target} · ${f.command}`)
  }
}
const out = path.join(ROOT, 'bench', 'out')
await mkdir(out, { recursive: true })
await writeFile(
  path.join(out, 'results.json'),
  `${JSON.stringify({ machine: m, figures }, null, 2)}\n`
)
if (broken > 0) process.exitCode = 1
