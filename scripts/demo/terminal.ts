/**
 * A job summary or PR comment (GitHub Markdown with a little HTML) as a terminal shows it:
 * headings underlined, tables as aligned columns, Mermaid bar charts as text bars. Pure.
 */
import { INDENT } from './log-view.ts'

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/
const ZERO_WIDTH_JOINER = /\u200D/g

/** HTML entities (the named ones the report writes, and numeric ones) back to characters. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1))
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole
    }
    if (entity.toLowerCase() === 'nbsp') return ' '
    return named[entity] ?? whole
  })
}

/** Our own tags (the report escapes every `<` of untrusted text, so a literal `<` is a tag). */
function stripTags(text: string): string {
  return text.replace(/<!--.*?-->/g, '').replace(/<\/?[A-Za-z][^>]*>/g, '')
}

/** Inline Markdown to plain text: escapes resolved, emphasis markers dropped, links as `text (url)`. */
function inlineMarkdown(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    const next = text[i + 1]
    if (c === '\\' && next !== undefined && ASCII_PUNCTUATION.test(next)) {
      out += next
      i += 2
    } else if (c === '*' && next === '*') {
      i += 2
    } else if (c === '`') {
      const fence = /^`+/.exec(text.slice(i))?.[0] ?? '`'
      const end = text.indexOf(fence, i + fence.length)
      if (end < 0) {
        out += fence
        i += fence.length
      } else {
        out += text.slice(i + fence.length, end)
        i = end + fence.length
      }
    } else if (c === '[') {
      const found = markdownLink(text, i)
      if (found) {
        out += `${inlineMarkdown(found.label)} (${found.url})`
        i = found.end
      } else {
        out += c
        i += 1
      }
    } else {
      out += c
      i += 1
    }
  }
  return out
}

/** `[label](url)` starting at `start`, honouring backslash escapes in the label. */
function markdownLink(
  text: string,
  start: number
): { label: string; url: string; end: number } | null {
  let i = start + 1
  while (i < text.length && text[i] !== ']') i += text[i] === '\\' ? 2 : 1
  if (text[i] !== ']' || text[i + 1] !== '(') return null
  const close = text.indexOf(')', i + 2)
  if (close < 0) return null
  return { label: text.slice(start + 1, i), url: text.slice(i + 2, close), end: close + 1 }
}

function inline(text: string): string {
  return decodeEntities(inlineMarkdown(stripTags(text))).replace(ZERO_WIDTH_JOINER, '')
}

/** Text inside HTML (`<summary>`, `<pre>`): entities only, no Markdown. */
function htmlText(text: string): string {
  return decodeEntities(stripTags(text)).replace(ZERO_WIDTH_JOINER, '')
}

function width(text: string): number {
  return [...text].length
}

function splitRow(line: string): string[] {
  let body = line.trim()
  if (body.startsWith('|')) body = body.slice(1)
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1)
  const cells: string[] = []
  let cell = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '\\' && i + 1 < body.length) {
      cell += c + (body[i + 1] as string)
      i += 1
    } else if (c === '|') {
      cells.push(cell.trim())
      cell = ''
    } else {
      cell += c
    }
  }
  cells.push(cell.trim())
  return cells
}

/** A GFM table as aligned columns; a header of blank cells (a key/value table) is left out. */
function renderTable(lines: string[]): string[] {
  const rows = lines.map(splitRow)
  const rule = rows[1]
  const hasRule = rule !== undefined && rule.every(cell => /^:?-+:?$/.test(cell))
  const right = hasRule ? rule.map(cell => cell.endsWith(':')) : []
  const header = hasRule ? (rows[0] ?? []).map(inline) : null
  const body = (hasRule ? rows.slice(2) : rows).map(row => row.map(inline))
  const showHeader = header !== null && header.some(cell => cell.trim() !== '')
  const all = showHeader && header ? [header, ...body] : body
  const columns = Math.max(0, ...all.map(row => row.length))
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(0, ...all.map(row => width(row[c] ?? '')))
  )
  const format = (row: string[]): string =>
    widths
      .map((w, c) => {
        const cell = row[c] ?? ''
        const pad = ' '.repeat(Math.max(0, w - width(cell)))
        return right[c] ? pad + cell : cell + pad
      })
      .join(' │ ')
      .trimEnd()
  const out: string[] = []
  if (showHeader && header) {
    out.push(format(header))
    out.push(widths.map(w => '─'.repeat(w)).join('─┼─'))
  }
  for (const row of body) out.push(format(row))
  return out.map(line => INDENT + line)
}

