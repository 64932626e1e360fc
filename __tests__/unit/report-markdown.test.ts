/**
 * Escaping of untrusted text, checked on the HTML that a GFM renderer (micromark with the GFM
 * extensions, raw HTML allowed as GitHub does before sanitising) makes of it.
 */
import { describe, expect, it } from '@jest/globals'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import {
  codeBlock,
  htmlText,
  inlineCode,
  inlineText,
  link,
  safeUrl
} from '../../src/report/markdown.js'
import { hostile } from '../support/outcomes.js'

function toHtml(markdown: string): string {
  return micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true
  })
}

/** The text a reader sees: tags removed, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (_, name: string) =>
      name.startsWith('#x')
        ? String.fromCodePoint(parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[name] ?? `&${name};`)
    )
}

const ZWJ = /\u200D/g

/** No GitHub mention, team mention, issue reference or autolink trigger is left intact. */
function expectNoLinkTriggers(text: string): void {
  expect(text).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/)
  expect(text).not.toMatch(/#\d/)
  expect(text).not.toMatch(/:\/\//)
  expect(text).not.toMatch(/www\./i)
  expect(text).not.toMatch(/\bGH-\d/i)
}

const HOSTILE: [string, string][] = [
  ['script', '<script>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['details', '<details open><summary>x</summary>'],
  ['javascript link', '[click](javascript:alert(1))'],
  ['tracking image', '![](http://tracker.example/pixel.png)'],
  ['autolink', 'see https://evil.example/x and www.evil.example and mail@evil.example'],
  ['angle autolink', '<https://evil.example>'],
  ['mention', 'ping @octocat now'],
  ['team mention', 'ping @github/security'],
  ['issue reference', 'fixes #123 and owner/repo#4 and GH-5'],
  ['pipes', 'a | b || c'],
  ['backticks', 'run `rm -rf /` or ```fence```'],
  ['emphasis', '*bold* _it_ ~~gone~~ **x**'],
  ['comment end', 'a --> b <!-- c'],
  ['entities', '&lt;script&gt; &amp; &#60;'],
  ['heading and list', '# title\n- item\n> quote'],
  ['math', '$\\href{javascript:alert(1)}{x}$'],
  ['backslash', 'C:\\path\\to\\*file*']
]

describe('inlineText', () => {
  it.each(HOSTILE)('renders %s as the same text, with no markup', (_, input) => {
    const cell = inlineText(input, 1000)
    for (const markdown of [`Agent: ${cell} (new)`, `| a | b |\n|---|---|\n| ${cell} | z |`]) {
      const html = toHtml(markdown)
      expect(html).not.toMatch(
        /<(script|img|details|summary|a|code|em|strong|del|h1|li|blockquote)\b/
      )
      expect(html).not.toContain('href=')
      const text = visible(html)
      expectNoLinkTriggers(text)
      expect(text.replace(ZWJ, '')).toContain(input.replace(/\s+/g, ' '))
    }
    const table = toHtml(`| a | b |\n|---|---|\n| ${cell} | z |`)
    expect(table.match(/<td>/g)).toHaveLength(2)
    expect(cell).not.toContain('-->')
    expect(cell).not.toContain('<!--')
  })

  it('strips bidirectional overrides and other invisible format characters', () => {
    const text = inlineText(
      'a\u202Eexe.txt\u202C b\u2066c\u2069 \u200Ed\u200F\u061C\u200Be\uFEFF',
      100
    )
    expect(text).toBe('aexe.txt bc de')
  })

  it('collapses newlines and control characters into single spaces', () => {
    expect(
      inlineText('  one\r\ntwo\n\n\tthree\u0000four\u2028five \u001b[31mred\u001b[0m  ', 100)
    ).toBe('one two three four five red')
  })

  it('truncates to maxChars characters with an ellipsis, never inside a surrogate pair', () => {
    const long = inlineText('x'.repeat(10_000), 60)
    expect(long).toBe(`${'x'.repeat(59)}…`)
    expect(Array.from(inlineText('🚀'.repeat(100), 10))).toEqual([...Array(9).fill('🚀'), '…'])
    expect(inlineText('short', 60)).toBe('short')
  })

  it('keeps a 10,000-character hostile name short and inert', () => {
    const cell = inlineText(hostile(10_000), 200)
    const html = toHtml(`| a |\n|---|\n| ${cell} |`)
    const td = /<td>(.*)<\/td>/s.exec(html)?.[1] ?? ''
    const chars = Array.from(visible(td).replace(ZWJ, ''))
    expect(chars.length).toBeLessThanOrEqual(200)
    expect(chars.length).toBeGreaterThan(190)
    expect(chars.at(-1)).toBe('…')
    expect(html).not.toMatch(/<(script|img|details|a)\b/)
    expect(html).not.toContain('href=')
    expectNoLinkTriggers(visible(html))
  })
})

describe('inlineCode', () => {
  it('shows a value to copy exactly, without joiners, as code', () => {
    const md = inlineCode('runtime: python/gymnasium@1.0.0', 100)
    expect(md).toBe('`runtime: python/gymnasium@1.0.0`')
    expect(toHtml(md)).toBe('<p><code>runtime: python/gymnasium@1.0.0</code></p>')
    expect(md).not.toMatch(ZWJ)
  })

  it.each(HOSTILE)('keeps %s inert: a code span shows it as typed, on one line', (_name, text) => {
    const cell = toHtml(`| a |\n| - |\n| ${inlineCode(text, 200)} |`)
    expect(cell).not.toMatch(/<(?!\/?(table|thead|tbody|tr|th|td|code)\b)[a-z]/i)
    expect(cell).not.toContain('href=')
    expect(cell.match(/<td>/g)).toHaveLength(1)
    const td = /<td>([\s\S]*?)<\/td>/.exec(cell)?.[1] ?? ''
    expect(visible(td)).toBe(text.replace(/\s+/g, ' ').trim())
  })

  it('fences backticks with a longer run, and says nothing for empty text', () => {
    expect(inlineCode('a `b` c', 20)).toBe('``a `b` c``')
    expect(inlineCode('`x`', 20)).toBe('`` `x` ``')
    expect(toHtml(inlineCode('`x`', 20))).toBe('<p><code>`x`</code></p>')
    expect(inlineCode('  \n ', 20)).toBe('')
  })
})

describe('htmlText', () => {
  it('escapes text inside an HTML element, where Markdown is not parsed', () => {
    const summary = `<details><summary>${htmlText('<img src=x> @octocat #1 *x*', 100)}</summary>\n\nbody\n\n</details>`
    const html = toHtml(summary)
    expect(html).not.toContain('<img')
    const text = visible(html)
    expectNoLinkTriggers(text)
    expect(text.replace(ZWJ, '')).toContain('<img src=x> @octocat #1 *x*')
  })
})

describe('codeBlock', () => {
  const nasty = [
    'line 1 <script>alert(1)</script>',
    '</pre><img src=x onerror=alert(1)>',
    '',
    '```',
    '~~~',
    '</details> --> <!-- @octocat #12 https://x.example',
    '',
    '',
    'last line \u202Egnp.exe'
  ].join('\n')

  it('keeps the content as text in one <pre>, whatever it contains', () => {
    const block = codeBlock(nasty, 10_000)
    const html = toHtml(`before\n\n${block}\n\nafter`)
    expect(html.match(/<pre>/g)).toHaveLength(1)
    expect(html.match(/<\/pre>/g)).toHaveLength(1)
    expect(html).not.toMatch(/<(script|img|details|a)\b/)
    expect(html).toMatch(/<\/pre>\n<p>after<\/p>/)
    // A browser drops the newline right after <pre>.
    const text = visible(
      html.slice(html.indexOf('<pre>') + '<pre>\n'.length, html.indexOf('</pre>'))
    )
    expect(text.replace(ZWJ, '')).toBe(`${nasty.replace('\u202E', '')}\n`)
    expect(text).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/)
    expect(text).not.toMatch(/#\d/)
    expect(block).not.toContain('-->')
  })

  it('keeps the last maxChars characters, from a line start, marked with an ellipsis', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')
    const block = codeBlock(log, 30)
    expect(block).toBe('<pre>\n…\nline 97\nline 98\nline 99\n</pre>')
  })

  it('handles a huge log by its tail', () => {
    const block = codeBlock(`${'x'.repeat(5_000_000)}\nthe end`, 100)
    expect(block).toBe('<pre>\n…\nthe end\n</pre>')
  })

  it('normalises line ends and drops colour codes and control characters', () => {
    expect(codeBlock('a\r\nb\rc\u001b[1;32md\u0007\u0000e\n\n', 100)).toBe(
      '<pre>\na\nb\ncde\n</pre>'
    )
  })
})

describe('link', () => {
  it('links http(s) URLs and keeps them intact inside a table cell', () => {
    const cell = link(
      'ppo (v7) | best',
      'https://ml-arena.com/viewcompetition/42?tab=board&x=(1)|2'
    )
    const html = toHtml(`| a | b |\n|---|---|\n| ${cell} | z |`)
    expect(html.match(/<td>/g)).toHaveLength(2)
    expect(html).toContain(
      '<a href="https://ml-arena.com/viewcompetition/42?tab=board&amp;x=%281%29%7C2">ppo (v7) | best</a>'
    )
  })

  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    '/relative/path',
    'https://user:pass@ml-arena.com/',
    'not a url'
  ])('renders plain text for %j', url => {
    expect(safeUrl(url)).toBeNull()
    const html = toHtml(link('name', url))
    expect(html).not.toContain('href')
    expect(visible(html)).toContain('name')
  })

  it('escapes the link text', () => {
    const html = toHtml(link('[x](javascript:alert(1)) @octocat', 'https://ml-arena.com/'))
    expect(html.match(/href=/g)).toHaveLength(1)
    expect(html).toContain('href="https://ml-arena.com/"')
    expectNoLinkTriggers(visible(html).replace('https://ml-arena.com/', ''))
  })
})
