/**
 * Sticky comments on an Octokit: who we are, our marked comments on an issue or pull request
 * (paginated), update in place or create, and the pull request of a workflow_run's head.
 */
import { isRequestError } from './errors.js'
import type { Octokit } from './octokit-type.js'

export interface CommentTarget {
  owner: string
  repo: string
  issueNumber: number
}

export interface StickyComment {
  id: number
  url: string
  body: string
}

interface IssueComment {
  id: number
  html_url: string
  body?: string | null
  user?: { login?: string; type?: string } | null
}

/**
 * The login the token acts as. GITHUB_TOKEN and app tokens cannot read GET /user ("Resource not
 * accessible by integration"); GraphQL's viewer answers for them. null when neither answers: the
 * caller then trusts bot-authored comments only.
 */
export async function resolveIdentity(octokit: Octokit): Promise<string | null> {
  try {
    const user = await octokit.rest.users.getAuthenticated()
    if (typeof user.data?.login === 'string') return user.data.login
  } catch (error) {
    if (!isRequestError(error)) throw error
  }
  try {
    const viewer = await octokit.graphql<{ viewer?: { login?: unknown } }>(
      'query { viewer { login } }'
    )
    if (typeof viewer?.viewer?.login === 'string') return viewer.viewer.login
  } catch (error) {
    // A refused request, or an answer with GraphQL errors: no identity.
    if (!isRequestError(error) && (error as Error)?.name !== 'GraphqlResponseError') throw error
  }
  return null
}

export function isAuthoredBy(comment: IssueComment, identity: string | null): boolean {
  const login = comment.user?.login
  if (identity) return login === identity || login === identity.replace(/\[bot\]$/, '')
  return comment.user?.type === 'Bot'
}

/** All our comments on the issue whose body `isOurs` recognises, oldest first. */
export async function findStickyComments(
  octokit: Octokit,
  target: CommentTarget,
  isOurs: (body: string) => boolean,
  identity: string | null
): Promise<StickyComment[]> {
  const found: StickyComment[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
  for await (const page of pages) {
    for (const comment of page.data as IssueComment[]) {
      const body = comment.body ?? ''
      if (isAuthoredBy(comment, identity) && isOurs(body)) {
        found.push({ id: comment.id, url: comment.html_url, body })
      }
    }
  }
  return found.sort((a, b) => a.id - b.id)
}

export interface UpsertResult {
  id: number
  url: string
  created: boolean
}

/**
 * Updates the sticky comment in place, or creates it. Two jobs with the same key can race to
 * create one each; after creating, the list is read again and every copy but the oldest is
 * removed, so the pull request ends with one comment whichever job finishes last.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  target: CommentTarget,
  existing: StickyComment | null,
  body: string,
  findAgain: () => Promise<StickyComment[]>
): Promise<UpsertResult> {
  const repo = { owner: target.owner, repo: target.repo }
  if (existing) {
    const updated = await octokit.rest.issues.updateComment({
      ...repo,
      comment_id: existing.id,
      body
    })
    return { id: updated.data.id, url: updated.data.html_url, created: false }
  }
  const created = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: target.issueNumber,
    body
  })
  const copies = await findAgain()
  const oldest = copies[0]
  if (!oldest || oldest.id === created.data.id) {
    return { id: created.data.id, url: created.data.html_url, created: true }
  }
  await octokit.rest.issues.deleteComment({ ...repo, comment_id: created.data.id })
  const kept = await octokit.rest.issues.updateComment({ ...repo, comment_id: oldest.id, body })
  return { id: kept.data.id, url: kept.data.html_url, created: false }
}

/**
 * workflow_run: the open pull request whose head is the triggering run's commit. Found from the
 * head SHA through the API, never from an artifact (which the pull request's author controls).
 */
export async function findPullRequestByHead(
  octokit: Octokit,
  owner: string,
  repo: string,
  headSha: string,
  headRepository: string | null
): Promise<number | null> {
  const pages = octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    per_page: 100
  })
  for await (const page of pages) {
    for (const pr of page.data) {
      if (pr.head?.sha !== headSha) continue
      if (headRepository && pr.head.repo?.full_name !== headRepository) continue
      return pr.number
    }
  }
  return null
}
