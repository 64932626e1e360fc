/**
 * Errors of every conversation with ML Arena. Each message is one line a user can act on: what
 * was being done, the status and route, the server's own words, and a hint. Messages never
 * carry the token or a signed URL's query (see `secrets.ts`).
 */
import { ActionError } from '../errors.js'
import type { DeployQuota } from './model.js'
import { maskUrl, maskUrlsIn } from './secrets.js'

export { maskUrl } from './secrets.js'

export type ArenaErrorKind =
  | 'auth'
  | 'scope'
  | 'not-found'
  | 'quota'
  | 'validation'
  | 'rate-limited'
  | 'maintenance'
  | 'server'
  | 'network'
  | 'timeout'
  | 'redirect'
  | 'protocol'
  | 'ambiguous'

export interface ArenaErrorDetails {
  kind: ArenaErrorKind
  /** e.g. `PUT /api/submissions/challenge/1/5/deploy` (ids included, no query string). */
  route: string
  status?: number
  /** The server's `error` text (or its raw answer), already one line and free of secrets. */
  serverMessage?: string
  /** Deploy refusals: the limits the server sent with the refusal. */
  quota?: DeployQuota
  /** A refusal's JSON answer (secrets masked), for callers that read more than `error`. */
  body?: unknown
  /**
   * The request may have been carried out although it failed (a non-idempotent call that failed
   * after it was sent: 500/502/504, reset, timeout, unreadable answer). Callers look at the
   * server's state before repeating it.
   */
  outcomeUnknown?: boolean
}

export class ArenaError extends ActionError {
  override name = 'ArenaError'
  readonly kind: ArenaErrorKind
  readonly route: string
  readonly status: number | undefined
  readonly serverMessage: string | undefined
  readonly quota: DeployQuota | undefined
  readonly body: unknown
  readonly outcomeUnknown: boolean

  constructor(message: string, details: ArenaErrorDetails) {
    super(message)
    this.kind = details.kind
    this.route = details.route
    this.status = details.status
    this.serverMessage = details.serverMessage
    this.quota = details.quota
    this.body = details.body
    this.outcomeUnknown = details.outcomeUnknown ?? false
  }
}

/** A local file could not be read (upload) or written (log download): not ML Arena's doing. */
export class LocalFileError extends ActionError {
  override name = 'LocalFileError'
  readonly path: string

  constructor(action: 'read' | 'write', path: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code
    const reason =
      typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause)
    super(`Could not ${action} ${path}: ${reason}`)
    this.path = path
  }
}

/** What a request was for and where it went: the first words of its error messages. */
export interface RequestContext {
  /** A noun phrase: "the deploy", "the upload of agent.py". */
  what: string
  route: string
}

const MAX_SERVER_TEXT = 300

/**
 * Server text made safe for a one-line message: markup and control characters (including bidi
 * overrides) dropped, whitespace collapsed, URLs masked, length capped.
 */
export function oneLineText(text: string, max = MAX_SERVER_TEXT): string {
  let out = text
  if (/<\/?[a-z][^>]*>/i.test(out))
    out = out.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')
  out = maskUrlsIn(out)
    // Control characters are exactly what must go: they could break the line or the terminal.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return out.length > max ? `${out.slice(0, max - 1)}…` : out
}

/** The server's words from an error body: JSON `error` (or `message`), else the raw text. */
export function serverTextOf(body: string): string {
  const trimmed = body.trim()
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (parsed && typeof parsed === 'object') {
        const record = parsed as Record<string, unknown>
        for (const key of ['error', 'message', 'detail']) {
          const value = record[key]
          if (typeof value === 'string' && value.trim() !== '') return oneLineText(value)
        }
      }
    } catch {
      // not JSON after all: the raw text below
    }
  }
  return oneLineText(trimmed)
}

export interface HttpFailure extends RequestContext {
  status: number
  serverMessage: string
  /** 503 with `maintenance_mode: true`. */
  maintenance?: boolean
  /** The route is a deploy: a 409 is a deploy refusal (quota, or nothing deployable). */
  deploy?: boolean
  quota?: DeployQuota
  outcomeUnknown?: boolean
  /** The refusal's JSON answer, secrets masked. */
  body?: unknown
}

