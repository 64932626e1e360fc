/**
 * HTTP plumbing shared by the API and storage servers: the request log, fault injection around
 * the handler, and writing replies. Handlers return a Reply instead of writing, so an `after`
 * fault can replace what the request produced.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { ActiveFault, FaultEngine } from './faults.ts'
import type { RequestLogEntry } from '../types.ts'

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** Several buffers are written one after the other (a big board is not copied into one). */
  body: string | Buffer | Buffer[]
}

/** A refusal the API answers with `{"error": message, ...extra}`. */
export class ApiError extends Error {
  readonly status: number
  readonly extra: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    status: number,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {}
  ) {
    super(message)
    this.status = status
    this.extra = extra
    this.headers = headers
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  }
}

export function errorReply(error: ApiError): Reply {
  return json(error.status, { error: error.message, ...error.extra }, error.headers)
}

/** Reads a JSON body (small: at most 1 MiB). Empty body → undefined. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > 1024 * 1024) throw new ApiError(413, 'JSON body too large')
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ApiError(400, 'The body is not valid JSON')
  }
}

const LOG_CAP = 100_000

export class RequestLog {
  private entries: RequestLogEntry[] = []
  private seq = 0

  start(server: 'api' | 'storage', req: IncomingMessage, url: URL): RequestLogEntry {
    const length = req.headers['content-length']
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      server,
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      headers: {
        authorization: req.headers.authorization !== undefined,
        cookie: req.headers.cookie !== undefined,
        contentType: req.headers['content-type'] ?? null,
        contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
        userAgent: req.headers['user-agent'] ?? null
      }
    }
    if (server === 'api') entry.query = Object.fromEntries(url.searchParams)
    this.entries.push(entry)
    if (this.entries.length > LOG_CAP) this.entries.splice(0, this.entries.length - LOG_CAP)
    return entry
  }

  list(): RequestLogEntry[] {
    return this.entries.map(e => ({
      ...e,
      headers: { ...e.headers },
      ...(e.query ? { query: { ...e.query } } : {})
    }))
  }

  get count(): number {
    return this.seq
  }

  clear(): void {
    this.entries = []
  }
}

export interface ServerHooks {
  server: 'api' | 'storage'
  faults: FaultEngine
  log: RequestLog
  handle(req: IncomingMessage, url: URL): Promise<Reply>
  /** Routes outside the log and the faults (the emulator's own /__emulator routes); null: not one. */
  control?(req: IncomingMessage, url: URL): Promise<Reply> | null
  /** Where a `redirect` fault sends the client. */
  redirectTarget(url: URL): string
  onError(error: unknown): void
}

function faultReply(fault: ActiveFault, redirect: string, processed: Reply | null): Reply {
  switch (fault.kind) {
    case 'redirect':
      return {
        status: 302,
        headers: { location: redirect, 'content-type': 'text/plain' },
        body: ''
      }
    case 'malformed': {
      const processedText = processed ? Buffer.concat(bodyChunks(processed.body)).toString() : ''
      const full =
        processedText.length > 2
          ? processedText
          : '{"status":"ok","message":"done","data":{"id":1}}'
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: full.slice(0, Math.max(1, Math.floor(full.length / 2)))
      }
    }
    default:
      return statusReply(fault)
  }
}

function statusReply(fault: ActiveFault): Reply {
  switch (fault.status) {
    case 429:
      return json(
        429,
        { error: 'Too many requests: slow down and retry later' },
        { 'retry-after': fault.retryAfter }
      )
    case 503:
      return json(503, {
        error: 'ML Arena is under maintenance; try again later',
        maintenance_mode: true
      })
    case 502:
      return {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n'
      }
    case 504:
      return {
        status: 504,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></body></html>\n'
      }
    case 500:
      return json(500, { error: 'Internal server error' })
    default:
      return json(fault.status, { error: `Injected fault: status ${fault.status}` })
  }
}

function bodyChunks(body: Reply['body']): Buffer[] {
  if (Array.isArray(body)) return body
  return [typeof body === 'string' ? Buffer.from(body) : body]
}

function send(res: ServerResponse, reply: Reply): void {
  const chunks = bodyChunks(reply.body)
  const length = chunks.reduce((sum, c) => sum + c.length, 0)
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(length)
  })
  for (const chunk of chunks) res.write(chunk) // Node drops the body of a HEAD reply
  res.end()
}

/** A reply cut short: full Content-Length, half the body, then the connection drops. */
function sendTruncated(res: ServerResponse, reply: Reply): void {
  const body = Buffer.concat(bodyChunks(reply.body))
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) })
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy())
}

function reset(req: IncomingMessage, res: ServerResponse): void {
  res.destroy()
  req.socket.destroy()
}

const delay = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export function createEmulatorServer(hooks: ServerHooks): Server {
  const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
    void serve(hooks, req, res).catch(error => {
      hooks.onError(error)
      if (!res.headersSent) send(res, json(500, { error: 'Internal server error' }))
      else res.destroy()
    })
  })
  return server
}

async function serve(hooks: ServerHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const control = hooks.control?.(req, url)
  if (control) {
    send(res, await control)
    return
  }
  const entry = hooks.log.start(hooks.server, req, url)
  res.on('finish', () => {
    entry.status = res.statusCode
  })
  const fault = hooks.faults.pick(hooks.server, entry.method, url.pathname)
  if (fault) {
    entry.fault = fault.kind
    entry.faultWhen = fault.when
  }
  if (fault?.kind === 'latency') await delay(fault.latencyMs)
  const active = fault && fault.kind !== 'latency' ? fault : null

  if (active?.when === 'before') {
    if (active.kind === 'reset') {
      reset(req, res)
      return
    }
    req.resume() // the request is refused unread
    const reply = faultReply(active, hooks.redirectTarget(url), null)
    if (active.kind === 'malformed' && hooks.server === 'storage') sendTruncated(res, reply)
    else send(res, reply)
    return
  }

  let reply: Reply
  try {
    reply = await hooks.handle(req, url)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    reply = errorReply(error)
  }
  if (!req.complete) req.resume()
  if (!active) {
    send(res, reply)
    return
  }
  // `after`: the request was processed; its reply is lost or mangled.
  if (active.kind === 'reset') reset(req, res)
  else if (active.kind === 'malformed' && hooks.server === 'storage') sendTruncated(res, reply)
  else send(res, faultReply(active, hooks.redirectTarget(url), reply))
}
