/**
 * One line for a failed GitHub call, from Octokit's RequestError: what was called, GitHub's
 * words (and a 422's reasons), and what to do about the usual causes.
 */
import { oneLine } from '../format.js'
import { RATE_LIMIT_ATTEMPTS } from './limits.js'

/** The fields of @octokit/request-error's RequestError read here (duck-typed: no runtime import). */
interface RequestErrorLike extends Error {
  status: number
  message: string
  request?: { method?: string; url?: string }
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> }
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { request?: unknown }).request === 'object'
  )
}

export function describeGitHubError(error: unknown): string {
  if (!isRequestError(error)) return error instanceof Error ? error.message : String(error)
  const method = error.request?.method ?? 'GET'
  const path = error.request?.url ? new URL(error.request.url).pathname : '?'
  const route = `${method} ${path}`
  const status = error.status
  if (!error.response) {
    return `GitHub did not answer ${route}: ${causeOf(error)}`
  }
  const message = githubMessage(error.response.data)
  const quoted = message ? `: "${message}"` : ''
  const headers = error.response.headers ?? {}
  if (
    (status === 403 || status === 429) &&
    (/secondary rate/i.test(message) ||
      status === 429 ||
      String(headers['x-ratelimit-remaining']) === '0')
  ) {
    return `GitHub rate-limited ${route} (${status})${quoted}; gave up after ${RATE_LIMIT_ATTEMPTS} attempts.`
  }
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return `GitHub refused ${route} (403)${quoted}: the token lacks a permission; for PR comments give the job 'permissions: pull-requests: write'.`
  }
  if (status === 403) {
    return `GitHub answered 403 to ${route}${quoted}. Give the job 'permissions: pull-requests: write' (fork pull requests get a read-only token: see the README's workflow_run recipe).`
  }
  if (status === 404)
    return `GitHub answered 404 to ${route}${quoted}. The pull request may be gone.`
  return `GitHub answered ${status} to ${route}${quoted}.`
}

function githubMessage(data: unknown): string {
  if (typeof data === 'string') return oneLine(data)
  const parsed = (typeof data === 'object' && data !== null ? data : {}) as {
    message?: unknown
    errors?: unknown
  }
  let message = typeof parsed.message === 'string' ? parsed.message : ''
  // A 422 says why in `errors` ("Body is too long (maximum is 65536 characters)").
  const details = (Array.isArray(parsed.errors) ? (parsed.errors as unknown[]) : [])
    .map(entry => (typeof entry === 'string' ? entry : (entry as { message?: unknown })?.message))
    .filter((detail): detail is string => typeof detail === 'string' && detail !== '')
  if (details.length > 0) message = `${message}: ${details.slice(0, 3).join('; ')}`
  return oneLine(message, 500)
}

/** The innermost cause's message and code ("connect ECONNREFUSED 127.0.0.1:443"), duck-typed. */
function causeOf(error: Error): string {
  let deepest: { message?: unknown; code?: unknown; cause?: unknown } = error
  while (typeof deepest.cause === 'object' && deepest.cause !== null) {
    deepest = deepest.cause as typeof deepest
  }
  const message = typeof deepest.message === 'string' ? deepest.message : String(deepest)
  const code =
    typeof deepest.code === 'string' && !message.includes(deepest.code) ? ` (${deepest.code})` : ''
  return oneLine(`${message}${code}`)
}
