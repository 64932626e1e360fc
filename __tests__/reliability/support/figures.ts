/**
 * Measurements the reliability suites take (peak memory, time to stop). Tests never assert a
 * timing; they print the figures when RELIABILITY_FIGURES=1, for RELIABILITY.md.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export function reportFigure(name: string, value: Record<string, unknown>): void {
  if (process.env.RELIABILITY_FIGURES === '1')
    process.stdout.write(`FIGURE ${name} ${JSON.stringify(value)}\n`)
}

export interface RssProbe {
  /** Environment for the child: NODE_OPTIONS loads the probe. */
  env: Record<string, string>
  /** The child's peak resident set size in bytes, read after it exited. */
  read(): Promise<number>
}

/**
 * A module preloaded into a child Node process (NODE_OPTIONS=--import) that writes the process's
 * peak RSS (process.resourceUsage().maxRSS) to a file when it exits, whichever way it exits.
 */
export async function rssProbe(): Promise<RssProbe> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-rel-rss-'))
  const probe = path.join(dir, 'probe.mjs')
  const out = path.join(dir, 'rss.json')
  await writeFile(
    probe,
    `import { writeFileSync } from 'node:fs'\n` +
      `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS * 1024 })))\n`
  )
  return {
    env: { NODE_OPTIONS: `--import=${probe}` },
    read: async () => (JSON.parse(await readFile(out, 'utf8')) as { maxRSS: number }).maxRSS
  }
}

export const MIB = 1024 * 1024
