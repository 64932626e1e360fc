/**
 * The pieces of the report, shared by the job summary and the PR comment. Each takes the outcome
 * and a level of detail and returns Markdown, or '' when it has nothing to say. Every piece of
 * text from ML Arena goes through markdown.ts; numbers through format.ts.
 */
import { valueAxis } from '../../report/chart.js'
import type { Game, LeaderboardRow, RunResult } from '../../arena/model.js'
import { formatBytes } from '../../format.js'
import type { OutcomeKind, Phase, RankReport, RunOutcome } from '../outcome.js'
import {
  formatCount,
  formatCountOf,
  formatDelta,
  formatDuration,
  formatMinutes,
  formatNumber,
  formatRankChange
} from '../../report/format.js'
import { codeBlock, htmlText, inlineCode, inlineText, link, table } from '../../report/markdown.js'

/** How much of each part to show; the budget trimmer lowers it step by step. */
export interface Detail {
  /** Characters of each log tail; 0 lists the logs without their tails. */
  logChars: number
  /** Log tails shown at most. */
  maxLogs: number
  /** Rows from the top of the board, and on each side of this agent's row. */
  top: number
  around: number
  /** The Mermaid chart of the score per game. */
  chart: boolean
  /** Games in the chart and in its table. */
  maxGames: number
  /** Files listed by name. */
  maxFiles: number
  /** Failed runs listed at most. */
  maxRuns: number
  /** Notes shown, and characters of each. */
  maxNotes: number
  noteChars: number
}

/**
 * The trim steps a report goes through when it is over its budget, from `full` down: shorter log
 * tails, no tails, a smaller board, no chart and fewer games, fewer files, then a minimal report.
 */
export function detailLevels(
  full: Detail,
  shortLogChars: number,
  minimal: Pick<Detail, 'maxRuns' | 'maxNotes'>
): Detail[] {
  const small = { ...full, logChars: 0, top: 3, around: 1 }
  return [
    full,
    { ...full, logChars: shortLogChars },
    { ...full, logChars: 0 },
    small,
    { ...small, chart: false, maxGames: 10 },
    { ...small, chart: false, maxGames: 10, maxFiles: 20 },
    {
      logChars: 0,
      maxLogs: 0,
      top: 1,
      around: 0,
      chart: false,
      maxGames: 0,
      maxFiles: 0,
      noteChars: 200,
      ...minimal
    }
  ]
}

/** Longest untrusted strings, in characters before escaping. */
const NAME = 60
const USER = 40
const LABEL = 40
const MESSAGE = 500
const PATH = 120
/** Logs listed by file when their tails are not shown. */
const LISTED_LOGS = 20

const ICONS: Record<OutcomeKind, string> = {
  success: '✅',
  submitted: '⏳',
  'dry-run': '✅',
  'deploy-failed': '❌',
  'upload-failed': '❌',
  error: '❌',
  timeout: '⏱️',
  cancelled: '⏹️',
  skipped: '⏭️'
}

const WORDS: Record<OutcomeKind, string> = {
  success: 'agent active',
  submitted: 'submitted, being evaluated',
  'dry-run': 'dry run, checks passed',
  'deploy-failed': 'deploy failed',
  'upload-failed': 'upload failed',
  error: 'failed',
  timeout: 'timed out',
  cancelled: 'cancelled',
  skipped: 'skipped, nothing submitted'
}

const PHASES: Record<Phase, string> = {
  inputs: 'reading the inputs',
  files: 'collecting the files',
  course: 'joining the course',
  competition: 'reading the competition',
  runtime: 'choosing the runtime',
  agent: 'finding or creating the agent',
  upload: 'uploading the files',
  deploy: 'deploying',
  watch: 'waiting for the evaluation',
  logs: 'fetching the game logs',
  leaderboard: 'reading the leaderboard',
  report: 'writing the report'
}

