/**
 * The client's parsers on the shapes SDK 4.4.0 documents, one fixture per route under
 * fixtures/sdk-4.4/ (each names the docstring or README section it follows in "//source").
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  exportCsvName,
  exportCsvQuery,
  parseProgress,
  parseRoster
} from '../../src/arena/courses.js'
import { parseLeaderboard } from '../../src/arena/leaderboard.js'
import {
  deleteFileForm,
  parseGames,
  parseQuota,
  parseStatus,
  parseUpload,
  replaySuffix
} from '../../src/arena/wire.js'

const ctx = { what: 'the test request', route: 'GET /api/test' }
const OWN = 7

function fixture(name: string): Record<string, unknown> {
  const data = JSON.parse(
    readFileSync(new URL(`./fixtures/sdk-4.4/${name}`, import.meta.url), 'utf8')
  ) as Record<string, unknown>
  expect(typeof data['//source']).toBe('string')
  return data
}

describe('submission_status (4.4)', () => {
  const status = parseStatus('current', fixture('submission-status.json'), ctx, OWN)

  it('reads each run from its own submission_results row, wherever that row sits', () => {
    expect(status.runs.map(r => r.score)).toEqual([0.5, 0, null, 1])
    expect(status.runs.map(r => r.steps)).toEqual([410, 90, null, 500])
    expect(status.runs[3]).toMatchObject({ outcome: 'winner', finalRank: 1, failed: false })
  })

  it('counts a completed run with env_error_type, or an own agent_error_type, as not clean', () => {
    expect(status.runs[0]).toMatchObject({
      status: 'completed',
      failed: true,
      envErrorType: 'code_error',
      agentErrorType: null,
      errorType: 'code_error'
    })
    expect(status.runs[1]).toMatchObject({
      failed: true,
      agentErrorType: 'timeout',
      errorType: 'timeout',
      errorMessage: 'step 90 took 61 s (limit 60 s)'
    })
    expect(status.runs[2]).toMatchObject({
      status: 'failed',
      failed: true,
      jobErrorType: 'pod_failed'
    })
  })

  it('reads run_info.metrics (the declaration) and latest_deploy with failure_owner', () => {
    expect(status.metric).toBe('Win rate')
    expect(status.latestDeploy).toEqual({
      id: 90,
      status: 'failed',
      createdAt: '2026-11-30T10:01:00Z',
      finishedAt: '2026-11-30T10:05:00Z',
      failureMessage: 'env.py raised ZeroDivisionError',
      failureOwner: 'challenge'
    })
    expect(status).toMatchObject({ settled: true, deployable: true, queuePosition: null })
  })
})

describe('submission_games (4.4)', () => {
  const list = parseGames('current', fixture('submission-games.json'), ctx, OWN)

  it('takes the game id from simulation_result_id and the numbers from the own row', () => {
    expect(list.games.map(g => g.id)).toEqual([6004, 6003, 6002, 6001, 6000])
    expect(list.games[0]).toMatchObject({
      score: 1,
      outcome: 'winner',
      finalRank: 1,
      steps: 500,
      createdAt: '2026-11-30T12:04:00Z',
      failed: false
    })
  })

  it("reads the agent's own stdout, never the opponent's, and no log URL from a replay", () => {
    expect(list.games[0]?.stdout).toBe('game 6004: reset\nstep 500: landed\n')
    expect(list.games[3]?.stdout).toBeNull()
    expect(list.games.every(g => g.logUrl === null)).toBe(true)
  })

  it('reads each replay, and null where none was recorded', () => {
    expect(list.games.map(g => g.replay?.format ?? null)).toEqual([
      'frames_v2',
      'video_mp4',
      'image_png',
      null,
      'frames_v1'
    ])
    expect(list.games[0]?.replay).toEqual({
      format: 'frames_v2',
      url: 'https://replays.example/6004.frames.mp?X-Amz-Signature=abc123def&X-Amz-Expires=21600',
      sizeBytes: 20480
    })
    expect(list.games[4]?.replay?.sizeBytes).toBeNull()
  })

  it('names the cause of each unclean game: agent, challenge, platform', () => {
    expect(list.games[1]).toMatchObject({
      failed: true,
      agentErrorType: 'code_error',
      agentErrorMessage: "Traceback: KeyError 'obs'"
    })
    expect(list.games[2]).toMatchObject({ failed: true, envErrorType: 'crash', score: null })
    expect(list.games[3]).toMatchObject({ failed: true, jobStatus: 'failed', jobErrorType: 'lost' })
  })

  it('reads challenge_context', () => {
    expect(list.context).toEqual({
      metricLabel: 'Win rate',
      numberOfAgents: 2,
      renderDelaySeconds: 0.1
    })
  })

  it('reads a 3.0–4.3 row: its top-level signed_url is the log, submission_reward the score', () => {
    const old = parseGames('current', fixture('submission-games-3.x.json'), ctx, OWN)
    expect(old.games[0]).toMatchObject({
      id: 4001,
      score: 12.5,
      logUrl: 'https://logs.example/4001.log?signature=s3cr3t',
      replay: null,
      stdout: null
    })
    expect(old.context).toBeNull()
  })

  it('names replay files with the suffixes of download_replay', () => {
    expect(replaySuffix('frames_v2')).toBe('.frames.mp')
    expect(replaySuffix('video_mp4')).toBe('.mp4')
    expect(replaySuffix('image_png')).toBe('.png')
    expect(replaySuffix('frames_v1')).toBe('.experiment.mp')
    expect(replaySuffix('gif')).toBeNull()
  })
})

describe('deploy status and uploads (4.4)', () => {
  it('reads latest_deploy.failure_owner', () => {
    const quota = parseQuota(fixture('submission-deploy-status.json'), ctx)
    expect(quota.latestDeploy?.failureOwner).toBe('participant')
    expect(quota.dailyRemaining).toBe(3)
  })

  it('takes an upload that reads upload_failed as a saved file with its validation message', () => {
    expect(parseUpload(fixture('upload-submission-file.json'), '')).toEqual({
      message: 'upload_failed: File model.pkl uploaded',
      validationMessage: 'agent.py is missing',
      state: 'upload_failed'
    })
  })

  it('deletes one file as the form-urlencoded delete_file both SDKs send', () => {
    expect(deleteFileForm('my model.pkl')).toEqual({
      text: 'delete_file=my+model.pkl',
      contentType: 'application/x-www-form-urlencoded'
    })
  })
})

describe('leaderboard me (3.0.0)', () => {
  it('reads me.neighbors', () => {
    const board = parseLeaderboard('current', fixture('leaderboard-me.json'), ctx)
    expect(board.me?.neighbours.map(r => r.username)).toEqual(['bob', 'carol'])
    expect(board.me?.row?.agentId).toBe(7)
  })

  it('tolerates a me block without neighbours', () => {
    const data = fixture('leaderboard-me.json')
    const me = { ...(data.me as Record<string, unknown>) }
    delete me.neighbors
    const board = parseLeaderboard('current', { ...data, me }, ctx)
    expect(board.me?.neighbours).toEqual([])
    expect(board.me?.rank).toBe(2)
  })
})

describe('course roster, progress and export (4.4)', () => {
  it('reads the roster by user_id, with no username', () => {
    const roster = parseRoster(fixture('course-students.json'), ctx)
    expect(roster.challenges).toEqual([{ id: 1, name: 'Lunar Lander' }])
    expect(roster.students[0]).toEqual({
      userId: 31,
      studentNumber: 'S1001',
      studentEmail: 'carol@uni.example',
      projectUrl: 'https://github.com/cs101/lunar-carol',
      enrolledAt: '2026-01-21T09:00:00Z'
    })
    expect(roster.students[0]).not.toHaveProperty('username')
  })

  it('reads the progress dashboard: students by user id and name, cells, direction', () => {
    const progress = parseProgress(fixture('course-progress.json'), ctx)
    expect(progress.challenges).toEqual([
      { id: 1, name: 'Lunar Lander', passThreshold: 150, order: 'desc' }
    ])
    expect(progress.students[0]).toEqual({
      userId: 31,
      username: 'carol',
      contentPercent: 80,
      lastActiveAt: '2026-02-10T09:00:00Z',
      cells: [{ challengeId: 1, value: 210.5, passThreshold: 150, passed: true, order: 'desc' }]
    })
    expect(progress.students[1]?.cells[0]).toMatchObject({ value: null, passed: null })
  })

  it('reads cells keyed by challenge id too, and an empty dashboard as empty', () => {
    const progress = parseProgress(
      {
        students: [{ user_id: 5, username: 'x', challenges: { '9': { value: 3, passed: false } } }]
      },
      ctx
    )
    expect(progress.students[0]?.cells).toEqual([
      { challengeId: 9, value: 3, passThreshold: null, passed: false, order: null }
    ])
    expect(parseProgress({}, ctx)).toEqual({ challenges: [], students: [] })
  })

  it('asks the export as export_course_csv does, and names the file as the SDK saves it', () => {
    const data = fixture('export-course-csv.json')
    const query = exportCsvQuery(1, true)
    expect(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]))).toEqual(
      data.query
    )
    expect(exportCsvName(1, 1)).toBe(data.file_name)
  })
})
