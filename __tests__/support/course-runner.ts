/**
 * Runs the bundled teacher action (dist/course/index.js) the way a runner does, with the
 * defaults course/action.yml declares: runAction with another entry.
 */
import path from 'node:path'
import {
  actionDefaults,
  runAction,
  type ActionRun,
  type RunActionOptions
} from './action-runner.ts'

export const COURSE_ENTRY = path.resolve(import.meta.dirname, '../../dist/course/index.js')
const COURSE_ACTION = path.resolve(import.meta.dirname, '../../course/action.yml')

export async function runCourseAction(
  options: Omit<RunActionOptions, 'entry' | 'defaults'>
): Promise<ActionRun> {
  return runAction({
    ...options,
    entry: COURSE_ENTRY,
    defaults: await actionDefaults(COURSE_ACTION)
  })
}
