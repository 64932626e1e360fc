/**
 * A finding: something the plan or ML Arena says about a file of the challenge, on a line when it
 * can tell. Every finding with a file becomes an annotation on that line (see annotate.ts).
 */
export type Severity = 'error' | 'warning' | 'notice'

export interface Finding {
  severity: Severity
  /** The file, relative to the workspace (e.g. challenge/env/challenge.toml); null: no file. */
  file: string | null
  /** 1-based; null when the finding is about the whole file. */
  line: number | null
  /** One line of text (server text is untrusted: escaped where rendered). */
  message: string
  /** Who found it. */
  source: 'toml' | 'schema' | 'env-check' | 'server' | 'plan'
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some(finding => finding.severity === 'error')
}

/** `challenge/env/challenge.toml:3`, or the file alone, or ''. */
export function whereOf(finding: Pick<Finding, 'file' | 'line'>): string {
  if (finding.file === null) return ''
  return finding.line === null ? finding.file : `${finding.file}:${finding.line}`
}