const PHASE_TITLES: Record<Phase, string> = {
  inputs: 'Inputs',
  files: 'Files',
  course: 'Course',
  competition: 'Competition',
  runtime: 'Runtime',
  agent: 'Agent',
  upload: 'Upload',
  deploy: 'Deploy',
  watch: 'Evaluation',
  logs: 'Game logs',
  leaderboard: 'Leaderboard',
  report: 'Report'
}

/** `✅ ML Arena · Competition: agent active, rank 12 of 3,456` (without the `#`s). */
export function heading(outcome: RunOutcome): string {
  const where = outcome.competition
    ? ` · ${inlineText(outcome.competition.name, NAME)}`
    : outcome.competitionId !== null
      ? ` · competition ${outcome.competitionId}`
      : ''
  const row = outcome.rank?.row
  const rank =
    outcome.kind === 'success' && outcome.rank && row
      ? `, rank ${formatCount(row.rank)} of ${formatCount(outcome.rank.total)}`
      : ''
  const passed = outcome.course?.passed
  const verdict =
    passed === true ? ' in the class, passed' : passed === false ? ' in the class, not passed' : ''
  const text = `ML Arena${where}: ${WORDS[outcome.kind]}${rank}${rank ? verdict : passed === false ? ', not passed' : ''}`
  return `${stepIcon(outcome)} ${text}${stepWords(outcome)}`
}

/** Outcomes that are not failures in themselves, and those fail-on may let pass. */
const FINE: ReadonlySet<OutcomeKind> = new Set(['success', 'submitted', 'dry-run'])
const FAIL_ON_KINDS: ReadonlySet<OutcomeKind> = new Set([
  'deploy-failed',
  'upload-failed',
  'timeout'
])

/** The heading's icon follows the step: ❌ when fail-on fails a good outcome, ⚠️ when it lets a bad one pass. */
function stepIcon(outcome: RunOutcome): string {
  if (outcome.failsStep === undefined) return ICONS[outcome.kind]
  if (FINE.has(outcome.kind) && outcome.failsStep !== null) return '❌'
  if (FAIL_ON_KINDS.has(outcome.kind) && outcome.failsStep === null) return '⚠️'
  return ICONS[outcome.kind]
}

function stepWords(outcome: RunOutcome): string {
  if (outcome.failsStep === undefined) return ''
  if (FINE.has(outcome.kind) && outcome.failsStep !== null)
    return ` · the step fails (fail-on: ${outcome.failsStep})`
  if (FAIL_ON_KINDS.has(outcome.kind) && outcome.failsStep === null)
    return ' · the step passes (not in fail-on)'
  return ''
}

/** What happened, in a sentence or two: the failure, the timeout, why nothing was submitted. */
export function stateSection(outcome: RunOutcome): string {
  const parts: string[] = []
  const failure = outcome.failure
  switch (outcome.kind) {
    case 'timeout':
      parts.push(
        `**${timeoutSentence(outcome)}** ML Arena may still finish the evaluation after this run.`
      )
      break
    case 'skipped':
      parts.push(
        outcome.notes.length > 0
          ? '**Nothing was submitted to ML Arena.**'
          : '**Nothing was submitted to ML Arena:** pull requests from forks and Dependabot run ' +
              'without secrets, so there is no ML Arena token.'
      )
      break
    case 'submitted':
      parts.push(
        'Submitted and deployed; this run did not wait for the evaluation (`wait: false`).'
      )
      break
    case 'cancelled':
      parts.push('**The run was cancelled** before ML Arena finished evaluating the agent.')
      break
    case 'dry-run':
      parts.push('**Dry run:** nothing was changed on ML Arena.')
      break
    default:
      break
  }
  const blame = failureOwnerSentence(outcome)
  if (failure) {
    parts.push(`**Failed while ${PHASES[failure.phase]}:** ${inlineText(failure.message, MESSAGE)}`)
  } else if (outcome.kind === 'error' || outcome.kind.endsWith('-failed')) {
    const message = outcome.status?.message
    parts.push(
      `**${capitalise(WORDS[outcome.kind])}.**${message ? ` ML Arena says: ${inlineText(message, MESSAGE)}` : ''}`
    )
  }
  if (blame) parts.push(blame)
  return parts.join('\n\n')
}

