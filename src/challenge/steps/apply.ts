/**
 * Apply: carries out exactly the plan's steps. The challenge is created first when it does not
 * exist; then challenge.toml goes before every other write, so a file ML Arena refuses stops the
 * run with nothing further changed (its line-numbered messages become findings). Deletions are
 * the plan's: names the server listed and the folder lacks, never a file this run uploaded.
 */
import { parseConfigRefusal } from '../../arena/creator-wire.js'
import { ArenaError } from '../../arena/errors.js'
import { ActionError } from '../../errors.js'
import { oneLine } from '../../format.js'
import type { Logger } from '../../logger.js'
import type { CreatorApi } from '../creator-port.js'
import { CONFIG_FILE } from '../folder.js'
import type { Finding } from '../findings.js'
import type { Plan, Step } from '../plan.js'

/**
 * ML Arena refused what the folder holds (a challenge.toml it would not apply, an env.py its
 * check rejects): `findings` carry its messages on their lines; nothing after it was written.
 */
export class RefusedError extends ActionError {
  override name = 'RefusedError'
  readonly findings: Finding[]

  constructor(message: string, findings: Finding[]) {
    super(message)
    this.findings = findings
  }
}

export interface ApplyProgress {
  challengeId: number | null
  created: boolean
  applied: number
}

/** Writes go in this order; challenge.toml first among the uploads. */
const ORDER: Record<Step['kind'], number> = {
  create: 0,
  settings: 2,
  upload: 2,
  metadata: 3,
  tags: 4,
  delete: 5,
  overview: 6,
  cover: 7
}

export function orderSteps(steps: readonly Step[]): Step[] {
  const rank = (step: Step): number =>
    step.kind === 'upload' && step.folder === 'env' && step.file.name === CONFIG_FILE
      ? 1
      : ORDER[step.kind]
  return steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => rank(a.step) - rank(b.step) || a.i - b.i)
    .map(({ step }) => step)
}

/**
 * `progress` is updated as each write lands, so a failure still reports what was done.
 * `afterCreate` runs once a new challenge exists, before any file is written (the env check,
 * which needs the challenge's id); it throws to stop the apply.
 */
export async function applyPlan(
  api: CreatorApi,
  plan: Plan,
  progress: ApplyProgress,
  log: Logger,
  signal?: AbortSignal,
  afterCreate?: (challengeId: number) => Promise<void>
): Promise<void> {
  for (const step of orderSteps(plan.steps)) {
    if (signal?.aborted) throw new ActionError('Cancelled while applying the plan.')
    if (step.kind === 'create') {
      const id = await api.createChallenge(step.spec)
      progress.challengeId = id
      progress.created = true
      progress.applied += 1
      log.notice(
        `Created challenge ${id} (${step.spec.name}): pin it with challenge-id: ${id} so later runs never look it up by name.`
      )
      await afterCreate?.(id)
      continue
    }
    const id = progress.challengeId
    if (id === null) throw new Error('a write before the challenge exists')
    await applyStep(api, id, step, log)
    progress.applied += 1
  }
}

async function applyStep(api: CreatorApi, id: number, step: Step, log: Logger): Promise<void> {
  switch (step.kind) {
    case 'metadata':
      log.info(`Updating ${Object.keys(step.update).join(', ')}.`)
      return api.updateChallenge(id, step.update)
    case 'settings':
      log.info(`Updating the settings: ${Object.keys(step.settings).join(', ')}.`)
      return api.updateSettings(id, step.settings)
    case 'tags':
      log.info(`Setting the tags: ${oneLine(step.tags.map(t => t.name).join(', ')) || 'none'}.`)
      return api.setTags(
        id,
        step.tags.map(t => t.id)
      )
    case 'upload':
      log.info(`Uploading ${step.folder}/${step.file.name} (${step.change}).`)
      try {
        await api.uploadFile(id, step.folder, { name: step.file.name, path: step.file.path })
      } catch (error) {
        if (
          step.folder === 'env' &&
          step.file.name === CONFIG_FILE &&
          error instanceof ArenaError &&
          (error.status === 400 || error.status === 403)
        ) {
          const refusals = parseConfigRefusal(error.body, error.serverMessage ?? error.message)
          throw new RefusedError(
            `ML Arena refused ${step.file.shown} (${error.status}); nothing further was changed: ${refusals.map(r => (r.line !== null ? `line ${r.line}: ${r.message}` : r.message)).join('; ')}`,
            refusals.map(r => ({
              severity: 'error',
              file: step.file.shown,
              line: r.line,
              message: r.message,
              source: 'server'
            }))
          )
        }
        throw error
      }
      return
    case 'delete':
      log.info(`Removing ${step.folder}/${oneLine(step.name)} (the folder no longer has it).`)
      return api.deleteFile(id, step.folder, step.name)
    case 'overview':
      log.info('Updating the overview.')
      return api.setOverview(id, step.content)
    case 'cover':
      log.info(`Uploading the cover (${step.file.name}).`)
      return api.setCover(id, { name: step.file.name, path: step.file.path })
    case 'create':
      throw new Error('create is applied by applyPlan')
  }
}
