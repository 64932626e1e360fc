/**
 * The log storage origin: game logs behind signed URLs, on its own port, behaving like cloud
 * storage. `GET /logs/<key>?expires=<unix s>&signature=<hex HMAC-SHA256 of "<path>\n<expires>">`.
 * A request with an Authorization header is refused (400), a tampered or expired one too (403).
 * Logs are rendered on demand from the game they belong to: nothing is stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Reply } from './http.ts'

/** Signed URLs live this long (simulated time). */
export const SIGNED_URL_TTL_SECONDS = 24 * 3600

export interface LogRef {
  gameId: number
  competitionId: number
  competitionName: string
  agentId: number
  agentName: string
  runIndex: number
  runCount: number
  outcome: string
  reward: number | null
  steps: number
  errorType: string | null
  errorMessage: string | null
  createdAt: number
}

function xmlError(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml; charset=UTF-8' },
    body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  }
}

export class LogStorage {
  baseUrl = ''
  private readonly secret: Buffer
  private readonly logBytes: number
  private readonly logs = new Map<string, LogRef>()

  constructor(secret: Buffer, logBytes: number) {
    this.secret = secret
    this.logBytes = logBytes
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex')
  }

  /** The object key of a game's log; a keyed hash makes keys unguessable. */
  keyFor(ref: LogRef): string {
    const tag = createHmac('sha256', this.secret)
      .update(`key:${ref.gameId}`)
      .digest('hex')
      .slice(0, 12)
    return `c${ref.competitionId}/a${ref.agentId}/g${ref.gameId}-${tag}.log`
  }

  signedUrl(ref: LogRef, nowMs: number): string {
    const key = this.keyFor(ref)
    this.logs.set(key, ref)
    const path = `/logs/${key}`
    const expires = Math.floor(nowMs / 1000) + SIGNED_URL_TTL_SECONDS
    return `${this.baseUrl}${path}?expires=${expires}&signature=${this.sign(path, expires)}`
  }

  handle(method: string, url: URL, hasAuthorization: boolean, nowMs: number): Reply {
    if (method !== 'GET' && method !== 'HEAD')
      return xmlError(405, 'MethodNotAllowed', 'Only GET and HEAD are allowed on signed URLs.')
    if (!url.pathname.startsWith('/logs/'))
      return xmlError(404, 'NoSuchKey', 'The specified key does not exist.')
    if (hasAuthorization)
      return xmlError(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Goog-Signature/signature query parameter, not an Authorization header, may be used.'
      )
    const expiresText = url.searchParams.get('expires') ?? ''
    const signature = url.searchParams.get('signature') ?? ''
    if (!/^\d+$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(signature))
      return xmlError(403, 'AccessDenied', 'Missing or malformed signature.')
    const expected = Buffer.from(this.sign(url.pathname, Number(expiresText)), 'hex')
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.'
      )
    if (Number(expiresText) * 1000 < nowMs)
      return xmlError(403, 'ExpiredToken', 'Request has expired.')
    const ref = this.logs.get(url.pathname.slice('/logs/'.length))
    if (!ref) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.')
    const body = renderLog(ref, this.logBytes)
    return {
      status: 200,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'private, max-age=0'
      },
      body
    }
  }
}

const TRACEBACKS: Record<string, string[]> = {
  code_error: [
    'Traceback (most recent call last):',
    '  File "/agent/agent.py", line 3, in <module>',
    '    import mlarena_missing_dependency',
    "ModuleNotFoundError: No module named 'mlarena_missing_dependency'"
  ],
  timeout: ['TimeoutError: the agent did not answer within 300 s (action time limit exceeded)'],
  oom_killed: ['Killed', 'The agent process exceeded its 2 GiB memory limit (OOMKilled)'],
  crash: ['Fatal Python error: Segmentation fault', 'Simulator worker exited with signal 11']
}

/**
 * An ASCII game log of exactly `bytes` bytes (at least the header and tail): a header, step
 * lines, and a recognisable tail that ends with `END OF GAME LOG <game id>`.
 */
export function renderLog(ref: LogRef, bytes: number): string {
  const header = [
    '# ML Arena game log',
    `# competition: ${ref.competitionId}`,
    `# agent: ${ref.agentId}`,
    `# game: ${ref.gameId} (run ${ref.runIndex + 1} of ${ref.runCount})`,
    `# created: ${new Date(ref.createdAt).toISOString()}`,
    ''
  ].join('\n')
  const failed = ref.errorType !== null
  const tailLines = [
    '--- tail ---',
    // Log text is untrusted: a report that shows it must escape it.
    "agent stdout: <script>alert('log')</script> | `tick` @everyone #1 -->",
    ...(failed ? (TRACEBACKS[ref.errorType ?? ''] ?? [ref.errorMessage ?? 'error']) : []),
    failed
      ? `game over: outcome=error error_type=${ref.errorType} steps=${ref.steps}`
      : `game over: outcome=${ref.outcome} reward=${ref.reward} steps=${ref.steps}`,
    `END OF GAME LOG ${ref.gameId}`,
    ''
  ]
  const tail = tailLines.join('\n')
  const budget = bytes - header.length - tail.length
  const lines: string[] = []
  let used = 0
  let step = 0
  let total = 0
  while (true) {
    const reward = ((step * 37) % 23) / 10 - 1
    total += reward
    const line = `step ${String(step).padStart(6, '0')} action=${step % 4} reward=${reward.toFixed(2)} total=${total.toFixed(2)}\n`
    if (used + line.length > budget) break
    lines.push(line)
    used += line.length
    step += 1
  }
  const padding = budget - used > 0 ? `${'.'.repeat(budget - used - 1)}\n` : ''
  return header + lines.join('') + padding + tail
}
