/**
 * What the action needs to know about the workflow run that started it, read once from the
 * runner's environment and event payload (pure: the caller reads the payload file).
 */
export interface PullRequestInfo {
  number: number
  headSha: string | null
  /** owner/name of the head repository; null when the fork was deleted. */
  headRepository: string | null
  /** The head is in another repository: the run gets no secrets and a read-only token. */
  fromFork: boolean
  fromDependabot: boolean
}

export interface GitHubRun {
  eventName: string
  /** owner/name */
  repository: string
  owner: string
  repo: string
  sha: string
  refName: string | null
  serverUrl: string
  apiUrl: string
  /** GraphQL endpoint (api.github.com/graphql; on GHES <host>/api/graphql, beside /api/v3). */
  graphqlUrl: string
  runUrl: string | null
  actor: string | null
  /** The pull request the event is about (pull_request, pull_request_target). */
  pullRequest: PullRequestInfo | null
  /** workflow_run: the head commit of the run that triggered this one, to find its PR by. */
  triggeringRun: { headSha: string; headRepository: string | null; event: string | null } | null
}

const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])
const DEPENDABOT = 'dependabot[bot]'

export function readGitHubRun(env: NodeJS.ProcessEnv, payload: unknown): GitHubRun {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const [owner = '', repo = ''] = repository.split('/')
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  const event = asRecord(payload)
  const actor = env.GITHUB_ACTOR ?? null
  const apiUrl = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')
  const runUrl =
    env.GITHUB_RUN_ID && repository
      ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`
      : null

  let pullRequest: PullRequestInfo | null = null
  const pr = asRecord(event.pull_request)
  if (PULL_REQUEST_EVENTS.has(eventName) && typeof pr.number === 'number') {
    const head = asRecord(pr.head)
    const base = asRecord(pr.base)
    const headRepository = stringOrNull(asRecord(head.repo).full_name)
    const baseRepository = stringOrNull(asRecord(base.repo).full_name) ?? repository
    const author = stringOrNull(asRecord(pr.user).login)
    pullRequest = {
      number: pr.number,
      headSha: stringOrNull(head.sha),
      headRepository,
      fromFork: headRepository === null || headRepository !== baseRepository,
      fromDependabot: author === DEPENDABOT || actor === DEPENDABOT
    }
  }

  let triggeringRun: GitHubRun['triggeringRun'] = null
  const workflowRun = asRecord(event.workflow_run)
  const headSha = stringOrNull(workflowRun.head_sha)
  if (eventName === 'workflow_run' && headSha) {
    triggeringRun = {
      headSha,
      headRepository: stringOrNull(asRecord(workflowRun.head_repository).full_name),
      event: stringOrNull(workflowRun.event)
    }
  }

  return {
    eventName,
    repository,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    refName: env.GITHUB_REF_NAME || null,
    serverUrl,
    apiUrl,
    graphqlUrl: env.GITHUB_GRAPHQL_URL || apiUrl.replace(/\/v3$/, '') + '/graphql',
    runUrl,
    actor,
    pullRequest,
    triggeringRun
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}
