/**
 * GitHub's own webhook payloads (npm `@octokit/webhooks-examples`, the examples GitHub's
 * documentation shows), as event files for the end-to-end runs, with the variables a runner
 * sets beside them. Variants (a fork, Dependabot) start from a real payload and change only
 * what GitHub changes for them.
 */
import { createRequire } from 'node:module'

interface WebhookExamples {
  name: string
  examples: Record<string, unknown>[]
}

const require = createRequire(import.meta.url)
const ALL = require('@octokit/webhooks-examples') as WebhookExamples[]

type Payload = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of GitHub's first example of the event (with that `action`, when given). */
export function webhookExample(event: string, action?: string): Payload {
  const examples = ALL.find(entry => entry.name === event)?.examples ?? []
  const found = examples.find(example => action === undefined || example.action === action)
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event} ${action ?? ''} example`)
  return structuredClone(found) as Payload
}

/** The pull request payload as it reads when the head branch is in `owner`'s fork. */
export function fromFork(payload: Payload, owner: string): Payload {
  const fork = structuredClone(payload)
  const repo = fork.pull_request.head.repo
  fork.pull_request.head.repo = {
    ...repo,
    full_name: `${owner}/${repo.name}`,
    owner: { ...repo.owner, login: owner },
    fork: true
  }
  fork.pull_request.head.label = `${owner}:${fork.pull_request.head.ref}`
  fork.pull_request.user = { ...fork.pull_request.user, login: owner }
  fork.sender = { ...fork.sender, login: owner }
  return fork
}

/** The pull request payload as Dependabot's pull requests read (same repository, its login). */
export function fromDependabot(payload: Payload): Payload {
  const bot = structuredClone(payload)
  const login = 'dependabot[bot]'
  bot.pull_request.user = { ...bot.pull_request.user, login, type: 'Bot' }
  bot.sender = { ...bot.sender, login, type: 'Bot' }
  return bot
}

/** The variables a runner sets for a run of this event (what the toolkit's context reads). */
export function runnerEnvFor(event: string, payload: Payload): Record<string, string> {
  const repository = payload.repository.full_name as string
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] as string,
    GITHUB_ACTOR: payload.sender?.login ?? 'octo'
  }
  if (event === 'push') {
    env.GITHUB_SHA = payload.after
    env.GITHUB_REF = payload.ref
    env.GITHUB_REF_NAME = String(payload.ref).replace(/^refs\/(heads|tags)\//, '')
  } else if (event.startsWith('pull_request')) {
    // The merge commit GitHub makes for the run is not in the payload: any commit id will do.
    env.GITHUB_SHA = 'f'.repeat(40)
    env.GITHUB_REF = `refs/pull/${payload.number}/merge`
    env.GITHUB_REF_NAME = `${payload.number}/merge`
  } else if (event === 'workflow_run') {
    // workflow_run runs on the default branch's latest commit, not on the triggering head.
    env.GITHUB_SHA = 'e'.repeat(40)
    env.GITHUB_REF = `refs/heads/${payload.repository.default_branch}`
    env.GITHUB_REF_NAME = payload.repository.default_branch
  }
  return env
}
