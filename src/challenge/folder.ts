/**
 * The challenge folder on disk (input `directory`), read once:
 *
 *   env/         the env folder as the platform keeps it: env.py, requirements.txt,
 *                challenge.toml, data files (one flat folder, like an agent's)
 *   benchmark/   the reference agent the benchmark runs (flat; optional until you start)
 *   overview.md  the overview page (optional)
 *   cover.png | cover.jpg   the cover image (optional)
 *
 * Dotfiles (.gitkeep, .DS_Store) are not part of a challenge and are skipped. A subfolder in
 * env/ or benchmark/ is refused rather than flattened: the platform stores plain names.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from '../errors.js'
import { quoteValue } from '../format.js'

export interface LocalFile {
  /** The name the platform stores (a plain name). */
  name: string
  /** Absolute path on disk. */
  path: string
  /** Path relative to the workspace, as annotations name it. */
  shown: string
  size: number
  bytes: Buffer
  /** The UTF-8 text, or null for a binary file (NUL bytes or invalid UTF-8). */
  text: string | null
}

export interface LocalChallenge {
  env: LocalFile[]
  benchmark: LocalFile[]
  overview: LocalFile | null
  cover: LocalFile | null
}

export const ENV_DIR = 'env'
export const BENCHMARK_DIR = 'benchmark'
export const ENV_ENTRY = 'env.py'
export const CONFIG_FILE = 'challenge.toml'
const COVER_NAMES = ['cover.png', 'cover.jpg', 'cover.jpeg']

export async function readChallengeFolder(
  root: string,
  workspace: string
): Promise<LocalChallenge> {
  const shown = (file: string): string => path.relative(workspace, file).split(path.sep).join('/')
  const envDir = path.join(root, ENV_DIR)
  const env = await readFlatFolder(envDir, shown, true)
  if (env === null || !env.some(file => file.name === ENV_ENTRY)) {
    throw new InputError(
      'directory',
      `${quoteValue(shown(path.join(envDir, ENV_ENTRY)), 200)} does not exist: the folder must hold env/env.py (with class Env), beside env/challenge.toml and env/requirements.txt.`
    )
  }
  const benchmark = (await readFlatFolder(path.join(root, BENCHMARK_DIR), shown, false)) ?? []
  const overview = await readOptional(path.join(root, 'overview.md'), 'overview.md', shown)
  const covers: LocalFile[] = []
  for (const name of COVER_NAMES) {
    const cover = await readOptional(path.join(root, name), name, shown)
    if (cover) covers.push(cover)
  }
  if (covers.length > 1) {
    throw new InputError(
      'directory',
      `holds ${covers.map(c => c.name).join(' and ')}: keep one cover image (cover.png or cover.jpg).`
    )
  }
  return { env, benchmark, overview, cover: covers[0] ?? null }
}

/** The files of a flat folder, sorted by name; null when the folder does not exist. */
async function readFlatFolder(
  dir: string,
  shown: (file: string) => string,
  required: boolean
): Promise<LocalFile[] | null> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT' || !required) return null
    throw error
  }
  const files: LocalFile[] = []
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      throw new InputError(
        'directory',
        `${quoteValue(shown(full), 200)} is a folder: ML Arena keeps ${path.basename(dir)}/ as one flat folder of plain file names; move its files up or out.`
      )
    }
    const file = await readOptional(full, entry.name, shown)
    if (file) files.push(file)
  }
  return files
}

async function readOptional(
  file: string,
  name: string,
  shown: (file: string) => string
): Promise<LocalFile | null> {
  let info
  try {
    info = await stat(file)
  } catch {
    return null
  }
  if (!info.isFile()) return null
  const bytes = await readFile(file)
  return { name, path: file, shown: shown(file), size: bytes.length, bytes, text: textOf(bytes) }
}

/** UTF-8 text, or null when the bytes are binary (a NUL byte, or not valid UTF-8). */
export function textOf(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}
