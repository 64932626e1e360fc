/**
 * Size budgets. GitHub drops a job summary over 1024 KiB whole and refuses a comment over 65,536
 * characters, so a report is rendered, measured, and rendered again with less detail until it
 * fits. A last cut at a line boundary guarantees the budget whatever the input.
 */
export type Measure = (text: string) => number

/** UTF-8 bytes: what the job summary file is limited in. */
export const utf8Bytes: Measure = text => Buffer.byteLength(text, 'utf8')
/** UTF-16 code units (JS length): what the comments API counts. */
export const utf16Units: Measure = text => text.length

export const CUT_NOTICE = "_…the rest of this report was cut to fit GitHub's size limit._"

/** The first rendering, from most to least detailed, that fits the budget; else a cut one. */
export function fitToBudget<Detail>(
  levels: readonly Detail[],
  render: (detail: Detail) => string,
  measure: Measure,
  budget: number
): string {
  let text = ''
  for (const detail of levels) {
    text = render(detail)
    if (measure(text) <= budget) return text
  }
  return cutToBudget(text, measure, budget)
}

/**
 * Whole lines from the start while they and the notice fit. The first line always stays (the
 * comment's marker, the summary's heading), cut by characters when it alone is too long.
 */
export function cutToBudget(text: string, measure: Measure, budget: number): string {
  if (measure(text) <= budget) return text
  const lines = text.split('\n')
  const notice = `\n\n${CUT_NOTICE}`
  const room = budget - measure(notice)
  const kept: string[] = []
  let used = 0
  for (const line of lines) {
    const size = measure(line) + (kept.length > 0 ? 1 : 0)
    if (used + size > room) break
    kept.push(line)
    used += size
  }
  if (kept.length === 0) return cutChars(lines[0] ?? '', measure, budget)
  return kept.join('\n') + notice
}

function cutChars(line: string, measure: Measure, budget: number): string {
  const chars = Array.from(line)
  let used = 0
  let end = 0
  while (end < chars.length && used + measure(chars[end] as string) <= budget) {
    used += measure(chars[end] as string)
    end++
  }
  return chars.slice(0, end).join('')
}
