/** A tiny router: "METHOD /api/a/:cid/b" patterns; `:cid`/`:aid` params must be integers. */
import type { IncomingMessage } from 'node:http'
import type { Reply } from './http.ts'
import type { TokenRecord } from '../platform/world.ts'

export interface RouteContext {
  req: IncomingMessage
  url: URL
  params: Record<string, string>
  token: TokenRecord
}

/** A public read's context: `viewer` is null when the caller sent no Authorization header. */
export interface PublicContext {
  req: IncomingMessage
  url: URL
  params: Record<string, string>
  viewer: TokenRecord | null
}

export interface Route {
  method: string
  segments: string[]
  handle(ctx: RouteContext): Reply | Promise<Reply>
  /** Public reads only: how the route answers a caller that sent no token. */
  anonymous?: (ctx: PublicContext) => Reply | Promise<Reply>
}

export function route(
  method: string,
  pattern: string,
  handle: (ctx: RouteContext) => Reply | Promise<Reply>
): Route {
  return { method, segments: split(pattern), handle }
}

/**
 * A public read: it answers without a token what anyone may see; with a token (which must be
 * valid), what that caller may see.
 */
export function publicRoute(
  method: string,
  pattern: string,
  handle: (ctx: PublicContext) => Reply | Promise<Reply>
): Route {
  return {
    method,
    segments: split(pattern),
    handle: ({ token, ...rest }) => handle({ ...rest, viewer: token }),
    anonymous: handle
  }
}

function split(path: string): string[] {
  return path.split('/').filter(s => s.length > 0)
}

const INTEGER_PARAMS: ReadonlySet<string> = new Set(['cid', 'aid'])

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i] as string
    const a = actual[i] as string
    if (p.startsWith(':')) {
      const name = p.slice(1)
      let value: string
      try {
        value = decodeURIComponent(a)
      } catch {
        return null
      }
      if (INTEGER_PARAMS.has(name) && !/^\d{1,9}$/.test(value)) return null
      params[name] = value
    } else if (p !== a) return null
  }
  return params
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' }

export function matchRoute(routes: Route[], method: string, pathname: string): Match {
  const actual = split(pathname)
  let pathMatched = false
  for (const candidate of routes) {
    const params = matchSegments(candidate.segments, actual)
    if (!params) continue
    if (candidate.method === method || (method === 'HEAD' && candidate.method === 'GET'))
      return { kind: 'found', route: candidate, params }
    pathMatched = true
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' }
}

export function intParam(ctx: { params: Record<string, string> }, name: string): number {
  return Number(ctx.params[name])
}

/** A wire's routes, and a way to prepare a big leaderboard before the first request. */
export interface WireApi {
  routes: Route[]
  warm(cid: number, userId: number): void
}
