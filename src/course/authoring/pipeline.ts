/**
 * Course as code, in steps: read the manifest (local checks), read ML Arena (the course, its
 * modules, the attachable challenges), plan, check the directives of the lessons ML Arena has,
 * and, for apply, carry the plan out only when nothing is wrong. Export reads a course and writes
 * the folder. Each step fills the outcome the report renders.
 */
import type { TaughtCourse } from '../../arena/course-authoring-model.js'
import type { Logger } from '../../logger.js'
import { applyPlan, type ApplyResult } from './apply.js'
import { checkDirectives } from './directives.js'
import { exportCourse, type ExportResult } from './export.js'
import { hasErrors, type Finding } from './findings.js'
import { buildPlan, type Plan } from './plan.js'
import type { AuthoringPort } from './port.js'
import { readRemoteState, type RemoteCourse } from './remote.js'
import type { CourseManifest } from './spec.js'
import { readManifest } from './validate.js'

export type AuthoringMode = 'plan' | 'apply'

export interface AuthoringOutcome {
  mode: AuthoringMode
  manifestFile: string | null
  manifest: CourseManifest | null
  findings: Finding[]
  plan: Plan | null
  apply: ApplyResult | null
  /** The course (null: none yet, or the plan could not tell). */
  course: TaughtCourse | null
  /** Why nothing was written, or why apply stopped. */
  failure: string | null
}

export interface AuthoringRequest {
  mode: AuthoringMode
  directory: string
  workspace: string
  prune: boolean
}

export async function runCourseAsCode(
  port: AuthoringPort,
  request: AuthoringRequest,
  log: Pick<Logger, 'info' | 'warning'>
): Promise<AuthoringOutcome> {
  const reading = await readManifest(request.directory, request.workspace)
  const outcome: AuthoringOutcome = {
    mode: request.mode,
    manifestFile: reading.manifestFile,
    manifest: reading.manifest,
    findings: [...reading.findings],
    plan: null,
    apply: null,
    course: null,
    failure: null
  }
  const manifest = reading.manifest
  if (!manifest) {
    outcome.failure = stopped(outcome.findings, request.mode)
    return outcome
  }
  const state = await readRemoteState(port, manifest)
  outcome.findings.push(...state.findings)
  if (hasErrors(state.findings)) {
    outcome.failure = stopped(outcome.findings, request.mode)
    return outcome
  }
  const remote: RemoteCourse | null = state.remote
  outcome.course = remote?.course ?? null
  const plan = buildPlan({
    manifest,
    remote,
    modules: state.modules,
    attachable: state.attachable,
    prune: request.prune
  })
  outcome.plan = plan
  outcome.findings.push(...plan.findings)
  outcome.findings.push(...(await checkDirectives(port, manifest, plan.existingLessons)))
  log.info(
    `Course plan: ${plan.ops.length} change(s)${plan.kept.length > 0 ? `, ${plan.kept.length} kept without prune` : ''}.`
  )
  if (hasErrors(outcome.findings)) {
    outcome.failure = stopped(outcome.findings, request.mode)
    return outcome
  }
  if (request.mode === 'plan') return outcome
  const result = await applyPlan(port, manifest, remote, plan, log)
  outcome.apply = result
  outcome.course = result.course.id > 0 ? result.course : outcome.course
  outcome.findings.push(...result.findings)
  outcome.failure = result.failure
  return outcome
}

function stopped(findings: readonly Finding[], mode: AuthoringMode): string {
  const errors = findings.filter(f => f.severity === 'error')
  const first = errors[0]
  const where = first?.file ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : ''
  return `The course manifest has ${errors.length} error(s)${where}: ${first?.message ?? ''}${mode === 'apply' ? ' Nothing was changed on ML Arena.' : ''}`
}

export async function runExport(
  port: AuthoringPort,
  course: TaughtCourse,
  directory: string,
  workspace: string
): Promise<ExportResult> {
  return exportCourse(port, course, directory, workspace)
}
