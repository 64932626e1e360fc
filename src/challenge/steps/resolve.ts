/**
 * Before the plan: the inputs checked against ML Arena (kind, tags), the challenge found (by id,
 * or by name among the creator's own), and its current state read. Reads only.
 */
import type { ChallengeKind, Tag } from '../../arena/creator-model.js'
import type { Competition } from '../../arena/model.js'
import { ArenaError } from '../../arena/errors.js'
import { InputError } from '../../errors.js'
import { quoteValue } from '../../format.js'
import type { CreatorApi } from '../creator-port.js'
import type { RemoteState } from '../plan.js'

/** The kernel-version input against the kinds ML Arena offers. */
export function checkKind(kernel: string | null, kinds: readonly ChallengeKind[]): void {
  if (kernel === null) return
  const kind = kinds.find(k => k.kernelVersion === kernel)
  const known = kinds.map(k => k.kernelVersion).join(', ') || 'none'
  if (!kind) {
    throw new InputError(
      'kernel-version',
      `${quoteValue(kernel)} is not a kind ML Arena offers; use one of ${known}.`
    )
  }
}

/** Tag names → catalog tags, matched case-insensitively (as the official client does). */
export function resolveTags(
  names: readonly string[] | null,
  catalog: readonly Tag[]
): Tag[] | null {
  if (names === null) return null
  const byName = new Map(catalog.map(tag => [tag.name.toLowerCase(), tag]))
  const unknown = names.filter(name => !byName.has(name.toLowerCase()))
  if (unknown.length > 0) {
    const known = catalog.map(tag => tag.name).sort()
    throw new InputError(
      'tags',
      `${unknown.map(name => quoteValue(name)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in ML Arena's tag catalog (tags are curated, not created); use names from: ${known.join(', ') || 'none'}.`
    )
  }
  return names.map(name => byName.get(name.toLowerCase()) as Tag)
}

/**
 * The challenge's id: `challenge-id` when given (checked: it must be one of yours), else the
 * creator's own challenge with this name; null when there is none (apply creates it).
 */
export async function findChallenge(
  api: CreatorApi,
  challengeId: number | null,
  name: string | null
): Promise<number | null> {
  if (challengeId !== null) return challengeId
  const mine = await api.challengesNamed(name ?? '')
  const same = mine.filter(c => c.name === name && (c.role === null || c.role === 'owner'))
  if (same.length > 1) {
    throw new InputError(
      'challenge-id',
      `is empty, and ${same.length} of your challenges are named ${quoteValue(name ?? '')} (ids ${same.map(c => c.id).join(', ')}): pin the one to manage, e.g. challenge-id: ${same[0]?.id}.`
    )
  }
  return same[0]?.id ?? null
}

/** The challenge as it is now: editor view, env and benchmark files, overview, tags. */
export async function readRemote(api: CreatorApi, challengeId: number): Promise<RemoteState> {
  let view
  try {
    view = await api.editorView(challengeId)
  } catch (error) {
    if (error instanceof ArenaError && (error.status === 404 || error.status === 403)) {
      throw new InputError(
        'challenge-id',
        `${challengeId}: ML Arena has no challenge of yours with this id (${error.status}); give the id of a challenge you own or assist on, or leave it empty to find yours by name.`
      )
    }
    throw error
  }
  const [env, benchmark, overview] = await Promise.all([
    api.listFiles(challengeId, 'env'),
    api.listFiles(challengeId, 'benchmark'),
    api.overview(challengeId)
  ])
  const tags = view.tags ?? (await api.challengeTags(challengeId))
  // SDK 4.4.0 `challenge_image`: the cover's bytes, so the plan replaces it only when it differs.
  const coverBytes = view.hasCover === true ? await api.coverBytes(challengeId) : null
  return { view, env, benchmark, overview, tags, coverBytes }
}

/**
 * The legacy wire's view of a competition: its public detail, and a creator-only read (the
 * benchmark status) that proves it is yours, since 0.2.0 has no editor view.
 */
export async function readLegacyRemote(api: CreatorApi, challengeId: number): Promise<Competition> {
  const refuse = (status: number | undefined): InputError =>
    new InputError(
      'challenge-id',
      `${challengeId}: ML Arena has no competition of yours with this id (${status ?? '?'}); give the id of a competition you own, or leave it empty to find yours by name.`
    )
  let detail: Competition
  try {
    detail = await api.competition(challengeId)
    await api.benchmarkStatus(challengeId)
  } catch (error) {
    if (error instanceof ArenaError && (error.status === 404 || error.status === 403))
      throw refuse(error.status)
    throw error
  }
  return detail
}
