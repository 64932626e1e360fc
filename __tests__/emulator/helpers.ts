/**
 * Helpers for the emulator's contract tests. Routes and body shapes are written from
 * /work/shared/ml-arena-api.md, not from the emulator's code.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.ts'

export type Wire = 'current' | 'legacy'
export const WIRES: Wire[] = ['current', 'legacy']

/** Noon UTC: tests never straddle the midnight at which daily deploy quotas reset. */
export const NOON = Date.parse('2026-11-25T12:00:00Z')

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

export function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ speed: 'manual', startTime: NOON, ...options })
}

export interface Res {
  status: number
  headers: Headers
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

export interface CallOptions {
  /** Defaults to the main user's token; null sends no Authorization header. */
  token?: string | null
  json?: unknown
  form?: FormData
  /** A raw body (set its content-type in `headers`). */
  body?: string
  headers?: Record<string, string>
  redirect?: 'follow' | 'manual' | 'error'
}

export async function call(
  emu: Emulator,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers }
  const token = options.token === undefined ? emu.tokens.user : options.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  let body: string | FormData | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.form) body = options.form
  else if (options.body !== undefined) body = options.body
  const response = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers,
    body,
    redirect: options.redirect ?? 'manual'
  })
  const text = await response.text()
  let parsed: unknown = undefined
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: response.status, headers: response.headers, text, body: parsed }
}

/** The routes of the contract's table, per wire. */
export function routes(wire: Wire) {
  const D = '/api/direct_attache_agents'
  const S = '/api/submissions'
  if (wire === 'current')
    return {
      competition: (cid: number) => `/api/challenges/${cid}`,
      list: '/api/challenges/',
      runtimeOptions: (cid: number) => `${S}/runtime_options/${cid}`,
      create: (cid: number) => `${S}/challenge/${cid}`,
      runtime: (aid: number) => `${S}/agent_runtime/${aid}`,
      files: (cid: number, aid: number) => `${S}/challenge/${cid}/${aid}/file`,
      content: (cid: number, aid: number, name: string) =>
        `${S}/challenge/${cid}/${aid}/file/${encodeURIComponent(name)}/content`,
      deploy: (cid: number, aid: number) => `${S}/challenge/${cid}/${aid}/deploy`,
      status: (cid: number, aid: number) => `${S}/challenge/${cid}/${aid}/status`,
      games: (aid: number) => `${S}/submission/${aid}/games`,
      board: (cid: number) => `/api/leaderboard/challenge/${cid}`,
      agent: (cid: number, aid: number) => `${S}/challenge/${cid}/${aid}`,
      mine: `${S}/mine`
    }
  return {
    competition: (cid: number) => `/api/competitions/${cid}`,
    list: '/api/competitions/',
    runtimeOptions: (cid: number) => `${D}/runtime_options/${cid}`,
    create: (cid: number) => `${D}/competition/${cid}`,
    runtime: (aid: number) => `${D}/agent_runtime/${aid}`,
    files: (cid: number, aid: number) => `${D}/competition/${cid}/${aid}/file`,
    content: (cid: number, aid: number, name: string) =>
      `${D}/competition/${cid}/${aid}/file/${encodeURIComponent(name)}/content`,
    deploy: (cid: number, aid: number) => `${D}/competition/${cid}/${aid}/deploy`,
    status: (cid: number, aid: number) => `${D}/competition/${cid}/${aid}/status`,
    games: (aid: number) => `${D}/agent/${aid}/games`,
    board: (cid: number) => `/api/leaderboard/competition/${cid}`,
    agent: (cid: number, aid: number) => `${D}/competition/${cid}/${aid}`,
    mine: null
  }
}

export function createBody(wire: Wire, name: string, copyFrom?: number): Record<string, unknown> {
  if (wire === 'current')
    return copyFrom === undefined
      ? { submission_name: name }
      : { submission_name: name, copy_from_submission_id: copyFrom }
  return copyFrom === undefined
    ? { agent_name: name }
    : { agent_name: name, copy_from_agent_id: copyFrom }
}

/** Creates an agent through the API; returns its id. */
export async function createAgent(
  emu: Emulator,
  cid: number,
  name: string,
  token?: string
): Promise<number> {
  const res = await call(emu, 'POST', routes(emu.wire).create(cid), {
    json: createBody(emu.wire, name),
    token
  })
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`create failed: ${res.status} ${res.text}`)
  const id = emu.wire === 'current' ? res.body.submission_id : res.body.attache_agent_id
  if (typeof id !== 'number') throw new Error(`create answered no id: ${res.text}`)
  return id
}

export function fileForm(name: string, content: string | Uint8Array): FormData {
  const form = new FormData()
  form.append('file', new Blob([content]), name)
  return form
}

export function uploadFile(
  emu: Emulator,
  cid: number,
  aid: number,
  name: string,
  content: string | Uint8Array
): Promise<Res> {
  return call(emu, 'PUT', routes(emu.wire).files(cid, aid), { form: fileForm(name, content) })
}

export function readStatus(emu: Emulator, cid: number, aid: number): Promise<Res> {
  return call(emu, 'GET', routes(emu.wire).status(cid, aid))
}

/** Create → upload one file → deploy; returns the agent id. */
export async function deployedAgent(
  emu: Emulator,
  cid: number,
  name: string,
  files: Record<string, string> = { 'agent.py': `class Agent:  # ${name}\n    pass\n` }
): Promise<number> {
  const aid = await createAgent(emu, cid, name)
  for (const [fileName, content] of Object.entries(files)) {
    const up = await uploadFile(emu, cid, aid, fileName, content)
    if (up.status !== 200 && up.status !== 201) throw new Error(`upload failed: ${up.text}`)
  }
  const deploy = await call(emu, 'PUT', routes(emu.wire).deploy(cid, aid))
  if (deploy.status >= 300) throw new Error(`deploy failed: ${deploy.status} ${deploy.text}`)
  return aid
}

export function competitionId(emu: Emulator, scenario: string): number {
  const found = emu.competitions.find(c => c.scenario === scenario)
  if (!found) throw new Error(`no competition with scenario ${scenario}`)
  return found.id
}
