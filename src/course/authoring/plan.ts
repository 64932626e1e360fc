/**
 * The plan (pure): what apply must do so that ML Arena holds what course.yaml says, as an
 * ordered list of operations, and the problems that block it. The order never shows students a
 * half-made module: what the manifest hides is hidden first; new modules are created as drafts
 * and new lessons start as drafts (create_lesson); content, links and order come next; what is
 * published is published last, lessons before their module, and a course's wider visibility
 * after everything else. What ML Arena holds and the manifest no longer lists is removed only
 * with prune (modules are unlinked, never deleted: they stay in the teacher's library).
 */
import type {
  AttachableChallenge,
  CourseUpdate,
  LessonDetail,
  LessonUpdate,
  LinkUpdate,
  ModuleUpdate,
  NewCourseSpec,
  NewLessonSpec,
  NewModuleSpec
} from '../../arena/course-authoring-model.js'
import type { Finding } from './findings.js'
import type { RemoteCourse, RemoteModule } from './remote.js'
import type { CourseManifest, LessonSpec, LocalFile, ModuleSpec } from './spec.js'

/** A module or lesson: one ML Arena has (its id), or one apply creates (its key). */
export type Ref = { id: number } | { key: string }

interface Base {
  /** One line for the summary ("create lesson “What is RL?” in Foundations"). */
  text: string
  /** Where in the manifest (workspace-relative file, 1-based line); null: no line. */
  file: string | null
  line: number | null
}

export type Op = Base &
  (
    | { type: 'course.create'; spec: NewCourseSpec }
    | { type: 'course.update'; fields: CourseUpdate }
    | { type: 'course.cover'; cover: LocalFile }
    | { type: 'module.create'; key: string; spec: NewModuleSpec }
    | { type: 'module.update'; moduleId: number; fields: ModuleUpdate }
    | { type: 'module.publish'; module: Ref; isPublished: boolean }
    | { type: 'module.link'; module: Ref }
    | { type: 'module.unlink'; moduleId: number }
    | { type: 'modules.reorder'; order: Ref[] }
    | {
        type: 'lesson.create'
        key: string
        module: Ref
        spec: NewLessonSpec
        estimatedMinutes?: number
      }
    | { type: 'lesson.update'; lessonId: number; fields: LessonUpdate }
    | { type: 'lesson.publish'; lesson: Ref; isPublished: boolean }
    | { type: 'lesson.delete'; lessonId: number }
    | { type: 'lessons.reorder'; module: Ref; order: Ref[] }
    | {
        type: 'challenge.attach'
        module: Ref
        challengeId: number
        label?: string
        passThreshold?: number
      }
    | { type: 'challenge.update'; moduleId: number; challengeId: number; fields: LinkUpdate }
    | { type: 'challenge.detach'; moduleId: number; challengeId: number }
    | { type: 'challenges.reorder'; module: Ref; order: number[] }
  )

export interface Plan {
  ops: Op[]
  findings: Finding[]
  /** What ML Arena holds that the manifest no longer lists, left alone without prune. */
  kept: string[]
  /** The course exists on ML Arena (false: apply creates it). */
  exists: boolean
  /** The manifest's lessons that ML Arena has, with their ids (the preview checks them). */
  existingLessons: { lesson: LessonSpec; lessonId: number }[]
}

export interface PlanInput {
  manifest: CourseManifest
  remote: RemoteCourse | null
  /** Every module the manifest may mean: the course's linked ones, then ones it may adopt. */
  modules: readonly RemoteModule[]
  attachable: readonly AttachableChallenge[]
  prune: boolean
}

const q = (text: string): string => `“${text}”`

export function buildPlan(input: PlanInput): Plan {
  return new Planner(input).plan()
}

class Planner {
  readonly #in: PlanInput
  readonly #m: CourseManifest
  readonly findings: Finding[] = []
  readonly kept: string[] = []
  readonly hide: Op[] = []
  readonly meta: Op[] = []
  readonly content: Op[] = []
  readonly prune: Op[] = []
  readonly order: Op[] = []
  readonly publishLessons: Op[] = []
  readonly publishModules: Op[] = []
  readonly last: Op[] = []
  readonly existingLessons: Plan['existingLessons'] = []