/** Who ML Arena's verdict blames for a failed deploy (4.4 `latest_deploy.failure_owner`). */
const OWNERS: Record<string, string> = {
  participant: 'your agent (its code or files): fix it and push again',
  challenge:
    "the challenge (its environment, or it changed during the deploy), not your agent: tell the challenge's creator, or deploy again later",
  platform: "ML Arena's platform (its runners lost the runs), not your agent: deploy again later"
}

export function failureOwnerSentence(outcome: RunOutcome): string {
  if (outcome.kind !== 'deploy-failed') return ''
  const latest = outcome.status?.latestDeploy ?? outcome.quota?.latestDeploy ?? null
  const owner = latest?.failureOwner ?? null
  if (owner === null) return ''
  const who = OWNERS[owner] ?? inlineText(owner, LABEL)
  const why = latest?.failureMessage
    ? ` It says: ${inlineText(latest.failureMessage, MESSAGE)}`
    : ''
  return `ML Arena's verdict blames ${who}.${why}`
}

/** `Still deploy_queue at 116/127 after 30 min.` */
export function timeoutSentence(outcome: RunOutcome): string {
  const status = outcome.status
  const after =
    outcome.timeoutMinutes !== null ? ` after ${formatMinutes(outcome.timeoutMinutes)}` : ''
  if (!status) return `No status from ML Arena${after}.`
  const queue =
    status.queuePosition !== null
      ? ` at ${formatCount(status.queuePosition)}/${status.queueTotal !== null ? formatCount(status.queueTotal) : '?'} in the queue`
      : ''
  return `Still ${inlineText(status.state, LABEL)}${queue}${after}.`
}

/** The facts table: status, score, rank, best other agent, agent, runtime, deploys, time. */
export function factsTable(outcome: RunOutcome, compact: boolean): string {
  const rows: string[][] = []
  const status = outcome.status
  if (status) {
    const message = status.message ? ` · ${inlineText(status.message, compact ? 200 : 300)}` : ''
    rows.push(['Status', `${inlineText(status.state, LABEL)}${message}`])
  }
  const rank = outcome.rank
  if (rank) rows.push(...rankFacts(rank))
  const runs = status ? runsFact(status.runs, rank?.precision ?? null) : ''
  if (runs) rows.push(['Runs', runs])
  if (outcome.agentId !== null || outcome.agentName !== null) {
    const name = outcome.agentName ?? `agent ${outcome.agentId ?? ''}`
    const id = outcome.agentId !== null ? ` · id ${outcome.agentId}` : ''
    const created = outcome.agentCreated ? ' · created by this run' : ''
    rows.push(['Agent', `${link(name, outcome.competitionUrl, NAME)}${id}${created}`])
  } else if (outcome.competition || outcome.competitionUrl) {
    const name = outcome.competition?.name ?? `Competition ${outcome.competitionId ?? ''}`
    rows.push(['Competition', link(name, outcome.competitionUrl, NAME)])
  }
  if (outcome.runtime) rows.push(['Runtime', runtimeText(outcome.runtime)])
  if (!compact) {
    const quota = quotaText(outcome)
    if (quota) rows.push(['Deploys today', quota])
    const total = outcome.timings.reduce((sum, t) => sum + t.ms, 0)
    if (outcome.timings.length > 0) rows.push(['Run time', formatDuration(total)])
  }
  if (rows.length === 0) return ''
  return table([' ', ' '], rows)
}