export function kindOfStatus(
  status: number,
  failure: { maintenance?: boolean; deploy?: boolean; quota?: DeployQuota }
): ArenaErrorKind {
  if (status === 401) return 'auth'
  if (status === 403) return 'scope'
  if (status === 404 || status === 410) return 'not-found'
  if (status === 429) return 'rate-limited'
  if (status === 409 && failure.deploy)
    return failure.quota && quotaExhausted(failure.quota) ? 'quota' : 'validation'
  if (status === 503 && failure.maintenance) return 'maintenance'
  if (status >= 500) return 'server'
  if (status >= 300 && status < 400) return 'redirect'
  return 'validation'
}

export function quotaExhausted(quota: DeployQuota): boolean {
  return quota.canDeploy === false || quota.dailyRemaining === 0 || quota.activeRemaining === 0
}

const HINTS: Partial<Record<ArenaErrorKind, string>> = {
  auth: 'the token is missing, malformed or revoked: mint a new one on ML Arena',
  scope: "the token's user may not do this: it needs a user token of the agent's owner",
  'not-found': 'check the ids (a hidden competition also answers 404)',
  maintenance: 'ML Arena is in maintenance: try again later'
}

/** An error for a non-2xx answer. `note` (e.g. "gave up after 5 attempts") ends the line. */
export function httpError(failure: HttpFailure, note?: string): ArenaError {
  const kind = kindOfStatus(failure.status, failure)
  const verb =
    failure.status === 429 ? 'rate-limited' : failure.status >= 500 ? 'failed' : 'refused'
  const said = failure.serverMessage ? `: "${failure.serverMessage}"` : ''
  const hint = kind === 'quota' && failure.quota ? quotaHint(failure.quota) : HINTS[kind]
  const message = `ML Arena ${verb} ${failure.what} (${failure.status} on ${failure.route})${said}${hint ? `; ${hint}` : ''}${note ? ` (${note})` : ''}`
  return new ArenaError(message, {
    kind,
    route: failure.route,
    status: failure.status,
    serverMessage: failure.serverMessage || undefined,
    quota: failure.quota,
    outcomeUnknown: failure.outcomeUnknown,
    body: failure.body
  })
}

function quotaHint(quota: DeployQuota): string | undefined {
  if (quota.activeRemaining === 0) {
    return `the competition's limit of ${quota.maxActive ?? '?'} active agents is reached: delete one of yours first`
  }
  if (quota.nextDeployAt) return `next deploy possible at ${quota.nextDeployAt}`
  return undefined
}

export function redirectError(
  ctx: RequestContext,
  status: number,
  location: string | undefined
): ArenaError {
  let target = 'an unnamed location'
  if (location) {
    try {
      target = new URL(location, 'http://relative.invalid').host
      if (target === 'relative.invalid') target = 'a path on the same host'
    } catch {
      target = 'an invalid location'
    }
  }
  return new ArenaError(
    `ML Arena answered ${ctx.what} with a redirect to ${target} (${status} on ${ctx.route}); calls that carry the token never follow redirects: check the base URL`,
    { kind: 'redirect', route: ctx.route, status }
  )
}

export function networkError(
  ctx: RequestContext,
  reason: string,
  outcomeUnknown: boolean,
  note?: string
): ArenaError {
  return new ArenaError(
    `Could not reach ML Arena for ${ctx.what} (${ctx.route}): ${reason}${note ? ` (${note})` : ''}`,
    { kind: 'network', route: ctx.route, outcomeUnknown }
  )
}

export function timeoutError(
  ctx: RequestContext,
  timeoutMs: number,
  outcomeUnknown: boolean,
  note?: string
): ArenaError {
  const seconds = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`
  return new ArenaError(
    `ML Arena did not answer ${ctx.what} within ${seconds} (${ctx.route})${note ? ` (${note})` : ''}`,
    { kind: 'timeout', route: ctx.route, outcomeUnknown }
  )
}

export function protocolError(
  ctx: RequestContext,
  detail: string,
  details: { status?: number; outcomeUnknown?: boolean; note?: string } = {}
): ArenaError {
  const where = details.status === undefined ? ctx.route : `${details.status} on ${ctx.route}`
  return new ArenaError(
    `ML Arena sent an unexpected answer to ${ctx.what} (${where}): ${detail}${details.note ? ` (${details.note})` : ''}`,
    {
      kind: 'protocol',
      route: ctx.route,
      status: details.status,
      outcomeUnknown: details.outcomeUnknown
    }
  )
}

/** A URL for a message: never its query string. */
export function routeOfUrl(method: string, url: string): string {
  return `${method} ${maskUrl(url)}`
}
