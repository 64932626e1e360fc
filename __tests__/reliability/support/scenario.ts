/**
 * Helpers for the end-to-end reliability scenarios that run the bundled action: a ticker that
 * drives a manual emulator clock while the action runs (and stops it once the agent is settled,
 * so signed URLs read afterwards carry the same signatures the action saw), the signatures of an
 * agent's log URLs, and a scan of everything a run left behind for secrets.
 */
import { request } from 'undici'
import { FIRST_AGENT_ID, type Emulator } from '../../../emulator/index.ts'
import type { ActionRun } from '../../support/action-runner.ts'
import type { FakeGitHub } from '../../support/fake-github.ts'

const TERMINAL = new Set(['active', 'deploy_failed', 'upload_failed', 'deleted'])

/**
 * Moves a manual emulator's clock by `stepMs` every few real ms while the agents this run
 * created are still being evaluated; stops moving it once they all are terminal.
 */
export function startTicker(emu: Emulator, stepMs = 20_000, everyMs = 10): () => void {
  const timer = setInterval(() => {
    const mine = emu.state().agents.filter(agent => agent.id >= FIRST_AGENT_ID)
    const settled =
      mine.length > 0 &&
      mine.every(agent => agent.deployIds.length > 0 && TERMINAL.has(agent.status))
    if (!settled) emu.advance(stepMs)
  }, everyMs)
  return () => clearInterval(timer)
}

/** The games route of the agent, as the emulator serves it to its owner. */
export async function gamesOf(emu: Emulator, agentId: number): Promise<GameRow[]> {
  const route =
    emu.wire === 'current'
      ? `/api/submissions/submission/${agentId}/games`
      : `/api/direct_attache_agents/agent/${agentId}/games`
  const answer = await request(`${emu.baseUrl}${route}`, {
    headers: { authorization: `Bearer ${emu.tokens.user}` }
  })
  const body = (await answer.body.json()) as { games: GameRow[] }
  return body.games
}

/**
 * A game as either wire serves it: the legacy game's log and the 3.0–4.3 row's top-level
 * `signed_url`, or the 4.4 replay's (SDK 4.4.0 `submission_games`), with the agents' rows.
 */
export interface GameRow {
  signed_url?: string | null
  replay?: { signed_url: string } | null
  submission_results?: { submission_id: number; agent_stdout_logs: string | null }[]
}

/** The `signature` of every signed URL (log or replay) of the agent's games, as served now. */
export async function signaturesOf(emu: Emulator, agentId: number): Promise<string[]> {
  const signatures = new Set<string>()
  for (const game of await gamesOf(emu, agentId)) {
    const url = game.signed_url ?? game.replay?.signed_url
    if (!url) continue
    const signature = new URL(url).searchParams.get('signature')
    if (signature) signatures.add(signature)
  }
  return [...signatures]
}

/** The values the action masked (`::add-mask::`): what it knew to be secret. */
export function maskedValues(stdout: string): string[] {
  return [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map(match => match[1] as string)
}

export interface Finding {
  where: string
  secret: string
}

/**
 * Every place a secret (raw or URL-encoded) appears: stdout without the `::add-mask::` lines,
 * stderr, the GITHUB_OUTPUT file, the step summary, every file under the run's folder (logs,
 * outputs), and every request body the fake GitHub received (comment bodies included).
 */
export async function findSecrets(
  run: ActionRun,
  secrets: string[],
  github?: FakeGitHub
): Promise<Finding[]> {
  const places: [string, string][] = [
    ['stdout', run.stdout.replace(/^::add-mask::.*$/gm, '')],
    ['stderr', run.stderr],
    ['summary', run.summary]
  ]
  for (const file of await run.writtenFiles()) {
    // The event payload is the test's input, not something the action wrote.
    if (!file.file.endsWith('event.json')) places.push([file.file, file.content])
  }
  for (const entry of github?.requests ?? [])
    places.push([`GitHub ${entry.method} ${entry.path}`, entry.body])
  for (const comment of github?.comments ?? []) places.push([`comment ${comment.id}`, comment.body])
  const forms = secrets
    .filter(secret => secret.length >= 8)
    .flatMap(secret => [secret, encodeURIComponent(secret)])
  const found: Finding[] = []
  for (const [where, text] of places) {
    for (const secret of forms) if (text.includes(secret)) found.push({ where, secret })
  }
  return found
}

/** Runs of 64 hex digits (the shape of a log URL signature) outside the `::add-mask::` lines. */
export function hexRuns(text: string): string[] {
  return [...text.replace(/^::add-mask::.*$/gm, '').matchAll(/[0-9a-f]{64}/gi)].map(m => m[0])
}
