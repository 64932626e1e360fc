/**
 * Helpers for the course authoring contract tests (SDK 4.4.0 `client.py`, "Course authoring" and
 * "Course consumption"; /work/shared/ml-arena-api.md "Course authoring"). Routes and bodies are
 * written from the SDK's docstrings, not from the emulator's code.
 */
import { COURSE_TOKENS, TOKENS, type Emulator } from '../../emulator/index.ts'
import { call, type Res } from './helpers.ts'

export const T = '/api/teacher'
export const C = '/api/academic_courses'
export type Row = Record<string, unknown>

/** tess teaches every seeded course; alice's teacher token is another teacher. */
export const TESS = COURSE_TOKENS.teacher
export const ALICE = TOKENS.teacher

export function as(
  emu: Emulator,
  token: string | null,
  method: string,
  path: string,
  json?: unknown
): Promise<Res> {
  return call(emu, method, path, { token, ...(json === undefined ? {} : { json }) })
}

/** `create_module` as tess; returns the module row. */
export async function createModule(emu: Emulator, body: Row, token: string = TESS): Promise<Row> {
  const res = await as(emu, token, 'POST', `${T}/modules`, body)
  if (res.status !== 201) throw new Error(`create_module: ${res.status} ${res.text}`)
  return res.body as Row
}

/** `create_course` as tess (any scope may create; tess may own several). */
export async function createCourse(emu: Emulator, body: Row = { name: 'CS-500' }): Promise<Row> {
  const res = await as(emu, TESS, 'POST', `${C}/`, body)
  if (res.status !== 201) throw new Error(`create_course: ${res.status} ${res.text}`)
  return res.body as Row
}

export function courseChallenges(emu: Emulator, courseId: number): unknown[] {
  const course = emu.state().courses.find(c => c.id === courseId)
  if (!course) throw new Error(`no course ${courseId}`)
  return course.challenges
}
