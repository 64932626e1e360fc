/**
 * Peak memory of an upload, to show it stays low and does not grow with the file's size.
 *
 *   npm exec -- node bench/upload-memory.ts [sizes in MiB, default: 100 1024]
 *
 * Starts the emulator (current wire) in this process and, for each size, writes a sparse file in
 * the OS temp dir and uploads it twice, each time in a process of its own (so each peak is that
 * upload's alone):
 * - the action: `node dist/index.js` with `files` = that file and `wait: false` (create,
 *   upload, deploy, one status read, report), its peak RSS written at exit by
 *   bench/rss-at-exit.mjs;
 * - the client alone: ArenaClient.uploadFile from the TypeScript sources (Node's type stripper
 *   adds ~17 MiB to this one).
 * After each upload this process checks the emulator got every byte (size and sha256). One
 * readable line per upload; the figure is the action's peak at the largest size, and its growth
 * from the smallest.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  EMULATOR_START,
  MIB,
  emit,
  mib,
  note,
  removeAll,
  run,
  runAction,
  sparseFile
} from './lib.ts'

const HERE = fileURLToPath(import.meta.url)
const TARGET_MIB = 150
/** "Flat": the peak at the largest size is at most this much above the peak at the smallest. */
const FLAT_RATIO = 1.1

interface ChildReport {
  agentId: number
  bytes: number
  maxRssBytes: number
  uploadMs: number
}

async function child(baseUrl: string, token: string, file: string, size: number): Promise<void> {
  const { ArenaClient } = await import('../src/arena/client.js')
  const client = new ArenaClient({ baseUrl, token, wire: 'current' })
  const agent = await client.createAgent(1, `memory-bench-${size}`)
  const started = performance.now()
  let sent = 0
  await client.uploadFile(1, agent.id, { name: path.basename(file), path: file, size }, bytes => {
    sent = bytes
  })
  const uploadMs = Math.round(performance.now() - started)
  await client.close()
  const report: ChildReport = {
    agentId: agent.id,
    bytes: sent,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    uploadMs
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

async function main(): Promise<void> {
  const sizesMiB = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 1024]
  const { startEmulator } = await import('../emulator/index.ts')
  const emu = await startEmulator({ wire: 'current', speed: 'manual', startTime: EMULATOR_START })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-upload-memory-'))
  const actionPeaks: number[] = []
  const clientPeaks: number[] = []
  let allIntact = true
  try {
    for (const sizeMiB of sizesMiB) {
      const size = sizeMiB * MIB
      const workspace = path.join(dir, `ws-${sizeMiB}`)
      await mkdir(workspace)
      const name = `model-${sizeMiB}.bin`
      const file = path.join(workspace, name)
      const sha256 = await sparseFile(file, size)
      const intact = (agentId: number): boolean => {
        const stored = emu.state().agents.find(a => a.id === agentId)?.files[0]
        return stored?.size === size && stored.sha256 === sha256
      }

      const action = await runAction(
        {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': '1',
          files: name,
          'working-directory': workspace,
          wait: 'false',
          logs: '0'
        },
        path.join(dir, `run-${sizeMiB}`),
        { workspace }
      )
      const actionAgent = Number(action.outputs['agent-id'])
      const actionIntact = action.code === 0 && intact(actionAgent)
      if (!actionIntact) note(action.stdout.slice(-2000) + action.stderr)
      actionPeaks.push(action.maxRssBytes)
      console.log(
        `action, ${mib(size)}: peak RSS ${mib(action.maxRssBytes)}, whole run ${(action.ms / 1000).toFixed(1)} s (outcome ${action.outputs.outcome ?? '?'}); server sha256 ${actionIntact ? 'matches' : 'DIFFERS'}`
      )

      const c = await run(process.execPath, [
        '--disable-warning=ExperimentalWarning',
        HERE,
        'child',
        emu.baseUrl,
        emu.tokens.user,
        file,
        String(size)
      ])
      if (c.code !== 0) throw new Error(`upload child failed: ${c.stderr}`)
      const report = JSON.parse(c.stdout.trim()) as ChildReport
      const clientIntact = intact(report.agentId)
      clientPeaks.push(report.maxRssBytes)
      console.log(
        `client, ${mib(size)}: peak RSS ${mib(report.maxRssBytes)}, upload ${(report.uploadMs / 1000).toFixed(1)} s (${mib((size / report.uploadMs) * 1000)}/s); server sha256 ${clientIntact ? 'matches' : 'DIFFERS'}`
      )
      allIntact &&= actionIntact && clientIntact
      await rm(file)
    }
  } finally {
    await removeAll(dir)
    await emu.close()
  }

  const first = actionPeaks[0] ?? NaN
  const last = actionPeaks[actionPeaks.length - 1] ?? NaN
  const growth = last / first
  const sizes = sizesMiB.map(s => (s >= 1024 ? `${s / 1024} GiB` : `${s} MiB`))
  emit({
    figure: 'upload memory',
    result: `action peak RSS ${sizes.map((s, i) => `${s}: ${mib(actionPeaks[i] as number)}`).join(', ')} (× ${growth.toFixed(2)}); client alone ${clientPeaks.map(p => mib(p)).join(', ')}`,
    target: `≤ ${TARGET_MIB} MiB, flat (× ≤ ${FLAT_RATIO})`,
    pass: allIntact && Math.max(...actionPeaks) <= TARGET_MIB * MIB && growth <= FLAT_RATIO,
    detail: {
      sizesMiB,
      actionPeakBytes: actionPeaks,
      clientPeakBytes: clientPeaks,
      growth,
      allIntact
    },
    command: `npm exec -- node bench/upload-memory.ts ${sizesMiB.join(' ')}`
  })
  if (!allIntact) process.exitCode = 1
}

if (process.argv[2] === 'child') {
  const [, , , baseUrl, token, file, size] = process.argv
  await child(baseUrl as string, token as string, file as string, Number(size))
} else {
  await main()
}
