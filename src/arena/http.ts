/**
 * The transport: every request to ML Arena goes through here, on undici with one pooled
 * keep-alive dispatcher (by default an EnvHttpProxyAgent, so HTTPS_PROXY/HTTP_PROXY/NO_PROXY
 * apply). It sends the token, never follows a redirect, bounds each request in time, and retries
 * what is safe to retry:
 *
 * - 429 and 503 (a refusal: the server did nothing) and connection errors before any byte was
 *   sent (refused, DNS, connect timeout): retried for every call.
 * - 500, 502, 504, resets after sending, timeouts and, on reads, an unreadable JSON answer: retried
 *   only for idempotent calls. For the others (create, deploy) such a failure leaves the outcome
 *   unknown: the error says so (`outcomeUnknown`) and the client looks at the server's state.
 *
 * Waits: Retry-After when the server sends it (up to `maxRetryAfterMs`), else exponential
 * backoff with full jitter. Attempts are bounded per call and retries per client life.
 */
import type { Readable } from 'node:stream'
import { request, type Dispatcher } from 'undici'
import { envProxyAgent } from './proxy-agent.js'
import {
  httpError,
  networkError,
  protocolError,
  redirectError,
  serverTextOf,
  timeoutError,
  type ArenaError,
  type RequestContext
} from './errors.js'
import type { DeployQuota } from './model.js'
import { decideRetry, parseRetryAfter, RetryBudget, type RetryPolicy } from './retry.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface ArenaLogger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

export interface Timeouts {
  /** Every call without a timeout of its own. */
  defaultMs: number
  createMs: number
  /** Per upload; it bounds silence (no byte sent or received), so big files are not cut off. */
  uploadMs: number
  /** A deploy may block about 60 s when the simulator machine is down. */
  deployMs: number
  /** Signed-URL downloads; like uploads, it bounds silence. */
  downloadMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  defaultMs: 30_000,
  createMs: 60_000,
  uploadMs: 120_000,
  deployMs: 60_000,
  downloadMs: 30_000
}

/** A request body opened for one attempt (re-opened for a retry). */
export interface OpenedBody {
  stream: Readable
  length: number
  contentType: string
}

export interface ApiRequest {
  method: Method
  /** Path under the API root, e.g. `/challenges/1`. */
  path: string
  query?: Record<string, string | number | boolean | undefined>
  /** Noun phrase for messages: "the deploy". */
  what: string
  timeoutMs: number
  /** The timeout bounds silence rather than the whole exchange (uploads). */
  idleTimeout?: boolean
  /** Repeating the call cannot do anything twice. */
  idempotent: boolean
  json?: unknown
  /** Opens the body for one attempt; `progress` must be called as bytes are handed over. */
  body?: (progress: () => void) => Promise<OpenedBody>
  /**
   * 'json': the answer must be JSON. 'optional': JSON or nothing. 'none': ignored. 'bytes': the
   * answer as it came (a file: the creator's cover image). 'text': a document (a CSV export),
   * returned as it came in `text`.
   */
  expect: 'json' | 'optional' | 'none' | 'bytes' | 'text'
  /** A deploy: a 409 carries the deploy limits, parsed by `refusal`. */
  deploy?: boolean
  refusal?: (body: unknown) => DeployQuota | undefined
}

export interface ApiResponse {
  status: number
  /** The parsed JSON answer; null when there was none. */
  data: unknown
  /** The raw answer when it was not JSON (for 'optional'). */
  text: string
  /** The answer's bytes (for 'bytes' only). */
  bytes?: Buffer
}

export interface TransportOptions {
  apiRoot: string
  dispatcher?: Dispatcher
  authorization: () => string
  userAgent: string
  retry: RetryPolicy
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => number
  logger: ArenaLogger
  /** Removes secrets (token, signatures) from any text bound for a message or a log. */
  redact: (text: string) => string
}

/** Answers bigger than this are refused rather than buffered (a 100,000-row board is ~50 MB). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024

/** Connection errors that happen before a single byte of the request is sent. */
const BEFORE_SEND = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT'
])

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'answer stalled',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'the file changed while it was being sent'
}

/** One failed attempt: whether to retry, and the error to throw if not. */
export class AttemptFailure {
  readonly make: (note?: string) => ArenaError
  readonly retryable: boolean
  readonly retryAfterMs: number | null
  /** For the retry warning: "503", "connection reset". */
  readonly summary: string

  constructor(
    make: (note?: string) => ArenaError,
    retryable: boolean,
    retryAfterMs: number | null,
    summary: string
  ) {
    this.make = make
    this.retryable = retryable
    this.retryAfterMs = retryAfterMs
    this.summary = summary
  }
}

/** A timer that aborts a request; `touch()` restarts it when it bounds silence. */
export class Deadline {
  readonly #controller = new AbortController()
  readonly #timer: NodeJS.Timeout
  readonly #idle: boolean
  timedOut = false

