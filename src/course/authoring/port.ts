/**
 * What course-as-code needs of ML Arena: the teacher authoring routes (SDK 4.4.0), as
 * CourseAuthoringClient (src/arena/course-authoring.ts) provides them. Tests pass a fake that
 * keeps the SDK's rules.
 */
import type { CourseAuthoringClient } from '../../arena/course-authoring.js'

export type AuthoringPort = Pick<
  CourseAuthoringClient,
  | 'taughtCourses'
  | 'createCourse'
  | 'courseMeta'
  | 'updateCourse'
  | 'setCover'
  | 'courseModules'
  | 'myModules'
  | 'module'
  | 'createModule'
  | 'updateModule'
  | 'attachChallenge'
  | 'updateChallengeLink'
  | 'detachChallenge'
  | 'reorderChallenges'
  | 'createLesson'
  | 'lesson'
  | 'updateLesson'
  | 'deleteLesson'
  | 'reorderLessons'
  | 'previewLesson'
  | 'linkModule'
  | 'unlinkModule'
  | 'reorderModules'
  | 'attachableChallenges'
>
