/**
 * The challenge action's sequence: read the folder → check the inputs against ML Arena → find
 * the challenge and read its state → plan → (apply → benchmark → start). Every check happens
 * before the first write; `outcome` is filled as it goes, so a failure still has a report.
 */
import type { Wire } from '../arena/model.js'
import type { Clock } from '../clock.js'
import { ActionError } from '../errors.js'
import { oneLine } from '../format.js'
import type { Logger } from '../logger.js'
import type { ChallengeConfig } from './config.js'
import type { CreatorApi } from './creator-port.js'
import { hasErrors, whereOf, type Finding } from './findings.js'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  CONFIG_FILE,
  ENV_DIR,
  ENV_ENTRY,
  readChallengeFolder,
  type LocalChallenge
} from './folder.js'
import { challengeUrl, type ChallengeOutcome } from './outcome.js'
import { metricFindings } from './metrics.js'
import { buildPlan, envFindings, type Plan } from './plan.js'
import { validateAgainstSchema } from './schema.js'
import { applyPlan, RefusedError, type ApplyProgress } from './steps/apply.js'
import { runBenchmark } from './steps/benchmark.js'
import {
  checkKind,
  findChallenge,
  readLegacyRemote,
  readRemote,
  resolveTags
} from './steps/resolve.js'
import { buildLegacyPlan } from './legacy.js'
import { ArenaError } from '../arena/errors.js'
import { parseChallengeToml, TomlSyntaxError, type ParsedToml } from './toml.js'

export interface ChallengeDeps {
  api: CreatorApi
  /** Detects (or returns the forced) wire; the creator routes need the current one. */
  wire: () => Promise<Wire>
  clock: Clock
  log: Logger
  signal?: AbortSignal
  workspace: string
}

/** The plan has errors: in plan mode the step fails after reporting; in apply nothing is written. */
export class PlanError extends ActionError {
  override name = 'PlanError'
}