  constructor(ms: number, idle: boolean) {
    this.#idle = idle
    this.#timer = setTimeout(() => {
      this.timedOut = true
      this.#controller.abort(new Error('timeout'))
    }, ms)
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  readonly touch = (): void => {
    if (this.#idle && !this.timedOut) this.#timer.refresh()
  }

  clear(): void {
    clearTimeout(this.#timer)
  }
}

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Turns a thrown network error into an AttemptFailure. `idempotent`: may be retried after it
 * was sent; otherwise such a failure leaves the outcome unknown.
 */
export function networkFailure(
  error: unknown,
  deadline: Deadline,
  ctx: RequestContext,
  idempotent: boolean,
  timeoutMs: number,
  redact: (text: string) => string
): AttemptFailure {
  const code = errorCode(error)
  if (deadline.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new AttemptFailure(
      note => timeoutError(ctx, timeoutMs, !idempotent, note),
      idempotent,
      null,
      'timeout'
    )
  }
  const beforeSend = code !== undefined && BEFORE_SEND.has(code)
  const known = code ? REASONS[code] : undefined
  const detail =
    error instanceof Error
      ? redact(error.message).replace(/\s+/g, ' ').slice(0, 200)
      : String(error)
  const reason = known
    ? `${known} (${code})`
    : code
      ? `${detail} (${code})`
      : detail || 'connection failed'
  const sendable = beforeSend || idempotent
  return new AttemptFailure(
    note => networkError(ctx, reason, !sendable, note),
    sendable && code !== 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    null,
    known ?? 'connection error'
  )
}

/** Drops an answer's body we do not read (undici reports the abort as an error: swallow it). */
export function discard(body: {
  on(event: 'error', listener: () => void): unknown
  destroy(): unknown
}): void {
  body.on('error', () => {})
  body.destroy()
}

export async function readCapped(
  body: Dispatcher.ResponseData['body'],
  cap: number,
  onChunk?: () => void
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > cap) {
      discard(body)
      throw new AnswerTooLarge(cap)
    }
    chunks.push(chunk)
    onChunk?.()
  }
  return Buffer.concat(chunks, size)
}

export class AnswerTooLarge extends Error {
  constructor(cap: number) {
    super(`the answer is larger than ${Math.round(cap / 1024 / 1024)} MiB`)
  }
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`
}

export class Transport {
  readonly dispatcher: Dispatcher
  readonly userAgent: string
  readonly apiPath: string
  readonly #options: TransportOptions
  readonly #ownsDispatcher: boolean
  readonly #budget: RetryBudget

  constructor(options: TransportOptions) {
    this.#options = options
    this.#ownsDispatcher = options.dispatcher === undefined
    this.dispatcher = options.dispatcher ?? envProxyAgent()
    this.userAgent = options.userAgent
    this.apiPath = new URL(options.apiRoot).pathname
    this.#budget = new RetryBudget(options.retry.budget)
  }

  get logger(): ArenaLogger {
    return this.#options.logger
  }

  get redact(): (text: string) => string {
    return this.#options.redact
  }

  /** The route as messages name it: `PUT /api/submissions/challenge/1/5/deploy`. */
  route(method: Method, path: string): string {
    return `${method} ${this.apiPath}${path}`
  }

  /** Runs `attempt` until it succeeds or a failure may not (or need not) be retried. */
  async withRetries<T>(ctx: RequestContext, attempt: (n: number) => Promise<T>): Promise<T> {
    const { retry, random, sleep, logger } = this.#options
    for (let n = 1; ; n++) {
      try {
        return await attempt(n)
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error
        const decision = decideRetry(
          n,
          error.retryable,
          error.retryAfterMs,
          retry,
          this.#budget,
          random
        )
        if (!decision.retry) throw error.make(decision.note)
        logger.warning(
          `ML Arena: ${error.summary} on ${ctx.route} (${ctx.what}); retrying in ${formatDelay(decision.delayMs)} (attempt ${n + 1} of ${retry.attempts})`
        )
        await sleep(decision.delayMs)
      }
    }
  }

  async call(req: ApiRequest): Promise<ApiResponse> {
    const ctx: RequestContext = { what: req.what, route: this.route(req.method, req.path) }
    let url = `${this.#options.apiRoot}${req.path}`
    if (req.query) {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(req.query))
        if (value !== undefined) params.set(key, String(value))
      const query = params.toString()
      if (query) url += `?${query}`
    }
    return this.withRetries(ctx, () => this.#attempt(req, url, ctx))
  }

