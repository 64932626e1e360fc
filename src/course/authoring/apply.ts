/**
 * Apply: carries out a plan's operations in their order (plan.ts says why that order), each
 * create sent once and recovered by reading state (recover.ts). New lessons are checked by the
 * preview route right after they are created, while still drafts: a refused directive stops the
 * run before anything is published. Stops at the first failure; what was done is reported, and
 * the next run's plan starts from what ML Arena then holds.
 */
import type { LessonHead, ModuleDetail, TaughtCourse } from '../../arena/course-authoring-model.js'
import { ArenaError } from '../../arena/errors.js'
import type { Logger } from '../../logger.js'
import { previewFindings } from './directives.js'
import type { Finding } from './findings.js'
import { refKey, type Op, type Plan, type Ref } from './plan.js'
import type { AuthoringPort } from './port.js'
import type { RemoteCourse } from './remote.js'
import { slugFromTitle, type CourseManifest, type LessonSpec } from './spec.js'
import { createOnce, removeOnce } from './recover.js'

export interface ApplyResult {
  course: TaughtCourse
  /** The operations carried out, in order. */
  done: Op[]
  /** Creates whose answer was lost but whose result was found and adopted. */
  adopted: string[]
  findings: Finding[]
  /** Set when apply stopped before the end: the message, and the operation it stopped at. */
  stoppedAt: Op | null
  failure: string | null
}

