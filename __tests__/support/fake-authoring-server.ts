/**
 * The in-memory authoring fake (fake-authoring.ts) behind HTTP, on the SDK 4.4.0 routes and keys,
 * so the teacher action's run() can be driven whole in-process before the emulator's authoring
 * routes exist. It shares our reading of the API (the emulator does not): the contract is held
 * by the e2e tests against the emulator (__tests__/e2e/course-as-code.test.ts).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ArenaError } from '../../src/arena/errors.js'
import type { FakeAuthoring } from './fake-authoring.js'

type Json = Record<string, unknown>

export interface FakeAuthoringServer {
  baseUrl: string
  close(): Promise<void>
}

export async function serveFakeAuthoring(fake: FakeAuthoring): Promise<FakeAuthoringServer> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = (
      String(req.headers['content-type']).includes('json') && raw ? JSON.parse(raw) : {}
    ) as Json
    const url = new URL(req.url ?? '/', 'http://x')
    try {
      const out = await route(fake, req.method ?? 'GET', url.pathname, body)
      res.statusCode = 200
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(out ?? { ok: true }))
    } catch (error) {
      res.statusCode = error instanceof ArenaError ? (error.status ?? 500) : 500
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify({ error: error instanceof ArenaError ? error.serverMessage : String(error) })
      )
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

async function route(f: FakeAuthoring, method: string, path: string, b: Json): Promise<unknown> {
  const m = (pattern: string): string[] | null => {
    const re = new RegExp(`^/api${pattern.replace(/:\w+/g, '([^/]+)')}$`)
    const hit = re.exec(path)
    return hit ? hit.slice(1) : null
  }
  const n = (s: unknown): number => Number(s)
  let p: string[] | null
  if (method === 'GET' && m('/teacher/courses'))
    return (await f.taughtCourses()).map(c => ({
      id: c.id,
      name: c.name,
      slug: c.slug,
      join_code: c.joinCode,
      role: 'teacher'
    }))
  if (method === 'POST' && m('/academic_courses/')) {
    const c = await f.createCourse({
      name: String(b.name),
      ...(b.code !== undefined ? { code: String(b.code) } : {}),
      ...(b.slug !== undefined ? { slug: String(b.slug) } : {}),
      ...(b.description !== undefined ? { description: String(b.description) } : {}),
      ...(b.visibility !== undefined ? { visibility: b.visibility as 'private' } : {}),
      ...(b.instructor_name !== undefined ? { instructorName: String(b.instructor_name) } : {}),
      ...(b.start_date !== undefined ? { startDate: String(b.start_date) } : {}),
      ...(b.end_date !== undefined ? { endDate: String(b.end_date) } : {})
    })
    return { id: c.id, name: c.name, slug: c.slug, join_code: c.joinCode }
  }
  if (method === 'GET' && (p = m('/academic_courses/:slug'))) {
    const c = await f.courseMeta(decodeURIComponent(p[0] as string))
    return {
      id: c.id,
      name: c.name,
      code: c.code,
      slug: c.slug,
      description: c.description,
      visibility: c.visibility,
      instructor_name: c.instructorName,
      start_date: c.startDate,
      end_date: c.endDate,
      has_cover: c.hasCover,
      join_code: c.joinCode
    }
  }
  if (method === 'PUT' && (p = m('/teacher/course/:id'))) {
    const map: Record<string, string> = {
      instructor_name: 'instructorName',
      start_date: 'startDate',
      end_date: 'endDate'
    }
    return f.updateCourse(
      n(p[0]),
      Object.fromEntries(Object.entries(b).map(([k, v]) => [map[k] ?? k, v]))
    )
  }
  if (method === 'GET' && (p = m('/teacher/course/:id/modules')))
    return (await f.courseModules(n(p[0]))).map(x => ({
      module_id: x.moduleId,
      title: x.title,
      slug: x.slug
    }))
  if (method === 'POST' && (p = m('/teacher/course/:id/modules')))
    return f.linkModule(n(p[0]), n(b.module_id as number))
  if (method === 'PUT' && (p = m('/teacher/course/:id/modules/reorder')))
    return f.reorderModules(n(p[0]), b.ordered_ids as number[])
  if (method === 'DELETE' && (p = m('/teacher/course/:id/modules/:mid')))
    return f.unlinkModule(n(p[0]), n(p[1]))
  if (method === 'GET' && m('/teacher/modules'))
    return (await f.myModules()).map(x => ({ id: x.moduleId, title: x.title, slug: x.slug }))
  if (method === 'POST' && m('/teacher/modules')) {
    const d = await f.createModule({
      title: String(b.title),
      visibility: b.visibility as 'private',
      isPublished: b.is_published === true,
      ...(b.slug !== undefined ? { slug: String(b.slug) } : {}),
      ...(b.summary !== undefined ? { summary: String(b.summary) } : {}),
      ...(b.icon !== undefined ? { icon: String(b.icon) } : {})
    })
    return { id: d.id, title: d.title, slug: d.slug }
  }
  if (method === 'GET' && (p = m('/teacher/modules/:id'))) {
    const d = await f.module(n(p[0]))
    return {
      id: d.id,
      title: d.title,
      slug: d.slug,
      summary: d.summary,
      icon: d.icon,
      visibility: d.visibility,
      is_published: d.isPublished,
      lessons: d.lessons.map(l => ({
        id: l.id,
        title: l.title,
        slug: l.slug,
        kind: l.kind,
        gated: l.gated,
        is_published: l.isPublished,
        estimated_minutes: l.estimatedMinutes
      })),
      challenges: d.challenges.map(c => ({
        challenge_id: c.challengeId,
        label: c.label,
        pass_threshold: c.passThreshold,
        metric: c.metric
      }))
    }
  }
  if (method === 'PUT' && (p = m('/teacher/modules/:id'))) {
    const map: Record<string, string> = { is_published: 'isPublished' }
    return f.updateModule(
      n(p[0]),
      Object.fromEntries(Object.entries(b).map(([k, v]) => [map[k] ?? k, v]))
    )
  }
  if (method === 'POST' && (p = m('/teacher/modules/:id/challenges')))
    return f.attachChallenge(n(p[0]), n(b.challenge_id as number), {
      ...(b.label !== undefined ? { label: String(b.label) } : {}),
      ...(b.pass_threshold !== undefined ? { passThreshold: Number(b.pass_threshold) } : {})
    })
  if (method === 'PUT' && (p = m('/teacher/modules/:id/challenges/reorder')))
    return f.reorderChallenges(n(p[0]), b.ordered_ids as number[])
  if (method === 'PUT' && (p = m('/teacher/modules/:id/challenges/:cid')))
    return f.updateChallengeLink(n(p[0]), n(p[1]), {
      ...('label' in b ? { label: b.label as string | null } : {}),
      ...('pass_threshold' in b ? { passThreshold: b.pass_threshold as number | null } : {})
    })
  if (method === 'DELETE' && (p = m('/teacher/modules/:id/challenges/:cid')))
    return f.detachChallenge(n(p[0]), n(p[1]))
  if (method === 'POST' && (p = m('/teacher/modules/:id/lessons'))) {
    const l = await f.createLesson(n(p[0]), {
      title: String(b.title),
      kind: b.kind as 'lesson',
      bodyMd: String(b.body_md ?? ''),
      gated: b.gated === true,
      ...(b.slug !== undefined ? { slug: String(b.slug) } : {})
    })
    return { id: l.id, title: l.title, slug: l.slug, kind: l.kind, is_published: l.isPublished }
  }
  if (method === 'PUT' && (p = m('/teacher/modules/:id/lessons/reorder')))
    return f.reorderLessons(n(p[0]), b.ordered_ids as number[])
  if (method === 'GET' && (p = m('/teacher/lessons/:id'))) {
    const l = await f.lesson(n(p[0]))
    return {
      id: l.id,
      title: l.title,
      slug: l.slug,
      kind: l.kind,
      gated: l.gated,
      is_published: l.isPublished,
      estimated_minutes: l.estimatedMinutes,
      body_md: l.bodyMd
    }
  }
  if (method === 'PUT' && (p = m('/teacher/lessons/:id'))) {
    const map: Record<string, string> = {
      is_published: 'isPublished',
      body_md: 'bodyMd',
      estimated_minutes: 'estimatedMinutes'
    }
    return f.updateLesson(
      n(p[0]),
      Object.fromEntries(Object.entries(b).map(([k, v]) => [map[k] ?? k, v]))
    )
  }
  if (method === 'DELETE' && (p = m('/teacher/lessons/:id'))) return f.deleteLesson(n(p[0]))
  if (method === 'POST' && (p = m('/teacher/lessons/:id/preview'))) {
    const r = await f.previewLesson(n(p[0]), String(b.body_md ?? ''))
    return { directives: Array.from({ length: r.directives }, () => ({})), warnings: r.warnings }
  }
  if (method === 'GET' && m('/teacher/challenges-for-course'))
    return (await f.attachableChallenges()).map(c => ({ id: c.id, name: c.name, metric: c.metric }))
  throw new ArenaError('no such route', {
    kind: 'not-found',
    route: path,
    status: 404,
    serverMessage: 'Not found'
  })
}
