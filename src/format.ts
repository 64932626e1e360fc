/** Small text helpers shared by error messages and the report. */

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const

/**
 * A byte count for humans, in binary units: `0 B`, `512 B`, `1.5 KiB`, `3.4 MiB`.
 * One decimal above 1 KiB; the unit is chosen after rounding, so 1048575 bytes reads `1.0 MiB`,
 * never `1024.0 KiB`.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`
  }
  let value = bytes
  for (const unit of BYTE_UNITS) {
    value /= 1024
    const rounded = Math.round(value * 10) / 10
    if (rounded < 1024 || unit === BYTE_UNITS[BYTE_UNITS.length - 1]) {
      return `${rounded.toFixed(1)} ${unit}`
    }
  }
  return `${bytes} B` // not reached: the last unit always returns
}

/**
 * A value from the user, quoted for a one-line message: JSON escaping keeps control characters
 * from breaking the line, and long values are cut.
 */
export function quoteValue(value: string, max = 60): string {
  const chars = [...value]
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : value
  return JSON.stringify(cut)
}

/** `1 file`, `3 files`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * Characters that have no place in one line of text or in a name: C0 and C1 controls, DEL, the
 * Unicode line/paragraph separators, and bidirectional controls (they can make a name display
 * as something else).
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text)
}

/** Each run of control characters becomes one space. */
export function replaceControlCharacters(text: string): string {
  return text.replace(new RegExp(`${CONTROL.source}+`, 'g'), ' ')
}

/**
 * Untrusted text (from ML Arena) for one line of the Actions log: control and bidirectional
 * characters become spaces (a newline could forge a `::command::`), and the length is bounded.
 */
export function oneLine(text: string, max = 200): string {
  const flat = replaceControlCharacters(text)
    .replace(/\s{2,}/g, ' ')
    .trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