export async function runChallenge(
  config: ChallengeConfig,
  deps: ChallengeDeps,
  outcome: ChallengeOutcome
): Promise<void> {
  const { api, log } = deps
  const local = await readChallengeFolder(config.directory, deps.workspace)

  const wire = await deps.wire()
  outcome.wire = wire
  if (wire === 'legacy') return runLegacyChallenge(config, deps, outcome, local)

  // Inputs against ML Arena: the kind, the tags. Then challenge.toml against the schema.
  if (config.kernelVersion !== null) checkKind(config.kernelVersion, await api.kinds())
  const tags = resolveTags(config.tags, config.tags === null ? [] : await api.tagCatalog())
  const findings: Finding[] = []
  const tomlFile = local.env.find(file => file.name === CONFIG_FILE) ?? null
  let toml: ParsedToml | null = null
  if (tomlFile) {
    try {
      toml = parseChallengeToml(tomlFile.text ?? '')
      const own = metricFindings(toml, tomlFile.shown)
      const ownLines = new Set(own.map(f => f.line))
      // The plan's own MetricSpec messages say more than a schema's: one per line.
      const schema = validateAgainstSchema(toml, await api.configSchema(), tomlFile.shown)
      findings.push(...schema.filter(f => !ownLines.has(f.line)), ...own)
    } catch (error) {
      if (!(error instanceof TomlSyntaxError)) throw error
      findings.push({
        severity: 'error',
        file: tomlFile.shown,
        line: error.line,
        message: `not valid TOML: ${error.message} (column ${error.column})`,
        source: 'toml'
      })
    }
  }

  // The config keys (SDK 4.4.0 config_fields, public): which a file may hold, which a started
  // challenge still takes. A server that does not serve them leaves the plan to the view's list.
  const fields = await api.configFields().catch((error: unknown) => {
    if (error instanceof ArenaError && (error.status === 404 || error.status === 405)) return null
    throw error
  })

  // The challenge, its state, and the env check of the local env.py.
  const id = await findChallenge(api, config.challengeId, config.name)
  const remote = id === null ? null : await readRemote(api, id)
  const envPy = local.env.find(file => file.name === ENV_ENTRY)
  const envCheck = id !== null && envPy ? await api.checkEnv(id, envPy.text ?? '') : null
  outcome.challengeId = id
  if (remote) {
    outcome.name = config.name ?? remote.view.name
    outcome.status = remote.view.status
    outcome.url = challengeUrl(config.baseUrl, wire, remote.view.id)
  } else {
    outcome.status = 'new'
  }

  const plan = buildPlan({
    identity: {
      name: config.name,
      kernelVersion: config.kernelVersion,
      description: config.description,
      isPublic: config.isPublic,
      tags
    },
    local,
    toml,
    findings,
    envCheck,
    remote,
    fields,
    settings: config.settings,
    restart: config.restart
  })
  outcome.plan = plan
  log.info(describePlan(plan))
  if (remote && !tomlFile) await exportConfig(api, remote.view.id, config.directory, deps, outcome)

  if (config.mode === 'plan') {
    outcome.blockers = null
    if (hasErrors(plan.findings)) {
      outcome.kind = 'plan-failed'
      throw new PlanError(firstErrors(plan))
    }
    outcome.kind = 'planned'
    return
  }

  if (hasErrors(plan.findings)) {
    outcome.kind = 'refused'
    throw new PlanError(`Nothing was written: ${firstErrors(plan)}`)
  }

  const progress: ApplyProgress = { challengeId: id, created: false, applied: 0 }
  // A new challenge: the env check the plan could not run (it needs an id) runs before any file.
  const checkNewEnv = async (newId: number): Promise<void> => {
    if (!envPy) return
    const check = await api.checkEnv(newId, envPy.text ?? '')
    const found = envFindings(check, envPy.shown)
    outcome.serverFindings.push(...found)
    if (hasErrors(found)) {
      throw new RefusedError(
        `ML Arena's env check refused ${envPy.shown}; the challenge was created (id ${newId}), no file was written: ${found
          .filter(f => f.severity === 'error')
          .slice(0, 3)
          .map(f => `${whereOf(f)}: ${f.message}`)
          .join('; ')}`,
        found
      )
    }
  }
  if (plan.restart && id !== null) {
    log.notice(
      `restart is true: stopping challenge ${id} to apply what a started challenge refuses, then starting it again.`
    )
    await api.stop(id)
    outcome.notes.push(
      `Stopped challenge ${id} to apply the plan (restart: true); started again below.`
    )
  }
  try {
    await applyPlan(api, plan, progress, log, deps.signal, checkNewEnv)
  } catch (error) {
    if (error instanceof RefusedError) {
      // The env check's findings are in already (a warning counts too, whatever the verdict).
      for (const finding of error.findings)
        if (!outcome.serverFindings.includes(finding)) outcome.serverFindings.push(finding)
      outcome.kind = 'refused'
    }
    throw error
  } finally {
    outcome.applied = progress.applied
    outcome.created = progress.created
    if (progress.challengeId !== null) {
      outcome.challengeId = progress.challengeId
      outcome.url = challengeUrl(config.baseUrl, wire, progress.challengeId)
    }
  }
  const cid = progress.challengeId
  if (cid === null) throw new Error('apply ended without a challenge id')

  let view = await api.editorView(cid)
  outcome.status = view.status
  const wantStart = config.start || plan.restart
  const unscored = (view.startBlockers ?? []).some(b => b.code === 'benchmark_unscored')
  const hasBenchmark = local.benchmark.length > 0 || (remote?.benchmark.length ?? 0) > 0
  if (plan.runsBenchmark || (wantStart && unscored && hasBenchmark)) {
    const result = await log.group('Benchmark', () =>
      runBenchmark(api, cid, {
        clock: deps.clock,
        timeoutMs: config.timeoutMinutes * 60_000,
        intervalMs: config.pollIntervalSeconds * 1000,
        signal: deps.signal,
        log
      })
    )
    outcome.benchmark = result.status
    outcome.benchmarkEnd = result.end
    if (result.end === 'interrupted') {
      outcome.kind = 'cancelled'
      return
    }
    if (result.end === 'timeout') {
      outcome.kind = 'timeout'
      return
    }
    if (result.end !== 'completed') {
      outcome.kind = 'benchmark-failed'
      view = await api.editorView(cid)
      outcome.blockers = view.startBlockers
      return
    }
    view = await api.editorView(cid)
  } else if (plan.changes.length === 0) {
    outcome.benchmark = null
  }
  outcome.status = view.status
  outcome.blockers = view.startBlockers

  if (wantStart && view.status !== 'started') {
    const blockers = view.startBlockers ?? []
    if (blockers.length > 0) {
      outcome.kind = 'blocked'
      return
    }
    await api.start(cid)
    view = await api.editorView(cid)
    outcome.status = view.status
    outcome.blockers = view.startBlockers
    outcome.kind = 'started'
    log.info(`Started challenge ${cid}.`)
    return
  }
  outcome.kind = 'applied'
}

