/**
 * Findings as annotations: each one with a file goes on its line (`course.yaml:12`), so the pull
 * request shows it where it is. `emit` is @actions/core's error/warning/notice in a run; every
 * action that annotates files (challenge, course) goes through here.
 */
import { oneLine } from '../format.js'

export type AnnotationSeverity = 'error' | 'warning' | 'notice'

export interface AnnotationProperties {
  title: string
  file?: string
  startLine?: number
}

export type Annotate = (
  severity: AnnotationSeverity,
  message: string,
  properties: AnnotationProperties
) => void

/** What an annotation needs: where (a workspace-relative file, a 1-based line) and what. */
export interface Annotation {
  severity: AnnotationSeverity
  /** Relative to the workspace; null: the annotation is about no file. */
  file: string | null
  /** 1-based; null when it is about the whole file. */
  line: number | null
  message: string
  title: string
}

/** At most this many annotations (GitHub shows 10 per step and kind; the report has them all). */
export const MAX_ANNOTATIONS = 50

export function emitAnnotations(annotations: readonly Annotation[], emit: Annotate): void {
  for (const annotation of annotations.slice(0, MAX_ANNOTATIONS)) {
    const properties: AnnotationProperties = { title: annotation.title }
    if (annotation.file !== null) properties.file = annotation.file
    if (annotation.file !== null && annotation.line !== null) properties.startLine = annotation.line
    emit(annotation.severity, oneLine(annotation.message, 1000), properties)
  }
}
