/**
 * Every demo job's page (`npm run demo -- <job> --html DIR`) opened in a real headless browser,
 * Debian's Chromium: the tables drew, every Mermaid block drew a chart (an svg with a size) and
 * none is Mermaid's error picture, the page raised no error, and nothing was fetched from
 * outside (the page is self-contained). dist/ must be fresh: `npm run bundle`.
 *
 * Without Chromium this suite is skipped with a message, except in CI (CI=true), where it
 * fails: `bash .ci/run` installs Chromium when it is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'puppeteer-core'
import { findChromium, launch, openPage } from '../../scripts/demo/browser.ts'
import { renderPage } from '../../scripts/demo/html.ts'
import { jobNames } from '../../scripts/demo/jobs.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const chromium = findChromium()
const inCI = process.env.CI === 'true'

async function writePage(job: string, dir: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      'scripts/demo.ts',
      job,
      '--speed',
      'fast',
      '--html',
      dir
    ],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' }
  )
  return new Promise(resolve => child.on('close', resolve))
}

/** How many Mermaid blocks the page's Markdown has (each must become one chart). */
function mermaidBlocks(html: string): number {
  return (html.match(/<pre class="mermaid">/g) ?? []).length
}

if (chromium === null && !inCI) {
  describe('the demo pages in a headless browser', () => {
    it.skip('needs Chromium (apt-get install -y chromium, or set CHROMIUM_PATH): skipped outside CI', () => {})
  })
  console.warn(
    'pages.test.ts: skipped: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH); in CI this suite runs, and bash .ci/run installs Chromium.'
  )
} else {
  describe('the demo pages in a headless browser', () => {
    let browser: Browser
    let dir: string

    beforeAll(async () => {
      if (chromium === null) {
        throw new Error(
          'CI=true and no Chromium: bash .ci/run installs it (apt-get install -y chromium), or set CHROMIUM_PATH.'
        )
      }
      dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-pages-'))
      for (const job of jobNames()) {
        const code = await writePage(job, dir)
        if (code !== 0) throw new Error(`npm run demo -- ${job} exited with ${code}`)
      }
      browser = await launch(chromium)
    }, 240_000)
    afterAll(async () => {
      await browser?.close()
    })

    it.each(jobNames())(
      '%s: tables and every chart drew, no Mermaid error, nothing fetched',
      async job => {
        const file = path.join(dir, `${job}.html`)
        const blocks = mermaidBlocks(await readFile(file, 'utf8'))
        const { page, report } = await openPage(browser, file)
        await page.close()
        expect(report.pageErrors).toEqual([])
        expect(report.external).toEqual([])
        expect([report.mermaid, report.mermaidError]).toEqual(['done', null])
        expect(blocks).toBeGreaterThan(0)
        expect({ charts: report.charts, drawn: report.drawn, errors: report.chartErrors }).toEqual({
          charts: blocks,
          drawn: blocks,
          errors: 0
        })
        expect(report.tables.length).toBeGreaterThan(0)
        for (const table of report.tables) {
          expect(table.rows).toBeGreaterThan(1)
          expect(table.width).toBeGreaterThan(100)
        }
      },
      60_000
    )

    it('notices a chart Mermaid cannot draw, and a request that leaves the machine', async () => {
      const file = path.join(dir, 'broken.html')
      const markdown = [
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '<img src="https://example.com/x.png">',
        '',
        '```mermaid',
        'xychart-beta',
        '  bar [1, 2',
        '```'
      ].join('\n')
      await writeFile(
        file,
        await renderPage({ name: 'broken', about: 'a broken chart' }, [
          { title: 'broken', markdown }
        ])
      )
      const { page, report } = await openPage(browser, file)
      await page.close()
      expect(report.mermaid).toBe('error')
      expect({ charts: report.charts, drawn: report.drawn }).toEqual({ charts: 1, drawn: 0 })
      expect(report.external).toEqual(['https://example.com/x.png'])
    })
  })
}
