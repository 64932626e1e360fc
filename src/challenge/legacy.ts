/**
 * The plan on the legacy wire (SDK 0.2.0, `client.py` lines 135–535 at 65251bc): what that wire
 * can do and what it cannot know. Pure.
 *
 * It has create, update, settings (ten keywords), tags, env and benchmark uploads, markdown,
 * image, benchmark run and status, and start. It has no file listing, no overview or tag read,
 * no editor view, no env check, no stop and no challenge.toml (4.3.0). So:
 *
 * - what the public detail shows (name, description, status, `max_upload_size_bytes`,
 *   `max_upload_files`) is compared like on the current wire;
 * - challenge.toml's keys map to the settings keywords of 0.2.0; a key with none is an error on
 *   its line (nothing is dropped silently);
 * - what cannot be read back (files, overview, cover, tags, visibility, the other settings) is
 *   sent while the competition is a draft, as `send` changes; remote files are never deleted,
 *   since nothing lists them. Once started, 0.2.0 refuses env and settings writes, and the
 *   action sends nothing it cannot compare (the plan says so).
 */
import type { Tag } from '../arena/creator-model.js'
import type { Competition } from '../arena/model.js'
import { formatBytes, plural } from '../format.js'
import { CONFIG_FILE, type LocalChallenge } from './folder.js'
import type { Finding } from './findings.js'
import { countLines, type Change, type Identity, type Plan, type Step } from './plan.js'
import { lineOf, toPointer, type ParsedToml } from './toml.js'

/** challenge.toml key → SDK 0.2.0 `update_settings` keyword (renamed since, or kept). */
export const LEGACY_KEYWORDS: Readonly<Record<string, string>> = {
  simulation_timeout_sec: 'simulation_timeout_sec',
  max_upload_size_bytes: 'max_upload_size_bytes',
  max_upload_files: 'max_upload_files',
  max_active_submissions_per_participant: 'max_active_agents_per_participant',
  deployment_nb_initial_score_run: 'evaluation_deployment_nb_initial_score_run',
  deployment_nb_constraint_run: 'evaluation_deployment_nb_constraint_run',
  episode_budget_brackets: 'evaluation_episode_budget_brackets'
}

/** The settings the public detail shows back (0.2.0 `competition`: "preflight against …"). */
const SHOWN: Readonly<Record<string, keyof Competition>> = {
  max_upload_size_bytes: 'maxUploadSizeBytes',
  max_upload_files: 'maxUploadFiles'
}

export interface LegacySettings {
  /** Keyword → value, as 0.2.0 sends them. */
  settings: Record<string, unknown>
  /** Keyword → the challenge.toml line it came from. */
  lines: Record<string, number>
  findings: Finding[]
}

/**
 * challenge.toml as 0.2.0 settings keywords. `metrics` maps to `evaluation_metric` (the ranking
 * spec's label, String(20)), `evaluation_is_elo_score` (`agg = "rating"`) and
 * `evaluation_metric2` (a second spec's label); what 0.2.0 cannot say (a lower-is-better
 * ranking, a third spec) is an error, presentation it has no column for a warning.
 */
