/**
 * Course content, current wire only (SDK 4.4.0 "Course authoring"): modules with their challenge
 * links and lessons, the modules each course links, course meta and cover; who may author what,
 * and what students see (drafts hidden until published). The course's flat challenge list, which
 * the roster, boards and enrolment read, is derived here from its linked, published modules.
 * Choices where the SDK is silent are listed in emulator/courses/README.md.
 */
import { createHash } from 'node:crypto'
import {
  AUTHORED_COURSE_MODULES,
  FIRST_LESSON_ID,
  FIRST_SEEDED_LESSON_ID,
  FIRST_SEEDED_MODULE_ID,
  LIBRARY_MODULES,
  type ModuleSeed
} from './authoring-seed.ts'
import {
  asBody,
  bool,
  date,
  deriveSlug,
  integer,
  markdown,
  oneOf,
  optionalText,
  orderedIds,
  refuseUnknown,
  requireSome,
  slugOf,
  text,
  threshold
} from './fields.ts'
import { findDirectives, leaderboardId } from './lessons.ts'
import { COURSE_USERS, FIRST_MODULE_ID } from './seeds.ts'
import type { Course, CourseBook, Visibility } from './store.ts'
import { ApiError } from '../plumbing/http.ts'
import type { World } from '../platform/store.ts'
import type { CompetitionConfig, TokenRecord, User } from '../platform/world.ts'
import { USERS } from '../platform/world.ts'

const VISIBILITIES: readonly Visibility[] = ['private', 'unlisted', 'public']
const KINDS = ['lesson', 'exercise'] as const
export type LessonKind = (typeof KINDS)[number]

export interface Attachment {
  challengeId: number
  label: string | null
  /** null: no pass/fail. */
  passThreshold: number | null
}

export interface Module {
  id: number
  owner: User
  title: string
  slug: string
  summary: string | null
  icon: string | null
  visibility: Visibility
  isPublished: boolean
  /** In display order. */
  challenges: Attachment[]
  /** In display order (`position` is the index). */
  lessonIds: number[]
  /** The module this one was forked from (`fork_module`), or null. */
  forkedFrom: number | null
  createdAt: number
}

export interface Lesson {
  id: number
  moduleId: number
  title: string
  slug: string
  kind: LessonKind
  parentId: number | null
  bodyMd: string
  gated: boolean
  isPublished: boolean
  estimatedMinutes: number | null
}

export interface CourseLink {
  course: Course
  module: Module
  position: number
  /** The course's teacher owns the module (false: a borrowed public module). */
  owned: boolean
}

export interface CourseCover {
  contentType: string
  bytes: Buffer
  sha256: string
}

export interface ResolvedDirective {
  name: string
  line: number
  challengeId: number
  challengeName: string
}

export interface DirectiveCheck {
  directives: ResolvedDirective[]
  warnings: string[]
}

/** What a reader may see of a course: whether they manage it, and its visible modules. */
export interface CourseView {
  course: Course
  manager: boolean
  member: boolean
  modules: { link: CourseLink; lessons: Lesson[] }[]
}

export interface LessonPage {
  view: CourseView
  module: Module
  lesson: Lesson
  check: DirectiveCheck
}

const MODULE_CREATE_KEYS = ['title', 'slug', 'summary', 'icon', 'visibility', 'is_published']
const MODULE_UPDATE_KEYS = ['title', 'summary', 'icon', 'visibility', 'is_published']
const ATTACH_KEYS = ['challenge_id', 'label', 'position', 'pass_threshold']
const LINK_UPDATE_KEYS = ['label', 'pass_threshold']
const LESSON_CREATE_KEYS = ['title', 'kind', 'slug', 'parent_lesson_id', 'body_md', 'gated']
const LESSON_UPDATE_KEYS = ['title', 'body_md', 'is_published', 'gated', 'estimated_minutes']
const COURSE_UPDATE_KEYS = [
  'name',
  'code',
  'description',
  'visibility',
  'instructor_name',
  'start_date',
  'end_date'
]

export class CourseAuthoring {
  private readonly world: World
  private readonly book: CourseBook
  readonly modules = new Map<number, Module>()
  readonly lessons = new Map<number, Lesson>()
  /** course id → linked module ids in course order. */
  private readonly links = new Map<number, number[]>()
  private nextModuleId = FIRST_MODULE_ID
  private nextLessonId = FIRST_LESSON_ID
  private readonly users = new Map<number, User>()

