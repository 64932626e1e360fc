/**
 * The teacher's ML Arena: typed methods for the course authoring routes (SDK 4.4.0, client.py
 * "Course authoring: modules / lessons / course composition", and the reads `course`,
 * `teacher_courses`, `challenges_for_course`), on an ArenaClient's transport (same retries,
 * timeouts, redirect refusal, redaction). Current wire only: on the legacy wire every method
 * fails with a clear error before sending. `/teacher/*` routes need a teacher token, checked
 * before sending.
 *
 * Keys read (each from the docstring named): course rows `id`, `name`, `slug`, `join_code`
 * (create_course, teacher_courses); the landing's `name`, `code`, `slug`, `description`,
 * `visibility`, `instructor_name`, `start_date`, `end_date`, `has_cover` (export_course_to_dir,
 * course); module `id`, `title`, `slug`, `summary`, `icon`, `visibility`, `is_published`
 * (create_module, update_module) with `lessons` and `challenges` (get_module: "lesson TOC +
 * challenge links"); lesson `id`, `title`, `slug`, `kind`, `gated`, `is_published`,
 * `estimated_minutes`, `body_md` (create_lesson, update_lesson, get_lesson); link `label`,
 * `pass_threshold`, `metric` (attach_challenge) and its challenge as `challenge_id` or
 * `challenge.id` (export_course_to_dir reads `challenge.id`); challenges-for-course `id`,
 * `name`, `metric`; preview `directives`, `warnings`. The SDK names no key for a linked
 * module's id or its owned/borrowed flag (list_course_modules): `module_id` or `id`, and
 * `is_owned`/`owned`/`is_borrowed`/`borrowed` are read when present (null otherwise).
 *
 * Creates (course, module, lesson, link, attach) are not idempotent: they are sent once, and a
 * failure after sending carries `outcomeUnknown` for the caller, who reads state before trying
 * again (src/course/authoring/recover.ts).
 */
import type { ArenaClient, Answer, RequestSpec } from './client.js'
import type {
  AttachableChallenge,
  ChallengeLink,
  CourseMeta,
  CourseUpdate,
  LessonDetail,
  LessonHead,
  LessonPreview,
  LessonUpdate,
  LinkUpdate,
  LinkedModule,
  ModuleDetail,
  ModuleUpdate,
  NewCourseSpec,
  NewLessonSpec,
  NewModuleSpec,
  RankingMetric,
  TaughtCourse,
  Visibility
} from './course-authoring-model.js'
import { ArenaError, type RequestContext } from './errors.js'
import {
  arrayOrUnder,
  asRecord,
  isRecord,
  optBool,
  optInt,
  optNumber,
  optString,
  pick,
  reqInt,
  reqString,
  type Json
} from './guards.js'
import type { Wire } from './model.js'
import { openFilePart } from './multipart.js'
import { requireScope } from './token.js'
import type { Method } from './http.js'
import type { Endpoint } from './wire.js'

export type * from './course-authoring-model.js'

const UPLOAD_MS = 120_000

function teacher(method: Method, path: string, what: string): Endpoint {
  return { method, path, what, userScope: false, scope: 'teacher' }
}
function anyScope(method: Method, path: string, what: string): Endpoint {
  return { method, path, what, userScope: false }
}

