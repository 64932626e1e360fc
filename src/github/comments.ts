import { GitHubError, type GitHubApi } from './rest.js'

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
export async function resolveIdentity(api: GitHubApi, graphqlUrl: string): Promise<string | null> {
  try {
    const user = await api.request<{ login?: unknown }>('GET', '/user')
    if (typeof user.data?.login === 'string') return user.data.login
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error
  }
  try {
    const viewer = await api.request<{ data?: { viewer?: { login?: unknown } } }>(
      'POST',
      graphqlUrl,
      { query: 'query { viewer { login } }' }
    )
    const login = viewer.data?.data?.viewer?.login
    if (typeof login === 'string') return login
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error
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
  api: GitHubApi,
  target: CommentTarget,
  isOurs: (body: string) => boolean,
  identity: string | null
): Promise<StickyComment[]> {
  const found: StickyComment[] = []
  const path = `/repos/${target.owner}/${target.repo}/issues/${target.issueNumber}/comments`
  for await (const page of api.paginate<IssueComment>(path)) {
    for (const comment of page) {
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
  api: GitHubApi,
  target: CommentTarget,
  existing: StickyComment | null,
  body: string,
  findAgain: () => Promise<StickyComment[]>
): Promise<UpsertResult> {
  const base = `/repos/${target.owner}/${target.repo}/issues`
  if (existing) {
    const updated = await api.request<IssueComment>('PATCH', `${base}/comments/${existing.id}`, {
      body
    })
    return { id: updated.data.id, url: updated.data.html_url, created: false }
  }
  const created = await api.request<IssueComment>(
    'POST',
    `${base}/${target.issueNumber}/comments`,
    { body }
  )
  const copies = await findAgain()
  const oldest = copies[0]
  if (!oldest || oldest.id === created.data.id) {
    return { id: created.data.id, url: created.data.html_url, created: true }
  }
  await api.request('DELETE', `${base}/comments/${created.data.id}`)
  const kept = await api.request<IssueComment>('PATCH', `${base}/comments/${oldest.id}`, { body })
  return { id: kept.data.id, url: kept.data.html_url, created: false }
}

interface PullRequestListItem {
  number: number
  head?: { sha?: string; repo?: { full_name?: string } | null }
}

/**
 * workflow_run: the open pull request whose head is the triggering run's commit. Found from the
 * head SHA through the API, never from an artifact (which the pull request's author controls).
 */
export async function findPullRequestByHead(
  api: GitHubApi,
  owner: string,
  repo: string,
  headSha: string,
  headRepository: string | null
): Promise<number | null> {
  for await (const page of api.paginate<PullRequestListItem>(
    `/repos/${owner}/${repo}/pulls?state=open`
  )) {
    for (const pr of page) {
      if (pr.head?.sha !== headSha) continue
      if (headRepository && pr.head.repo?.full_name !== headRepository) continue
      return pr.number
    }
  }
  return null
}