  constructor(world: World, book: CourseBook) {
    this.world = world
    this.book = book
    for (const user of [...Object.values(USERS), ...Object.values(COURSE_USERS)])
      this.users.set(user.id, user)
    this.seed()
    book.countLessons = course => this.studentLessons(course)
  }

  /** What `enrollment_info`'s `lesson_count` counts: the lessons a student would see. */
  private studentLessons(course: Course): number {
    return this.visibleModules(course, false).reduce((n, m) => n + m.lessons.length, 0)
  }

  // ---------------------------------------------------------------- seeds

  private seed(): void {
    let moduleId = FIRST_SEEDED_MODULE_ID
    let lessonId = FIRST_SEEDED_LESSON_ID
    const add = (seed: ModuleSeed): Module => {
      const owner = this.users.get(seed.ownerId)
      if (!owner) throw new Error(`authoring seeds: no user ${seed.ownerId}`)
      const module: Module = {
        id: seed.id ?? moduleId++,
        owner,
        title: seed.title,
        slug: seed.slug,
        summary: seed.summary,
        icon: seed.icon,
        visibility: seed.visibility,
        isPublished: seed.isPublished,
        challenges: seed.challenges.map(c => ({ ...c })),
        lessonIds: [],
        forkedFrom: null,
        createdAt: this.world.startTime
      }
      this.modules.set(module.id, module)
      const bySlug = new Map<string, number>()
      for (const l of seed.lessons) {
        const id = lessonId++
        bySlug.set(l.slug, id)
        this.lessons.set(id, {
          id,
          moduleId: module.id,
          title: l.title,
          slug: l.slug,
          kind: l.kind,
          parentId: l.parent === null ? null : (bySlug.get(l.parent) ?? null),
          bodyMd: l.bodyMd,
          gated: l.gated,
          isPublished: l.isPublished,
          estimatedMinutes: l.estimatedMinutes
        })
        module.lessonIds.push(id)
      }
      return module
    }
    for (const course of this.book.courses.values()) {
      const authored = AUTHORED_COURSE_MODULES[course.id]
      const seeds: ModuleSeed[] =
        authored ??
        course.challenges.map(link => {
          const name = this.world.competitions.get(link.challengeId)?.name ?? 'Challenge'
          return {
            ownerId: course.teacher.id,
            title: name,
            slug: deriveSlug(name, new Set(), 'challenge'),
            summary: null,
            icon: null,
            visibility: 'private',
            isPublished: true,
            challenges: [
              { challengeId: link.challengeId, label: null, passThreshold: link.passThreshold }
            ],
            lessons: []
          }
        })
      this.links.set(
        course.id,
        seeds.map(seed => add(seed).id)
      )
      this.sync(course)
    }
    for (const seed of LIBRARY_MODULES) add(seed)
  }

  // ---------------------------------------------------------------- who may do what

  private requireTeacher(token: TokenRecord): void {
    if (token.scope !== 'teacher')
      throw new ApiError(
        403,
        `Course authoring needs a teacher token (mlk_teacher_...); this is a ${token.scope} token`
      )
  }

  private readable(module: Module, token: TokenRecord): boolean {
    return module.owner.id === token.user.id || module.visibility === 'public'
  }

  /** A module the teacher may read: their own, or another teacher's public one. */
  readableModule(token: TokenRecord, moduleId: number): Module {
    this.requireTeacher(token)
    const module = this.modules.get(moduleId)
    if (!module || !this.readable(module, token))
      throw new ApiError(404, `Module ${moduleId} not found`)
    return module
  }

  /** A module the teacher owns (the only one they may change). */
  ownedModule(token: TokenRecord, moduleId: number): Module {
    const module = this.readableModule(token, moduleId)
    if (module.owner.id !== token.user.id)
      throw new ApiError(
        403,
        `Module ${moduleId} belongs to another teacher: only its owner may change it (fork or link it instead)`
      )
    return module
  }

  private ownedLesson(token: TokenRecord, lessonId: number): { lesson: Lesson; module: Module } {
    this.requireTeacher(token)
    const lesson = this.lessons.get(lessonId)
    const module = lesson ? this.modules.get(lesson.moduleId) : undefined
    if (!lesson || !module || !this.readable(module, token))
      throw new ApiError(404, `Lesson ${lessonId} not found`)
    if (module.owner.id !== token.user.id)
      throw new ApiError(
        403,
        `Lesson ${lessonId} is in another teacher's module: only its owner may read or change it here`
      )
    return { lesson, module }
  }

