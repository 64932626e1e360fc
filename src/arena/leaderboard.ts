/**
 * Leaderboards of both wires into one model. Legacy: a bare array of PascalCase rows, score =
 * EloScore when IsEloRanked else MeanReward. Current (3.x and 4.x): an envelope; rows carry
 * `score` (4.x; null = unranked) or, older, `mean_reward`/`elo_score`. The rank is always the
 * server's (ties share one), never an array position. A row is told apart by its keys, so a
 * server that mixes shapes is still read. Loops and plain functions only: a board of 100,000
 * rows is parsed in a few tens of milliseconds.
 */
import type { RequestContext } from './errors.js'
import {
  asArray,
  asRecord,
  fail,
  isRecord,
  optBool,
  optInt,
  optNumber,
  optString,
  optTime,
  pick,
  type Json
} from './guards.js'
import type { Leaderboard, LeaderboardMe, LeaderboardRow, ScoreKind, Wire } from './model.js'

export const BENCHMARK_NAME = '__benchmark__'

interface BoardShape {
  elo: boolean
}

export function parseLeaderboard(w: Wire, data: unknown, ctx: RequestContext): Leaderboard {
  if (Array.isArray(data)) return bareBoard(data, ctx)
  if (w === 'legacy' && !isRecord(data)) fail(ctx, '(leaderboard)', 'an array')
  return envelope(asRecord(data, ctx, '(leaderboard)'), ctx)
}

/** The legacy answer: rows only. Which score is shown comes from the rows themselves. */
function bareBoard(list: unknown[], ctx: RequestContext): Leaderboard {
  const rows = new Array<LeaderboardRow>(list.length)
  let elo = false
  let metricName: string | null = null
  let precision: number | null = null
  for (let i = 0; i < list.length; i++) {
    const r = list[i]
    if (!isRecord(r)) fail(ctx, `[${i}]`, 'an object')
    if (i === 0) {
      elo = r.IsEloRanked === true || r.is_elo_ranked === true
      metricName = optString(r.Metric)
      precision = optInt(r.FrontendPrecision)
    }
    rows[i] = readRow(r, ctx, i, { elo: r.IsEloRanked === true })
  }
  return {
    rows,
    total: rows.length,
    scoreKind: elo ? 'elo' : 'mean_reward',
    metricName,
    order: 'desc',
    precision,
    me: null,
    matches: null
  }
}

function envelope(o: Json, ctx: RequestContext): Leaderboard {
  const challenge = isRecord(o.challenge) ? o.challenge : {}
  const ranking = rankingMetric(challenge)
  const key = ranking ? (optString(pick(ranking, 'key', 'name')) ?? '') : ''
  const elo = ranking ? /elo/i.test(key) : challenge.is_elo_score === true
  const scoreKind: ScoreKind = ranking
    ? elo
      ? 'elo'
      : /^(mean_)?reward$/i.test(key)
        ? 'mean_reward'
        : 'metric'
    : elo
      ? 'elo'
      : 'mean_reward'
  const order = optString(ranking?.order ?? challenge.metric_order ?? challenge.ranked_order)
  const shape: BoardShape = { elo }
  const leaders = asArray(o.leaders, ctx, 'leaders')
  const rows = new Array<LeaderboardRow>(leaders.length)
  for (let i = 0; i < leaders.length; i++) {
    const r = leaders[i]
    if (!isRecord(r)) fail(ctx, `leaders[${i}]`, 'an object')
    rows[i] = readRow(r, ctx, i, shape)
  }
  return {
    rows,
    total: optInt(o.total) ?? rows.length,
    scoreKind,
    metricName: ranking
      ? (optString(pick(ranking, 'label', 'display_name', 'name')) ?? (key || null))
      : optString(challenge.metric),
    order: order?.toLowerCase() === 'asc' ? 'asc' : 'desc',
    precision:
      optInt(ranking ? pick(ranking, 'precision', 'frontend_precision') : undefined) ??
      optInt(challenge.frontend_precision),
    me: isRecord(o.me) ? readMe(o.me, ctx, shape) : null,
    matches: Array.isArray(o.matches) ? readRows(o.matches, ctx, shape, 'matches') : null,
    ...(isRecord(o.course_context) ? { course: courseContext(o.course_context) } : {})
  }
}

