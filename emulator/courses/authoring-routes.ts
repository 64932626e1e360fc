/**
 * Course authoring and course reading routes, current wire only (SDK 4.4.0 `client.py`, the
 * "Course authoring" and "Course consumption" methods): payload shapes; the rules live in
 * authoring-store.ts. The legacy wire (SDK 0.2.0) has none of these routes: it answers 404.
 * emulator/courses/README.md has the table (route, body, answer, SDK method).
 */
import busboy from 'busboy'
import type { IncomingMessage } from 'node:http'
import {
  sha256,
  type Attachment,
  type CourseAuthoring,
  type CourseCover,
  type CourseLink,
  type CourseView,
  type DirectiveCheck,
  type Lesson,
  type Module
} from './authoring-store.ts'
import { currentCourse } from './routes.ts'
import { ApiError, json, readJson, type Reply } from '../plumbing/http.ts'
import { publicRoute, route, type Route } from '../plumbing/router.ts'
import type { World } from '../platform/store.ts'
import type { TokenRecord } from '../platform/world.ts'

const T = '/api/teacher'
const C = '/api/academic_courses'
/** The cover's size limit (the challenge cover's, `MAX_COVER_BYTES`). */
export const MAX_COURSE_COVER_BYTES = 5 * 1024 * 1024

function id(params: Record<string, string>, name: string, noun: string): number {
  const raw = params[name] ?? ''
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(404, `${noun} ${raw} not found`)
  return Number(raw)
}

// ---------------------------------------------------------------- shapes

/** The challenge's ranking MetricSpec (SDK 4.0.0: course payloads carry `metric`). */
function metric(world: World, challengeId: number): Record<string, unknown> | null {
  const spec = world.competitions.get(challengeId)?.metrics.find(m => m.isRanking)
  if (!spec) return null
  return {
    key: spec.key,
    label: spec.name,
    order: spec.order,
    precision: spec.precision,
    is_ranking: true
  }
}

function attachmentRow(
  world: World,
  viewer: TokenRecord | null,
  module: Module,
  a: Attachment,
  position: number
): Record<string, unknown> {
  const comp = world.competitions.get(a.challengeId)
  const visible = comp !== undefined && world.canSee(viewer, comp)
  return {
    module_id: module.id,
    challenge_id: a.challengeId,
    // export_course_to_dir reads `challenge.id`; README 2.0 names `challenge_id`: both are served.
    challenge: { id: a.challengeId, name: visible ? comp.name : null },
    label: a.label,
    pass_threshold: a.passThreshold,
    position,
    metric: metric(world, a.challengeId)
  }
}

function moduleRow(m: Module): Record<string, unknown> {
  return {
    id: m.id,
    title: m.title,
    slug: m.slug,
    summary: m.summary,
    icon: m.icon,
    visibility: m.visibility,
    is_published: m.isPublished,
    forked_from_module_id: m.forkedFrom
  }
}

function lessonToc(l: Lesson, position: number): Record<string, unknown> {
  return {
    id: l.id,
    module_id: l.moduleId,
    title: l.title,
    slug: l.slug,
    kind: l.kind,
    parent_lesson_id: l.parentId,
    gated: l.gated,
    is_published: l.isPublished,
    estimated_minutes: l.estimatedMinutes,
    position
  }
}

function lessonFull(store: CourseAuthoring, l: Lesson): Record<string, unknown> {
  const module = store.modules.get(l.moduleId)
  const position = module ? module.lessonIds.indexOf(l.id) : -1
  return { ...lessonToc(l, position), body_md: l.bodyMd }
}

function moduleDetail(
  store: CourseAuthoring,
  world: World,
  token: TokenRecord,
  m: Module
): Record<string, unknown> {
  return {
    ...moduleRow(m),
    lessons: store.lessonsOf(m).map((l, i) => lessonToc(l, i)),
    challenges: m.challenges.map((a, i) => attachmentRow(world, token, m, a, i))
  }
}