  // ---------------------------------------------------------------- modules

  createModule(token: TokenRecord, raw: unknown): Module {
    this.requireTeacher(token)
    const body = asBody(raw)
    refuseUnknown(body, MODULE_CREATE_KEYS)
    const title = text(body, 'title', 200)
    const wanted = slugOf(body)
    const taken = new Set(this.ownModules(token.user.id).map(m => m.slug))
    if (wanted !== null && taken.has(wanted))
      throw new ApiError(409, `You already have a module with the slug "${wanted}"`)
    const module: Module = {
      id: this.nextModuleId++,
      owner: token.user,
      title,
      slug: wanted ?? deriveSlug(title, taken, 'module'),
      summary: optionalText(body, 'summary', 20_000),
      icon: optionalText(body, 'icon', 64),
      visibility: oneOf(body, 'visibility', VISIBILITIES, 'private'),
      isPublished: bool(body, 'is_published', true),
      challenges: [],
      lessonIds: [],
      forkedFrom: null,
      createdAt: this.world.now()
    }
    this.modules.set(module.id, module)
    return module
  }

  /** A deep copy (lessons with their nesting, challenge links) owned by the caller, private. */
  forkModule(token: TokenRecord, moduleId: number): Module {
    const source = this.readableModule(token, moduleId)
    const taken = new Set(this.ownModules(token.user.id).map(m => m.slug))
    const fork: Module = {
      ...source,
      id: this.nextModuleId++,
      owner: token.user,
      slug: taken.has(source.slug) ? deriveSlug(source.slug, taken, 'module') : source.slug,
      visibility: 'private',
      challenges: source.challenges.map(a => ({ ...a })),
      lessonIds: [],
      forkedFrom: source.id,
      createdAt: this.world.now()
    }
    const ids = new Map<number, number>()
    for (const lesson of this.lessonsOf(source)) {
      const id = this.nextLessonId++
      ids.set(lesson.id, id)
      this.lessons.set(id, {
        ...lesson,
        id,
        moduleId: fork.id,
        parentId: lesson.parentId === null ? null : (ids.get(lesson.parentId) ?? null)
      })
      fork.lessonIds.push(id)
    }
    this.modules.set(fork.id, fork)
    return fork
  }

  /** `challenges_for_course`: what attach_challenge accepts from this teacher. */
  attachableChallenges(token: TokenRecord): CompetitionConfig[] {
    this.requireTeacher(token)
    return [...this.world.competitions.values()].filter(
      comp =>
        this.world.canSee(token, comp) &&
        (comp.isPublic || comp.teachers.includes(token.user.id)) &&
        comp.metrics.some(m => m.isRanking)
    )
  }

  private ownModules(userId: number): Module[] {
    return [...this.modules.values()].filter(m => m.owner.id === userId)
  }

  listModules(token: TokenRecord, library: string | null): Module[] {
    this.requireTeacher(token)
    if (library === null) return this.ownModules(token.user.id)
    if (library !== 'public')
      throw new ApiError(400, `library must be "public" (or omitted for your own modules)`)
    return [...this.modules.values()].filter(
      m => m.visibility === 'public' && m.owner.id !== token.user.id
    )
  }

  updateModule(token: TokenRecord, moduleId: number, raw: unknown): Module {
    const module = this.ownedModule(token, moduleId)
    const body = asBody(raw)
    refuseUnknown(body, MODULE_UPDATE_KEYS, ' (the slug is immutable)')
    requireSome(body, MODULE_UPDATE_KEYS)
    // Check everything before changing anything.
    const next = {
      title: body.title === undefined ? module.title : text(body, 'title', 200),
      summary: body.summary === undefined ? module.summary : optionalText(body, 'summary', 20_000),
      icon: body.icon === undefined ? module.icon : optionalText(body, 'icon', 64),
      visibility: oneOf(body, 'visibility', VISIBILITIES, module.visibility),
      isPublished: bool(body, 'is_published', module.isPublished)
    }
    Object.assign(module, next)
    this.syncLinking(module)
    return module
  }

