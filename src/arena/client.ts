/**
 * ArenaClient: typed methods for every ML Arena route the action and its users need, over
 * either wire. It finds out which wire a server speaks (or is told), keeps the token out of
 * every message and log, reports secrets to `onSecret` as soon as it sees them, and never
 * creates a second agent or spends a second deploy by retrying (see no-duplicates.ts).
 *
 * Wire detection (`wire: 'auto'`, the default): the first call tries the current route. Any
 * answer that shows the route exists (2xx, or a 4xx other than 404 and 429) settles it as
 * current. On a 404 the same call is tried once on the legacy route: an answer there settles it
 * as legacy; a 404 there too means the resource is missing whatever the wire (the error says
 * so, and the next call detects again). So detection costs at most one extra request, on legacy
 * servers only, and a real 404 (missing or hidden competition) is never taken for a wire.
 * Routes without ids (`mine`) settle it directly: their 404 means the route does not exist.
 */
import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { apiRoot } from './base-url.js'
import {
  courseEndpoints,
  createCourseBody,
  enrolmentBody,
  parseCourseList,
  parseCreatedCourse,
  parseEnrolment,
  parsePreview,
  parseRoster,
  parseProgress,
  exportCsvQuery,
  type Course,
  type CourseProgress,
  type CourseListing,
  type CoursePreview,
  type CourseRoster,
  type Enrolment,
  type EnrolmentRequest,
  type NewCourse
} from './courses.js'
import { downloadToFile, type DownloadResult } from './download.js'
import { ArenaError, oneLineText, type RequestContext } from './errors.js'
import {
  DEFAULT_TIMEOUTS,
  Transport,
  type ApiRequest,
  type ArenaLogger,
  type Timeouts
} from './http.js'
import type {
  AgentFile,
  AgentStatus,
  Competition,
  DeployQuota,
  GameList,
  Leaderboard,
  LeaderboardQuery,
  MyAgent,
  RuntimeOption,
  UploadResult,
  Wire,
  WireChoice
} from './model.js'
import { openFilePart } from './multipart.js'
import { Readable } from 'node:stream'
import {
  createWithoutDuplicates,
  deployWithoutDuplicates,
  type CreateResult,
  type DeployResult
} from './no-duplicates.js'
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js'
import { urlSecrets } from './secrets.js'
import { parseToken, requireScope, type Token } from './token.js'
import { DEFAULT_USER_AGENT } from './version.js'
import {
  createBody,
  endpoints,
  competitionsQuery,
  leaderboardQuery,
  parseAgentRuntime,
  parseCompetition,
  parseCompetitionPage,
  parseCreated,
  parseDeployMessage,
  parseFileContent,
  parseFiles,
  parseGames,
  parseLeaderboard,
  parseMine,
  parseQuota,
  parseRefusalQuota,
  parseRuntimeOptions,
  parseStatus,
  parseUpload,
  deleteFileForm,
  pinBody,
  type CompetitionQuery,
  type Endpoint
} from './wire.js'

export type { CreateResult, DeployResult } from './no-duplicates.js'
export type { DownloadResult } from './download.js'
export type { CompetitionQuery } from './wire.js'
export type * from './courses.js'

export interface ArenaClientOptions {
  /** e.g. https://ml-arena.com; `/api` is appended (see base-url.ts for what is accepted). */
  baseUrl: string
  /** `mlk_<scope>_<lookup>_<secret>`. */
  token: string
  wire?: WireChoice
  /** Default: an EnvHttpProxyAgent (keep-alive pool; HTTPS_PROXY/HTTP_PROXY/NO_PROXY). */
  dispatcher?: Dispatcher
  timeouts?: Partial<Timeouts>
  retry?: Partial<RetryPolicy>
  /** After an ambiguous deploy failure with no evidence yet: status re-reads, and the wait between. */
  deployRechecks?: { times: number; delayMs: number }
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
  logger?: ArenaLogger
  /** Called with the token and every signed URL's signature (raw and URL-encoded) as soon as seen. */
  onSecret?: (secret: string) => void
  userAgent?: string
}

export interface RequestSpec {
  json?: unknown
  body?: ApiRequest['body']
  query?: ApiRequest['query']
  idempotent?: boolean
  timeoutMs?: number
  idleTimeout?: boolean
  expect?: ApiRequest['expect']
  deploy?: boolean
  refusal?: ApiRequest['refusal']
  what?: string
}

