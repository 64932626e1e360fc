/** The CLI contract: exactly one JSON line on stdout once ready; SIGTERM → clean exit 0. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

const cli = fileURLToPath(new URL('../../emulator/cli.ts', import.meta.url))

describe('emulator/cli.ts', () => {
  it('prints one JSON line, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        cli,
        '--wire',
        'legacy',
        '--port',
        '0',
        '--speed',
        'manual',
        '--seed',
        '5',
        '--leaderboard-size',
        '50'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stdout = ''
    child.stdout.setEncoding('utf8')
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk
        const end = stdout.indexOf('\n')
        if (end >= 0) resolve(stdout.slice(0, end))
      })
      child.once('exit', code => reject(new Error(`exited early with ${code}`)))
    })
    const info = JSON.parse(await firstLine) as {
      baseUrl: string
      storageUrl: string
      wire: string
      tokens: Record<string, string>
      competitions: { id: number; name: string; scenario: string }[]
      courses: { id: number; enrolCode: string; enrollmentLink: string }[]
      courseTokens: Record<string, string>
    }
    expect(info.wire).toBe('legacy')
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.storageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.storageUrl).not.toBe(info.baseUrl)
    expect(Object.keys(info.tokens)).toEqual(expect.arrayContaining(['user', 'creator', 'teacher']))
    expect(info.competitions.find(c => c.scenario === 'big-board')).toEqual(
      expect.objectContaining({ id: expect.any(Number), name: expect.any(String) })
    )

    // Legacy wire: a course is enrolled in through its enrollment link.
    const lunar = info.courses.find(c => c.id === 1)
    expect(lunar?.enrolCode).toBe(lunar?.enrollmentLink)
    expect(Object.keys(info.courseTokens)).toEqual(expect.arrayContaining(['teacher', 'carol']))
    const preview = await fetch(`${info.baseUrl}/api/academic_courses/enroll/${lunar?.enrolCode}`)
    expect(preview.status).toBe(200)

    const board = await fetch(`${info.baseUrl}/api/leaderboard/competition/6`, {
      headers: { authorization: `Bearer ${info.tokens.user}` }
    })
    expect(board.status).toBe(200)
    expect(((await board.json()) as unknown[]).length).toBe(50)

    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
    expect(stdout.trimEnd().split('\n')).toHaveLength(1)
  })

  it('refuses a bad option on stderr with a non-zero exit and nothing on stdout', async () => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', cli, '--port', 'abc'],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const [code] = await once(child, 'exit')
    expect(code).not.toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/port/)
  })
})
