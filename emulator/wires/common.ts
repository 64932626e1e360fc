/** Request handling both wires share: uploads, paging and leaderboard query parsing. */
import { ApiError, json, type Reply } from '../plumbing/http.ts'
import type { PublicContext, RouteContext } from '../plumbing/router.ts'
import type { RankedEntry } from '../platform/leaderboard.ts'
import type { Agent, World } from '../platform/store.ts'
import { receiveUpload } from '../platform/upload.ts'
import type { CompetitionConfig, CompetitionStatus, TokenRecord } from '../platform/world.ts'

export interface FilePut {
  message: string
  validationMessage: string | null
  file: { name: string; size: number; sha256: string } | null
}

/**
 * Upload one file (multipart PUT, one part `file`) or delete one (a `delete_file` field, sent
 * form-urlencoded by both SDKs, or multipart); each wire shapes the answer.
 */
export async function handleFilePut(
  world: World,
  ctx: RouteContext,
  agent: Agent
): Promise<FilePut> {
  const rules = world.uploadRules(agent)
  if (world.wire === 'legacy') agent.uploading = true
  let form
  try {
    form = await receiveUpload(ctx.req, rules)
  } finally {
    agent.uploading = false
  }
  const noun = world.words.agent.toLowerCase()
  if (form.kind === 'refused') throw new ApiError(form.status, form.error)
  if (form.kind === 'delete') {
    world.deleteFile(agent, form.name)
    return {
      message: `File "${form.name}" deleted from ${noun} ${agent.id}`,
      validationMessage: null,
      file: null
    }
  }
  const failure = world.storeFile(agent, form.file)
  return {
    message: failure
      ? `File "${form.file.name}" received, but the ${noun} failed validation`
      : `File "${form.file.name}" uploaded (${form.file.size} bytes)`,
    validationMessage: failure,
    file: { name: form.file.name, size: form.file.size, sha256: form.file.sha256 }
  }
}

export function listFiles(world: World, agent: Agent): Reply {
  const files: Record<string, unknown> = {}
  for (const file of agent.files.values()) {
    files[file.name] = {
      content: world.fileContent(file),
      language: file.language,
      is_binary: file.isBinary,
      size: file.size,
      sha256: file.sha256,
      is_truncated: file.size > file.head.length
    }
  }
  return json(200, { files })
}

/** One file's content: text as UTF-8, binary as base64 (only the first 64 KiB are kept). */
export function readFile(world: World, agent: Agent, name: string): Reply {
  const file = agent.files.get(name)
  if (!file)
    throw new ApiError(
      404,
      `File "${name}" not found in ${world.words.agent.toLowerCase()} ${agent.id}`
    )
  return json(200, {
    content: file.isBinary ? file.head.toString('base64') : file.head.toString('utf8'),
    encoding: file.isBinary ? 'base64' : 'utf-8',
    is_binary: file.isBinary,
    size: file.size,
    is_truncated: file.size > file.head.length
  })
}

function intQuery(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^-?\d+$/.test(raw)) throw new ApiError(400, `Query parameter ${name} must be an integer`)
  const value = Number(raw)
  if (value < min) throw new ApiError(400, `Query parameter ${name} must be >= ${min}`)
  return Math.min(value, max)
}

export const DEFAULT_PER_PAGE = 5
/** The SDKs ask for 100 a page (24 when given a page alone); more is refused, not capped. */
export const MAX_PER_PAGE = 100

/** Board rows carry "mine" flags for this user id; no user has it, so anonymous callers own nothing. */
export const ANONYMOUS = 0

export function viewerId(viewer: TokenRecord | null): number {
  return viewer === null ? ANONYMOUS : viewer.user.id
}

const COMPETITION_STATUSES: readonly CompetitionStatus[] = ['draft', 'started', 'stopped']

/**
 * The list's `status` filter. Current wire (SDK 4.x): `started` (the default) or `all`, any other
 * value 400. Legacy wire (SDK 0.2.0 passes `status` through and documents no values): absent or
 * `all` lists every status, a status of the vocabulary lists that one, anything else 400.
 */
function statusFilter(world: World, url: URL): (comp: CompetitionConfig) => boolean {
  const raw = url.searchParams.get('status') || null
  if (world.wire === 'current') {
    const status = raw ?? 'started'
    if (status === 'all') return () => true
    if (status === 'started') return comp => comp.status === 'started'
    throw new ApiError(400, 'Query parameter status must be started or all')
  }
  if (raw === null || raw === 'all') return () => true
  const wanted = COMPETITION_STATUSES.find(status => status === raw)
  if (wanted === undefined)
    throw new ApiError(400, 'Query parameter status must be draft, started, stopped or all')
  return comp => comp.status === wanted
}

