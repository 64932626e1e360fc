/**
 * Markdown for GitHub from untrusted text. `core.summary` and the comments API take Markdown
 * (with HTML) as is, and everything ML Arena sends (agent, user and team names, messages, logs)
 * was written by someone else: it must render as the same text, never as markup, a link, an
 * image, a mention, an issue reference or a comment end.
 *
 * - `inlineText` for table cells and prose: HTML characters become entities, Markdown punctuation
 *   is backslash-escaped, and what GitHub would link (`@user`, `@org/team`, `#123`, `GH-123`,
 *   `www.`, `scheme://`, e-mail addresses) gets a zero-width joiner after its trigger character.
 * - `htmlText` for text inside HTML elements (no Markdown is parsed there, so no backslashes).
 * - `codeBlock` for log tails: an HTML `<pre>` whose content is entity-escaped, so no content can
 *   close it, and `-->` never appears literally.
 * - `link` for the links we build ourselves: http(s) only.
 * - `inlineCode` for values a reader copies (a runtime spec to paste into an input).
 */

const ZWJ = '\u200D'
const ELLIPSIS = '…'

/** Text for a table cell or a sentence: one line, at most `maxChars` characters before escaping. */
export function inlineText(text: string, maxChars: number): string {
  return escapeMarkdown(neutralise(clip(text, maxChars)))
}

/**
 * Text a reader copies as is (a value to paste into an input): a Markdown code span, inside which
 * GitHub renders no markup, link or mention, so it needs no zero-width joiners that would travel
 * with a copy. One line, clipped; the fence is longer than any run of backticks inside; pipes
 * are escaped for table cells (GFM unescapes them there; in prose use text without pipes).
 */
export function inlineCode(text: string, maxChars: number): string {
  const line = clip(text, maxChars).replace(/\|/g, '\\|')
  if (line.trim() === '') return ''
  const longest = Math.max(0, ...Array.from(line.matchAll(/`+/g), run => run[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(line) ? ' ' : ''
  return `${fence}${pad}${line}${pad}${fence}`
}

/** Text inside an HTML element such as `<summary>`: one line, entity-escaped, neutralised. */
export function htmlText(text: string, maxChars: number): string {
  return escapeHtml(neutralise(clip(text, maxChars)))
}

/**
 * A log tail as an HTML `<pre>` block: the last `maxChars` characters (whole lines where it can),
 * escaped. Put it at the start of a line after a blank line, so it opens its own HTML block.
 */
export function codeBlock(text: string, maxChars: number): string {
  const limit = Math.max(0, Math.floor(maxChars))
  // Cleaning only removes characters: a generous tail of the raw text is enough to clean.
  const window = Math.max(limit * 4, 4096)
  const sliced = text.length > window
  let body = cleanBlock(sliced ? text.slice(text.length - window) : text)
  const chars = Array.from(body)
  if (sliced || chars.length > limit) {
    const kept = chars.slice(Math.max(0, chars.length - limit)).join('')
    const newline = kept.indexOf('\n')
    // Drop the partial first line unless that would drop (nearly) everything.
    const fromLine = newline >= 0 && newline < kept.length - 1 ? kept.slice(newline + 1) : kept
    body = `${ELLIPSIS}\n${fromLine}`
  }
  return `<pre>\n${escapeHtml(neutralise(body))}\n</pre>`
}

/**
 * A Markdown link to a URL we built (the competition page). Anything but an absolute http(s) URL
 * without credentials renders as the plain text.
 */
export function link(text: string, url: string | null, maxChars = 80): string {
  const label = inlineText(text, maxChars) || inlineText(url ?? '', maxChars)
  const target = safeUrl(url)
  return target === null ? label : `[${label}](${target})`
}

/** A GFM table from cells that are already Markdown (escape untrusted text first). */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const line = (cells: string[]) => `| ${cells.map(c => (c === '' ? ' ' : c)).join(' | ')} |`
  const rule = `|${headers.map((_, i) => (align[i] === 'r' ? '---:' : '---')).join('|')}|`
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

/** An http(s) URL as a link destination, or null when it is not one. */
export function safeUrl(url: string | null): string | null {
  if (url === null) return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  if (parsed.username !== '' || parsed.password !== '') return null
  // URL.href is percent-encoded except for characters that a link destination or a table row
  // would read (parentheses, pipes, angle brackets, quotes); entities in it would be decoded.
  return parsed.href
    .replace(
      /[()|<>"'`\\ ]/g,
      c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
    )
    .replace(/&/g, '&amp;')
}

/** Format characters (bidi overrides, zero-width characters, BOM, tags) and lone surrogates. */
const INVISIBLE = /[\p{Cf}\p{Cs}]/gu
/** Control characters, line and paragraph separators, and the whitespace runs around them. */
const BREAKS = /[\s\p{Cc}\p{Zl}\p{Zp}]+/gu
/** Terminal colour and cursor sequences (CSI and OSC): matching ESC and BEL is the point. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])/g

function oneLine(text: string): string {
  return text.replace(ANSI, '').replace(INVISIBLE, '').replace(BREAKS, ' ').trim()
}

function cleanBlock(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(/\n+$/, '')
}

/**
 * One line of at most `maxChars` code points, the last one an ellipsis when cut. Cleaning only
 * removes or collapses characters, so a long text is cleaned from a generous prefix only (10,000
 * character names are cheap).
 */
function clip(text: string, maxChars: number): string {
  const limit = Math.max(1, Math.floor(maxChars))
  const window = limit * 4 + 64
  const sliced = text.length > window
  const line = oneLine(sliced ? text.slice(0, window) : text)
  if (!sliced && line.length <= limit) return line
  const chars = Array.from(line)
  if (!sliced && chars.length <= limit) return line
  return (
    chars
      .slice(0, limit - 1)
      .join('')
      .trimEnd() + ELLIPSIS
  )
}

/** A zero-width joiner after each character GitHub would start a link or mention at. */
function neutralise(text: string): string {
  return text
    .replace(/[@#]/g, `$&${ZWJ}`)
    .replace(/:(?=\/\/)/g, `:${ZWJ}`)
    .replace(/\b(www)(?=\.)/gi, `$1${ZWJ}`)
    .replace(/\b(gh-)(?=\d)/gi, `$1${ZWJ}`)
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ENTITIES[c] ?? c)
}

/**
 * Entities for HTML characters, backslashes for the ASCII punctuation that Markdown reads inline
 * (emphasis, code, links, images, strikethrough, table pipes, math) or as a heading or list
 * marker. CommonMark lets any ASCII punctuation be escaped, so an extra escape is harmless.
 */
function escapeMarkdown(text: string): string {
  return escapeHtml(text.replace(/[\\`*_{}[\]()#+!|~$]/g, '\\$&'))
}
