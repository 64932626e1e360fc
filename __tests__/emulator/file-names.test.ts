/**
 * Stored file names (the contract, "Request bodies"): an agent's files form one flat folder and a
 * name is a plain name: no `/` or `\`, not `.` or `..`, at most 255 characters, no control
 * characters. A server refuses a name with a path (400 `{error}`) rather than guess, so the
 * emulator must not shorten it to its base name. Bodies are written by hand, so the filename is
 * exactly the bytes under test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { COMPETITIONS, type Emulator } from '../../emulator/index.ts'
import { call, createAgent, routes, start, uploadFile, WIRES, type Res } from './helpers.ts'

/** One part named `file` whose Content-Disposition carries `disposition` after `name="file"; `. */
async function rawUpload(
  emu: Emulator,
  cid: number,
  aid: number,
  disposition: string,
  content = 'print(1)\n'
): Promise<Res> {
  const boundary = 'file-names-boundary-5c2e'
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`,
      'utf8'
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const response = await fetch(`${emu.baseUrl}${routes(emu.wire).files(cid, aid)}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${emu.tokens.user}`,
      'content-type': `multipart/form-data; boundary=${boundary}`
    },
    body
  })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: response.status, headers: response.headers, text, body: parsed }
}

const quoted = (name: string): string => `filename="${name}"`

describe.each(WIRES)('stored file names on the %s wire', wire => {
  let emu: Emulator
  const cid = COMPETITIONS.normal

  beforeAll(async () => {
    emu = await start({ wire })
  })
  afterAll(async () => {
    await emu.close()
  })

  async function listed(aid: number): Promise<string[]> {
    const res = await call(emu, 'GET', routes(wire).files(cid, aid))
    expect(res.status).toBe(200)
    return Object.keys(res.body.files).sort()
  }

  it.each([
    ['a folder and a name', quoted('agent/agent.py'), /path/],
    ['a nested path', quoted('lib/deep/helpers.py'), /path/],
    ['a leading slash', quoted('/agent.py'), /path/],
    ['a Windows path', quoted('lib\\helpers.py'), /path/],
    ['a trailing slash', quoted('agent/'), /path/],
    ['a parent folder', quoted('../agent.py'), /path/],
    ['"."', quoted('.'), /not a file name/],
    ['".."', quoted('..'), /not a file name/],
    ['256 characters', quoted(`${'a'.repeat(253)}.py`), /255 characters/],
    ['a tab', quoted('agent\t.py'), /control characters/],
    ['an encoded control character', "filename*=utf-8''agent%01.py", /control characters/]
  ])('refuses a name with %s: 400 {error}, nothing stored', async (_what, disposition, problem) => {
    const aid = await createAgent(emu, cid, `names-${wire}-${disposition.length}`)
    const res = await rawUpload(emu, cid, aid, disposition)
    expect(res.status).toBe(400)
    expect(typeof res.body?.error).toBe('string')
    expect(res.body.error).toMatch(problem)
    expect(await listed(aid)).toEqual([])
    expect(emu.state().agents.find(agent => agent.id === aid)?.files).toEqual([])
  })

  it('stores a plain name exactly as sent, up to 255 characters', async () => {
    const aid = await createAgent(emu, cid, `plain-names-${wire}`)
    const long = `${'m'.repeat(251)}.bin`
    for (const name of ['agent.py', 'model weights (v2).pkl', long]) {
      const res = await rawUpload(emu, cid, aid, quoted(name))
      expect([200, 201]).toContain(res.status)
    }
    expect(await listed(aid)).toEqual(['agent.py', long, 'model weights (v2).pkl'].sort())
  })

  it('keeps the files already stored when a later name is refused', async () => {
    const aid = await createAgent(emu, cid, `kept-${wire}`)
    expect((await uploadFile(emu, cid, aid, 'agent.py', 'x = 1\n')).status).toBeLessThan(300)
    const refused = await rawUpload(emu, cid, aid, quoted('agent/agent.py'), 'x = 2\n')
    expect(refused.status).toBe(400)
    expect(await listed(aid)).toEqual(['agent.py'])
    const read = await call(emu, 'GET', routes(wire).content(cid, aid, 'agent.py'))
    expect(read.body.content).toBe('x = 1\n')
  })
})