function rankFacts(rank: RankReport): string[][] {
  const rows: string[][] = []
  const metric = metricLabel(rank)
  const row = rank.row
  if (!row) {
    rows.push(['Rank', `not on the board yet (${formatCount(rank.total)} ranked)`])
    return rows
  }
  if (row.score !== null) {
    const delta =
      rank.previousScore !== null
        ? ` (${formatDelta(row.score - rank.previousScore, rank.precision)} since the last run)`
        : ''
    rows.push(['Score', `**${scoreText(row.score, rank)}** ${metric}${delta}`])
  }
  const change = formatRankChange(row.rank, rank.previousRank)
  rows.push([
    'Rank',
    `**${formatCount(row.rank)}** of ${formatCount(rank.total)} · ${change === 'new' ? 'new' : `${change} since the last run`}`
  ])
  const other = rank.bestOther
  if (other) {
    const places = other.rank - row.rank
    const relation =
      places === 0
        ? 'same rank'
        : places > 0
          ? `${formatCountOf(places, 'place')} ahead`
          : `${formatCountOf(-places, 'place')} behind`
    const score = other.score !== null ? ` · score ${scoreText(other.score, rank)}` : ''
    rows.push([
      'Your best other agent',
      `${inlineText(other.agentName, NAME)} · rank ${formatCount(other.rank)}${score} · this agent is ${relation}`
    ])
  }
  return rows
}

