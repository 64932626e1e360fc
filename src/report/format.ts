/**
 * Numbers and durations for humans, deterministic whatever the runner's locale: thousands
 * separated by commas, `1 min 05 s`. Byte sizes come from src/format.ts.
 */

/** `3,456`; `-1,234.5`. Non-finite values read `–`. */
export function formatNumber(value: number, decimals: number | null = null): string {
  if (!Number.isFinite(value)) return '–'
  let text: string
  if (decimals !== null) {
    text = value.toFixed(Math.min(Math.max(0, Math.floor(decimals)), 12))
  } else if (Number.isInteger(value)) {
    text = value.toFixed(0)
  } else {
    // Up to 3 decimals, trailing zeros dropped, but never rounded to a misleading 0.
    const abs = Math.abs(value)
    const places = abs >= 1 ? 3 : Math.min(12, Math.max(3, 2 - Math.floor(Math.log10(abs))))
    text = trimZeros(value.toFixed(places))
  }
  if (text.includes('e')) return text
  const negative = text.startsWith('-')
  const [whole = '', fraction] = (negative ? text.slice(1) : text).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const result = fraction === undefined ? grouped : `${grouped}.${fraction}`
  return negative && /[1-9]/.test(result) ? `-${result}` : result
}

/** A whole count: `12`, `3,456`. */
export function formatCount(value: number): string {
  return formatNumber(Math.round(value), 0)
}

/** A signed difference: `+1.25`, `-0.5`, `±0`. */
export function formatDelta(value: number, decimals: number | null = null): string {
  const text = formatNumber(value, decimals)
  if (/^-?[0.,]+$/.test(text)) return `±${text.replace('-', '')}`
  return value > 0 ? `+${text}` : text
}

/** `350 ms`, `12.4 s`, `1 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 10_000) return `${trimZeros((Math.floor(ms / 100) / 10).toFixed(1))} s`
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${pad(seconds % 60)} s`
  return `${formatCount(Math.floor(minutes / 60))} h ${pad(minutes % 60)} min`
}

/** `30 min`, `1 h 30 min`, from a number of minutes. */
export function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0) return '–'
  const whole = Math.round(minutes)
  if (whole < 60) return `${whole} min`
  return whole % 60 === 0
    ? `${formatCount(whole / 60)} h`
    : `${formatCount(Math.floor(whole / 60))} h ${whole % 60} min`
}

/**
 * The change in rank since the previous run: `▲ 3` (better, a smaller rank number), `▼ 2`,
 * `=`, or `new` when there was no previous rank.
 */
export function formatRankChange(rank: number, previous: number | null): string {
  if (previous === null) return 'new'
  if (rank === previous) return '='
  return rank < previous ? `▲ ${formatCount(previous - rank)}` : `▼ ${formatCount(rank - previous)}`
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** `1 file`, `1,000 files`. */
export function formatCountOf(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`
}
