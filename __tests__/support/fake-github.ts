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
  | { kind: 'forbidden'; method?: string; times?: number }
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
      issue,
      body,
      user,
      html_url: `https://github.example/pr/${issue}#issuecomment-${id}`
    }
    this.comments.push(comment)
    return comment
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
  takeFault(method: string, kind: FakeGitHubFault['kind']): FakeGitHubFault | null {
    const index = this.faults.findIndex(
      fault =>
        fault.kind === kind && (!('method' in fault) || !fault.method || fault.method === method)
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
    if (this.takeFault(method, 'forbidden'))
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