export function legacySettings(toml: ParsedToml, file: string): LegacySettings {
  const settings: Record<string, unknown> = {}
  const lines: Record<string, number> = {}
  const findings: Finding[] = []
  const line = (...path: (string | number)[]): number => lineOf(toml, toPointer(path.map(String)))
  const error = (at: number, message: string): void => {
    findings.push({ severity: 'error', file, line: at, message, source: 'plan' })
  }
  for (const [key, value] of Object.entries(toml.values)) {
    if (key === 'metrics') continue
    const keyword = LEGACY_KEYWORDS[key]
    if (!keyword) {
      error(
        line(key),
        `'${key}' has no settings keyword on the legacy wire (SDK 0.2.0): remove it, set it in the console, or use a server on the current wire`
      )
      continue
    }
    settings[keyword] = value
    lines[keyword] = line(key)
  }
  const metrics = toml.values.metrics
  if (Array.isArray(metrics)) {
    const specs = metrics.map(m => (typeof m === 'object' && m !== null ? m : {})) as Record<
      string,
      unknown
    >[]
    const rankingAt = specs.findIndex(m => m.is_ranking === true)
    const ranking = specs[rankingAt]
    if (ranking) {
      if (ranking.order === 'asc')
        error(
          line('metrics', rankingAt, 'order'),
          'the legacy wire (SDK 0.2.0) has no keyword for a lower-is-better ranking: its boards rank higher first'
        )
      if (ranking.source !== 'score' || !['mean', 'rating'].includes(String(ranking.agg)))
        error(
          line('metrics', rankingAt),
          'on the legacy wire the ranking metric is the env\'s score (source = "score") with agg "mean" or "rating"'
        )
      settings.evaluation_metric = labelOf(ranking, rankingAt)
      settings.evaluation_is_elo_score = ranking.agg === 'rating'
      lines.evaluation_metric = line('metrics', rankingAt)
      lines.evaluation_is_elo_score = line('metrics', rankingAt)
    }
    const others = specs.map((m, i) => ({ m, i })).filter(({ i }) => i !== rankingAt)
    const second = others[0]
    if (second) {
      settings.evaluation_metric2 = labelOf(second.m, second.i)
      lines.evaluation_metric2 = line('metrics', second.i)
    }
    for (const { i } of others.slice(1))
      error(
        line('metrics', i),
        'the legacy wire (SDK 0.2.0) has two metric keywords (evaluation_metric, evaluation_metric2): this third metric has none'
      )
    const dropped = new Set<string>()
    for (const m of specs)
      for (const key of ['format', 'unit', 'precision', 'visible', 'key'])
        if (key in m) dropped.add(key)
    if (dropped.size > 0)
      findings.push({
        severity: 'warning',
        file,
        line: line('metrics'),
        message: `the legacy wire keeps only each metric's label (and whether the board is rated): ${[...dropped].join(', ')} are not sent`,
        source: 'plan'
      })
  }
  return { settings, lines, findings }

  function labelOf(spec: Record<string, unknown>, i: number): string {
    const label = typeof spec.label === 'string' ? spec.label : ''
    if (label.length > 20)
      error(
        line('metrics', i, 'label'),
        `the legacy wire keeps a metric label of at most 20 characters (evaluation_metric is String(20)): "${label}" has ${label.length}`
      )
    return label
  }
}

export interface LegacyPlanInput {
  identity: Identity
  local: LocalChallenge
  toml: ParsedToml | null
  findings: Finding[]
  /** The competition's public detail; null when it does not exist yet. */
  remote: (Competition & { id: number }) | null
}

