/**
 * End to end for the teacher's class report on the SDK 4.4 course shapes, before the emulator
 * serves them: the bundled dist/course/index.js against a small stub inside this test. The
 * roster carries `user_id` and no username (`course_students`); the progress dashboard
 * (`course_progress`) names the students; the course board ranks them by username; the CSV
 * export (`export_course_csv`) is the platform's own file. Any other route is a 404 the test
 * reports.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { runCourseAction } from '../support/course-runner.ts'

const TOKEN = 'mlk_teacher_stub44_s3cretvalue'
const PLATFORM_CSV = 'rank,username,submission_name,score,passed\n1,carol,lander,210.5,true\n'
const metric = { key: 'time', label: 'Lap time', order: 'asc', format: 'seconds', precision: 1 }

let server: Server
let base = ''
const seen: string[] = []
const unknown: string[] = []

function answer(method: string, url: URL, auth: string | undefined): [number, unknown] {
  if (auth !== `Bearer ${TOKEN}`) return [401, { error: 'no token' }]
  const p = url.pathname
  if (method !== 'GET') return [405, { error: 'read only' }]
  if (p === '/api/teacher/courses')
    return [
      200,
      [
        {
          id: 5,
          name: 'Racing 101',
          code: 'R101',
          slug: 'racing',
          join_code: 'RACE5',
          role: 'teacher'
        }
      ]
    ]
  if (p === '/api/teacher/students/5')
    return [
      200,
      {
        challenges: [{ id: 9, name: 'Track' }],
        selected_challenge_id: null,
        students: [31, 32, 33, 34].map(id => ({
          user_id: id,
          student_number: `S${id}`,
          student_email: `s${id}@uni.example`,
          project_url: null,
          enrolled_at_ts: '2026-01-10T09:00:00Z',
          team_id: null,
          team_name: null
        }))
      }
    ]
  if (p === '/api/teacher/course/5/progress')
    return [
      200,
      {
        challenges: [{ challenge_id: 9, name: 'Track', pass_threshold: 60, metric }],
        students: [
          [31, 'carol', 55.5],
          [32, 'dave', 60],
          [33, 'erin', 71.2],
          [34, 'frank', null]
        ].map(([user_id, username, value]) => ({
          user_id,
          username,
          content_percent: 50,
          last_active_at_ts: null,
          challenges: [{ challenge_id: 9, value, pass_threshold: 60, passed: null, metric }]
        }))
      }
    ]
  if (p === '/api/leaderboard/challenge/9' && url.searchParams.get('course_id') === '5') {
    const rows = [
      ['carol', 55.5],
      ['dave', 60],
      ['erin', 71.2]
    ].map(([username, score], i) => ({
      rank: i + 1,
      username,
      submission_id: 100 + i,
      submission_name: `${String(username)}-car`,
      score,
      is_my_submission: false,
      // `passed` is tri-state on a course board; left to the client's direction rule here.
      passed: null
    }))
    return [
      200,
      {
        challenge: {
          challenge_id: 9,
          metrics: [
            { ...metric, source: 'score', agg: 'min', unit: null, is_ranking: true, visible: true }
          ],
          window_days: null,
          has_gpu: false
        },
        total: rows.length,
        leaders: rows,
        me: null,
        matches: null,
        course_context: { course_id: 5, pass_threshold: 60 }
      }
    ]
  }
  if (p === '/api/teacher/export-csv/5')
    return url.searchParams.get('challenge_id') === '9'
      ? [200, PLATFORM_CSV]
      : [400, { error: 'challenge_id must be one of the course' }]
  return [404, { error: `stub: no route ${method} ${p}` }]
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base)
    seen.push(`${req.method} ${url.pathname}${url.search}`)
    const [code, data] = answer(req.method ?? '', url, req.headers.authorization)
    if (code === 404) unknown.push(`${req.method} ${url.pathname}`)
    const text = typeof data === 'string'
    res.writeHead(code, { 'content-type': text ? 'text/csv' : 'application/json' })
    res.end(text ? data : JSON.stringify(data))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

describe("the teacher's class report on a 4.4 server (stub)", () => {
  it('names students through the dashboard, judges an asc challenge with <=, keeps the unscored, and writes the platform CSV beside ours', async () => {
    const run = await runCourseAction({
      inputs: {
        'api-key': TOKEN,
        'base-url': base,
        'api-wire': 'current',
        'course-id': '5'
      }
    })
    expect(unknown).toEqual([])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    // Lower is better: 55.5 and 60 pass a bar of 60, 71.2 does not; frank has no score.
    expect(run.outputs).toMatchObject({ 'course-id': '5', enrolled: '4', passed: '2' })
    const csv = await readFile(run.outputs['report-path'] as string, 'utf8')
    expect(csv.split('\n').slice(1, 5)).toEqual([
      expect.stringMatching(/^1,carol,31,S31,,carol-car,100,55\.5,true,/),
      expect.stringMatching(/^2,dave,32,S32,,dave-car,101,60,true,/),
      expect.stringMatching(/^3,erin,33,S33,,erin-car,102,71\.2,false,/),
      expect.stringMatching(/^,frank,34,S34,,,,,false,/)
    ])
    expect(run.summary).toMatch(/### No scored agent yet\n\n- frank · S34 · no repository given/)
    // The platform's own export, next to ours, under the name the SDK saves it as.
    const platform = run.outputs['platform-csv-path'] as string
    expect(path.dirname(platform)).toBe(path.dirname(run.outputs['report-path'] as string))
    expect(path.basename(platform)).toBe('leaderboard_course_5_challenge_9.csv')
    expect(await readFile(platform, 'utf8')).toBe(PLATFORM_CSV)
    expect(run.summary).toContain("ML Arena's own export of the course board")
    expect(seen).toContain('GET /api/teacher/export-csv/5?challenge_id=9&by_participant=true')
  }, 60_000)
})
