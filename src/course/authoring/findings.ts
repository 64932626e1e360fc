/**
 * A finding: something the manifest check, the plan or ML Arena says about course.yaml or a
 * lesson file, on a line when it can tell. Every finding with a file becomes an annotation on
 * that line (src/github/annotations.ts).
 */
import type { AnnotationSeverity } from '../../github/annotations.js'

export type Severity = AnnotationSeverity

export interface Finding {
  severity: Severity
  /** Relative to the workspace (e.g. course/course.yaml); null: no file. */
  file: string | null
  /** 1-based; null when the finding is about the whole file. */
  line: number | null
  /** One line of text (server text is untrusted: escaped where rendered). */
  message: string
  /** Who found it. */
  source: 'yaml' | 'manifest' | 'server' | 'plan'
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some(finding => finding.severity === 'error')
}

/** `course/course.yaml:3`, or the file alone, or ''. */
export function whereOf(finding: Pick<Finding, 'file' | 'line'>): string {
  if (finding.file === null) return ''
  return finding.line === null ? finding.file : `${finding.file}:${finding.line}`
}
