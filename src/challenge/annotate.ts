/**
 * Findings as annotations: each one with a file goes on its line (`challenge.toml:3`), so the
 * pull request shows it where it is. `emit` is @actions/core's error/warning/notice in a run.
 */
import { oneLine } from '../format.js'
import type { Finding } from './findings.js'

export interface AnnotationProperties {
  title: string
  file?: string
  startLine?: number
}

export type Annotate = (
  severity: Finding['severity'],
  message: string,
  properties: AnnotationProperties
) => void

/** At most this many annotations (GitHub shows 10 per step and kind; the report has them all). */
const MAX_ANNOTATIONS = 50

export function annotateFindings(findings: readonly Finding[], emit: Annotate): void {
  for (const finding of findings.slice(0, MAX_ANNOTATIONS)) {
    const properties: AnnotationProperties = { title: `ML Arena challenge (${finding.source})` }
    if (finding.file !== null) properties.file = finding.file
    if (finding.file !== null && finding.line !== null) properties.startLine = finding.line
    emit(finding.severity, oneLine(finding.message, 1000), properties)
  }
}
