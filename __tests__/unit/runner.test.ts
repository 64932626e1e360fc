import { describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  Summary,
  commandLine,
  getInput,
  group,
  keyValueMessage,
  setOutput,
  setSecret
} from '../../src/github/runner.js'
import { parseOutputFile } from '../support/action-runner.ts'

async function tempFile(content = ''): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'mlarena-runner-')), 'file')
  await writeFile(file, content)
  return file
}

/** What `fn` writes on stdout. */
async function stdoutOf(fn: () => Promise<unknown> | unknown): Promise<string> {
  const write = process.stdout.write
  let out = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString()
    return true
  }) as typeof process.stdout.write
  try {
    await fn()
  } finally {
    process.stdout.write = write
  }
  return out
}

describe('the runner protocol', () => {
  it('reads inputs as the runner passes them: INPUT_<NAME>, spaces as _, trimmed', () => {
    const env = { 'INPUT_API-KEY': '  mlk_user_a_b \n', INPUT_MY_INPUT: 'x' }
    expect(getInput('api-key', env)).toBe('mlk_user_a_b')
    expect(getInput('my input', env)).toBe('x')
    expect(getInput('missing', env)).toBe('')
  })

  it('keeps a workflow command on one line whatever its message holds', () => {
    expect(commandLine('warning', '50% done\r\nnext::line')).toBe(
      '::warning::50%25 done%0D%0Anext::line'
    )
  })

  it('writes outputs the runner reads back exactly, multi-line values included', async () => {
    const file = await tempFile()
    const env = { GITHUB_OUTPUT: file }
    setOutput('rank', '12', env)
    setOutput('notes', 'line one\nline two\n', env)
    setOutput('empty', '', env)
    expect(parseOutputFile(await readFile(file, 'utf8'))).toEqual({
      rank: '12',
      notes: 'line one\nline two\n',
      empty: ''
    })
  })

  it('uses a new random delimiter for every output', () => {
    const first = keyValueMessage('a', 'b').split('\n')[0]
    const second = keyValueMessage('a', 'b').split('\n')[0]
    expect(first).toMatch(/^a<<ghadelimiter_[0-9a-f-]{36}$/)
    expect(first).not.toBe(second)
  })

  it('refuses an output file that does not exist', () => {
    expect(() => setOutput('rank', '1', { GITHUB_OUTPUT: '/nonexistent/output' })).toThrow(
      'Missing file at path'
    )
  })

  it('appends the summary, or replaces it with overwrite', async () => {
    const file = await tempFile('before\n')
    const env = { GITHUB_STEP_SUMMARY: file }
    await new Summary().addRaw('## one', true).write({ overwrite: false }, env)
    expect(await readFile(file, 'utf8')).toBe(`before\n## one${os.EOL}`)
    await new Summary().addRaw('## two').write({ overwrite: true }, env)
    expect(await readFile(file, 'utf8')).toBe('## two')
    await expect(new Summary().addRaw('x').write({}, {})).rejects.toThrow('GITHUB_STEP_SUMMARY')
  })

  it('masks secrets and closes a group even when its work fails', async () => {
    const out = await stdoutOf(async () => {
      setSecret('s3cret%')
      await group('Waiting', async () => {
        throw new Error('boom')
      }).catch(() => undefined)
    })
    expect(out.split(os.EOL)).toEqual([
      '::add-mask::s3cret%25',
      '::group::Waiting',
      '::endgroup::',
      ''
    ])
  })
})
