/**
 * The challenge action's one door to GitHub (besides @actions/core): the run's pull request,
 * and the sticky comment on it. Everything here goes through src/github/ (event.ts, rest.ts,
 * comments.ts) today, so moving to @actions/github is a change to this file only. A comment
 * failure never fails the run: it warns, and the job summary has the report.
 */
import { readFile } from 'node:fs/promises'
import { CLIENT_VERSION } from '../arena/version.js'
import {
  findStickyComments,
  resolveIdentity,
  upsertStickyComment,
  type CommentTarget
} from '../github/comments.js'
import { readGitHubRun, type GitHubRun } from '../github/event.js'
import { GitHubApi, GitHubError } from '../github/rest.js'
import type { Logger } from '../logger.js'
import { renderKeyMarker, startsWithKeyMarker } from '../report/sticky-marker.js'

export interface RunContext {
  run: GitHubRun
  /** The pull request this run is about, if any. */
  pullRequest: { number: number; fromFork: boolean; fromDependabot: boolean } | null
}

export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  let payload: unknown = {}
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as unknown
    } catch {
      payload = {}
    }
  }
  const run = readGitHubRun(env, payload)
  return { run, pullRequest: run.pullRequest }
}

export interface StickyCommentRequest {
  context: RunContext
  token: string
  /** The marker tag (one fixed word) and the key that tells this comment from others. */
  tag: string
  key: string
  /** Renders the body; it gets the marker line to put first. */
  render: (marker: string) => string
}

/** Creates or updates the sticky comment; its URL, or null (with a warning) when it could not. */
export async function publishStickyComment(
  request: StickyCommentRequest,
  log: Logger
): Promise<string | null> {
  const { run, pullRequest } = request.context
  if (!pullRequest) {
    log.warning('comment is on, but this run is not about a pull request: no comment written.')
    return null
  }
  if (!request.token) {
    log.warning('No github-token: the PR comment is skipped; the job summary has the plan.')
    return null
  }
  const api = new GitHubApi({
    apiUrl: run.apiUrl,
    token: request.token,
    userAgent: `mlarena-action/${CLIENT_VERSION}`
  })
  const target: CommentTarget = {
    owner: run.owner,
    repo: run.repo,
    issueNumber: pullRequest.number
  }
  const ours = (body: string): boolean => startsWithKeyMarker(body, request.tag, request.key)
  try {
    const identity = await resolveIdentity(api, run.graphqlUrl)
    const existing = (await findStickyComments(api, target, ours, identity))[0] ?? null
    const body = request.render(renderKeyMarker(request.tag, request.key))
    const result = await upsertStickyComment(api, target, existing, body, () =>
      findStickyComments(api, target, ours, identity)
    )
    log.info(`${result.created ? 'Wrote' : 'Updated'} the PR comment: ${result.url}`)
    return result.url
  } catch (error) {
    log.warning(`Could not write the PR comment (the job summary has the plan): ${why(error)}`)
    return null
  }
}

function why(error: unknown): string {
  if (error instanceof GitHubError && error.status === 403)
    return `${error.message} Give the job 'permissions: pull-requests: write'.`
  return error instanceof Error ? error.message : String(error)
}
