/**
 * Orders version strings of runtimes (pure). Runtime versions are Python package and interpreter
 * versions (`2.3`, `0.29.1`, `2.1.2+cpu`, `1.0.0rc1`, `3.11`), so PEP 440 (the maintained
 * @renovatebot/pep440) decides: `1.10.0` > `1.9.2`, `2.3` = `2.3.0`. A version PEP 440 cannot
 * read (another language's scheme, a word) ranks below every readable one; two of those are
 * compared as text with numeric runs read as numbers, which keeps `r10` > `r9`.
 */
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440'

const LOOSE = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** < 0 when a is older than b, 0 when they are the same version, > 0 when a is newer. Null (no version) is oldest. */
export function compareVersions(a: string | null, b: string | null): number {
  const left = a?.trim() || null
  const right = b?.trim() || null
  if (left === null || right === null) return left === right ? 0 : left === null ? -1 : 1
  const leftValid = validPep440(left) !== null
  const rightValid = validPep440(right) !== null
  if (leftValid && rightValid) return Math.sign(comparePep440(left, right))
  if (leftValid !== rightValid) return leftValid ? 1 : -1
  return Math.sign(LOOSE.compare(left, right))
}
