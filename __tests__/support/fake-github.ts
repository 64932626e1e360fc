/**
 * A fake GitHub REST API on 127.0.0.1 for the end-to-end tests: issue comments (paginated, with
 * Link headers), pull request lists, GET /user and GraphQL viewer, and injectable failures
 * (403 no permission, 404 PR gone, 422 body too long, secondary rate limits with retry-after).
 *
 * It is held to GitHub's OpenAPI description (./openapi-check.ts): each route it answers must be
 * documented (else the constructor throws), and each request it receives is checked (route,
 * method, query parameters, body fields); close() fails with every violation it recorded, so a
 * suite that uses the fake fails when its action calls GitHub in a way GitHub does not allow.
 * Add a route for a new action to ROUTES below: it is checked like the others.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { OpenApiCheck, templatePattern } from './openapi-check.ts'

export interface FakeComment {
  id: number
  updated_at: string
  issue_url: string
  issue: number
  body: string
  user: { login: string; type: 'Bot' | 'User' }
  html_url: string
}

export interface FakePull {
  number: number
  state: 'open' | 'closed'
  head: { sha: string; repo: { full_name: string } | null }
}

export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  external_id: string | null
  details_url: string | null
  started_at: string | null
  completed_at: string | null
  output: {
    title: string | null
    summary: string | null
    text: string | null
    annotations_count: number
  }
  /** Every annotation sent for this run (GitHub keeps them all across updates). */
  annotations: Record<string, unknown>[]
  app: { slug: string; id: number }
}

export interface FakeStatus {
  id: number
  sha: string
  state: 'error' | 'failure' | 'pending' | 'success'
  context: string
  description: string | null
  target_url: string | null
  creator: { login: string; type: 'Bot' | 'User' }
  created_at: string
}

export interface FakeCommit {
  sha: string
  /** ISO date of the commit (the list's `since` filters on it). */
  date: string
}

export interface FakeGitHubRequest {
  method: string
  path: string
  authorization: boolean
  body: string
}

export interface FakeRoute {
  method: string
  /** The path as GitHub's OpenAPI description writes it, e.g. /repos/{owner}/{repo}/pulls */
  template: string
  handle(exchange: Exchange): void
}

export interface FakeGitHubOptions {
  /** The login the token acts as (github-actions[bot] for GITHUB_TOKEN). */
  login?: string
  /** GET /user answers 403 as it does for GITHUB_TOKEN and app tokens. */
  userRouteForbidden?: boolean
  perPage?: number
  /** More routes (checked against GitHub's description like the built-in ones). */
  extraRoutes?: FakeRoute[]
}

export type FakeGitHubFault =
  | { kind: 'forbidden'; method?: string; times?: number; path?: string }
  | { kind: 'not-found'; method?: string; times?: number }
  | { kind: 'too-long' }
  | { kind: 'secondary-rate-limit'; method?: string; times?: number; retryAfter?: number }

export interface Exchange {
  fake: FakeGitHub
  method: string
  url: URL
  params: string[]
  body: string
  res: http.ServerResponse
  send(status: number, data: unknown, headers?: Record<string, string>): void
}

const MAX_BODY = 65536

