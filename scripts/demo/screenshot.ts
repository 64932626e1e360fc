/**
 * `npm run demo:screenshot`: regenerates docs/images/run-summary.png, the README's picture of a
 * run. It runs the push demo (fast clock) with --html, opens the page in headless Chromium and
 * photographs the job summary, as GitHub renders it, under the page's note. Needs dist/ (npm run bundle) and Chromium
 * (apt-get install -y chromium; fonts-noto-color-emoji for the heading's emoji).
 */
import { mkdir, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../demo.ts'
import { findChromium, launch, openPage } from './browser.ts'
import { ROOT } from './runner.ts'

const TARGET = path.join(ROOT, 'docs', 'images', 'run-summary.png')

async function screenshot(): Promise<number> {
  const chromium = findChromium()
  if (chromium === null) {
    console.error(
      'demo:screenshot: no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH.'
    )
    return 1
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-screenshot-'))
  const code = await main(['push', '--speed', 'fast', '--html', dir])
  if (code !== 0) return code
  const browser = await launch(chromium)
  try {
    const { page, report } = await openPage(browser, path.join(dir, 'push.html'))
    if (report.mermaid !== 'done' || report.drawn !== report.charts) {
      console.error(`demo:screenshot: the page did not draw: ${JSON.stringify(report)}`)
      return 1
    }
    // The page's note (it says the hostile names are on purpose) and the job summary under it.
    const box = (await page.evaluate(`(() => {
      const top = document.querySelector('main').getBoundingClientRect()
      const end = document.querySelector('#section-1').getBoundingClientRect()
      return { x: top.x, y: top.y + window.scrollY, width: top.width, height: end.bottom - top.top }
    })()`)) as { x: number; y: number; width: number; height: number }
    await mkdir(path.dirname(TARGET), { recursive: true })
    await page.screenshot({
      path: TARGET as `${string}.png`,
      clip: box,
      captureBeyondViewport: true
    })
    console.log(`Wrote ${path.relative(ROOT, TARGET)}`)
    return 0
  } finally {
    await browser.close()
  }
}

screenshot().then(
  code => {
    process.exitCode = code
  },
  error => {
    console.error('demo:screenshot: failed:', error)
    process.exitCode = 1
  }
)