function runsFact(runs: RunResult[], precision: number | null): string {
  if (runs.length === 0) return ''
  const counts = new Map<string, number>()
  for (const run of runs) {
    const key = run.failed ? 'failed' : run.status
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const byStatus = [...counts]
    .map(([status, n]) => `${formatCount(n)} ${inlineText(status, 20)}`)
    .slice(0, 6)
    .join(', ')
  const scores = runs.map(r => r.score).filter((s): s is number => s !== null && Number.isFinite(s))
  const mean =
    scores.length > 0
      ? ` · mean score ${formatNumber(scores.reduce((a, b) => a + b, 0) / scores.length, precision)}`
      : ''
  return `${formatCountOf(runs.length, 'run')}: ${byStatus}${mean}`
}

/** The runs that failed, with ML Arena's error type and message. */
export function failedRunsSection(outcome: RunOutcome, detail: Detail): string {
  const maxRuns = detail.maxRuns
  const failed = (outcome.status?.runs ?? [])
    .map((run, i) => ({ run, number: i + 1 }))
    .filter(({ run }) => run.failed || run.errorMessage !== null)
  if (failed.length === 0) return ''
  const rows = failed
    .slice(0, maxRuns)
    .map(({ run, number }) => [
      formatCount(number),
      inlineText(run.status, 20),
      run.errorType ? inlineText(run.errorType, LABEL) : '–',
      run.errorMessage ? inlineText(run.errorMessage, MESSAGE) : '–'
    ])
  const more = moreLine(failed.length, maxRuns, 'failed run')
  return `${table(['Run', 'Status', 'Error', 'Message'], rows, ['r'])}${more}`
}

/** The runtime, and when a range spec chose it, among how many and how to pin it. */
function runtimeText(choice: NonNullable<RunOutcome['runtime']>): string {
  const runtime = choice.option
  const text =
    runtime.displayName ??
    [
      [runtime.language, runtime.languageVersion].filter(Boolean).join(' '),
      [runtime.framework, runtime.frameworkVersion].filter(Boolean).join(' ')
    ]
      .filter(Boolean)
      .join(' · ')
  const chosen =
    choice.matched > 1 ? ` · newest of ${choice.matched} matching ${specText(choice.spec)}` : ''
  const pin = choice.pin === null ? '' : ` · pin it with ${specText(choice.pin, 'runtime: ')}`
  return `${inlineText(text, 80)} (id ${runtime.id})${chosen}${pin}`
}

/** What the runtime input accepts: only such text becomes a code span to copy (no joiners in it). */
const RUNTIME_INPUT =
  /^(\d+|[A-Za-z][A-Za-z0-9.+_-]*(\/[A-Za-z0-9][A-Za-z0-9.+_-]*(@[A-Za-z0-9][A-Za-z0-9.+_-]*)?)?)$/

function specText(spec: string, prefix = ''): string {
  return RUNTIME_INPUT.test(spec)
    ? inlineCode(`${prefix}${spec}`, 120)
    : inlineText(`${prefix}${spec}`, 100)
}

function quotaText(outcome: RunOutcome): string {
  const quota = outcome.quota
  if (!quota) return ''
  const parts: string[] = []
  if (quota.dailyUsed !== null && quota.dailyLimit !== null) {
    parts.push(`${formatCount(quota.dailyUsed)} of ${formatCount(quota.dailyLimit)} used`)
  } else if (quota.dailyRemaining !== null) {
    parts.push(`${formatCount(quota.dailyRemaining)} left`)
  }
  if (quota.canDeploy === false && quota.nextDeployAt) {
    parts.push(`next at ${inlineText(quota.nextDeployAt, LABEL)}`)
  }
  return parts.join(' · ')
}

/** The top of the board and this agent's neighbours, with a `…` row where rows are left out. */
export function leaderboardSection(rank: RankReport, detail: Detail): string {
  const rows = boardRows(rank, detail.top, detail.around)
  if (rows.length === 0) return ''
  const metric = metricLabel(rank)
  const body = rows.map(entry => (entry === GAP ? ['…', '', '', ''] : boardCells(entry, rank)))
  const order = rank.order === 'asc' ? 'lower is better' : 'higher is better'
  return (
    `${table(['Rank', 'Agent', 'User', `Score (${metric})`], body, ['r', 'l', 'l', 'r'])}\n\n` +
    `${formatCount(rank.total)} on the board, ranked by ${metric} (${order}).`
  )
}

const GAP = Symbol('gap')

/**
 * The rows to show. Top rows are the board's first rows, at positions 1..n. A neighbour row whose
 * rank is above n + 1 cannot be next to them (a row's rank never exceeds its position), so a gap
 * is shown exactly then; with ties across the cut a gap may go unmarked.
 */
export function boardRows(
  rank: RankReport,
  top: number,
  around: number
): (LeaderboardRow | typeof GAP)[] {
  const topRows = rank.top.slice(0, top)
  const neighbours = rank.row ? shrink(rank.neighbours, rank.row, around) : []
  const rest = neighbours.filter(n => !topRows.some(t => sameRow(t, n)))
  const result: (LeaderboardRow | typeof GAP)[] = [...topRows]
  const first = rest[0]
  if (first) {
    if (rest.length === neighbours.length && first.rank > topRows.length + 1) result.push(GAP)
    result.push(...rest)
  }
  return result
}

function shrink(list: LeaderboardRow[], row: LeaderboardRow, around: number): LeaderboardRow[] {
  const at = list.findIndex(r => sameRow(r, row))
  if (at < 0) return list
  return list.slice(Math.max(0, at - around), at + around + 1)
}

function sameRow(a: LeaderboardRow, b: LeaderboardRow): boolean {
  if (a === b) return true
  if (a.agentId !== null || b.agentId !== null) return a.agentId === b.agentId
  return a.rank === b.rank && a.agentName === b.agentName && a.username === b.username
}

function boardCells(row: LeaderboardRow, rank: RankReport): string[] {
  const self = rank.row !== null && sameRow(row, rank.row)
  const tags = [row.isBenchmark ? ' (benchmark)' : '', !self && row.isMine ? ' (yours)' : ''].join(
    ''
  )
  const user =
    inlineText(row.username, USER) + (row.teamName ? ` · ${inlineText(row.teamName, USER)}` : '')
  const cells = [
    formatCount(row.rank),
    `${inlineText(row.agentName, NAME)}${tags}`,
    user,
    row.score !== null ? scoreText(row.score, rank) : '–'
  ]
  if (!self) return cells
  const bold = cells.map(c => (c === '' ? c : `**${c}**`))
  bold[1] = `${bold[1] ?? ''} ← this agent`
  return bold
}

/**
 * The score of each game: a Mermaid bar chart (numbers only, oldest game first) and a plain table
 * in `<details>` for readers without Mermaid (e-mail, older servers).
 */
export function gamesSection(outcome: RunOutcome, detail: Detail): string {
  const precision = outcome.rank?.precision ?? null
  const shown = outcome.games.slice(0, detail.maxGames)
  const scored = shown.filter(
    (g): g is Game & { score: number } => g.score !== null && Number.isFinite(g.score)
  )
  if (shown.length === 0) return ''
  const parts: string[] = []
  const all = outcome.games
    .map(g => g.score)
    .filter((s): s is number => s !== null && Number.isFinite(s))
  if (all.length > 0) {
    const mean = all.reduce((a, b) => a + b, 0) / all.length
    parts.push(
      `${formatCountOf(outcome.games.length, 'game')} · mean ${formatNumber(mean, precision)} · ` +
        `min ${formatNumber(Math.min(...all), precision)} · max ${formatNumber(Math.max(...all), precision)}`
    )
  }
  if (detail.chart && scored.length > 1) {
    const chronological = [...scored].reverse()
    const labels = chronological.map((_, i) => `"${i + 1}"`).join(', ')
    const values = chronological.map(g => chartNumber(g.score, precision)).join(', ')
    const axis = valueAxis(
      'Score',
      chronological.map(g => g.score),
      n => chartNumber(n, precision)
    )
    parts.push(
      [
        '```mermaid',
        'xychart-beta',
        `  title "Score per game, oldest first (latest ${scored.length})${axis.titleNote}"`,
        `  x-axis ${labels.length > 0 ? `[${labels}]` : '[]'}`,
        axis.line,
        `  bar [${values}]`,
        '```'
      ].join('\n')
    )
  }
  const withErrors = shown.some(game => gameError(game) !== '')
  const rows = shown.map((game, i) => {
    const cells = [
      formatCount(i + 1),
      game.id !== null ? formatCount(game.id) : '–',
      game.score !== null ? formatNumber(game.score, precision) : '–',
      game.steps !== null ? formatCount(game.steps) : '–',
      game.outcome ? inlineText(game.outcome, LABEL) : '–'
    ]
    if (withErrors) cells.push(gameError(game) || '–')
    return cells
  })
  const more = moreLine(outcome.games.length, detail.maxGames, 'game')
  const headers = ['#', 'Game', 'Score', 'Steps', 'Outcome']
  const align: ('l' | 'r')[] = ['r', 'r', 'r', 'r', 'l']
  if (withErrors) {
    headers.push('Error')
    align.push('l')
  }
  const errors = shown.filter(game => gameError(game) !== '').length
  const summary =
    errors > 0
      ? `Score per game as a table (newest first; ${formatCountOf(errors, 'game')} ended in an error)`
      : 'Score per game as a table (newest first)'
  parts.push(
    `<details><summary>${summary}</summary>\n\n` +
      `${table(headers, rows, align)}${more}\n\n</details>`
  )
  return parts.join('\n\n')
}

/**
 * Why a game ended badly, one cause per owner (README "Why a run ended"): the agent's own
 * error with its message, the challenge's `env_error_type` (its message is the creator's, not
 * served), the platform's `job_error_type`. '' for a clean game.
 */
export function gameError(game: Game): string {
  const causes: string[] = []
  if (game.agentErrorType) {
    const message = game.agentErrorMessage ? `: ${inlineText(game.agentErrorMessage, 120)}` : ''
    causes.push(`agent ${inlineCode(game.agentErrorType, LABEL)}${message}`)
  }
  if (game.envErrorType) causes.push(`challenge ${inlineCode(game.envErrorType, LABEL)}`)
  if (game.jobErrorType) causes.push(`platform ${inlineCode(game.jobErrorType, LABEL)}`)
  if (causes.length === 0 && game.failed) causes.push(inlineText(game.jobStatus ?? 'failed', LABEL))
  return causes.join(' · ')
}

/** A plain number for Mermaid: no grouping, no untrusted text. */
function chartNumber(value: number, precision: number | null): string {
  const fixed = value.toFixed(Math.min(Math.max(precision ?? 3, 0), 6))
  return String(Number(fixed))
}

/**
 * The agent's files with their sizes, and the total; a file stored under another name than its
 * path under working-directory shows both (`lib/helpers.py → helpers.py`). Then the files this
 * run removed from the agent, if any.
 */
export function filesSection(outcome: RunOutcome, detail: Detail, compact: boolean): string {
  const files = outcome.files
  if (files.length === 0) return ''
  const total = files.reduce((sum, f) => sum + f.size, 0)
  const rows = files
    .slice(0, detail.maxFiles)
    .map(f => [
      f.path === f.name
        ? inlineText(f.name, PATH)
        : `${inlineText(f.path, PATH)} → ${inlineText(f.name, PATH)}`,
      formatBytes(f.size)
    ])
  const more = moreLine(files.length, detail.maxFiles, 'file')
  const renamed = files.some(f => f.path !== f.name)
  const header = renamed ? 'File (path → stored name)' : 'File'
  const list = rows.length > 0 ? `${table([header, 'Size'], rows, ['l', 'r'])}${more}` : ''
  const line = `${formatCountOf(files.length, 'file')}, ${formatBytes(total)} in all${limitsText(outcome)}.`
  const removed = removedText(outcome.removedFiles, detail.maxFiles)
  const body = [list, removed].filter(part => part !== '').join('\n\n')
  if (!body) return line
  if (compact) return `<details><summary>${htmlText(line, 200)}</summary>\n\n${body}\n\n</details>`
  return `${line}\n\n${body}`
}

/** `Removed from the agent, as no longer among its files: a.py, b.py.` */
function removedText(names: string[], max: number): string {
  if (names.length === 0) return ''
  const shown = names.slice(0, Math.max(max, 5)).map(name => inlineText(name, PATH))
  const rest = names.length - shown.length
  const more = rest > 0 ? ` and ${formatCount(rest)} more` : ''
  return `Removed from the agent, as no longer among its files: ${shown.join(', ')}${more}.`
}

function limitsText(outcome: RunOutcome): string {
  const competition = outcome.competition
  if (!competition) return ''
  const limits: string[] = []
  if (competition.maxUploadFiles !== null)
    limits.push(`at most ${formatCountOf(competition.maxUploadFiles, 'file')}`)
  if (competition.maxUploadSizeBytes !== null)
    limits.push(`at most ${formatBytes(competition.maxUploadSizeBytes)}`)
  return limits.length > 0 ? ` (the competition allows ${limits.join(' and ')})` : ''
}

/** What a dry run checked, one line each. */
export function checksSection(outcome: RunOutcome): string {
  const lines: string[] = []
  const competition = outcome.competition
  if (competition) {
    lines.push(
      `- ✔ Competition found: ${link(competition.name, outcome.competitionUrl, NAME)} (id ${competition.id})`
    )
    if (competition.simulatorHealthy === false) {
      lines.push(
        '- ⚠️ ML Arena reports the simulator machine down: a deploy now would queue or fail'
      )
    }
  }
  if (outcome.files.length > 0) {
    const total = outcome.files.reduce((sum, f) => sum + f.size, 0)
    lines.push(
      `- ✔ ${formatCountOf(outcome.files.length, 'file')} (${formatBytes(total)}) within the competition's limits`
    )
  }
  if (outcome.runtime) lines.push(`- ✔ Runtime: ${runtimeText(outcome.runtime)}`)
  const quota = quotaText(outcome)
  if (quota)
    lines.push(`- ${outcome.quota?.canDeploy === false ? '⚠️' : '✔'} Deploys today: ${quota}`)
  return lines.length > 0 ? `Checked:\n\n${lines.join('\n')}` : ''
}

/** Time per phase, in the order the phases ran. */
export function timingsSection(outcome: RunOutcome): string {
  if (outcome.timings.length === 0) return ''
  // A phase run twice (the agent is looked up, then created) is one row, its times added.
  const byPhase = new Map<Phase, number>()
  for (const t of outcome.timings) byPhase.set(t.phase, (byPhase.get(t.phase) ?? 0) + t.ms)
  const rows = [...byPhase]
    .slice(0, 50)
    .map(([phase, ms]) => [PHASE_TITLES[phase] ?? 'Other', formatDuration(ms)])
  const total = outcome.timings.reduce((sum, t) => sum + t.ms, 0)
  rows.push(['**Total**', `**${formatDuration(total)}**`])
  return table(['Phase', 'Time'], rows, ['l', 'r'])
}

/**
 * The last lines of each game log, folded; with logChars 0 only the list of saved logs. Then
 * the replays saved (the `replays` input), by file.
 */
export function logsSection(outcome: RunOutcome, detail: Detail): string {
  const logs = outcome.logs
  const replays = outcome.replays ?? []
  if (logs.length === 0 && replays.length === 0) return ''
  const where = outcome.logsDir
    ? ` Saved on the runner in ${inlineText(outcome.logsDir, PATH)}.`
    : ''
  const parts: string[] = []
  if (logs.length > 0) {
    const fromStdout = logs.every(log => log.source === 'stdout')
    const what = fromStdout ? " saved: your agent's own output in each game" : ' downloaded'
    parts.push(`${formatCountOf(logs.length, 'game log')}${what}.${where}`)
  }
  const shown = logs.slice(0, detail.logChars > 0 ? detail.maxLogs : 0)
  for (const log of shown) {
    const game = log.gameId !== null ? `Game ${log.gameId}` : 'Game'
    const cut = log.truncated ? ', cut at the size cap' : ''
    parts.push(
      `<details><summary>${game}: last lines (${formatBytes(log.bytes)}${cut})</summary>\n\n` +
        `${codeBlock(log.tail, detail.logChars)}\n\n</details>`
    )
  }
  if (shown.length < logs.length) {
    const rest = logs.slice(shown.length, shown.length + LISTED_LOGS)
    const items = rest.map(
      log =>
        `- ${log.gameId !== null ? `Game ${log.gameId}` : 'Game'}: ${inlineText(log.file, PATH)} (${formatBytes(log.bytes)})`
    )
    parts.push(items.join('\n') + moreLine(logs.length - shown.length, rest.length, 'log'))
  }
  if (replays.length > 0) {
    const listed = replays.slice(0, LISTED_LOGS)
    const items = listed.map(
      replay =>
        `- Game ${replay.gameId}: ${inlineText(replay.file, PATH)} (${REPLAY_KINDS[replay.format] ?? inlineText(replay.format, LABEL)}, ${formatBytes(replay.bytes)})`
    )
    parts.push(
      `${formatCountOf(replays.length, 'replay')} saved (ML Arena keeps replays 365 days):${logs.length === 0 ? where : ''}\n\n` +
        items.join('\n') +
        moreLine(replays.length, listed.length, 'replay')
    )
  }
  return parts.join('\n\n')
}

/** What each replay format is (4.4 README "4.4.0 — replays"). */
const REPLAY_KINDS: Record<string, string> = {
  frames_v2: 'msgpack frames',
  frames_v1: 'legacy frames',
  video_mp4: 'MP4 video',
  image_png: 'PNG still'
}

export function notesSection(notes: string[], detail: Detail): string {
  if (notes.length === 0 || detail.maxNotes <= 0) return ''
  const items = notes.slice(0, detail.maxNotes).map(n => `- ${inlineText(n, detail.noteChars)}`)
  return items.join('\n') + moreLine(notes.length, detail.maxNotes, 'note')
}

function metricLabel(rank: RankReport): string {
  if (rank.metricName) return inlineText(rank.metricName, LABEL)
  return rank.scoreKind === 'elo'
    ? 'Elo'
    : rank.scoreKind === 'mean_reward'
      ? 'mean reward'
      : 'score'
}

function scoreText(score: number, rank: RankReport): string {
  return formatNumber(score, rank.precision)
}

/** `\n\n…and 980 more files.` when a list was cut. */
function moreLine(total: number, shown: number, noun: string): string {
  const rest = total - shown
  return rest > 0 ? `\n\n…and ${formatCount(rest)} more ${rest === 1 ? noun : `${noun}s`}.` : ''
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
