/**
 * `PUT /api/creator_competition/competition/{id}/settings`, as SDK 0.2.0's `update_settings`
 * has it (client.py at 65251bc): ten keywords, each sent only when passed, "rejected after the
 * competition has been started". Where a keyword is a config key of today (renamed since), the
 * config follows, so the participant side sees it; the rest is kept as the legacy server would
 * keep it (its own columns) and shown on /__emulator/state. Pure.
 */
import type { ConfigState } from './challenge-config.ts'

/** Legacy keyword → today's config key (4.x renamed or kept them); null: a legacy-only column. */
export const LEGACY_SETTINGS: Readonly<Record<string, string | null>> = {
  simulation_timeout_sec: 'simulation_timeout_sec',
  max_upload_size_bytes: 'max_upload_size_bytes',
  max_upload_files: 'max_upload_files',
  max_active_agents_per_participant: 'max_active_submissions_per_participant',
  evaluation_metric: null,
  evaluation_metric2: null,
  evaluation_is_elo_score: null,
  evaluation_deployment_nb_constraint_run: null,
  evaluation_deployment_nb_initial_score_run: 'deployment_nb_initial_score_run',
  evaluation_episode_budget_brackets: null
}

const POSITIVE_INT = new Set([
  'simulation_timeout_sec',
  'max_upload_size_bytes',
  'max_upload_files',
  'max_active_agents_per_participant',
  'evaluation_deployment_nb_constraint_run',
  'evaluation_deployment_nb_initial_score_run'
])

export type LegacySettingsResult =
  | { ok: true; config: ConfigState; legacy: Record<string, unknown> }
  | { ok: false; errors: string[] }

export function applyLegacySettings(
  body: unknown,
  config: ConfigState,
  legacy: Record<string, unknown>,
  started: boolean
): LegacySettingsResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: ['Send a JSON object of settings'] }
  const entries = Object.entries(body as Record<string, unknown>)
  if (entries.length === 0) return { ok: false, errors: ['Send at least one setting'] }
  if (started)
    return {
      ok: false,
      errors: ['Settings cannot change once the competition has started']
    }
  const errors: string[] = []
  for (const [key, value] of entries) {
    if (!(key in LEGACY_SETTINGS)) {
      errors.push(`Unknown setting '${key}': one of ${Object.keys(LEGACY_SETTINGS).join(', ')}`)
      continue
    }
    if (POSITIVE_INT.has(key)) {
      if (!Number.isInteger(value) || (value as number) < 1)
        errors.push(`${key} must be a positive integer`)
      else if (key === 'simulation_timeout_sec' && (value as number) > 3600)
        errors.push('simulation_timeout_sec is at most 3600')
    } else if (key === 'evaluation_metric' || key === 'evaluation_metric2') {
      // "free-text label for the primary metric … The DB column is String(20)."
      if (typeof value !== 'string' || value.length > 20)
        errors.push(`${key} must be a string of at most 20 characters`)
    } else if (key === 'evaluation_is_elo_score') {
      if (typeof value !== 'boolean') errors.push(`${key} must be true or false`)
    } else if (key === 'evaluation_episode_budget_brackets') {
      const problem = bracketsProblem(value)
      if (problem) errors.push(`evaluation_episode_budget_brackets: ${problem}`)
    }
  }
  if (errors.length > 0) return { ok: false, errors }
  const next = structuredClone(config)
  const kept = { ...legacy }
  for (const [key, value] of entries) {
    kept[key] = value
    const modern = LEGACY_SETTINGS[key]
    if (modern) {
      next.values[modern] = value
      next.origin[modern] = 'console'
    }
  }
  return { ok: true, config: next, legacy: kept }
}

/** "Thresholds must be strictly ascending; n_episodes non-decreasing; max 100 episodes per bracket." */
function bracketsProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0)
    return 'a non-empty list of [threshold, n_episodes]'
  let last: [number, number] | null = null
  for (const pair of value) {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'number' ||
      !Number.isInteger(pair[1])
    )
      return 'each bracket is [threshold, n_episodes]'
    const [threshold, episodes] = pair as [number, number]
    if (episodes < 1 || episodes > 100) return 'n_episodes is 1..100 per bracket'
    if (last && threshold <= last[0]) return 'thresholds must be strictly ascending'
    if (last && episodes < last[1]) return 'n_episodes must not decrease'
    last = [threshold, episodes]
  }
  return null
}
