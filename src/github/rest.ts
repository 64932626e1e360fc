import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici'
import { ActionError } from '../errors.js'

/** A GitHub REST call failed; `status` 0 means no answer (network). */
export class GitHubError extends ActionError {
  override name = 'GitHubError'
  readonly status: number
  readonly route: string

  constructor(status: number, route: string, message: string) {
    super(message)
    this.status = status
    this.route = route
  }
}

export interface GitHubApiOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com or https://ghe.example.com/api/v3 */
  apiUrl: string
  token: string
  dispatcher?: Dispatcher
  sleep?: (ms: number) => Promise<void>
  userAgent?: string
  /** Longest wait the client accepts for a rate limit before it gives up. */
  maxRetryWaitMs?: number
}

export interface GitHubResponse<T> {
  status: number
  data: T
  headers: Record<string, string | string[] | undefined>
}

const MAX_ATTEMPTS = 3

/**
 * A small GitHub REST client on the same undici stack as the ML Arena client (one HTTP stack in
 * the bundle). It makes one request at a time, waits out secondary rate limits as GitHub asks
 * (`retry-after`, or `x-ratelimit-reset` when the primary limit is spent), and turns every
 * failure into a one-line GitHubError.
 */
export class GitHubApi {
  readonly #base: string
  readonly #token: string
  readonly #dispatcher: Dispatcher
  readonly #sleep: (ms: number) => Promise<void>
  readonly #userAgent: string
  readonly #maxRetryWaitMs: number

  constructor(options: GitHubApiOptions) {
    this.#base = options.apiUrl.replace(/\/+$/, '')
    this.#token = options.token
    // Self-hosted runners behind a proxy: HTTPS_PROXY / NO_PROXY apply to GitHub calls too.
    this.#dispatcher = options.dispatcher ?? new EnvHttpProxyAgent()
    this.#sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)))
    this.#userAgent = options.userAgent ?? 'mlarena-action'
    this.#maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<GitHubResponse<T>> {
    const url = /^https?:\/\//.test(path) ? path : this.#base + path
    const route = `${method} ${new URL(url).pathname}`
    for (let attempt = 1; ; attempt++) {
      let response: Dispatcher.ResponseData
      try {
        response = await request(url, {
          method: method as Dispatcher.HttpMethod,
          dispatcher: this.#dispatcher,
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${this.#token}`,
            'user-agent': this.#userAgent,
            'x-github-api-version': '2022-11-28',
            ...(body === undefined ? {} : { 'content-type': 'application/json' })
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: 30_000,
          bodyTimeout: 30_000
        })
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && method === 'GET') continue
        const reason = error instanceof Error ? error.message : String(error)
        throw new GitHubError(0, route, `GitHub did not answer ${route}: ${reason}`)
      }
      const text = await response.body.text()
      const headers = response.headers
      if (response.statusCode < 300) {
        return { status: response.statusCode, data: (text ? JSON.parse(text) : null) as T, headers }
      }
      const wait = rateLimitWait(response.statusCode, headers)
      if (wait !== null && attempt < MAX_ATTEMPTS && wait <= this.#maxRetryWaitMs) {
        await this.#sleep(wait)
        continue
      }
      throw new GitHubError(
        response.statusCode,
        route,
        describeFailure(route, response.statusCode, text, wait)
      )
    }
  }

  /** Every item of a list route, following `Link: rel="next"` (100 a page). */
  async *paginate<T>(path: string): AsyncGenerator<T[]> {
    let next: string | null = path + (path.includes('?') ? '&' : '?') + 'per_page=100'
    while (next) {
      const page: GitHubResponse<T[]> = await this.request<T[]>('GET', next)
      yield page.data ?? []
      next = nextLink(page.headers.link, this.#base)
    }
  }
}

/** Milliseconds GitHub asks us to wait, or null when the failure is not a rate limit. */
export function rateLimitWait(
  status: number,
  headers: Record<string, string | string[] | undefined>
): number | null {
  if (status !== 403 && status !== 429) return null
  const retryAfter = header(headers, 'retry-after')
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  }
  if (header(headers, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(headers, 'x-ratelimit-reset'))
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - Date.now())
  }
  return status === 429 ? 60_000 : null
}

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string
): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The path (relative to the API base) of the next page, from a Link header. */
export function nextLink(link: string | string[] | undefined, base: string): string | null {
  const value = Array.isArray(link) ? link.join(',') : link
  if (!value) return null
  for (const part of value.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)
    if (match?.[1]) {
      const url = match[1]
      return url.startsWith(base) ? url.slice(base.length) : null
    }
  }
  return null
}

function describeFailure(route: string, status: number, text: string, wait: number | null): string {
  let message = ''
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown }
    if (typeof parsed.message === 'string') message = parsed.message
    // A 422 says why in `errors` ("Body is too long (maximum is 65536 characters)").
    const details = (Array.isArray(parsed.errors) ? (parsed.errors as unknown[]) : [])
      .map(entry => (typeof entry === 'string' ? entry : (entry as { message?: unknown })?.message))
      .filter((detail): detail is string => typeof detail === 'string' && detail !== '')
    if (details.length > 0) message = `${message}: ${details.slice(0, 3).join('; ')}`
  } catch {
    message = text.slice(0, 200)
  }
  message = message.replace(/\s+/g, ' ').trim()
  const quoted = message ? `: "${message}"` : ''
  if (wait !== null) {
    return `GitHub rate-limited ${route} (${status})${quoted}; gave up after ${MAX_ATTEMPTS} attempts.`
  }
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return `GitHub refused ${route} (403)${quoted}: the token lacks a permission; for PR comments give the job 'permissions: pull-requests: write'.`
  }
  return `GitHub answered ${status} to ${route}${quoted}.`
}