function tooLong(exchange: Exchange, text: string): boolean {
  if (typeof text !== 'string') {
    exchange.send(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' })
    return true
  }
  if (text.length <= MAX_BODY && !exchange.fake.takeFault(exchange.method, 'too-long')) return false
  exchange.send(422, {
    message: 'Validation Failed',
    errors: [{ message: 'Body is too long (maximum is 65536 characters)' }]
  })
  return true
}

const ROUTES: FakeRoute[] = [
  {
    method: 'GET',
    template: '/user',
    handle: ({ fake, send }) =>
      fake.userRouteForbidden
        ? send(403, { message: 'Resource not accessible by integration' })
        : send(200, { login: fake.login })
  },
  {
    method: 'POST',
    template: '/graphql',
    handle: ({ fake, send }) => send(200, { data: { viewer: { login: fake.login } } })
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    handle: ({ fake, res, url, params }) => fake.page(res, url, fake.commentsOn(Number(params[2])))
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    handle: exchange => {
      const text = (JSON.parse(exchange.body) as { body: string }).body
      if (tooLong(exchange, text)) return
      const { fake, params } = exchange
      exchange.send(
        201,
        fake.addComment(Number(params[2]), text, { login: fake.login, type: 'Bot' })
      )
    }
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    handle: exchange => {
      const comment = exchange.fake.comments.find(entry => entry.id === Number(exchange.params[2]))
      if (!comment) return exchange.send(404, { message: 'Not Found' })
      const text = (JSON.parse(exchange.body) as { body: string }).body
      if (tooLong(exchange, text)) return
      comment.body = text
      comment.updated_at = new Date().toISOString()
      exchange.send(200, comment)
    }
  },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    handle: ({ fake, params, send, res }) => {
      const comment = fake.comments.find(entry => entry.id === Number(params[2]))
      if (!comment) return send(404, { message: 'Not Found' })
      fake.comments.splice(fake.comments.indexOf(comment), 1)
      res.writeHead(204)
      res.end()
    }
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/comments',
    handle: ({ fake, res, url }) => {
      const since = url.searchParams.get('since')
      const comments = fake.comments.filter(
        comment => !since || Date.parse(comment.updated_at) >= Date.parse(since)
      )
      fake.page(res, url, comments)
    }
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/check-runs',
    handle: ({ fake, body, send }) => {
      const data = JSON.parse(body) as Partial<FakeCheckRun> & {
        output?: { title?: string; summary?: string; text?: string }
      }
      send(201, fake.addCheckRun({ ...data, app: fake.appOfToken }))
    }
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    handle: ({ fake, body, params, send }) => {
      const run = fake.checkRuns.find(entry => entry.id === Number(params[2]))
      if (!run) return send(404, { message: 'Not Found' })
      if (run.app.slug !== fake.appOfToken.slug)
        return send(403, { message: 'Resource not accessible by integration' })
      const data = JSON.parse(body) as Record<string, unknown> & {
        output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] }
      }
      for (const key of ['status', 'conclusion', 'details_url', 'completed_at', 'external_id'])
        if (key in data) (run as unknown as Record<string, unknown>)[key] = data[key]
      if (data.conclusion) run.status = 'completed'
      if (data.output) {
        run.output.title = data.output.title ?? run.output.title
        run.output.summary = data.output.summary ?? run.output.summary
        run.output.text = data.output.text ?? run.output.text
        const added = (data.output.annotations ?? []) as Record<string, unknown>[]
        if (added.length > 50)
          return send(422, { message: 'Only 50 annotations are allowed per request' })
        run.annotations.push(...added)
        run.output.annotations_count = run.annotations.length
      }
      send(200, run)
    }
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    handle: ({ fake, url, params, send }) => {
      const status = url.searchParams.get('status')
      const name = url.searchParams.get('check_name')
      let runs = fake.checkRuns.filter(run => run.head_sha === params[2])
      if (url.searchParams.get('filter') !== 'all') {
        // filter=latest: the newest run of each name per app.
        const newest = new Map<string, FakeCheckRun>()
        for (const run of runs) newest.set(`${run.app.slug}\u0000${run.name}`, run)
        runs = [...newest.values()]
      }
      if (status) runs = runs.filter(run => run.status === status)
      if (name) runs = runs.filter(run => run.name === name)
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
      const page = Number(url.searchParams.get('page') ?? '1')
      send(200, {
        total_count: runs.length,
        check_runs: runs.slice((page - 1) * perPage, page * perPage)
      })
    }
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/statuses/{sha}',
    handle: ({ fake, body, params, send }) => {
      const data = JSON.parse(body) as Partial<FakeStatus>
      send(201, fake.addStatus({ ...data, sha: params[2] as string }))
    }
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/status',
    handle: ({ fake, params, send }) => {
      const sha = params[2] as string
      // The latest status of each context, newest first, as GitHub combines them.
      const latest = new Map<string, FakeStatus>()
      for (const status of fake.statuses.filter(entry => entry.sha === sha))
        latest.set(status.context, status)
      const statuses = [...latest.values()].reverse()
      const state = statuses.some(entry => entry.state === 'failure' || entry.state === 'error')
        ? 'failure'
        : statuses.some(entry => entry.state === 'pending')
          ? 'pending'
          : 'success'
      send(200, { state, sha, total_count: statuses.length, statuses })
    }
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits',
    handle: ({ fake, res, url }) => {
      const since = url.searchParams.get('since')
      const commits = fake.commits
        .filter(commit => !since || Date.parse(commit.date) >= Date.parse(since))
        .map(commit => ({ sha: commit.sha, commit: { committer: { date: commit.date } } }))
      fake.page(res, url, commits)
    }
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls',
    handle: ({ fake, res, url }) => {
      const state = url.searchParams.get('state') ?? 'open'
      const pulls = fake.pulls.filter(pull => state === 'all' || pull.state === state)
      fake.page(res, url, pulls)
    }
  }
]

