/**
 * The tag catalog (`GET /api/challenge_tags/tags`, legacy `/api/competition_tags/tags`): admin
 * curated, never created by a creator. Competitions hold tag names (the list's `tags` filter
 * matches them); a challenge's tag set is written by id.
 */
import { ApiError } from '../plumbing/http.ts'

export interface Tag {
  id: number
  name: string
  description: string
}

/** Names in lower case, as a local ML Arena seeds them (the SDK matches names case-insensitively). */
export const TAGS: readonly Tag[] = [
  { id: 1, name: 'rl', description: 'Reinforcement learning' },
  { id: 2, name: 'gymnasium', description: 'Gymnasium environments' },
  { id: 3, name: 'multi-agent', description: 'Several agents per match' },
  { id: 4, name: 'elo', description: 'Ranked by ELO rating' },
  { id: 5, name: 'course', description: 'Used in a course' },
  { id: 6, name: 'gpu', description: 'Runs on a GPU machine' },
  { id: 7, name: 'forecasting', description: 'Time-series forecasting' },
  { id: 8, name: 'file', description: 'Participants upload a prediction file' },
  { id: 9, name: 'beginner', description: 'A good first challenge' },
  { id: 10, name: 'puzzle', description: 'Search and planning puzzles' }
]

const BY_ID: ReadonlyMap<number, Tag> = new Map(TAGS.map(t => [t.id, t]))

/** Validates a `tag_ids` value: every id must be in the catalog; answers the tags in order, deduplicated. */
export function resolveTagIds(raw: unknown): Tag[] {
  if (!Array.isArray(raw) || raw.some(id => typeof id !== 'number' || !Number.isInteger(id)))
    throw new ApiError(400, 'tag_ids must be a list of integer tag ids (see GET the tag catalog)')
  const unknown = raw.filter(id => !BY_ID.has(id as number))
  if (unknown.length > 0)
    throw new ApiError(
      400,
      `Unknown tag id(s): ${unknown.join(', ')}; the catalog has ${TAGS.map(t => `${t.id} (${t.name})`).join(', ')}`
    )
  return [...new Set(raw as number[])].map(id => BY_ID.get(id) as Tag)
}

export function tagsByName(names: readonly string[]): Tag[] {
  return names
    .map(name => TAGS.find(t => t.name.toLowerCase() === name.toLowerCase()))
    .filter((t): t is Tag => t !== undefined)
}

/** The catalog with `challenge_count`: how many of the started competitions the caller sees carry each tag. */
export function catalog(visibleStarted: readonly { tags: string[] }[]): unknown[] {
  return TAGS.map(tag => ({
    id: tag.id,
    name: tag.name,
    description: tag.description,
    challenge_count: visibleStarted.filter(c =>
      c.tags.some(name => name.toLowerCase() === tag.name.toLowerCase())
    ).length
  }))
}
