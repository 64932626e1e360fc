/**
 * The course authoring client (src/arena/course-authoring.ts) against a scripted server: the
 * SDK 4.4.0 routes and bodies, the answers mapped into the model (both spellings of a link's
 * challenge, a date-time cut to its date), the teacher scope checked before sending, the legacy
 * wire refused before sending, and a create sent once when its answer is lost.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ArenaClient } from '../../src/arena/client.js'
import { CourseAuthoringClient } from '../../src/arena/course-authoring.js'
import { ArenaError } from '../../src/arena/errors.js'
import { startServer, type TestServer } from './support.js'

const TEACHER = 'mlk_teacher_tess_s3cretteacher'
let server: TestServer | null = null
const clients: ArenaClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.close()))
  await server?.close()
  server = null
})

type Reply = { status?: number; json?: unknown }
async function authoring(
  route: (method: string, url: string, body: unknown) => Reply,
  options: { token?: string; wire?: 'current' | 'legacy' } = {}
): Promise<CourseAuthoringClient> {
  server = await startServer((req, res, body) => {
    const text = body.toString('utf8')
    const parsed = text && req.headers['content-type']?.includes('json') ? JSON.parse(text) : text
    const reply = route(req.method ?? '', req.url ?? '', parsed)
    res.statusCode = reply.status ?? 200
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(reply.json ?? {}))
  })
  const arena = new ArenaClient({
    baseUrl: server.url,
    token: options.token ?? TEACHER,
    wire: options.wire ?? 'current',
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => {}
  })
  clients.push(arena)
  return new CourseAuthoringClient(arena)
}

const sent = (): { method: string; url: string; body: unknown }[] =>
  (server?.requests ?? []).map(r => ({
    method: r.method,
    url: r.url,
    body:
      r.body.length > 0 && String(r.headers['content-type']).includes('json')
        ? JSON.parse(r.body.toString('utf8'))
        : null
  }))

describe('CourseAuthoringClient', () => {
  it('sends the SDK bodies on the teacher routes', async () => {
    const client = await authoring((method, url) => {
      if (method === 'POST' && url === '/api/teacher/modules')
        return { status: 201, json: { id: 7, title: 'M', slug: 'm' } }
      if (method === 'POST' && url === '/api/teacher/modules/7/lessons')
        return { status: 201, json: { id: 70, title: 'L' } }
      if (method === 'POST' && url === '/api/academic_courses/')
        return { status: 201, json: { id: 3, name: 'C', slug: 'c', join_code: 'J' } }
      return { json: { ok: true } }
    })
    await client.createCourse({
      name: 'C',
      startDate: '2026-01-01',
      instructorName: 'X',
      visibility: 'public'
    })
    await client.updateCourse(3, { name: 'D', endDate: '2026-06-01' })
    await client.createModule({ title: 'M', slug: 'm', visibility: 'private', isPublished: false })
    await client.updateModule(7, { isPublished: true })
    await client.createLesson(7, { title: 'L', kind: 'exercise', bodyMd: '# L', gated: false })
    await client.updateLesson(70, { bodyMd: 'x', estimatedMinutes: 5 })
    await client.attachChallenge(7, 42, { label: 'CartPole', passThreshold: 195 })
    await client.updateChallengeLink(7, 42, { passThreshold: null })
    await client.reorderLessons(7, [71, 70])
    await client.previewLesson(70, '```mlarena:leaderboard```')
    await client.linkModule(3, 7)
    await client.reorderModules(3, [8, 7])
    await client.unlinkModule(3, 8)
    await client.detachChallenge(7, 42)
    await client.deleteLesson(71)
    expect(sent()).toEqual([
      {
        method: 'POST',
        url: '/api/academic_courses/',
        body: { name: 'C', start_date: '2026-01-01', instructor_name: 'X', visibility: 'public' }
      },
      { method: 'PUT', url: '/api/teacher/course/3', body: { name: 'D', end_date: '2026-06-01' } },
      {
        method: 'POST',
        url: '/api/teacher/modules',
        body: { title: 'M', visibility: 'private', is_published: false, slug: 'm' }
      },
      { method: 'PUT', url: '/api/teacher/modules/7', body: { is_published: true } },
      {
        method: 'POST',
        url: '/api/teacher/modules/7/lessons',
        body: { title: 'L', kind: 'exercise', body_md: '# L', gated: false }
      },
      {
        method: 'PUT',
        url: '/api/teacher/lessons/70',
        body: { body_md: 'x', estimated_minutes: 5 }
      },
      {
        method: 'POST',
        url: '/api/teacher/modules/7/challenges',
        body: { challenge_id: 42, label: 'CartPole', pass_threshold: 195 }
      },
      // An explicit null clears the bar (update_challenge_link).
      {
        method: 'PUT',
        url: '/api/teacher/modules/7/challenges/42',
        body: { pass_threshold: null }
      },
      {
        method: 'PUT',
        url: '/api/teacher/modules/7/lessons/reorder',
        body: { ordered_ids: [71, 70] }
      },
      {
        method: 'POST',
        url: '/api/teacher/lessons/70/preview',
        body: { body_md: '```mlarena:leaderboard```' }
      },
      { method: 'POST', url: '/api/teacher/course/3/modules', body: { module_id: 7 } },
      {
        method: 'PUT',
        url: '/api/teacher/course/3/modules/reorder',
        body: { ordered_ids: [8, 7] }
      },
      { method: 'DELETE', url: '/api/teacher/course/3/modules/8', body: null },
      { method: 'DELETE', url: '/api/teacher/modules/7/challenges/42', body: null },
      { method: 'DELETE', url: '/api/teacher/lessons/71', body: null }
    ])
  })

  it('maps the answers into the model', async () => {
    const client = await authoring((_method, url) => {
      if (url === '/api/academic_courses/rl-101')
        return {
          json: {
            id: 3,
            name: 'RL',
            slug: 'rl-101',
            visibility: 'unlisted',
            start_date: '2026-09-01T00:00:00Z',
            end_date: null,
            has_cover: true,
            instructor_name: 'T'
          }
        }
      if (url === '/api/teacher/course/3/modules')
        return {
          json: [
            { module_id: 7, title: 'A', slug: 'a' },
            { id: 8, title: 'B', is_owned: false },
            { module: { id: 9, title: 'C', slug: 'c' }, position: 2, is_owned: true }
          ]
        }
      if (url === '/api/teacher/modules/7')
        return {
          json: {
            id: 7,
            title: 'A',
            slug: 'a',
            is_published: false,
            visibility: 'private',
            lessons: [
              {
                id: 70,
                title: 'L',
                slug: 'l',
                kind: 'exercise',
                is_published: true,
                gated: true,
                estimated_minutes: 10
              }
            ],
            challenges: [
              {
                challenge_id: 1,
                label: 'Lunar',
                pass_threshold: 150,
                metric: { order: 'desc', label: 'Score' }
              },
              { challenge: { id: 7 }, pass_threshold: '0.3', metric: { order: 'asc' } }
            ]
          }
        }
      if (url === '/api/teacher/lessons/70')
        return { json: { id: 70, title: 'L', body_md: '# L\n' } }
      if (url === '/api/teacher/challenges-for-course')
        return { json: [{ id: 1, name: 'Lunar', metric: { order: 'desc' } }] }
      return { status: 404, json: { error: 'Not found' } }
    })
    expect(await client.courseMeta('rl-101')).toEqual({
      id: 3,
      name: 'RL',
      code: null,
      slug: 'rl-101',
      description: null,
      visibility: 'unlisted',
      instructorName: 'T',
      startDate: '2026-09-01',
      endDate: null,
      hasCover: true,
      joinCode: null
    })
    expect(await client.courseModules(3)).toEqual([
      { moduleId: 7, title: 'A', slug: 'a', owned: null },
      { moduleId: 8, title: 'B', slug: null, owned: false },
      { moduleId: 9, title: 'C', slug: 'c', owned: true }
    ])
    const module = await client.module(7)
    expect(module).toMatchObject({
      id: 7,
      isPublished: false,
      lessons: [{ id: 70, kind: 'exercise', isPublished: true, gated: true, estimatedMinutes: 10 }]
    })
    expect(module.challenges).toEqual([
      {
        challengeId: 1,
        label: 'Lunar',
        passThreshold: 150,
        metric: { order: 'desc', label: 'Score' }
      },
      { challengeId: 7, label: null, passThreshold: 0.3, metric: { order: 'asc', label: null } }
    ])
    expect((await client.lesson(70)).bodyMd).toBe('# L\n')
    expect(await client.attachableChallenges()).toEqual([
      { id: 1, name: 'Lunar', metric: { order: 'desc', label: null } }
    ])
  })

  it('checks the teacher scope, and refuses the legacy wire, before sending', async () => {
    const user = await authoring(() => ({}), { token: 'mlk_user_u_secret' })
    await expect(
      user.createModule({ title: 'M', visibility: 'private', isPublished: true })
    ).rejects.toMatchObject({ kind: 'scope' })
    expect(server?.requests).toEqual([])
    await server?.close()
    const legacy = await authoring(() => ({}), { wire: 'legacy' })
    await expect(legacy.taughtCourses()).rejects.toThrow(
      /legacy API wire, which has no course authoring routes/
    )
    expect(server?.requests).toEqual([])
  })

  it('sends a create once when its answer is lost, and says the outcome is unknown', async () => {
    const client = await authoring(() => ({ status: 502, json: { error: 'bad gateway' } }))
    const error = await client
      .createLesson(7, { title: 'L', kind: 'lesson', bodyMd: '', gated: false })
      .catch(e => e)
    expect(error).toBeInstanceOf(ArenaError)
    expect((error as ArenaError).outcomeUnknown).toBe(true)
    expect(server?.requests).toHaveLength(1)
  })

  it('uploads the cover as the multipart part file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cover-'))
    const file = path.join(dir, 'cover.png')
    await writeFile(file, 'PNGDATA')
    const client = await authoring(() => ({ json: { has_cover: true } }))
    await client.setCover(3, { name: 'cover.png', path: file })
    const request = server!.requests[0]!
    expect(request.url).toBe('/api/teacher/course/3/cover')
    expect(String(request.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/)
    expect(request.body.toString('utf8')).toMatch(/name="file"; filename="cover.png"[\s\S]*PNGDATA/)
  })
})
