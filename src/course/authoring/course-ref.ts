/**
 * The course an export reads, from the inputs: by id among the teacher's courses, or by name
 * (exactly one of them). A typed error says what to give otherwise.
 */
import type { TaughtCourse } from '../../arena/course-authoring-model.js'
import { InputError } from '../../errors.js'
import type { AuthoringPort } from './port.js'

export async function findCourse(
  port: Pick<AuthoringPort, 'taughtCourses'>,
  courseId: number | null,
  name: string | null
): Promise<TaughtCourse> {
  const taught = await port.taughtCourses()
  const ids = taught.map(c => c.id).join(', ') || 'none'
  if (courseId !== null) {
    const course = taught.find(c => c.id === courseId)
    if (!course)
      throw new InputError(
        'course-id',
        `${courseId} is not one of the courses you teach or assist on (${ids}).`
      )
    return course
  }
  const named = taught.filter(c => c.name === name)
  if (named.length !== 1) {
    throw new InputError(
      'name',
      named.length === 0
        ? `no course of yours is named ${JSON.stringify(name)} (your courses: ${ids}); give course-id.`
        : `${named.length} of your courses are named ${JSON.stringify(name)} (ids ${named.map(c => c.id).join(', ')}); give course-id.`
    )
  }
  return named[0] as TaughtCourse
}
