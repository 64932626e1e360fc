/**
 * Small scripted HTTP servers (and a forward/CONNECT proxy) on 127.0.0.1 for the transport
 * tests, plus clients wired to record their sleeps, warnings and secrets.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { ArenaClient, type ArenaClientOptions } from '../../src/arena/client.js'

export const TOKEN = 'mlk_user_ab12cd34_s3cr3t_with_underscores'
export const CREATOR_TOKEN = 'mlk_creator_ef56_an0ther5ecret'

export interface Recorded {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer
) => void | Promise<void>

export interface TestServer {
  url: string
  port: number
  requests: Recorded[]
  close(): Promise<void>
}

/** A server whose handler sees each request with its whole body (bodies are small here). */
export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: Recorded[] = []
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    try {
      await handler(req, res, body)
    } catch (error) {
      res.statusCode = 599
      res.end(String(error))
    }
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** Answers in order; the last answer repeats. */
export function sequence(...steps: Handler[]): Handler {
  let index = 0
  return (req, res, body) => {
    const step = steps[Math.min(index++, steps.length - 1)] as Handler
    return step(req, res, body)
  }
}

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {}
): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(value))
  }
}

export function text(status: number, value: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers })
    res.end(value)
  }
}

/** Destroys the socket without an answer (after reading the request). */
export const reset: Handler = req => {
  req.socket.destroy()
}

/** Never answers (until the server closes). */
export const hang: Handler = () => new Promise(() => {})

export interface Harness {
  client: ArenaClient
  sleeps: number[]
  warnings: string[]
  logs: string[]
  secrets: string[]
}

/** A client with recorded sleeps (no real waiting), logs and secrets, and its own pool. */
export function harness(baseUrl: string, options: Partial<ArenaClientOptions> = {}): Harness {
  const sleeps: number[] = []
  const warnings: string[] = []
  const logs: string[] = []
  const secrets: string[] = []
  const client = new ArenaClient({
    baseUrl,
    token: TOKEN,
    wire: 'current',
    dispatcher: new Agent(),
    random: () => 0.5,
    sleep: async ms => {
      sleeps.push(ms)
    },
    logger: {
      debug: m => logs.push(m),
      info: m => logs.push(m),
      warning: m => {
        warnings.push(m)
        logs.push(m)
      }
    },
    onSecret: s => secrets.push(s),
    ...options
  })
  return { client, sleeps, warnings, logs, secrets }
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

export interface TestProxy {
  url: string
  /** Absolute-form requests forwarded, and CONNECT targets tunnelled. */
  seen: string[]
  close(): Promise<void>
}

/**
 * A forward proxy (absolute-form http requests) that also tunnels CONNECT. `hosts` maps names
 * to addresses, like a proxy's own DNS: a client must send a loopback host through the proxy,
 * and @actions/http-client bypasses the proxy for 127.0.0.1 and localhost.
 */
export async function startProxy(hosts: Record<string, string> = {}): Promise<TestProxy> {
  const address = (host: string): string => hosts[host] ?? host
  const seen: string[] = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = http.request(
      {
        host: address(target.hostname),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`)
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), address(host ?? ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream).add(client)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