  /** Blocked (409) while a course links it, unless `force` (the links go first). */
  deleteModule(token: TokenRecord, moduleId: number, force: boolean): { unlinked: number[] } {
    const module = this.ownedModule(token, moduleId)
    const linking = this.coursesLinking(module)
    if (linking.length > 0 && !force)
      throw new ApiError(
        409,
        `Module ${moduleId} is linked by course(s) ${linking.map(c => c.id).join(', ')}: unlink it first, or pass ?force=1`,
        { course_ids: linking.map(c => c.id) }
      )
    for (const course of linking) {
      this.links.set(
        course.id,
        this.linkedIds(course).filter(id => id !== moduleId)
      )
      this.sync(course)
    }
    for (const id of module.lessonIds) this.lessons.delete(id)
    this.modules.delete(moduleId)
    return { unlinked: linking.map(c => c.id) }
  }

  // ---------------------------------------------------------------- a module's challenges

  /** Public challenges and the teacher's own (those its teacher token sees as theirs). */
  private attachable(token: TokenRecord, challengeId: number): CompetitionConfig {
    const comp = this.world.competition(token, challengeId)
    if (!comp.isPublic && !comp.teachers.includes(token.user.id))
      throw new ApiError(
        403,
        `Challenge ${challengeId} is neither public nor yours: a module may attach public challenges and your own`
      )
    if (!comp.metrics.some(m => m.isRanking))
      throw new ApiError(400, `Challenge ${challengeId} has no evaluation: it cannot be attached`)
    return comp
  }

  attach(
    token: TokenRecord,
    moduleId: number,
    raw: unknown
  ): { module: Module; attachment: Attachment } {
    const module = this.ownedModule(token, moduleId)
    const body = asBody(raw)
    refuseUnknown(body, ATTACH_KEYS)
    if (body.challenge_id === undefined)
      throw new ApiError(400, 'challenge_id is required: an integer')
    const challengeId = integer(body.challenge_id, 'challenge_id')
    const label = optionalText(body, 'label', 200)
    const passThreshold = threshold(body.pass_threshold)
    const position =
      body.position === undefined || body.position === null
        ? module.challenges.length
        : integer(body.position, 'position')
    if (position > module.challenges.length)
      throw new ApiError(
        400,
        `position ${position} is past the end of the module's ${module.challenges.length} challenge(s)`
      )
    this.attachable(token, challengeId)
    if (module.challenges.some(a => a.challengeId === challengeId))
      throw new ApiError(409, `Challenge ${challengeId} is already attached to module ${moduleId}`)
    const attachment: Attachment = { challengeId, label, passThreshold }
    module.challenges.splice(position, 0, attachment)
    this.syncLinking(module)
    return { module, attachment }
  }

  private attachment(module: Module, challengeId: number): Attachment {
    const found = module.challenges.find(a => a.challengeId === challengeId)
    if (!found)
      throw new ApiError(404, `Challenge ${challengeId} is not attached to module ${module.id}`)
    return found
  }

  /** Partial: a key that is sent is written, an explicit null clears it. */
  updateAttachment(
    token: TokenRecord,
    moduleId: number,
    challengeId: number,
    raw: unknown
  ): { module: Module; attachment: Attachment } {
    const module = this.ownedModule(token, moduleId)
    const attachment = this.attachment(module, challengeId)
    const body = asBody(raw)
    refuseUnknown(body, LINK_UPDATE_KEYS)
    requireSome(body, LINK_UPDATE_KEYS)
    const label = body.label === undefined ? attachment.label : optionalText(body, 'label', 200)
    const passThreshold =
      body.pass_threshold === undefined ? attachment.passThreshold : threshold(body.pass_threshold)
    attachment.label = label
    attachment.passThreshold = passThreshold
    this.syncLinking(module)
    return { module, attachment }
  }

  detach(token: TokenRecord, moduleId: number, challengeId: number): void {
    const module = this.ownedModule(token, moduleId)
    this.attachment(module, challengeId)
    module.challenges = module.challenges.filter(a => a.challengeId !== challengeId)
    this.syncLinking(module)
  }

  reorderAttachments(token: TokenRecord, moduleId: number, raw: unknown): Module {
    const module = this.ownedModule(token, moduleId)
    const order = orderedIds(
      raw,
      module.challenges.map(a => a.challengeId),
      "module's attached challenge"
    )
    module.challenges = order.map(id => this.attachment(module, id))
    this.syncLinking(module)
    return module
  }

  // ---------------------------------------------------------------- lessons

  lessonsOf(module: Module): Lesson[] {
    return module.lessonIds.flatMap(id => {
      const lesson = this.lessons.get(id)
      return lesson ? [lesson] : []
    })
  }

