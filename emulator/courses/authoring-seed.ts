/**
 * Seeded course content (modules, their lessons and challenge links) for the authoring and
 * reading routes. Documented in emulator/courses/README.md; tests rely on it.
 *
 * Course 2 (CS-202, tess) is authored: two published modules and a draft one. Every other seeded
 * course gets one module per challenge link (what `add_course_challenge` makes), so its
 * challenges and bars are what the course seeds say. alice (teacher token `TOKENS.teacher`) owns
 * two modules linked to no course: a public one other teachers may link, and a private one.
 */
import { COURSES, COURSE_USERS } from './seeds.ts'
import { COMPETITIONS, USERS } from '../platform/world.ts'

export interface LessonSeed {
  title: string
  slug: string
  kind: 'lesson' | 'exercise'
  bodyMd: string
  gated: boolean
  isPublished: boolean
  estimatedMinutes: number | null
  /** Slug of the parent lesson in the same module (one level), or null. */
  parent: string | null
}

export interface ModuleSeed {
  /** Fixed for the authored and library modules; the per-challenge ones get ids from 421. */
  id?: number
  ownerId: number
  title: string
  slug: string
  summary: string | null
  icon: string | null
  visibility: 'private' | 'unlisted' | 'public'
  isPublished: boolean
  challenges: { challengeId: number; label: string | null; passThreshold: number | null }[]
  lessons: LessonSeed[]
}

/** Seeded module ids (modules created through the API get ids from FIRST_MODULE_ID, 501). */
export const SEEDED_MODULES = {
  /** Course 2, published: challenge 1 (label "Lunar Lander", bar 150) and four lessons. */
  foundations: 401,
  /** Course 2, published: challenge 7 (bar 0.3), one lesson. */
  forecasting: 402,
  /** Course 2, a draft module with one published lesson: hidden from students. */
  comingSoon: 403,
  /** alice's public module, linked to no course. */
  sharedBasics: 411,
  /** alice's private module, linked to no course. */
  alicePrivate: 412
} as const
/** The modules made for the other seeded courses' challenge links (one per link). */
export const FIRST_SEEDED_MODULE_ID = 421
export const FIRST_SEEDED_LESSON_ID = 801
/** Lessons created through the API get ids from here. */
export const FIRST_LESSON_ID = 901

const lesson = (
  title: string,
  slug: string,
  bodyMd: string,
  extra: Partial<LessonSeed> = {}
): LessonSeed => ({
  title,
  slug,
  kind: 'lesson',
  bodyMd,
  gated: false,
  isPublished: true,
  estimatedMinutes: null,
  parent: null,
  ...extra
})

/** The authored course: its modules in course order. */
export const AUTHORED_COURSE_MODULES: Record<number, ModuleSeed[]> = {
  [COURSES.twoChallenges]: [
    {
      id: SEEDED_MODULES.foundations,
      ownerId: COURSE_USERS.tess.id,
      title: 'Foundations',
      slug: 'foundations',
      summary: 'Agents, rewards and the Lunar Lander.',
      icon: 'book',
      visibility: 'private',
      isPublished: true,
      challenges: [{ challengeId: COMPETITIONS.normal, label: 'Lunar Lander', passThreshold: 150 }],
      lessons: [
        lesson(
          'What is RL?',
          'what-is-rl',
          '# What is RL?\n\nAn agent acts, the world rewards it.\n\n```mlarena:leaderboard id=1```\n',
          { estimatedMinutes: 15 }
        ),
        lesson(
          'Your first agent',
          'first-agent',
          '# Your first agent\n\nLand it: score at least 150.\n',
          {
            kind: 'exercise',
            gated: true,
            estimatedMinutes: 45
          }
        ),
        lesson('Reading the board', 'reading-the-board', 'Ranks, scores and ties.\n', {
          parent: 'what-is-rl'
        }),
        lesson('Notes (draft)', 'draft-notes', 'Not ready yet.\n', { isPublished: false })
      ]
    },
    {
      id: SEEDED_MODULES.forecasting,
      ownerId: COURSE_USERS.tess.id,
      title: 'Forecasting',
      slug: 'forecasting',
      summary: 'A file challenge: predict the energy load.',
      icon: null,
      visibility: 'private',
      isPublished: true,
      challenges: [{ challengeId: COMPETITIONS.fileChallenge, label: null, passThreshold: 0.3 }],
      lessons: [lesson('Energy data', 'energy-data', 'Hourly load, one CSV.\n')]
    },
    {
      id: SEEDED_MODULES.comingSoon,
      ownerId: COURSE_USERS.tess.id,
      title: 'Coming soon',
      slug: 'coming-soon',
      summary: null,
      icon: null,
      visibility: 'private',
      isPublished: false,
      challenges: [],
      lessons: [lesson('Policy gradients', 'policy-gradients', 'Next term.\n')]
    }
  ]
}

/** Modules linked to no course. */
export const LIBRARY_MODULES: ModuleSeed[] = [
  {
    id: SEEDED_MODULES.sharedBasics,
    ownerId: USERS.alice.id,
    title: 'Shared RL basics',
    slug: 'shared-rl-basics',
    summary: 'A public module any teacher may link.',
    icon: null,
    visibility: 'public',
    isPublished: true,
    challenges: [{ challengeId: COMPETITIONS.normal, label: null, passThreshold: null }],
    lessons: [lesson('Markov decision processes', 'mdp', 'States, actions, rewards.\n')]
  },
  {
    id: SEEDED_MODULES.alicePrivate,
    ownerId: USERS.alice.id,
    title: 'Alice private notes',
    slug: 'alice-private-notes',
    summary: null,
    icon: null,
    visibility: 'private',
    isPublished: true,
    challenges: [],
    lessons: []
  }
]
