/**
 * Reads the course folder: finds course.yaml (or course.yml / course.json, as the SDK does),
 * parses it keeping lines, and checks everything that needs no server: required keys, types,
 * dates, slugs, one spelling per entry (`challenges:`/`challenge_id:` or the older
 * `competitions:`/`competition_id:`, both read, both at once an error, as in the SDK), every
 * lesson file present inside the folder, the cover file. Each problem is a finding on its line.
 * The manifest comes back only when there is no error.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { LessonKind, Visibility } from '../../arena/course-authoring-model.js'
import { isRecord, type Json } from '../../arena/guards.js'
import type { Finding } from './findings.js'
import {
  SLUG,
  slugFromTitle,
  type CourseManifest,
  type CourseSpec,
  type LessonSpec,
  type LinkSpec,
  type LocalFile,
  type ModuleSpec
} from './spec.js'
import { lineOf, parseYaml, YamlSyntaxError, type ParsedYaml } from './yaml.js'

export const MANIFEST_NAMES = ['course.yaml', 'course.yml', 'course.json'] as const

const COURSE_KEYS = new Set([
  'name',
  'code',
  'slug',
  'description',
  'visibility',
  'instructor_name',
  'start_date',
  'end_date',
  'cover',
  'course_id',
  'teacher_user_id'
])
const MODULE_KEYS = new Set([
  'title',
  'slug',
  'summary',
  'icon',
  'visibility',
  'is_published',
  'module_id',
  'challenges',
  'competitions',
  'lessons'
])
const LINK_KEYS = new Set(['challenge_id', 'competition_id', 'label', 'pass_threshold', 'position'])
const LESSON_KEYS = new Set([
  'title',
  'slug',
  'kind',
  'file',
  'body_md',
  'gated',
  'is_published',
  'estimated_minutes',
  'parent_lesson_id'
])
const VISIBILITIES: readonly Visibility[] = ['private', 'unlisted', 'public']
const KINDS: readonly LessonKind[] = ['lesson', 'exercise']
const DATE = /^\d{4}-\d{2}-\d{2}$/
const MAX_TITLE = 200
/** A lesson body bigger than this is refused here (a markdown lesson, not a dataset). */
export const MAX_BODY_BYTES = 1024 * 1024

export interface ManifestReading {
  manifest: CourseManifest | null
  findings: Finding[]
  /** course.yaml relative to the workspace; null when the folder has none. */
  manifestFile: string | null
}

/** Finds and checks the manifest of `directory`; `workspace` makes the findings' paths. */
export async function readManifest(directory: string, workspace: string): Promise<ManifestReading> {
  const rel = (p: string): string => path.relative(workspace, p).split(path.sep).join('/')
  let found: string | null = null
  for (const name of MANIFEST_NAMES) {
    if (await isFile(path.join(directory, name))) {
      found = path.join(directory, name)
      break
    }
  }
  if (found === null) {
    return {
      manifest: null,
      manifestFile: null,
      findings: [
        {
          severity: 'error',
          file: null,
          line: null,
          message: `No course manifest in ${rel(directory) || '.'}: add a course.yaml (course: name, dates; modules: with lessons and challenges), or run mode: export to write one from an existing course.`,
          source: 'manifest'
        }
      ]
    }
  }
  const manifestFile = rel(found)
  let parsed: ParsedYaml
  try {
    parsed = parseYaml(await readFile(found, 'utf8'))
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      return {
        manifest: null,
        manifestFile,
        findings: [
          {
            severity: 'error',
            file: manifestFile,
            line: error.line,
            message: `${manifestFile} is not valid YAML: ${error.message}`,
            source: 'yaml'
          }
        ]
      }
    }
    throw error
  }
  const check = new Checker(parsed, manifestFile, directory, rel)
  const manifest = await check.manifest()
  const errors = check.findings.some(f => f.severity === 'error')
  return { manifest: errors ? null : manifest, manifestFile, findings: check.findings }
}

class Checker {
  readonly findings: Finding[] = []
  readonly #parsed: ParsedYaml
  readonly #file: string
  readonly #directory: string
  readonly #rel: (p: string) => string

