/**
 * readBoardAround against the emulator's big board: the few small reads must give the report
 * exactly what the whole board gives (this agent's row, the top, its neighbours, the user's best
 * other agent, the board's size).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { COMPETITIONS, startEmulator, type Emulator } from '../../emulator/index.ts'
import { ArenaClient } from '../../src/arena/client.js'
import type { Leaderboard, LeaderboardQuery, LeaderboardRow } from '../../src/arena/model.js'
import { boardQuery, readBoardAround } from '../../src/evaluation/steps/board.js'
import { buildRankReport } from '../../src/evaluation/steps/rank.js'

const BIG = COMPETITIONS.bigBoard

describe.each(['current', 'legacy'] as const)('readBoardAround on the %s wire', wire => {
  let emu: Emulator
  let client: ArenaClient
  let dir: string
  const queries: LeaderboardQuery[] = []
  let counting: { leaderboard: (cid: number, query?: LeaderboardQuery) => Promise<Leaderboard> }

  async function activeAgent(name: string, score: number): Promise<number> {
    const file = path.join(dir, `${name}.py`)
    await writeFile(file, `# MLARENA_EMULATOR:SCORE=${score}\nclass Agent: pass\n`)
    const agent = await client.createAgent(BIG, name)
    await client.uploadFile(BIG, agent.id, { name: 'agent.py', path: file, size: 60 })
    await client.deploy(BIG, agent.id)
    emu.settle(agent.id)
    return agent.id
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'board-'))
    emu = await startEmulator({ wire, speed: 'manual', leaderboardSize: 5000 })
    client = new ArenaClient({ baseUrl: emu.baseUrl, token: emu.tokens.user, wire })
    counting = {
      leaderboard: (cid, query = {}) => {
        queries.push(query)
        return client.leaderboard(cid, query)
      }
    }
  })
  afterAll(async () => {
    await client.close()
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['in the middle of the board', 150],
    ['near the top', 1e9]
  ])('gives the report the same facts as the whole board, %s', async (_where, score) => {
    await activeAgent(`other-${score}`, score / 2)
    const agentId = await activeAgent(`mine-${score}`, score)
    queries.length = 0
    const around = await readBoardAround(counting, BIG, agentId, wire)
    const whole = await client.leaderboard(BIG, boardQuery(wire))
    const fromParts = buildRankReport(around, { id: agentId, name: null }, null)
    const fromWhole = buildRankReport(whole, { id: agentId, name: null }, null)
    expect(fromParts.row).not.toBeNull()
    expect(fromParts).toEqual(fromWhole)
    // The user's other agents on this board are found too (the report compares against the best).
    expect(fromParts.bestOther).not.toBeNull()
    if (wire === 'current') {
      // Three small reads, never the whole board.
      expect(queries).toHaveLength(3)
      expect(queries.every(query => query.limit !== undefined)).toBe(true)
      expect(around.rows.length).toBeLessThan(40)
    } else {
      expect(queries).toEqual([{}])
    }
  })

  it('finds the agent by id when the server marks no row as the caller’s (as if anonymous)', async () => {
    const agentId = await activeAgent('mine-anonymous', 175)
    const notMine = (row: LeaderboardRow): LeaderboardRow => ({ ...row, isMine: false })
    // What a server that answers the public board without looking at the token sends.
    const anonymous = {
      leaderboard: async (cid: number, query: LeaderboardQuery = {}): Promise<Leaderboard> => {
        queries.push(query)
        const board = await client.leaderboard(cid, query)
        return {
          ...board,
          rows: board.rows.map(notMine),
          matches: board.matches?.map(notMine) ?? null,
          me: board.me && {
            rank: null,
            position: null,
            percentile: null,
            row: null,
            neighbours: []
          }
        }
      }
    }
    queries.length = 0
    const around = await readBoardAround(anonymous, BIG, agentId, wire)
    const whole = await client.leaderboard(BIG, boardQuery(wire))
    const report = buildRankReport(around, { id: agentId, name: null }, null)
    const expected = whole.rows.find(row => row.agentId === agentId)
    expect(expected).toBeDefined()
    expect(report.row).toEqual({ ...expected, isMine: false })
    expect(report.total).toBe(whole.total)
    expect(report.bestOther).toBeNull()
    // Without a row under `me`, only the whole board can tell: it is read once.
    expect(queries.at(-1)).toEqual(boardQuery(wire))
  })

  it('says there is no row for an agent that has not been scored', async () => {
    const agent = await client.createAgent(BIG, 'unscored')
    const around = await readBoardAround(counting, BIG, agent.id, wire)
    expect(buildRankReport(around, { id: agent.id, name: null }, null).row).toBeNull()
  })
})
