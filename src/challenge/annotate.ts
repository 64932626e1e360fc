/**
 * The challenge's findings as annotations, on the shared annotation code (src/github/annotations.ts).
 */
import { emitAnnotations, type Annotate } from '../github/annotations.js'
import type { Finding } from './findings.js'

export type { Annotate, AnnotationProperties } from '../github/annotations.js'

export function annotateFindings(findings: readonly Finding[], emit: Annotate): void {
  emitAnnotations(
    findings.map(finding => ({ ...finding, title: `ML Arena challenge (${finding.source})` })),
    emit
  )
}