  constructor(parsed: ParsedYaml, file: string, directory: string, rel: (p: string) => string) {
    this.#parsed = parsed
    this.#file = file
    this.#directory = directory
    this.#rel = rel
  }

  async manifest(): Promise<CourseManifest | null> {
    const root = this.#parsed.values
    if (!isRecord(root)) {
      this.error('', 'course.yaml must be a mapping with a course: block and a modules: list.')
      return null
    }
    for (const key of Object.keys(root)) {
      if (key !== 'course' && key !== 'modules') this.unknown(`/${key}`, key, 'the top level')
    }
    const course = await this.course(root.course)
    const modules: ModuleSpec[] = []
    if (root.modules !== undefined && root.modules !== null && !Array.isArray(root.modules)) {
      this.error('/modules', 'modules must be a list of modules (- title: …).')
    } else {
      const list = Array.isArray(root.modules) ? root.modules : []
      for (const [i, item] of list.entries()) {
        const spec = await this.module(item, `/modules/${i}`, i)
        if (spec) modules.push(spec)
      }
    }
    this.duplicates(
      modules.filter(m => !m.linkOnly),
      m => m.matchSlug,
      m => `${m.pointer}/slug`,
      slug =>
        `two modules have the slug ${slug}: a slug is unique among your modules; give each module its own.`
    )
    this.duplicates(
      modules.filter(m => m.moduleId !== null),
      m => String(m.moduleId),
      m => `${m.pointer}/module_id`,
      id => `module ${id} is listed twice; a course links a module once.`
    )
    if (!course) return null
    const parsed = this.#parsed
    return {
      directory: this.#directory,
      manifestFile: this.#file,
      course,
      modules,
      lineOf: pointer => lineOf(parsed, pointer)
    }
  }

  async course(value: unknown): Promise<CourseSpec | null> {
    if (!isRecord(value)) {
      this.error(
        '/course',
        'course: is required: a mapping with at least name (and start_date, end_date to create the course).'
      )
      return null
    }
    for (const key of Object.keys(value)) {
      if (!COURSE_KEYS.has(key)) this.unknown(`/course/${key}`, key, 'course:')
    }
    if (value.teacher_user_id !== undefined) {
      this.warning(
        '/course/teacher_user_id',
        "teacher_user_id is for admins creating a course for someone else; the action creates courses as the token's teacher and ignores it."
      )
    }
    const name = this.text(value, 'name', '/course', { required: true, max: MAX_TITLE })
    const spec: CourseSpec = {
      courseId: this.id(value, 'course_id', '/course'),
      name: name ?? '',
      cover: null
    }
    const code = this.text(value, 'code', '/course', { max: 50 })
    if (code !== null) spec.code = code
    const slug = this.slug(value, '/course')
    if (slug !== null) spec.slug = slug
    const description = this.text(value, 'description', '/course', { multiline: true })
    if (description !== null) spec.description = description
    const visibility = this.choice(value, 'visibility', '/course', VISIBILITIES)
    if (visibility !== null) spec.visibility = visibility
    const instructor = this.text(value, 'instructor_name', '/course', { max: MAX_TITLE })
    if (instructor !== null) spec.instructorName = instructor
    const start = this.date(value, 'start_date')
    const end = this.date(value, 'end_date')
    if (start !== null) spec.startDate = start
    if (end !== null) spec.endDate = end
    if (start !== null && end !== null && end < start) {
      this.error(
        '/course/end_date',
        `end_date ${end} is before start_date ${start}; give a later end date.`
      )
    }
    if (value.cover !== undefined && value.cover !== null) {
      spec.cover = await this.localFile(value.cover, '/course/cover', 'cover')
    }
    return name === null ? null : spec
  }

