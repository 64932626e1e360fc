/**
 * `npm run --silent emulator -- [--wire current|legacy] [--port N] [--speed fast|realtime|manual]
 *   [--seed N] [--fault-rate P] [--fault-kinds a,b] [--leaderboard-size N] [--log-bytes N]
 *   [--storage-faults]`
 * Prints exactly one JSON line on stdout once ready, then serves until SIGTERM/SIGINT.
 * Anything else (errors) goes to stderr.
 */
import { parseArgs } from 'node:util'
import { COURSE_TOKENS, startEmulator } from './index.ts'
import type { EmulatorOptions, Speed, WireName } from './types.ts'

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new Error(`--${name} needs a number, got "${raw}"`)
  return value
}

function parseOptions(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      wire: { type: 'string' },
      port: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      'leaderboard-size': { type: 'string' },
      'log-bytes': { type: 'string' },
      'storage-faults': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    console.error(
      'usage: npm run --silent emulator -- [--wire current|legacy] [--port N] [--speed fast|realtime|manual] [--seed N] [--fault-rate P] [--fault-kinds 429,500,...] [--leaderboard-size N] [--log-bytes N] [--storage-faults]'
    )
    process.exit(0)
  }
  return {
    wire: values.wire as WireName | undefined,
    speed: values.speed as Speed | undefined,
    port: numberOption('port', values.port),
    seed: numberOption('seed', values.seed),
    faultRate: numberOption('fault-rate', values['fault-rate']),
    faultKinds: values['fault-kinds']
      ?.split(',')
      .map(k => k.trim())
      .filter(Boolean),
    leaderboardSize: numberOption('leaderboard-size', values['leaderboard-size']),
    logBytes: numberOption('log-bytes', values['log-bytes']),
    storageFaults: values['storage-faults'] ?? false
  }
}

async function main(): Promise<void> {
  let options: EmulatorOptions
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`mlarena-emulator: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
  const emulator = await startEmulator(options)
  const speed = options.speed ?? 'manual'
  process.stdout.write(
    `${JSON.stringify({
      baseUrl: emulator.baseUrl,
      storageUrl: emulator.storageUrl,
      wire: emulator.wire,
      speed,
      // npm does not pass signals on to this process: scripts stop it with kill <pid>.
      pid: process.pid,
      tokens: emulator.tokens,
      competitions: emulator.competitions,
      courses: emulator.courses,
      courseTokens: COURSE_TOKENS
    })}\n`
  )
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    emulator.close().then(
      () => process.exit(0),
      error => {
        console.error('mlarena-emulator: error while closing:', error)
        process.exit(1)
      }
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(error => {
  console.error('mlarena-emulator: failed to start:', error)
  process.exit(1)
})