/** `?page&per_page&q&tags&status` over the competitions the caller (or anyone) may see. */
export function pageCompetitions(
  world: World,
  ctx: PublicContext,
  shape: (comp: CompetitionConfig) => unknown
): Reply {
  const page = intQuery(ctx.url, 'page', 1, 1, 1_000_000)
  const perPage = intQuery(ctx.url, 'per_page', DEFAULT_PER_PAGE, 1, Number.MAX_SAFE_INTEGER)
  if (perPage > MAX_PER_PAGE)
    throw new ApiError(400, `Query parameter per_page must be <= ${MAX_PER_PAGE}`)
  const q = (ctx.url.searchParams.get('q') ?? '').toLowerCase()
  const tags = (ctx.url.searchParams.get('tags') ?? '')
    .split(',')
    .map(t => t.trim())
    .filter(Boolean)
  const status = statusFilter(world, ctx.url)
  const matching = world
    .visibleCompetitions(ctx.viewer)
    .filter(c => !q || c.name.toLowerCase().includes(q) || c.description.toLowerCase().includes(q))
    .filter(c => tags.length === 0 || tags.some(t => c.tags.includes(t)))
    .filter(status)
  const items = matching.slice((page - 1) * perPage, page * perPage)
  return json(200, {
    items: items.map(shape),
    // SDK 4.4.0 `challenges` pages on `metadata.has_next` and documents no other key of it;
    // the legacy wire keeps the page figures it always served.
    metadata:
      world.wire === 'current'
        ? { has_next: page * perPage < matching.length }
        : {
            page,
            per_page: perPage,
            total: matching.length,
            has_next: page * perPage < matching.length
          }
  })
}

export interface BoardQuery {
  limit: number | null
  offset: number
  aggregate: 'user' | 'submission'
  me: boolean
  window: number
  q: string | null
}

export function parseBoardQuery(url: URL): BoardQuery {
  const aggregate = url.searchParams.get('aggregate') ?? 'user'
  if (aggregate !== 'user' && aggregate !== 'submission')
    throw new ApiError(400, 'Query parameter aggregate must be user or submission')
  const meRaw = (url.searchParams.get('me') ?? 'false').toLowerCase()
  const limitRaw = url.searchParams.get('limit')
  return {
    limit: limitRaw === null || limitRaw === '' ? null : intQuery(url, 'limit', 0, 0, 100_000),
    offset: intQuery(url, 'offset', 0, 0, 10_000_000),
    aggregate,
    me: meRaw === 'true' || meRaw === '1',
    window: intQuery(url, 'window', 3, 0, 25),
    q: url.searchParams.get('q') || null
  }
}

/**
 * JSON of board rows, fast enough for 100,000 rows: a synthetic row's JSON after its rank is
 * kept (its fields never change), and the whole array is kept per board version and viewer.
 * (Fragments come from JSON.stringify: flat strings join much faster than template ropes.)
 */
export class RowSerializer {
  private readonly fragments = new WeakMap<object, string>()
  private readonly arrays = new Map<string, Buffer>()
  private readonly rankKey: string
  private readonly fields: (row: RankedEntry, userId: number) => Record<string, unknown>

  /** `fields`: the row's fields except the rank, which comes first under `rankKey`. */
  constructor(
    rankKey: string,
    fields: (row: RankedEntry, userId: number) => Record<string, unknown>
  ) {
    this.rankKey = rankKey
    this.fields = fields
  }

  private fragment(row: RankedEntry, userId: number): string {
    return JSON.stringify(this.fields(row, userId)).slice(1)
  }

  row(row: RankedEntry, userId: number): string {
    let rest: string | undefined
    if (row.entry.ownerId !== null) rest = this.fragment(row, userId)
    else {
      rest = this.fragments.get(row.entry)
      if (rest === undefined) {
        rest = this.fragment(row, userId)
        this.fragments.set(row.entry, rest)
      }
    }
    return `{"${this.rankKey}":${row.rank},${rest}`
  }

  array(rows: RankedEntry[], userId: number): string {
    const parts: string[] = new Array<string>(rows.length)
    for (let i = 0; i < rows.length; i += 1) parts[i] = this.row(rows[i] as RankedEntry, userId)
    return `[${parts.join(',')}]`
  }

  /** The whole board as a JSON array, cached by board version and viewer. */
  fullArray(board: { rows: RankedEntry[]; version: string }, userId: number): Buffer {
    const key = `${board.version}|${userId}`
    let buffer = this.arrays.get(key)
    if (!buffer) {
      buffer = Buffer.from(this.array(board.rows, userId))
      this.arrays.set(key, buffer)
      for (const old of this.arrays.keys()) {
        if (this.arrays.size <= 2) break
        this.arrays.delete(old)
      }
    }
    return buffer
  }
}
