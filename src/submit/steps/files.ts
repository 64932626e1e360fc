/**
 * Agent files: collect them from the `files` globs (I/O), then check them against the
 * competition's limits (pure). Both throw InputError('files', …) before anything is uploaded.
 *
 * Decisions:
 * - Patterns are relative to the working directory. An agent's files on ML Arena form one flat
 *   folder (the contract, "Request bodies"): a file is stored under its base name (a file
 *   challenge's one file under the required name), whatever folder it sits in. Two files that
 *   would share a stored name, exactly or in letter case only, are refused naming both paths.
 *   An absolute pattern is accepted only when its literal part lies inside the working
 *   directory; `~` and `..` are refused.
 * - Lines are applied in order, as @actions/glob (and upload-artifact) do: a `!` line excludes
 *   what the lines above it matched, and a later line can include again.
 * - Symbolic links are not followed while searching (a link to a big tree cannot make the search
 *   walk it). A matched link to a file inside the working directory is read through; a link, or
 *   a literal path through a linked folder, that resolves outside it is refused; a matched link
 *   to a folder is skipped (the folder's own files are found under their real path).
 * - Empty, unreadable and non-regular files are refused: an upload of one is almost always a
 *   mistake that would otherwise surface much later as a failed deploy.
 */
import { lstat, open, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from '../../errors.js'
import {
  formatBytes,
  hasControlCharacters,
  plural,
  quoteValue,
  replaceControlCharacters
} from '../../format.js'
import type { PlannedFile } from '../../evaluation/outcome.js'

export interface FileLimits {
  /** At most this many files per agent; null (or ≤ 0): the server does not say. */
  maxFiles: number | null
  /** At most this many bytes in total per agent; null (or ≤ 0): the server does not say. */
  maxTotalBytes: number | null
  /** File challenge: exactly one file, stored under this name; null otherwise. */
  requiredName: string | null
}

const IS_WINDOWS = process.platform === 'win32'
const MAX_NAMES_LISTED = 5
/** The longest stored name the contract allows. */
const MAX_NAME_LENGTH = 255

/**
 * Expands the glob lines (`!` lines exclude) relative to `workingDirectory` and returns every
 * matched file, checked and sorted by path, each named by its stored name. No match → [] (the
 * caller applies `if-no-files-found`). Two files that would share a stored name → InputError.
 */
export async function collectFiles(
  patterns: string[],
  workingDirectory: string
): Promise<PlannedFile[]> {
  const root = path.resolve(workingDirectory)
  const realRoot = await realpath(root).catch(() => {
    throw new InputError(
      'working-directory',
      `${quoteValue(root, 200)} does not exist; give the folder that holds the agent files.`
    )
  })
  const lines = patterns.map(line => toRootedPattern(line, root)).filter(line => line !== null)
  const found = new Map<string, PlannedFile>()
  // Loaded here, not at start: runs without files (scheduled redeploys) never pay for it.
  const { create } = await import(/* webpackChunkName: "glob" */ '@actions/glob')
  try {
    const globber = await create(lines.join('\n'), {
      followSymbolicLinks: false,
      matchDirectories: false,
      implicitDescendants: true
    })
    for await (const match of globber.globGenerator()) {
      const file = await checkMatch(match, root, realRoot)
      if (file !== null) found.set(file.path, file)
    }
  } catch (error) {
    if (error instanceof InputError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new InputError('files', `the patterns could not be searched: ${oneLine(reason)}`)
  }
  const files = [...found.values()].sort((a, b) => compareNames(a.path, b.path))
  // Here already, not only in preflight: the error then comes before any request to ML Arena.
  checkCollisions(files)
  return files
}

/**
 * The log lines that say where a file goes when its stored name is not its path under
 * working-directory (`lib/helpers.py → helpers.py`); [] when every file keeps its path.
 */
export function describeRenames(files: PlannedFile[]): string[] {
  const renamed = files.filter(file => file.name !== file.path)
  if (renamed.length === 0) return []
  return [
    `ML Arena keeps an agent's files in one flat folder; stored under another name than their path:`,
    ...renamed.map(file => `  ${oneLine(file.path, 200)} → ${oneLine(file.name, 200)}`)
  ]
}

/**
 * Checks the files against the competition's limits and returns what will be uploaded: the same
 * files, or for a file challenge the one file renamed to the required name. No files → [] (there
 * is nothing to check; the caller decides whether that is acceptable).
 */
export function preflight(files: PlannedFile[], limits: FileLimits): PlannedFile[] {
  if (files.length === 0) return []
  checkCollisions(files)

  let planned = files.slice()
  const required = limits.requiredName
  const [only] = files
  if (required !== null) {
    if (files.length !== 1 || only === undefined) {
      throw new InputError(
        'files',
        `the patterns matched ${plural(files.length, 'file')} (${listNames(files)}), but this competition is a file challenge: it takes exactly one file, stored as ${quoteValue(required)}; narrow the patterns to that one file.`
      )
    }
    planned = [{ ...only, name: required }]
  }

  const count = planned.length
  const total = planned.reduce((sum, file) => sum + file.size, 0)
  const maxFiles = positiveOrNull(limits.maxFiles)
  const maxBytes = positiveOrNull(limits.maxTotalBytes)
  const tooMany = maxFiles !== null && count > maxFiles
  const tooBig = maxBytes !== null && total > maxBytes
  if (tooMany || tooBig) {
    const exact = maxBytes !== null && formatBytes(total) === formatBytes(maxBytes)
    const size = exact ? `${formatBytes(total)} (${total} bytes)` : formatBytes(total)
    const allowed: string[] = []
    if (tooMany) allowed.push(plural(maxFiles, 'file'))
    if (tooBig) {
      allowed.push(`${exact ? `${maxBytes} bytes` : formatBytes(maxBytes)} in total`)
    }
    throw new InputError(
      'files',
      `${plural(count, 'file')}, ${size}; the competition allows at most ${allowed.join(' and ')}: narrow the patterns or exclude files with !.`
    )
  }
  return planned
}

async function checkMatch(
  match: string,
  root: string,
  realRoot: string
): Promise<PlannedFile | null> {
  const relative = path.relative(root, match)
  if (!isInside(root, match) || relative === '') {
    throw new InputError(
      'files',
      `${quoteValue(match, 200)} is outside working-directory; patterns must stay inside it.`
    )
  }
  const name = relative.split(path.sep).join('/')
  const shown = quoteValue(name, 200)
  if (hasControlCharacters(name)) {
    throw new InputError(
      'files',
      `${shown} has control characters in its name; rename it or exclude it with !.`
    )
  }
  const stored = path.posix.basename(name)
  // A backslash is a path separator to ML Arena (a plain name has none), though not to Linux.
  if (stored.includes('\\')) {
    throw new InputError(
      'files',
      `${shown} has a backslash in its name, which ML Arena reads as a folder; rename it or exclude it with !.`
    )
  }
  if (stored.length > MAX_NAME_LENGTH) {
    throw new InputError(
      'files',
      `${shown} has a name longer than ${MAX_NAME_LENGTH} characters, which ML Arena does not store; rename it or exclude it with !.`
    )
  }

  const link = await lstat(match)
  let real: string
  try {
    real = await realpath(match)
  } catch {
    throw new InputError(
      'files',
      `${shown} is a broken symbolic link; remove it or exclude it with !${name}.`
    )
  }
  if (!isInside(realRoot, real)) {
    const how = link.isSymbolicLink() ? 'is a symbolic link' : 'goes through a symbolic link'
    throw new InputError(
      'files',
      `${shown} ${how} that leads outside working-directory; copy the file into it, or exclude it with !${name}.`
    )
  }

  const target = await stat(match)
  // A matched link to a folder: links are not followed, and the folder is not a file.
  if (target.isDirectory()) return null
  if (!target.isFile()) {
    throw new InputError(
      'files',
      `${shown} is not a regular file (a device, socket or pipe); exclude it with !${name}.`
    )
  }
  if (target.size === 0) {
    throw new InputError(
      'files',
      `${shown} is empty (an empty agent file is almost always a mistake); remove it from files, exclude it with !${name}, or give it content.`
    )
  }
  try {
    const handle = await open(match, 'r')
    await handle.close()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new InputError(
      'files',
      `${shown} cannot be read (${code}); fix its permissions or exclude it with !${name}.`
    )
  }
  return { name: stored, path: name, size: target.size }
}

/**
 * One `files` line as a glob rooted at `root`, keeping its `!`; null for a line that says
 * nothing. Refuses what would leave the working directory.
 */
function toRootedPattern(line: string, root: string): string | null {
  let body = line.trim()
  if (body === '' || body.startsWith('#')) return null
  let negate = false
  while (body.startsWith('!')) {
    negate = !negate
    body = body.slice(1).trim()
  }
  const shown = quoteValue(line.trim())
  if (body === '') {
    throw new InputError('files', `${shown} has nothing after '!'; write !<glob> to exclude files.`)
  }
  if (body === '~' || body.startsWith('~/') || (IS_WINDOWS && body.startsWith('~\\'))) {
    throw new InputError(
      'files',
      `${shown} starts with ~; patterns are relative to working-directory, e.g. agent/**.`
    )
  }
  const separators = IS_WINDOWS ? /[\\/]+/ : /\/+/
  const segments = body.split(separators)
  if (segments.some(segment => segment === '..')) {
    throw new InputError(
      'files',
      `${shown} contains '..'; patterns are relative to working-directory and stay inside it: set working-directory to a higher folder instead.`
    )
  }

  let rooted: string
  if (path.isAbsolute(body)) {
    const literal = literalPrefix(segments)
    if (!isInside(root, literal)) {
      throw new InputError(
        'files',
        `${shown} is an absolute path outside working-directory (${quoteValue(root, 200)}); write patterns relative to it, e.g. agent/**.`
      )
    }
    rooted = segments.filter((segment, i) => segment !== '.' || i === 0).join('/')
  } else {
    const rest = segments.filter(segment => segment !== '.' && segment !== '')
    const trailing = separators.test(body.slice(-1)) && rest.length > 0 ? '/' : ''
    rooted = [escapeGlob(root), ...rest].join('/') + trailing
  }
  return negate ? `!${rooted}` : rooted
}

/** The folder an absolute pattern starts from: its segments before the first wildcard. */
function literalPrefix(segments: string[]): string {
  const literal: string[] = []
  for (const segment of segments) {
    if (/[*?[\]\\]/.test(segment)) break
    literal.push(segment)
  }
  const joined = literal.join('/')
  return joined === '' ? path.parse(process.cwd()).root : path.resolve(joined)
}

/** Makes a literal path safe inside a glob (the rules of @actions/glob's minimatch setup). */
function escapeGlob(literal: string): string {
  return (IS_WINDOWS ? literal : literal.replace(/\\/g, '\\\\'))
    .replace(/\[(?=[^/\\]*\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate)
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  )
}

function checkCollisions(files: PlannedFile[]): void {
  const exact = new Map<string, PlannedFile>()
  const folded = new Map<string, PlannedFile>()
  for (const file of files) {
    const same = exact.get(file.name)
    if (same !== undefined) {
      throw new InputError(
        'files',
        `${quoteValue(same.path)} and ${quoteValue(file.path)} would both be stored as ${quoteValue(file.name)}: ML Arena keeps an agent's files in one flat folder, so each file needs its own base name; rename one, or exclude one with !.`
      )
    }
    exact.set(file.name, file)
    const key = file.name.normalize('NFC').toLowerCase()
    const similar = folded.get(key)
    if (similar !== undefined) {
      throw new InputError(
        'files',
        `${quoteValue(similar.path)} and ${quoteValue(file.path)} ${storedAs(similar, file)}differ only in letter case, and ML Arena's storage may keep them as one file; rename one, or exclude one with !.`
      )
    }
    folded.set(key, file)
  }
}

/** `would be stored as "A.py" and "a.py", which ` when a path is not its stored name. */
function storedAs(a: PlannedFile, b: PlannedFile): string {
  if (a.path === a.name && b.path === b.name) return ''
  return `would be stored as ${quoteValue(a.name)} and ${quoteValue(b.name)}, which `
}

function listNames(files: PlannedFile[]): string {
  const names = files.slice(0, MAX_NAMES_LISTED).map(file => quoteValue(file.path))
  const rest = files.length - names.length
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ')
}

function positiveOrNull(limit: number | null): number | null {
  return limit !== null && Number.isFinite(limit) && limit > 0 ? limit : null
}

/** Code-unit order: the same on every machine and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function oneLine(text: string, max = 300): string {
  const flat = replaceControlCharacters(text).replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}