  createLesson(token: TokenRecord, moduleId: number, raw: unknown): Lesson {
    const module = this.ownedModule(token, moduleId)
    const body = asBody(raw)
    refuseUnknown(
      body,
      LESSON_CREATE_KEYS,
      ' (is_published and estimated_minutes are set by PUT /teacher/lessons/{id}: a lesson starts as a draft)'
    )
    const title = text(body, 'title', 200)
    const kind = oneOf(body, 'kind', KINDS, 'lesson')
    const wanted = slugOf(body)
    const taken = new Set(this.lessonsOf(module).map(l => l.slug))
    if (wanted !== null && taken.has(wanted))
      throw new ApiError(409, `Module ${moduleId} already has a lesson with the slug "${wanted}"`)
    let parentId: number | null = null
    if (body.parent_lesson_id !== undefined && body.parent_lesson_id !== null) {
      parentId = integer(body.parent_lesson_id, 'parent_lesson_id')
      const parent = this.lessons.get(parentId)
      if (!parent || parent.moduleId !== moduleId)
        throw new ApiError(
          400,
          `parent_lesson_id ${parentId} is not a lesson of module ${moduleId}`
        )
      if (parent.parentId !== null)
        throw new ApiError(400, `Lesson ${parentId} is itself nested: lessons nest one level only`)
    }
    const lesson: Lesson = {
      id: this.nextLessonId++,
      moduleId,
      title,
      slug: wanted ?? deriveSlug(title, taken, 'lesson'),
      kind,
      parentId,
      bodyMd: markdown(body, 'body_md', ''),
      gated: bool(body, 'gated', false),
      isPublished: false,
      estimatedMinutes: null
    }
    this.lessons.set(lesson.id, lesson)
    module.lessonIds.push(lesson.id)
    return lesson
  }

  lesson(token: TokenRecord, lessonId: number): Lesson {
    return this.ownedLesson(token, lessonId).lesson
  }

  updateLesson(token: TokenRecord, lessonId: number, raw: unknown): Lesson {
    const { lesson } = this.ownedLesson(token, lessonId)
    const body = asBody(raw)
    refuseUnknown(body, LESSON_UPDATE_KEYS)
    requireSome(body, LESSON_UPDATE_KEYS)
    const minutes = body.estimated_minutes
    const next = {
      title: body.title === undefined ? lesson.title : text(body, 'title', 200),
      bodyMd: markdown(body, 'body_md', lesson.bodyMd),
      isPublished: bool(body, 'is_published', lesson.isPublished),
      gated: bool(body, 'gated', lesson.gated),
      estimatedMinutes:
        minutes === undefined
          ? lesson.estimatedMinutes
          : minutes === null
            ? null
            : integer(minutes, 'estimated_minutes')
    }
    Object.assign(lesson, next)
    return lesson
  }

  /** The lesson and the lessons nested under it. */
  deleteLesson(token: TokenRecord, lessonId: number): number[] {
    const { lesson, module } = this.ownedLesson(token, lessonId)
    const gone = [
      lesson.id,
      ...this.lessonsOf(module)
        .filter(l => l.parentId === lesson.id)
        .map(l => l.id)
    ]
    for (const id of gone) this.lessons.delete(id)
    module.lessonIds = module.lessonIds.filter(id => !gone.includes(id))
    return gone
  }

  reorderLessons(token: TokenRecord, moduleId: number, raw: unknown): Module {
    const module = this.ownedModule(token, moduleId)
    module.lessonIds = orderedIds(raw, module.lessonIds, "module's lesson")
    return module
  }

  /** Strict: an unknown or unresolvable directive is a 400 naming its line. */
  preview(token: TokenRecord, lessonId: number, raw: unknown): DirectiveCheck {
    const { lesson } = this.ownedLesson(token, lessonId)
    const body = asBody(raw)
    refuseUnknown(body, ['body_md'])
    const md = markdown(body, 'body_md', lesson.bodyMd)
    const check = this.checkDirectives(md, token)
    if (check.warnings.length > 0)
      throw new ApiError(400, check.warnings.join('; '), { errors: check.warnings })
    return check
  }

  /** Lenient: what a reader gets; problems become warnings. */
  private checkDirectives(md: string, viewer: TokenRecord | null): DirectiveCheck {
    const directives: ResolvedDirective[] = []
    const warnings: string[] = []
    for (const use of findDirectives(md)) {
      const id = leaderboardId(use)
      if (typeof id !== 'number') {
        warnings.push(id.message)
        continue
      }
      const comp = this.world.competitions.get(id)
      if (!comp || !this.world.canSee(viewer, comp)) {
        warnings.push(`mlarena:leaderboard at line ${use.line}: challenge ${id} not found`)
        continue
      }
      directives.push({ name: use.name, line: use.line, challengeId: id, challengeName: comp.name })
    }
    return { directives, warnings }
  }

