/**
 * Suite 5, limits: a 100,000-row leaderboard and as many 1 MiB game logs as the emulator can
 * make, through the bundled action (child processes whose peak RSS a preloaded probe records),
 * and the report layer with 1,000 games (the emulator makes 6 games per deploy and 20 deploys a
 * day, so no agent of it can have 1,000 games: the report layer gets them from a sample outcome).
 *
 * The summary must stay under 1024 KiB, the comment under 65,536 characters; memory is measured
 * and printed with RELIABILITY_FIGURES=1 (asserted only against a generous ceiling).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { open, readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { ArenaClient } from '../../src/arena/client.js'
import { renderComment } from '../../src/evaluation/report/comment.js'
import { findMarker, renderMarker } from '../../src/evaluation/report/marker.js'
import { renderSummary } from '../../src/evaluation/report/summary.js'
import { COMPETITIONS, startEmulator } from '../../emulator/index.ts'
import { runAction } from '../support/action-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { hugeOutcome } from '../support/outcomes.ts'
import { MIB, reportFigure, rssProbe } from './support/figures.ts'
import { AGENT_PY, makeWorkspace, NOON_UTC } from './support/fault-run.ts'
import { gamesOf, startTicker } from './support/scenario.ts'

const SUMMARY_LIMIT = 1024 * 1024
const COMMENT_LIMIT = 65_536
/** A ceiling far above what the action needs: it catches a leak, not a regression of a few MB. */
const RSS_CEILING = 1024 * MIB

const folders: string[] = []
afterAll(async () => {
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
})

function pullRequest(number: number): unknown {
  return {
    number,
    pull_request: {
      number,
      user: { login: 'octo' },
      head: { sha: 'abc123', repo: { full_name: 'octo/agent-repo' } },
      base: { repo: { full_name: 'octo/agent-repo' } }
    }
  }
}

describe.each(['current', 'legacy'] as const)('a 100,000-row leaderboard (%s wire)', wire => {
  it('ranks the agent, keeps the summary and the comment in budget, in bounded memory', async () => {
    const emu = await startEmulator({
      wire,
      speed: 'manual',
      seed: 41,
      startTime: NOON_UTC,
      leaderboardSize: 100_000
    })
    const github = await new FakeGitHub().start()
    const ws = await makeWorkspace({ 'agent.py': AGENT_PY })
    folders.push(ws.dir)
    const probe = await rssProbe()
    const stop = startTicker(emu)
    try {
      const run = await runAction({
        workspace: ws.dir,
        githubApiUrl: github.url,
        eventName: 'pull_request',
        event: pullRequest(41),
        env: probe.env,
        inputs: {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': String(COMPETITIONS.bigBoard),
          files: 'agent.py',
          'poll-interval-seconds': '0.05',
          'github-token': 'ghs_limits'
        }
      })
      stop()
      expect(run.outputs.outcome).toBe('success')
      expect(Number(run.outputs['leaderboard-size'])).toBeGreaterThan(100_000)
      expect(Number(run.outputs.rank)).toBeGreaterThan(0)
      const [comment, ...more] = github.commentsOn(41)
      expect(more).toHaveLength(0)
      const summaryBytes = Buffer.byteLength(run.summary, 'utf8')
      expect(summaryBytes).toBeLessThan(SUMMARY_LIMIT)
      expect(comment?.body.length).toBeLessThan(COMMENT_LIMIT)
      expect(run.summary).toContain(
        `of ${Number(run.outputs['leaderboard-size']).toLocaleString('en-US')}`
      )
      const maxRss = await probe.read()
      expect(maxRss).toBeLessThan(RSS_CEILING)
      reportFigure(`big-board-${wire}`, {
        rows: Number(run.outputs['leaderboard-size']),
        maxRssMiB: Math.round(maxRss / MIB),
        summaryBytes,
        commentChars: comment?.body.length
      })
    } finally {
      stop()
      await github.close()
      await emu.close()
    }
  })
})