export class FakeGitHub {
  readonly comments: FakeComment[] = []
  readonly checkRuns: FakeCheckRun[] = []
  readonly statuses: FakeStatus[] = []
  /** The commits of the branch GET /repos/{owner}/{repo}/commits lists, oldest first. */
  readonly commits: FakeCommit[] = []
  /** The app a check run written with the token belongs to (GITHUB_TOKEN: github-actions). */
  appOfToken: { slug: string; id: number }
  readonly pulls: FakePull[] = []
  readonly requests: FakeGitHubRequest[] = []
  readonly faults: FakeGitHubFault[] = []
  /** Requests GitHub's OpenAPI description does not allow, with the reason. */
  readonly violations: string[] = []
  readonly login: string
  readonly userRouteForbidden: boolean
  readonly #routes: (FakeRoute & { pattern: RegExp })[]
  readonly #openapi = OpenApiCheck.load()
  #server: http.Server
  #nextId = 1000
  #perPage: number
  url = ''

  constructor(options: FakeGitHubOptions = {}) {
    this.login = options.login ?? 'github-actions[bot]'
    this.userRouteForbidden = options.userRouteForbidden ?? true
    const slug = this.login.replace(/\[bot\]$/, '')
    this.appOfToken = { slug, id: 15368 }
    this.#perPage = options.perPage ?? 30
    const routes = [...ROUTES, ...(options.extraRoutes ?? [])]
    const undocumented = routes
      .map(route => this.#openapi.routeProblem(route.method, route.template))
      .filter((problem): problem is string => problem !== null)
    if (undocumented.length > 0) {
      throw new Error(
        `The fake GitHub answers routes GitHub does not have: ${undocumented.join('; ')}`
      )
    }
    this.#routes = routes.map(route => ({ ...route, pattern: templatePattern(route.template) }))
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', chunk => chunks.push(chunk as Buffer))
      req.on('end', () => this.#handle(req, res, Buffer.concat(chunks).toString('utf8')))
    })
  }