export async function applyPlan(
  port: AuthoringPort,
  manifest: CourseManifest,
  remote: RemoteCourse | null,
  plan: Plan,
  log: Pick<Logger, 'info' | 'warning'>
): Promise<ApplyResult> {
  const ids = new Map<string, number>()
  const lessonsByKey = new Map<string, LessonSpec>()
  manifest.modules.forEach(m =>
    m.lessons.forEach((l, i) => lessonsByKey.set(`lesson:${m.index}:${i}`, l))
  )
  const result: ApplyResult = {
    course: remote?.course ?? { id: 0, name: manifest.course.name, slug: null, joinCode: null },
    done: [],
    adopted: [],
    findings: [],
    stoppedAt: null,
    failure: null
  }
  const id = (ref: Ref): number => {
    if ('id' in ref) return ref.id
    const found = ids.get(ref.key)
    if (found === undefined) throw new Error(`apply: ${refKey(ref)} was not created before its use`)
    return found
  }
  const courseId = (): number => result.course.id

  for (const op of plan.ops) {
    try {
      log.info(`ML Arena: ${op.text}`)
      switch (op.type) {
        case 'course.create': {
          const created = await createOnce(
            `the course “${op.spec.name}”`,
            () => port.createCourse(op.spec),
            async () => (await port.taughtCourses()).find(c => c.name === op.spec.name) ?? null,
            log
          )
          if (created.adopted) result.adopted.push(op.text)
          result.course = created.value
          break
        }
        case 'course.update':
          await port.updateCourse(courseId(), op.fields)
          break
        case 'course.cover':
          await port.setCover(courseId(), { name: op.cover.name, path: op.cover.path })
          break
        case 'module.create': {
          const slug = op.spec.slug ?? slugFromTitle(op.spec.title)
          const created = await createOnce<Pick<ModuleDetail, 'id'>>(
            `module “${op.spec.title}”`,
            () => port.createModule(op.spec),
            async () => {
              const mine = await port.myModules()
              const hit =
                mine.find(m => m.slug === slug) ?? mine.find(m => m.title === op.spec.title)
              return hit ? { id: hit.moduleId } : null
            },
            log
          )
          if (created.adopted) result.adopted.push(op.text)
          ids.set(op.key, created.value.id)
          break
        }
        case 'module.update':
          await port.updateModule(op.moduleId, op.fields)
          break
        case 'module.publish':
          await port.updateModule(id(op.module), { isPublished: op.isPublished })
          break
        case 'lesson.create': {
          const moduleId = id(op.module)
          const slug = op.spec.slug ?? slugFromTitle(op.spec.title)
          const created = await createOnce<Pick<LessonHead, 'id'>>(
            `lesson “${op.spec.title}”`,
            () => port.createLesson(moduleId, op.spec),
            async () => {
              const lessons = (await port.module(moduleId)).lessons
              return (
                lessons.find(l => l.slug === slug) ??
                lessons.find(l => l.title === op.spec.title) ??
                null
              )
            },
            log
          )
          if (created.adopted) result.adopted.push(op.text)
          ids.set(op.key, created.value.id)
          if (op.estimatedMinutes !== undefined) {
            await port.updateLesson(created.value.id, { estimatedMinutes: op.estimatedMinutes })
          }
          const lesson = lessonsByKey.get(op.key)
          if (lesson && lesson.directiveLines.length > 0) {
            const findings = await previewFindings(port, manifest, lesson, created.value.id)
            result.findings.push(...findings)
            if (findings.some(f => f.severity === 'error')) {
              result.done.push(op)
              result.stoppedAt = op
              result.failure = `ML Arena refuses the mlarena: directives of lesson “${lesson.title}” (created as a draft, not published): fix them and run again.`
              return result
            }
          }
          break
        }
        case 'lesson.update':
          await port.updateLesson(op.lessonId, op.fields)
          break
        case 'lesson.publish':
          await port.updateLesson(id(op.lesson), { isPublished: op.isPublished })
          break
        case 'lesson.delete': {
          const lessonId = op.lessonId
          const done = await removeOnce(
            `the deletion of lesson ${lessonId}`,
            () => port.deleteLesson(lessonId),
            () => stillExists(() => port.lesson(lessonId)),
            log
          )
          if (done.adopted) result.adopted.push(op.text)
          break
        }
        case 'lessons.reorder':
          await port.reorderLessons(id(op.module), op.order.map(id))
          break
        case 'challenge.attach': {
          const moduleId = id(op.module)
          const link: { label?: string; passThreshold?: number } = {}
          if (op.label !== undefined) link.label = op.label
          if (op.passThreshold !== undefined) link.passThreshold = op.passThreshold
          const done = await createOnce(
            `the attachment of challenge ${op.challengeId}`,
            async () => port.attachChallenge(moduleId, op.challengeId, link).then(() => true),
            async () =>
              (await port.module(moduleId)).challenges.some(c => c.challengeId === op.challengeId)
                ? true
                : null,
            log
          )
          if (done.adopted) result.adopted.push(op.text)
          break
        }
        case 'challenge.update':
          await port.updateChallengeLink(op.moduleId, op.challengeId, op.fields)
          break
        case 'challenge.detach': {
          const { moduleId, challengeId } = op
          const done = await removeOnce(
            `the detachment of challenge ${challengeId}`,
            () => port.detachChallenge(moduleId, challengeId),
            async () =>
              (await port.module(moduleId)).challenges.some(c => c.challengeId === challengeId),
            log
          )
          if (done.adopted) result.adopted.push(op.text)
          break
        }
        case 'challenges.reorder':
          await port.reorderChallenges(id(op.module), op.order)
          break
        case 'module.link': {
          const moduleId = id(op.module)
          const done = await createOnce(
            `the link of module ${moduleId}`,
            async () => port.linkModule(courseId(), moduleId).then(() => true),
            async () =>
              (await port.courseModules(courseId())).some(m => m.moduleId === moduleId)
                ? true
                : null,
            log
          )
          if (done.adopted) result.adopted.push(op.text)
          break
        }
        case 'module.unlink': {
          const moduleId = op.moduleId
          const done = await removeOnce(
            `the unlink of module ${moduleId}`,
            () => port.unlinkModule(courseId(), moduleId),
            async () => (await port.courseModules(courseId())).some(m => m.moduleId === moduleId),
            log
          )
          if (done.adopted) result.adopted.push(op.text)
          break
        }
        case 'modules.reorder':
          await port.reorderModules(courseId(), op.order.map(id))
          break
      }
      result.done.push(op)
    } catch (error) {
      result.stoppedAt = op
      result.failure = error instanceof Error ? error.message : String(error)
      return result
    }
  }
  return result
}

/** A read that answers 404 says the thing is gone. */
async function stillExists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read()
    return true
  } catch (error) {
    if (error instanceof ArenaError && error.status === 404) return false
    throw error
  }
}
