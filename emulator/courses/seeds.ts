/**
 * Seeded courses, their teacher, their students (users, tokens, student identities) and the
 * students' agents. Documented in emulator/README.md ("Course routes"); tests and docs rely on it.
 */
import type { SeedAgent } from '../platform/store.ts'
import { COMPETITIONS, USERS, type User } from '../platform/world.ts'

export const COURSE_USERS = {
  tess: { id: 11, username: 'tess' },
  carol: { id: 12, username: 'carol' },
  dave: { id: 13, username: 'dave' },
  erin: { id: 14, username: 'erin' },
  frank: { id: 15, username: 'frank' }
} as const satisfies Record<string, User>

/** tess teaches the seeded courses; carol, dave, erin and frank are students. */
export const COURSE_TOKENS = {
  teacher: 'mlk_teacher_tesste_s3crettessteacher',
  teacherUser: 'mlk_user_tess_s3crettessuser',
  carol: 'mlk_user_carol_s3cretcaroluser',
  dave: 'mlk_user_dave_s3cretdaveuser',
  erin: 'mlk_user_erin_s3creterinuser',
  frank: 'mlk_user_frank_s3cretfrankuser'
} as const

export const COURSE_TOKEN_OWNERS: Record<keyof typeof COURSE_TOKENS, User> = {
  teacher: COURSE_USERS.tess,
  teacherUser: COURSE_USERS.tess,
  carol: COURSE_USERS.carol,
  dave: COURSE_USERS.dave,
  erin: COURSE_USERS.erin,
  frank: COURSE_USERS.frank
}

/** The student identity on a user's profile (null = not set). */
export interface StudentIdentity {
  studentEmail: string | null
  studentNumber: string | null
}

/** alice has no student identity (a first enrolment must send both); bob only an email. */
export const STUDENT_IDENTITIES: Record<number, StudentIdentity> = {
  [USERS.alice.id]: { studentEmail: null, studentNumber: null },
  [USERS.bob.id]: { studentEmail: 'bob@uni.example', studentNumber: null },
  [COURSE_USERS.tess.id]: { studentEmail: null, studentNumber: null },
  [COURSE_USERS.carol.id]: { studentEmail: 'carol@uni.example', studentNumber: 'S1001' },
  [COURSE_USERS.dave.id]: { studentEmail: 'dave@uni.example', studentNumber: 'S1002' },
  [COURSE_USERS.erin.id]: { studentEmail: 'erin@uni.example', studentNumber: 'S1003' },
  [COURSE_USERS.frank.id]: { studentEmail: 'frank@uni.example', studentNumber: 'S1004' }
}

/** How many courses an account may own (the SDK's `max_courses_limit`, default 1). */
export const DEFAULT_MAX_COURSES = 1
export const MAX_COURSES: Record<number, number> = { [COURSE_USERS.tess.id]: 10 }

export interface CourseSeed {
  id: number
  name: string
  code: string
  slug: string
  description: string
  visibility: 'private' | 'unlisted' | 'public'
  instructorName: string
  /** Days relative to the emulator's start (negative = before). */
  startDay: number
  endDay: number
  joinCode: string
  enrollmentLink: string
  teacherId: number
  challenges: { challengeId: number; passThreshold: number | null }[]
  /** Enrolled students: user id, project URL, days before the start they enrolled. */
  students: { userId: number; projectUrl: string | null; daysAgo: number }[]
}

/** Course ids by role in the tests. */
export const COURSES = {
  /** Lunar Lander (challenge 1), pass_threshold 150: carol and frank pass, dave does not, erin has no scored agent. */
  lunar: 1,
  /** Two challenges (1 and the file challenge 7, RMSE asc, threshold 0.3). */
  twoChallenges: 2,
  /** Ended 5 days before the start: enrolment is refused (410). */
  ended: 3,
  /** Challenge 1 without a pass threshold: its board rows carry no `passed`. */
  noBar: 4
} as const

const repo = (user: string): string => `https://github.com/cs101-classroom/lunar-${user}`