  async module(value: unknown, at: string, index: number): Promise<ModuleSpec | null> {
    if (!isRecord(value)) {
      this.error(at, 'each module is a mapping (- title: …, lessons: …, challenges: …).')
      return null
    }
    for (const key of Object.keys(value)) {
      if (!MODULE_KEYS.has(key)) this.unknown(`${at}/${key}`, key, 'a module')
    }
    const moduleId = this.id(value, 'module_id', at)
    const hasContent =
      value.lessons !== undefined ||
      value.challenges !== undefined ||
      value.competitions !== undefined
    const linkOnly = moduleId !== null && !hasContent
    const title = this.text(value, 'title', at, { required: !linkOnly, max: MAX_TITLE })
    const slug = this.slug(value, at)
    const spec: ModuleSpec = {
      index,
      pointer: at,
      moduleId,
      linkOnly,
      title: title ?? '',
      slug,
      matchSlug: slug ?? slugFromTitle(title ?? ''),
      visibility: this.choice(value, 'visibility', at, VISIBILITIES) ?? 'private',
      isPublished: this.bool(value, 'is_published', at) ?? true,
      challenges: [],
      lessons: []
    }
    if (!linkOnly && title !== null && spec.matchSlug === '') {
      this.error(
        `${at}/title`,
        `the title ${JSON.stringify(title)} gives no slug (no letter or digit): add slug: with a-z, 0-9 and -.`
      )
    }
    const summary = this.text(value, 'summary', at, { multiline: true })
    if (summary !== null) spec.summary = summary
    const icon = this.text(value, 'icon', at, { max: 50 })
    if (icon !== null) spec.icon = icon
    spec.challenges = this.links(value, at)
    if (value.lessons !== undefined && value.lessons !== null) {
      if (!Array.isArray(value.lessons)) {
        this.error(`${at}/lessons`, 'lessons must be a list (- title: …, file: …).')
      } else {
        for (const [i, item] of value.lessons.entries()) {
          const lesson = await this.lesson(item, `${at}/lessons/${i}`)
          if (lesson) spec.lessons.push(lesson)
        }
      }
    }
    this.duplicates(
      spec.lessons,
      l => l.matchSlug,
      l => `${l.pointer}/slug`,
      s => `two lessons of this module have the slug ${s}; give each its own slug.`
    )
    return spec
  }

