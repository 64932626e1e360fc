/**
 * A fake GitHub REST API on 127.0.0.1 for the end-to-end tests: issue comments (paginated, with
 * Link headers), pull request lists, GET /user and GraphQL viewer, and injectable failures
 * (403 no permission, 404 PR gone, 422 body too long, secondary rate limits with retry-after).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeComment {
  id: number
  issue: number
  body: string
  user: { login: string; type: 'Bot' | 'User' }
  html_url: string
}

export interface FakePull {
  number: number
  head: { sha: string; repo: { full_name: string } | null }
}

export interface FakeGitHubRequest {
  method: string
  path: string
  authorization: boolean
  body: string
}

export interface FakeGitHubOptions {
  /** The login the token acts as (github-actions[bot] for GITHUB_TOKEN). */
  login?: string
  /** GET /user answers 403 as it does for GITHUB_TOKEN and app tokens. */
  userRouteForbidden?: boolean
  perPage?: number
}

export type FakeGitHubFault =
  | { kind: 'forbidden'; method?: string; times?: number }
  | { kind: 'not-found'; method?: string; times?: number }
  | { kind: 'too-long' }
  | { kind: 'secondary-rate-limit'; method?: string; times?: number; retryAfter?: number }

export class FakeGitHub {
  readonly comments: FakeComment[] = []
  readonly pulls: FakePull[] = []
  readonly requests: FakeGitHubRequest[] = []
  readonly faults: FakeGitHubFault[] = []
  readonly login: string
  #server: http.Server
  #nextId = 1000
  #userRouteForbidden: boolean
  #perPage: number
  url = ''

  constructor(options: FakeGitHubOptions = {}) {
    this.login = options.login ?? 'github-actions[bot]'
    this.#userRouteForbidden = options.userRouteForbidden ?? true
    this.#perPage = options.perPage ?? 30
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

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
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

  #fault(method: string, kind: FakeGitHubFault['kind']): FakeGitHubFault | null {
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
    this.requests.push({
      method,
      path: url.pathname + url.search,
      authorization: Boolean(req.headers.authorization),
      body
    })
    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(data))
    }

    const limited = this.#fault(method, 'secondary-rate-limit')
    if (limited && limited.kind === 'secondary-rate-limit') {
      return send(
        403,
        { message: 'You have exceeded a secondary rate limit.' },
        { 'retry-after': String(limited.retryAfter ?? 1) }
      )
    }
    if (this.#fault(method, 'forbidden'))
      return send(403, { message: 'Resource not accessible by integration' })
    if (this.#fault(method, 'not-found')) return send(404, { message: 'Not Found' })

    if (method === 'GET' && url.pathname === '/user') {
      return this.#userRouteForbidden
        ? send(403, { message: 'Resource not accessible by integration' })
        : send(200, { login: this.login })
    }
    if (method === 'POST' && url.pathname === '/graphql') {
      return send(200, { data: { viewer: { login: this.login } } })
    }

    let match = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname)
    if (match) {
      const issue = Number(match[1])
      if (method === 'GET') return this.#page(res, url, this.commentsOn(issue))
      if (method === 'POST') {
        const text = (JSON.parse(body) as { body: string }).body
        if (text.length > 65536 || this.#fault(method, 'too-long')) {
          return send(422, {
            message: 'Validation Failed',
            errors: [{ message: 'Body is too long (maximum is 65536 characters)' }]
          })
        }
        return send(201, this.addComment(issue, text, { login: this.login, type: 'Bot' }))
      }
    }
    match = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)
    if (match) {
      const comment = this.comments.find(entry => entry.id === Number(match?.[1]))
      if (!comment) return send(404, { message: 'Not Found' })
      if (method === 'PATCH') {
        const text = (JSON.parse(body) as { body: string }).body
        if (text.length > 65536 || this.#fault(method, 'too-long')) {
          return send(422, {
            message: 'Validation Failed',
            errors: [{ message: 'Body is too long (maximum is 65536 characters)' }]
          })
        }
        comment.body = text
        return send(200, comment)
      }
      if (method === 'DELETE') {
        this.comments.splice(this.comments.indexOf(comment), 1)
        res.writeHead(204)
        return void res.end()
      }
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls$/.test(url.pathname)) {
      return this.#page(res, url, this.pulls)
    }
    send(404, { message: 'Not Found' })
  }

  #page(res: http.ServerResponse, url: URL, items: unknown[]): void {
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
