/**
 * Game logs and replays through signed URLs: a plain GET with no Authorization header (the URL is the
 * credential), redirects followed there and only there (at most 3), the answer streamed to a
 * file up to a size cap (then stopped and marked truncated). Messages and logs name the URL
 * without its query string.
 */
import { open, rename, rm } from 'node:fs/promises'
import { request, type Dispatcher } from 'undici'
import {
  ArenaError,
  LocalFileError,
  httpError,
  routeOfUrl,
  serverTextOf,
  type RequestContext
} from './errors.js'
import {
  AttemptFailure,
  Deadline,
  discard,
  networkFailure,
  readCapped,
  type Transport
} from './http.js'
import { parseRetryAfter } from './retry.js'
import { maskUrl } from './secrets.js'

export const MAX_LOG_REDIRECTS = 3

export interface DownloadResult {
  bytes: number
  truncated: boolean
}

export interface DownloadOptions {
  maxBytes: number
  timeoutMs: number
  /** Called with each URL met on the way (the first one and every redirect target). */
  onUrl: (url: string) => void
  now: () => number
  /** Noun phrase for messages; default "the game log download". */
  what?: string
  /** Why a signed URL may be refused, for the 403 message; default the logs' 60 days. */
  expiry?: string
  /** Write to `<destination>.partial` and rename it when the body is complete (the SDK's way). */
  atomic?: boolean
  /** Bytes on disk so far, after each chunk is written. */
  onWritten?: (bytes: number) => void
}

export async function downloadToFile(
  transport: Transport,
  url: string,
  destination: string,
  options: DownloadOptions
): Promise<DownloadResult> {
  options.onUrl(url)
  const ctx: RequestContext = {
    what: options.what ?? 'the game log download',
    route: routeOfUrl('GET', url)
  }
  if (!options.atomic) {
    return transport.withRetries(ctx, () => attempt(transport, url, destination, options, ctx))
  }
  const partial = `${destination}.partial`
  try {
    const result = await transport.withRetries(ctx, () =>
      attempt(transport, url, partial, options, ctx)
    )
    await rename(partial, destination).catch((error: unknown) => {
      throw new LocalFileError('write', destination, error)
    })
    return result
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined)
    throw error
  }
}

async function attempt(
  transport: Transport,
  firstUrl: string,
  destination: string,
  options: DownloadOptions,
  firstCtx: RequestContext
): Promise<DownloadResult> {
  const deadline = new Deadline(options.timeoutMs, true)
  let url = firstUrl
  let ctx = firstCtx
  try {
    for (let hop = 0; ; hop++) {
      let response: Dispatcher.ResponseData
      try {
        response = await request(url, {
          method: 'GET',
          headers: { 'user-agent': transport.userAgent },
          dispatcher: transport.dispatcher,
          signal: deadline.signal,
          headersTimeout: options.timeoutMs + 5000,
          bodyTimeout: options.timeoutMs + 5000
        })
      } catch (error) {
        throw networkFailure(error, deadline, ctx, true, options.timeoutMs, transport.redact)
      }
      const status = response.statusCode
      if (status >= 300 && status < 400 && response.headers.location !== undefined) {
        discard(response.body)
        const location = String(response.headers.location)
        if (hop >= MAX_LOG_REDIRECTS) {
          throw fatal(ctx, status, `more than ${MAX_LOG_REDIRECTS} redirects`)
        }
        let next: URL
        try {
          next = new URL(location, url)
        } catch {
          throw fatal(ctx, status, 'a redirect to an invalid location')
        }
        if (next.protocol !== 'https:' && next.protocol !== 'http:') {
          throw fatal(ctx, status, `a redirect to a ${next.protocol} URL`)
        }
        url = next.href
        options.onUrl(url)
        ctx = { what: firstCtx.what, route: routeOfUrl('GET', url) }
        transport.logger.debug(`ML Arena storage: ${status} redirect to ${maskUrl(url)}`)
        continue
      }
      if (status < 200 || status >= 300) {
        const text = (
          await readCapped(response.body, 64 * 1024).catch(() => Buffer.alloc(0))
        ).toString('utf8')
        throw refused(
          ctx,
          status,
          serverTextOf(transport.redact(text)),
          response.headers['retry-after'],
          options.now(),
          options.expiry ?? 'logs are kept 60 days'
        )
      }
      const here = ctx
      return await streamCapped(
        response.body,
        destination,
        options.maxBytes,
        deadline,
        error => networkFailure(error, deadline, here, true, options.timeoutMs, transport.redact),
        options.onWritten
      )
    }
  } finally {
    deadline.clear()
  }
}

function fatal(ctx: RequestContext, status: number, detail: string): AttemptFailure {
  return new AttemptFailure(
    () =>
      new ArenaError(
        `The storage answered ${ctx.what} with ${detail} (${status} on ${ctx.route})`,
        {
          kind: 'redirect',
          route: ctx.route,
          status
        }
      ),
    false,
    null,
    String(status)
  )
}

function refused(
  ctx: RequestContext,
  status: number,
  serverMessage: string,
  retryAfter: string | string[] | undefined,
  now: number,
  expiry: string
): AttemptFailure {
  const retryable = status === 429 || status >= 500
  return new AttemptFailure(
    note => {
      if (status === 403 || status === 400) {
        return new ArenaError(
          `The storage refused ${ctx.what} (${status} on ${ctx.route})${serverMessage ? `: "${serverMessage}"` : ''}; the signed URL has expired or is invalid (${expiry}): read the games again for fresh URLs`,
          { kind: 'auth', route: ctx.route, status, serverMessage: serverMessage || undefined }
        )
      }
      return httpError({ ...ctx, status, serverMessage }, note)
    },
    retryable,
    retryable ? parseRetryAfter(retryAfter, now) : null,
    String(status)
  )
}

/**
 * Writes the body to `destination` (truncated first), stopping at `maxBytes`. Errors of the
 * connection become AttemptFailures (retryable); errors of the file system are thrown as they
 * are (a local problem: retrying would not help).
 */
async function streamCapped(
  body: Dispatcher.ResponseData['body'],
  destination: string,
  maxBytes: number,
  deadline: Deadline,
  onNetworkError: (error: unknown) => AttemptFailure,
  onWritten?: (bytes: number) => void
): Promise<DownloadResult> {
  const file = await open(destination, 'w').catch((error: unknown) => {
    throw new LocalFileError('write', destination, error)
  })
  let bytes = 0
  let truncated = false
  try {
    const chunks = body[Symbol.asyncIterator]()
    for (;;) {
      let next: IteratorResult<Buffer>
      try {
        next = await chunks.next()
      } catch (error) {
        throw onNetworkError(error)
      }
      if (next.done) break
      deadline.touch()
      const chunk = next.value
      const room = maxBytes - bytes
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
      if (piece.length > 0) {
        await file.write(piece).catch((error: unknown) => {
          throw new LocalFileError('write', destination, error)
        })
        bytes += piece.length
        onWritten?.(bytes)
      }
      if (chunk.length > room) {
        truncated = true
        discard(body)
        break
      }
    }
  } finally {
    await file.close()
  }
  return { bytes, truncated }
}
