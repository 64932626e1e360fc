/**
 * Failures that point at the code: the traceback frames of an agent's error that name one of
 * its uploaded files become annotations on that file's line in the repository. An agent's
 * files form one flat folder on ML Arena, so a frame names a stored name (`/agent/agent.py`,
 * `agent.py`); the run's planned files map each stored name back to its path. Pure.
 */
import type { PlannedFile, RunOutcome } from './outcome.js'

export interface CodeAnnotation {
  /** Path in the repository, `/`-separated. */
  path: string
  line: number
  title: string
  message: string
}

/** `File "/agent/agent.py", line 3, in <module>`: CPython's frame line. */
const FRAME = /^\s*File "([^"\r\n]+)", line (\d{1,9})(?:, in ([^\r\n]+))?\s*$/
/** `ModuleNotFoundError: No module named 'x'`: the exception line that ends a traceback. */
const EXCEPTION = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)\b.*)$/
const MAX_ANNOTATIONS = 50

/**
 * Annotations for every frame, in `texts` (error messages, log tails), that names an uploaded
 * file; one per file and line, the innermost frame first. `workingDirectory` is where the
 * files' paths start, relative to the repository's root ('' for the root).
 */
export function tracebackAnnotations(
  texts: readonly (string | null | undefined)[],
  files: readonly Pick<PlannedFile, 'name' | 'path'>[],
  workingDirectory: string
): CodeAnnotation[] {
  const byName = new Map(files.map(file => [file.name, file.path]))
  const found = new Map<string, CodeAnnotation>()
  for (const text of texts) {
    if (!text) continue
    const lines = text.split(/\r?\n/)
    const frames: { name: string; line: number; where: string | null }[] = []
    let exception: string | null = null
    for (const line of lines) {
      const frame = FRAME.exec(line)
      if (frame) {
        frames.push({
          name: storedName(frame[1] as string),
          line: Number(frame[2]),
          where: frame[3]?.trim() ?? null
        })
        continue
      }
      const thrown = frames.length > 0 ? EXCEPTION.exec(line.trim()) : null
      if (thrown) exception = thrown[1] as string
    }
    for (const frame of frames.reverse()) {
      const relative = byName.get(frame.name)
      if (relative === undefined || frame.line < 1) continue
      const repoPath = joinPath(workingDirectory, relative)
      const key = `${repoPath}:${frame.line}`
      if (found.has(key)) continue
      found.set(key, {
        path: repoPath,
        line: frame.line,
        title: exception ? exception.slice(0, 200) : 'The agent failed here on ML Arena',
        message: `${exception ?? 'The agent raised an error'}${frame.where ? ` (in ${frame.where})` : ''}`
      })
    }
  }
  return [...found.values()].slice(0, MAX_ANNOTATIONS)
}

/** The stored name a frame's path stands for: its last segment (`/agent/x.py` → `x.py`). */
function storedName(framePath: string): string {
  const parts = framePath.split(/[\\/]/)
  return parts[parts.length - 1] ?? framePath
}

function joinPath(dir: string, relative: string): string {
  const clean = dir.replace(/^\.\/?/, '').replace(/\/+$/, '')
  return clean === '' ? relative : `${clean}/${relative}`
}

/** The texts a traceback can be in: each failed run's message, and the game logs' tails. */
export function failureTexts(outcome: RunOutcome): string[] {
  return [
    ...(outcome.status?.runs ?? []).map(run => run.errorMessage ?? ''),
    ...outcome.logs.map(log => log.tail)
  ].filter(text => text !== '')
}