export const COURSE_SEEDS: readonly CourseSeed[] = [
  {
    id: COURSES.lunar,
    name: 'CS-101 Reinforcement Learning',
    code: 'CS101',
    slug: 'cs-101-reinforcement-learning',
    description: 'Land the module: an agent that scores at least 150 passes.',
    visibility: 'private',
    instructorName: 'Prof. Tess Teacher',
    startDay: -60,
    endDay: 30,
    joinCode: 'LUNAR7K2',
    enrollmentLink: '5b0c7e2f9a3d4e1f8c6b2a9d0e7f1c3a',
    teacherId: COURSE_USERS.tess.id,
    challenges: [{ challengeId: COMPETITIONS.normal, passThreshold: 150 }],
    students: [
      { userId: COURSE_USERS.carol.id, projectUrl: repo('carol'), daysAgo: 40 },
      { userId: COURSE_USERS.dave.id, projectUrl: repo('dave'), daysAgo: 39 },
      { userId: COURSE_USERS.erin.id, projectUrl: null, daysAgo: 38 },
      { userId: COURSE_USERS.frank.id, projectUrl: repo('frank'), daysAgo: 37 }
    ]
  },
  {
    id: COURSES.twoChallenges,
    name: 'CS-202 Two Challenges',
    code: 'CS202',
    slug: 'cs-202-two-challenges',
    description: 'Lunar Lander and an energy forecast.',
    visibility: 'unlisted',
    instructorName: 'Prof. Tess Teacher',
    startDay: -30,
    endDay: 60,
    joinCode: 'TWOCH4LL',
    enrollmentLink: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
    teacherId: COURSE_USERS.tess.id,
    challenges: [
      { challengeId: COMPETITIONS.normal, passThreshold: 150 },
      { challengeId: COMPETITIONS.fileChallenge, passThreshold: 0.3 }
    ],
    students: [
      { userId: COURSE_USERS.carol.id, projectUrl: repo('carol'), daysAgo: 20 },
      { userId: COURSE_USERS.dave.id, projectUrl: repo('dave'), daysAgo: 20 }
    ]
  },
  {
    id: COURSES.ended,
    name: 'CS-099 Last Term',
    code: 'CS099',
    slug: 'cs-099-last-term',
    description: 'A course that has ended.',
    visibility: 'public',
    instructorName: 'Prof. Tess Teacher',
    startDay: -120,
    endDay: -5,
    joinCode: 'ENDED5XQ',
    enrollmentLink: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    teacherId: COURSE_USERS.tess.id,
    challenges: [{ challengeId: COMPETITIONS.normal, passThreshold: 100 }],
    students: [{ userId: COURSE_USERS.carol.id, projectUrl: repo('carol'), daysAgo: 100 }]
  },
  {
    id: COURSES.noBar,
    name: 'Open Lab (no pass bar)',
    code: 'LAB1',
    slug: 'open-lab',
    description: 'Practice without a pass threshold.',
    visibility: 'public',
    instructorName: 'Prof. Tess Teacher',
    startDay: -10,
    endDay: 80,
    joinCode: 'OPENLAB1',
    enrollmentLink: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
    teacherId: COURSE_USERS.tess.id,
    challenges: [{ challengeId: COMPETITIONS.normal, passThreshold: null }],
    students: [
      { userId: COURSE_USERS.carol.id, projectUrl: repo('carol'), daysAgo: 5 },
      { userId: COURSE_USERS.dave.id, projectUrl: repo('dave'), daysAgo: 5 }
    ]
  }
]

export const FIRST_COURSE_ID = 101
/** Ids of the modules that `add_course_challenge` creates. */
export const FIRST_MODULE_ID = 501

const DAY = 86_400_000
const scored = (score: number, note: string): string =>
  `class Agent:  # ${note}\n    def act(self, observation):\n        return 0\n# MLARENA_EMULATOR:SCORE=${score}\n`

/** The students' agents (ids 1101…): exact scores through the SCORE marker. */
export const COURSE_AGENT_SEEDS: readonly { id: number; seed: SeedAgent }[] = [
  {
    id: 1101,
    seed: {
      owner: COURSE_USERS.carol,
      cid: COMPETITIONS.normal,
      name: 'carol-lander',
      code: scored(210.5, 'carol'),
      deploysAgo: [3 * DAY]
    }
  },
  {
    id: 1102,
    seed: {
      owner: COURSE_USERS.dave,
      cid: COMPETITIONS.normal,
      name: 'dave-lander',
      code: scored(95.25, 'dave'),
      deploysAgo: [2 * DAY]
    }
  },
  {
    id: 1103,
    seed: {
      owner: COURSE_USERS.frank,
      cid: COMPETITIONS.normal,
      name: 'frank-first-try',
      code: scored(120, 'frank v1'),
      deploysAgo: [6 * DAY]
    }
  },
  {
    id: 1104,
    seed: {
      owner: COURSE_USERS.frank,
      cid: COMPETITIONS.normal,
      name: 'frank-lander',
      code: scored(160.75, 'frank v2'),
      deploysAgo: [DAY]
    }
  },
  {
    // erin's agent was created but never deployed: she has no scored agent.
    id: 1105,
    seed: {
      owner: COURSE_USERS.erin,
      cid: COMPETITIONS.normal,
      name: 'erin-draft',
      code: 'class Agent:  # erin: not deployed yet\n    pass\n',
      deploysAgo: []
    }
  },
  {
    id: 1106,
    seed: {
      owner: COURSE_USERS.carol,
      cid: COMPETITIONS.fileChallenge,
      name: 'carol-forecast',
      code: 'id,target\n1,0.5\n# MLARENA_EMULATOR:SCORE=0.25\n',
      deploysAgo: [2 * DAY]
    }
  },
  {
    id: 1107,
    seed: {
      owner: COURSE_USERS.dave,
      cid: COMPETITIONS.fileChallenge,
      name: 'dave-forecast',
      code: 'id,target\n1,0.7\n# MLARENA_EMULATOR:SCORE=0.42\n',
      deploysAgo: [2 * DAY]
    }
  }
]
