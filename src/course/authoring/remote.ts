/**
 * What ML Arena holds of the course, read through the teacher's routes: the course (by id once
 * the manifest names it, by name until then), its meta (the landing), its linked modules in
 * order with their lessons (bodies included) and challenge links, and the teacher's own modules
 * (to tell owned from borrowed, and to find a module a failed run created but never linked).
 */
import type {
  AttachableChallenge,
  CourseMeta,
  LessonDetail,
  LinkedModule,
  ModuleDetail,
  TaughtCourse
} from '../../arena/course-authoring-model.js'
import { ArenaError } from '../../arena/errors.js'
import type { Finding } from './findings.js'
import type { AuthoringPort } from './port.js'
import type { CourseManifest } from './spec.js'

export interface RemoteModule {
  detail: ModuleDetail
  /** The teacher owns it (it is among their modules): its content may be edited. */
  owned: boolean
  /** Linked to the course now. */
  linked: boolean
  /** The lessons with their bodies (owned modules only; [] otherwise). */
  lessons: LessonDetail[]
}

export interface RemoteCourse {
  course: TaughtCourse
  meta: CourseMeta
  /** Linked modules in course order. */
  modules: RemoteModule[]
}

export interface RemoteState {
  /** null: no course yet (apply creates it). */
  remote: RemoteCourse | null
  /** Every module the plan may match: the course's linked ones, then ones it may adopt. */
  modules: RemoteModule[]
  attachable: AttachableChallenge[]
  findings: Finding[]
}

/** Finds the course the manifest describes among the teacher's courses. */
export async function findCourse(
  port: AuthoringPort,
  manifest: CourseManifest
): Promise<{ course: TaughtCourse | null; findings: Finding[] }> {
  const taught = await port.taughtCourses()
  const { courseId, name } = manifest.course
  const file = manifest.manifestFile
  if (courseId !== null) {
    const course = taught.find(c => c.id === courseId) ?? null
    if (course) return { course, findings: [] }
    return {
      course: null,
      findings: [
        {
          severity: 'error',
          file,
          line: manifest.lineOf('/course/course_id'),
          message: `course_id ${courseId} is not one of the courses this token's teacher teaches or assists on (${taught.map(c => c.id).join(', ') || 'none'}); fix the id, or remove it to find the course by name.`,
          source: 'server'
        }
      ]
    }
  }
  const named = taught.filter(c => c.name === name)
  if (named.length > 1) {
    return {
      course: null,
      findings: [
        {
          severity: 'error',
          file,
          line: manifest.lineOf('/course/name'),
          message: `${named.length} of your courses are named ${JSON.stringify(name)} (ids ${named.map(c => c.id).join(', ')}): add course_id: under course: to say which one.`,
          source: 'server'
        }
      ]
    }
  }
  return { course: named[0] ?? null, findings: [] }
}

/** Reads everything the plan compares; nothing is written. */
export async function readRemoteState(
  port: AuthoringPort,
  manifest: CourseManifest
): Promise<RemoteState> {
  const found = await findCourse(port, manifest)
  const attachable = await port.attachableChallenges()
  if (found.findings.length > 0)
    return { remote: null, modules: [], attachable, findings: found.findings }
  const mine = await port.myModules()
  const owned = new Set(mine.map(m => m.moduleId))
  const course = found.course
  const modules: RemoteModule[] = []
  let meta: CourseMeta | null = null
  const seen = new Set<number>()
  if (course) {
    meta = await port.courseMeta(course.slug ?? String(course.id))
    for (const linked of await port.courseModules(course.id)) {
      seen.add(linked.moduleId)
      modules.push(await readModule(port, linked.moduleId, isOwned(linked, owned), true))
    }
  }
  // Modules the manifest names by id that the course does not link (yet). A module of ours that
  // only shares a slug is never taken over: it may be another course's, and editing (or pruning)
  // it would change that course. The plan stops on the line instead; `module_id:` says "reuse it".
  const linkedSlugs = new Set(modules.map(m => m.detail.slug))
  const findings: Finding[] = []
  for (const spec of manifest.modules) {
    if (spec.moduleId === null && !linkedSlugs.has(spec.matchSlug)) {
      const namesake = mine.find(m => m.slug === spec.matchSlug && !seen.has(m.moduleId))
      if (namesake)
        findings.push({
          severity: 'error',
          file: manifest.manifestFile,
          line: manifest.lineOf(spec.pointer),
          message: `you already have a module with slug ${JSON.stringify(spec.matchSlug)} (id ${namesake.moduleId}) that this course does not link: add module_id: ${namesake.moduleId} to reuse it, or give this module another slug.`,
          source: 'server'
        })
    }
    const candidate = spec.moduleId
    if (candidate === null || seen.has(candidate)) continue
    seen.add(candidate)
    try {
      modules.push(await readModule(port, candidate, owned.has(candidate), false))
    } catch (error) {
      // A module_id ML Arena does not show: the plan says so on its line.
      if (!(error instanceof ArenaError && (error.status === 404 || error.status === 403)))
        throw error
    }
  }
  const remote =
    course && meta
      ? {
          // A course row may leave out what the landing gives (the join code is the managers').
          course: {
            ...course,
            slug: course.slug ?? meta.slug,
            joinCode: course.joinCode ?? meta.joinCode
          },
          meta,
          modules: modules.filter(m => m.linked)
        }
      : null
  return { remote, modules, attachable, findings }
}

function isOwned(linked: LinkedModule, owned: ReadonlySet<number>): boolean {
  return owned.has(linked.moduleId) || linked.owned === true
}

async function readModule(
  port: AuthoringPort,
  moduleId: number,
  owned: boolean,
  linked: boolean
): Promise<RemoteModule> {
  const detail = await port.module(moduleId)
  const lessons: LessonDetail[] = []
  if (owned) for (const head of detail.lessons) lessons.push(await port.lesson(head.id))
  return { detail, owned, linked, lessons }
}
