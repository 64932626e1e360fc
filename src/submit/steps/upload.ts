import path from 'node:path'
import type { AgentStatus } from '../../arena/model.js'
import type { PlannedFile } from '../../evaluation/outcome.js'
import type { ArenaApi } from '../../evaluation/arena-port.js'
import type { Logger } from '../../logger.js'
import { ActionError } from '../../errors.js'
import { ArenaError } from '../../arena/errors.js'
import { formatBytes } from '../../format.js'

export interface UploadOptions {
  log: Pick<Logger, 'info' | 'warning'>
  signal?: AbortSignal
  /** Files uploaded at once. */
  parallel?: number
  /** Least time between two progress lines of one file (a big upload says how far it is). */
  progressEveryMs?: number
  now?: () => number
  /** Each file's validation message as its answer gives it (the last one is the folder's). */
  onValidation?: (message: string | null) => void
}

/** The platform's validation refused the agent's files (the status after the last file). */
export class UploadRejected extends ActionError {
  override name = 'UploadRejected'
}

/**
 * Uploads every planned file under its stored name, a few at a time, and returns the stored
 * names whose upload succeeded (all of them, or it throws). One line per finished file and, for
 * a file that takes long, a progress line at most every `progressEveryMs`: readable in the
 * Actions log without a progress bar's flood. After a failed upload no further one starts.
 */
export async function uploadAll(
  arena: Pick<ArenaApi, 'uploadFile'>,
  competitionId: number,
  agentId: number,
  files: PlannedFile[],
  workingDirectory: string,
  options: UploadOptions
): Promise<Set<string>> {
  const parallel = Math.max(1, options.parallel ?? 3)
  const every = options.progressEveryMs ?? 10_000
  const now = options.now ?? (() => performance.now())
  const total = files.reduce((sum, file) => sum + file.size, 0)
  options.log.info(`Uploading ${files.length} file(s), ${formatBytes(total)} in all.`)
  let next = 0
  let failed = false
  const uploaded = new Set<string>()

  async function worker(): Promise<void> {
    for (;;) {
      if (options.signal?.aborted) throw new ActionError('The upload was cancelled.')
      if (failed) return
      const file = files[next++]
      if (!file) return
      let lastLine = now()
      const result = await arena
        .uploadFile(
          competitionId,
          agentId,
          { name: file.name, path: path.join(workingDirectory, file.path), size: file.size },
          sent => {
            const at = now()
            if (at - lastLine < every || sent >= file.size) return
            lastLine = at
            const percent = file.size > 0 ? Math.floor((sent / file.size) * 100) : 100
            options.log.info(
              `  ${file.name}: ${percent}% (${formatBytes(sent)} of ${formatBytes(file.size)})`
            )
          }
        )
        .catch((error: unknown) => {
          failed = true
          throw error
        })
      uploaded.add(file.name)
      options.onValidation?.(result.validationMessage)
      // A file that reads upload_failed is no verdict yet: the folder may be briefly invalid
      // between two files; the status after the last one decides (checkDeployable).
      const note = result.validationMessage ?? result.message
      options.log.info(`  ✓ ${file.name} (${formatBytes(file.size)})${note ? ` — ${note}` : ''}`)
    }
  }

  await Promise.all(Array.from({ length: Math.min(parallel, files.length) }, () => worker()))
  return uploaded
}

/** Failures of a read that may pass (the same kinds the watch polls through). */
const PASSING_KINDS: ReadonlySet<string> = new Set([
  'rate-limited',
  'maintenance',
  'server',
  'network',
  'timeout',
  'protocol'
])

export type DeployableVerdict =
  | { deployable: true; status: AgentStatus | null }
  | { deployable: false; status: AgentStatus; message: string }

/**
 * The SDK's decision, once, after every file is up (4.4 `submit()`: "Ask the status route
 * whether the submission may deploy … asked after every file is on disk, so a legitimately
 * transient mid-sequence failure (multi-file upload) isn't misreported"): `is_deployable` on the
 * status read after the last file (and after any stale-file removal). The legacy wire has no
 * `is_deployable`: there `upload_failed` refuses. A refusal names the status's
 * `last_status_message` and the last answer's `validation_message`.
 */
export async function checkDeployable(
  arena: Pick<ArenaApi, 'status'>,
  competitionId: number,
  agentId: number,
  options: { validationMessage: string | null; log: Pick<Logger, 'info' | 'warning'> }
): Promise<DeployableVerdict> {
  let status: AgentStatus
  try {
    status = await arena.status(competitionId, agentId)
  } catch (error) {
    // The check is the early, clear refusal; the deploy route refuses a submission that is not
    // deployable anyway (409), and the watch reads the state after. A status read that fails
    // after its retries does not end a run that the next reads can finish.
    if (!(error instanceof ArenaError) || !PASSING_KINDS.has(error.kind)) throw error
    options.log.warning(
      `Could not read the agent's status after the upload (${error.message}); deploying, as ML Arena refuses a deploy of files it rejected.`
    )
    return { deployable: true, status: null }
  }
  const refused =
    status.deployable === false || (status.deployable === null && status.state === 'upload_failed')
  if (!refused) return { deployable: true, status }
  // The SDK names `last_status_message`; the last answer's `validation_message` is added when it
  // says something else (with files uploaded in parallel, "last" is the last to finish).
  const words = [status.message, options.validationMessage].filter(
    (text, i, all): text is string => text !== null && text !== '' && all.indexOf(text) === i
  )
  const said = words.join(' — ')
  const message = `ML Arena's validation refused the agent's files (status ${status.state})${said ? `: ${said}` : ''}; fix the files and push again. Nothing was deployed.`
  options.log.warning(message)
  return { deployable: false, status, message }
}
