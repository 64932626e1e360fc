/**
 * The challenge action's sticky plan comment, on the shared GitHub side (src/github/): the run's
 * pull request (workflow_run included), our identity, and one comment per key updated in place.
 * A comment failure never fails the run: it warns, and the job summary has the report.
 */
import { CLIENT_VERSION } from '../arena/version.js'
import type { RunContext } from '../github/run-context.js'
import { openStickyComment } from '../github/sticky-comment.js'
import type { Logger } from '../logger.js'
import { renderKeyMarker, startsWithKeyMarker } from '../report/sticky-marker.js'

export interface StickyCommentRequest {
  context: RunContext
  token: string | null
  /** The workflow asked for a comment on any event (comment: on). */
  required: boolean
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
  const sticky = await openStickyComment({
    token: request.token,
    context: request.context,
    log,
    userAgent: `mlarena-action/${CLIENT_VERSION}`,
    required: request.required,
    isOurs: body => startsWithKeyMarker(body, request.tag, request.key)
  })
  if (!sticky) return null
  const result = await sticky.publish(request.render(renderKeyMarker(request.tag, request.key)))
  return result?.url ?? null
}
