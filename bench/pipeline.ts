/**
 * Whole pipeline: one push-flow run of the action (dist/index.js) against the same requests made
 * one after another by curl (bench/pipeline-curl.sh), on an emulator with zero delays.
 *
 *   npm exec -- node bench/pipeline.ts [files, default 20] [MiB in all, default 200] [latency ms]
 *
 * The emulator (current wire) runs in this process with `speed: 'manual'` and a 100,000-row
 * board (competition 6) and 64 KiB game logs. Zero delays: as soon as a deploy has been answered,
 * this process settles the agent (`emu.settle`), so the first or second status read is terminal,
 * for the action and for curl alike (both wait 50 ms between reads). Manual speed rather than
 * `fast`: a fast deploy still takes about a second of real time, which would only add the
 * same constant to both sides.
 *
 * Setup (not timed): two agents in competition 6, one per side, each with the same files
 * uploaded and deployed 9 times, so each has 54 games before the run (60 after it): the run
 * reads the logs of the newest 60 games (those that keep a log: about five in six).
 *
 * Each competition allows 20 files per agent (the emulator enforces it), so the brief's 50
 * files (200 MiB) become 20 files of 10 MiB (200 MiB): the bytes are the same, the number of
 * upload requests smaller.
 *
 * Both sides make the same requests (the emulator's request log shows it; printed below).
 * Timed: spawn to exit of each. Figure: action time / curl time. Each side's time per phase is
 * printed too (the action's from its job summary, curl's from marks the script prints).
 *
 * With a latency (ms), every request, API and storage, waits that long in the emulator before
 * it is handled: the round trip to a real server, on loopback where there is none.
 */
import { mkdir, mkdtemp, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Emulator, RequestLogEntry } from '../emulator/index.ts'
import {
  EMULATOR_START,
  MIB,
  ROOT,
  emit,
  mib,
  note,
  randomFile,
  removeAll,
  run,
  runAction
} from './lib.ts'

const TARGET_RATIO = 0.7
const PRE_DEPLOYS = 9
const LOGS = 60
const POLL_SECONDS = '0.05'

/** Settles `agentId` once a deploy of it has been answered (checked every 2 ms). */
function settleOnDeploy(emu: Emulator, agentId: number): () => void {
  const suffix = `/${agentId}/deploy`
  let done = false
  const timer = setInterval(() => {
    if (done) return
    const deployed = emu
      .requests()
      .some(e => e.method === 'PUT' && e.path.endsWith(suffix) && e.status >= 200 && e.status < 300)
    if (deployed) {
      done = true
      emu.settle(agentId)
    }
  }, 2)
  return () => clearInterval(timer)
}

/** Requests by kind (`GET /api/…/:n/status`), for showing both sides made the same ones. */
function requestCounts(entries: RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of entries) {
    const route =
      e.server === 'storage'
        ? 'GET (storage) /logs/…'
        : `${e.method} ${e.path.replace(/\/\d+(?=\/|$)/g, '/:n')}`
    counts[route] = (counts[route] ?? 0) + 1
  }
  return counts
}

/** The action's own "Time per phase" table from its job summary, in ms ("1.2 s", "877 ms"). */
function phasesOfSummary(summary: string): Record<string, number> {
  const section = summary.split('### Time per phase')[1] ?? ''
  const phases: Record<string, number> = {}
  for (const match of section.matchAll(/^\| ([A-Z][^|*]*?) \| ([\d.]+) (ms|s|min) \|$/gm)) {
    const unit = { ms: 1, s: 1000, min: 60_000 }[match[3] as 'ms' | 's' | 'min']
    phases[(match[1] as string).toLowerCase()] = Number(match[2]) * unit
  }
  return phases
}

/** The curl script's phase marks (cumulative ms on stderr) as durations. */
function phasesOfCurl(stderr: string): Record<string, number> {
  const phases: Record<string, number> = {}
  let last = 0
  for (const match of stderr.matchAll(/^curl phase: (\S+) at (\d+) ms$/gm)) {
    phases[match[1] as string] = Number(match[2]) - last
    last = Number(match[2])
  }
  return phases
}

