/**
 * The contract's public reads, competition status and list filter, pagination and submission
 * layout, on both wires (ml-arena-api.md: "Public reads", "Competition detail"), as the official
 * SDKs call them: 0.2.0 sends no token on the list, the detail and the board; 4.x sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, TOKENS, type Emulator } from '../../emulator/index.ts'
import { WIRES, call, createBody, deployedAgent, routes, start } from './helpers.ts'

const VOCABULARY = ['draft', 'started', 'stopped']

interface Item {
  id: number
  status: string
}

describe.each(WIRES)('public reads on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)
  const publicReads = [r.list, r.competition(COMPETITIONS.normal), r.board(COMPETITIONS.normal)]

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  it('answers the list, a detail and a board without a token', async () => {
    emu.clearRequests()
    for (const path of publicReads) {
      const res = await call(emu, 'GET', path, { token: null })
      expect([path, res.status]).toEqual([path, 200])
    }
    expect(emu.requests().map(entry => entry.headers.authorization)).toEqual([false, false, false])
    // The SDK 0.2.0 call, exactly: GET /api/competitions/?page=1&per_page=100, no token.
    const sdk = await call(emu, 'GET', `${r.list}?page=1&per_page=100`, { token: null })
    expect(sdk.body.items.map((c: Item) => c.id)).toContain(COMPETITIONS.normal)
  })

  it('hides a non-public competition from anonymous callers: 404, and not listed', async () => {
    const hidden = COMPETITIONS.hidden
    for (const path of [r.competition(hidden), r.board(hidden)]) {
      const anonymous = await call(emu, 'GET', path, { token: null })
      expect([path, anonymous.status]).toEqual([path, 404])
      expect(typeof anonymous.body.error).toBe('string')
      // Its member sees it with a token.
      expect((await call(emu, 'GET', path, { token: TOKENS.otherUser })).status).toBe(200)
    }
    const everything = await call(emu, 'GET', `${r.list}?status=all&per_page=100`, { token: null })
    expect(everything.body.items.map((c: Item) => c.id)).not.toContain(hidden)
    const bobs = await call(emu, 'GET', `${r.list}?status=all&per_page=100`, {
      token: TOKENS.otherUser
    })
    expect(bobs.body.items.map((c: Item) => c.id)).toContain(hidden)
  })

  it('still refuses a malformed, unknown or revoked token on every public read (401)', async () => {
    for (const path of publicReads) {
      for (const headers of [
        { authorization: 'Bearer mlk_user_onlythree' },
        { authorization: 'Bearer mlk_user_nobody_secret' },
        { authorization: `Bearer ${TOKENS.user.replace(/_[^_]+$/, '_revoked')}` },
        { authorization: 'Basic YWxpY2U6cHc=' },
        { authorization: '' }
      ]) {
        const res = await call(emu, 'GET', path, { token: null, headers })
        expect([path, headers.authorization, res.status]).toEqual([
          path,
          headers.authorization,
          401
        ])
        expect(typeof res.body.error).toBe('string')
      }
    }
  })

  it('keeps every other route behind a token', async () => {
    const paths = [r.runtimeOptions(COMPETITIONS.normal), r.status(COMPETITIONS.normal, 1002)]
    if (r.mine) paths.push(r.mine)
    for (const path of paths) {
      expect([path, (await call(emu, 'GET', path, { token: null })).status]).toEqual([path, 401])
    }
    const create = await call(emu, 'POST', r.create(COMPETITIONS.normal), {
      token: null,
      json: createBody(wire, 'anonymous')
    })
    expect(create.status).toBe(401)
    expect(emu.state().agents.some(a => a.name === 'anonymous')).toBe(false)
  })

  it('marks no row as mine for an anonymous caller, and the caller’s own rows with a token', async () => {
    const board = r.board(COMPETITIONS.normal)
    const anonymous = await call(emu, 'GET', board, { token: null })
    const alice = await call(emu, 'GET', board)
    if (wire === 'legacy') {
      const mineOf = (rows: { agentAttachId: number; IsMyAgent: boolean }[]): number[] =>
        rows.filter(row => row.IsMyAgent).map(row => row.agentAttachId)
      expect(mineOf(anonymous.body)).toEqual([])
      expect(mineOf(alice.body)).toEqual([1002])
      expect(anonymous.body.length).toBe(alice.body.length)
      return
    }
    const mineOf = (rows: { submission_id: number; is_my_submission: boolean }[]): number[] =>
      rows.filter(row => row.is_my_submission).map(row => row.submission_id)
    expect(mineOf(anonymous.body.leaders)).toEqual([])
    expect(mineOf(alice.body.leaders)).toEqual([1002])
    const me = await call(emu, 'GET', `${board}?me=true`, { token: null })
    expect(me.body.me).toEqual(
      expect.objectContaining({ rank: null, position: null, row: null, neighbors: [] })
    )
    const aliceMe = await call(emu, 'GET', `${board}?me=true`)
    expect(aliceMe.body.me.row.submission_id).toBe(1002)
    // The list's my_rank: null when anonymous, the caller's rank with a token.
    const rowOf = async (token: string | null): Promise<{ my_rank: number | null }> => {
      const res = await call(emu, 'GET', `${r.list}?per_page=100`, { token })
      return res.body.items.find((c: Item) => c.id === COMPETITIONS.normal)
    }
    expect((await rowOf(null)).my_rank).toBeNull()
    expect((await rowOf(TOKENS.user)).my_rank).toBe(aliceMe.body.me.rank)
  })
})

describe.each(WIRES)('competition status and the list filter on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  async function listed(query: string, token?: string | null): Promise<Item[]> {
    const res = await call(emu, 'GET', `${r.list}?per_page=100${query}`, { token })
    expect([query, res.status]).toEqual([query, 200])
    expect(res.body.metadata.has_next).toBe(false)
    return res.body.items
  }

  it('speaks draft, started and stopped: seeded competitions are started, one is stopped', async () => {
    const all = await listed('&status=all')
    expect(all.length).toBeGreaterThan(2)
    for (const item of all) expect(VOCABULARY).toContain(item.status)
    expect(all.find(c => c.id === COMPETITIONS.stopped)?.status).toBe('stopped')
    expect(all.filter(c => c.status === 'started').map(c => c.id)).toEqual([1, 2, 4, 5, 6, 7])
    const detail = await call(emu, 'GET', r.competition(COMPETITIONS.stopped), { token: null })
    expect(detail.body.status).toBe('stopped')
    expect((await call(emu, 'GET', r.competition(1))).body.status).toBe('started')
  })

  if (wire === 'current') {
    it('lists started challenges by default, every status with status=all', async () => {
      const byDefault = await listed('')
      expect(byDefault.every(c => c.status === 'started')).toBe(true)
      expect(byDefault.map(c => c.id)).toEqual([1, 2, 4, 5, 6, 7])
      expect(await listed('&status=started')).toEqual(byDefault)
      // The SDK 4.4.0 call, exactly, with its token.
      const sdk = await call(emu, 'GET', `${r.list}?status=started&page=1&per_page=100`)
      expect(sdk.body.items.length).toBe(byDefault.length)
      expect((await listed('&status=all')).map(c => c.id)).toEqual([1, 2, 4, 5, 6, 7, 8])
    })

    it.each(['stopped', 'draft', 'active', 'STARTED', 'started,stopped'])(
      'refuses status=%s with 400',
      async status => {
        const res = await call(emu, 'GET', `${r.list}?status=${encodeURIComponent(status)}`)
        expect(res.status).toBe(400)
        expect(res.body.error).toMatch(/status/)
      }
    )
  } else {
    it('lists every status by default, one status or all when asked', async () => {
      const everything = (await listed('')).map(c => c.id)
      expect(everything).toEqual([1, 2, 4, 5, 6, 7, 8])
      expect((await listed('&status=all')).map(c => c.id)).toEqual(everything)
      expect((await listed('&status=started')).map(c => c.id)).toEqual([1, 2, 4, 5, 6, 7])
      expect((await listed('&status=stopped')).map(c => c.id)).toEqual([8])
      expect(await listed('&status=draft')).toEqual([])
    })

    it.each(['active', 'finished', 'STOPPED'])('refuses status=%s with 400', async status => {
      const res = await call(emu, 'GET', `${r.list}?status=${status}`)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatch(/status/)
    })
  }

  it('keeps a stopped competition readable, and refuses new agents there', async () => {
    expect((await call(emu, 'GET', r.board(COMPETITIONS.stopped), { token: null })).status).toBe(
      200
    )
    const create = await call(emu, 'POST', r.create(COMPETITIONS.stopped), {
      json: createBody(wire, 'too-late')
    })
    expect(create.status).toBe(400)
    expect(create.body.error).toMatch(/stopped/)
    expect(emu.state().agents.some(a => a.name === 'too-late')).toBe(false)
  })
})

describe.each(WIRES)('pagination of the competition list on the %s wire', wire => {
  let emu: Emulator
  const r = routes(wire)

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(() => emu.close())

  it('pages one competition at a time until has_next is false', async () => {
    const whole = await call(emu, 'GET', `${r.list}?status=all&per_page=100`, { token: null })
    const expected = whole.body.items.map((c: Item) => c.id)
    expect(expected.length).toBeGreaterThan(3)
    const seen: number[] = []
    const flags: boolean[] = []
    for (let page = 1; page <= expected.length + 1; page += 1) {
      const res = await call(emu, 'GET', `${r.list}?status=all&page=${page}&per_page=1`, {
        token: null
      })
      expect(res.status).toBe(200)
      expect(res.body.items).toHaveLength(1)
      seen.push(res.body.items[0].id)
      flags.push(res.body.metadata.has_next)
      if (!res.body.metadata.has_next) break
    }
    expect(seen).toEqual(expected)
    expect(flags).toEqual([...expected.slice(1).map(() => true), false])
  })

  it('serves a default page size smaller than the list, so a client must page', async () => {
    const first = await call(emu, 'GET', `${r.list}?page=1`)
    expect(first.body.metadata.has_next).toBe(true)
    const second = await call(emu, 'GET', `${r.list}?page=2`)
    const ids = [...first.body.items, ...second.body.items].map((c: Item) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('answers a page past the end with no items and no next page', async () => {
    const res = await call(emu, 'GET', `${r.list}?page=50&per_page=100`)
    expect(res.status).toBe(200)
    expect(res.body.items).toEqual([])
    expect(res.body.metadata.has_next).toBe(false)
  })

  it('takes the page sizes the SDKs send (100, and 24 for one page)', async () => {
    for (const perPage of [100, 24]) {
      const res = await call(emu, 'GET', `${r.list}?page=1&per_page=${perPage}`)
      expect(res.status).toBe(200)
      expect(res.body.metadata.has_next).toBe(false)
    }
  })

  it.each(['page=0', 'page=-1', 'page=two', 'per_page=0', 'per_page=101', 'per_page=1.5'])(
    'refuses %s with 400',
    async query => {
      const res = await call(emu, 'GET', `${r.list}?${query}`)
      expect(res.status).toBe(400)
      expect(typeof res.body.error).toBe('string')
    }
  )
})

describe('submission_layout on the current wire', () => {
  let emu: Emulator
  const r = routes('current')

  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('is null on a code challenge', async () => {
    for (const cid of [COMPETITIONS.normal, COMPETITIONS.elo, COMPETITIONS.bigBoard]) {
      const res = await call(emu, 'GET', r.competition(cid), { token: null })
      expect(res.body).toHaveProperty('submission_layout', null)
    }
  })

  it("is the CSV a file challenge's submission must follow", async () => {
    const res = await call(emu, 'GET', r.competition(COMPETITIONS.fileChallenge), { token: null })
    const layout = res.body.submission_layout
    expect(Object.keys(layout).sort()).toEqual(
      ['columns', 'id_column', 'row_count', 'separator', 'target_column'].sort()
    )
    expect(layout.columns).toContain(layout.id_column)
    expect(layout.columns).toContain(layout.target_column)
    expect(layout.separator).toBe(',')
    expect(Number.isInteger(layout.row_count)).toBe(true)
    const listed = await call(emu, 'GET', `${r.list}?per_page=100`, { token: null })
    const row = listed.body.items.find((c: Item) => c.id === COMPETITIONS.fileChallenge)
    // The list row names the kind; the layout is the detail's (`challenges` docstring, README 4.1.0).
    expect(row.kind_label).toBe('File challenge')
    expect(row.kernel_version).toBe('file_v1')
    expect(row).not.toHaveProperty('submission_layout')
  })

  it('counts a new agent of the caller on the board it reads anonymously too', async () => {
    const aid = await deployedAgent(emu, COMPETITIONS.normal, 'public-board')
    emu.settle(aid)
    const board = await call(emu, 'GET', `${r.board(COMPETITIONS.normal)}?aggregate=submission`, {
      token: null
    })
    const row = board.body.leaders.find((l: { submission_id: number }) => l.submission_id === aid)
    expect(row).toEqual(expect.objectContaining({ is_my_submission: false }))
  })
})
