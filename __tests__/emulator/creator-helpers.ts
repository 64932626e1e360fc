/**
 * Helpers for the creator routes' contract tests (routes and shapes from the "Creators and
 * teachers" section of /work/shared/ml-arena-api.md and the SDK 4.4.0 docstrings).
 */
import type { Emulator } from '../../emulator/index.ts'
import { CREATOR_CHALLENGES, TOKENS } from '../../emulator/index.ts'
import { call, fileForm, type Res, type Wire } from './helpers.ts'

export const CREATOR = TOKENS.creator
export const OTHER_CREATOR = TOKENS.otherCreator

/** The seeded challenges: alice's draft (env + config + benchmark agent, never benchmarked), bob's hidden draft. */
export const ALICE_DRAFT = CREATOR_CHALLENGES.aliceDraft
export const BOB_HIDDEN = CREATOR_CHALLENGES.bobHidden

export function creatorPaths(wire: Wire) {
  const P = wire === 'current' ? '/api/creator_challenge' : '/api/creator_competition'
  const one = (cid: number): string =>
    wire === 'current' ? `${P}/challenge/${cid}` : `${P}/competition/${cid}`
  return {
    create: wire === 'current' ? `${P}/challenge` : `${P}/competition`,
    mine: `${P}/challenges`,
    one,
    kinds: `${P}/available_kinds`,
    fields: `${P}/config_fields`,
    schema: `${P}/config_schema.json`,
    settings: (cid: number) => `${one(cid)}/settings`,
    exportToml: (cid: number) => `${one(cid)}/config.toml`,
    envFiles: (cid: number) => `${one(cid)}/env/files`,
    envFile: (cid: number, name: string) => `${one(cid)}/env/files/${encodeURIComponent(name)}`,
    envCheck: (cid: number) => `${one(cid)}/env/check`,
    syncGithub: (cid: number) => `${one(cid)}/env/sync-github`,
    markdown: (cid: number) => `${one(cid)}/markdown`,
    image: (cid: number) => `${one(cid)}/image`,
    tags: (cid: number) => `${one(cid)}/tags`,
    benchFiles: (cid: number) => `${one(cid)}/benchmark/files`,
    benchFile: (cid: number, name: string) =>
      `${one(cid)}/benchmark/files/${encodeURIComponent(name)}`,
    run: (cid: number) => `${one(cid)}/benchmark/run`,
    status: (cid: number) => `${one(cid)}/benchmark/status`,
    start: (cid: number) => `${one(cid)}/start`,
    stop: (cid: number) => `${one(cid)}/stop`,
    catalog: wire === 'current' ? '/api/challenge_tags/tags' : '/api/competition_tags/tags'
  }
}

export function asCreator(
  emu: Emulator,
  method: string,
  path: string,
  options: { json?: unknown; form?: FormData; token?: string | null } = {}
): Promise<Res> {
  return call(emu, method, path, { token: CREATOR, ...options })
}

/** Creates a challenge through the API; returns its id. */
export async function createChallenge(
  emu: Emulator,
  body: Record<string, unknown> = {}
): Promise<number> {
  const res = await asCreator(emu, 'POST', creatorPaths(emu.wire).create, {
    json: { name: 'My challenge', kernel_version: 'flex_v1', ...body }
  })
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`create failed: ${res.status} ${res.text}`)
  return res.body.id as number
}

export function putText(
  emu: Emulator,
  path: string,
  filename: string,
  content: string
): Promise<Res> {
  return asCreator(emu, 'PUT', path, { json: { filename, content } })
}

export function putForm(emu: Emulator, path: string, name: string, content: string | Uint8Array) {
  return asCreator(emu, 'PUT', path, { form: fileForm(name, content) })
}

export const GOOD_ENV = `class Env:
    def evaluate(self, agents):
        return {"agent_results": [{"score": 1.0, "metrics": {"steps": 3}}]}
`

export const AGENT = `class Agent:
    def act(self, observation):
        return 0
`

/** A challenge with env.py and a benchmark agent: ready to benchmark. */
export async function readyChallenge(
  emu: Emulator,
  files: { env?: string; agent?: string; body?: Record<string, unknown> } = {}
): Promise<number> {
  const p = creatorPaths(emu.wire)
  const cid = await createChallenge(emu, files.body)
  const env = await putText(emu, p.envFiles(cid), 'env.py', files.env ?? GOOD_ENV)
  if (env.status !== 200) throw new Error(`env.py: ${env.status} ${env.text}`)
  const agent = await putText(emu, p.benchFiles(cid), 'agent.py', files.agent ?? AGENT)
  if (agent.status !== 200) throw new Error(`agent.py: ${agent.status} ${agent.text}`)
  return cid
}

export function challengeState(emu: Emulator, cid: number) {
  const found = emu.state().creator.challenges.find(c => c.id === cid)
  if (!found) throw new Error(`no creator challenge ${cid} in the state`)
  return found
}
