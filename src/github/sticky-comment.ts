/**
 * The sticky comment every action of this repository keeps on a pull request, in two steps:
 *
 *   const thread = await openCommentThread({ token, context, log, userAgent, required })
 *   const sticky = await thread?.findSticky(body => hasMyMarker(body))   // existing: the last one
 *   …
 *   await sticky?.publish(body)                                          // url, or null
 *
 * openCommentThread finds the pull request (the event's, or on workflow_run the open one whose
 * head is the triggering run's commit) and makes the Octokit; findSticky resolves the token's
 * identity and finds our comment that carries the marker; publish updates it in place or
 * creates it. Each step that fails warns (the job summary has the report) and gives null: a
 * comment never fails a step.
 */
import type { Logger } from '../logger.js'
import {
  findPullRequestByHead,
  findStickyComments,
  resolveIdentity,
  upsertStickyComment,
  type CommentTarget,
  type StickyComment,
  type UpsertResult
} from './comments.js'
import { describeGitHubError } from './errors.js'
import { loadToolkit } from './load-toolkit.js'
import type { Octokit } from './octokit-type.js'
import type { RunContext } from './run-context.js'

export type { StickyComment, UpsertResult } from './comments.js'

export interface CommentThreadOptions {
  /** github-token; empty or null: no comment (with a warning). */
  token: string | null | undefined
  context: RunContext
  log: Logger & { debug?(message: string): void }
  userAgent: string
  /** The workflow asked for a comment on any event: warn when the run is about no pull request. */
  required?: boolean
}

export interface CommentThread {
  octokit: Octokit
  target: CommentTarget
  /** Our comment that `isOurs` recognises (existing: null when there is none yet). */
  findSticky(isOurs: (body: string) => boolean): Promise<StickyCommentHandle | null>
}

export interface StickyCommentHandle {
  target: CommentTarget
  /** Our oldest comment with the marker, to update and to read the previous run's state from. */
  existing: StickyComment | null
  /** Writes `body` (update in place, or create); null when GitHub refused (warned). */
  publish(body: string): Promise<UpsertResult | null>
}

const SKIPPED = 'The PR comment is skipped (the job summary has the report)'
const NOT_WRITTEN = 'Could not write the PR comment (the job summary has the report)'

/** The pull request this run comments on, or null (with a warning where it matters). */
export async function openCommentThread(
  options: CommentThreadOptions
): Promise<CommentThread | null> {
  const { context, log } = options
  if (!context.pullRequest && !context.triggeringRun) {
    if (options.required)
      log.warning('comment is on, but this run is not about a pull request: no comment written.')
    return null
  }
  if (!options.token) {
    log.warning('No github-token: the PR comment is skipped; the job summary has the report.')
    return null
  }
  try {
    const toolkit = await loadToolkit()
    const octokit = toolkit.createOctokit(options.token, {
      userAgent: options.userAgent,
      debug: message => options.log.debug?.(message),
      warning: message => log.warning(message)
    })
    let issueNumber = context.pullRequest?.number ?? null
    if (issueNumber === null && context.triggeringRun) {
      issueNumber = await findPullRequestByHead(
        octokit,
        context.owner,
        context.repo,
        context.triggeringRun.headSha,
        context.triggeringRun.headRepository
      )
    }
    if (issueNumber === null) {
      if (options.required)
        log.warning('comment is on, but this run is not about a pull request: no comment written.')
      return null
    }
    const target = { owner: context.owner, repo: context.repo, issueNumber }
    return {
      octokit,
      target,
      findSticky: isOurs => findSticky(octokit, target, isOurs, log)
    }
  } catch (error) {
    log.warning(`${SKIPPED}: ${describeGitHubError(error)}`)
    return null
  }
}

/** Both steps at once, for an action whose key does not depend on the pull request's number. */
export async function openStickyComment(
  options: CommentThreadOptions & { isOurs: (body: string) => boolean }
): Promise<StickyCommentHandle | null> {
  const thread = await openCommentThread(options)
  return thread ? thread.findSticky(options.isOurs) : null
}

async function findSticky(
  octokit: Octokit,
  target: CommentTarget,
  isOurs: (body: string) => boolean,
  log: Logger
): Promise<StickyCommentHandle | null> {
  try {
    const identity = await resolveIdentity(octokit)
    const find = (): Promise<StickyComment[]> =>
      findStickyComments(octokit, target, isOurs, identity)
    const existing = (await find())[0] ?? null
    return {
      target,
      existing,
      async publish(body) {
        try {
          const result = await upsertStickyComment(octokit, target, existing, body, find)
          log.info(`${result.created ? 'Wrote' : 'Updated'} the PR comment: ${result.url}`)
          return result
        } catch (error) {
          log.warning(`${NOT_WRITTEN}: ${describeGitHubError(error)}`)
          return null
        }
      }
    }
  } catch (error) {
    log.warning(`${SKIPPED}: ${describeGitHubError(error)}`)
    return null
  }
}
