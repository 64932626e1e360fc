/**
 * run(): the teacher action. Reads the mode and the inputs, then sequences one of two jobs:
 * the class report (find or create the course, build the report, write it: job summary, CSV,
 * outputs), or course as code (plan / apply / export a course.yaml folder: annotations, job
 * summary, the sticky plan comment, outputs). The one place that catches errors and fails the
 * step; every output is set on every run ('' when it does not apply).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CourseAuthoringClient } from '../arena/course-authoring.js'
import type { ArenaClient } from '../arena/client.js'
import { LocalFileError } from '../arena/errors.js'
import { CLIENT_VERSION } from '../arena/version.js'
import { ActionError, InputError } from '../errors.js'
import { oneLine } from '../format.js'
import { arenaClientForRun } from '../github/arena-client.js'
import { emitAnnotations } from '../github/annotations.js'
import { loadRunContext } from '../github/run-context.js'
import { openStickyComment } from '../github/sticky-comment.js'
import { renderKeyMarker, startsWithKeyMarker } from '../report/sticky-marker.js'
import { findCourse as findTaughtCourse } from './authoring/course-ref.js'
import { runCourseAsCode, runExport, type AuthoringOutcome } from './authoring/pipeline.js'
import {
  COURSE_COMMENT_TAG,
  renderAuthoringComment,
  renderAuthoringSummary,
  renderExportSummary
} from './authoring/render.js'
import {
  readAuthoringConfig,
  readCourseConfig,
  readCourseMode,
  type AuthoringConfig
} from './config.js'
import { actionsRunner, type RunnerSide } from './github.js'
import { runClassReport } from './pipeline.js'
import { renderClassCsv } from './report/csv.js'
import { renderClassSummary } from './report/summary.js'

const OUTPUTS = [
  'course-id',
  'join-code',
  'changes',
  'url',
  'enrolled',
  'passed',
  'report-path',
  'platform-csv-path'
]

export async function run(runner: RunnerSide = actionsRunner): Promise<void> {
  const outputs: Record<string, string> = Object.fromEntries(OUTPUTS.map(name => [name, '']))
  let arena: ArenaClient | null = null
  try {
    const mode = readCourseMode(name => runner.getInput(name), runner.env)
    if (mode === 'report') {
      arena = await classReport(runner, outputs)
    } else {
      const config = readAuthoringConfig(mode, name => runner.getInput(name), runner.env)
      arena = await courseAsCode(runner, config, outputs)
    }
  } catch (error) {
    if (!(error instanceof ActionError) && error instanceof Error && error.stack)
      runner.debug(error.stack)
    const message =
      error instanceof ActionError
        ? error.message
        : `Unexpected error (a bug in mlarena-action, please report it): ${error instanceof Error ? error.message : String(error)}`
    runner.setFailed(oneLine(message, 2000))
  } finally {
    for (const [name, value] of Object.entries(outputs)) runner.setOutput(name, value)
    await arena?.close().catch(() => {})
  }
}

async function classReport(
  runner: RunnerSide,
  outputs: Record<string, string>
): Promise<ArenaClient> {
  const config = readCourseConfig(name => runner.getInput(name), runner.env)
  runner.setSecret(config.apiKey)
  const arena = arenaClientForRun(
    { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
    runner,
    'mlarena-action-course'
  )
  const result = await runClassReport(arena, config, runner.log)
  const { report, course } = result
  outputs['course-id'] = String(course.id)
  outputs['join-code'] = course.joinCode ?? ''
  if (report) {
    outputs.enrolled = String(report.enrolled)
    outputs.passed = report.passThreshold === null ? '' : String(report.passedCount)
    try {
      await mkdir(path.dirname(config.reportPath), { recursive: true })
      await writeFile(config.reportPath, renderClassCsv(report), 'utf8')
    } catch (error) {
      throw new LocalFileError('write', config.reportPath, error)
    }
    outputs['report-path'] = config.reportPath
    runner.log.info(`Wrote the class report as CSV: ${config.reportPath}`)
  }
  // ML Arena's own export, beside ours (same folder, the name the SDK saves it under).
  let platformCsvPath: string | null = null
  if (result.platformCsv) {
    platformCsvPath = path.join(path.dirname(config.reportPath), result.platformCsv.name)
    try {
      await mkdir(path.dirname(platformCsvPath), { recursive: true })
      await writeFile(platformCsvPath, result.platformCsv.text, 'utf8')
    } catch (error) {
      throw new LocalFileError('write', platformCsvPath, error)
    }
    outputs['platform-csv-path'] = platformCsvPath
    runner.log.info(`Wrote ML Arena's own CSV export of the course: ${platformCsvPath}`)
  }
  if (config.summary) {
    const markdown = renderClassSummary({
      course,
      report,
      csvPath: report ? config.reportPath : null,
      platformCsvPath,
      created: result.created
    })
    await summary(runner, markdown)
  }
  return arena
}

async function courseAsCode(
  runner: RunnerSide,
  config: AuthoringConfig,
  outputs: Record<string, string>
): Promise<ArenaClient | null> {
  if (config.githubToken) runner.setSecret(config.githubToken)
  const context = await loadRunContext(runner.env)
  if (config.apiKey === '') {
    const pr = context.pullRequest
    if (pr && (pr.fromFork || pr.fromDependabot)) {
      runner.log.notice(
        `This is ${pr.fromDependabot ? 'a Dependabot pull request' : 'a pull request from a fork'}: GitHub gives it no secrets, so there is no ML Arena token and no course plan.`
      )
      return null
    }
    throw new InputError(
      'api-key',
      "is empty; pass the teacher's ML Arena token from a secret, e.g. api-key: ${{ secrets.MLARENA_TEACHER_KEY }} (mlk_teacher_…)."
    )
  }
  runner.setSecret(config.apiKey)
  const arena = arenaClientForRun(
    { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
    runner,
    'mlarena-action-course'
  )
  const port = new CourseAuthoringClient(arena)
  const enrolUrl = (joinCode: string | null): string =>
    joinCode ? `${config.baseUrl}/enroll/${encodeURIComponent(joinCode)}` : ''

  if (config.mode === 'export') {
    const course = await findTaughtCourse(port, config.courseId, config.name)
    const result = await runExport(port, course, config.directory, config.workspace)
    outputs['course-id'] = String(course.id)
    outputs['join-code'] = course.joinCode ?? ''
    outputs.url = enrolUrl(course.joinCode)
    outputs.changes = '0'
    runner.log.info(`Exported course ${course.id}: ${result.files.join(', ')}`)
    if (config.summary) await summary(runner, renderExportSummary(result.files, course))
    return arena
  }

  const outcome = await runner.log.group(`ML Arena course: ${config.mode}`, () =>
    runCourseAsCode(
      port,
      {
        mode: config.mode as 'plan' | 'apply',
        directory: config.directory,
        workspace: config.workspace,
        prune: config.prune
      },
      runner.log
    )
  )
  emitAnnotations(
    outcome.findings.map(f => ({ ...f, title: `ML Arena course (${f.source})` })),
    runner.annotate
  )
  const course = outcome.course
  outputs['course-id'] = course ? String(course.id) : ''
  outputs['join-code'] = course?.joinCode ?? ''
  outputs.url = enrolUrl(course?.joinCode ?? null)
  outputs.changes = outcome.plan ? String(outcome.plan.ops.length) : ''
  const ctx = { url: outputs.url || null }
  if (config.summary) await summary(runner, renderAuthoringSummary(outcome, ctx))
  const wantComment =
    config.comment === 'on' || (config.comment === 'auto' && context.pullRequest !== null)
  if (wantComment) await comment(runner, config, context, outcome, ctx)
  if (outcome.failure) throw new ActionError(outcome.failure)
  return arena
}

async function comment(
  runner: RunnerSide,
  config: AuthoringConfig,
  context: Awaited<ReturnType<typeof loadRunContext>>,
  outcome: AuthoringOutcome,
  ctx: { url: string | null }
): Promise<void> {
  const key = `course:${outcome.manifestFile ?? config.directory}`
  const sticky = await openStickyComment({
    token: config.githubToken,
    context,
    log: { ...runner.log, debug: message => runner.debug(message) },
    userAgent: `mlarena-action/${CLIENT_VERSION}`,
    required: config.comment === 'on',
    isOurs: body => startsWithKeyMarker(body, COURSE_COMMENT_TAG, key)
  })
  await sticky?.publish(
    renderAuthoringComment(outcome, ctx, renderKeyMarker(COURSE_COMMENT_TAG, key))
  )
}

async function summary(runner: RunnerSide, markdown: string): Promise<void> {
  await runner.writeSummary(markdown).catch(error => {
    runner.log.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  })
}
