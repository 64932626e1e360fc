/**
 * A job summary or a comment as GitHub renders it, in one self-contained page that works
 * offline: GitHub Flavored Markdown (micromark + its GFM extension, raw HTML passed through),
 * then only the HTML GitHub keeps (hast-util-sanitize's default schema, which follows GitHub's
 * sanitiser: `<details>`, `<summary>`, `<pre>`, `<sub>`… stay, scripts, styles and event
 * handlers go, ids get the `user-content-` prefix), GitHub's Markdown CSS
 * (github-markdown-css), and Mermaid blocks drawn by Mermaid itself, inlined.
 *
 * GitHub draws a Mermaid block in a sandboxed frame; here it is drawn in the page, from the
 * same source, by the same library: what can differ is the frame, not the chart.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import rehypeParse from 'rehype-parse'
import rehypeSanitize from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import type { PageSection } from './session.ts'

const require = createRequire(import.meta.url)

/** A hast node, as far as this file needs it. */
interface HastNode {
  type: string
  tagName?: string
  value?: string
  properties?: Record<string, unknown>
  children?: HastNode[]
}

/** Markdown → the HTML GitHub would show, Mermaid blocks as `<pre class="mermaid">` sources. */
export function renderMarkdown(markdown: string): string {
  const raw = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()]
  })
  const html = unified()
    .use(rehypeParse, { fragment: true })
    .use(rehypeSanitize)
    .use(() => tree => {
      mermaidBlocks(tree as HastNode)
    })
    .use(rehypeStringify)
    .processSync(raw)
  return String(html)
}

/** `<pre><code class="language-mermaid">` (after sanitising) → `<pre class="mermaid">`. */
function mermaidBlocks(node: HastNode): void {
  for (const [index, child] of (node.children ?? []).entries()) {
    const code = child.tagName === 'pre' ? child.children?.find(c => c.tagName === 'code') : null
    const classes = code?.properties?.className
    if (code && Array.isArray(classes) && classes.includes('language-mermaid')) {
      const source = (code.children ?? []).map(text => text.value ?? '').join('')
      ;(node.children as HastNode[])[index] = {
        type: 'element',
        tagName: 'pre',
        properties: { className: ['mermaid'] },
        children: [{ type: 'text', value: source }]
      }
    } else {
      mermaidBlocks(child)
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c
  )
}

/** Inline script text must not close its own tag. */
function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1')
}

const PAGE_STYLE = `
body { margin: 0; background: #f6f8fa; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1012px; margin: 0 auto; padding: 24px 16px 48px; }
.demo-note { color: #59636e; font-size: 14px; margin: 0 0 16px; }
.demo-section { margin: 0 0 24px; }
.demo-section > h2 { font-size: 14px; font-weight: 600; color: #59636e; margin: 0 0 8px; }
.markdown-body { box-sizing: border-box; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 24px 32px; }
pre.mermaid { background: #fff; text-align: center; }
`

/** The page of one job: a note on what it shows, then each summary and comment, rendered. */
export async function renderPage(
  job: { name: string; about: string },
  sections: readonly PageSection[],
  note = 'Rendered offline from the run’s own Markdown, as GitHub renders it.'
): Promise<string> {
  const css = await readFile(
    require.resolve('github-markdown-css/github-markdown-light.css'),
    'utf8'
  )
  const mermaid = await readFile(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8')
  const body = sections
    .map(
      (section, index) => `<section class="demo-section" id="section-${index + 1}">
<h2>${escapeHtml(section.title)}</h2>
<article class="markdown-body">
${renderMarkdown(section.markdown)}
</article>
</section>`
    )
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlarena-action demo: ${escapeHtml(job.name)}</title>
<style>${css}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<p class="demo-note">npm run demo -- ${escapeHtml(job.name)}: ${escapeHtml(job.about)}. ${escapeHtml(note)}</p>
${body}
</main>
<script>${scriptText(mermaid)}</script>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' })
mermaid
  .run({ querySelector: 'pre.mermaid' })
  .then(() => { document.body.dataset.mermaid = 'done' })
  .catch(error => { document.body.dataset.mermaid = 'error'; document.body.dataset.mermaidError = String(error && error.message || error) })
</script>
</body>
</html>
`
}
