/**
 * The ML Arena emulator: an HTTP server on 127.0.0.1 that speaks one wire of the ML Arena API
 * (current or legacy), a separate storage origin for signed URLs (legacy logs, current replays), a clock it owns, injectable
 * faults and inspection routes. See emulator/README.md.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Clock } from './plumbing/clock.ts'
import { FaultEngine } from './plumbing/faults.ts'
import {
  ApiError,
  createEmulatorServer,
  errorReply,
  json,
  readJson,
  RequestLog,
  type Reply
} from './plumbing/http.ts'
import { mulberry32 } from './plumbing/prng.ts'
import { matchRoute } from './plumbing/router.ts'
import { LogStorage } from './plumbing/storage.ts'
import { World } from './platform/store.ts'
import { CourseBook } from './courses/store.ts'
import { courseRoutes, seededCourses } from './courses/routes.ts'
import { CourseAuthoring } from './courses/authoring-store.ts'
import { authoringRoutes } from './courses/authoring-routes.ts'
import { creatorRoutes } from './creators/routes.ts'
import { seedCreatorChallenges } from './creators/seed.ts'
import { CreatorStore } from './creators/store.ts'
import type { Emulator, EmulatorOptions, EmulatorState, FaultSpec } from './types.ts'
import { legacyRoutes } from './wires/legacy.ts'
import { currentRoutes } from './wires/current.ts'
import { COMPETITIONS, TOKENS, USERS } from './platform/world.ts'

export type * from './types.ts'
export { COMPETITIONS, TOKENS, USERS, RUNTIMES, HOSTILE_NAMES } from './platform/world.ts'
export { MARKERS, MARKER_PREFIX } from './platform/markers.ts'
export { TIMING } from './platform/timeline.ts'
export { SPEED_FACTORS } from './plumbing/clock.ts'
export { SIGNED_URL_TTL_SECONDS, REPLAY_URL_TTL_SECONDS } from './plumbing/storage.ts'
export { REPLAY_SUFFIXES, type RenderFormat } from './plumbing/replays.ts'
export { FIRST_AGENT_ID, LOG_RETENTION_MS, REPLAY_RETENTION_MS } from './platform/store.ts'
export { COURSES, COURSE_TOKENS, COURSE_USERS, FIRST_COURSE_ID } from './courses/seeds.ts'
export { CREATOR_CHALLENGES } from './creators/seed.ts'
export { SEEDED_MODULES, FIRST_LESSON_ID } from './courses/authoring-seed.ts'
export { FIRST_MODULE_ID } from './courses/seeds.ts'
export { BENCHMARK_MARKERS, BENCHMARK_PENDING_MS } from './creators/benchmark.ts'
export { TAGS } from './creators/tags.ts'
export { FIRST_CREATED_CHALLENGE_ID } from './creators/store.ts'

export const DEFAULT_LEADERBOARD_SIZE = 1000
export const DEFAULT_LOG_BYTES = 4096
export const MAX_LEADERBOARD_SIZE = 100_000
export const MAX_LOG_BYTES = 1024 * 1024
/** Boards at least this big are prepared at start. */
const WARM_BOARD_ROWS = 10_000

