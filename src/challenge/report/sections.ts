/**
 * The pieces of the challenge report, shared by the job summary and the PR comment. Pure:
 * outcome in, Markdown out ('' when a piece has nothing to say). Text from ML Arena and from the
 * folder goes through markdown.ts.
 */
import type { BudgetCheck, StartIssue } from '../../arena/creator-model.js'
import { formatCount, formatNumber } from '../../report/format.js'
import { codeBlock, inlineText, link, table } from '../../report/markdown.js'
import { whereOf, type Finding } from '../findings.js'
import { allFindings, type ChallengeOutcome } from '../outcome.js'
import type { Change } from '../plan.js'

export interface Detail {
  maxChanges: number
  maxFindings: number
  maxChecks: number
  chart: boolean
  logChars: number
  maxNotes: number
}

export const FULL_DETAIL: Detail = {
  maxChanges: 200,
  maxFindings: 200,
  maxChecks: 50,
  chart: true,
  logChars: 3000,
  maxNotes: 20
}

/** From `full` down to a minimal report, for the size budget. */
export function detailLevels(full: Detail): Detail[] {
  return [
    full,
    { ...full, logChars: 500 },
    { ...full, logChars: 0, maxChanges: 50, maxFindings: 50 },
    { ...full, logChars: 0, maxChanges: 20, maxFindings: 20, chart: false, maxNotes: 5 },
    { maxChanges: 5, maxFindings: 5, maxChecks: 10, chart: false, logChars: 0, maxNotes: 2 }
  ]
}

const TEXT = 300
const SHORT = 80

const ICONS: Record<ChallengeOutcome['kind'], string> = {
  planned: '📋',
  'plan-failed': '❌',
  applied: '✅',
  refused: '⛔',
  'benchmark-failed': '❌',
  timeout: '⏱️',
  blocked: '🚧',
  started: '🚀',
  skipped: '⏭️',
  cancelled: '🛑',
  error: '❌'
}

export function heading(outcome: ChallengeOutcome): string {
  const name = inlineText(outcome.name || 'challenge', SHORT)
  const plan = outcome.plan
  const count = plan ? plan.changes.length : 0
  const changes = `${formatCount(count)} change${count === 1 ? '' : 's'}`
  const what: Record<ChallengeOutcome['kind'], string> = {
    planned: count === 0 ? 'plan: no changes' : `plan: ${changes}`,
    'plan-failed': `plan: ${changes}, with errors`,
    applied: count === 0 ? 'no changes to apply' : `applied ${changes}`,
    refused: 'refused, nothing written',
    'benchmark-failed': 'benchmark failed',
    timeout: 'benchmark timed out',
    blocked: 'applied, not started: blockers remain',
    started: 'applied and started',
    skipped: 'skipped',
    cancelled: 'cancelled',
    error: 'failed'
  }
  return `${ICONS[outcome.kind]} ML Arena challenge · ${name}: ${what[outcome.kind]}`
}

export function failureSection(outcome: ChallengeOutcome): string {
  return outcome.failure ? `**Error:** ${inlineText(outcome.failure, 1000)}` : ''
}

export function factsTable(outcome: ChallengeOutcome): string {
  const rows: string[][] = []
  const id = outcome.challengeId
  const challenge =
    id === null
      ? 'new (created on apply)'
      : `${link(outcome.name || `challenge ${id}`, outcome.url)} · id ${id}${outcome.created ? ' (created by this run: pin `challenge-id: ' + id + '`)' : ''}`
  rows.push(['Challenge', challenge])
  rows.push(['Mode', outcome.mode])
  if (outcome.status) rows.push(['Status', inlineText(outcome.status, SHORT)])
  const plan = outcome.plan
  if (plan) {
    rows.push([
      'Changes',
      outcome.mode === 'apply'
        ? `${formatCount(outcome.applied)} of ${formatCount(plan.changes.length)} applied`
        : formatCount(plan.changes.length)
    ])
    if (plan.configChanges.length > 0)
      rows.push(['Config keys changed', formatCount(plan.configChanges.length)])
  }
  const findings = allFindings(outcome)
  const errors = findings.filter(f => f.severity === 'error').length
  const warnings = findings.filter(f => f.severity === 'warning').length
  if (findings.length > 0) rows.push(['Findings', `${errors} error(s), ${warnings} warning(s)`])
  const run = outcome.benchmark?.run
  if (run || outcome.benchmarkEnd) {
    rows.push([
      'Benchmark',
      `${inlineText(run?.jobStatus ?? outcome.benchmarkEnd ?? '', SHORT)}${outcome.benchmarkEnd === 'timeout' ? ' (timed out)' : ''}`
    ])
    if (run?.score != null) rows.push(['Benchmark score', formatNumber(run.score)])
  }
  const blockers = outcome.blockers ?? plan?.blockersAfter ?? null
  if (blockers) rows.push(['Start blockers', formatCount(blockers.length)])
  return table(['', ''], rows)
}

const ACTION_WORDS: Record<Change['action'], string> = {
  create: '➕ create',
  add: '➕ add',
  update: '✏️ update',
  remove: '➖ remove',
  set: '✏️ set',
  send: '📤 send (cannot compare)'
}

export function changesSection(
  changes: readonly Change[],
  detail: Detail,
  started: boolean
): string {
  if (changes.length === 0) return 'No changes: ML Arena already matches the folder.'
  const shown = changes.slice(0, detail.maxChanges)
  const rows = shown.map(c => [
    ACTION_WORDS[c.action],
    inlineText(c.subject, SHORT),
    inlineText(c.detail, SHORT),
    c.refusedWhileStarted ? '⛔ refused while started' : started ? 'ok while started' : ''
  ])
  const more =
    changes.length > shown.length ? `\n\n_…and ${changes.length - shown.length} more._` : ''
  return table(['', 'What', 'Change', started ? 'Started challenge' : ' '], rows) + more
}