  async start(): Promise<this> {
    await new Promise<void>(resolve => this.#server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  /** Stops the server; fails with the violations of GitHub's description it recorded. */
  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
    if (this.violations.length > 0) {
      throw new Error(
        `The fake GitHub received requests GitHub's OpenAPI description does not allow:\n${this.violations.join('\n')}`
      )
    }
  }

  /** Adds a comment as someone else (or as us), as if it were already on the PR. */
  addComment(issue: number, body: string, user: FakeComment['user']): FakeComment {
    const id = this.#nextId++
    const comment = {
      id,
      updated_at: new Date().toISOString(),
      issue_url: `${this.url}/repos/octo/agent-repo/issues/${issue}`,
      issue,
      body,
      user,
      html_url: `https://github.example/pr/${issue}#issuecomment-${id}`
    }
    this.comments.push(comment)
    return comment
  }

  /** A check run, as if it were already on the commit (another app's, or ours). */
  addCheckRun(
    data: Partial<Omit<FakeCheckRun, 'output'>> & {
      output?: { title?: string; summary?: string; text?: string }
    }
  ): FakeCheckRun {
    const run: FakeCheckRun = {
      id: this.#nextId++,
      name: data.name ?? 'check',
      head_sha: data.head_sha ?? '',
      status: data.conclusion ? 'completed' : (data.status ?? 'queued'),
      conclusion: data.conclusion ?? null,
      external_id: data.external_id ?? null,
      details_url: data.details_url ?? null,
      started_at: data.started_at ?? null,
      completed_at: data.completed_at ?? null,
      output: {
        title: data.output?.title ?? null,
        summary: data.output?.summary ?? null,
        text: data.output?.text ?? null,
        annotations_count: 0
      },
      annotations: [],
      app: data.app ?? this.appOfToken
    }
    this.checkRuns.push(run)
    return run
  }

  /** A commit status, as if it were already on the commit (someone else's, or ours). */
  addStatus(data: Partial<FakeStatus> & { sha: string }): FakeStatus {
    const status: FakeStatus = {
      id: this.#nextId++,
      sha: data.sha,
      state: data.state ?? 'pending',
      context: data.context ?? 'default',
      description: data.description ?? null,
      target_url: data.target_url ?? null,
      creator: data.creator ?? { login: this.login, type: 'Bot' },
      created_at: data.created_at ?? new Date().toISOString()
    }
    this.statuses.push(status)
    return status
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter(comment => comment.issue === issue)
  }

  /** An open pull request with this head, for the pull request list. */
  pull(spec: { number: number; headSha: string; headRepository: string | null }): FakePull {
    return {
      number: spec.number,
      state: 'open',
      head: {
        sha: spec.headSha,
        repo: spec.headRepository ? { full_name: spec.headRepository } : null
      }
    }
  }

  /** The first matching fault, used up once when it has a count. */
  takeFault(method: string, kind: FakeGitHubFault['kind'], path = ''): FakeGitHubFault | null {
    const index = this.faults.findIndex(
      fault =>
        fault.kind === kind &&
        (!('method' in fault) || !fault.method || fault.method === method) &&
        (!('path' in fault) || !fault.path || path.includes(fault.path))
    )
    if (index < 0) return null
    const fault = this.faults[index] as FakeGitHubFault
    if ('times' in fault && fault.times !== undefined) {
      fault.times -= 1
      if (fault.times <= 0) this.faults.splice(index, 1)
    }
    return fault
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url)
    const method = req.method ?? 'GET'
    const path = url.pathname + url.search
    this.requests.push({ method, path, authorization: Boolean(req.headers.authorization), body })
    this.violations.push(...this.#openapi.check({ method, path, body }))
    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(data))
    }

    const limited = this.takeFault(method, 'secondary-rate-limit')
    if (limited && limited.kind === 'secondary-rate-limit') {
      return send(
        403,
        { message: 'You have exceeded a secondary rate limit.' },
        { 'retry-after': String(limited.retryAfter ?? 1) }
      )
    }
    if (this.takeFault(method, 'forbidden', url.pathname))
      return send(403, { message: 'Resource not accessible by integration' })
    if (this.takeFault(method, 'not-found')) return send(404, { message: 'Not Found' })

    for (const route of this.#routes) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null
      if (!match) continue
      try {
        return route.handle({ fake: this, method, url, params: match.slice(1), body, res, send })
      } catch (error) {
        // A request the fake cannot read (it is also in violations): answer, do not hang.
        return send(500, { message: error instanceof Error ? error.message : String(error) })
      }
    }
    send(404, { message: 'Not Found' })
  }

  /** One page of a list, with GitHub's Link header to the next. */
  page(res: http.ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(
      Number(url.searchParams.get('per_page') ?? this.#perPage),
      this.#perPage
    )
    const page = Number(url.searchParams.get('page') ?? '1')
    const slice = items.slice((page - 1) * perPage, page * perPage)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (page * perPage < items.length) {
      const next = new URL(url.toString())
      next.searchParams.set('page', String(page + 1))
      headers.link = `<${next.toString()}>; rel="next"`
    }
    res.writeHead(200, headers)
    res.end(JSON.stringify(slice))
  }
}
