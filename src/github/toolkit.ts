/**
 * The part of the Actions toolkit that only runs about a pull request need: @actions/github
 * (the run's context, and an Octokit on GITHUB_API_URL, so GHES works with no setting, through
 * the proxy HTTPS_PROXY / NO_PROXY name) with GitHub's throttling and retry plugins. Loaded by
 * `import()` (see load-toolkit.ts), so runs that never talk to GitHub do not compile it.
 */
import { context, getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { MAX_RATE_LIMIT_WAIT_S, RATE_LIMIT_ATTEMPTS } from './limits.js'
import type { Octokit } from './octokit-type.js'

export { context }

export interface OctokitOptions {
  userAgent: string
  /** Default: GITHUB_API_URL (https://api.github.com), as @actions/github reads it. */
  baseUrl?: string
  debug(message: string): void
  warning(message: string): void
}

export function createOctokit(token: string, options: OctokitOptions): Octokit {
  const { debug, warning } = options
  const retryWithin =
    (kind: string) =>
    (retryAfter: number, request: RequestInfo, _: unknown, retryCount: number): boolean => {
      const wanted = retryCount + 1 < RATE_LIMIT_ATTEMPTS && retryAfter <= MAX_RATE_LIMIT_WAIT_S
      debug(
        `GitHub ${kind} on ${request.method} ${request.url}: ${wanted ? `retrying in ${retryAfter} s` : 'giving up'}.`
      )
      return wanted
    }
  return getOctokit(
    token,
    {
      userAgent: options.userAgent,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      log: { debug, info: debug, warn: warning, error: debug },
      throttle: {
        onRateLimit: retryWithin('rate limit'),
        onSecondaryRateLimit: retryWithin('secondary rate limit')
      }
    },
    throttling,
    retry
  )
}

interface RequestInfo {
  method: string
  url: string
}