  // ---------------------------------------------------------------- course composition

  managedCourse(token: TokenRecord, courseId: number): Course {
    return this.managed(token, courseId)
  }

  private managed(token: TokenRecord, courseId: number): Course {
    return this.book.managedCourse(token, courseId)
  }

  private linkedIds(course: Course): number[] {
    let ids = this.links.get(course.id)
    if (!ids) {
      ids = []
      this.links.set(course.id, ids)
    }
    return ids
  }

  courseLinks(course: Course): CourseLink[] {
    return this.linkedIds(course).flatMap((id, position) => {
      const module = this.modules.get(id)
      return module
        ? [{ course, module, position, owned: module.owner.id === course.teacher.id }]
        : []
    })
  }

  private coursesLinking(module: Module): Course[] {
    return [...this.book.courses.values()].filter(c => this.linkedIds(c).includes(module.id))
  }

  listCourseModules(token: TokenRecord, courseId: number): CourseLink[] {
    return this.courseLinks(this.managed(token, courseId))
  }

  updateCourse(token: TokenRecord, courseId: number, raw: unknown): Course {
    const course = this.managed(token, courseId)
    const body = asBody(raw)
    refuseUnknown(body, COURSE_UPDATE_KEYS, ' (the slug is fixed at creation)')
    requireSome(body, COURSE_UPDATE_KEYS)
    const has = (key: string): boolean => body[key] !== undefined
    const next = {
      name: has('name') ? text(body, 'name', 200) : course.name,
      code: has('code') ? optionalText(body, 'code', 50) : course.code,
      description: has('description')
        ? (optionalText(body, 'description', 20_000) ?? '')
        : course.description,
      visibility: oneOf(body, 'visibility', VISIBILITIES, course.visibility),
      instructorName: has('instructor_name')
        ? optionalText(body, 'instructor_name', 200)
        : course.instructorName,
      startDate: has('start_date') ? date(body, 'start_date') : course.startDate,
      endDate: has('end_date') ? date(body, 'end_date') : course.endDate
    }
    if (next.startDate !== null && next.endDate !== null && next.endDate < next.startDate)
      throw new ApiError(400, `end_date ${next.endDate} is before start_date ${next.startDate}`)
    Object.assign(course, next)
    return course
  }

  setCover(token: TokenRecord, courseId: number, cover: CourseCover): Course {
    const course = this.managed(token, courseId)
    course.cover = cover
    return course
  }

  /** Linking an already linked module changes nothing (`author_course_from_dir` re-links on every run). */
  link(token: TokenRecord, courseId: number, raw: unknown): { link: CourseLink; created: boolean } {
    const course = this.managed(token, courseId)
    const body = asBody(raw)
    refuseUnknown(body, ['module_id', 'position'])
    if (body.module_id === undefined) throw new ApiError(400, 'module_id is required: an integer')
    const moduleId = integer(body.module_id, 'module_id')
    const ids = this.linkedIds(course)
    const position =
      body.position === undefined || body.position === null
        ? ids.length
        : integer(body.position, 'position')
    const module = this.modules.get(moduleId)
    if (!module || !this.readable(module, token))
      throw new ApiError(404, `Module ${moduleId} not found`)
    if (module.owner.id !== token.user.id && module.visibility !== 'public')
      throw new ApiError(
        403,
        `Module ${moduleId} is not public: only owned or public modules are linkable`
      )
    const existing = this.courseLinks(course).find(l => l.module.id === moduleId)
    if (existing) return { link: existing, created: false }
    if (position > ids.length)
      throw new ApiError(
        400,
        `position ${position} is past the end of the course's ${ids.length} module(s)`
      )
    const clash = this.courseLinks(course).find(l => l.module.slug === module.slug)
    if (clash)
      throw new ApiError(
        409,
        `Course ${courseId} already links a module with the slug "${module.slug}" (module ${clash.module.id}): its pages could not tell them apart`
      )
    ids.splice(position, 0, moduleId)
    this.sync(course)
    return { link: this.linkOf(course, moduleId), created: true }
  }

  private linkOf(course: Course, moduleId: number): CourseLink {
    const found = this.courseLinks(course).find(l => l.module.id === moduleId)
    if (!found) throw new ApiError(404, `Module ${moduleId} is not linked to course ${course.id}`)
    return found
  }

