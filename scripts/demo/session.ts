/**
 * What a demo job works with: the emulator, a fake GitHub when a job needs one, one call that
 * runs an action step and prints it (its inputs, its log as it streams, its outputs and its job
 * summary in terminal form), and the pages `--html` writes.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { styleText } from 'node:util'
import type { Emulator } from '../../emulator/index.ts'
import type { FakeGitHub } from '../../__tests__/support/fake-github.ts'
import { applyMasks, newLogView, type LineKind, type LogLine, type LogView } from './log-view.ts'
import { ACTIONS, ROOT, runStep, type StepResult, type StepSpec } from './runner.ts'
import { summaryToText } from './terminal.ts'

export interface DemoOptions {
  job: string
  wire: 'current' | 'legacy'
  speed: 'fast' | 'realtime'
  fail: boolean
  debug: boolean
  /** Where `--html` writes `<job>.html`; null: no pages. */
  html: string | null
}

/** One part of a job's page: a job summary or a comment, with what it is. */
export interface PageSection {
  title: string
  markdown: string
}

export class DemoSession {
  readonly emulator: Emulator
  readonly options: DemoOptions
  readonly sections: PageSection[] = []
  readonly view: LogView
  #github: FakeGitHub | null = null
  #codes: number[] = []
  #onChild: ((child: ChildProcess) => () => void) | undefined

  constructor(
    emulator: Emulator,
    options: DemoOptions,
    onChild?: (child: ChildProcess) => () => void
  ) {
    this.emulator = emulator
    this.options = options
    this.view = newLogView(options.debug)
    this.view.masks.push(...Object.values(emulator.tokens))
    this.#onChild = onChild
  }

  /** A fake GitHub API on 127.0.0.1, held to GitHub's OpenAPI description; started once. */
  async github(): Promise<FakeGitHub> {
    // Loaded only by the jobs that comment: it reads GitHub's whole OpenAPI description.
    if (this.#github === null) {
      const { FakeGitHub } = await import('../../__tests__/support/fake-github.ts')
      this.#github = await new FakeGitHub().start()
    }
    return this.#github
  }

  /** The worst exit code of the job's steps (0 when every step succeeded). */
  get code(): number {
    return this.#codes.find(code => code !== 0) ?? 0
  }

  async close(): Promise<void> {
    // The fake GitHub's close() fails when the action called GitHub in a way GitHub does not allow.
    await this.#github?.close()
  }

  /** Runs one step and prints it; its summary joins the page. */
  async step(
    title: string,
    spec: StepSpec,
    describe: Record<string, string> = {}
  ): Promise<StepResult> {
    rule(title)
    const entry = ACTIONS[spec.action].entry
    say(
      `${entry} on Node ${process.versions.node}, event ${spec.github.eventName} (${spec.github.ref}) of ${spec.github.repository}`
    )
    const shown = { ...spec.inputs, ...describe }
    const widest = Math.max(0, ...Object.keys(shown).map(width))
    for (const [name, value] of Object.entries(shown)) {
      say(`  ${name.padEnd(widest)}  ${applyMasks(value.split('\n').join(', '), this.view.masks)}`)
    }
    say(`  (every other input: its default in ${ACTIONS[spec.action].actionFile})`)
    say()
    const result = await runStep(spec, this.view, printLine, this.#onChild)
    this.#codes.push(result.code)
    await this.#printResult(result)
    this.sections.push({ title: `Job summary · ${title}`, markdown: result.summary })
    return result
  }

  /** A Markdown document (a PR comment) in terminal form, and on the page. */
  showMarkdown(title: string, markdown: string): void {
    rule(title)
    say(applyMasks(summaryToText(markdown), this.view.masks))
    this.sections.push({ title, markdown })
  }

  async #printResult(result: StepResult): Promise<void> {
    const logsDir = result.outputs.get('logs-dir') ?? ''
    const logCount = logsDir ? (await readdir(logsDir).catch(() => [])).length : 0
    say()
    say(
      paint('bold', `the action exited with code ${result.code} after ${seconds(result.elapsedMs)}`)
    )
    say(`  job summary  ${result.summaryFile}   (GITHUB_STEP_SUMMARY)`)
    say(`  outputs      ${result.outputFile}   (GITHUB_OUTPUT)`)
    say(`  event        ${result.eventFile}   (GITHUB_EVENT_PATH)`)
    if (logsDir) say(`  game logs    ${logsDir}   (${logCount} file${logCount === 1 ? '' : 's'})`)
    rule('outputs', 'thin')
    const widest = Math.max(0, ...[...result.outputs.keys()].map(width))
    for (const [name, value] of result.outputs) {
      say(
        `${name.padEnd(widest)}  ${applyMasks(value, this.view.masks) || paint('gray', '(empty)')}`
      )
    }
    rule('job summary', 'thin')
    say(
      result.summary.trim() === ''
        ? '(empty)'
        : applyMasks(summaryToText(result.summary), this.view.masks)
    )
  }
}

/** A new commit SHA for each run, as each push has its own. */
export function newSha(): string {
  return randomBytes(20).toString('hex')
}

export function relative(file: string): string {
  return path.relative(ROOT, file)
}

// ---- printing ----

export function say(text = ''): void {
  process.stdout.write(`${text}\n`)
}

type Style = Parameters<typeof styleText>[0]

/** Colour only on a terminal that wants it (styleText checks the stream, NO_COLOR, FORCE_COLOR). */
export function paint(style: Style, text: string): string {
  return styleText(style, text, { stream: process.stdout })
}

const KIND_STYLE: Record<LineKind, Style | null> = {
  plain: null,
  group: 'bold',
  warning: 'yellow',
  error: 'red',
  notice: 'cyan',
  debug: 'gray'
}

function printLine(line: LogLine): void {
  const style = KIND_STYLE[line.kind]
  say(style ? paint(style, line.text) : line.text)
}

export function rule(title: string, weight: 'thick' | 'thin' = 'thick'): void {
  say()
  const bar = weight === 'thick' ? '━' : '─'
  say(paint('bold', `${bar}${bar} ${title} ${bar.repeat(Math.max(3, 72 - width(title)))}`))
}

export function width(text: string): number {
  return [...text].length
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