function describePlan(plan: Plan): string {
  const lines = [
    `Plan for ${plan.challengeId === null ? 'a new challenge' : `challenge ${plan.challengeId}`} (${plan.status}): ${plan.changes.length} change(s).`
  ]
  // Names can come from ML Arena (files it lists): one line each, so none can forge a command.
  for (const c of [...plan.changes, ...plan.configChanges])
    lines.push(
      `  ${c.action} ${oneLine(c.subject)}: ${oneLine(c.detail)}${c.refusedWhileStarted ? ' (refused while started)' : ''}`
    )
  return lines.join('\n')
}

function firstErrors(plan: Plan): string {
  const errors = plan.findings.filter(f => f.severity === 'error')
  const shown = errors
    .slice(0, 3)
    .map(f => (whereOf(f) ? `${whereOf(f)}: ${f.message}` : f.message))
    .join('; ')
  return `the plan has ${errors.length} error(s): ${shown}${errors.length > 3 ? '; …' : ''}`
}

/**
 * The same sequence on the legacy wire (SDK 0.2.0): no kinds, schema, editor view or env check
 * to read, so the plan is the legacy one (see legacy.ts) and the state after apply comes from
 * the public detail; a start refusal (400) is reported as the server's blocker.
 */
async function runLegacyChallenge(
  config: ChallengeConfig,
  deps: ChallengeDeps,
  outcome: ChallengeOutcome,
  local: LocalChallenge
): Promise<void> {
  const { api, log } = deps
  const tags = resolveTags(config.tags, config.tags === null ? [] : await api.tagCatalog())
  const findings: Finding[] = []
  const tomlFile = local.env.find(file => file.name === CONFIG_FILE) ?? null
  let toml: ParsedToml | null = null
  if (tomlFile) {
    try {
      toml = parseChallengeToml(tomlFile.text ?? '')
      findings.push(...metricFindings(toml, tomlFile.shown))
    } catch (error) {
      if (!(error instanceof TomlSyntaxError)) throw error
      findings.push({
        severity: 'error',
        file: tomlFile.shown,
        line: error.line,
        message: `not valid TOML: ${error.message} (column ${error.column})`,
        source: 'toml'
      })
    }
  }
  if (config.restart)
    findings.push({
      severity: 'error',
      file: null,
      line: null,
      message:
        "Input 'restart': the legacy wire (SDK 0.2.0) has no stop route, so a started competition cannot be restarted; remove the input.",
      source: 'plan'
    })
  if (config.settings !== null)
    findings.push({
      severity: 'error',
      file: null,
      line: null,
      message:
        "Input 'settings': on the legacy wire the settings come from challenge.toml's keys (mapped to SDK 0.2.0's keywords); remove the input.",
      source: 'plan'
    })

  const id = await findChallenge(api, config.challengeId, config.name)
  const remote = id === null ? null : { ...(await readLegacyRemote(api, id)), id }
  outcome.challengeId = id
  outcome.status = remote?.status ?? 'new'
  if (remote) {
    outcome.name = config.name ?? remote.name
    outcome.url = challengeUrl(config.baseUrl, 'legacy', id as number)
  }
  const plan = buildLegacyPlan({
    identity: {
      name: config.name,
      kernelVersion: config.kernelVersion,
      description: config.description,
      isPublic: config.isPublic,
      tags
    },
    local,
    toml,
    findings,
    remote
  })
  outcome.plan = plan
  log.info(describePlan(plan))
  if (config.mode === 'plan') {
    if (hasErrors(plan.findings)) {
      outcome.kind = 'plan-failed'
      throw new PlanError(firstErrors(plan))
    }
    outcome.kind = 'planned'
    return
  }
  if (hasErrors(plan.findings)) {
    outcome.kind = 'refused'
    throw new PlanError(`Nothing was written: ${firstErrors(plan)}`)
  }
  const progress: ApplyProgress = { challengeId: id, created: false, applied: 0 }
  try {
    await applyPlan(api, plan, progress, log, deps.signal)
  } finally {
    outcome.applied = progress.applied
    outcome.created = progress.created
    if (progress.challengeId !== null) {
      outcome.challengeId = progress.challengeId
      outcome.url = challengeUrl(config.baseUrl, 'legacy', progress.challengeId)
    }
  }
  const cid = progress.challengeId
  if (cid === null) throw new Error('apply ended without a challenge id')
  if (plan.runsBenchmark) {
    const result = await log.group('Benchmark', () =>
      runBenchmark(api, cid, {
        clock: deps.clock,
        timeoutMs: config.timeoutMinutes * 60_000,
        intervalMs: config.pollIntervalSeconds * 1000,
        signal: deps.signal,
        log
      })
    )
    outcome.benchmark = result.status
    outcome.benchmarkEnd = result.end
    if (result.end === 'interrupted') {
      outcome.kind = 'cancelled'
      return
    }
    if (result.end === 'timeout') {
      outcome.kind = 'timeout'
      return
    }
    if (result.end !== 'completed') {
      outcome.kind = 'benchmark-failed'
      return
    }
  }
  let status = (await api.competition(cid)).status
  outcome.status = status
  if (config.start && status !== 'started') {
    try {
      await api.start(cid)
    } catch (error) {
      if (error instanceof ArenaError && (error.status === 400 || error.status === 409)) {
        outcome.kind = 'blocked'
        outcome.blockers = [{ code: 'refused', message: error.serverMessage ?? error.message }]
        return
      }
      throw error
    }
    status = (await api.competition(cid)).status
    outcome.status = status
    outcome.kind = 'started'
    log.info(`Started competition ${cid}.`)
    return
  }
  outcome.kind = 'applied'
}

/**
 * SDK 4.4.0 `export_config`: an existing challenge and a folder without env/challenge.toml: the
 * resolved config is written there (this run does not upload it) for the creator to commit and
 * own from then on. Never overwrites a file.
 */
async function exportConfig(
  api: CreatorApi,
  id: number,
  directory: string,
  deps: ChallengeDeps,
  outcome: ChallengeOutcome
): Promise<void> {
  const target = path.join(directory, ENV_DIR, CONFIG_FILE)
  const shown = path.relative(deps.workspace, target).split(path.sep).join('/')
  try {
    const text = await api.exportConfig(id)
    await writeFile(target, text, { flag: 'wx' })
    outcome.exportedConfig = shown
    outcome.notes.push(
      `The folder had no ${ENV_DIR}/${CONFIG_FILE}: ML Arena's resolved config (export_config) was written to ${shown}; this run did not upload it. Commit it to keep the config as code: from then on the file owns every key it sets.`
    )
    deps.log.notice(`Wrote ML Arena's resolved config to ${shown} (not uploaded by this run).`)
  } catch (error) {
    deps.log.warning(
      `Could not write ML Arena's resolved config to ${shown}: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}
