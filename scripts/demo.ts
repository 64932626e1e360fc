/**
 * `npm run demo -- [job] [--wire current|legacy] [--speed fast|realtime] [--fail] [--debug] [--html DIR]`
 *
 * Runs the bundled actions (dist/) end to end, the way a runner runs them, against the ML Arena
 * emulator started in this process (and a fake GitHub API for pull requests): no network, no
 * account. Each job (scripts/demo/jobs.ts) is one workflow a user copies: a push, a pull
 * request, a schedule, a challenge, a student, a class report. The action's log streams as it
 * happens (workflow commands as plain text); then its outputs and its job summary in terminal
 * form. With --html DIR the job's summaries and comments are also written as DIR/<job>.html,
 * rendered as GitHub renders them (scripts/demo/html.ts). Exits with the first failing step's
 * exit code, 0 when every step succeeded.
 *
 * Node 24 runs this file directly (type stripping): erasable TypeScript only, `.ts` imports.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/index.ts'
import { renderPage } from './demo/html.ts'
import { findJob, HOSTILE_NAMES_NOTE, jobNames, JOBS } from './demo/jobs.ts'
import { ACTIONS, ROOT } from './demo/runner.ts'
import { DemoSession, paint, say, type DemoOptions } from './demo/session.ts'

export { newLogView, viewLine, applyMasks, unescapeCommandData } from './demo/log-view.ts'
export { summaryToText, decodeEntities } from './demo/terminal.ts'
export type { DemoOptions } from './demo/session.ts'

const OPTIONS = ['--wire', '--speed', '--fail', '--debug', '--html', '--help']

export function usage(): string {
  const widest = Math.max(...jobNames().map(name => name.length))
  const jobs = JOBS.map(job => `  ${job.name.padEnd(widest)}  ${job.about}`).join('\n')
  return `usage: npm run demo -- [job] [options]
  (the -- matters: without it npm takes the options for itself and the demo never sees them)

jobs:
${jobs}

options:
  --wire current|legacy   which generation of the ML Arena API the emulator speaks (default current)
  --speed fast|realtime   realtime (default): an evaluation takes about half a minute, as if
                          watched live; fast: a second or two
  --fail                  submit an agent whose every run fails at import, to show a failure report
  --debug                 also show the actions' ::debug:: lines
  --html DIR              also write DIR/<job>.html: the job summary (and the comment) as GitHub
                          renders them, one self-contained page that works offline
  --help                  this text

e.g. npm run demo -- pull-request --speed fast --html demo-pages`
}

/** The command line; 'help' for -h/--help. Throws an Error whose message says what is wrong. */
export function parseDemoArgs(argv: string[]): DemoOptions | 'help' {
  if (argv.includes('--challenge')) {
    throw new Error('--challenge is a job now: npm run demo -- challenge')
  }
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new Error(`${message}; the options are ${OPTIONS.join(', ')}`)
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (positionals.length > 1) {
    throw new Error(
      `one job at a time, not ${positionals.join(' and ')}; the jobs are ${jobNames().join(', ')}`
    )
  }
  const job = positionals[0] ?? 'push'
  const known = findJob(job)
  if (!known)
    throw new Error(`no job named ${JSON.stringify(job)}; the jobs are ${jobNames().join(', ')}`)
  const wire = values.wire
  const speed = values.speed
  if (wire !== 'current' && wire !== 'legacy') {
    throw new Error(`--wire must be current or legacy, not ${JSON.stringify(wire)}`)
  }
  if (speed !== 'fast' && speed !== 'realtime') {
    throw new Error(`--speed must be fast or realtime, not ${JSON.stringify(speed)}`)
  }
  if (!known.wires.includes(wire)) {
    throw new Error(
      `the ${job} job needs the ${known.wires.join(' or ')} wire: the ${wire} wire has no such routes`
    )
  }
  const html = values.html === undefined ? null : values.html
  if (html !== null && html.trim() === '')
    throw new Error('--html needs a folder, e.g. --html demo-pages')
  return { job, wire, speed, fail: values.fail, debug: values.debug, html }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      wire: { type: 'string', default: 'current' },
      speed: { type: 'string', default: 'realtime' },
      fail: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: true
  })
}