function linkRow(link: CourseLink): Record<string, unknown> {
  const m = link.module
  return {
    id: m.id,
    module_id: m.id,
    course_id: link.course.id,
    position: link.position,
    title: m.title,
    slug: m.slug,
    summary: m.summary,
    icon: m.icon,
    visibility: m.visibility,
    is_published: m.isPublished,
    owned: link.owned,
    challenges: m.challenges.map(a => ({
      challenge_id: a.challengeId,
      label: a.label,
      pass_threshold: a.passThreshold
    }))
  }
}

function landingModule(
  world: World,
  viewer: TokenRecord | null,
  entry: CourseView['modules'][number]
): Record<string, unknown> {
  const m = entry.link.module
  return {
    id: m.id,
    module_id: m.id,
    slug: m.slug,
    title: m.title,
    summary: m.summary,
    icon: m.icon,
    is_published: m.isPublished,
    position: entry.link.position,
    lessons: entry.lessons.map((l, i) => lessonToc(l, i)),
    challenges: m.challenges.map((a, i) => attachmentRow(world, viewer, m, a, i))
  }
}

/** `is_enrolled` and `can_manage` only for an authenticated caller (SDK `course`). */
function readerFlags(view: CourseView, viewer: TokenRecord | null): Record<string, unknown> {
  return viewer === null ? {} : { is_enrolled: view.member, can_manage: view.manager }
}

function directives(check: DirectiveCheck): unknown[] {
  return check.directives.map(d => ({
    name: d.name,
    line: d.line,
    challenge_id: d.challengeId,
    challenge_name: d.challengeName
  }))
}

// ---------------------------------------------------------------- the cover upload

/** One multipart part named `file`, kept whole (a cover is small and is served back). */
function receiveCover(req: IncomingMessage): Promise<CourseCover> {
  const type = req.headers['content-type'] ?? ''
  if (!/^multipart\/form-data/i.test(type)) {
    req.resume()
    return Promise.reject(
      new ApiError(400, 'A cover upload must be multipart/form-data with one part named "file"')
    )
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: MAX_COURSE_COVER_BYTES }
      })
    } catch (error) {
      req.resume()
      reject(new ApiError(400, `Malformed multipart request: ${String(error)}`))
      return
    }
    const chunks: Buffer[] = []
    let seen = false
    let refusal: ApiError | null = null
    parser.on('file', (name, stream) => {
      if (name !== 'file' || seen) {
        refusal ??= new ApiError(400, 'Send one part named "file"')
        stream.resume()
        return
      }
      seen = true
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () => {
        refusal ??= new ApiError(
          413,
          `The cover is over the limit of ${MAX_COURSE_COVER_BYTES} bytes`
        )
      })
    })
    parser.on('error', error =>
      reject(new ApiError(400, `Malformed multipart request: ${String(error)}`))
    )
    parser.on('close', () => {
      if (refusal) return reject(refusal)
      if (!seen) return reject(new ApiError(400, 'Send one part named "file" (the image)'))
      const bytes = Buffer.concat(chunks)
      const png = bytes
        .subarray(0, 8)
        .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
      if (!png && !jpeg)
        return reject(
          new ApiError(400, 'The cover must be a PNG or JPEG image (checked by its first bytes)')
        )
      resolve({ contentType: png ? 'image/png' : 'image/jpeg', bytes, sha256: sha256(bytes) })
    })
    req.pipe(parser)
  })
}

// ---------------------------------------------------------------- routes

