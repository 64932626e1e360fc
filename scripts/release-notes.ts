/**
 * The release notes of one version: its section of CHANGELOG.md ("## [X.Y.Z] …" up to the next
 * "## " heading), without the heading. The release workflow publishes them; a version without
 * a section stops the release. Plain erasable TypeScript, so Node 24 runs it directly:
 *
 *   node scripts/release-notes.ts 1.2.3 > notes.md
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'

export function releaseNotes(changelog: string, version: string): string | null {
  const lines = changelog.replace(/\r\n/g, '\n').split('\n')
  const heading = new RegExp(`^## \\[?v?${version.replace(/\./g, '\\.')}\\]?(?:\\s|$)`)
  const start = lines.findIndex(line => heading.test(line))
  if (start < 0) return null
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(line => /^## /.test(line))
  const body = (end < 0 ? rest : rest.slice(0, end))
    .join('\n')
    // Link references ("[1.2.3]: https://…") belong to the whole file, not to one section.
    .replace(/^\[[^\]]+\]: \S+$/gm, '')
    .trim()
  return body === '' ? null : `${body}\n`
}

if (import.meta.main) {
  const version = process.argv[2] ?? ''
  const file = path.resolve(import.meta.dirname, '../CHANGELOG.md')
  const notes = /^\d+\.\d+\.\d+$/.test(version)
    ? releaseNotes(await readFile(file, 'utf8'), version)
    : null
  if (notes === null) {
    console.error(
      `CHANGELOG.md has no section "## [${version}]" with notes: add one before releasing ${version || '(no version given)'}.`
    )
    process.exit(1)
  }
  process.stdout.write(notes)
}
