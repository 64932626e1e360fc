import path from 'node:path'
import type { PlannedFile } from '../../evaluation/outcome.js'
import type { ArenaApi } from '../../evaluation/arena-port.js'
import type { Logger } from '../../logger.js'
import { ActionError } from '../../errors.js'
import { formatBytes } from '../../format.js'

export interface UploadOptions {
  log: Pick<Logger, 'info' | 'warning'>
  signal?: AbortSignal
  /** Files uploaded at once. */
  parallel?: number
  /** Least time between two progress lines of one file (a big upload says how far it is). */
  progressEveryMs?: number
  now?: () => number
}

/** A 2xx upload whose answer says the server did not accept the file. */
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
      const note = result.validationMessage ?? result.message
      options.log.info(`  ✓ ${file.name} (${formatBytes(file.size)})${note ? ` — ${note}` : ''}`)
    }
  }

  await Promise.all(Array.from({ length: Math.min(parallel, files.length) }, () => worker()))
  return uploaded
}