  unlink(token: TokenRecord, courseId: number, moduleId: number): void {
    const course = this.managed(token, courseId)
    this.linkOf(course, moduleId)
    this.links.set(
      course.id,
      this.linkedIds(course).filter(id => id !== moduleId)
    )
    this.sync(course)
  }

  reorderModules(token: TokenRecord, courseId: number, raw: unknown): CourseLink[] {
    const course = this.managed(token, courseId)
    this.links.set(course.id, orderedIds(raw, this.linkedIds(course), "course's linked module"))
    this.sync(course)
    return this.courseLinks(course)
  }

  /** One transaction: a private module, linked at the end, with the challenge attached. */
  addCourseChallenge(token: TokenRecord, courseId: number, raw: unknown): CourseLink {
    const course = this.managed(token, courseId)
    const body = asBody(raw)
    refuseUnknown(body, ['challenge_id', 'title', 'summary', 'pass_threshold', 'is_published'])
    if (body.challenge_id === undefined)
      throw new ApiError(400, 'challenge_id is required: an integer')
    const challengeId = integer(body.challenge_id, 'challenge_id')
    const passThreshold = threshold(body.pass_threshold)
    const isPublished = bool(body, 'is_published', true)
    const summary = optionalText(body, 'summary', 20_000)
    const wantedTitle = optionalText(body, 'title', 200)
    const comp = this.attachable(token, challengeId)
    const attached = this.courseLinks(course).some(l =>
      l.module.challenges.some(a => a.challengeId === challengeId)
    )
    if (attached)
      throw new ApiError(409, `Challenge ${challengeId} is already attached to course ${course.id}`)
    const title = wantedTitle ?? comp.name
    const taken = new Set([
      ...this.ownModules(token.user.id).map(m => m.slug),
      ...this.courseLinks(course).map(l => l.module.slug)
    ])
    const module: Module = {
      id: this.nextModuleId++,
      owner: token.user,
      title,
      slug: deriveSlug(title, taken, 'challenge'),
      summary,
      icon: null,
      visibility: 'private',
      isPublished,
      challenges: [{ challengeId, label: null, passThreshold }],
      lessonIds: [],
      forkedFrom: null,
      createdAt: this.world.now()
    }
    this.modules.set(module.id, module)
    this.linkedIds(course).push(module.id)
    this.sync(course)
    return this.linkOf(course, module.id)
  }

  /** Unlinks the entry; deletes its module when simple, the caller's, and linked nowhere else. */
  removeCourseChallenge(token: TokenRecord, courseId: number, moduleId: number): boolean {
    const course = this.managed(token, courseId)
    const { module } = this.linkOf(course, moduleId)
    this.links.set(
      course.id,
      this.linkedIds(course).filter(id => id !== moduleId)
    )
    this.sync(course)
    const simple = module.lessonIds.length === 0 && module.challenges.length <= 1
    const deletable =
      simple && module.owner.id === token.user.id && this.coursesLinking(module).length === 0
    if (deletable) this.modules.delete(module.id)
    return deletable
  }

  // ---------------------------------------------------------------- derived challenge list

  /**
   * A course's challenges are those of its linked, published modules, in course order (a
   * challenge in two modules counts once, with the first module's bar): what its students see.
   */
  private sync(course: Course): void {
    const seen = new Set<number>()
    course.challenges = this.courseLinks(course)
      .filter(l => l.module.isPublished)
      .flatMap(l => l.module.challenges)
      .filter(a => (seen.has(a.challengeId) ? false : (seen.add(a.challengeId), true)))
      .map(a => ({ challengeId: a.challengeId, passThreshold: a.passThreshold }))
  }

  private syncLinking(module: Module): void {
    for (const course of this.coursesLinking(module)) this.sync(course)
  }

  // ---------------------------------------------------------------- reading (learner surface)

  private canView(
    course: Course,
    viewer: TokenRecord | null
  ): { manager: boolean; member: boolean } {
    const manager = this.book.isManager(course, viewer)
    const member = this.book.isMember(course, viewer)
    // A private or unlisted course is for its members and managers (as the course list is).
    if (!manager && !member && course.visibility !== 'public')
      throw new ApiError(404, `Course "${course.slug}" not found`)
    return { manager, member }
  }

  private bySlug(slug: string): Course {
    const course = [...this.book.courses.values()].find(c => c.slug === slug)
    if (!course) throw new ApiError(404, `Course "${slug}" not found`)
    return course
  }