async function main(): Promise<void> {
  const fileCount = Number(process.argv[2] ?? 20)
  const totalMiB = Number(process.argv[3] ?? 200)
  const latencyMs = Number(process.argv[4] ?? 0)
  const fileBytes = Math.floor((totalMiB * MIB) / fileCount)
  const { startEmulator, COMPETITIONS } = await import('../emulator/index.ts')
  const { ArenaClient } = await import('../src/arena/client.js')
  const cid = COMPETITIONS.bigBoard
  const emu = await startEmulator({
    wire: 'current',
    speed: 'manual',
    leaderboardSize: 100_000,
    logBytes: 64 * 1024,
    startTime: EMULATOR_START
  })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-pipeline-'))
  try {
    const workspace = path.join(dir, 'agent')
    await mkdir(workspace)
    note(`writing ${fileCount} files of ${mib(fileBytes)}…`)
    const planned: { name: string; path: string; size: number }[] = []
    for (let i = 1; i <= fileCount; i++) {
      const name = `part-${String(i).padStart(2, '0')}.bin`
      await randomFile(path.join(workspace, name), fileBytes, `pipeline-${i}`)
      planned.push({ name, path: path.join(workspace, name), size: fileBytes })
    }

    note(`preparing two agents with ${PRE_DEPLOYS} deploys each…`)
    const client = new ArenaClient({
      baseUrl: emu.baseUrl,
      token: emu.tokens.user,
      wire: 'current'
    })
    const agents: number[] = []
    for (const side of ['action', 'curl']) {
      const agent = await client.createAgent(cid, `pipeline-bench-${side}`)
      for (const file of planned) await client.uploadFile(cid, agent.id, file)
      for (let i = 0; i < PRE_DEPLOYS; i++) {
        await client.deploy(cid, agent.id)
        emu.settle(agent.id)
      }
      agents.push(agent.id)
    }
    await client.close()
    const [actionAgent, curlAgent] = agents as [number, number]
    // Warm the board once, so neither side pays for the emulator's first ranking of 100,000 rows.
    await fetch(`${emu.baseUrl}/api/leaderboard/challenge/${cid}?aggregate=submission`, {
      headers: { authorization: `Bearer ${emu.tokens.user}` }
    }).then(r => r.arrayBuffer())

    if (latencyMs > 0) {
      // Every request (API and storage) waits this long before the emulator handles it: the
      // round trip to a real server, which concurrency and kept-alive connections can hide.
      emu.addFault({ kind: 'latency', latencyMs })
      emu.addFault({ route: 'GET /logs/**', kind: 'latency', latencyMs })
    }

    note('timing the action…')
    emu.clearRequests()
    let stop = settleOnDeploy(emu, actionAgent)
    const action = await runAction(
      {
        'api-key': emu.tokens.user,
        'base-url': emu.baseUrl,
        'competition-id': String(cid),
        'agent-id': String(actionAgent),
        files: '**',
        'working-directory': workspace,
        logs: String(LOGS),
        'poll-interval-seconds': POLL_SECONDS,
        'timeout-minutes': '5'
      },
      path.join(dir, 'action-run'),
      { workspace }
    ).finally(stop)
    const actionRequests = requestCounts(emu.requests())
    if (action.code !== 0 || action.outputs.outcome !== 'success') {
      note(action.stdout.slice(-3000) + action.stderr)
      throw new Error(`the action ended with ${action.code}, outcome ${action.outputs.outcome}`)
    }
    const actionLogs = (await readdir(action.outputs['logs-dir'] as string)).length

    note('timing curl…')
    emu.clearRequests()
    const out = path.join(dir, 'curl-out')
    await mkdir(out)
    stop = settleOnDeploy(emu, curlAgent)
    const curl = await run('bash', [path.join(ROOT, 'bench', 'pipeline-curl.sh')], {
      env: {
        ...process.env,
        BASE: emu.baseUrl,
        TOKEN: emu.tokens.user,
        CID: String(cid),
        AID: String(curlAgent),
        FILES_DIR: workspace,
        LOGS: String(LOGS),
        OUT: out,
        POLL_SECONDS
      }
    }).finally(stop)
    const curlRequests = requestCounts(emu.requests())
    if (curl.code !== 0) throw new Error(`the curl script failed: ${curl.stderr}`)
    const curlLogs = (await readdir(out)).filter(f => f.endsWith('.log')).length

    const routes = [
      ...new Set([...Object.keys(actionRequests), ...Object.keys(curlRequests)])
    ].sort()
    console.log(`${'requests'.padEnd(52)}action   curl`)
    for (const route of routes)
      console.log(
        `${route.padEnd(52)}${String(actionRequests[route] ?? 0).padStart(6)} ${String(curlRequests[route] ?? 0).padStart(6)}`
      )
    const actionPhases = phasesOfSummary(action.summary)
    const curlPhases = phasesOfCurl(curl.stderr)
    const inPhases = Object.values(actionPhases).reduce((sum, t) => sum + t, 0)
    actionPhases['outside the phases'] = action.ms - inPhases
    console.log(`time per phase (ms), action: ${JSON.stringify(actionPhases)}`)
    console.log(`time per phase (ms), curl: ${JSON.stringify(curlPhases)}`)
    const ratio = action.ms / curl.ms
    note(
      `action ${Math.round(action.ms)} ms (${actionLogs} logs, rank ${action.outputs.rank}), curl ${Math.round(curl.ms)} ms (${curlLogs} logs)`
    )
    emit({
      figure: latencyMs > 0 ? `whole pipeline, ${latencyMs} ms per request` : 'whole pipeline',
      result: `${ratio.toFixed(2)} × curl (action ${(action.ms / 1000).toFixed(2)} s, curl script ${(curl.ms / 1000).toFixed(2)} s)`,
      target: `≤ ${TARGET_RATIO} × curl`,
      pass: ratio <= TARGET_RATIO,
      detail: {
        files: fileCount,
        latencyMs,
        fileBytes,
        logsFetched: { action: actionLogs, curl: curlLogs },
        leaderboardRows: 100_000,
        actionMs: action.ms,
        curlMs: curl.ms,
        actionPeakRssBytes: action.maxRssBytes,
        requests: { action: actionRequests, curl: curlRequests },
        phasesMs: { action: actionPhases, curl: curlPhases }
      },
      command: `npm exec -- node bench/pipeline.ts ${fileCount} ${totalMiB}${latencyMs > 0 ? ` ${latencyMs}` : ''}`
    })
  } finally {
    await removeAll(dir)
    await emu.close()
  }
}

await main()