const T = '/teacher'
export const authoringEndpoints = {
  taught: () => teacher('GET', `${T}/courses`, 'the list of your courses'),
  createCourse: () => anyScope('POST', '/academic_courses/', 'the course creation'),
  landing: (slug: string) =>
    anyScope('GET', `/academic_courses/${encodeURIComponent(slug)}`, 'the course page'),
  updateCourse: (id: number) => teacher('PUT', `${T}/course/${id}`, 'the course update'),
  cover: (id: number) => teacher('POST', `${T}/course/${id}/cover`, 'the cover upload'),
  courseModules: (id: number) =>
    teacher('GET', `${T}/course/${id}/modules`, "the course's module list"),
  linkModule: (id: number) => teacher('POST', `${T}/course/${id}/modules`, 'the module link'),
  unlinkModule: (id: number, moduleId: number) =>
    teacher('DELETE', `${T}/course/${id}/modules/${moduleId}`, 'the module unlink'),
  reorderModules: (id: number) =>
    teacher('PUT', `${T}/course/${id}/modules/reorder`, 'the module order'),
  myModules: () => teacher('GET', `${T}/modules`, 'the list of your modules'),
  createModule: () => teacher('POST', `${T}/modules`, 'the module creation'),
  module: (id: number) => teacher('GET', `${T}/modules/${id}`, 'the module'),
  updateModule: (id: number) => teacher('PUT', `${T}/modules/${id}`, 'the module update'),
  attach: (moduleId: number) =>
    teacher('POST', `${T}/modules/${moduleId}/challenges`, 'the challenge attachment'),
  updateLink: (moduleId: number, challengeId: number) =>
    teacher(
      'PUT',
      `${T}/modules/${moduleId}/challenges/${challengeId}`,
      'the challenge link update'
    ),
  detach: (moduleId: number, challengeId: number) =>
    teacher(
      'DELETE',
      `${T}/modules/${moduleId}/challenges/${challengeId}`,
      'the challenge detachment'
    ),
  reorderChallenges: (moduleId: number) =>
    teacher('PUT', `${T}/modules/${moduleId}/challenges/reorder`, "the module's challenge order"),
  createLesson: (moduleId: number) =>
    teacher('POST', `${T}/modules/${moduleId}/lessons`, 'the lesson creation'),
  lesson: (id: number) => teacher('GET', `${T}/lessons/${id}`, 'the lesson'),
  updateLesson: (id: number) => teacher('PUT', `${T}/lessons/${id}`, 'the lesson update'),
  deleteLesson: (id: number) => teacher('DELETE', `${T}/lessons/${id}`, 'the lesson deletion'),
  reorderLessons: (moduleId: number) =>
    teacher('PUT', `${T}/modules/${moduleId}/lessons/reorder`, "the module's lesson order"),
  preview: (id: number) => teacher('POST', `${T}/lessons/${id}/preview`, 'the lesson preview'),
  attachable: () => teacher('GET', `${T}/challenges-for-course`, 'the challenges you may attach')
}

export class CourseAuthoringClient {
  readonly #arena: ArenaClient

  constructor(arena: ArenaClient) {
    this.#arena = arena
  }

