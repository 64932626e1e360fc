/**
 * Public types of the ML Arena emulator. The emulator shares no code with src/: it is a second,
 * independent reading of /work/shared/ml-arena-api.md, so a misreading cannot hide in shared code.
 */
import type { StateAuthoring } from './courses/authoring-store.ts'

export type { StateAuthoring }
export type WireName = 'current' | 'legacy'
export type Speed = 'fast' | 'realtime' | 'manual'

export interface EmulatorOptions {
  /** Which generation of the API the server speaks; the other wire's routes answer 404. Default 'current'. */
  wire?: WireName
  /** API port; default 0 (ephemeral). The storage origin always gets its own ephemeral port. */
  port?: number
  /** How the emulator's clock moves. Default 'manual' (only advance() moves it). */
  speed?: Speed
  /** Seeds rewards, the big board and the random fault source. Default 1. */
  seed?: number
  /** Probability in [0, 1] that an API request takes a random fault. Default 0. */
  faultRate?: number
  /** Pool for faultRate: '429' | '500' | '502' | '503' | '504' | 'latency' | 'reset' | 'malformed' | 'redirect'. */
  faultKinds?: string[]
  /** Rows of the big board (competition 6), 1..100000. Default 1000. */
  leaderboardSize?: number
  /** Bytes of each legacy game log and each current-wire agent stdout, 256..1048576. Default 4096. */
  logBytes?: number
  /** Random faults (faultRate) also hit the storage origin. Default false. */
  storageFaults?: boolean
  /** Simulated time at start (ms since epoch). Default: the real time at start. */
  startTime?: number
}

export type FaultKind = 'status' | 'latency' | 'reset' | 'malformed' | 'redirect'

export interface FaultSpec {
  /** Glob on "METHOD /path" ("*" = one segment, "**" = anything); absent = every API request. */
  route?: string
  kind: FaultKind
  /** 'before' (default): the request is not processed. 'after': processed, then the reply is replaced. */
  when?: 'before' | 'after'
  /** How many requests it hits; default unlimited. */
  times?: number
  /** For kind 'status': 429 | 500 | 502 | 503 | 504 (default 500). */
  status?: number
  /** For status 429: the Retry-After header (default "1"). */
  retryAfter?: string
  /** For kind 'latency': the delay in real milliseconds (default 100). */
  latencyMs?: number
}

export interface RequestLogEntry {
  seq: number
  server: 'api' | 'storage'
  method: string
  /** The path without its query string (storage query strings carry signatures). */
  path: string
  /** API requests only: the query parameters (they carry no secrets). */
  query?: Record<string, string>
  /** The status sent; 0 when the connection was reset. */
  status: number
  fault?: FaultKind
  faultWhen?: 'before' | 'after'
  headers: {
    authorization: boolean
    cookie: boolean
    contentType: string | null
    contentLength: number | null
    userAgent: string | null
  }
}

export interface EmulatorCompetition {
  id: number
  name: string
  scenario: string
}

export interface StateFile {
  name: string
  size: number
  sha256: string
}

export interface StateDeploy {
  id: number
  agentId: number
  competitionId: number
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  createdAt: string
  finishedAt: string | null
  failureMessage: string | null
}

export interface StateAgent {
  id: number
  name: string
  owner: string
  competitionId: number
  status: string
  runtimeId: number | null
  score: number | null
  files: StateFile[]
  deployIds: number[]
  createdAt: string
}

export interface StateCompetition {
  id: number
  name: string
  scenario: string
  status: 'draft' | 'started' | 'stopped'
  isPublic: boolean
  ranking: 'mean_reward' | 'elo' | 'metric'
  maxUploadSizeBytes: number
  maxUploadFiles: number
  dailyDeployLimit: number
  maxActiveAgents: number
  vmHealthOk: boolean
  runtimeIds: number[]
  submissionFilename: string | null
  leaderboardRows: number
}

export interface StateEnrolment {
  userId: number
  username: string
  studentEmail: string | null
  studentNumber: string | null
  projectUrl: string | null
  enrolledAt: string
}

export interface StateCourse {
  id: number
  name: string
  joinCode: string
  enrollmentLink: string
  teacher: string
  startDate: string | null
  endDate: string | null
  challenges: { challengeId: number; passThreshold: number | null }[]
  enrolments: StateEnrolment[]
}

/** A seeded course as tests see it; `enrolCode` is what this wire's enrol route takes. */
export interface EmulatorCourse {
  id: number
  name: string
  joinCode: string
  enrollmentLink: string
  enrolCode: string
  challengeIds: number[]
}

export interface EmulatorState {
  now: string
  wire: WireName
  speed: Speed
  competitions: StateCompetition[]
  agents: StateAgent[]
  deploys: StateDeploy[]
  courses: StateCourse[]
  /** Course content (modules, lessons, course links, covers); null on the legacy wire. */
  authoring: StateAuthoring | null
  faults: FaultSpec[]
  requestCount: number
  /** What the server holds for the creator routes (challenges authored by creators). */
  creator: StateCreator
}

export interface StateCreatorFile {
  name: string
  size: number
  sha256: string
  /** The text (first 64 KiB); null for a binary file. */
  content: string | null
}

export interface StateBenchmarkRun {
  id: number
  jobStatus: string
  score: number | null
  createdAt: string
  startsAt: string
  endsAt: string
  fingerprint: string
}

export interface StateCreatorChallenge {
  id: number
  name: string
  owner: string
  kernelVersion: string
  status: 'draft' | 'started' | 'stopped'
  isPublic: boolean
  description: string
  startDate: string | null
  tags: { id: number; name: string }[]
  markdown: string
  cover: { contentType: string; size: number; sha256: string } | null
  env: StateCreatorFile[]
  benchmark: StateCreatorFile[]
  config: {
    values: Record<string, unknown>
    origin: Record<string, string>
    fileLines: Record<string, number>
    fileAppliedAt: string | null
  }
  runs: StateBenchmarkRun[]
  blockers: { code: string; message: string }[] | null
  /** Legacy wire: the settings columns SDK 0.2.0 writes that today's config has no key for. */
  legacySettings: Record<string, unknown>
}

export interface StateCreator {
  challenges: StateCreatorChallenge[]
}

export interface Emulator {
  /** 'http://127.0.0.1:PORT' (the client appends /api). */
  baseUrl: string
  /** 'http://127.0.0.1:PORT2': the signed-URL storage origin. */
  storageUrl: string
  wire: WireName
  tokens: { user: string; creator: string; teacher: string; otherUser: string }
  competitions: EmulatorCompetition[]
  /** The seeded courses (see COURSE_TOKENS for their teacher and students). */
  courses: EmulatorCourse[]
  /** Moves the clock and processes the state transitions due. */
  advance(ms: number): void
  /** Advances until the agent is terminal; throws when it never would be. */
  settle(agentId: number): void
  addFault(spec: FaultSpec): void
  clearFaults(): void
  requests(): RequestLogEntry[]
  clearRequests(): void
  state(): EmulatorState
  close(): Promise<void>
}
