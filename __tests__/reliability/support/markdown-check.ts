/**
 * Checks rendered Markdown the way an attacker would look at it: rendered with micromark + GFM
 * (raw HTML passed through, as GitHub passes it to its sanitizer), nothing active may come out
 * of untrusted text. Returns the problems found (an empty list is a pass).
 */
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'

export function renderHtml(markdown: string): string {
  return micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true
  })
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** The text a reader sees: tags dropped, entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X'))
        return String.fromCodePoint(parseInt(name.slice(2), 16))
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
      return ENTITIES[name.toLowerCase()] ?? whole
    })
}

export interface CheckOptions {
  /** The links this action builds itself (ML Arena pages). */
  ownLink: (href: string) => boolean
  /** A PR comment: exactly one HTML comment, the marker, on the first line. */
  comment: boolean
}

/** Bidirectional overrides and isolates, and the marks that reorder text. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u

export function markdownProblems(markdown: string, options: CheckOptions): string[] {
  const problems: string[] = []
  const html = renderHtml(markdown)
  const text = textOf(html)

  const active = html.match(
    /<(script|img|iframe|object|embed|svg|math|style|form|input|video|audio|source|link|meta|base)\b/gi
  )
  if (active) problems.push(`active elements: ${[...new Set(active)].join(', ')}`)
  for (const [tag] of html.matchAll(/<[a-z][^>]*\s(on[a-z]+|src|srcset|style|formaction)\s*=/gi))
    problems.push(`an attribute that loads or runs something: ${tag.slice(0, 80)}`)
  for (const [, href] of html.matchAll(/\shref="([^"]*)"/gi)) {
    if (!options.ownLink(href as string)) problems.push(`a link that is not ours: ${href}`)
  }
  const opened = html.match(/<details\b[^>]*>/gi) ?? []
  if (opened.some(tag => tag !== '<details>')) problems.push(`a <details> with attributes`)
  if (opened.length !== (html.match(/<\/details>/gi) ?? []).length)
    problems.push('unbalanced <details>')
  for (const [tag] of html.matchAll(/<details>(?!\s*<summary>)/gi))
    problems.push(`a <details> that is not ours (no <summary> first): ${tag}`)

  if (BIDI.test(markdown)) problems.push('a bidirectional override')
  const mention = /(^|[^\p{L}\p{N}_`/.])@[\p{L}\p{N}]/u.exec(text)
  if (mention) problems.push(`a live @mention: ${text.slice(mention.index, mention.index + 30)}`)
  const issue = /(^|[^\p{L}\p{N}_&])(#|GH-)\d/iu.exec(text)
  if (issue) problems.push(`a live issue reference: ${text.slice(issue.index, issue.index + 30)}`)
  // Names and messages are clipped (to at most 500 characters, messages; names far less); log
  // tails (in <pre>) are kept up to their own budget.
  const long = /(.)\1{500,}/u.exec(markdown.replace(/<pre>[\s\S]*?<\/pre>/g, ''))
  if (long) problems.push(`a run of ${long[0].length} characters (an unclipped name?)`)

  // A Mermaid value axis (`  y-axis "Score" 0 --> 290.5`, numbers of ours) is the one `-->`
  // that is not a comment's end; only that exact line inside a mermaid block is left out.
  const uncharted = markdown.replace(/^```mermaid\n[\s\S]*?^```$/gm, block =>
    block.replace(/^ {2}y-axis "[^"\n]*" -?[\d.]+ --> -?[\d.]+$/gm, '')
  )
  const closers = uncharted.split('-->').length - 1
  const openers = markdown.split('<!--').length - 1
  if (options.comment) {
    const firstLine = markdown.split('\n', 1)[0] ?? ''
    if (closers !== 1 || openers !== 1 || !/^<!-- .* -->$/.test(firstLine))
      problems.push(
        `HTML comments: ${openers} opened, ${closers} closed (only the marker may be one)`
      )
  } else if (closers !== 0 || openers !== 0) {
    problems.push(`HTML comments in a summary: ${openers} opened, ${closers} closed`)
  }
  return problems
}
