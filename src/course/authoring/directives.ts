/**
 * The lessons' `mlarena:` directives, checked by ML Arena's own reader (preview_lesson, strict:
 * an unknown or unresolvable directive is a 400) for every lesson ML Arena already has; nothing
 * is saved. A lesson apply is about to create has no id yet: its directives are checked by the
 * same route right after it is created, before anything publishes it (apply.ts).
 */
import { ArenaError } from '../../arena/errors.js'
import type { Finding } from './findings.js'
import type { AuthoringPort } from './port.js'
import type { CourseManifest, LessonSpec } from './spec.js'

export async function checkDirectives(
  port: Pick<AuthoringPort, 'previewLesson'>,
  manifest: CourseManifest,
  lessons: readonly { lesson: LessonSpec; lessonId: number }[]
): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const { lesson, lessonId } of lessons) {
    if (lesson.directiveLines.length === 0) continue
    findings.push(...(await previewFindings(port, manifest, lesson, lessonId)))
  }
  return findings
}

/** The preview's verdict on one lesson body, as findings on the lesson's lines. */
export async function previewFindings(
  port: Pick<AuthoringPort, 'previewLesson'>,
  manifest: CourseManifest,
  lesson: LessonSpec,
  lessonId: number
): Promise<Finding[]> {
  const file = lesson.source?.file ?? manifest.manifestFile
  const line = lesson.directiveLines[0] ?? (lesson.source ? 1 : manifest.lineOf(lesson.pointer))
  try {
    const preview = await port.previewLesson(lessonId, lesson.bodyMd)
    return preview.warnings.map(message => ({
      severity: 'warning' as const,
      file,
      line,
      message: `ML Arena on lesson “${lesson.title}”'s directives: ${message}`,
      source: 'server' as const
    }))
  } catch (error) {
    if (error instanceof ArenaError && error.status === 400) {
      return [
        {
          severity: 'error',
          file,
          line: lineNaming(lesson, error.serverMessage ?? '') ?? line,
          message: `ML Arena refuses lesson “${lesson.title}”'s mlarena: directives: ${error.serverMessage ?? error.message}`,
          source: 'server'
        }
      ]
    }
    throw error
  }
}

/** The directive line whose text the server's message quotes, when one does. */
function lineNaming(lesson: LessonSpec, message: string): number | null {
  if (!lesson.source) return null
  const lines = lesson.bodyMd.split('\n')
  for (const n of lesson.directiveLines) {
    const name = /mlarena:([A-Za-z0-9_-]+)/.exec(lines[n - 1] ?? '')?.[1]
    if (name && message.includes(name)) return n
  }
  return null
}
