/**
 * Export: writes course.yaml and one markdown file per lesson (`<module-slug>/<lesson-slug>.md`)
 * from a course on ML Arena, so a teacher can start from what the console built. The inverse of
 * apply: the manifest it writes plans to no change. Like the SDK's export_course_to_dir, it
 * writes `challenges:` / `challenge_id:`; unlike it, it also writes `course_id` (so the next run
 * finds the course by id), leaves out what ML Arena does not set, and gives a module that is not
 * the teacher's as `module_id` alone (linked, never edited). Slugs from ML Arena become paths
 * only when they are slugs; otherwise the id names the file.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Document } from 'yaml'
import type { TaughtCourse } from '../../arena/course-authoring-model.js'
import { LocalFileError } from '../../arena/errors.js'
import type { AuthoringPort } from './port.js'
import type { RemoteModule } from './remote.js'
import { SLUG } from './spec.js'

export interface ExportResult {
  /** Every file written, relative to the workspace, course.yaml first. */
  files: string[]
  modules: number
  lessons: number
}

type Entry = Record<string, unknown>

export async function exportCourse(
  port: AuthoringPort,
  course: TaughtCourse,
  directory: string,
  workspace: string
): Promise<ExportResult> {
  const meta = await port.courseMeta(course.slug ?? String(course.id))
  const owned = new Set((await port.myModules()).map(m => m.moduleId))
  const modules: RemoteModule[] = []
  for (const linked of await port.courseModules(course.id)) {
    const detail = await port.module(linked.moduleId)
    const mine = owned.has(linked.moduleId) || linked.owned === true
    const lessons = []
    if (mine) for (const head of detail.lessons) lessons.push(await port.lesson(head.id))
    modules.push({ detail, owned: mine, linked: true, lessons })
  }

  const files: { rel: string; content: string }[] = []
  const courseEntry: Entry = { name: meta.name }
  set(courseEntry, 'code', meta.code)
  set(courseEntry, 'slug', meta.slug)
  set(courseEntry, 'description', meta.description)
  set(courseEntry, 'visibility', meta.visibility)
  set(courseEntry, 'instructor_name', meta.instructorName)
  set(courseEntry, 'start_date', meta.startDate)
  set(courseEntry, 'end_date', meta.endDate)
  courseEntry.course_id = meta.id

  const moduleEntries: Entry[] = []
  let lessonCount = 0
  for (const m of modules) {
    const d = m.detail
    if (!m.owned) {
      moduleEntries.push({ title: d.title, module_id: d.id })
      continue
    }
    const dir = d.slug !== null && SLUG.test(d.slug) ? d.slug : `module-${d.id}`
    const entry: Entry = { title: d.title }
    set(entry, 'slug', d.slug)
    set(entry, 'summary', d.summary)
    set(entry, 'icon', d.icon)
    set(entry, 'visibility', d.visibility)
    entry.is_published = d.isPublished
    if (d.challenges.length > 0) {
      entry.challenges = d.challenges.map(c => {
        const link: Entry = { challenge_id: c.challengeId }
        set(link, 'label', c.label)
        set(link, 'pass_threshold', c.passThreshold)
        return link
      })
    }
    if (m.lessons.length > 0) {
      entry.lessons = m.lessons.map(l => {
        const name = l.slug !== null && SLUG.test(l.slug) ? l.slug : `lesson-${l.id}`
        const rel = `${dir}/${name}.md`
        files.push({ rel, content: l.bodyMd })
        lessonCount++
        const lesson: Entry = { title: l.title }
        set(lesson, 'slug', l.slug)
        lesson.kind = l.kind ?? 'lesson'
        lesson.file = rel
        lesson.gated = l.gated
        lesson.is_published = l.isPublished
        set(lesson, 'estimated_minutes', l.estimatedMinutes)
        return lesson
      })
    }
    moduleEntries.push(entry)
  }

  const doc = new Document({ course: courseEntry, modules: moduleEntries })
  doc.commentBefore = ` Exported from ML Arena course ${meta.id} by mlarena-action (mode: export).\n Plan it on a pull request, apply it on merge: docs/course-as-code.md`
  const written: string[] = []
  const write = async (rel: string, content: string): Promise<void> => {
    const full = path.join(directory, rel)
    try {
      await mkdir(path.dirname(full), { recursive: true })
      await writeFile(full, content, 'utf8')
    } catch (error) {
      throw new LocalFileError('write', full, error)
    }
    written.push(path.relative(workspace, full).split(path.sep).join('/'))
  }
  await write('course.yaml', doc.toString({ lineWidth: 0 }))
  for (const file of files) await write(file.rel, file.content)
  return { files: written, modules: modules.length, lessons: lessonCount }
}

function set(entry: Entry, key: string, value: string | number | null): void {
  if (value !== null && value !== '') entry[key] = value
}
