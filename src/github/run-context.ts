/**
 * What an action needs to know about the workflow run that started it: the event, the
 * repository, the pull request the event is about (with the fork and Dependabot rules), and for
 * workflow_run the run that triggered this one. Read from @actions/github's `context`.
 */
import { loadToolkit, type Toolkit } from './load-toolkit.js'

export interface PullRequestInfo {
  number: number
  headSha: string | null
  /** owner/name of the head repository; null when the fork was deleted. */
  headRepository: string | null
  /** The head is in another repository: the run gets no secrets and a read-only token. */
  fromFork: boolean
  fromDependabot: boolean
}

export interface TriggeringRun {
  /** The head commit of the run that triggered this one, to find its pull request by. */
  headSha: string
  headRepository: string | null
  /** The event of the triggering run (pull_request, push…). */
  event: string | null
}

export interface RunContext {
  eventName: string
  owner: string
  repo: string
  /** owner/name */
  repository: string
  /** https://github.com/owner/name (GITHUB_SERVER_URL on GHES) */
  repositoryUrl: string
  sha: string
  refName: string | null
  serverUrl: string
  /** This run's page, or null outside a runner. */
  runUrl: string | null
  actor: string | null
  /** The pull request the event is about (pull_request, pull_request_target). */
  pullRequest: PullRequestInfo | null
  /** workflow_run: the run that triggered this one. */
  triggeringRun: TriggeringRun | null
}

/** The fields of @actions/github's Context this module reads. */
export interface ToolkitContext {
  eventName: string
  sha: string
  actor: string
  runId: number
  serverUrl: string
  payload: Record<string, unknown>
  readonly repo: { owner: string; repo: string }
}

const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])
/** The events whose payload this module reads; the others need only the runner's variables. */
const PAYLOAD_EVENTS: ReadonlySet<string> = new Set([...PULL_REQUEST_EVENTS, 'workflow_run'])
const DEPENDABOT = 'dependabot[bot]'

/**
 * The run's context. On events whose payload matters (pull requests, workflow_run) it comes
 * from @actions/github, loaded for the occasion; on the others (push, schedule…) the runner's
 * variables say all there is, and a run that never talks to GitHub does not load the toolkit.
 */
export async function loadRunContext(
  env: NodeJS.ProcessEnv = process.env,
  load: () => Promise<Pick<Toolkit, 'context'>> = loadToolkit
): Promise<RunContext> {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  let context = variablesOnly(env)
  if (PAYLOAD_EVENTS.has(eventName)) {
    try {
      context = (await load()).context as ToolkitContext
    } catch {
      // The toolkit reads the payload file as it loads: an unreadable one (not JSON) leaves the
      // runner's variables, and the run is reported as one about no pull request.
    }
  }
  return readRunContext(context, env)
}

/** The context of a run whose payload is not needed, from the variables every runner sets. */
function variablesOnly(env: NodeJS.ProcessEnv): ToolkitContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    sha: env.GITHUB_SHA ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    runId: Number.parseInt(env.GITHUB_RUN_ID ?? '', 10),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    payload: {},
    repo: { owner, repo }
  }
}

/** Pure: the run context from the toolkit's context (GITHUB_REF_NAME is not in it). */
export function readRunContext(context: ToolkitContext, env: NodeJS.ProcessEnv = {}): RunContext {
  const { owner, repo } = repositoryOf(context)
  const repository = owner && repo ? `${owner}/${repo}` : ''
  const serverUrl = (context.serverUrl || 'https://github.com').replace(/\/+$/, '')
  const eventName = context.eventName ?? ''
  const actor = context.actor || null
  const payload = asRecord(context.payload)

  let pullRequest: PullRequestInfo | null = null
  const pr = asRecord(payload.pull_request)
  if (PULL_REQUEST_EVENTS.has(eventName) && typeof pr.number === 'number') {
    const head = asRecord(pr.head)
    const headRepository = stringOrNull(asRecord(head.repo).full_name)
    const baseRepository = stringOrNull(asRecord(asRecord(pr.base).repo).full_name) ?? repository
    const author = stringOrNull(asRecord(pr.user).login)
    pullRequest = {
      number: pr.number,
      headSha: stringOrNull(head.sha),
      headRepository,
      fromFork: headRepository === null || headRepository !== baseRepository,
      fromDependabot: author === DEPENDABOT || actor === DEPENDABOT
    }
  }

  let triggeringRun: TriggeringRun | null = null
  const workflowRun = asRecord(payload.workflow_run)
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
    owner,
    repo,
    repository,
    repositoryUrl: repository ? `${serverUrl}/${repository}` : '',
    sha: context.sha ?? '',
    refName: env.GITHUB_REF_NAME || null,
    serverUrl,
    runUrl:
      repository && Number.isFinite(context.runId) && context.runId > 0
        ? `${serverUrl}/${repository}/actions/runs/${context.runId}`
        : null,
    actor,
    pullRequest,
    triggeringRun
  }
}

/** context.repo throws without GITHUB_REPOSITORY and a payload repository: '' then. */
function repositoryOf(context: ToolkitContext): { owner: string; repo: string } {
  try {
    return context.repo
  } catch {
    return { owner: '', repo: '' }
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}
