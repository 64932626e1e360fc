/**
 * The teacher's course authoring, in the domain model: what ML Arena holds of a course (its meta,
 * its modules in order, their lessons and challenge links) and what the authoring routes take.
 * Field names here are ours; course-authoring.ts maps the wire's (SDK 4.4.0 docstrings) into them.
 */
export type Visibility = 'private' | 'unlisted' | 'public'
export type LessonKind = 'lesson' | 'exercise'
/** The ranking spec's `order`: "desc" (higher is better) or "asc" (lower is better). */
export type RankingOrder = 'asc' | 'desc'

/** `metric`, the ranking MetricSpec a course link or challenge carries (README 4.0.0). */
export interface RankingMetric {
  order: RankingOrder | null
  label: string | null
}

/** A row of `GET /teacher/courses`, or the created course. */
export interface TaughtCourse {
  id: number
  name: string
  slug: string | null
  joinCode: string | null
}

/** `GET /academic_courses/{slug}`, the landing, as its manager reads it. */
export interface CourseMeta {
  id: number
  name: string
  code: string | null
  slug: string | null
  description: string | null
  visibility: Visibility | null
  instructorName: string | null
  startDate: string | null
  endDate: string | null
  hasCover: boolean
  joinCode: string | null
}

/** A row of `GET /teacher/course/{id}/modules`: a linked module, in course order. */
export interface LinkedModule {
  moduleId: number
  title: string | null
  slug: string | null
  /** The owned/borrowed flag; null when the row does not say. */
  owned: boolean | null
}

/** `GET /teacher/modules/{id}`: module detail + lesson TOC + challenge links. */
export interface ModuleDetail {
  id: number
  title: string
  slug: string | null
  summary: string | null
  icon: string | null
  visibility: Visibility | null
  isPublished: boolean
  lessons: LessonHead[]
  challenges: ChallengeLink[]
}

export interface LessonHead {
  id: number
  title: string
  slug: string | null
  kind: LessonKind | null
  gated: boolean
  isPublished: boolean
  estimatedMinutes: number | null
}

/** `GET /teacher/lessons/{id}`: the lesson with its body. */
export interface LessonDetail extends LessonHead {
  bodyMd: string
}

export interface ChallengeLink {
  challengeId: number
  label: string | null
  passThreshold: number | null
  metric: RankingMetric | null
}

/** A row of `GET /teacher/challenges-for-course`: a challenge this teacher may attach. */
export interface AttachableChallenge {
  id: number
  name: string | null
  metric: RankingMetric | null
}

/** `POST /teacher/lessons/{id}/preview`: the server's reading of the `mlarena:` directives. */
export interface LessonPreview {
  directives: number
  warnings: string[]
}

export interface NewCourseSpec {
  name: string
  code?: string
  slug?: string
  description?: string
  visibility?: Visibility
  instructorName?: string
  startDate?: string
  endDate?: string
}

/** `update_course` fields (only those given are sent). */
export type CourseUpdate = Partial<
  Pick<
    NewCourseSpec,
    'name' | 'code' | 'description' | 'visibility' | 'instructorName' | 'startDate' | 'endDate'
  >
>

export interface NewModuleSpec {
  title: string
  slug?: string
  summary?: string
  icon?: string
  visibility: Visibility
  isPublished: boolean
}

export type ModuleUpdate = Partial<
  Pick<NewModuleSpec, 'title' | 'summary' | 'icon' | 'visibility' | 'isPublished'>
>

export interface NewLessonSpec {
  title: string
  kind: LessonKind
  slug?: string
  bodyMd: string
  gated: boolean
}

export interface LessonUpdate {
  title?: string
  bodyMd?: string
  isPublished?: boolean
  gated?: boolean
  estimatedMinutes?: number
}

export interface LinkUpdate {
  label?: string | null
  /** null clears the bar (update_challenge_link: an explicit None clears it). */
  passThreshold?: number | null
}
