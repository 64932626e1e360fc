/**
 * Leaderboard: finding this agent's rank and rendering the report for a 100,000-row board.
 *
 *   npm exec -- node bench/leaderboard.ts [rows, default 100000] [processes, default 3]
 *
 * Setup (not timed): the emulator with a board of `rows` rows (competition 6, current wire);
 * the action's pipeline runs in this process against it (create, upload, deploy, watch with a
 * clock that moves the emulator's, logs, leaderboard) to get a real RunOutcome; the board is read
 * once more, as the bytes the action receives (`aggregate=submission`, every row).
 *
 * Timed, in fresh processes (the action runs this once per job, so the first, cold pass is
 * the figure; later passes show the warm cost): the bytes → text → JSON.parse, parseLeaderboard,
 * buildRankReport, renderSummary, renderComment. The figure is the median over the processes of
 * the cold pass. The floor, for scale: the same bytes → text → JSON.parse alone, cold, in as many
 * fresh processes (no reader of the whole board can do less).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunOutcome } from '../src/evaluation/outcome.js'
import { runPipelineInProcess, simulatedClock } from './in-process.ts'
import { EMULATOR_START, emit, median, note, removeAll, run } from './lib.ts'

const HERE = fileURLToPath(import.meta.url)
const TARGET_MS = 300
const PASSES = 5

interface Pass {
  parseMs: number
  mapMs: number
  rankMs: number
  summaryMs: number
  commentMs: number
  totalMs: number
}

interface ChildReport {
  passes: Pass[]
  boardBytes: number
  rows: number
  rank: number | null
  summaryBytes: number
  commentChars: number
}

async function child(dir: string): Promise<void> {
  const { parseLeaderboard } = await import('../src/arena/leaderboard.js')
  const { buildRankReport } = await import('../src/evaluation/steps/rank.js')
  const { renderSummary } = await import('../src/evaluation/report/summary.js')
  const { renderComment } = await import('../src/evaluation/report/comment.js')
  const { nextMarkerState, renderMarker } = await import('../src/evaluation/report/marker.js')
  const outcome = JSON.parse(await readFile(path.join(dir, 'outcome.json'), 'utf8')) as RunOutcome
  const bytes = await readFile(path.join(dir, 'board.json'))
  const agent = { id: outcome.agentId as number, name: outcome.agentName }
  const ctx = { what: 'the leaderboard', route: 'GET /api/leaderboard/challenge/6' }
  const passes: Pass[] = []
  let report: ChildReport | null = null
  for (let i = 0; i < PASSES; i++) {
    const t0 = performance.now()
    const data = JSON.parse(bytes.toString('utf8').trim()) as unknown
    const t1 = performance.now()
    const board = parseLeaderboard('current', data, ctx)
    const t2 = performance.now()
    outcome.rank = buildRankReport(board, agent, { rank: 10, score: 1 })
    const t3 = performance.now()
    const summary = renderSummary(outcome)
    const t4 = performance.now()
    const comment = renderComment(outcome, renderMarker('6:bench', nextMarkerState(outcome, null)))
    const t5 = performance.now()
    passes.push({
      parseMs: t1 - t0,
      mapMs: t2 - t1,
      rankMs: t3 - t2,
      summaryMs: t4 - t3,
      commentMs: t5 - t4,
      totalMs: t5 - t0
    })
    report ??= {
      passes,
      boardBytes: bytes.length,
      rows: board.rows.length,
      rank: outcome.rank.row?.rank ?? null,
      summaryBytes: Buffer.byteLength(summary),
      commentChars: comment.length
    }
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

/** Runs the action's pipeline in this process against the emulator; returns its outcome. */
async function realOutcome(
  rows: number,
  dir: string
): Promise<{ outcome: unknown; board: Buffer }> {
  const { startEmulator, COMPETITIONS } = await import('../emulator/index.ts')
  const emu = await startEmulator({
    wire: 'current',
    speed: 'manual',
    leaderboardSize: rows,
    startTime: EMULATOR_START
  })
  try {
    const outcome = await runPipelineInProcess(
      emu,
      { 'competition-id': String(COMPETITIONS.bigBoard), files: 'agent.py', logs: '3' },
      { 'agent.py': 'class Agent:\n    def act(self, o):\n        return 0\n' },
      dir,
      simulatedClock(emu)
    )
    if (outcome.kind !== 'success') throw new Error(`the pipeline ended in ${outcome.kind}`)
    const answer = await fetch(
      `${emu.baseUrl}/api/leaderboard/challenge/${COMPETITIONS.bigBoard}?aggregate=submission`,
      { headers: { authorization: `Bearer ${emu.tokens.user}` } }
    )
    const board = Buffer.from(await answer.arrayBuffer())
    return { outcome: { ...outcome, rank: null }, board }
  } finally {
    await emu.close()
  }
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000)
  const processes = Number(process.argv[3] ?? 3)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-leaderboard-'))
  try {
    note(`preparing a ${rows}-row board and a real outcome…`)
    const { outcome, board } = await realOutcome(rows, dir)
    await writeFile(path.join(dir, 'outcome.json'), JSON.stringify(outcome))
    await writeFile(path.join(dir, 'board.json'), board)
    const reports: ChildReport[] = []
    for (let i = 0; i < processes; i++) {
      const c = await run(process.execPath, [
        '--disable-warning=ExperimentalWarning',
        HERE,
        'child',
        dir
      ])
      if (c.code !== 0) throw new Error(`timing child failed: ${c.stderr}`)
      reports.push(JSON.parse(c.stdout.trim()) as ChildReport)
    }
    const floors: number[] = []
    for (let i = 0; i < processes; i++) {
      const c = await run(process.execPath, [
        '--disable-warning=ExperimentalWarning',
        HERE,
        'floor',
        dir
      ])
      if (c.code !== 0) throw new Error(`floor child failed: ${c.stderr}`)
      floors.push(Number(c.stdout.trim()))
    }
    const floorMs = median(floors)
    const first = reports[0] as ChildReport
    const cold = reports.map(r => (r.passes[0] as Pass).totalMs)
    const warm = reports.flatMap(r => r.passes.slice(1).map(p => p.totalMs))
    const part = (key: keyof Pass): number => median(reports.map(r => (r.passes[0] as Pass)[key]))
    const coldMs = median(cold)
    const parts = `parse ${Math.round(part('parseMs'))}, map ${Math.round(part('mapMs'))}, rank ${Math.round(part('rankMs'))}, summary ${Math.round(part('summaryMs'))}, comment ${Math.round(part('commentMs'))} ms`
    note(
      `${first.rows} rows, ${(first.boardBytes / 1e6).toFixed(1)} MB; rank ${first.rank}; summary ${first.summaryBytes} bytes, comment ${first.commentChars} chars`
    )
    note(
      `cold: ${cold.map(Math.round).join(', ')} ms (${parts}); warm median ${Math.round(median(warm))} ms`
    )
    emit({
      figure: 'leaderboard',
      result: `${Math.round(coldMs)} ms cold (${parts}; floor: JSON.parse alone ${Math.round(floorMs)} ms); warm ${Math.round(median(warm))} ms; ${first.rows} rows, ${(first.boardBytes / 1e6).toFixed(1)} MB`,
      target: `≤ ${TARGET_MS} ms`,
      pass: coldMs <= TARGET_MS,
      detail: {
        rows: first.rows,
        boardBytes: first.boardBytes,
        coldMs: cold,
        warmMs: warm,
        floorMs: floors,
        coldPasses: reports.map(r => r.passes[0])
      },
      command: `npm exec -- node bench/leaderboard.ts ${rows} ${processes}`
    })
  } finally {
    await removeAll(dir)
  }
}

/** The floor: the same bytes → text → JSON.parse, and nothing else, in a fresh process. */
async function floor(dir: string): Promise<void> {
  const bytes = await readFile(path.join(dir, 'board.json'))
  const started = performance.now()
  JSON.parse(bytes.toString('utf8').trim())
  process.stdout.write(`${performance.now() - started}\n`)
}

if (process.argv[2] === 'child') await child(process.argv[3] as string)
else if (process.argv[2] === 'floor') await floor(process.argv[3] as string)
else await main()
