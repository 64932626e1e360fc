/**
 * Upload throughput: one big file through the action's client (ArenaClient.uploadFile, in a
 * child process of its own) against `curl -F file=@…` sending the same multipart upload to the
 * same route of the emulator. Interleaved pairs; medians.
 *
 *   npm exec -- node bench/upload-throughput.ts [MiB, default 1024] [pairs, default 3]
 *
 * The file is pseudo-random (a model file does not compress; nothing here compresses anyway)
 * and is read from the page cache by both. curl's own time_total is used (it excludes curl's
 * process start), so the floor is as hard as it can be. The emulator checks every byte arrived
 * (size and sha256) after each upload.
 */
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EMULATOR_START, MIB, emit, median, mib, note, randomFile, removeAll, run } from './lib.ts'

const HERE = fileURLToPath(import.meta.url)
const TARGET_RATIO = 0.8

interface ClientReport {
  uploadMs: number
  bytes: number
}

/** In the child: one upload with the action's client, timed around uploadFile only. */
async function child(baseUrl: string, token: string, agentId: number, file: string): Promise<void> {
  const { ArenaClient } = await import('../src/arena/client.js')
  const { stat } = await import('node:fs/promises')
  const client = new ArenaClient({ baseUrl, token, wire: 'current' })
  const size = (await stat(file)).size
  const started = performance.now()
  await client.uploadFile(1, agentId, { name: path.basename(file), path: file, size })
  const uploadMs = performance.now() - started
  await client.close()
  const report: ClientReport = { uploadMs, bytes: size }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.argv[2] ?? 1024)
  const pairs = Number(process.argv[3] ?? 3)
  const size = sizeMiB * MIB
  const { startEmulator } = await import('../emulator/index.ts')
  const emu = await startEmulator({ wire: 'current', speed: 'manual', startTime: EMULATOR_START })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-upload-throughput-'))
  try {
    const file = path.join(dir, 'model.bin')
    note(`writing ${mib(size)} of pseudo-random bytes…`)
    const sha256 = await randomFile(file, size, 'upload-throughput')
    const created = await fetch(`${emu.baseUrl}/api/submissions/challenge/1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.tokens.user}`, 'content-type': 'application/json' },
      body: JSON.stringify({ submission_name: 'throughput-bench' })
    })
    const agentId = ((await created.json()) as { submission_id: number }).submission_id
    const route = `${emu.baseUrl}/api/submissions/challenge/1/${agentId}/file`

    const intact = (): boolean => {
      const stored = emu.state().agents.find(a => a.id === agentId)?.files[0]
      return stored?.size === size && stored.sha256 === sha256
    }
    const clientMs: number[] = []
    const curlMs: number[] = []
    for (let i = 0; i < pairs; i++) {
      const c = await run(process.execPath, [
        '--disable-warning=ExperimentalWarning',
        HERE,
        'child',
        emu.baseUrl,
        emu.tokens.user,
        String(agentId),
        file
      ])
      if (c.code !== 0) throw new Error(`client child failed: ${c.stderr}`)
      if (!intact()) throw new Error('the emulator did not get the client upload intact')
      clientMs.push((JSON.parse(c.stdout.trim()) as ClientReport).uploadMs)

      const curl = await run('curl', [
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{time_total}',
        '-X',
        'PUT',
        '-H',
        `Authorization: Bearer ${emu.tokens.user}`,
        '-F',
        `file=@${file}`,
        route
      ])
      const [code, seconds] = curl.stdout.trim().split(' ')
      if (curl.code !== 0 || code !== '200')
        throw new Error(`curl failed: ${curl.stdout} ${curl.stderr}`)
      if (!intact()) throw new Error('the emulator did not get the curl upload intact')
      curlMs.push(Number(seconds) * 1000)
      note(
        `pair ${i + 1}: client ${Math.round(clientMs[i] as number)} ms, curl ${Math.round(curlMs[i] as number)} ms`
      )
    }
    const client = median(clientMs)
    const curl = median(curlMs)
    const ratio = curl / client
    const rate = (t: number): string => `${(size / MIB / (t / 1000)).toFixed(0)} MiB/s`
    emit({
      figure: 'upload throughput',
      result: `${ratio.toFixed(2)} × curl (client ${rate(client)}, curl ${rate(curl)}, ${mib(size)})`,
      target: `≥ ${TARGET_RATIO} × curl`,
      pass: ratio >= TARGET_RATIO,
      detail: {
        fileBytes: size,
        pairs,
        clientMs,
        curlMs,
        medianClientMs: client,
        medianCurlMs: curl,
        ratio
      },
      command: `npm exec -- node bench/upload-throughput.ts ${sizeMiB} ${pairs}`
    })
  } finally {
    await removeAll(dir)
    await emu.close()
  }
}

if (process.argv[2] === 'child') {
  const [, , , baseUrl, token, agentId, file] = process.argv
  await child(baseUrl as string, token as string, Number(agentId), file as string)
} else {
  await main()
}
