/**
 * The manifest, checked and typed: what course.yaml asks ML Arena to hold. `undefined` on an
 * optional text field means the manifest does not manage it (ML Arena's value stays); fields
 * with an SDK default (a module's visibility and is_published, a lesson's kind, gated and
 * is_published) always hold a value, the default when the manifest gives none.
 */
import type { LessonKind, Visibility } from '../../arena/course-authoring-model.js'

export interface CourseManifest {
  /** Absolute path of the folder that holds course.yaml. */
  directory: string
  /** course.yaml relative to the workspace (annotations name it). */
  manifestFile: string
  course: CourseSpec
  modules: ModuleSpec[]
  /** JSON Pointer → 1-based line of course.yaml. */
  lineOf(pointer: string): number
}

export interface CourseSpec {
  /** `course.course_id`: update this course; null: find it by name (create it once). */
  courseId: number | null
  name: string
  code?: string
  slug?: string
  description?: string
  visibility?: Visibility
  instructorName?: string
  startDate?: string
  endDate?: string
  cover: LocalFile | null
}

export interface LocalFile {
  /** Absolute. */
  path: string
  /** Relative to the workspace. */
  file: string
  /** The file's base name (the stored name of an upload). */
  name: string
}

export interface ModuleSpec {
  index: number
  /** `/modules/0` */
  pointer: string
  /** `module_id`: this existing module; null: ours, found by slug or title (created once). */
  moduleId: number | null
  /** A module given by id with neither lessons nor challenges: linked, never edited (the SDK's rule). */
  linkOnly: boolean
  title: string
  /** The slug given; null: ML Arena derives it from the title. */
  slug: string | null
  /** The slug it is found by: the one given, or ours derived from the title. */
  matchSlug: string
  summary?: string
  icon?: string
  visibility: Visibility
  isPublished: boolean
  challenges: LinkSpec[]
  lessons: LessonSpec[]
}

export interface LinkSpec {
  pointer: string
  challengeId: number
  label?: string
  /** null: no pass/fail. */
  passThreshold: number | null
}

export interface LessonSpec {
  pointer: string
  title: string
  slug: string | null
  matchSlug: string
  kind: LessonKind
  /** The lesson's markdown file (null: `body_md` inline). */
  source: LocalFile | null
  bodyMd: string
  gated: boolean
  isPublished: boolean
  estimatedMinutes?: number
  /** 1-based lines of the body that hold an `mlarena:` directive (in the file, or in course.yaml). */
  directiveLines: number[]
}

/** The slug ML Arena's rule allows: kebab, `^[a-z0-9-]+$`. */
export const SLUG = /^[a-z0-9-]+$/

/** Our reading of "auto-derived from the title": lower case, ASCII letters and digits, dashes. */
export function slugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}