  async #attempt(req: ApiRequest, url: string, ctx: RequestContext): Promise<ApiResponse> {
    const { logger, redact, now } = this.#options
    const deadline = new Deadline(req.timeoutMs, req.idleTimeout ?? false)
    let opened: OpenedBody | undefined
    const started = now()
    try {
      const headers: Record<string, string> = {
        authorization: this.#options.authorization(),
        'user-agent': this.userAgent,
        accept: 'application/json'
      }
      let body: string | Readable | undefined
      if (req.json !== undefined) {
        body = JSON.stringify(req.json)
        headers['content-type'] = 'application/json'
      } else if (req.body) {
        opened = await req.body(deadline.touch)
        body = opened.stream
        headers['content-type'] = opened.contentType
        headers['content-length'] = String(opened.length)
      }
      let response: Dispatcher.ResponseData
      try {
        response = await request(url, {
          method: req.method,
          headers,
          body,
          dispatcher: this.dispatcher,
          signal: deadline.signal,
          // The Deadline bounds the exchange; undici's own timers only back it up.
          headersTimeout: req.timeoutMs + 5000,
          bodyTimeout: req.timeoutMs + 5000
        })
      } catch (error) {
        throw networkFailure(error, deadline, ctx, req.idempotent, req.timeoutMs, redact)
      }
      const { statusCode: status, headers: answerHeaders } = response
      if (status >= 300 && status < 400) {
        discard(response.body)
        const location = answerHeaders.location
        throw new AttemptFailure(
          () => redirectError(ctx, status, Array.isArray(location) ? location[0] : location),
          false,
          null,
          String(status)
        )
      }
      let raw: Buffer
      try {
        raw = await readCapped(response.body, MAX_ANSWER_BYTES, deadline.touch)
      } catch (error) {
        if (error instanceof AnswerTooLarge) {
          throw new AttemptFailure(
            () => protocolError(ctx, error.message, { status }),
            false,
            null,
            'too large'
          )
        }
        throw networkFailure(error, deadline, ctx, req.idempotent, req.timeoutMs, redact)
      }
      logger.debug(
        `ML Arena: ${ctx.route} → ${status} (${Math.round(now() - started)} ms, ${raw.length} bytes)`
      )
      if (status >= 200 && status < 300 && req.expect === 'bytes')
        return { status, data: null, text: '', bytes: raw }
      const text = raw.toString('utf8')
      if (status >= 200 && status < 300) return this.#success(req, ctx, status, text)
      throw this.#refusal(req, ctx, status, text, answerHeaders['retry-after'])
    } finally {
      deadline.clear()
      opened?.stream.destroy()
    }
  }

  #success(req: ApiRequest, ctx: RequestContext, status: number, text: string): ApiResponse {
    if (req.expect === 'none') return { status, data: null, text: '' }
    if (req.expect === 'text') return { status, data: null, text: this.#options.redact(text) }
    const trimmed = text.trim()
    if (trimmed === '' && req.expect === 'optional') return { status, data: null, text: '' }
    if (req.expect === 'optional' && !/^[{["]/.test(trimmed)) {
      return { status, data: null, text: this.#options.redact(trimmed) }
    }
    try {
      return { status, data: JSON.parse(trimmed), text: '' }
    } catch {
      const detail =
        trimmed === ''
          ? 'an empty answer where JSON was expected'
          : 'an answer that is not valid JSON'
      throw new AttemptFailure(
        note => protocolError(ctx, detail, { status, outcomeUnknown: !req.idempotent, note }),
        req.idempotent,
        null,
        'unreadable answer'
      )
    }
  }

  #refusal(
    req: ApiRequest,
    ctx: RequestContext,
    status: number,
    text: string,
    retryAfter: string | string[] | undefined
  ): AttemptFailure {
    // Redact before the text is cut to length, so no part of a secret survives the cut.
    const serverMessage = serverTextOf(this.#options.redact(text))
    let json: unknown = null
    try {
      json = JSON.parse(text)
    } catch {
      // not JSON: serverMessage holds the raw text
    }
    let body: unknown = undefined
    try {
      body = JSON.parse(this.#options.redact(text))
    } catch {
      // not JSON (or masking broke it): callers have serverMessage
    }
    const record = json && typeof json === 'object' ? (json as Record<string, unknown>) : {}
    const maintenance = status === 503 && record.maintenance_mode === true
    const quota = req.deploy && status === 409 && req.refusal ? req.refusal(json) : undefined
    // 429/503 are refusals (nothing was done); 502/504 may be a gateway giving up on a request
    // the backend still carries out; 500 is the application's own, often passing, failure.
    // An idempotent call may repeat after any of them: repeating it cannot do anything twice.
    const refusal = status === 429 || status === 503
    const retryable =
      refusal || (req.idempotent && (status === 500 || status === 502 || status === 504))
    const outcomeUnknown = !req.idempotent && status >= 500 && status !== 503
    const retryAfterMs = refusal ? parseRetryAfter(retryAfter, this.#options.now()) : null
    return new AttemptFailure(
      note =>
        httpError(
          {
            ...ctx,
            status,
            serverMessage,
            maintenance,
            deploy: req.deploy,
            quota,
            outcomeUnknown,
            body
          },
          note
        ),
      retryable,
      retryAfterMs,
      String(status)
    )
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.dispatcher.close()
  }
}