  links(module: Json, at: string): LinkSpec[] {
    const both = module.challenges !== undefined && module.competitions !== undefined
    if (both) {
      this.error(
        `${at}/competitions`,
        'this module has both challenges: and competitions: (the older spelling); keep only challenges:.'
      )
      return []
    }
    const key = module.competitions !== undefined ? 'competitions' : 'challenges'
    const list = module[key]
    if (list === undefined || list === null) return []
    if (!Array.isArray(list)) {
      this.error(`${at}/${key}`, `${key} must be a list (- challenge_id: 42, pass_threshold: …).`)
      return []
    }
    const out: LinkSpec[] = []
    for (const [i, item] of list.entries()) {
      const here = `${at}/${key}/${i}`
      if (!isRecord(item)) {
        this.error(here, 'each challenge entry is a mapping (- challenge_id: 42).')
        continue
      }
      for (const k of Object.keys(item)) {
        if (!LINK_KEYS.has(k)) this.unknown(`${here}/${k}`, k, 'a challenge entry')
      }
      if (item.challenge_id !== undefined && item.competition_id !== undefined) {
        this.error(
          `${here}/competition_id`,
          'this entry has both challenge_id: and competition_id: (the older spelling); keep only challenge_id:.'
        )
        continue
      }
      const idKey = item.competition_id !== undefined ? 'competition_id' : 'challenge_id'
      const id = this.id(item, idKey, here)
      if (id === null) {
        if (item[idKey] === undefined)
          this.error(
            here,
            'challenge_id is required: the id of the challenge to attach, e.g. challenge_id: 42.'
          )
        continue
      }
      if (item.position !== undefined) {
        this.warning(
          `${here}/position`,
          'position is ignored: the order of the list is the order on ML Arena.'
        )
      }
      const link: LinkSpec = { pointer: here, challengeId: id, passThreshold: null }
      const label = this.text(item, 'label', here, { max: MAX_TITLE })
      if (label !== null) link.label = label
      const threshold = item.pass_threshold
      if (threshold !== undefined && threshold !== null) {
        if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
          this.error(
            `${here}/pass_threshold`,
            `pass_threshold must be a number (the score that validates the challenge), not ${JSON.stringify(threshold)}.`
          )
        } else {
          link.passThreshold = threshold
        }
      }
      out.push(link)
    }
    this.duplicates(
      out,
      l => String(l.challengeId),
      l => l.pointer,
      id => `challenge ${id} is attached twice to this module; list it once.`
    )
    return out
  }

  async lesson(value: unknown, at: string): Promise<LessonSpec | null> {
    if (!isRecord(value)) {
      this.error(at, 'each lesson is a mapping (- title: …, file: …).')
      return null
    }
    for (const key of Object.keys(value)) {
      if (!LESSON_KEYS.has(key)) this.unknown(`${at}/${key}`, key, 'a lesson')
    }
    if (value.parent_lesson_id !== undefined) {
      this.error(
        `${at}/parent_lesson_id`,
        'parent_lesson_id nests a lesson under another by its id, which a manifest cannot know before the first apply; list the lesson flat.'
      )
    }
    const title = this.text(value, 'title', at, { required: true, max: MAX_TITLE })
    const slug = this.slug(value, at)
    const spec: LessonSpec = {
      pointer: at,
      title: title ?? '',
      slug,
      matchSlug: slug ?? slugFromTitle(title ?? ''),
      kind: this.choice(value, 'kind', at, KINDS) ?? 'lesson',
      source: null,
      bodyMd: '',
      gated: this.bool(value, 'gated', at) ?? false,
      isPublished: this.bool(value, 'is_published', at) ?? false,
      directiveLines: []
    }
    if (title !== null && spec.matchSlug === '') {
      this.error(
        `${at}/title`,
        `the title ${JSON.stringify(title)} gives no slug (no letter or digit): add slug: with a-z, 0-9 and -.`
      )
    }
    const minutes = value.estimated_minutes
    if (minutes !== undefined && minutes !== null) {
      if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1) {
        this.error(
          `${at}/estimated_minutes`,
          `estimated_minutes must be a whole number of minutes (1 or more), not ${JSON.stringify(minutes)}.`
        )
      } else {
        spec.estimatedMinutes = minutes
      }
    }
    if (value.file !== undefined && value.body_md !== undefined) {
      this.error(
        `${at}/body_md`,
        'this lesson has both file: and body_md:; give one (file: for a markdown file, body_md: for a short inline body).'
      )
      return spec
    }
    if (value.file !== undefined && value.file !== null) {
      const source = await this.localFile(value.file, `${at}/file`, 'file')
      if (source) {
        spec.source = source
        const bytes = await readFile(source.path)
        if (bytes.length > MAX_BODY_BYTES) {
          this.error(
            `${at}/file`,
            `${source.file} is ${bytes.length} bytes; a lesson body is markdown of at most ${MAX_BODY_BYTES} bytes (put big files in lesson media).`
          )
        } else {
          spec.bodyMd = bytes.toString('utf8')
          spec.directiveLines = directiveLines(spec.bodyMd, 1)
        }
      }
    } else if (typeof value.body_md === 'string') {
      spec.bodyMd = value.body_md
      spec.directiveLines = directiveLines(spec.bodyMd, this.line(`${at}/body_md`)).map(() =>
        this.line(`${at}/body_md`)
      )
    } else if (value.body_md !== undefined && value.body_md !== null) {
      this.error(`${at}/body_md`, 'body_md must be text (markdown).')
    } else {
      this.warning(
        at,
        'this lesson has neither file: nor body_md:; it is created with an empty body.'
      )
    }
    return spec
  }

  // ---- field helpers ----

  async localFile(value: unknown, at: string, key: string): Promise<LocalFile | null> {
    if (typeof value !== 'string' || value.trim() === '') {
      this.error(
        at,
        `${key} must be a path relative to the course folder, e.g. foundations/what-is-rl.md.`
      )
      return null
    }
    const full = path.resolve(this.#directory, value)
    const inside = path.relative(this.#directory, full)
    if (path.isAbsolute(value) || inside.startsWith('..') || inside === '') {
      this.error(
        at,
        `${key} ${JSON.stringify(value)} is outside the course folder; give a path inside it, relative to course.yaml.`
      )
      return null
    }
    if (!(await isFile(full))) {
      this.error(
        at,
        `${key} ${JSON.stringify(value)} does not exist (looked for ${this.#rel(full)}); add the file or fix the path.`
      )
      return null
    }
    // A symbolic link may point out of the folder: what is read must be inside it, for real.
    const [realFile, realDir] = await Promise.all([realpath(full), realpath(this.#directory)])
    const real = path.relative(realDir, realFile)
    if (real.startsWith('..') || path.isAbsolute(real)) {
      this.error(
        at,
        `${key} ${JSON.stringify(value)} is a link to a file outside the course folder; put the file itself in the folder.`
      )
      return null
    }
    return { path: full, file: this.#rel(full), name: path.basename(full) }
  }

  text(
    o: Json,
    key: string,
    at: string,
    rule: { required?: boolean; max?: number; multiline?: boolean }
  ): string | null {
    const value = o[key]
    const here = `${at}/${key}`
    if (value === undefined || value === null) {
      if (rule.required) this.error(at, `${key} is required.`)
      return null
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.error(here, `${key} must be text.`)
      return null
    }
    const text = String(value)
    if (rule.required && text.trim() === '') {
      this.error(here, `${key} is empty; give a value.`)
      return null
    }
    if (!rule.multiline && /[\r\n]/.test(text.trim())) {
      this.error(here, `${key} must be one line.`)
      return null
    }
    if (rule.max !== undefined && [...text].length > rule.max) {
      this.error(here, `${key} is longer than ${rule.max} characters.`)
      return null
    }
    return text
  }

  slug(o: Json, at: string): string | null {
    const value = o.slug
    if (value === undefined || value === null) return null
    if (typeof value !== 'string' || !SLUG.test(value)) {
      this.error(
        `${at}/slug`,
        `slug ${JSON.stringify(value)} is not a slug: use a-z, 0-9 and -, e.g. what-is-rl.`
      )
      return null
    }
    return value
  }

  id(o: Json, key: string, at: string): number | null {
    const value = o[key]
    if (value === undefined || value === null) return null
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      this.error(
        `${at}/${key}`,
        `${key} must be a positive whole number (an ML Arena id), not ${JSON.stringify(value)}.`
      )
      return null
    }
    return value
  }

  bool(o: Json, key: string, at: string): boolean | null {
    const value = o[key]
    if (value === undefined || value === null) return null
    if (typeof value !== 'boolean') {
      this.error(`${at}/${key}`, `${key} must be true or false, not ${JSON.stringify(value)}.`)
      return null
    }
    return value
  }

  choice<T extends string>(o: Json, key: string, at: string, allowed: readonly T[]): T | null {
    const value = o[key]
    if (value === undefined || value === null) return null
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.error(
        `${at}/${key}`,
        `${key} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}.`
      )
      return null
    }
    return value as T
  }

  date(o: Json, key: string): string | null {
    const value = o[key]
    if (value === undefined || value === null) return null
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value)
    const parsed = DATE.test(text) ? new Date(`${text}T00:00:00Z`) : null
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
      this.error(
        `/course/${key}`,
        `${key} ${JSON.stringify(value)} is not a date; use YYYY-MM-DD, e.g. 2026-09-01.`
      )
      return null
    }
    return text
  }

  duplicates<T>(
    items: readonly T[],
    keyOf: (item: T) => string,
    pointerOf: (item: T) => string,
    message: (key: string) => string
  ): void {
    const seen = new Set<string>()
    for (const item of items) {
      const key = keyOf(item)
      if (key === '') continue
      if (seen.has(key)) this.error(pointerOf(item), message(key))
      seen.add(key)
    }
  }

  unknown(at: string, key: string, where: string): void {
    this.warning(
      at,
      `${key} is not a key of ${where} in the SDK's course.yaml; it is ignored (a typo?).`
    )
  }

  line(pointer: string): number {
    return lineOf(this.#parsed, pointer)
  }

  error(pointer: string, message: string): void {
    this.findings.push({
      severity: 'error',
      file: this.#file,
      line: this.line(pointer),
      message,
      source: 'manifest'
    })
  }

  warning(pointer: string, message: string): void {
    this.findings.push({
      severity: 'warning',
      file: this.#file,
      line: this.line(pointer),
      message,
      source: 'manifest'
    })
  }
}

/** 1-based lines (from `first`) of the body that hold an `mlarena:` directive. */
export function directiveLines(body: string, first: number): number[] {
  const out: number[] = []
  body.split('\n').forEach((line, i) => {
    if (line.includes('mlarena:')) out.push(first + i)
  })
  return out
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile()
  } catch {
    return false
  }
}
