/** /__emulator/* inspection routes (no token needed) and their programmatic twins. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator, type EmulatorState } from '../../emulator/index.ts'
import { call, deployedAgent, start } from './helpers.ts'

let emu: Emulator | null = null
afterEach(async () => {
  await emu?.close()
  emu = null
})

describe('inspection', () => {
  it('GET /__emulator/state shows competitions, agents with files, deploys and statuses', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'inspected', { 'agent.py': 'abc' })
    const state = (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as EmulatorState
    expect(state.wire).toBe('current')
    expect(state.competitions.find(c => c.id === COMPETITIONS.tightLimits)).toEqual(
      expect.objectContaining({ scenario: 'tight-limits', dailyDeployLimit: 1, maxUploadFiles: 2 })
    )
    const agent = state.agents.find(a => a.id === aid)
    expect(agent).toEqual(
      expect.objectContaining({
        name: 'inspected',
        owner: 'alice',
        competitionId: COMPETITIONS.normal,
        status: 'deploy_queue', // current wire: queued at once (README 2.0)
        files: [
          {
            name: 'agent.py',
            size: 3,
            sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
          }
        ]
      })
    )
    expect(state.deploys.filter(d => d.agentId === aid)).toEqual([
      expect.objectContaining({ status: 'queued', finishedAt: null })
    ])
    emu.settle(aid)
    expect(emu.state().deploys.find(d => d.agentId === aid)?.status).toBe('succeeded')
    expect(emu.state().agents.find(a => a.id === aid)?.status).toBe('active')
  })

  it('inspection calls are not logged; API calls are, in order; clearRequests empties the log', async () => {
    emu = await start({ wire: 'legacy' })
    await call(emu, 'GET', '/api/competitions/1')
    await fetch(`${emu.baseUrl}/__emulator/state`)
    await call(emu, 'GET', '/api/direct_attache_agents/runtime_options/2', { token: null })
    const log = emu.requests()
    expect(log.map(e => [e.method, e.path, e.status, e.headers.authorization])).toEqual([
      ['GET', '/api/competitions/1', 200, true],
      ['GET', '/api/direct_attache_agents/runtime_options/2', 401, false]
    ])
    expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq)
    const httpLog = (await (await fetch(`${emu.baseUrl}/__emulator/requests`)).json()) as unknown[]
    expect(httpLog).toHaveLength(2)
    await fetch(`${emu.baseUrl}/__emulator/requests`, { method: 'DELETE' })
    expect(emu.requests()).toEqual([])
    emu.clearRequests()
  })

  it('POST /__emulator/settle?agent=N settles over HTTP', async () => {
    emu = await start({ wire: 'current' })
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'http-settle')
    const res = await fetch(`${emu.baseUrl}/__emulator/settle?agent=${aid}`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { status: string }).status).toBe('active')
  })

  it('refuses options out of range', async () => {
    await expect(start({ leaderboardSize: 100_001 })).rejects.toThrow(/leaderboardSize/)
    await expect(start({ logBytes: 2 * 1024 * 1024 })).rejects.toThrow(/logBytes/)
    await expect(start({ faultRate: 2 })).rejects.toThrow(/faultRate/)
  })
})