export function findingsSection(findings: readonly Finding[], detail: Detail): string {
  if (findings.length === 0) return ''
  const order = { error: 0, warning: 1, notice: 2 }
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity])
  const shown = sorted.slice(0, detail.maxFindings)
  const rows = shown.map(f => [
    f.severity === 'error' ? '❌ error' : f.severity === 'warning' ? '⚠️ warning' : 'ℹ️ notice',
    whereOf(f) ? `\`${whereOf(f).replace(/`/g, "'")}\`` : '–',
    inlineText(f.message, TEXT)
  ])
  const more =
    findings.length > shown.length ? `\n\n_…and ${findings.length - shown.length} more._` : ''
  return table(['', 'Where', 'Finding'], rows) + more
}

export function blockersSection(outcome: ChallengeOutcome): string {
  const plan = outcome.plan
  const final = outcome.blockers
  const lines: string[] = []
  const list = (issues: readonly StartIssue[]): string =>
    issues.map(b => `- \`${b.code.replace(/`/g, "'")}\`: ${inlineText(b.message, TEXT)}`).join('\n')
  if (final) {
    lines.push(
      final.length === 0 ? 'None: the challenge can start.' : `Remaining:\n\n${list(final)}`
    )
  } else if (plan?.blockersAfter) {
    const after = plan.blockersAfter
    lines.push(
      after.length === 0
        ? 'None would remain after this plan.'
        : `Would remain after this plan:\n\n${list(after)}`
    )
    if (plan.resolvedIfScored.length > 0)
      lines.push(`Resolved once the benchmark scores:\n\n${list(plan.resolvedIfScored)}`)
  } else if (outcome.status === 'started') {
    lines.push('None: the challenge is started.')
  } else if (plan && plan.challengeId === null) {
    lines.push('Known once the challenge exists.')
  }
  return lines.join('\n\n')
}

/** The benchmark's budget checks: a table, and a Mermaid chart of measured/configured in %. */
export function benchmarkSection(outcome: ChallengeOutcome, detail: Detail): string {
  const status = outcome.benchmark
  if (!status && !outcome.benchmarkEnd) return ''
  const parts: string[] = []
  const run = status?.run
  if (run) {
    const facts = [`Run: **${inlineText(run.jobStatus, SHORT)}**`]
    if (run.score !== null) facts.push(`score ${formatNumber(run.score)}`)
    const why = [run.jobErrorType, run.envErrorType, run.envErrorMessage].filter(
      (s): s is string => !!s
    )
    if (why.length > 0) facts.push(inlineText(why.join(': '), TEXT))
    parts.push(facts.join(' · '))
  } else if (outcome.benchmarkEnd === 'timeout') {
    parts.push('The benchmark did not finish before the deadline.')
  }
  const checks = (status?.checks ?? []).slice(0, detail.maxChecks)
  if (checks.length > 0) {
    parts.push(
      table(
        ['Check', 'Status', 'Measured', 'Configured', 'Ratio', 'Message'],
        checks.map(c => [
          inlineText(c.label ?? c.key, SHORT),
          checkStatus(c.status),
          value(c.measured),
          value(c.configured),
          c.ratio !== null ? `${formatNumber(c.ratio * 100, 0)} %` : '–',
          c.message ? inlineText(c.message, TEXT) : ''
        ]),
        ['l', 'l', 'r', 'r', 'r', 'l']
      )
    )
    const charted = checks.filter(c => c.ratio !== null && Number.isFinite(c.ratio))
    if (detail.chart && charted.length > 0) parts.push(checksChart(charted))
  }
  if (run?.envLogs && detail.logChars > 0 && outcome.kind === 'benchmark-failed') {
    parts.push(
      `<details><summary>Env log (tail)</summary>\n\n${codeBlock(run.envLogs, detail.logChars)}\n\n</details>`
    )
  }
  return parts.join('\n\n')
}

function checkStatus(status: string): string {
  const icon: Record<string, string> = { ok: '✅', warn: '⚠️', fail: '❌', unmeasured: '➖' }
  return `${icon[status] ?? '❔'} ${inlineText(status, 20)}`
}

function value(v: number | string | null): string {
  if (v === null) return '–'
  return typeof v === 'number' ? formatNumber(v) : inlineText(v, SHORT)
}

/**
 * xychart-beta bars of each check's share of its budget, with the 100 % line. Labels are the
 * check keys reduced to letters, digits and `_` (Mermaid has no escaping for them).
 */
export function checksChart(checks: readonly BudgetCheck[]): string {
  const labels = checks.map(c => `"${c.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30)}"`)
  const values = checks.map(c => String(Math.round((c.ratio ?? 0) * 1000) / 10))
  const top = Math.max(120, ...checks.map(c => Math.ceil((c.ratio ?? 0) * 100) + 10))
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Benchmark: measured as % of the configured budget"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "% of budget" 0 --> ${top}`,
    `  bar [${values.join(', ')}]`,
    `  line [${checks.map(() => '100').join(', ')}]`,
    '```'
  ].join('\n')
}

export function notesSection(notes: readonly string[], detail: Detail): string {
  return notes
    .slice(0, detail.maxNotes)
    .map(note => `- ${inlineText(note, TEXT)}`)
    .join('\n')
}