  /** `teacher_courses()`: the client's own read (courses.ts), on the current wire. */
  async taughtCourses(): Promise<TaughtCourse[]> {
    await this.#check(authoringEndpoints.taught())
    return (await this.#arena.taughtCourses()).map(c => ({
      id: c.id,
      name: c.name,
      slug: c.slug,
      joinCode: c.joinCode
    }))
  }

  /** `create_course`: sent once (a second course is not harmless). */
  async createCourse(spec: NewCourseSpec): Promise<TaughtCourse> {
    const body: Json = { name: spec.name }
    if (spec.code !== undefined) body.code = spec.code
    if (spec.startDate !== undefined) body.start_date = spec.startDate
    if (spec.endDate !== undefined) body.end_date = spec.endDate
    if (spec.instructorName !== undefined) body.instructor_name = spec.instructorName
    if (spec.slug !== undefined) body.slug = spec.slug
    if (spec.description !== undefined) body.description = spec.description
    if (spec.visibility !== undefined) body.visibility = spec.visibility
    const a = await this.#send(authoringEndpoints.createCourse(), { json: body, idempotent: false })
    const o = asRecord(a.data, a.ctx, '(created course)')
    return parseTaught(isRecord(o.course) ? o.course : o, a.ctx)
  }

  async courseMeta(slug: string): Promise<CourseMeta> {
    const a = await this.#send(authoringEndpoints.landing(slug), {})
    const o = asRecord(a.data, a.ctx, '(course)')
    return {
      id: reqInt(o, 'id', a.ctx),
      name: reqString(o, 'name', a.ctx),
      code: optString(o.code),
      slug: optString(o.slug),
      description: optString(o.description),
      visibility: visibility(o.visibility),
      instructorName: optString(o.instructor_name),
      startDate: isoDate(o.start_date),
      endDate: isoDate(o.end_date),
      hasCover: optBool(o.has_cover) === true,
      joinCode: optString(o.join_code)
    }
  }

  async updateCourse(courseId: number, update: CourseUpdate): Promise<void> {
    const body: Json = {}
    if (update.name !== undefined) body.name = update.name
    if (update.code !== undefined) body.code = update.code
    if (update.description !== undefined) body.description = update.description
    if (update.visibility !== undefined) body.visibility = update.visibility
    if (update.instructorName !== undefined) body.instructor_name = update.instructorName
    if (update.startDate !== undefined) body.start_date = update.startDate
    if (update.endDate !== undefined) body.end_date = update.endDate
    await this.#send(authoringEndpoints.updateCourse(courseId), { json: body, expect: 'optional' })
  }

  /** `set_course_cover`: the same image replaces itself, so it may be repeated. */
  async setCover(courseId: number, file: { name: string; path: string }): Promise<void> {
    await this.#send(authoringEndpoints.cover(courseId), {
      body: async touch => openFilePart(file.path, 'file', file.name, () => touch()),
      timeoutMs: UPLOAD_MS,
      idleTimeout: true,
      idempotent: true,
      expect: 'optional'
    })
  }

  async courseModules(courseId: number): Promise<LinkedModule[]> {
    const a = await this.#send(authoringEndpoints.courseModules(courseId), {})
    return arrayOrUnder(a.data, 'modules', a.ctx, '(course modules)').map(item => {
      const row = asRecord(item, a.ctx, 'modules[]')
      // The row may carry the module's fields itself or under `module` (no SDK says which).
      const o = isRecord(row.module) ? { ...row.module, ...row } : row
      const id =
        optInt(pick(o, 'module_id', 'id')) ?? (isRecord(row.module) ? optInt(row.module.id) : null)
      if (id === null) return reqIntFail(o, a.ctx)
      const owned = optBool(pick(o, 'is_owned', 'owned'))
      const borrowed = optBool(pick(o, 'is_borrowed', 'borrowed'))
      return {
        moduleId: id,
        title: optString(o.title),
        slug: optString(o.slug),
        owned: owned ?? (borrowed === null ? null : !borrowed)
      }
    })
  }

  /** `list_modules()`: the caller's own modules (their ids tell owned from borrowed). */
  async myModules(): Promise<LinkedModule[]> {
    const a = await this.#send(authoringEndpoints.myModules(), {})
    return arrayOrUnder(a.data, 'modules', a.ctx, '(your modules)').map(item => {
      const o = asRecord(item, a.ctx, 'modules[]')
      return {
        moduleId: reqInt(o, 'id', a.ctx),
        title: optString(o.title),
        slug: optString(o.slug),
        owned: true
      }
    })
  }

  async module(moduleId: number): Promise<ModuleDetail> {
    const a = await this.#send(authoringEndpoints.module(moduleId), {})
    return parseModule(a.data, a.ctx)
  }

  async createModule(spec: NewModuleSpec): Promise<ModuleDetail> {
    const body: Json = {
      title: spec.title,
      visibility: spec.visibility,
      is_published: spec.isPublished
    }
    if (spec.slug !== undefined) body.slug = spec.slug
    if (spec.summary !== undefined) body.summary = spec.summary
    if (spec.icon !== undefined) body.icon = spec.icon
    const a = await this.#send(authoringEndpoints.createModule(), { json: body, idempotent: false })
    return parseModule(a.data, a.ctx)
  }

  async updateModule(moduleId: number, update: ModuleUpdate): Promise<void> {
    const body: Json = {}
    if (update.title !== undefined) body.title = update.title
    if (update.summary !== undefined) body.summary = update.summary
    if (update.icon !== undefined) body.icon = update.icon
    if (update.visibility !== undefined) body.visibility = update.visibility
    if (update.isPublished !== undefined) body.is_published = update.isPublished
    await this.#send(authoringEndpoints.updateModule(moduleId), { json: body, expect: 'optional' })
  }

  async attachChallenge(
    moduleId: number,
    challengeId: number,
    link: { label?: string; passThreshold?: number }
  ): Promise<void> {
    const body: Json = { challenge_id: challengeId }
    if (link.label !== undefined) body.label = link.label
    if (link.passThreshold !== undefined) body.pass_threshold = link.passThreshold
    await this.#send(authoringEndpoints.attach(moduleId), {
      json: body,
      idempotent: false,
      expect: 'optional'
    })
  }

  async updateChallengeLink(
    moduleId: number,
    challengeId: number,
    update: LinkUpdate
  ): Promise<void> {
    const body: Json = {}
    if (update.label !== undefined) body.label = update.label
    if (update.passThreshold !== undefined) body.pass_threshold = update.passThreshold
    await this.#send(authoringEndpoints.updateLink(moduleId, challengeId), {
      json: body,
      expect: 'optional'
    })
  }

  async detachChallenge(moduleId: number, challengeId: number): Promise<void> {
    await this.#send(authoringEndpoints.detach(moduleId, challengeId), { expect: 'optional' })
  }

  async reorderChallenges(moduleId: number, challengeIds: number[]): Promise<void> {
    await this.#send(authoringEndpoints.reorderChallenges(moduleId), {
      json: { ordered_ids: challengeIds },
      expect: 'optional'
    })
  }

  /** `create_lesson`: the lesson starts as an unpublished draft. */
  async createLesson(moduleId: number, spec: NewLessonSpec): Promise<LessonHead> {
    const body: Json = {
      title: spec.title,
      kind: spec.kind,
      body_md: spec.bodyMd,
      gated: spec.gated
    }
    if (spec.slug !== undefined) body.slug = spec.slug
    const a = await this.#send(authoringEndpoints.createLesson(moduleId), {
      json: body,
      idempotent: false
    })
    return parseLessonHead(a.data, a.ctx)
  }

  async lesson(lessonId: number): Promise<LessonDetail> {
    const a = await this.#send(authoringEndpoints.lesson(lessonId), {})
    const o = asRecord(a.data, a.ctx, '(lesson)')
    return { ...parseLessonHead(o, a.ctx), bodyMd: optString(o.body_md) ?? '' }
  }

  async updateLesson(lessonId: number, update: LessonUpdate): Promise<void> {
    const body: Json = {}
    if (update.title !== undefined) body.title = update.title
    if (update.bodyMd !== undefined) body.body_md = update.bodyMd
    if (update.isPublished !== undefined) body.is_published = update.isPublished
    if (update.gated !== undefined) body.gated = update.gated
    if (update.estimatedMinutes !== undefined) body.estimated_minutes = update.estimatedMinutes
    await this.#send(authoringEndpoints.updateLesson(lessonId), { json: body, expect: 'optional' })
  }

  async deleteLesson(lessonId: number): Promise<void> {
    await this.#send(authoringEndpoints.deleteLesson(lessonId), { expect: 'optional' })
  }

  async reorderLessons(moduleId: number, lessonIds: number[]): Promise<void> {
    await this.#send(authoringEndpoints.reorderLessons(moduleId), {
      json: { ordered_ids: lessonIds },
      expect: 'optional'
    })
  }

  /**
   * `preview_lesson(id, body_md)`: validates an unsaved body's `mlarena:` directives; nothing is
   * saved, so it may be repeated. A refused directive is a 400 ArenaError (kind 'validation').
   */
  async previewLesson(lessonId: number, bodyMd: string): Promise<LessonPreview> {
    const a = await this.#send(authoringEndpoints.preview(lessonId), {
      json: { body_md: bodyMd },
      idempotent: true
    })
    const o = isRecord(a.data) ? a.data : {}
    const directives = Array.isArray(o.directives) ? o.directives.length : 0
    const warnings = Array.isArray(o.warnings)
      ? o.warnings
          .map(w => (isRecord(w) ? optString(pick(w, 'message', 'error')) : optString(w)) ?? '')
          .filter(Boolean)
      : []
    return { directives, warnings }
  }

  /** `link_module`: position defaults to the end. */
  async linkModule(courseId: number, moduleId: number): Promise<void> {
    await this.#send(authoringEndpoints.linkModule(courseId), {
      json: { module_id: moduleId },
      idempotent: false,
      expect: 'optional'
    })
  }

  async unlinkModule(courseId: number, moduleId: number): Promise<void> {
    await this.#send(authoringEndpoints.unlinkModule(courseId, moduleId), { expect: 'optional' })
  }

  async reorderModules(courseId: number, moduleIds: number[]): Promise<void> {
    await this.#send(authoringEndpoints.reorderModules(courseId), {
      json: { ordered_ids: moduleIds },
      expect: 'optional'
    })
  }

  async attachableChallenges(): Promise<AttachableChallenge[]> {
    const a = await this.#send(authoringEndpoints.attachable(), {})
    return arrayOrUnder(a.data, 'challenges', a.ctx, '(challenges for course)').map(item => {
      const o = asRecord(item, a.ctx, 'challenges[]')
      return {
        id: reqInt(o, 'id', a.ctx),
        name: optString(o.name),
        metric: metric(o.metric)
      }
    })
  }

  /** One request on the current wire; the legacy wire has none of these routes. */
  async #send(endpoint: Endpoint, spec: RequestSpec): Promise<Answer> {
    await this.#check(endpoint)
    const answer = await this.#arena.call(
      (w: Wire) => (w === 'current' ? endpoint : null),
      () => spec
    )
    if (answer === null) throw new Error('the current wire has every authoring route')
    return answer
  }

  /** The token's scope and the wire, checked before anything is sent. */
  async #check(endpoint: Endpoint): Promise<void> {
    const route = `${endpoint.method} /api${endpoint.path}`
    if (endpoint.scope) requireScope(this.#arena.token, endpoint.scope, route)
    const wire = await this.#arena.wire()
    if (wire !== 'current') {
      throw new ArenaError(
        `This ML Arena server speaks the legacy API wire, which has no course authoring routes (${route} is current-wire only): use a server on the current wire, or api-wire: current.`,
        { kind: 'protocol', route }
      )
    }
  }
}

