/**
 * The job summary and the sticky PR comment of course as code (plan, apply, export). Pure:
 * outcome in, Markdown out, under GitHub's size limits. Titles, names and messages are escaped
 * (course.yaml is the repository's, but ML Arena's text and ids are untrusted).
 */
import { cutToBudget, utf16Units, utf8Bytes } from '../../report/budget.js'
import { inlineCode, inlineText, link, table } from '../../report/markdown.js'
import { whereOf, type Finding } from './findings.js'
import type { Op } from './plan.js'
import type { AuthoringOutcome } from './pipeline.js'

export const SUMMARY_MAX_BYTES = 1_000_000
export const COMMENT_MAX_CHARS = 60_000
/** The marker tag of the course plan's sticky comment (src/report/sticky-marker.ts). */
export const COURSE_COMMENT_TAG = 'mlarena-action:course:v1'

export interface RenderContext {
  /** The enrolment link `<base>/enroll/<join_code>` when the course has a join code. */
  url: string | null
}

const ICONS: Record<string, string> = {
  create: '➕',
  update: '✏️',
  cover: '🖼️',
  publish: '📢',
  unpublish: '🙈',
  link: '🔗',
  unlink: '✂️',
  reorder: '↕️',
  attach: '🏁',
  detach: '✂️',
  delete: '🗑️'
}

function verb(op: Op): string {
  switch (op.type) {
    case 'module.publish':
    case 'lesson.publish':
      return op.isPublished ? 'publish' : 'unpublish'
    case 'course.cover':
      return 'cover'
    case 'modules.reorder':
    case 'lessons.reorder':
    case 'challenges.reorder':
      return 'reorder'
    default:
      return op.type.split('.')[1] as string
  }
}

export function renderAuthoringSummary(outcome: AuthoringOutcome, ctx: RenderContext): string {
  return cutToBudget(render(outcome, ctx, '##', ''), utf8Bytes, SUMMARY_MAX_BYTES)
}

/** `marker` goes first, where the next run looks for it. */
export function renderAuthoringComment(
  outcome: AuthoringOutcome,
  ctx: RenderContext,
  marker: string
): string {
  const body =
    render(outcome, ctx, '###', `${marker.split(/\r?\n/, 1)[0] ?? ''}\n`) +
    '\n<sub>Updated in place by mlarena-action/course on each run.</sub>\n'
  return cutToBudget(body, utf16Units, COMMENT_MAX_CHARS)
}

export function headline(outcome: AuthoringOutcome): string {
  const name = outcome.manifest?.course.name ?? outcome.course?.name ?? 'course.yaml'
  const errors = outcome.findings.filter(f => f.severity === 'error').length
  const ops = outcome.plan?.ops.length ?? 0
  const changes = `${ops} change${ops === 1 ? '' : 's'}`
  let state: string
  if (errors > 0)
    state = `❌ ${outcome.mode}: ${errors} error${errors === 1 ? '' : 's'}, nothing changed`
  else if (outcome.mode === 'plan')
    state = ops === 0 ? '✅ plan: no changes' : `📋 plan: ${changes}`
  else if (outcome.failure)
    state = `❌ apply stopped after ${outcome.apply?.done.length ?? 0} of ${changes}`
  else
    state =
      ops === 0 ? '✅ apply: no changes (ML Arena matches course.yaml)' : `✅ applied ${changes}`
  return `🎓 ML Arena course · ${inlineText(name, 120)}: ${state}`
}