  constructor(input: PlanInput) {
    this.#in = input
    this.#m = input.manifest
  }

  plan(): Plan {
    this.course()
    const matched = this.modules()
    this.moduleOrder(matched)
    const ops = [
      ...this.hide,
      ...this.meta,
      ...this.content,
      ...this.prune,
      ...this.order,
      ...this.publishLessons,
      ...this.publishModules,
      ...this.last
    ]
    return {
      ops,
      findings: this.findings,
      kept: this.kept,
      exists: this.#in.remote !== null,
      existingLessons: this.existingLessons
    }
  }

  at(pointer: string): Pick<Base, 'file' | 'line'> {
    return { file: this.#m.manifestFile, line: this.#m.lineOf(pointer) }
  }

  error(pointer: string, message: string, source: Finding['source'] = 'plan'): void {
    this.findings.push({ severity: 'error', ...this.at(pointer), message, source })
  }

  warning(pointer: string, message: string): void {
    this.findings.push({ severity: 'warning', ...this.at(pointer), message, source: 'plan' })
  }

  // ---- the course ----

  course(): void {
    const spec = this.#m.course
    const remote = this.#in.remote
    if (!remote) {
      const create: NewCourseSpec = { name: spec.name }
      for (const key of [
        'code',
        'slug',
        'description',
        'visibility',
        'instructorName',
        'startDate',
        'endDate'
      ] as const) {
        if (spec[key] !== undefined) (create as unknown as Record<string, unknown>)[key] = spec[key]
      }
      this.meta.push({
        type: 'course.create',
        spec: create,
        text: `create the course ${q(spec.name)}`,
        ...this.at('/course')
      })
      if (spec.cover)
        this.meta.push({
          type: 'course.cover',
          cover: spec.cover,
          text: `upload the cover ${spec.cover.name}`,
          ...this.at('/course/cover')
        })
      return
    }
    const meta = remote.meta
    if (spec.slug !== undefined && meta.slug !== null && spec.slug !== meta.slug) {
      this.error(
        '/course/slug',
        `the course's slug is ${meta.slug} on ML Arena and cannot be changed (update_course takes no slug): write slug: ${meta.slug}.`
      )
    }
    const fields: CourseUpdate = {}
    const changed: string[] = []
    const compare = <K extends keyof CourseUpdate>(
      key: K,
      wire: string,
      now: CourseUpdate[K] | null
    ): void => {
      const want = spec[key]
      if (want === undefined || want === now) return
      fields[key] = want
      changed.push(wire)
    }
    compare('name', 'name', meta.name)
    compare('code', 'code', meta.code)
    compare('description', 'description', meta.description)
    compare('instructorName', 'instructor_name', meta.instructorName)
    compare('startDate', 'start_date', meta.startDate)
    compare('endDate', 'end_date', meta.endDate)
    if (changed.length > 0) {
      this.meta.push({
        type: 'course.update',
        fields,
        text: `update the course: ${changed.join(', ')}`,
        ...this.at('/course')
      })
    }
    if (spec.visibility !== undefined && spec.visibility !== meta.visibility) {
      const op: Op = {
        type: 'course.update',
        fields: { visibility: spec.visibility },
        text: `make the course ${spec.visibility} (was ${meta.visibility ?? 'unknown'})`,
        ...this.at('/course/visibility')
      }
      // Narrower first (hide), wider last (after the content is in place).
      if (
        spec.visibility === 'private' ||
        (spec.visibility === 'unlisted' && meta.visibility === 'public')
      )
        this.hide.push(op)
      else this.last.push(op)
    }
    if (spec.cover && !meta.hasCover) {
      this.meta.push({
        type: 'course.cover',
        cover: spec.cover,
        text: `upload the cover ${spec.cover.name}`,
        ...this.at('/course/cover')
      })
    }
  }

  // ---- modules ----

  /** Matches each manifest module to ML Arena's, plans its content; returns the matches. */
  modules(): (RemoteModule | null)[] {
    const pool = [...this.#in.modules]
    const take = (pick: (m: RemoteModule) => boolean): RemoteModule | null => {
      const i = pool.findIndex(pick)
      return i < 0 ? null : (pool.splice(i, 1)[0] ?? null)
    }
    const matches = this.#m.modules.map(spec =>
      spec.moduleId !== null
        ? take(m => m.detail.id === spec.moduleId)
        : take(m => m.detail.slug === spec.matchSlug)
    )
    // A second pass by title, for modules whose slug ML Arena derived differently.
    this.#m.modules.forEach((spec, i) => {
      if (matches[i] === null && spec.moduleId === null) {
        matches[i] = take(m => m.owned && m.detail.title === spec.title)
      }
    })
    this.#m.modules.forEach((spec, i) => this.module(spec, matches[i] ?? null))
    for (const rest of pool) {
      if (!rest.linked) continue
      const what = `module ${q(rest.detail.title)} (${rest.detail.id})`
      if (this.#in.prune) {
        this.prune.push({
          type: 'module.unlink',
          moduleId: rest.detail.id,
          text: `unlink ${what} from the course (it stays in your library)`,
          file: this.#m.manifestFile,
          line: this.#m.lineOf('/modules')
        })
      } else {
        this.kept.push(
          `${what} is linked to the course but not in course.yaml: kept (prune: true unlinks it)`
        )
      }
    }
    return matches
  }

  module(spec: ModuleSpec, remote: RemoteModule | null): void {
    const ref: Ref = remote ? { id: remote.detail.id } : { key: `module:${spec.index}` }
    const name = q(spec.title || `module ${spec.moduleId}`)
    if (spec.moduleId !== null && !remote) {
      this.error(
        `${spec.pointer}/module_id`,
        `module ${spec.moduleId} is neither linked to this course nor one of your modules; give the id of a module you own or a public one, or remove module_id to create it.`
      )
      return
    }
    if (spec.linkOnly) return
    if (remote && !remote.owned) {
      this.error(
        `${spec.pointer}/module_id`,
        `module ${remote.detail.id} (${q(remote.detail.title)}) is not yours: you may link it, not edit it; remove its lessons: and challenges: to link it as it is.`
      )
      return
    }
    if (
      remote &&
      spec.slug !== null &&
      remote.detail.slug !== null &&
      spec.slug !== remote.detail.slug
    ) {
      this.error(
        `${spec.pointer}/slug`,
        `module ${remote.detail.id}'s slug is ${remote.detail.slug} and cannot be changed (update_module keeps slugs): write slug: ${remote.detail.slug}.`
      )
    }
    if (!remote) {
      const create: NewModuleSpec = {
        title: spec.title,
        visibility: spec.visibility,
        isPublished: false
      }
      if (spec.slug !== null) create.slug = spec.slug
      if (spec.summary !== undefined) create.summary = spec.summary
      if (spec.icon !== undefined) create.icon = spec.icon
      this.content.push({
        type: 'module.create',
        key: (ref as { key: string }).key,
        spec: create,
        text: `create module ${name} (as a draft)`,
        ...this.at(spec.pointer)
      })
      if (spec.isPublished)
        this.publishModules.push({
          type: 'module.publish',
          module: ref,
          isPublished: true,
          text: `publish module ${name}`,
          ...this.at(spec.pointer)
        })
    } else {
      const d = remote.detail
      const fields: ModuleUpdate = {}
      const changed: string[] = []
      if (spec.title !== d.title) {
        fields.title = spec.title
        changed.push('title')
      }
      if (spec.summary !== undefined && spec.summary !== d.summary) {
        fields.summary = spec.summary
        changed.push('summary')
      }
      if (spec.icon !== undefined && spec.icon !== d.icon) {
        fields.icon = spec.icon
        changed.push('icon')
      }
      if (spec.visibility !== d.visibility) {
        fields.visibility = spec.visibility
        changed.push('visibility')
      }
      if (changed.length > 0)
        this.content.push({
          type: 'module.update',
          moduleId: d.id,
          fields,
          text: `update module ${name}: ${changed.join(', ')}`,
          ...this.at(spec.pointer)
        })
      if (spec.isPublished !== d.isPublished) {
        const op: Op = {
          type: 'module.publish',
          module: ref,
          isPublished: spec.isPublished,
          text: `${spec.isPublished ? 'publish' : 'unpublish (back to draft)'} module ${name}`,
          ...this.at(`${spec.pointer}/is_published`)
        }
        if (spec.isPublished) this.publishModules.push(op)
        else this.hide.push(op)
      }
    }
    this.lessons(spec, remote, ref, name)
    this.links(spec, remote, ref, name)
  }

  lessons(spec: ModuleSpec, remote: RemoteModule | null, moduleRef: Ref, moduleName: string): void {
    const pool = [...(remote?.lessons ?? [])]
    const take = (pick: (l: LessonDetail) => boolean): LessonDetail | null => {
      const i = pool.findIndex(pick)
      return i < 0 ? null : (pool.splice(i, 1)[0] ?? null)
    }
    const matches = spec.lessons.map(l => take(r => r.slug === l.matchSlug))
    spec.lessons.forEach((l, i) => {
      if (matches[i] === null) matches[i] = take(r => r.title === l.title)
    })
    const refs: Ref[] = spec.lessons.map((lesson, i) =>
      this.lesson(spec, i, lesson, matches[i] ?? null, moduleRef, moduleName)
    )
    const removed = new Set<number>()
    for (const rest of pool) {
      const what = `lesson ${q(rest.title)} (${rest.id}) of module ${moduleName}`
      if (this.#in.prune) {
        removed.add(rest.id)
        this.prune.push({
          type: 'lesson.delete',
          lessonId: rest.id,
          text: `delete ${what}`,
          ...this.at(`${spec.pointer}/lessons`)
        })
      } else {
        this.kept.push(`${what} is not in course.yaml: kept (prune: true deletes it)`)
      }
    }
    const remaining = (remote?.lessons ?? []).filter(l => !removed.has(l.id))
    const unlisted = remaining
      .filter(l => !matches.some(m => m?.id === l.id))
      .map(l => ({ id: l.id }))
    const desired = [...refs, ...unlisted]
    const natural: Ref[] = [...remaining.map(l => ({ id: l.id })), ...refs.filter(r => 'key' in r)]
    if (!sameRefs(desired, natural)) {
      this.order.push({
        type: 'lessons.reorder',
        module: moduleRef,
        order: desired,
        text: `put the lessons of module ${moduleName} in the manifest's order`,
        ...this.at(`${spec.pointer}/lessons`)
      })
    }
  }

  lesson(
    spec: ModuleSpec,
    i: number,
    lesson: LessonSpec,
    remote: LessonDetail | null,
    moduleRef: Ref,
    moduleName: string
  ): Ref {
    const pointer = lesson.pointer
    const name = `lesson ${q(lesson.title)}`
    const bodyAt = lesson.source
      ? { file: lesson.source.file, line: 1 }
      : this.at(`${pointer}/body_md`)
    if (!remote) {
      const key = `lesson:${spec.index}:${i}`
      const create: NewLessonSpec = {
        title: lesson.title,
        kind: lesson.kind,
        bodyMd: lesson.bodyMd,
        gated: lesson.gated
      }
      if (lesson.slug !== null) create.slug = lesson.slug
      const op: Op = {
        type: 'lesson.create',
        key,
        module: moduleRef,
        spec: create,
        text: `create ${name} in module ${moduleName} (as a draft)`,
        ...this.at(pointer)
      }
      if (lesson.estimatedMinutes !== undefined) op.estimatedMinutes = lesson.estimatedMinutes
      this.content.push(op)
      if (lesson.isPublished)
        this.publishLessons.push({
          type: 'lesson.publish',
          lesson: { key },
          isPublished: true,
          text: `publish ${name}`,
          ...this.at(pointer)
        })
      return { key }
    }
    this.existingLessons.push({ lesson, lessonId: remote.id })
    if (remote.kind !== null && remote.kind !== lesson.kind) {
      this.error(
        `${pointer}/kind`,
        `${name} is a${remote.kind === 'exercise' ? 'n exercise' : ' lesson'} on ML Arena; a lesson's kind cannot be changed (update_lesson takes no kind): write kind: ${remote.kind}, or give it a new slug to create another.`
      )
    }
    const fields: LessonUpdate = {}
    const changed: string[] = []
    if (lesson.title !== remote.title) {
      fields.title = lesson.title
      changed.push('title')
    }
    if (lesson.bodyMd !== remote.bodyMd) {
      fields.bodyMd = lesson.bodyMd
      changed.push(`body (${lineDelta(remote.bodyMd, lesson.bodyMd)})`)
    }
    if (lesson.gated !== remote.gated) {
      fields.gated = lesson.gated
      changed.push('gated')
    }
    if (
      lesson.estimatedMinutes !== undefined &&
      lesson.estimatedMinutes !== remote.estimatedMinutes
    ) {
      fields.estimatedMinutes = lesson.estimatedMinutes
      changed.push('estimated_minutes')
    }
    if (changed.length > 0) {
      const where = changed.length === 1 && fields.bodyMd !== undefined ? bodyAt : this.at(pointer)
      this.content.push({
        type: 'lesson.update',
        lessonId: remote.id,
        fields,
        text: `update ${name}: ${changed.join(', ')}`,
        ...where
      })
    }
    if (lesson.isPublished !== remote.isPublished) {
      const op: Op = {
        type: 'lesson.publish',
        lesson: { id: remote.id },
        isPublished: lesson.isPublished,
        text: `${lesson.isPublished ? 'publish' : 'unpublish (back to draft)'} ${name}`,
        ...this.at(`${pointer}/is_published`)
      }
      if (lesson.isPublished) this.publishLessons.push(op)
      else this.hide.push(op)
    }
    return { id: remote.id }
  }

  links(spec: ModuleSpec, remote: RemoteModule | null, moduleRef: Ref, moduleName: string): void {
    const current = remote?.detail.challenges ?? []
    for (const link of spec.challenges) {
      const attachable = this.#in.attachable.find(c => c.id === link.challengeId)
      const existing = current.find(c => c.challengeId === link.challengeId)
      const name = `challenge ${link.challengeId}${attachable?.name ? ` (${q(attachable.name)})` : ''}`
      if (!existing && !attachable) {
        this.error(
          link.pointer,
          `challenge ${link.challengeId} is not one you may attach (challenges_for_course lists public challenges and your own, with an evaluation); check the id.`,
          'server'
        )
        continue
      }
      const order = (existing?.metric ?? attachable?.metric)?.order ?? null
      if (link.passThreshold !== null) this.threshold(link.pointer, link.passThreshold, order)
      const bar =
        link.passThreshold === null
          ? 'no pass threshold'
          : `pass at ${order === 'asc' ? '≤' : '≥'} ${link.passThreshold}`
      if (!existing) {
        const op: Op = {
          type: 'challenge.attach',
          module: moduleRef,
          challengeId: link.challengeId,
          text: `attach ${name} to module ${moduleName}, ${bar}`,
          ...this.at(link.pointer)
        }
        if (link.label !== undefined) op.label = link.label
        if (link.passThreshold !== null) op.passThreshold = link.passThreshold
        this.content.push(op)
        continue
      }
      const fields: LinkUpdate = {}
      const changed: string[] = []
      if (link.label !== undefined && link.label !== existing.label) {
        fields.label = link.label
        changed.push('label')
      }
      if (link.passThreshold !== existing.passThreshold) {
        fields.passThreshold = link.passThreshold
        changed.push(
          `pass threshold ${existing.passThreshold ?? 'none'} → ${link.passThreshold ?? 'none'}`
        )
      }
      if (changed.length > 0 && remote) {
        this.content.push({
          type: 'challenge.update',
          moduleId: remote.detail.id,
          challengeId: link.challengeId,
          fields,
          text: `update ${name} in module ${moduleName}: ${changed.join(', ')}`,
          ...this.at(link.pointer)
        })
      }
    }
    const listed = new Set(spec.challenges.map(c => c.challengeId))
    const removed = new Set<number>()
    for (const rest of current.filter(c => !listed.has(c.challengeId))) {
      const what = `challenge ${rest.challengeId} of module ${moduleName}`
      if (this.#in.prune && remote) {
        removed.add(rest.challengeId)
        this.prune.push({
          type: 'challenge.detach',
          moduleId: remote.detail.id,
          challengeId: rest.challengeId,
          text: `detach ${what}`,
          ...this.at(spec.pointer)
        })
      } else {
        this.kept.push(`${what} is not in course.yaml: kept (prune: true detaches it)`)
      }
    }
    const remaining = current.map(c => c.challengeId).filter(id => !removed.has(id))
    const known = spec.challenges
      .map(c => c.challengeId)
      .filter(id => remaining.includes(id) || this.#in.attachable.some(a => a.id === id))
    const desired = [...known, ...remaining.filter(id => !listed.has(id))]
    const natural = [...remaining, ...known.filter(id => !remaining.includes(id))]
    if (desired.join() !== natural.join()) {
      this.order.push({
        type: 'challenges.reorder',
        module: moduleRef,
        order: desired,
        text: `put the challenges of module ${moduleName} in the manifest's order`,
        ...this.at(spec.pointer)
      })
    }
  }

  /** The bar is compared in the challenge's ranking direction (attach_challenge). */
  threshold(pointer: string, value: number, order: 'asc' | 'desc' | null): void {
    const at = `${pointer}/pass_threshold`
    if (order === null) {
      this.warning(
        at,
        `ML Arena gives no ranking direction for this challenge, so the plan cannot tell whether ${value} is a bar to reach from above or below; check it on the challenge's board.`
      )
    } else if (order === 'desc' && value <= 0) {
      this.warning(
        at,
        `pass_threshold ${value} on a higher-is-better challenge validates every entrant with a score of ${value} or more (the SDK: omit it for no pass/fail, do not pass 0).`
      )
    } else if (order === 'asc' && value < 0) {
      this.warning(
        at,
        `pass_threshold ${value} on a lower-is-better challenge asks for a score of ${value} or less; is a negative bar meant?`
      )
    }
  }

  moduleOrder(matches: (RemoteModule | null)[]): void {
    const remote = this.#in.remote
    const refs: Ref[] = this.#m.modules.map((spec, i) => {
      const m = matches[i]
      return m ? { id: m.detail.id } : { key: `module:${spec.index}` }
    })
    this.#m.modules.forEach((spec, i) => {
      const m = matches[i]
      if (m?.linked) return
      if (spec.moduleId !== null && !m) return
      const ref = refs[i] as Ref
      this.order.push({
        type: 'module.link',
        module: ref,
        text: `link module ${q(spec.title || `module ${spec.moduleId}`)} into the course`,
        ...this.at(spec.pointer)
      })
    })
    const linkedNow = (remote?.modules ?? []).filter(m => m.linked)
    const pruned = new Set(
      this.prune.flatMap(op => (op.type === 'module.unlink' ? [op.moduleId] : []))
    )
    const staying = linkedNow.filter(m => !pruned.has(m.detail.id)).map(m => ({ id: m.detail.id }))
    const unlisted = staying.filter(s => !refs.some(r => 'id' in r && r.id === s.id))
    const desired = [...refs, ...unlisted]
    const natural = [
      ...staying,
      ...refs.filter(r => !staying.some(s => 'id' in r && s.id === r.id))
    ]
    if (!sameRefs(desired, natural) && desired.length > 1) {
      this.order.push({
        type: 'modules.reorder',
        order: desired,
        text: "put the course's modules in the manifest's order",
        file: this.#m.manifestFile,
        line: this.#m.lineOf('/modules')
      })
    }
  }
}

function sameRefs(a: readonly Ref[], b: readonly Ref[]): boolean {
  return a.length === b.length && a.every((r, i) => refKey(r) === refKey(b[i] as Ref))
}

export function refKey(ref: Ref): string {
  return 'id' in ref ? `#${ref.id}` : ref.key
}

/** `+3 −1 lines`: the lines added and removed between two bodies (a multiset count). */
export function lineDelta(before: string, after: string): string {
  const count = new Map<string, number>()
  for (const line of before.split('\n')) count.set(line, (count.get(line) ?? 0) + 1)
  let added = 0
  for (const line of after.split('\n')) {
    const n = count.get(line) ?? 0
    if (n > 0) count.set(line, n - 1)
    else added++
  }
  let removed = 0
  for (const n of count.values()) removed += n
  return `+${added} −${removed} lines`
}
