/** How long the GitHub side waits for GitHub's rate limits (shared by the Octokit and its error messages). */

/** Tries per request when GitHub rate-limits it, the first included. */
export const RATE_LIMIT_ATTEMPTS = 3
/** Longest wait for a rate limit to lift; past it the request fails (a comment is not worth more). */
export const MAX_RATE_LIMIT_WAIT_S = 60