function courseContext(c: Json): NonNullable<Leaderboard['course']> {
  const course: NonNullable<Leaderboard['course']> = {
    courseId: optInt(c.course_id),
    passThreshold: optNumber(c.pass_threshold)
  }
  if (c.enrolled_count !== undefined) course.enrolledCount = optInt(c.enrolled_count)
  return course
}

/** 4.x: the metric declaration with `is_ranking`. */
function rankingMetric(challenge: Json): Json | null {
  const metrics = challenge.metrics
  if (!Array.isArray(metrics)) return null
  for (const m of metrics) if (isRecord(m) && optBool(m.is_ranking) === true) return m
  return null
}

function readMe(me: Json, ctx: RequestContext, shape: BoardShape): LeaderboardMe {
  return {
    rank: optInt(me.rank),
    position: optInt(me.position),
    percentile: optNumber(me.percentile),
    row: isRecord(me.row) ? readRow(me.row, ctx, -1, shape) : null,
    // README 3.0.0: `me["neighbors"]`, the one spelling any SDK documents; absent → none.
    neighbours: Array.isArray(me.neighbors)
      ? readRows(me.neighbors, ctx, shape, 'me.neighbors')
      : []
  }
}

function readRows(
  list: unknown[],
  ctx: RequestContext,
  shape: BoardShape,
  field: string
): LeaderboardRow[] {
  const rows: LeaderboardRow[] = []
  for (let i = 0; i < list.length; i++) {
    const r = list[i]
    if (!isRecord(r)) fail(ctx, `${field}[${i}]`, 'an object')
    rows.push(readRow(r, ctx, i, shape))
  }
  return rows
}

function readRow(r: Json, ctx: RequestContext, index: number, shape: BoardShape): LeaderboardRow {
  return r.Rank !== undefined ? legacyRow(r, ctx, index) : currentRow(r, ctx, index, shape)
}

function legacyRow(r: Json, ctx: RequestContext, index: number): LeaderboardRow {
  const rank = optNumber(r.Rank)
  if (rank === null) fail(ctx, `[${index}].Rank`, 'a number')
  const agentName = optString(r.AgentName) ?? ''
  const username = optString(r.Username) ?? ''
  const row: LeaderboardRow = {
    rank,
    agentId: optInt(r.agentAttachId),
    agentName,
    username,
    teamName: optString(r.TeamName),
    score: optNumber(r.IsEloRanked === true ? r.EloScore : r.MeanReward),
    episodes: optInt(r.NEpisodes),
    runs: optInt(r.NumberOfRuns),
    isMine: r.IsMyAgent === true,
    isBenchmark: agentName === BENCHMARK_NAME || username === BENCHMARK_NAME,
    lastRunAt: optTime(r.LastEndRunTs)
  }
  // `passed` only on the rows of a course board: absent, it stays absent.
  const passed = pick(r, 'Passed', 'passed')
  if (passed !== undefined) row.passed = optBool(passed)
  return row
}

function currentRow(
  r: Json,
  ctx: RequestContext,
  index: number,
  shape: BoardShape
): LeaderboardRow {
  const rank = optNumber(r.rank)
  if (rank === null) fail(ctx, index < 0 ? 'me.row.rank' : `leaders[${index}].rank`, 'a number')
  const agentName = optString(r.submission_name) ?? ''
  const username = optString(r.username) ?? ''
  // `score` present (even null: unranked) wins; older rows carry mean_reward / elo_score.
  const score =
    r.score !== undefined ? optNumber(r.score) : optNumber(shape.elo ? r.elo_score : r.mean_reward)
  const row: LeaderboardRow = {
    rank,
    agentId: optInt(r.submission_id),
    agentName,
    username,
    teamName: optString(r.team_name),
    score,
    episodes: optInt(r.n_episodes_total),
    runs: optInt(r.number_of_runs),
    isMine: r.is_my_submission === true,
    isBenchmark: agentName === BENCHMARK_NAME || username === BENCHMARK_NAME,
    lastRunAt: optTime(r.last_end_run_ts)
  }
  if (r.passed !== undefined) row.passed = optBool(r.passed)
  return row
}
