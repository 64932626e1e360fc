/**
 * An in-memory ML Arena for course authoring, behind the AuthoringPort, keeping the rules the
 * SDK 4.4.0 docstrings state: slugs `^[a-z0-9-]+$` unique per owner and immutable; lessons start
 * as drafts; update_* take only their documented fields and at least one; reorder takes exactly
 * the current ids; only attachable challenges attach; only owned or public modules link;
 * preview is strict (an unknown directive is a 400). `failAfter(name)` makes the next such call
 * happen and then fail without a clear answer (a 502 after sending), to test recovery.
 */
import { ArenaError } from '../../src/arena/errors.js'
import type {
  AttachableChallenge,
  ChallengeLink,
  CourseMeta,
  LessonDetail,
  ModuleDetail,
  TaughtCourse,
  Visibility
} from '../../src/arena/course-authoring-model.js'
import type { AuthoringPort } from '../../src/course/authoring/port.js'

interface FakeModule extends Omit<ModuleDetail, 'lessons' | 'challenges'> {
  owner: string
  lessons: LessonDetail[]
  challenges: ChallengeLink[]
}

interface FakeCourse extends CourseMeta {
  moduleIds: number[]
}

const KNOWN_DIRECTIVES = new Set(['leaderboard', 'challenge', 'progress'])

function refuse(status: number, message: string, route = 'fake'): ArenaError {
  return new ArenaError(`ML Arena refused (${status}): ${message}`, {
    kind: status === 404 ? 'not-found' : 'validation',
    route,
    status,
    serverMessage: message
  })
}

function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

export class FakeAuthoring implements AuthoringPort {
  readonly me = 'tess'
  courses: FakeCourse[] = []
  modules: FakeModule[] = []
  attachable: AttachableChallenge[] = [
    { id: 1, name: 'Lunar Lander', metric: { order: 'desc', label: 'Score' } },
    { id: 7, name: 'Energy Forecast', metric: { order: 'asc', label: 'RMSE' } }
  ]
  /** Every call that writes, as `name args`. */
  writes: string[] = []
  reads = 0
  #nextId = 100
  #failAfter = new Map<string, number>()
  covers = new Map<number, string>()

  /** The next `name` call is carried out, then fails as a 502 after sending. */
  failAfter(name: keyof AuthoringPort, times = 1): void {
    this.#failAfter.set(name, times)
  }