  /** Drafts (modules, lessons, and lessons under a draft parent) only for managers. */
  view(viewer: TokenRecord | null, slug: string): CourseView {
    const course = this.bySlug(slug)
    const { manager, member } = this.canView(course, viewer)
    return { course, manager, member, modules: this.visibleModules(course, manager) }
  }

  private visibleModules(course: Course, drafts: boolean): CourseView['modules'] {
    return this.courseLinks(course)
      .filter(link => drafts || link.module.isPublished)
      .map(link => {
        const all = this.lessonsOf(link.module)
        const shown = new Set(all.filter(l => drafts || l.isPublished).map(l => l.id))
        const lessons = all.filter(
          l => shown.has(l.id) && (l.parentId === null || shown.has(l.parentId))
        )
        return { link, lessons }
      })
  }

  moduleView(
    viewer: TokenRecord | null,
    slug: string,
    moduleSlug: string
  ): { view: CourseView; entry: CourseView['modules'][number] } {
    const view = this.view(viewer, slug)
    const entry = view.modules.find(m => m.link.module.slug === moduleSlug)
    if (!entry) throw new ApiError(404, `Module "${moduleSlug}" not found in course "${slug}"`)
    return { view, entry }
  }

  lessonPage(
    viewer: TokenRecord | null,
    slug: string,
    moduleSlug: string,
    lessonSlug: string
  ): LessonPage {
    const { view, entry } = this.moduleView(viewer, slug, moduleSlug)
    const lesson = entry.lessons.find(l => l.slug === lessonSlug)
    if (!lesson)
      throw new ApiError(404, `Lesson "${lessonSlug}" not found in module "${moduleSlug}"`)
    if (lesson.gated && !view.manager && !view.member)
      throw new ApiError(
        403,
        'This lesson requires enrollment: enrol with the course join code first'
      )
    return {
      view,
      module: entry.link.module,
      lesson,
      check: this.checkDirectives(lesson.bodyMd, viewer)
    }
  }

  cover(viewer: TokenRecord | null, courseId: number): CourseCover {
    const course = this.book.courses.get(courseId)
    if (!course) throw new ApiError(404, `Course ${courseId} not found`)
    this.canView(course, viewer)
    if (!course.cover) throw new ApiError(404, `Course ${courseId} has no cover image`)
    return course.cover
  }

  // ---------------------------------------------------------------- inspection

  state(): StateAuthoring {
    return {
      modules: [...this.modules.values()].map(m => ({
        id: m.id,
        owner: m.owner.username,
        title: m.title,
        slug: m.slug,
        summary: m.summary,
        icon: m.icon,
        visibility: m.visibility,
        isPublished: m.isPublished,
        challenges: m.challenges.map(a => ({ ...a })),
        lessonIds: [...m.lessonIds],
        forkedFromModuleId: m.forkedFrom
      })),
      lessons: [...this.lessons.values()].map(l => ({
        id: l.id,
        moduleId: l.moduleId,
        title: l.title,
        slug: l.slug,
        kind: l.kind,
        parentLessonId: l.parentId,
        bodyMd: l.bodyMd,
        gated: l.gated,
        isPublished: l.isPublished,
        estimatedMinutes: l.estimatedMinutes
      })),
      links: [...this.book.courses.values()].map(c => ({
        courseId: c.id,
        moduleIds: [...this.linkedIds(c)]
      })),
      covers: [...this.book.courses.values()].flatMap(c =>
        c.cover
          ? [
              {
                courseId: c.id,
                contentType: c.cover.contentType,
                size: c.cover.bytes.length,
                sha256: c.cover.sha256
              }
            ]
          : []
      )
    }
  }
}

/** What `/__emulator/state` shows of course content (`authoring`). */
export interface StateAuthoring {
  modules: {
    id: number
    owner: string
    title: string
    slug: string
    summary: string | null
    icon: string | null
    visibility: Visibility
    isPublished: boolean
    challenges: Attachment[]
    lessonIds: number[]
    forkedFromModuleId: number | null
  }[]
  lessons: {
    id: number
    moduleId: number
    title: string
    slug: string
    kind: LessonKind
    parentLessonId: number | null
    bodyMd: string
    gated: boolean
    isPublished: boolean
    estimatedMinutes: number | null
  }[]
  /** Every course, with its linked modules in order. */
  links: { courseId: number; moduleIds: number[] }[]
  covers: { courseId: number; contentType: string; size: number; sha256: string }[]
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
