/**
 * Runs the bundled teacher action (dist/course/index.js) the way a runner does, with the
 * defaults course/action.yml declares: runAction with another entry.
 */
import path from 'node:path'
import { runAction, type ActionRun, type RunActionOptions } from './action-runner.ts'

export const COURSE_ENTRY = path.resolve(import.meta.dirname, '../../dist/course/index.js')

export async function runCourseAction(
  options: Omit<RunActionOptions, 'entry' | 'actionFile'>
): Promise<ActionRun> {
  return runAction({
    ...options,
    entry: COURSE_ENTRY,
    actionFile: 'course/action.yml'
  })
}