function checkOptions(options: EmulatorOptions): Required<Omit<EmulatorOptions, 'faultKinds'>> & {
  faultKinds: string[] | undefined
} {
  const wire = options.wire ?? 'current'
  if (wire !== 'current' && wire !== 'legacy')
    throw new RangeError(`wire must be current or legacy`)
  const speed = options.speed ?? 'manual'
  if (speed !== 'fast' && speed !== 'realtime' && speed !== 'manual')
    throw new RangeError('speed must be fast, realtime or manual')
  const leaderboardSize = options.leaderboardSize ?? DEFAULT_LEADERBOARD_SIZE
  if (
    !Number.isInteger(leaderboardSize) ||
    leaderboardSize < 1 ||
    leaderboardSize > MAX_LEADERBOARD_SIZE
  )
    throw new RangeError(`leaderboardSize must be an integer in 1..${MAX_LEADERBOARD_SIZE}`)
  const logBytes = options.logBytes ?? DEFAULT_LOG_BYTES
  if (!Number.isInteger(logBytes) || logBytes < 256 || logBytes > MAX_LOG_BYTES)
    throw new RangeError(`logBytes must be an integer in 256..${MAX_LOG_BYTES}`)
  return {
    wire,
    speed,
    leaderboardSize,
    logBytes,
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    faultRate: options.faultRate ?? 0,
    faultKinds: options.faultKinds,
    storageFaults: options.storageFaults ?? false,
    startTime: options.startTime ?? Date.now()
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = checkOptions(options)
  const clock = new Clock(config.startTime, config.speed)
  const random = mulberry32(config.seed)
  const faults = new FaultEngine({
    rate: config.faultRate,
    kinds: config.faultKinds,
    random,
    storageFaults: config.storageFaults
  })
  const log = new RequestLog()
  const storage = new LogStorage(randomBytes(32), config.logBytes)
  const world = new World({
    wire: config.wire,
    clock,
    seed: config.seed,
    leaderboardSize: config.leaderboardSize,
    storage
  })
  const courses = new CourseBook(world)
  const creators = new CreatorStore(world, config.seed)
  seedCreatorChallenges(creators, clock.now())
  const wireApi = config.wire === 'current' ? currentRoutes(world, courses) : legacyRoutes(world)
  // Course content is current-wire only (SDK 0.2.0 has none of it: those routes are 404 there).
  const authoring = config.wire === 'current' ? new CourseAuthoring(world, courses) : null
  const routes = [
    ...courseRoutes(courses, config.wire, world),
    ...(authoring ? authoringRoutes(authoring, world) : []),
    ...wireApi.routes,
    ...creatorRoutes(world, creators)
  ]
  // A big board is generated, ranked and serialised now, so its first read is fast too.
  if (config.leaderboardSize >= WARM_BOARD_ROWS) wireApi.warm(COMPETITIONS.bigBoard, USERS.alice.id)
  const onError = (error: unknown): void => {
    console.error('[mlarena-emulator] internal error:', error)
  }

  let apiPort = 0
  let storagePort = 0

  const state = (): EmulatorState => {
    world.now()
    return {
      now: new Date(clock.now()).toISOString(),
      wire: config.wire,
      speed: config.speed,
      competitions: [...world.competitions.values()].map(c => ({
        id: c.id,
        name: c.name,
        scenario: c.scenario,
        status: c.status,
        isPublic: c.isPublic,
        ranking: c.ranking,
        maxUploadSizeBytes: c.maxUploadSizeBytes,
        maxUploadFiles: c.maxUploadFiles,
        dailyDeployLimit: c.dailyDeployLimit,
        maxActiveAgents: c.maxActiveAgents,
        vmHealthOk: c.vmHealthOk,
        runtimeIds: c.runtimeIds,
        submissionFilename: c.submissionFilename,
        leaderboardRows: world.boardSize(c)
      })),
      agents: world.stateAgents(),
      deploys: world.stateDeploys(),
      courses: courses.state(),
      authoring: authoring ? authoring.state() : null,
      faults: faults.list(),
      requestCount: log.count,
      creator: { challenges: creators.state() }
    }
  }

  const control = (req: IncomingMessage, url: URL): Promise<Reply> | null => {
    if (!url.pathname.startsWith('/__emulator/')) return null
    return controlRoute(req, url).catch(error =>
      error instanceof ApiError
        ? errorReply(error)
        : json(400, { error: String(error instanceof Error ? error.message : error) })
    )
  }

  const controlRoute = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    const key = `${req.method} ${url.pathname.replace(/\/+$/, '')}`
    switch (key) {
      case 'GET /__emulator/requests':
        return json(200, log.list())
      case 'DELETE /__emulator/requests':
        log.clear()
        return json(200, { cleared: true })
      case 'GET /__emulator/state':
        return json(200, state())
      case 'GET /__emulator/faults':
        return json(200, faults.list())
      case 'POST /__emulator/faults': {
        faults.add((await readJson(req)) as FaultSpec)
        return json(201, faults.list())
      }
      case 'DELETE /__emulator/faults':
        faults.clear()
        return json(200, [])
      case 'POST /__emulator/advance': {
        const ms = Number(url.searchParams.get('ms'))
        if (!Number.isFinite(ms) || ms < 0)
          throw new ApiError(400, 'advance needs ?ms=<non-negative number>')
        world.advance(ms)
        return json(200, { now: new Date(clock.now()).toISOString() })
      }
      case 'POST /__emulator/settle': {
        const id = Number(url.searchParams.get('agent'))
        world.settle(id)
        const agent = world.agents.get(id)
        return json(200, {
          now: new Date(clock.now()).toISOString(),
          status: agent ? world.statusView(agent).status : null
        })
      }
      case 'GET /__emulator/health':
        return json(200, { ok: true, wire: config.wire })
      default:
        return json(404, { error: 'Not found' })
    }
  }

  const api = createEmulatorServer({
    server: 'api',
    faults,
    log,
    control,
    onError,
    redirectTarget: url => `http://127.0.0.2:${apiPort}${url.pathname}${url.search}`,
    handle: async (req, url) => {
      const match = matchRoute(routes, req.method ?? 'GET', url.pathname)
      if (match.kind === 'not-found') return json(404, { error: 'Not found' })
      if (match.kind === 'method-not-allowed') return json(405, { error: 'Method not allowed' })
      const header = req.headers.authorization
      const anonymous = match.route.anonymous
      // A public read answers a caller without a token; a token that is sent must be valid.
      if (anonymous && header === undefined) {
        world.now()
        return anonymous({ req, url, params: match.params, viewer: null })
      }
      const token = world.authenticate(header)
      world.now()
      return match.route.handle({ req, url, params: match.params, token })
    }
  })
  const storageServer = createEmulatorServer({
    server: 'storage',
    faults,
    log,
    onError,
    // A CDN-style hop to another host name of the same origin: followable by a log download.
    redirectTarget: url => `http://localhost:${storagePort}${url.pathname}${url.search}`,
    handle: async (req, url) => {
      if (!req.complete) req.resume()
      return storage.handle(
        req.method ?? 'GET',
        url,
        req.headers.authorization !== undefined,
        clock.now()
      )
    }
  })

  apiPort = await listen(api, config.port)
  try {
    storagePort = await listen(storageServer, 0)
  } catch (error) {
    await closeServer(api)
    throw error
  }
  const baseUrl = `http://127.0.0.1:${apiPort}`
  const storageUrl = `http://127.0.0.1:${storagePort}`
  storage.baseUrl = storageUrl
  let closed: Promise<void> | null = null

  return {
    baseUrl,
    storageUrl,
    wire: config.wire,
    tokens: {
      user: TOKENS.user,
      creator: TOKENS.creator,
      teacher: TOKENS.teacher,
      otherUser: TOKENS.otherUser
    },
    competitions: [...world.competitions.values()].map(c => ({
      id: c.id,
      name: c.name,
      scenario: c.scenario
    })),
    courses: seededCourses(courses, config.wire),
    advance: ms => world.advance(ms),
    settle: agentId => world.settle(agentId),
    addFault: spec => faults.add(spec),
    clearFaults: () => faults.clear(),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    state,
    close: () => {
      closed ??= Promise.all([closeServer(api), closeServer(storageServer)]).then(() => undefined)
      return closed
    }
  }
}