function render(outcome: AuthoringOutcome, ctx: RenderContext, h: string, top: string): string {
  const sub = `${h}#`
  const sections: string[] = [`${top}${h} ${headline(outcome)}`]
  if (outcome.failure) sections.push(`**Error:** ${inlineText(outcome.failure, 600)}`)
  sections.push(facts(outcome, ctx))
  const plan = outcome.plan
  if (plan && plan.ops.length > 0) {
    const done = new Set(outcome.apply?.done ?? [])
    const title = outcome.mode === 'plan' ? 'Plan' : 'Changes'
    sections.push(
      `${sub} ${title}\n\n${opsTable(plan.ops, outcome.mode === 'apply' ? done : null)}`
    )
  }
  if (outcome.findings.length > 0)
    sections.push(`${sub} Findings\n\n${findingsTable(outcome.findings)}`)
  const notes: string[] = []
  for (const kept of plan?.kept ?? []) notes.push(inlineText(kept, 300))
  for (const adopted of outcome.apply?.adopted ?? [])
    notes.push(
      `${inlineText(adopted, 200)}: the answer was lost, ML Arena's state showed it done (not repeated)`
    )
  const created = outcome.apply?.done.some(op => op.type === 'course.create')
  if (created && outcome.course)
    notes.push(
      `The course was created with id ${outcome.course.id}: add ${inlineCode(`course_id: ${outcome.course.id}`, 40)} under ${inlineCode('course:', 20)} in course.yaml, so later runs find it by id (until then they find it by name).`
    )
  if (notes.length > 0) sections.push(`${sub} Notes\n\n${notes.map(n => `- ${n}`).join('\n')}`)
  return `${sections.join('\n\n')}\n`
}

function facts(outcome: AuthoringOutcome, ctx: RenderContext): string {
  const course = outcome.course
  const rows: string[][] = []
  rows.push([
    'Course',
    course
      ? `${inlineText(course.name, 120)} · id ${course.id}`
      : outcome.plan && !outcome.plan.exists
        ? 'new (apply creates it)'
        : '—'
  ])
  rows.push(['Manifest', outcome.manifestFile ? inlineCode(outcome.manifestFile, 200) : '—'])
  rows.push(['Mode', outcome.mode])
  if (outcome.plan) rows.push(['Changes', String(outcome.plan.ops.length)])
  if (outcome.apply) rows.push(['Carried out', String(outcome.apply.done.length)])
  const errors = outcome.findings.filter(f => f.severity === 'error').length
  const warnings = outcome.findings.filter(f => f.severity === 'warning').length
  if (outcome.findings.length > 0)
    rows.push(['Findings', `${errors} error(s), ${warnings} warning(s)`])
  if (course?.joinCode) rows.push(['Join code', inlineCode(course.joinCode, 60)])
  if (ctx.url)
    rows.push(['Enrolment link', link(ctx.url.replace(/^https?:\/\//, ''), ctx.url, 200)])
  return table(['', ''], rows)
}

function opsTable(ops: readonly Op[], done: ReadonlySet<Op> | null): string {
  const rows = ops.map(op => {
    const v = verb(op)
    const where = op.file ? inlineCode(op.line ? `${op.file}:${op.line}` : op.file, 200) : ''
    const state = done === null ? '' : done.has(op) ? '✓' : '—'
    return [
      `${ICONS[v] ?? '•'} ${v}`,
      inlineText(op.text, 300),
      where,
      ...(done === null ? [] : [state])
    ]
  })
  return table(['', 'What', 'Where', ...(done === null ? [] : ['Done'])], rows)
}

function findingsTable(findings: readonly Finding[]): string {
  const icon = { error: '❌ error', warning: '⚠️ warning', notice: 'ℹ️ notice' } as const
  const rows = findings.map(f => [
    icon[f.severity],
    whereOf(f) ? inlineCode(whereOf(f), 200) : '',
    inlineText(f.message, 500)
  ])
  return table(['', 'Where', 'Finding'], rows)
}

export function renderExportSummary(
  files: readonly string[],
  course: { id: number; name: string }
): string {
  const list = files.map(f => `- ${inlineCode(f, 200)}`).join('\n')
  return `## 🎓 ML Arena course · ${inlineText(course.name, 120)}: exported\n\nCourse id ${course.id} written as ${files.length} file(s); commit them and the next pull request plans against them (no change until you edit).\n\n${list}\n`
}
