/**
 * Marks on a commit, where people look for a result: a check run (Checks API, needs
 * `checks: write`) or, where the token may not write checks, a commit status (`statuses:
 * write`). The participant action marks the head commit pending when it does not wait; the
 * follow-up lists what is still pending on a commit and completes it. Annotations ride on the
 * check run (50 per request, GitHub's limit).
 */
import { isRequestError } from './errors.js'
import type { Octokit } from './octokit-type.js'

export interface Repo {
  owner: string
  repo: string
}

export interface Annotation {
  /** Path in the repository, `/`-separated. */
  path: string
  line: number
  level: 'failure' | 'warning' | 'notice'
  title: string
  message: string
}

export type PendingMarkResult =
  | { kind: 'check-run'; id: number }
  | { kind: 'status'; context: string }
  /** Neither write was allowed: why, for the warning. */
  | { kind: 'none'; reason: string }

export interface PendingMarkRequest {
  sha: string
  /** The check run's name (the competition's). */
  name: string
  externalId: string
  /** The check run's title and summary (Markdown), and its text (the follow-up's snapshot). */
  title: string
  summary: string
  text: string
  /** The commit status's context and description (140 characters at most). */
  context: string
  description: string
  /** Where both link: the ML Arena page. */
  detailsUrl: string | null
}

/** GitHub cuts a status description at 140 characters. */
const STATUS_DESCRIPTION_MAX = 140
const ANNOTATIONS_PER_REQUEST = 50
/** Check run output fields take at most 65,535 characters. */
const OUTPUT_MAX = 65_000

/** A 403/404 that says the token may not do this (the permission is missing). */
export function isPermissionRefusal(error: unknown): boolean {
  if (!isRequestError(error)) return false
  if (error.status === 404) return true
  // A 403 is also how GitHub says "rate limited": that one is not about permissions.
  const data = error.response?.data as { message?: unknown } | undefined
  const message = typeof data?.message === 'string' ? data.message : error.message
  return error.status === 403 && !/rate limit/i.test(message)
}

/**
 * Marks `sha` pending: a check run in progress, else a pending commit status, else nothing
 * (the reason says which permissions are missing). Other errors are thrown.
 */
export async function markPending(
  octokit: Octokit,
  repo: Repo,
  request: PendingMarkRequest
): Promise<PendingMarkResult> {
  try {
    const created = await octokit.rest.checks.create({
      ...repo,
      name: request.name,
      head_sha: request.sha,
      status: 'in_progress',
      external_id: request.externalId,
      started_at: new Date().toISOString(),
      ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
      output: {
        title: request.title,
        summary: clip(request.summary),
        text: clip(request.text)
      }
    })
    return { kind: 'check-run', id: created.data.id }
  } catch (error) {
    if (!isPermissionRefusal(error)) throw error
  }
  try {
    await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha: request.sha,
      state: 'pending',
      context: request.context,
      description: request.description.slice(0, STATUS_DESCRIPTION_MAX),
      ...(request.detailsUrl ? { target_url: request.detailsUrl } : {})
    })
    return { kind: 'status', context: request.context }
  } catch (error) {
    if (!isPermissionRefusal(error)) throw error
  }
  return {
    kind: 'none',
    reason:
      "the token may write neither check runs nor commit statuses; give the job 'permissions: checks: write' (or 'statuses: write')"
  }
}

export type Conclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'timed_out'

export interface CheckRunResult {
  conclusion: Conclusion
  title: string
  summary: string
  text: string
  detailsUrl: string | null
  annotations: Annotation[]
}

/** Completes a check run; annotations beyond the first 50 go in further updates. */
export async function completeCheckRun(
  octokit: Octokit,
  repo: Repo,
  checkRunId: number,
  result: CheckRunResult
): Promise<void> {
  const batches: Annotation[][] = []
  for (let at = 0; at < result.annotations.length; at += ANNOTATIONS_PER_REQUEST) {
    batches.push(result.annotations.slice(at, at + ANNOTATIONS_PER_REQUEST))
  }
  const output = (annotations: Annotation[]) => ({
    title: result.title,
    summary: clip(result.summary),
    text: clip(result.text),
    ...(annotations.length > 0 ? { annotations: annotations.map(toGitHubAnnotation) } : {})
  })
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    ...(result.detailsUrl ? { details_url: result.detailsUrl } : {}),
    output: output(batches[0] ?? [])
  })
  for (const batch of batches.slice(1)) {
    await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, output: output(batch) })
  }
}

export async function setFinalStatus(
  octokit: Octokit,
  repo: Repo,
  sha: string,
  status: {
    context: string
    state: 'success' | 'failure' | 'error'
    description: string
    targetUrl: string | null
  }
): Promise<void> {
  await octokit.rest.repos.createCommitStatus({
    ...repo,
    sha,
    state: status.state,
    context: status.context,
    description: status.description.slice(0, STATUS_DESCRIPTION_MAX),
    ...(status.targetUrl ? { target_url: status.targetUrl } : {})
  })
}

/** A check run still in progress on a commit, as the follow-up reads it. */
export interface PendingCheckRun {
  id: number
  name: string
  headSha: string
  externalId: string | null
  /** The app that wrote it (github-actions for GITHUB_TOKEN). */
  appSlug: string | null
  text: string | null
}

/** A commit status still pending, as the follow-up reads it. */
export interface PendingStatus {
  sha: string
  context: string
  creatorLogin: string | null
  creatorType: string | null
  targetUrl: string | null
  createdAt: string | null
}

interface CheckRunData {
  id: number
  name: string
  head_sha: string
  status: string
  external_id?: string | null
  app?: { slug?: string } | null
  output?: { text?: string | null } | null
}

/** The check runs in progress on `ref` (every app's: the caller keeps its own). */
export async function listPendingCheckRuns(
  octokit: Octokit,
  repo: Repo,
  ref: string
): Promise<PendingCheckRun[]> {
  const found: PendingCheckRun[] = []
  const pages = octokit.paginate.iterator(octokit.rest.checks.listForRef, {
    ...repo,
    ref,
    status: 'in_progress',
    filter: 'latest',
    per_page: 100
  })
  for await (const page of pages) {
    for (const run of page.data as unknown as CheckRunData[]) {
      if (run.status !== 'in_progress') continue
      found.push({
        id: run.id,
        name: run.name,
        headSha: run.head_sha,
        externalId: run.external_id ?? null,
        appSlug: run.app?.slug ?? null,
        text: run.output?.text ?? null
      })
    }
  }
  return found
}

/** The latest status of each context on `ref` that is still pending. */
export async function listPendingStatuses(
  octokit: Octokit,
  repo: Repo,
  ref: string
): Promise<PendingStatus[]> {
  const combined = await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref, per_page: 100 })
  const data = combined.data as {
    sha: string
    statuses: {
      state: string
      context: string
      target_url?: string | null
      creator?: { login?: string; type?: string } | null
      created_at?: string | null
    }[]
  }
  return data.statuses
    .filter(status => status.state === 'pending')
    .map(status => ({
      sha: data.sha,
      context: status.context,
      creatorLogin: status.creator?.login ?? null,
      creatorType: status.creator?.type ?? null,
      targetUrl: status.target_url ?? null,
      createdAt: status.created_at ?? null
    }))
}

function toGitHubAnnotation(annotation: Annotation) {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level,
    title: annotation.title.slice(0, 255),
    message: annotation.message.slice(0, 64_000)
  }
}

function clip(text: string): string {
  return text.length <= OUTPUT_MAX ? text : `${text.slice(0, OUTPUT_MAX)}\n\n…(cut)`
}