export interface Answer {
  wire: Wire
  ctx: RequestContext
  status: number
  data: unknown
  text: string
  /** The answer's bytes, for `expect: 'bytes'`. */
  bytes?: Buffer
}

const SILENT: ArenaLogger = { debug: () => {}, info: () => {}, warning: () => {} }
const realSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** An answer that shows the route exists on this server. */
function showsRoute(error: ArenaError): boolean {
  const status = error.status
  return status !== undefined && status >= 400 && status < 500 && status !== 404 && status !== 429
}

export class ArenaClient {
  /** The API root, e.g. https://ml-arena.com/api. */
  readonly apiRoot: string
  readonly #token: Token
  readonly #transport: Transport
  readonly #choice: WireChoice
  #wire: Wire | null
  readonly #timeouts: Timeouts
  readonly #retry: RetryPolicy
  readonly #rechecks: { times: number; delayMs: number }
  readonly #sleep: (ms: number) => Promise<void>
  readonly #now: () => number
  readonly #logger: ArenaLogger
  readonly #onSecret: (secret: string) => void
  readonly #secrets = new Set<string>()

  constructor(options: ArenaClientOptions) {
    this.#token = parseToken(options.token)
    this.#onSecret = options.onSecret ?? (() => {})
    this.#secret(this.#token.reveal())
    this.apiRoot = apiRoot(options.baseUrl)
    this.#choice = options.wire ?? 'auto'
    this.#wire = this.#choice === 'auto' ? null : this.#choice
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
    this.#retry = { ...DEFAULT_RETRY, ...options.retry }
    this.#rechecks = options.deployRechecks ?? { times: 3, delayMs: 5000 }
    this.#sleep = options.sleep ?? realSleep
    this.#now = options.now ?? Date.now
    this.#logger = options.logger ?? SILENT
    const token = this.#token
    this.#transport = new Transport({
      apiRoot: this.apiRoot,
      dispatcher: options.dispatcher,
      authorization: () => token.authorization(),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      retry: this.#retry,
      sleep: this.#sleep,
      random: options.random ?? Math.random,
      now: this.#now,
      logger: this.#logger,
      redact: text => this.#redact(text)
    })
  }

  /** The token's masked form and scope (never the token). */
  get token(): Pick<Token, 'scope' | 'lookup' | 'masked'> {
    return { scope: this.#token.scope, lookup: this.#token.lookup, masked: this.#token.masked }
  }

  /** The wire in use when known (forced, or detected by an earlier call); null before detection. */
  get knownWire(): Wire | null {
    return this.#wire
  }

  /** The wire the server speaks: detected with as few requests as possible, then remembered. */
  async wire(): Promise<Wire> {
    if (this.#wire) return this.#wire
    try {
      const answer = await this.#request(
        w => endpoints.competitions(w),
        () => ({
          query: competitionsQuery(1, { perPage: 1 })
        })
      )
      return answer.wire
    } catch (error) {
      if (error instanceof ArenaError && error.kind === 'not-found') {
        throw new ArenaError(
          `ML Arena answered 404 on the competition list of both API wires (${error.route}): is the base URL (${this.apiRoot.replace(/\/api$/, '')}) an ML Arena server?`,
          { kind: 'protocol', route: error.route, status: 404 }
        )
      }
      throw error
    }
  }

  async getCompetition(competitionId: number): Promise<Competition> {
    const a = await this.#request(
      w => endpoints.competition(w, competitionId),
      () => ({})
    )
    return parseCompetition(a.data, a.ctx, competitionId)
  }

  /** Every competition the token may see, paging until the server says there is no next page. */
  async listCompetitions(query: CompetitionQuery = {}): Promise<Competition[]> {
    const all: Competition[] = []
    for (let page = 1; page <= 1000; page++) {
      const a = await this.#request(
        w => endpoints.competitions(w),
        () => ({ query: competitionsQuery(page, query) })
      )
      const parsed = parseCompetitionPage(a.data, a.ctx)
      all.push(...parsed.items)
      if (!parsed.hasNext || parsed.items.length === 0) break
    }
    return all
  }

  async runtimeOptions(competitionId: number): Promise<RuntimeOption[]> {
    const a = await this.#request(
      w => endpoints.runtimeOptions(w, competitionId),
      () => ({})
    )
    return parseRuntimeOptions(a.data, a.ctx)
  }

  /** Creates an agent, without ever creating two (see no-duplicates.ts). */
  async createAgent(
    competitionId: number,
    name: string,
    options: { copyFrom?: number } = {}
  ): Promise<CreateResult> {
    return createWithoutDuplicates(
      {
        create: async () => {
          const a = await this.#request(
            w => endpoints.createAgent(w, competitionId),
            w => ({
              json: createBody(w, name, options.copyFrom),
              idempotent: false,
              timeoutMs: this.#timeouts.createMs
            })
          )
          try {
            return parseCreated(a.wire, a.data, a.ctx, name)
          } catch (error) {
            // A 2xx without a readable id: the agent was probably created.
            if (error instanceof ArenaError) {
              throw new ArenaError(error.message, {
                kind: 'protocol',
                route: error.route,
                status: a.status,
                outcomeUnknown: true
              })
            }
            throw error
          }
        },
        mine: () => this.mine(),
        listFiles: agentId => this.listFiles(competitionId, agentId),
        logger: this.#logger
      },
      competitionId,
      name,
      this.#retry.attempts
    )
  }

  /** The runtime id pinned to the agent; null when none is. */
  async getAgentRuntime(agentId: number): Promise<number | null> {
    const a = await this.#request(
      w => endpoints.agentRuntime(w, agentId),
      () => ({ expect: 'optional' })
    )
    return parseAgentRuntime(a.data, a.ctx)
  }

  async pinRuntime(agentId: number, runtimeId: number): Promise<void> {
    await this.#request(
      w => endpoints.pinRuntime(w, agentId),
      // 'optional', not 'none': a 2xx cut off mid-answer is not taken as done (it is retried).
      () => ({ json: pinBody(runtimeId), expect: 'optional' })
    )
  }

  /**
   * Streams one file from disk as the multipart part `file` (filename = `file.name`). Uploads
   * are idempotent (the same name overwrites), so they are retried, re-opening the file.
   * `onProgress` gets the file's bytes sent so far. A 2xx is a saved file, whatever state its
   * answer reads (the SDK: "a 2xx here is not proof the submission is deployable; read
   * `is_deployable`"): the caller decides on the status after the last file.
   */
  async uploadFile(
    competitionId: number,
    agentId: number,
    file: { name: string; path: string; size: number },
    onProgress?: (bytesSent: number, totalBytes: number) => void
  ): Promise<UploadResult> {
    const what = `the upload of ${oneLineText(file.name, 120)}`
    const a = await this.#request(
      w => endpoints.upload(w, competitionId, agentId),
      () => ({
        what,
        body: async touch =>
          openFilePart(file.path, 'file', file.name, (sent, total) => {
            touch()
            onProgress?.(sent, total)
          }),
        timeoutMs: this.#timeouts.uploadMs,
        idleTimeout: true,
        expect: 'optional'
      })
    )
    const result = parseUpload(a.data, a.text)
    return {
      message: result.message === null ? null : this.#redact(result.message),
      validationMessage:
        result.validationMessage === null ? null : this.#redact(result.validationMessage),
      state: result.state
    }
  }

  /** Deletes one file: the upload PUT with the form field `delete_file` (urlencoded, as both SDKs). */
  async deleteFile(competitionId: number, agentId: number, name: string): Promise<void> {
    await this.#request(
      w => endpoints.deleteFile(w, competitionId, agentId),
      () => ({
        what: `the deletion of ${oneLineText(name, 120)}`,
        body: async () => {
          const form = deleteFileForm(name)
          const buffer = Buffer.from(form.text, 'utf8')
          return {
            stream: Readable.from([buffer]),
            length: buffer.length,
            contentType: form.contentType
          }
        },
        expect: 'optional'
      })
    )
  }

  async listFiles(competitionId: number, agentId: number): Promise<AgentFile[]> {
    const a = await this.#request(
      w => endpoints.listFiles(w, competitionId, agentId),
      () => ({})
    )
    return parseFiles(a.data, a.ctx)
  }

  async readFile(competitionId: number, agentId: number, name: string): Promise<string> {
    const a = await this.#request(
      w => endpoints.readFile(w, competitionId, agentId, name),
      () => ({
        what: `the read of ${oneLineText(name, 120)}`
      })
    )
    return parseFileContent(a.data, a.ctx)
  }

  async deployQuota(competitionId: number, agentId: number): Promise<DeployQuota> {
    const a = await this.#request(
      w => endpoints.deployQuota(w, competitionId, agentId),
      () => ({})
    )
    return parseQuota(a.data, a.ctx)
  }

  /**
   * Deploys the agent, without ever deploying twice (see no-duplicates.ts). Pass the quota read
   * earlier to save a request; it is the baseline an ambiguous failure is judged against.
   */
  async deploy(
    competitionId: number,
    agentId: number,
    quotaBefore?: DeployQuota | null
  ): Promise<DeployResult> {
    return deployWithoutDuplicates(
      {
        deploy: async () => {
          const a = await this.#request(
            w => endpoints.deploy(w, competitionId, agentId),
            () => ({
              idempotent: false,
              timeoutMs: this.#timeouts.deployMs,
              expect: 'optional',
              deploy: true,
              refusal: parseRefusalQuota
            })
          )
          return parseDeployMessage(a.data, a.text)
        },
        quota: () => this.deployQuota(competitionId, agentId),
        status: () => this.status(competitionId, agentId),
        sleep: this.#sleep,
        logger: this.#logger
      },
      {
        quotaBefore,
        attempts: this.#retry.attempts,
        rechecks: this.#rechecks.times,
        recheckDelayMs: this.#rechecks.delayMs
      }
    )
  }

  async status(competitionId: number, agentId: number): Promise<AgentStatus> {
    const a = await this.#request(
      w => endpoints.status(w, competitionId, agentId),
      () => ({})
    )
    return parseStatus(a.wire, a.data, a.ctx, agentId)
  }

  /**
   * The agent's games; every signed URL's signature (logs and replays) goes to `onSecret`
   * before returning.
   */
  async games(agentId: number): Promise<GameList> {
    const a = await this.#request(
      w => endpoints.games(w, agentId),
      () => ({})
    )
    const list = parseGames(a.wire, a.data, a.ctx, agentId)
    for (const game of list.games) {
      if (game.logUrl) this.#urlSecrets(game.logUrl)
      if (game.replay) this.#urlSecrets(game.replay.url)
    }
    return list
  }

  /** The board; on the legacy wire the query is ignored (the server takes none). */
  async leaderboard(competitionId: number, query: LeaderboardQuery = {}): Promise<Leaderboard> {
    const a = await this.#request(
      w => endpoints.leaderboard(w, competitionId),
      w => ({
        query: leaderboardQuery(w, query)
      })
    )
    return parseLeaderboard(a.wire, a.data, a.ctx)
  }

  async deleteAgent(competitionId: number, agentId: number): Promise<void> {
    await this.#request(
      w => endpoints.deleteAgent(w, competitionId, agentId),
      () => ({ expect: 'none' })
    )
  }

  /** The caller's agents (current wire); null on the legacy wire, which cannot list them. */
  async mine(): Promise<MyAgent[] | null> {
    const a = await this.#request(
      w => endpoints.mine(w),
      () => ({})
    )
    return a ? parseMine(a.data, a.ctx) : null
  }

  // ---- courses: the same routes on both wires, so the wire is settled first ----

  /** What a join code leads to, without enrolling (public; the token fills in the flags). */
  async previewCourse(joinCode: string): Promise<CoursePreview> {
    const a = await this.#course(courseEndpoints.preview(joinCode), {})
    return parsePreview(a.data, a.ctx)
  }

  /** Enrols the token's user; enrolling again is harmless, so it may be retried. */
  async enroll(joinCode: string, request: EnrolmentRequest): Promise<Enrolment> {
    const a = await this.#course(courseEndpoints.enroll(joinCode), {
      json: enrolmentBody(request),
      idempotent: true,
      expect: 'optional'
    })
    return parseEnrolment(a.data)
  }

  /** The courses the token may see; `showAll` lists every one, not only enrolled and active ones. */
  async listCourses(
    query: { showAll?: boolean; challengeId?: number } = {}
  ): Promise<CourseListing[]> {
    const a = await this.#course(courseEndpoints.list(), {
      query: {
        show_all: query.showAll ? 'true' : undefined,
        challenge_id: query.challengeId
      }
    })
    return parseCourseList(a.data, a.ctx)
  }

  /** The courses the token's user teaches or assists on (a teacher token, current wire). */
  async taughtCourses(): Promise<CourseListing[]> {
    const a = await this.#course(courseEndpoints.taught(), {})
    return parseCourseList(a.data, a.ctx)
  }

  /** Creates a course (not retried: a second course is not harmless). */
  async createCourse(course: NewCourse): Promise<Course> {
    const a = await this.#course(courseEndpoints.create(), {
      json: createCourseBody(course),
      idempotent: false,
      timeoutMs: this.#timeouts.createMs
    })
    return parseCreatedCourse(a.data, a.ctx)
  }

  /** The course's students (a teacher or assistant of the course). */
  async courseRoster(courseId: number, challengeId?: number): Promise<CourseRoster> {
    const a = await this.#course(courseEndpoints.roster(courseId), {
      query: { challenge_id: challengeId }
    })
    return parseRoster(a.data, a.ctx)
  }

  /** The teacher's follow dashboard (4.4 `course_progress`): each student's name and best results. */
  async courseProgress(courseId: number): Promise<CourseProgress> {
    const a = await this.#course(courseEndpoints.progress(courseId), {})
    return parseProgress(a.data, a.ctx)
  }

  /**
   * The platform's own CSV of one attached challenge's course board (4.4 `export_course_csv`),
   * as text: a class's board is small, and the caller writes it beside the action's own.
   */
  async exportCourseCsv(
    courseId: number,
    challengeId: number,
    options: { byParticipant?: boolean } = {}
  ): Promise<string> {
    const a = await this.#course(courseEndpoints.exportCsv(courseId), {
      query: exportCsvQuery(challengeId, options.byParticipant ?? false),
      expect: 'text'
    })
    return a.text
  }

  /**
   * Streams a signed log URL to `destination`, at most `maxBytes` (then stops: truncated). No
   * Authorization header; at most 3 redirects, followed here only.
   */
  async downloadLog(
    url: string,
    destination: string,
    options: { maxBytes: number }
  ): Promise<DownloadResult> {
    return downloadToFile(this.#transport, url, destination, {
      maxBytes: options.maxBytes,
      timeoutMs: this.#timeouts.downloadMs,
      onUrl: seen => this.#urlSecrets(seen),
      now: this.#now
    })
  }

  /**
   * Streams a game's replay (its signed URL, fetched with no token: 4.4 `download_replay`) to
   * `destination`, through `<destination>.partial` renamed when complete, as the SDK does; at
   * most `maxBytes`. Memory stays constant whatever the file's size: each chunk is written
   * before the next is read.
   */
  async downloadReplay(
    url: string,
    destination: string,
    options: { maxBytes: number; onWritten?: (bytes: number) => void }
  ): Promise<DownloadResult> {
    return downloadToFile(this.#transport, url, destination, {
      maxBytes: options.maxBytes,
      timeoutMs: this.#timeouts.downloadMs,
      onUrl: seen => this.#urlSecrets(seen),
      now: this.#now,
      what: 'the replay download',
      expiry: 'a replay URL is signed for about 6 hours',
      atomic: true,
      onWritten: options.onWritten
    })
  }

  /**
   * One request on the known (or detected) wire, for route families kept in modules of their
   * own (creator.ts): the same transport, retries, scope check and redaction as the methods
   * here. Resolves to null for a route the wire does not have (`build` returned null).
   */
  async call(
    build: (w: Wire) => Endpoint | null,
    spec: (w: Wire) => RequestSpec
  ): Promise<Answer | null> {
    return this.#request(build, spec)
  }

  /** Text with the token and every secret seen so far masked (for messages built outside). */
  redact(text: string): string {
    return this.#redact(text)
  }

  /** Closes the connection pool the client created (not one passed in). */
  async close(): Promise<void> {
    await this.#transport.close()
  }

  toJSON(): Record<string, unknown> {
    return { apiRoot: this.apiRoot, wire: this.#wire ?? this.#choice, token: this.#token.masked }
  }

  [inspect.custom](): string {
    return `ArenaClient { apiRoot: '${this.apiRoot}', wire: '${this.#wire ?? this.#choice}', token: '${this.#token.masked}' }`
  }

  // ---- internals ----

  #secret(value: string): void {
    if (value === '' || this.#secrets.has(value)) return
    this.#secrets.add(value)
    this.#onSecret(value)
  }

  #urlSecrets(url: string): void {
    for (const secret of urlSecrets(url)) this.#secret(secret)
  }

  #redact(text: string): string {
    let out = text
    const raw = this.#token.reveal()
    if (out.includes(raw)) out = out.split(raw).join(this.#token.masked)
    for (const secret of this.#secrets)
      if (out.includes(secret)) out = out.split(secret).join('***')
    return out
  }

  async #send(endpoint: Endpoint, spec: RequestSpec): Promise<Omit<Answer, 'wire'>> {
    const route = this.#transport.route(endpoint.method, endpoint.path)
    if (endpoint.userScope) requireScope(this.#token, 'user', route)
    else if (endpoint.scope) requireScope(this.#token, endpoint.scope, route)
    const what = spec.what ?? endpoint.what
    const res = await this.#transport.call({
      method: endpoint.method,
      path: endpoint.path,
      what,
      query: spec.query,
      json: spec.json,
      body: spec.body,
      timeoutMs: spec.timeoutMs ?? this.#timeouts.defaultMs,
      idleTimeout: spec.idleTimeout,
      idempotent: spec.idempotent ?? endpoint.method !== 'POST',
      expect: spec.expect ?? 'json',
      deploy: spec.deploy,
      refusal: spec.refusal
    })
    return { ...res, ctx: { what, route } }
  }

  /** A course route: the same on both wires, so a 404 is about the course, never the wire. */
  async #course(endpoint: Endpoint, spec: RequestSpec): Promise<Answer> {
    const wire = await this.wire()
    return { ...(await this.#send(endpoint, spec)), wire }
  }

  /**
   * Sends a call on the known wire, or detects the wire with it (see the header comment).
   * Resolves to null only for a route the wire does not have.
   */
  async #request(build: (w: Wire) => Endpoint, spec: (w: Wire) => RequestSpec): Promise<Answer>
  async #request(
    build: (w: Wire) => Endpoint | null,
    spec: (w: Wire) => RequestSpec
  ): Promise<Answer | null>
  async #request(
    build: (w: Wire) => Endpoint | null,
    spec: (w: Wire) => RequestSpec
  ): Promise<Answer | null> {
    const known = this.#wire
    if (known) {
      const endpoint = build(known)
      return endpoint ? { ...(await this.#send(endpoint, spec(known))), wire: known } : null
    }
    const current = build('current')
    if (!current) throw new Error('every call has a current-wire route')
    let first: ArenaError
    try {
      const answer = { ...(await this.#send(current, spec('current'))), wire: 'current' as const }
      this.#settle('current')
      return answer
    } catch (error) {
      if (!(error instanceof ArenaError) || error.status !== 404) {
        if (error instanceof ArenaError && showsRoute(error)) this.#settle('current')
        throw error
      }
      first = error
    }
    const legacy = build('legacy')
    if (!legacy) {
      this.#settle('legacy')
      return null
    }
    try {
      const answer = { ...(await this.#send(legacy, spec('legacy'))), wire: 'legacy' as const }
      this.#settle('legacy')
      return answer
    } catch (error) {
      if (error instanceof ArenaError && error.status === 404) {
        const legacyRoute = this.#transport.route(legacy.method, legacy.path)
        const what = spec('current').what ?? current.what
        const said = first.serverMessage ? `: "${first.serverMessage}"` : ''
        throw new ArenaError(
          `ML Arena refused ${what} (404 on ${first.route}, and on ${legacyRoute} of the legacy wire)${said}; check the ids (a hidden competition also answers 404)`,
          { kind: 'not-found', route: first.route, status: 404, serverMessage: first.serverMessage }
        )
      }
      if (error instanceof ArenaError && showsRoute(error)) this.#settle('legacy')
      throw error
    }
  }

  #settle(wire: Wire): void {
    if (this.#wire) return
    this.#wire = wire
    this.#logger.debug(`ML Arena: this server speaks the ${wire} API wire.`)
  }
}