/** A Mermaid `xychart-beta` bar chart as text bars; any other chart as its source. */
function renderMermaid(source: string[]): string[] {
  const title = /^\s*title\s+"(.*)"\s*$/.exec(source.find(line => /^\s*title\s/.test(line)) ?? '')
  const axis = /^\s*x-axis\s+\[(.*)\]\s*$/.exec(
    source.find(line => /^\s*x-axis\s/.test(line)) ?? ''
  )
  const bars = /^\s*bar\s+\[(.*)\]\s*$/.exec(source.find(line => /^\s*bar\s/.test(line)) ?? '')
  if (!bars) {
    return [
      `${INDENT}(a Mermaid chart, which GitHub draws; its source:)`,
      ...source.map(line => INDENT + INDENT + line)
    ]
  }
  const values = (bars[1] ?? '').split(',').map(value => Number(value.trim()))
  const labels = axis
    ? (axis[1] ?? '').split(',').map(label => label.trim().replace(/^"(.*)"$/, '$1'))
    : values.map((_, i) => String(i + 1))
  const out: string[] = title ? [`${INDENT}${title[1]}`] : []
  const finite = values.filter(Number.isFinite)
  const min = Math.min(0, ...finite)
  const max = Math.max(0, ...finite)
  const span = max - min || 1
  const barWidth = 32
  const zero = Math.round((-min / span) * barWidth)
  const labelWidth = Math.max(...labels.map(width))
  values.forEach((value, i) => {
    const cells = Array.from({ length: barWidth + 1 }, () => ' ')
    if (Number.isFinite(value)) {
      const at = Math.round(((value - min) / span) * barWidth)
      for (let c = Math.min(at, zero); c < Math.max(at, zero); c++) cells[c] = '█'
    }
    if (min < 0 && cells[zero] === ' ') cells[zero] = '│'
    const label = labels[i] ?? ''
    out.push(`${INDENT}${' '.repeat(labelWidth - width(label))}${label} ${cells.join('')} ${value}`)
  })
  return out
}

/**
 * The job summary (GitHub Markdown with a little HTML) in readable terminal form: headings
 * underlined, tables as aligned columns, `<details>` as a ▸ line, `<pre>` blocks indented,
 * tags stripped, entities and Markdown escapes resolved, Mermaid bar charts drawn as text bars.
 */
export function summaryToText(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i] as string
    const trimmed = line.trim()
    const fence = /^(`{3,})\s*([\w-]*)/.exec(trimmed)
    if (fence) {
      const body: string[] = []
      for (i++; i < lines.length && (lines[i] as string).trim() !== fence[1]; i++) {
        body.push(lines[i] as string)
      }
      i++
      out.push(...(fence[2] === 'mermaid' ? renderMermaid(body) : body.map(l => INDENT + l)))
      continue
    }
    if (trimmed.startsWith('<pre')) {
      const body: string[] = []
      const first = trimmed.replace(/^<pre[^>]*>/, '')
      let closed = first.includes('</pre>')
      if (first !== '') body.push(first.replace(/<\/pre>.*$/, ''))
      for (i++; !closed && i < lines.length; i++) {
        const text = lines[i] as string
        closed = text.includes('</pre>')
        const content = closed ? text.replace(/<\/pre>.*$/, '') : text
        if (!closed || content !== '') body.push(content)
      }
      out.push(...body.map(text => INDENT + INDENT + htmlText(text)))
      continue
    }
    if (trimmed.startsWith('|')) {
      const table: string[] = []
      for (; i < lines.length && (lines[i] as string).trim().startsWith('|'); i++) {
        table.push(lines[i] as string)
      }
      out.push(...renderTable(table))
      continue
    }
    i++
    const details = /^<details>\s*(?:<summary>(.*)<\/summary>)?\s*$/.exec(trimmed)
    if (details) {
      if (details[1] !== undefined) out.push(`${INDENT}▸ ${htmlText(details[1])}`)
      continue
    }
    if (/^<\/details>$/.test(trimmed) || /^<!--.*-->$/.test(trimmed)) continue
    const heading = /^(#{1,6})\s+(.*)$/.exec(trimmed)
    if (heading) {
      const text = inline(heading[2] ?? '')
      if (out.length > 0 && out[out.length - 1] !== '') out.push('')
      out.push(text, ((heading[1] ?? '').length <= 2 ? '═' : '─').repeat(width(text)))
      continue
    }
    const item = /^[-*]\s+(.*)$/.exec(trimmed)
    if (item) {
      out.push(`${INDENT}• ${inline(item[1] ?? '')}`)
      continue
    }
    const text = inline(line)
    if (text.trim() === '') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('')
    } else {
      out.push(text)
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out.join('\n')
}