describe('1 MiB game logs, as many as the emulator can make for one agent', () => {
  it('downloads up to 100 of them whole, to files, in bounded memory', async () => {
    const emu = await startEmulator({
      wire: 'current',
      speed: 'manual',
      seed: 42,
      startTime: NOON_UTC,
      logBytes: MIB
    })
    const ws = await makeWorkspace({ 'agent.py': AGENT_PY })
    folders.push(ws.dir)
    const agentId = 1002 // alice-main: 12 games from two earlier deploys
    try {
      // 17 more deploys today (6 games each); the action's own makes the 18th of 20 allowed.
      const alice = new ArenaClient({
        baseUrl: emu.baseUrl,
        token: emu.tokens.user,
        wire: 'current'
      })
      for (let i = 0; i < 17; i++) {
        await alice.deploy(COMPETITIONS.normal, agentId)
        emu.settle(agentId)
      }
      await alice.close()
      const logsDir = path.join(ws.dir, 'logs')
      const probe = await rssProbe()
      const stop = startTicker(emu)
      const run = await runAction({
        workspace: ws.dir,
        env: probe.env,
        inputs: {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': String(COMPETITIONS.normal),
          'agent-id': String(agentId),
          'poll-interval-seconds': '0.05',
          logs: '100',
          'logs-dir': logsDir
        }
      }).finally(stop)
      expect({ outcome: run.outputs.outcome, errors: run.stdout.match(/^::error::.*$/gm) }).toEqual(
        {
          outcome: 'success',
          errors: null
        }
      )
      expect(run.outputs['logs-dir']).toBe(logsDir)

      const names = await readdir(logsDir)
      // SDK 4.4.0: a game is a run, and its stdout is on the agent's own row; one file per game
      // of the latest 100 that has one. 20 deploys a day (and a run or more each) make ~60.
      const withStdout = (await gamesOf(emu, agentId))
        .slice(0, 100)
        .filter(game =>
          game.submission_results?.some(
            row => row.submission_id === agentId && row.agent_stdout_logs
          )
        )
      expect(withStdout.length).toBeGreaterThanOrEqual(50)
      expect(names.length).toBe(withStdout.length)
      for (const name of names) {
        const file = path.join(logsDir, name)
        expect((await stat(file)).size).toBe(MIB)
        const id = /^game-(\d+)\.log$/.exec(name)?.[1]
        const handle = await open(file, 'r')
        const end = Buffer.alloc(64)
        await handle.read(end, 0, 64, MIB - 64)
        await handle.close()
        expect(end.toString('latin1')).toMatch(new RegExp(`\\nEND OF AGENT STDOUT ${id}\\n$`))
      }
      const maxRss = await probe.read()
      expect(maxRss).toBeLessThan(RSS_CEILING)
      reportFigure('logs-1MiB', {
        logs: names.length,
        mib: names.length,
        maxRssMiB: Math.round(maxRss / MIB),
        summaryBytes: Buffer.byteLength(run.summary, 'utf8')
      })
      expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThan(SUMMARY_LIMIT)
    } finally {
      await emu.close()
    }
  })
})

describe('the report layer at the limits', () => {
  it('renders 1,000 games, a 100,000-row board and 10,000-character names within budget', () => {
    // The sample of the report's own tests (__tests__/support/outcomes.ts): rendered here for the
    // figures (and checked again, since the figures are only worth something if it fits).
    const before = process.memoryUsage().heapUsed
    const outcome = hugeOutcome()
    expect(outcome.games.length).toBeGreaterThanOrEqual(1000)
    expect(outcome.rank?.total).toBeGreaterThanOrEqual(100_000)
    const summary = renderSummary(outcome)
    const comment = renderComment(outcome, renderMarker('k', { rank: 1, score: 2, agentId: 3 }))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(SUMMARY_LIMIT)
    expect(comment.length).toBeLessThan(COMMENT_LIMIT)
    expect(findMarker(comment, 'k')).toEqual({ rank: 1, score: 2, agentId: 3 })
    reportFigure('report-huge', {
      games: outcome.games.length,
      rows: outcome.rank?.total,
      summaryBytes: Buffer.byteLength(summary, 'utf8'),
      commentChars: comment.length,
      heapDeltaMiB: Math.round((process.memoryUsage().heapUsed - before) / MIB)
    })
  })
})
