/**
 * Peak memory of ArenaClient.uploadFile, to show it does not grow with the file's size.
 *
 *   npm exec -- node bench/upload-memory.ts [sizes in MiB, default: 100 1024]
 *
 * Starts the emulator (current wire) in this process, writes a sparse file per size in the OS
 * temp dir, and uploads each in a child process of its own (so each peak is that upload's
 * alone). Each child prints its peak RSS (process.resourceUsage().maxRSS); this process checks
 * the emulator got every byte (size and sha256), then prints a JSON line and a readable line per
 * size. The files are removed at the end.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { registerHooks } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// src/ imports its siblings as './x.js' (NodeNext); Node runs the .ts files directly.
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js'))
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  }
})

const MIB = 1024 * 1024
const HERE = fileURLToPath(import.meta.url)

interface ChildReport {
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
    bytes: sent,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    uploadMs
  }
  process.stdout.write(`${JSON.stringify({ agentId: agent.id, ...report })}\n`)
}

async function sparseFile(file: string, size: number): Promise<string> {
  const handle = await open(file, 'w')
  for (const at of [0, Math.floor(size / 2), size - 8])
    await handle.write(Buffer.from('mlarena!'), 0, 8, at)
  await handle.truncate(size)
  await handle.close()
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: MIB }))
    hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function runChild(args: string[]): Promise<ChildReport & { agentId: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', HERE, 'child', ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    )
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    proc.on('error', reject)
    proc.on('close', code => {
      if (code !== 0) reject(new Error(`upload child exited with ${code}`))
      else resolve(JSON.parse(out.trim()) as ChildReport & { agentId: number })
    })
  })
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`
}

async function main(): Promise<void> {
  const sizes = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['100', '1024']).map(
    s => Number(s) * MIB
  )
  const { startEmulator } = await import('../emulator/index.ts')
  const emu = await startEmulator({ wire: 'current', speed: 'manual' })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-upload-memory-'))
  try {
    for (const size of sizes) {
      const file = path.join(dir, `model-${size}.bin`)
      const sha256 = await sparseFile(file, size)
      const report = await runChild([emu.baseUrl, emu.tokens.user, file, String(size)])
      await rm(file)
      const stored = emu.state().agents.find(a => a.id === report.agentId)?.files[0]
      const intact = stored?.size === size && stored.sha256 === sha256
      const line = {
        bench: 'upload-memory',
        fileBytes: size,
        sentBytes: report.bytes,
        maxRssBytes: report.maxRssBytes,
        uploadMs: report.uploadMs,
        serverSha256Matches: intact,
        node: process.version
      }
      console.log(JSON.stringify(line))
      console.log(
        `upload ${mib(size)}: peak RSS ${mib(report.maxRssBytes)} in ${(report.uploadMs / 1000).toFixed(1)} s (${mib((size / report.uploadMs) * 1000)}/s); server sha256 ${intact ? 'matches' : 'DIFFERS'}`
      )
      if (!intact) process.exitCode = 1
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
    await emu.close()
  }
}

if (process.argv[2] === 'child') {
  const [, , , baseUrl, token, file, size] = process.argv
  await child(baseUrl as string, token as string, file as string, Number(size))
} else {
  await main()
}