export function buildLegacyPlan(input: LegacyPlanInput): Plan {
  const { identity, local, remote } = input
  const findings = [...input.findings]
  const notes: string[] = [
    'This server speaks the legacy API wire (SDK 0.2.0): it cannot list the env and benchmark folders, read back the overview, the cover, the tags or most settings, check env.py, or stop a competition.'
  ]
  const steps: Step[] = []
  const changes: Change[] = []
  const started = remote?.status === 'started'
  const tomlFile = local.env.find(f => f.name === CONFIG_FILE) ?? null
  const mapped = input.toml && tomlFile ? legacySettings(input.toml, tomlFile.shown) : null
  if (mapped) findings.push(...mapped.findings)
  const name = identity.name ?? remote?.name ?? ''
  const change = (
    subject: string,
    action: Change['action'],
    detail: string,
    file: string | null = null,
    line: number | null = null,
    refusedWhileStarted = false
  ): Change => ({ subject, action, detail, refusedWhileStarted, file, line })

  if (!remote) {
    if (identity.kernelVersion === null)
      findings.push({
        severity: 'error',
        file: null,
        line: null,
        message:
          "Input 'kernel-version' is required to create the challenge: give its kind, e.g. flex_v1.",
        source: 'plan'
      })
    const spec = {
      name,
      kernelVersion: identity.kernelVersion ?? '',
      ...(identity.description !== null ? { description: identity.description } : {}),
      ...(identity.isPublic !== null ? { isPublic: identity.isPublic } : {}),
      ...(identity.tags !== null ? { tagIds: identity.tags.map(t => t.id) } : {})
    }
    steps.push({ kind: 'create', spec })
    // 0.2.0 create_competition: "Defaults to public".
    changes.push(
      change(
        'challenge',
        'create',
        `${spec.kernelVersion || '?'}, ${identity.isPublic === false ? 'private' : 'public'}`
      )
    )
  } else {
    const update: { name?: string; description?: string; isPublic?: boolean } = {}
    if (identity.name !== null && identity.name !== remote.name) {
      update.name = identity.name
      changes.push(
        change('name', 'set', `${JSON.stringify(remote.name)} → ${JSON.stringify(identity.name)}`)
      )
      // 0.2.0 update_competition: "name and description are locked once … started".
      if (started) (changes.at(-1) as Change).refusedWhileStarted = true
    }
    if (identity.description !== null && identity.description !== (remote.description ?? '')) {
      update.description = identity.description
      changes.push(change('description', 'set', 'new text', null, null, started))
    }
    if (identity.isPublic !== null && !started) {
      update.isPublic = identity.isPublic
      changes.push(change('visibility', 'send', identity.isPublic ? 'public' : 'private'))
    }
    if (Object.keys(update).length > 0) steps.push({ kind: 'metadata', update })
    if (identity.tags !== null && !started) {
      steps.push({ kind: 'tags', tags: identity.tags })
      changes.push(change('tags', 'send', tagNames(identity.tags)))
    }
  }

  // Settings: compare what the detail shows; send the rest while a draft.
  if (mapped && Object.keys(mapped.settings).length > 0) {
    const send: Record<string, unknown> = {}
    for (const [keyword, value] of Object.entries(mapped.settings)) {
      const key = Object.entries(LEGACY_KEYWORDS).find(([, k]) => k === keyword)?.[0] ?? keyword
      const shown = SHOWN[key]
      const line = mapped.lines[keyword] ?? null
      const file = tomlFile?.shown ?? null
      if (remote && shown && remote[shown] !== null) {
        if (remote[shown] === value) continue
        send[keyword] = value
        changes.push(
          change(
            `setting ${keyword}`,
            'set',
            `${String(remote[shown])} → ${String(value)}`,
            file,
            line,
            started
          )
        )
        continue
      }
      if (started) continue
      send[keyword] = value
      changes.push(change(`setting ${keyword}`, 'send', JSON.stringify(value) ?? '', file, line))
    }
    if (Object.keys(send).length > 0) steps.push({ kind: 'settings', settings: send })
    if (started)
      notes.push(
        'The competition is started: settings the legacy wire cannot read back are not sent (0.2.0 refuses settings once started, and has no stop).'
      )
  }

  // Files, overview, cover: sent while a draft (nothing lists them), never deleted.
  if (!started) {
    for (const [folder, files] of [
      ['env', local.env],
      ['benchmark', local.benchmark]
    ] as const)
      for (const file of files) {
        steps.push({ kind: 'upload', folder, file, change: 'add' })
        changes.push(
          change(
            `${folder}/${file.name}`,
            'send',
            file.text !== null ? plural(countLines(file.text), 'line') : formatBytes(file.size),
            file.shown
          )
        )
      }
    if (local.overview) {
      steps.push({ kind: 'overview', content: local.overview.text ?? '' })
      changes.push(
        change(
          'overview.md',
          'send',
          plural(countLines(local.overview.text ?? ''), 'line'),
          local.overview.shown
        )
      )
    }
    if (local.cover) {
      steps.push({ kind: 'cover', file: local.cover })
      changes.push(
        change(local.cover.name, 'send', formatBytes(local.cover.size), local.cover.shown)
      )
    }
    if (remote)
      notes.push(
        'Files the folder no longer has stay on ML Arena: this wire cannot list the env and benchmark folders, so nothing is ever deleted there.'
      )
  } else {
    notes.push(
      'The competition is started: the env and benchmark files, the overview, the cover and the tags cannot be compared on this wire, so none is sent (0.2.0 refuses env uploads once started).'
    )
  }

  const refused = changes.filter(c => c.refusedWhileStarted)
  for (const c of refused)
    findings.push({
      severity: 'error',
      file: c.file,
      line: c.line,
      message: `The competition is started: the legacy wire refuses this change (${c.subject}), and it has no stop route to restart it.`,
      source: 'plan'
    })
  const runsBenchmark = steps.some(s => s.kind === 'upload') && local.benchmark.length > 0
  return {
    challengeId: remote?.id ?? null,
    name,
    status: remote?.status ?? 'new',
    steps,
    changes,
    configChanges: [],
    findings,
    runsBenchmark,
    blockersNow: null,
    blockersAfter: null,
    resolvedIfScored: [],
    refused,
    restart: false,
    notes
  }
}

function tagNames(tags: readonly Tag[]): string {
  return tags.map(t => t.name).join(', ') || 'none'
}
