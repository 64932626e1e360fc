/** Creator routes: config fields and schema (public), settings, config.toml export, env check, overview, cover. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { parse } from 'smol-toml'
import type { Emulator } from '../../emulator/index.ts'
import { TOKENS } from '../../emulator/index.ts'
import { call, fileForm, start } from './helpers.ts'
import {
  ALICE_DRAFT,
  asCreator,
  challengeState,
  createChallenge,
  creatorPaths,
  putText
} from './creator-helpers.ts'

const p = creatorPaths('current')

describe('config fields, the JSON Schema of challenge.toml and settings', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  it('serves config_fields without a token', async () => {
    const res = await call(emu, 'GET', p.fields, { token: null })
    expect(res.status).toBe(200)
    const keys = res.body.fields.map((f: { key: string }) => f.key)
    expect(keys).toEqual(expect.arrayContaining(['simulation_timeout_sec', 'metrics']))
    for (const field of res.body.fields) {
      expect(['evaluation', 'participation', 'data_feed', 'resources', 'chat']).toContain(
        field.group
      )
      expect(['basic', 'advanced']).toContain(field.level)
      expect(['creator', 'admin']).toContain(field.writer)
      expect(typeof field.running_editable).toBe('boolean')
      expect(typeof field.in_file).toBe('boolean')
      expect(typeof field.help).toBe('string')
    }
  })

  it('serves a real JSON Schema: the seeded file passes, unknown keys and bad values fail', async () => {
    const res = await call(emu, 'GET', p.schema, { token: null })
    expect(res.status).toBe(200)
    expect(res.body.additionalProperties).toBe(false)
    const validate = new Ajv({ allErrors: true }).compile(res.body)
    const seeded = challengeState(emu, ALICE_DRAFT).env.find(f => f.name === 'challenge.toml')
    expect(validate(parse(seeded?.content ?? ''))).toBe(true)
    expect(validate({ x: 1 })).toBe(false)
    expect(validate({ simulation_timeout_sec: 0 })).toBe(false)
    expect(validate({ simulation_timeout_sec: 'long' })).toBe(false)
    expect(
      validate({
        metrics: [{ key: 'a', label: 'A', source: 'nope', agg: 'mean', is_ranking: true }]
      })
    ).toBe(false)
    // a key the file may not hold (admin-only) is not in the schema
    const fields = (await call(emu, 'GET', p.fields, { token: null })).body.fields
    for (const field of fields) expect(field.key in res.body.properties).toBe(field.in_file)
  })

  it('writes settings from the console; refuses file-owned, admin-only, unknown and invalid keys', async () => {
    const cid = await createChallenge(emu)
    await putText(emu, p.envFiles(cid), 'challenge.toml', '\nmax_upload_files = 4\n')
    const ok = await asCreator(emu, 'PUT', p.settings(cid), { json: { simulation_max_steps: 50 } })
    expect(ok.status).toBe(200)
    expect(ok.body.configuration.simulation_max_steps).toBe(50)
    expect(challengeState(emu, cid).config.origin.simulation_max_steps).toBe('console')
    const owned = await asCreator(emu, 'PUT', p.settings(cid), { json: { max_upload_files: 9 } })
    expect(owned.status).toBe(400)
    expect(owned.body.error).toBe(
      'max_upload_files is set in challenge.toml (line 2); edit the file'
    )
    const admin = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { docker_image_env_runtime_id: 3 }
    })
    expect(admin.status).toBe(403)
    expect((await asCreator(emu, 'PUT', p.settings(cid), { json: { nope: 1 } })).status).toBe(400)
    const invalid = await asCreator(emu, 'PUT', p.settings(cid), {
      json: { simulation_timeout_sec: 99999 }
    })
    expect(invalid.status).toBe(400)
    expect((await asCreator(emu, 'PUT', p.settings(cid), { json: {} })).status).toBe(400)
    const config = challengeState(emu, cid).config
    expect(config.values.max_upload_files).toBe(4)
    expect(config.values.simulation_timeout_sec).toBe(600)
  })

  it('refuses a key the kind does not have (a file challenge has no agent containers)', async () => {
    const cid = await createChallenge(emu, { kernel_version: 'file_v1' })
    const res = await putText(
      emu,
      p.envFiles(cid),
      'challenge.toml',
      'agent_memory_limit = "2Gi"\n'
    )
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/^challenge\.toml:1: 'agent_memory_limit' is not a setting/)
  })

  it('exports config.toml: it parses, validates, and uploading it back makes the file own its keys', async () => {
    const res = await asCreator(emu, 'GET', p.exportToml(ALICE_DRAFT))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/toml/)
    expect(res.text.split('\n')[0]).toMatch(/^#:schema .*config_schema\.json$/)
    const parsed = parse(res.text) as Record<string, unknown>
    expect(parsed.simulation_timeout_sec).toBe(300)
    expect('env_memory_limit' in parsed).toBe(false) // a default, commented out
    const cid = await createChallenge(emu)
    const back = await putText(emu, p.envFiles(cid), 'challenge.toml', res.text)
    expect(back.status).toBe(200)
    const config = challengeState(emu, cid).config
    expect(config.values.simulation_timeout_sec).toBe(300)
    expect(config.origin.simulation_timeout_sec).toBe('file')
    expect(config.origin.env_memory_limit).toBe('default')
  })
})

describe('env check, overview and cover', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await start({ wire: 'current' })
  })
  afterAll(() => emu.close())

  async function check(content: string | undefined) {
    const res = await asCreator(emu, 'POST', p.envCheck(ALICE_DRAFT), {
      json: content === undefined ? {} : { content }
    })
    expect(res.status).toBe(200)
    return res.body as {
      valid: boolean
      findings: { code: string; line: number; severity: string }[]
    }
  }

  it('finds no class Env, an empty source, and accepts a good env.py', async () => {
    expect((await check('import os\n')).findings).toEqual([
      expect.objectContaining({ code: 'env_class_missing', severity: 'error', line: 1 })
    ])
    expect((await check(undefined)).findings[0]?.code).toBe('source_missing')
    const seeded = challengeState(emu, ALICE_DRAFT).env.find(f => f.name === 'env.py')
    expect(await check(seeded?.content ?? '')).toEqual({ valid: true, findings: [] })
  })

  it('finds a syntax error with its line', async () => {
    const source =
      'class Env:\n    def evaluate(self, agents):\n        return {"agent_results": [}\n'
    const result = await check(source)
    expect(result.valid).toBe(false)
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'syntax_error', severity: 'error', line: 3 })
    ])
    const header = await check(
      'class Env:\n    def evaluate(self, agents)\n        return {"agent_results": []}\n'
    )
    expect(header.findings.map(f => [f.code, f.line])).toContainEqual(['syntax_error', 2])
  })

  it('finds a missing evaluate, a wrong signature and warns on no agent_results', async () => {
    expect((await check('class Env:\n    x = 1\n')).findings).toEqual([
      expect.objectContaining({ code: 'evaluate_missing', line: 1 })
    ])
    const sig = await check(
      '\nclass Env:\n    def evaluate():\n        return {"agent_results": []}\n'
    )
    expect(sig.findings).toEqual([expect.objectContaining({ code: 'evaluate_signature', line: 3 })])
    const warn = await check('class Env:\n    def evaluate(self, agents):\n        return {}\n')
    expect(warn).toEqual({
      valid: true,
      findings: [
        expect.objectContaining({ code: 'agent_results_missing', severity: 'warning', line: 2 })
      ]
    })
  })

  it('needs a creator token and an owned challenge', async () => {
    const res = await call(emu, 'POST', p.envCheck(ALICE_DRAFT), {
      token: TOKENS.user,
      json: { content: '' }
    })
    expect(res.status).toBe(403)
  })

  it('reads and replaces the overview markdown', async () => {
    const cid = await createChallenge(emu)
    expect((await asCreator(emu, 'GET', p.markdown(cid))).body).toEqual({ content: '' })
    const res = await asCreator(emu, 'PUT', p.markdown(cid), { json: { content: '# Hello\n' } })
    expect(res.status).toBe(200)
    expect((await asCreator(emu, 'GET', p.markdown(cid))).body.content).toBe('# Hello\n')
    expect(challengeState(emu, cid).markdown).toBe('# Hello\n')
    const view = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(view.start_recommendations.map((r: { code: string }) => r.code)).not.toContain(
      'overview_missing'
    )
    expect((await asCreator(emu, 'PUT', p.markdown(cid), { json: { content: 3 } })).status).toBe(
      400
    )
  })

  it('takes a PNG or JPEG cover, checked by its magic bytes', async () => {
    const cid = await createChallenge(emu)
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16])
    const notImage = await asCreator(emu, 'POST', p.image(cid), {
      form: fileForm('cover.png', 'GIF89a not a png')
    })
    expect(notImage.status).toBe(400)
    expect(challengeState(emu, cid).cover).toBeNull()
    const ok = await asCreator(emu, 'POST', p.image(cid), { form: fileForm('cover.png', png) })
    expect(ok.status).toBe(200)
    expect(challengeState(emu, cid).cover).toEqual(
      expect.objectContaining({ contentType: 'image/png', size: png.length })
    )
    const jpg = await asCreator(emu, 'POST', p.image(cid), { form: fileForm('cover.jpg', jpeg) })
    expect(jpg.body.content_type).toBe('image/jpeg')
    const view = (await asCreator(emu, 'GET', p.one(cid))).body
    expect(view.start_recommendations.map((r: { code: string }) => r.code)).not.toContain(
      'cover_missing'
    )
  })

  it('serves the cover back, byte for byte (4.4.0 challenge_image); 404 when there is none', async () => {
    const cid = await createChallenge(emu)
    const url = `${emu.baseUrl}${p.image(cid)}`
    const headers = { authorization: `Bearer ${TOKENS.creator}` }
    expect((await fetch(url, { headers })).status).toBe(404)
    // Larger than the 64 KiB the emulator keeps of other files: a cover is kept whole.
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200_000, 7)
    ])
    expect(
      (await asCreator(emu, 'POST', p.image(cid), { form: fileForm('cover.png', png) })).status
    ).toBe(200)
    const res = await fetch(url, { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true)
    const other = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.otherCreator}` } })
    expect(other.status).toBe(404)
  })
})
