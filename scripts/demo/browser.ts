/**
 * The demo's pages in a real headless browser: Debian's Chromium, driven by puppeteer-core (no
 * browser download: it uses the one installed). Opens a page offline (any request that is not a
 * file: or data: URL is refused and recorded), waits for Mermaid, and reports what drew: the
 * tables, every chart, Mermaid's errors, the page's own errors. Used by the page test and by
 * `npm run demo:screenshot`.
 */
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable'
]

/** The Chromium to drive: $CHROMIUM_PATH, else the first installed of the usual paths. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.CHROMIUM_PATH?.trim()
  if (given) return existsSync(given) ? given : null
  return CANDIDATES.find(file => existsSync(file)) ?? null
}

export async function launch(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    // Root in a container has no user namespace for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none']
  })
}

export interface PageReport {
  /** Mermaid's own verdict: 'done', or 'error' with its message. */
  mermaid: string | null
  mermaidError: string | null
  /** Mermaid blocks on the page, and how many hold a drawn chart (an svg with a size, not the error picture). */
  charts: number
  drawn: number
  /** Charts Mermaid drew as its error picture ("Syntax error in text"). */
  chartErrors: number
  /** Every table: its rows and its rendered width. */
  tables: { rows: number; width: number }[]
  /** Requests that would have left the machine (refused). */
  external: string[]
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[]
}

/**
 * What the page drew, read inside the page (a string, so this file needs no DOM types): a chart
 * counts when its block holds an svg with a size; Mermaid's error picture counts as an error.
 */
const IN_PAGE_CHECK = `(() => {
  const blocks = [...document.querySelectorAll('pre.mermaid')]
  const errors = blocks.filter(block =>
    block.querySelector('svg[aria-roledescription="error"]') !== null ||
    /Syntax error in text/.test(block.textContent || ''))
  const drawn = blocks.filter(block => {
    const svg = block.querySelector('svg')
    if (!svg || errors.includes(block)) return false
    const box = svg.getBoundingClientRect()
    return box.width > 0 && box.height > 0
  })
  return {
    mermaid: document.body.dataset.mermaid ?? null,
    mermaidError: document.body.dataset.mermaidError ?? null,
    charts: blocks.length,
    drawn: drawn.length,
    chartErrors: errors.length,
    tables: [...document.querySelectorAll('.markdown-body table')].map(table => ({
      rows: table.rows.length,
      width: table.getBoundingClientRect().width
    }))
  }
})()`

export async function openPage(
  browser: Browser,
  file: string
): Promise<{ page: Page; report: PageReport }> {
  const page = await browser.newPage()
  await page.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 })
  const external: string[] = []
  const pageErrors: string[] = []
  page.on('pageerror', error => pageErrors.push(String(error)))
  page.on('console', message => {
    if (message.type() === 'error') pageErrors.push(message.text())
  })
  await page.setRequestInterception(true)
  page.on('request', request => {
    const url = request.url()
    if (url.startsWith('file:') || url.startsWith('data:')) void request.continue()
    else {
      external.push(url)
      void request.abort()
    }
  })
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  await page.waitForFunction('document.body.dataset.mermaid !== undefined', { timeout: 30_000 })
  const seen = (await page.evaluate(IN_PAGE_CHECK)) as Omit<PageReport, 'external' | 'pageErrors'>
  return { page, report: { ...seen, external, pageErrors } }
}