/**
 * Ctrl-C reaches the action directly (same terminal), and npm forwards it once more: the action
 * then stops and writes its report. The demo waits for that; if the action is still running a few
 * seconds later it gets SIGTERM, and a Ctrl-C pressed again later kills it.
 */
function handleInterrupts(child: ChildProcess): () => void {
  let first = 0
  let stopTimer: NodeJS.Timeout | undefined
  const onSignal = (): void => {
    const now = Date.now()
    if (first === 0) {
      first = now
      say(paint('yellow', 'Interrupted: the action stops and writes its report…'))
      stopTimer = setTimeout(() => child.kill('SIGTERM'), 5000)
      stopTimer.unref()
    } else if (now - first > 1000) {
      child.kill('SIGKILL')
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    if (stopTimer) clearTimeout(stopTimer)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}

/**
 * `npm run demo --fail` (no `--`): npm takes the option as its own config, sets
 * npm_config_fail, and runs the demo without it. Say so instead of running another demo.
 */
export function optionsNpmTook(env: NodeJS.ProcessEnv): string[] {
  return ['wire', 'speed', 'fail', 'debug', 'html']
    .filter(name => env[`npm_config_${name}`] !== undefined)
    .map(name => `--${name}`)
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const took = optionsNpmTook(env)
  if (took.length > 0) {
    console.error(
      `demo: npm took ${took.join(', ')} for itself: put -- before the demo's options, e.g. npm run demo -- ${took[0]}${took[0] === '--fail' || took[0] === '--debug' ? '' : ' …'}\n\n${usage()}`
    )
    return 2
  }
  let options: DemoOptions | 'help'
  try {
    options = parseDemoArgs(argv)
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}\n\n${usage()}`)
    return 2
  }
  if (options === 'help') {
    say(usage())
    return 0
  }
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    console.error(
      `demo: the actions run on Node 24, this is Node ${process.versions.node}: run it as npm run demo (npm puts the Node 24 of the node dev dependency first on PATH).`
    )
    return 1
  }
  const missing = Object.values(ACTIONS)
    .map(action => path.join(ROOT, action.entry))
    .filter(entry => !existsSync(entry))
  if (missing.length > 0) {
    console.error(`demo: ${missing.join(', ')} missing: run npm run bundle first.`)
    return 1
  }
  const job = findJob(options.job)
  if (!job) return 2

  const emulator = await startEmulator({ wire: options.wire, speed: options.speed })
  const session = new DemoSession(emulator, options, handleInterrupts)
  try {
    const pace =
      options.speed === 'realtime'
        ? 'realtime clock: an evaluation takes about half a minute'
        : 'fast clock: an evaluation takes a second or two'
    say(paint('bold', `mlarena-action demo, job ${job.name}: ${job.about}`))
    say(
      `ML Arena   the emulator at ${emulator.baseUrl} (${emulator.wire} wire, ${pace}); no network, no account`
    )
    say()
    await job.run(session)
  } finally {
    await session.close().finally(() => emulator.close())
  }
  if (options.html !== null) {
    const dir = path.resolve(options.html)
    await mkdir(dir, { recursive: true })
    const file = path.join(dir, `${job.name}.html`)
    const note = job.hostileBoard ? ` ${HOSTILE_NAMES_NOTE.replaceAll('`', '')}` : ''
    await writeFile(
      file,
      await renderPage(
        job,
        session.sections,
        `Rendered offline from the run’s own Markdown, as GitHub renders it.${note}`
      )
    )
    say()
    say(`The page: ${file}`)
  }
  return session.code
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code
    },
    error => {
      console.error('demo: failed:', error)
      process.exitCode = 1
    }
  )
}
