/**
 * The pure parts of `npm run demo`: how it turns the action's workflow commands and the job
 * summary into terminal text, its command line (jobs and options), and the runner files.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { newLogView, parseDemoArgs, summaryToText, usage, viewLine } from '../../scripts/demo.ts'
import { jobNames } from '../../scripts/demo/jobs.ts'
import { parseOutputFile } from '../../scripts/runner-files.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

describe('npm run demo: the action log in a terminal', () => {
  it('turns a group into a title and indents its lines until endgroup', () => {
    const view = newLogView()
    const shown = ['::group::Waiting', 'active', '::endgroup::', 'Rank 3 of 9.'].map(line =>
      viewLine(line, view)
    )
    expect(shown).toEqual([
      { kind: 'group', text: '▸ Waiting' },
      { kind: 'plain', text: '  active' },
      null,
      { kind: 'plain', text: 'Rank 3 of 9.' }
    ])
  })

  it('hides add-mask and debug lines, and masks the masked value from then on', () => {
    const view = newLogView()
    expect(viewLine('::add-mask::s3cr%25et', view)).toBeNull()
    expect(viewLine('::debug::token s3cr%et', view)).toBeNull()
    expect(viewLine('sent s3cr%et twice: s3cr%et', view)?.text).toBe('sent *** twice: ***')
    const debugging = newLogView(true)
    expect(viewLine('::debug::GET /api/challenges/1 → 200', debugging)).toEqual({
      kind: 'debug',
      text: 'debug: GET /api/challenges/1 → 200'
    })
  })

  it('prefixes annotations, with their title, and keeps a multi-line message aligned', () => {
    const view = newLogView()
    expect(viewLine('::warning::Deploy queued', view)).toEqual({
      kind: 'warning',
      text: 'warning: Deploy queued'
    })
    expect(viewLine('::error title=ML Arena::first%0Asecond', view)).toEqual({
      kind: 'error',
      text: 'error (ML Arena): first\n                  second'
    })
    expect(viewLine('::notice::skipped', view)?.text).toBe('notice: skipped')
  })
})

describe('npm run demo: the job summary in a terminal', () => {
  const golden = readFileSync(path.join(ROOT, '__tests__/golden/summary-success.md'), 'utf8')
  const text = summaryToText(golden)
  const lines = text.split('\n')

  it('keeps the facts and drops the markup', () => {
    expect(lines[0]).toBe('✅ ML Arena · Lunar Lander 2026: agent active, rank 12 of 3,456')
    expect(lines[1]).toMatch(/^═+$/)
    expect(text).not.toMatch(/<\/?(details|summary|pre)>|&lt;|&#39;|\*\*|\\_|\u200d/)
    expect(text).toContain('▸ Score per game as a table (newest first)')
    expect(text).toContain('ppo-v7 (https://ml-arena.com/viewcompetition/42) · id 1234')
  })

  it('shows untrusted text as the text it is: entities decoded, escapes resolved', () => {
    expect(text).toContain('<b>bold</b> @octocat')
    expect(text).toContain('dqn|baseline')
    expect(text).toContain('<!-- sneaky --> @octocat #12')
  })

  it('aligns table columns, right-aligning the numeric ones', () => {
    const board = lines.filter(line => /^\s+(\*\*)?\d+ │ /.test(line) && line.includes('user'))
    expect(board.length).toBeGreaterThan(3)
    const bars = new Set(board.map(line => line.indexOf('│')))
    expect(bars.size).toBe(1)
    const scores = board.map(line => line.trimEnd().length)
    expect(new Set(scores).size).toBe(1)
  })

  it('draws the Mermaid bar chart as one text bar per game', () => {
    const chart = lines.filter(line => /^\s+\d+ [ █│]+ -?[\d.]+$/.test(line))
    expect(chart).toHaveLength(12)
    const longest = chart.find(line => line.endsWith(' 290.5')) ?? ''
    const shortest = chart.find(line => line.endsWith(' 242')) ?? ''
    expect(longest.split('█').length).toBeGreaterThan(shortest.split('█').length)
  })
})

describe('npm run demo: options and outputs', () => {
  it('runs the push job on the current wire at realtime speed by default', () => {
    expect(parseDemoArgs([])).toEqual({
      job: 'push',
      wire: 'current',
      speed: 'realtime',
      fail: false,
      debug: false,
      html: null
    })
    expect(parseDemoArgs(['pull-request', '--speed', 'fast', '--html', 'out'])).toMatchObject({
      job: 'pull-request',
      speed: 'fast',
      html: 'out'
    })
    expect(parseDemoArgs(['--wire', 'legacy', '--speed', 'fast', '--fail'])).toMatchObject({
      job: 'push',
      wire: 'legacy',
      speed: 'fast',
      fail: true
    })
    expect(parseDemoArgs(['--help'])).toBe('help')
  })

  it('names the valid jobs or options when one is unknown', () => {
    const jobs = jobNames().join(', ')
    expect(jobs).toBe('push, pull-request, schedule, challenge, student, class-report')
    expect(() => parseDemoArgs(['course'])).toThrow(`no job named "course"; the jobs are ${jobs}`)
    expect(() => parseDemoArgs(['push', 'schedule'])).toThrow('one job at a time')
    expect(() => parseDemoArgs(['--course'])).toThrow(
      /Unknown option '--course'.*; the options are --wire, --speed, --fail, --debug, --html, --help/
    )
    expect(() => parseDemoArgs(['--challenge'])).toThrow('--challenge is a job now')
    expect(() => parseDemoArgs(['challenge', '--wire', 'legacy'])).toThrow(
      'the challenge job needs the current wire'
    )
    expect(() => parseDemoArgs(['--wire', 'v3'])).toThrow('--wire must be current or legacy')
    expect(() => parseDemoArgs(['--speed', 'manual'])).toThrow('--speed must be fast or realtime')
    expect(() => parseDemoArgs(['--html', ' '])).toThrow('--html needs a folder')
  })

  it('shows the -- form in its usage, and every job with what it shows', () => {
    const text = usage()
    expect(text).toContain('usage: npm run demo -- [job] [options]')
    expect(text).toContain('e.g. npm run demo -- ')
    for (const name of jobNames()) expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'))
  })

  it('reads the GITHUB_OUTPUT file, heredoc and name=value forms', () => {
    const outputs = parseOutputFile('rank<<EOF_1\n12\nEOF_1\nnote<<X\na\nb\nX\nscore=3.5\n')
    expect(Object.entries(outputs)).toEqual([
      ['rank', '12'],
      ['note', 'a\nb'],
      ['score', '3.5']
    ])
  })
})
