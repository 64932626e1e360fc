/**
 * Injected faults: explicit specs (first match wins, `times` counts down) and a random fault
 * rate drawn from a pool with a seeded PRNG. `before` faults replace the request (nothing is
 * processed); `after` faults let it be processed and replace the reply (ambiguous failures).
 */
import type { FaultKind, FaultSpec } from '../types.ts'

export interface ActiveFault {
  kind: FaultKind
  when: 'before' | 'after'
  status: number
  retryAfter: string
  latencyMs: number
}

const KINDS: ReadonlySet<string> = new Set(['status', 'latency', 'reset', 'malformed', 'redirect'])
const STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 429, 500, 502, 503, 504])
export const DEFAULT_POOL = ['429', '500', '502', '503', 'latency', 'reset', 'malformed'] as const
const POOL_ENTRIES: ReadonlySet<string> = new Set([...DEFAULT_POOL, '504', 'redirect'])

/** "*" matches within one path segment, "**" across segments; the rest is literal. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] as string
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*'
      i += 1
    } else if (c === '*') source += '[^/ ]*'
    else if (c === '?') source += '[^/ ]'
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

interface StoredSpec {
  spec: FaultSpec
  pattern: RegExp | null
  remaining: number
}

/** Validates and normalises a spec; throws with a message on a bad one. */
export function normaliseSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new Error('a fault spec must be an object')
  const raw = input as Record<string, unknown>
  const kind = raw.kind
  if (typeof kind !== 'string' || !KINDS.has(kind))
    throw new Error(`fault kind must be one of ${[...KINDS].join(', ')}`)
  const spec: FaultSpec = { kind: kind as FaultKind }
  if (raw.route !== undefined) {
    if (typeof raw.route !== 'string' || !raw.route.includes(' '))
      throw new Error('fault route must be a glob on "METHOD /path", e.g. "PUT /api/**"')
    spec.route = raw.route
  }
  if (raw.when !== undefined) {
    if (raw.when !== 'before' && raw.when !== 'after')
      throw new Error('fault when must be before or after')
    spec.when = raw.when
  }
  if (raw.times !== undefined) {
    if (typeof raw.times !== 'number' || !Number.isInteger(raw.times) || raw.times < 1)
      throw new Error('fault times must be a positive integer')
    spec.times = raw.times
  }
  if (raw.status !== undefined) {
    if (typeof raw.status !== 'number' || !STATUSES.has(raw.status))
      throw new Error(`fault status must be one of ${[...STATUSES].join(', ')}`)
    spec.status = raw.status
  }
  if (raw.retryAfter !== undefined) {
    if (typeof raw.retryAfter !== 'string') throw new Error('fault retryAfter must be a string')
    spec.retryAfter = raw.retryAfter
  }
  if (raw.latencyMs !== undefined) {
    if (typeof raw.latencyMs !== 'number' || raw.latencyMs < 0 || raw.latencyMs > 120_000)
      throw new Error('fault latencyMs must be between 0 and 120000')
    spec.latencyMs = raw.latencyMs
  }
  return spec
}

function activate(spec: FaultSpec): ActiveFault {
  const status = spec.kind === 'status' ? (spec.status ?? 500) : 0
  // A 429 or 503 is a refusal: the request is never processed.
  const when = status === 429 || status === 503 ? 'before' : (spec.when ?? 'before')
  return {
    kind: spec.kind,
    when,
    status,
    retryAfter: spec.retryAfter ?? '1',
    latencyMs: spec.latencyMs ?? 100
  }
}

export class FaultEngine {
  private specs: StoredSpec[] = []
  private readonly rate: number
  private readonly pool: string[]
  private readonly random: () => number
  private readonly storageFaults: boolean

  constructor(options: {
    rate: number
    kinds: string[] | undefined
    random: () => number
    storageFaults: boolean
  }) {
    if (!(options.rate >= 0 && options.rate <= 1))
      throw new RangeError('faultRate must be in [0, 1]')
    this.rate = options.rate
    const pool = options.kinds ?? [...DEFAULT_POOL]
    for (const entry of pool)
      if (!POOL_ENTRIES.has(entry))
        throw new RangeError(
          `faultKinds entry "${entry}" is not one of ${[...POOL_ENTRIES].join(', ')}`
        )
    if (pool.length === 0 && this.rate > 0) throw new RangeError('faultKinds is empty')
    this.pool = pool
    this.random = options.random
    this.storageFaults = options.storageFaults
  }

  add(input: FaultSpec): void {
    const spec = normaliseSpec(input)
    this.specs.push({
      spec,
      pattern: spec.route ? globToRegExp(spec.route) : null,
      remaining: spec.times ?? Infinity
    })
  }

  clear(): void {
    this.specs = []
  }

  list(): FaultSpec[] {
    return this.specs.map(s =>
      Number.isFinite(s.remaining) ? { ...s.spec, times: s.remaining } : { ...s.spec }
    )
  }

  /** The fault this request takes, if any (consumes one of the spec's `times`). */
  pick(server: 'api' | 'storage', method: string, path: string): ActiveFault | null {
    const target = `${method} ${path}`
    for (const stored of this.specs) {
      const matches = stored.pattern ? stored.pattern.test(target) : server === 'api'
      if (!matches) continue
      stored.remaining -= 1
      if (stored.remaining <= 0) this.specs = this.specs.filter(s => s !== stored)
      return activate(stored.spec)
    }
    if (this.rate <= 0 || (server === 'storage' && !this.storageFaults)) return null
    if (this.random() >= this.rate) return null
    return this.randomFault()
  }

  private randomFault(): ActiveFault {
    const entry = this.pool[Math.floor(this.random() * this.pool.length)] ?? '500'
    const coin = (): 'before' | 'after' => (this.random() < 0.5 ? 'before' : 'after')
    switch (entry) {
      case 'latency':
        return activate({ kind: 'latency', latencyMs: 5 + Math.floor(this.random() * 45) })
      case 'reset':
      case 'malformed':
        return activate({ kind: entry, when: coin() })
      case 'redirect':
        return activate({ kind: 'redirect' })
      case '429':
        return activate({ kind: 'status', status: 429, retryAfter: '1' })
      default:
        return activate({ kind: 'status', status: Number(entry), when: coin() })
    }
  }
}