function reqIntFail(o: Json, ctx: RequestContext): never {
  reqInt(o, 'module_id', ctx)
  throw new Error('unreachable')
}

function parseTaught(data: unknown, ctx: RequestContext): TaughtCourse {
  const o = asRecord(data, ctx, '(course)')
  return {
    id: reqInt(o, 'id', ctx),
    name: reqString(o, 'name', ctx),
    slug: optString(o.slug),
    joinCode: optString(o.join_code)
  }
}

function parseModule(data: unknown, ctx: RequestContext): ModuleDetail {
  const o = asRecord(data, ctx, '(module)')
  const lessons = Array.isArray(o.lessons) ? o.lessons : []
  const links = Array.isArray(o.challenges) ? o.challenges : []
  return {
    id: reqInt(o, 'id', ctx),
    title: optString(o.title) ?? '',
    slug: optString(o.slug),
    summary: optString(o.summary),
    icon: optString(o.icon),
    visibility: visibility(o.visibility),
    isPublished: optBool(o.is_published) !== false,
    lessons: lessons.map(lesson => parseLessonHead(lesson, ctx)),
    challenges: links.flatMap(link => {
      const parsed = parseLink(link)
      return parsed ? [parsed] : []
    })
  }
}

function parseLessonHead(data: unknown, ctx: RequestContext): LessonHead {
  const o = asRecord(data, ctx, '(lesson)')
  const kind = optString(o.kind)
  return {
    id: reqInt(o, 'id', ctx),
    title: optString(o.title) ?? '',
    slug: optString(o.slug),
    kind: kind === 'lesson' || kind === 'exercise' ? kind : null,
    gated: optBool(o.gated) === true,
    isPublished: optBool(o.is_published) === true,
    estimatedMinutes: optInt(o.estimated_minutes)
  }
}

function parseLink(data: unknown): ChallengeLink | null {
  if (!isRecord(data)) return null
  const nested = isRecord(data.challenge) ? optInt(data.challenge.id) : null
  const id = nested ?? optInt(data.challenge_id)
  if (id === null) return null
  return {
    challengeId: id,
    label: optString(data.label),
    passThreshold: optNumber(data.pass_threshold),
    metric: metric(data.metric)
  }
}

function metric(value: unknown): RankingMetric | null {
  if (!isRecord(value)) return null
  const order = optString(value.order)
  return {
    order: order === 'asc' || order === 'desc' ? order : null,
    label: optString(value.label)
  }
}

function visibility(value: unknown): Visibility | null {
  return value === 'private' || value === 'unlisted' || value === 'public' ? value : null
}

/** ISO dates as `YYYY-MM-DD` (a server may send a date-time). */
function isoDate(value: unknown): string | null {
  const text = optString(value)
  if (text === null) return null
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(text)
  return match ? (match[1] as string) : text
}
