/**
 * Stale files: after the uploads of an existing agent, remove the files it still holds that are
 * no longer among the matched ones. A deletion loses a user's data, so it needs proof: the
 * decision (pure) works from the names the server lists after the uploads, and deletes a file
 * only when
 * - every upload of this run succeeded,
 * - the listing holds every name this run uploaded, and nothing but plain names,
 * - and no planned file is stored under that name (nor under one that differs only in case,
 *   which a case-insensitive storage would take for the same file).
 * Anything else the listing shows is a sign that the action and the server disagree about names:
 * the run stops, deleting nothing.
 */
import type { AgentFile } from '../../arena/model.js'
import type { ArenaApi } from '../../evaluation/arena-port.js'
import type { Logger } from '../../logger.js'
import { ActionError } from '../../errors.js'
import { hasControlCharacters, oneLine } from '../../format.js'
import type { PlannedFile } from '../../evaluation/outcome.js'

export type StaleDecision =
  /** Delete exactly these stored names; keep the rest. */
  | { kind: 'remove'; names: string[]; keptForCase: string[] }
  /** Delete nothing, and stop: the listing is not what this run expected. */
  | { kind: 'refuse'; reason: string }
  /** Delete nothing; not every upload went through (the run fails on that upload anyway). */
  | { kind: 'skip'; reason: string }

/** The listing after the uploads disagrees with what this run stored. No file was deleted. */
export class UnexpectedListing extends ActionError {
  override name = 'UnexpectedListing'
}

const MAX_SHOWN = 5

/**
 * Decides which listed files are stale. `uploaded`: the stored names whose upload this run saw
 * succeed; `listed`: the names the server lists after the uploads.
 */
export function decideStaleFiles(
  planned: readonly PlannedFile[],
  uploaded: ReadonlySet<string>,
  listed: readonly string[]
): StaleDecision {
  const notUploaded = planned.filter(file => !uploaded.has(file.name)).map(file => file.name)
  if (notUploaded.length > 0) {
    return {
      kind: 'skip',
      reason: `not every upload went through (${quoteList(notUploaded)})`
    }
  }

  const malformed = listed.filter(name => !isPlainName(name))
  if (malformed.length > 0) {
    return {
      kind: 'refuse',
      reason: `it lists ${quoteList(malformed)}, which ${malformed.length === 1 ? 'is not a plain file name' : 'are not plain file names'} (an agent's files form one flat folder)`
    }
  }
  const present = new Set(listed)
  const missing = planned.filter(file => !present.has(file.name)).map(file => file.name)
  if (missing.length > 0) {
    return {
      kind: 'refuse',
      reason: `it does not list ${quoteList(missing)}, which this run has just uploaded`
    }
  }

  const keep = new Set(planned.map(file => file.name))
  const keepFolded = new Set(planned.map(file => fold(file.name)))
  const names: string[] = []
  const keptForCase: string[] = []
  for (const name of present) {
    if (keep.has(name)) continue
    if (keepFolded.has(fold(name))) keptForCase.push(name)
    else names.push(name)
  }
  return { kind: 'remove', names, keptForCase }
}

export interface StaleFileOptions {
  log: Pick<Logger, 'info' | 'warning'>
  /** Called after each deletion, so the report lists what went even if a later one fails. */
  onRemoved?: (name: string) => void
}

/**
 * Lists the agent's files, decides, and deletes the stale ones one at a time. Throws
 * UnexpectedListing (having deleted nothing) when the listing is not what this run expected.
 * Returns the names it deleted.
 */
export async function removeStaleFiles(
  arena: Pick<ArenaApi, 'listFiles' | 'deleteFile'>,
  competitionId: number,
  agentId: number,
  planned: readonly PlannedFile[],
  uploaded: ReadonlySet<string>,
  options: StaleFileOptions
): Promise<string[]> {
  const listed = await arena.listFiles(competitionId, agentId)
  const decision = decideStaleFiles(planned, uploaded, namesOf(listed))
  if (decision.kind === 'skip') {
    options.log.warning(`No file was removed from agent ${agentId}: ${decision.reason}.`)
    return []
  }
  if (decision.kind === 'refuse') {
    throw new UnexpectedListing(
      `ML Arena's list of agent ${agentId}'s files is not what this run uploaded: ${decision.reason}. No file was deleted and nothing was deployed; check the agent's files on ML Arena.`
    )
  }
  for (const name of decision.keptForCase) {
    options.log.warning(
      `Kept ${oneLine(name)}: its name differs only in letter case from a file of this run, and deleting it could delete that file on a case-insensitive storage; remove it on ML Arena if it is stale.`
    )
  }
  const removed: string[] = []
  for (const name of decision.names) {
    await arena.deleteFile(competitionId, agentId, name)
    removed.push(name)
    options.onRemoved?.(name)
    options.log.info(`Removed ${oneLine(name)}, which is no longer among the agent's files.`)
  }
  return removed
}

function namesOf(files: readonly AgentFile[]): string[] {
  return files.map(file => file.name)
}

/** The contract's plain name: no path, not `.` or `..`, at most 255 characters, no controls. */
function isPlainName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    name.length <= 255 &&
    !/[/\\]/.test(name) &&
    !hasControlCharacters(name)
  )
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase()
}

function quoteList(names: readonly string[]): string {
  const shown = names.slice(0, MAX_SHOWN).map(name => `"${oneLine(name, 120)}"`)
  const rest = names.length - shown.length
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ')
}