function moduleRoutes(store: CourseAuthoring, world: World): Route[] {
  const M = `${T}/modules/:moduleId`
  const mid = (p: Record<string, string>): number => id(p, 'moduleId', 'Module')
  const cid = (p: Record<string, string>): number => id(p, 'challengeId', 'Challenge')
  return [
    route('POST', `${T}/modules`, async ctx =>
      json(201, moduleRow(store.createModule(ctx.token, await readJson(ctx.req))))
    ),
    route('GET', `${T}/modules`, ctx => {
      const library = ctx.url.searchParams.get('library')
      return json(200, store.listModules(ctx.token, library).map(moduleRow))
    }),
    route('GET', M, ctx =>
      json(
        200,
        moduleDetail(store, world, ctx.token, store.readableModule(ctx.token, mid(ctx.params)))
      )
    ),
    route('PUT', M, async ctx =>
      json(200, moduleRow(store.updateModule(ctx.token, mid(ctx.params), await readJson(ctx.req))))
    ),
    route('DELETE', M, ctx => {
      const raw = ctx.url.searchParams.get('force')
      if (raw !== null && !['1', 'true', ''].includes(raw.toLowerCase()))
        throw new ApiError(400, 'force must be 1 or true (or absent)')
      const { unlinked } = store.deleteModule(ctx.token, mid(ctx.params), raw !== null)
      return json(200, {
        message: `Module ${ctx.params.moduleId} deleted`,
        unlinked_course_ids: unlinked
      })
    }),
    route('POST', `${M}/fork`, ctx =>
      json(201, moduleDetail(store, world, ctx.token, store.forkModule(ctx.token, mid(ctx.params))))
    ),
    route('GET', `${T}/challenges-for-course`, ctx =>
      json(
        200,
        store.attachableChallenges(ctx.token).map(comp => ({
          id: comp.id,
          name: comp.name,
          metric: metric(world, comp.id)
        }))
      )
    ),
    route('POST', `${M}/challenges`, async ctx => {
      const { module, attachment } = store.attach(
        ctx.token,
        mid(ctx.params),
        await readJson(ctx.req)
      )
      return json(
        201,
        attachmentRow(world, ctx.token, module, attachment, module.challenges.indexOf(attachment))
      )
    }),
    // Before `.../challenges/:challengeId`, which "reorder" would otherwise match.
    route('PUT', `${M}/challenges/reorder`, async ctx => {
      const module = store.reorderAttachments(ctx.token, mid(ctx.params), await readJson(ctx.req))
      return json(
        200,
        module.challenges.map((a, i) => attachmentRow(world, ctx.token, module, a, i))
      )
    }),
    route('PUT', `${M}/challenges/:challengeId`, async ctx => {
      const { module, attachment } = store.updateAttachment(
        ctx.token,
        mid(ctx.params),
        cid(ctx.params),
        await readJson(ctx.req)
      )
      return json(
        200,
        attachmentRow(world, ctx.token, module, attachment, module.challenges.indexOf(attachment))
      )
    }),
    route('DELETE', `${M}/challenges/:challengeId`, ctx => {
      store.detach(ctx.token, mid(ctx.params), cid(ctx.params))
      return json(200, { message: `Challenge ${ctx.params.challengeId} detached` })
    })
  ]
}

function lessonRoutes(store: CourseAuthoring): Route[] {
  const L = `${T}/lessons/:lessonId`
  const lid = (p: Record<string, string>): number => id(p, 'lessonId', 'Lesson')
  const mid = (p: Record<string, string>): number => id(p, 'moduleId', 'Module')
  return [
    route('POST', `${T}/modules/:moduleId/lessons`, async ctx =>
      json(
        201,
        lessonFull(store, store.createLesson(ctx.token, mid(ctx.params), await readJson(ctx.req)))
      )
    ),
    route('PUT', `${T}/modules/:moduleId/lessons/reorder`, async ctx => {
      const module = store.reorderLessons(ctx.token, mid(ctx.params), await readJson(ctx.req))
      return json(
        200,
        store.lessonsOf(module).map((l, i) => lessonToc(l, i))
      )
    }),
    route('GET', L, ctx => json(200, lessonFull(store, store.lesson(ctx.token, lid(ctx.params))))),
    route('PUT', L, async ctx =>
      json(
        200,
        lessonFull(store, store.updateLesson(ctx.token, lid(ctx.params), await readJson(ctx.req)))
      )
    ),
    route('DELETE', L, ctx => {
      const gone = store.deleteLesson(ctx.token, lid(ctx.params))
      return json(200, {
        message: `Lesson ${ctx.params.lessonId} deleted`,
        deleted_lesson_ids: gone
      })
    }),
    route('POST', `${L}/preview`, async ctx => {
      const check = store.preview(ctx.token, lid(ctx.params), await readJson(ctx.req))
      return json(200, { directives: directives(check), warnings: check.warnings })
    })
  ]
}