  #write<T>(name: string, detail: string, fn: () => T): T {
    this.writes.push(`${name} ${detail}`.trim())
    const value = fn()
    const left = this.#failAfter.get(name) ?? 0
    if (left > 0) {
      this.#failAfter.set(name, left - 1)
      throw new ArenaError(`ML Arena answered 502 on ${name}`, {
        kind: 'server',
        route: name,
        status: 502,
        outcomeUnknown: true
      })
    }
    return value
  }

  #course(id: number): FakeCourse {
    const c = this.courses.find(x => x.id === id)
    if (!c) throw refuse(404, `no course ${id}`)
    return c
  }

  #module(id: number): FakeModule {
    const m = this.modules.find(x => x.id === id)
    if (!m) throw refuse(404, `no module ${id}`)
    return m
  }

  #owned(id: number): FakeModule {
    const m = this.#module(id)
    if (m.owner !== this.me) throw refuse(403, 'not your module')
    return m
  }

  #lesson(id: number): { module: FakeModule; lesson: LessonDetail } {
    for (const module of this.modules) {
      const lesson = module.lessons.find(l => l.id === id)
      if (lesson) return { module, lesson }
    }
    throw refuse(404, `no lesson ${id}`)
  }

  // ---- seeds for tests ----

  seedModule(spec: Partial<FakeModule> & { title: string; owner?: string }): FakeModule {
    const m: FakeModule = {
      id: this.#nextId++,
      title: spec.title,
      slug: spec.slug ?? slugOf(spec.title),
      summary: spec.summary ?? null,
      icon: spec.icon ?? null,
      visibility: spec.visibility ?? 'private',
      isPublished: spec.isPublished ?? true,
      owner: spec.owner ?? this.me,
      lessons: spec.lessons ?? [],
      challenges: spec.challenges ?? []
    }
    this.modules.push(m)
    return m
  }

  // ---- the port ----

  async taughtCourses(): Promise<TaughtCourse[]> {
    this.reads++
    return this.courses.map(c => ({ id: c.id, name: c.name, slug: c.slug, joinCode: c.joinCode }))
  }

  async createCourse(spec: Parameters<AuthoringPort['createCourse']>[0]): Promise<TaughtCourse> {
    return this.#write('createCourse', spec.name, () => {
      const slug = spec.slug ?? slugOf(spec.name)
      if (this.courses.some(c => c.slug === slug)) throw refuse(409, `slug ${slug} is taken`)
      const id = this.#nextId++
      const course: FakeCourse = {
        id,
        name: spec.name,
        code: spec.code ?? null,
        slug,
        description: spec.description ?? null,
        visibility: spec.visibility ?? 'private',
        instructorName: spec.instructorName ?? null,
        startDate: spec.startDate ?? null,
        endDate: spec.endDate ?? null,
        hasCover: false,
        joinCode: `JOIN${id}`,
        moduleIds: []
      }
      this.courses.push(course)
      return { id, name: course.name, slug, joinCode: course.joinCode }
    })
  }

  async courseMeta(slug: string): Promise<CourseMeta> {
    this.reads++
    const c = this.courses.find(x => x.slug === slug)
    if (!c) throw refuse(404, `no course ${slug}`)
    const { moduleIds: _ids, ...meta } = c
    return { ...meta }
  }

  async updateCourse(
    courseId: number,
    update: Parameters<AuthoringPort['updateCourse']>[1]
  ): Promise<void> {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined)
    if (entries.length === 0) throw refuse(400, 'update_course requires at least one field')
    this.#write('updateCourse', `${courseId} ${entries.map(([k]) => k).join(',')}`, () => {
      Object.assign(this.#course(courseId), Object.fromEntries(entries))
    })
  }

  async setCover(courseId: number, file: { name: string; path: string }): Promise<void> {
    this.#write('setCover', `${courseId} ${file.name}`, () => {
      this.#course(courseId).hasCover = true
      this.covers.set(courseId, file.name)
    })
  }

  async courseModules(courseId: number) {
    this.reads++
    return this.#course(courseId).moduleIds.map(id => {
      const m = this.#module(id)
      return { moduleId: id, title: m.title, slug: m.slug, owned: m.owner === this.me }
    })
  }

  async myModules() {
    this.reads++
    return this.modules
      .filter(m => m.owner === this.me)
      .map(m => ({ moduleId: m.id, title: m.title, slug: m.slug, owned: true }))
  }

  async module(moduleId: number): Promise<ModuleDetail> {
    this.reads++
    const m = this.#module(moduleId)
    if (m.owner !== this.me && m.visibility !== 'public') throw refuse(404, `no module ${moduleId}`)
    return {
      id: m.id,
      title: m.title,
      slug: m.slug,
      summary: m.summary,
      icon: m.icon,
      visibility: m.visibility,
      isPublished: m.isPublished,
      lessons: m.lessons.map(({ bodyMd: _b, ...head }) => ({ ...head })),
      challenges: m.challenges.map(c => ({ ...c }))
    }
  }

  async createModule(spec: Parameters<AuthoringPort['createModule']>[0]): Promise<ModuleDetail> {
    return this.#write('createModule', spec.title, () => {
      const slug = spec.slug ?? slugOf(spec.title)
      if (!/^[a-z0-9-]+$/.test(slug)) throw refuse(400, `bad slug ${slug}`)
      if (this.modules.some(m => m.owner === this.me && m.slug === slug))
        throw refuse(409, `you already have a module with slug ${slug}`)
      const m = this.seedModule({ ...spec, slug, visibility: spec.visibility as Visibility })
      return { ...m, lessons: [], challenges: [] }
    })
  }

  async updateModule(
    moduleId: number,
    update: Parameters<AuthoringPort['updateModule']>[1]
  ): Promise<void> {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined)
    if (entries.length === 0) throw refuse(400, 'update_module requires at least one field')
    this.#write(
      'updateModule',
      `${moduleId} ${entries.map(([k, v]) => (k === 'isPublished' ? `isPublished=${v}` : k)).join(',')}`,
      () => {
        Object.assign(this.#owned(moduleId), Object.fromEntries(entries))
      }
    )
  }

  async attachChallenge(
    moduleId: number,
    challengeId: number,
    link: { label?: string; passThreshold?: number }
  ): Promise<void> {
    this.#write('attachChallenge', `${moduleId} ${challengeId}`, () => {
      const m = this.#owned(moduleId)
      const challenge = this.attachable.find(c => c.id === challengeId)
      if (!challenge) throw refuse(400, `challenge ${challengeId} cannot be attached`)
      if (m.challenges.some(c => c.challengeId === challengeId))
        throw refuse(409, 'already attached')
      m.challenges.push({
        challengeId,
        label: link.label ?? null,
        passThreshold: link.passThreshold ?? null,
        metric: challenge.metric
      })
    })
  }

  async updateChallengeLink(
    moduleId: number,
    challengeId: number,
    update: Parameters<AuthoringPort['updateChallengeLink']>[2]
  ): Promise<void> {
    this.#write('updateChallengeLink', `${moduleId} ${challengeId}`, () => {
      const link = this.#owned(moduleId).challenges.find(c => c.challengeId === challengeId)
      if (!link) throw refuse(404, 'not attached')
      if (update.label !== undefined) link.label = update.label
      if (update.passThreshold !== undefined) link.passThreshold = update.passThreshold
    })
  }

  async detachChallenge(moduleId: number, challengeId: number): Promise<void> {
    this.#write('detachChallenge', `${moduleId} ${challengeId}`, () => {
      const m = this.#owned(moduleId)
      const before = m.challenges.length
      m.challenges = m.challenges.filter(c => c.challengeId !== challengeId)
      if (m.challenges.length === before) throw refuse(404, 'not attached')
    })
  }

  async reorderChallenges(moduleId: number, ids: number[]): Promise<void> {
    this.#write('reorderChallenges', `${moduleId} ${ids.join(',')}`, () => {
      const m = this.#owned(moduleId)
      exactly(
        m.challenges.map(c => c.challengeId),
        ids
      )
      m.challenges = ids.map(id => m.challenges.find(c => c.challengeId === id) as ChallengeLink)
    })
  }

  async createLesson(moduleId: number, spec: Parameters<AuthoringPort['createLesson']>[1]) {
    return this.#write('createLesson', `${moduleId} ${spec.title}`, () => {
      const m = this.#owned(moduleId)
      const slug = spec.slug ?? slugOf(spec.title)
      if (m.lessons.some(l => l.slug === slug)) throw refuse(409, `lesson slug ${slug} is taken`)
      const lesson: LessonDetail = {
        id: this.#nextId++,
        title: spec.title,
        slug,
        kind: spec.kind,
        gated: spec.gated,
        isPublished: false,
        estimatedMinutes: null,
        bodyMd: spec.bodyMd
      }
      m.lessons.push(lesson)
      const { bodyMd: _b, ...head } = lesson
      return head
    })
  }

  async lesson(lessonId: number): Promise<LessonDetail> {
    this.reads++
    return { ...this.#lesson(lessonId).lesson }
  }

  async updateLesson(
    lessonId: number,
    update: Parameters<AuthoringPort['updateLesson']>[1]
  ): Promise<void> {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined)
    if (entries.length === 0) throw refuse(400, 'update_lesson requires at least one field')
    this.#write(
      'updateLesson',
      `${lessonId} ${entries.map(([k, v]) => (k === 'isPublished' ? `isPublished=${v}` : k)).join(',')}`,
      () => {
        const { module, lesson } = this.#lesson(lessonId)
        if (module.owner !== this.me) throw refuse(403, 'not your lesson')
        Object.assign(lesson, Object.fromEntries(entries))
      }
    )
  }

  async deleteLesson(lessonId: number): Promise<void> {
    this.#write('deleteLesson', String(lessonId), () => {
      const { module } = this.#lesson(lessonId)
      module.lessons = module.lessons.filter(l => l.id !== lessonId)
    })
  }

  async reorderLessons(moduleId: number, ids: number[]): Promise<void> {
    this.#write('reorderLessons', `${moduleId} ${ids.join(',')}`, () => {
      const m = this.#owned(moduleId)
      exactly(
        m.lessons.map(l => l.id),
        ids
      )
      m.lessons = ids.map(id => m.lessons.find(l => l.id === id) as LessonDetail)
    })
  }

  async previewLesson(lessonId: number, bodyMd: string) {
    this.reads++
    this.#lesson(lessonId)
    const names = [...bodyMd.matchAll(/mlarena:([A-Za-z0-9_-]+)/g)].map(m => m[1] as string)
    const unknown = names.find(n => !KNOWN_DIRECTIVES.has(n))
    if (unknown) throw refuse(400, `unknown directive mlarena:${unknown}`)
    return { directives: names.length, warnings: [] }
  }

  async linkModule(courseId: number, moduleId: number): Promise<void> {
    this.#write('linkModule', `${courseId} ${moduleId}`, () => {
      const c = this.#course(courseId)
      const m = this.#module(moduleId)
      if (m.owner !== this.me && m.visibility !== 'public')
        throw refuse(403, 'only owned or public modules are linkable')
      if (c.moduleIds.includes(moduleId)) throw refuse(409, 'already linked')
      c.moduleIds.push(moduleId)
    })
  }

  async unlinkModule(courseId: number, moduleId: number): Promise<void> {
    this.#write('unlinkModule', `${courseId} ${moduleId}`, () => {
      const c = this.#course(courseId)
      if (!c.moduleIds.includes(moduleId)) throw refuse(404, 'not linked')
      c.moduleIds = c.moduleIds.filter(id => id !== moduleId)
    })
  }

  async reorderModules(courseId: number, ids: number[]): Promise<void> {
    this.#write('reorderModules', `${courseId} ${ids.join(',')}`, () => {
      const c = this.#course(courseId)
      exactly(c.moduleIds, ids)
      c.moduleIds = [...ids]
    })
  }

  async attachableChallenges(): Promise<AttachableChallenge[]> {
    this.reads++
    return this.attachable.map(c => ({ ...c }))
  }

  /** What a student sees: published modules, and their published lessons, in order. */
  studentView(courseId: number): { module: string; lessons: string[] }[] {
    return this.#course(courseId)
      .moduleIds.map(id => this.#module(id))
      .filter(m => m.isPublished)
      .map(m => ({
        module: m.slug ?? '',
        lessons: m.lessons.filter(l => l.isPublished).map(l => l.slug ?? '')
      }))
  }
}

function exactly(current: number[], ordered: number[]): void {
  const a = [...current].sort((x, y) => x - y).join()
  const b = [...ordered].sort((x, y) => x - y).join()
  if (a !== b || new Set(ordered).size !== ordered.length)
    throw refuse(
      400,
      `ordered_ids must be exactly the current ids (${current.join(',')}), got ${ordered.join(',')}`
    )
}