function compositionRoutes(store: CourseAuthoring): Route[] {
  const K = `${T}/course/:courseId`
  const course = (p: Record<string, string>): number => id(p, 'courseId', 'Course')
  const mid = (p: Record<string, string>): number => id(p, 'moduleId', 'Module')
  return [
    route('PUT', K, async ctx =>
      json(
        200,
        currentCourse(store.updateCourse(ctx.token, course(ctx.params), await readJson(ctx.req)))
      )
    ),
    route('POST', `${K}/cover`, async ctx => {
      // The token and the course are checked before the body is read.
      store.managedCourse(ctx.token, course(ctx.params))
      const cover = await receiveCover(ctx.req)
      const updated = store.setCover(ctx.token, course(ctx.params), cover)
      return json(200, { has_cover: updated.cover !== undefined })
    }),
    route('GET', `${K}/modules`, ctx =>
      json(200, store.listCourseModules(ctx.token, course(ctx.params)).map(linkRow))
    ),
    route('POST', `${K}/modules`, async ctx => {
      const { link, created } = store.link(ctx.token, course(ctx.params), await readJson(ctx.req))
      return json(created ? 201 : 200, linkRow(link))
    }),
    route('PUT', `${K}/modules/reorder`, async ctx =>
      json(
        200,
        store.reorderModules(ctx.token, course(ctx.params), await readJson(ctx.req)).map(linkRow)
      )
    ),
    route('DELETE', `${K}/modules/:moduleId`, ctx => {
      store.unlink(ctx.token, course(ctx.params), mid(ctx.params))
      return json(200, { message: `Module ${ctx.params.moduleId} unlinked` })
    }),
    route('POST', `${K}/challenges`, async ctx =>
      json(
        201,
        linkRow(store.addCourseChallenge(ctx.token, course(ctx.params), await readJson(ctx.req)))
      )
    ),
    route('DELETE', `${K}/challenges/:moduleId`, ctx => {
      const deleted = store.removeCourseChallenge(ctx.token, course(ctx.params), mid(ctx.params))
      return json(200, {
        message: deleted
          ? 'Challenge removed and its module deleted'
          : 'Challenge removed (module kept)',
        module_deleted: deleted
      })
    })
  ]
}

function readingRoutes(store: CourseAuthoring, world: World): Route[] {
  return [
    publicRoute('GET', `${C}/assets/courses/:courseId/cover`, ctx => {
      const cover = store.cover(ctx.viewer, id(ctx.params, 'courseId', 'Course'))
      const reply: Reply = {
        status: 200,
        headers: {
          'content-type': cover.contentType,
          'content-length': String(cover.bytes.length)
        },
        body: cover.bytes
      }
      return reply
    }),
    publicRoute('GET', `${C}/:slug`, ctx => {
      const view = store.view(ctx.viewer, ctx.params.slug ?? '')
      return json(200, {
        ...currentCourse(view.course),
        ...readerFlags(view, ctx.viewer),
        modules: view.modules.map(entry => landingModule(world, ctx.viewer, entry))
      })
    }),
    publicRoute('GET', `${C}/:slug/modules/:moduleSlug`, ctx => {
      const { view, entry } = store.moduleView(
        ctx.viewer,
        ctx.params.slug ?? '',
        ctx.params.moduleSlug ?? ''
      )
      return json(200, {
        course_id: view.course.id,
        course_slug: view.course.slug,
        ...readerFlags(view, ctx.viewer),
        ...landingModule(world, ctx.viewer, entry)
      })
    }),
    publicRoute('GET', `${C}/:slug/modules/:moduleSlug/lessons/:lessonSlug`, ctx => {
      const page = store.lessonPage(
        ctx.viewer,
        ctx.params.slug ?? '',
        ctx.params.moduleSlug ?? '',
        ctx.params.lessonSlug ?? ''
      )
      return json(200, {
        ...lessonFull(store, page.lesson),
        course_id: page.view.course.id,
        module_slug: page.module.slug,
        directives: directives(page.check),
        directive_warnings: page.check.warnings
      })
    })
  ]
}

/** The current wire's authoring and reading routes (register after courseRoutes). */
export function authoringRoutes(store: CourseAuthoring, world: World): Route[] {
  return [
    ...moduleRoutes(store, world),
    ...lessonRoutes(store),
    ...compositionRoutes(store),
    ...readingRoutes(store, world)
  ]
}
