/**
 * `npm run demo [-- --wire current|legacy] [--speed fast|realtime] [--fail] [--debug] [--challenge]`
 *
 * Runs the bundled action (dist/index.js) once, end to end, the way a runner runs it on a push
 * to main, against the ML Arena emulator started in this process: no network, no account. It
 * streams the action's log as it happens (workflow commands turned into plain text), then shows
 * where the runner files went, the step's outputs and the job summary in terminal form.
 * It exits with the action's exit code. With --challenge it runs the creator action instead
 * (dist/challenge/index.js): examples/challenge/ applied on a push to main, which creates the
 * challenge, runs its benchmark and starts it.
 *
 * Node 24 runs this file directly (type stripping): erasable TypeScript only, `.ts` imports.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { actionDefaults, inputEnv, parseOutputFile } from './runner-files.ts'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs, styleText } from 'node:util'
import { COMPETITIONS, MARKER_PREFIX, MARKERS, startEmulator } from '../emulator/index.ts'
import type { Emulator } from '../emulator/index.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const ACTION_ENTRY = path.join(ROOT, 'dist', 'index.js')
const CHALLENGE_ENTRY = path.join(ROOT, 'dist', 'challenge', 'index.js')
const EXAMPLE_CHALLENGE = 'examples/challenge'
const EXAMPLE_AGENT = 'examples/agent'
const REPOSITORY = 'octo-org/lunar-lander-agent'
/** Nothing listens there: a push makes no GitHub API call, and the demo proves it cannot. */
const NO_GITHUB_API = 'http://127.0.0.1:9'

const USAGE = `usage: npm run demo [-- --wire current|legacy] [--speed fast|realtime] [--fail] [--debug] [--challenge]

  --wire current|legacy   which generation of the ML Arena API the emulator speaks (default current)
  --speed fast|realtime   realtime (default): an evaluation takes about half a minute, as if
                          watched live; fast: a second or two
  --fail                  submit an agent whose every run fails at import, to show a failure report
  --debug                 also show the action's ::debug:: lines
  --challenge             run the creator action (challenge/action.yml) on examples/challenge/:
                          create the challenge, run its benchmark, start it (current wire)`

export interface DemoOptions {
  wire: 'current' | 'legacy'
  speed: 'fast' | 'realtime'
  fail: boolean
  debug: boolean
  challenge: boolean
}

/** The command line; 'help' for -h/--help. Throws an Error whose message says what is wrong. */
export function parseDemoArgs(argv: string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      wire: { type: 'string', default: 'current' },
      speed: { type: 'string', default: 'realtime' },
      fail: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      challenge: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help) return 'help'
  const wire = values.wire
  const speed = values.speed
  if (wire !== 'current' && wire !== 'legacy') {
    throw new Error(`--wire must be current or legacy, not ${JSON.stringify(wire)}`)
  }
  if (speed !== 'fast' && speed !== 'realtime') {
    throw new Error(`--speed must be fast or realtime, not ${JSON.stringify(speed)}`)
  }
  if (values.challenge && wire === 'legacy') {
    throw new Error('--challenge needs the current wire: the legacy wire has no editor view')
  }
  return { wire, speed, fail: values.fail, debug: values.debug, challenge: values.challenge }
}

// ---- the action's log, as a person reads it ----

export type LineKind = 'plain' | 'group' | 'warning' | 'error' | 'notice' | 'debug'

export interface LogLine {
  kind: LineKind
  text: string
}

/** What the log view remembers between lines: the open group, and the values to mask. */
export interface LogView {
  inGroup: boolean
  masks: string[]
  showDebug: boolean
}

export function newLogView(showDebug = false): LogView {
  return { inGroup: false, masks: [], showDebug }
}

const WORKFLOW_COMMAND = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/
const INDENT = '  '

/** Workflow command data as @actions/core escapes it (%25, %0D, %0A), back to text. */
export function unescapeCommandData(data: string): string {
  return data.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

function unescapeProperty(value: string): string {
  return unescapeCommandData(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',')
}

/** Every masked value replaced by ***, as the runner does in the job log. */
export function applyMasks(text: string, masks: readonly string[]): string {
  let out = text
  for (const mask of masks) if (out.includes(mask)) out = out.split(mask).join('***')
  return out
}

/**
 * One line of the action's stdout as the demo prints it, or null when it is hidden: groups
 * become a title and indentation, `::add-mask::` and `::debug::` disappear (add-mask values are
 * masked from then on), and annotations get a prefix.
 */
export function viewLine(line: string, view: LogView): LogLine | null {
  const command = WORKFLOW_COMMAND.exec(line)
  if (!command) return { kind: 'plain', text: indent(applyMasks(line, view.masks), view) }
  const name = (command[1] ?? '').toLowerCase()
  const properties = parseProperties(command[2] ?? '')
  const data = unescapeCommandData(command[3] ?? '')
  switch (name) {
    case 'add-mask':
      if (data.trim() !== '') {
        view.masks.push(data.trim())
        // Longest first, so a mask that contains another is replaced whole.
        view.masks.sort((a, b) => b.length - a.length)
      }
      return null
    case 'group': {
      const title = applyMasks(data, view.masks)
      view.inGroup = true
      return { kind: 'group', text: `▸ ${title}` }
    }
    case 'endgroup':
      view.inGroup = false
      return null
    case 'debug':
      return view.showDebug
        ? { kind: 'debug', text: indent(`debug: ${applyMasks(data, view.masks)}`, view) }
        : null
    case 'warning':
    case 'error':
    case 'notice': {
      const title = properties.get('title')
      const prefix = `${name}${title ? ` (${title})` : ''}: `
      const [first = '', ...rest] = applyMasks(data, view.masks).split(/\r?\n|\r/)
      const pad = ' '.repeat(prefix.length)
      const text = [prefix + first, ...rest.map(more => pad + more)].join('\n')
      return { kind: name, text: indent(text, view) }
    }
    default:
      return { kind: 'plain', text: indent(applyMasks(line, view.masks), view) }
  }
}

function parseProperties(raw: string): Map<string, string> {
  const properties = new Map<string, string>()
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=')
    if (at > 0) properties.set(pair.slice(0, at).trim(), unescapeProperty(pair.slice(at + 1)))
  }
  return properties
}

function indent(text: string, view: LogView): string {
  if (!view.inGroup) return text
  return text
    .split('\n')
    .map(line => INDENT + line)
    .join('\n')
}

// ---- the job summary, as a terminal shows it ----

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

// ---- the run ----

interface PreparedRun {
  entry: string
  dir: string
  summaryFile: string
  outputFile: string
  eventFile: string
  env: Record<string, string>
  inputs: Record<string, string>
  workingDirectory: string
}

/** An agent like examples/agent whose import fails: the emulator fails every run (code_error). */
async function writeFailingAgent(dir: string): Promise<string> {
  const agentDir = path.join(dir, 'failing-agent')
  await mkdir(agentDir)
  const example = await readFile(path.join(ROOT, EXAMPLE_AGENT, 'agent.py'), 'utf8')
  const broken = [
    `# ${MARKER_PREFIX}${MARKERS.FAIL_IMPORT}: the emulator fails every run of this agent at import,`,
    '# as ML Arena does when a dependency is missing.',
    'import mlarena_missing_dependency  # noqa: F401',
    '',
    example
  ].join('\n')
  await writeFile(path.join(agentDir, 'agent.py'), broken)
  await writeFile(
    path.join(agentDir, 'requirements.txt'),
    await readFile(path.join(ROOT, EXAMPLE_AGENT, 'requirements.txt'))
  )
  return agentDir
}

async function prepareRun(emulator: Emulator, options: DemoOptions): Promise<PreparedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlarena-demo-'))
  const runnerTemp = path.join(dir, 'runner-temp')
  await mkdir(runnerTemp)
  const summaryFile = path.join(dir, 'step-summary.md')
  const outputFile = path.join(dir, 'output.txt')
  const eventFile = path.join(dir, 'event.json')
  const sha = randomBytes(20).toString('hex')
  await writeFile(summaryFile, '')
  await writeFile(outputFile, '')
  const [owner = '', name = ''] = REPOSITORY.split('/')
  await writeFile(
    eventFile,
    JSON.stringify(
      {
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
        after: sha,
        repository: { full_name: REPOSITORY, name, owner: { login: owner } },
        head_commit: { id: sha, message: 'Tune the policy weights' },
        pusher: { name: owner }
      },
      null,
      2
    )
  )
  const workingDirectory = options.challenge
    ? EXAMPLE_CHALLENGE
    : options.fail
      ? await writeFailingAgent(dir)
      : EXAMPLE_AGENT
  const inputs: Record<string, string> = options.challenge
    ? {
        'base-url': emulator.baseUrl,
        'api-key': emulator.tokens.creator,
        directory: EXAMPLE_CHALLENGE,
        name: 'Coin Guess',
        'kernel-version': 'flex_v1',
        tags: 'beginner, rl',
        start: 'true',
        'poll-interval-seconds': '1'
      }
    : {
        'base-url': emulator.baseUrl,
        'api-key': emulator.tokens.user,
        'competition-id': String(COMPETITIONS.normal),
        'working-directory': workingDirectory,
        files: '*.py\nrequirements.txt',
        'poll-interval-seconds': '2'
      }
  const env: Record<string, string> = {
    // A clean environment, as on a runner: no proxy variables from this shell (they would send
    // the requests for 127.0.0.1 to the proxy), nothing else that could change the run.
    ...pick(process.env, ['PATH', 'HOME', 'USERPROFILE', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP']),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: NO_GITHUB_API,
    GITHUB_GRAPHQL_URL: `${NO_GITHUB_API}/graphql`,
    GITHUB_RUN_ID: '1',
    GITHUB_ACTOR: owner,
    RUNNER_TEMP: runnerTemp
  }
  const actionFile = options.challenge ? 'challenge/action.yml' : 'action.yml'
  Object.assign(env, inputEnv({ ...(await actionDefaults(actionFile)), ...inputs }))
  const entry = options.challenge ? CHALLENGE_ENTRY : ACTION_ENTRY
  return { entry, dir, summaryFile, outputFile, eventFile, env, inputs, workingDirectory }
}

function pick(from: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of names) {
    const value = from[name]
    if (value !== undefined) picked[name] = value
  }
  return picked
}

// ---- printing ----

const out = (text = ''): void => {
  process.stdout.write(`${text}\n`)
}

type Style = Parameters<typeof styleText>[0]

/** Colour only on a terminal that wants it (styleText checks the stream, NO_COLOR, FORCE_COLOR). */
function paint(style: Style, text: string): string {
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
  out(style ? paint(style, line.text) : line.text)
}

function rule(title: string): void {
  out()
  out(paint('bold', `── ${title} ${'─'.repeat(Math.max(3, 72 - title.length))}`))
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function printIntro(emulator: Emulator, run: PreparedRun, options: DemoOptions): void {
  const pace =
    options.speed === 'realtime'
      ? 'realtime clock: an evaluation takes about half a minute'
      : 'fast clock: an evaluation takes a second or two'
  const competition = emulator.competitions.find(c => c.id === COMPETITIONS.normal)
  const shown: Record<string, string> = options.challenge
    ? {
        ...run.inputs,
        'api-key': `${applyMasks(run.inputs['api-key'] ?? '', [emulator.tokens.creator])} (the emulator's creator token)`,
        directory: `${run.inputs.directory} (env/, benchmark/, overview.md)`
      }
    : {
        ...run.inputs,
        'api-key': `${applyMasks(run.inputs['api-key'] ?? '', [emulator.tokens.user])} (the emulator's user token)`,
        'competition-id': `${run.inputs['competition-id']} (${competition?.name ?? 'the normal competition'})`,
        files: (run.inputs.files ?? '').split('\n').join(', '),
        'working-directory': options.fail
          ? `${run.workingDirectory} (examples/agent with an import that fails)`
          : (run.inputs['working-directory'] ?? '')
      }
  const entry = path.relative(ROOT, run.entry)
  out(paint('bold', `mlarena-action demo: one run of ${entry}, no network, no account`))
  out()
  out(`ML Arena   the emulator at ${emulator.baseUrl} (${emulator.wire} wire, ${pace})`)
  out(`GitHub     a push to main of ${REPOSITORY}; a push makes no GitHub API call`)
  out(`Action     ${entry} on Node ${process.versions.node}, inputs:`)
  const widest = Math.max(...Object.keys(shown).map(width))
  for (const [name, value] of Object.entries(shown)) {
    out(`             ${name.padEnd(widest)}  ${value}`)
  }
  out(
    `             (every other input: its default in ${options.challenge ? 'challenge/action.yml' : 'action.yml'})`
  )
}

async function printResults(
  run: PreparedRun,
  view: LogView,
  code: number,
  elapsedMs: number
): Promise<void> {
  const outputs = new Map(Object.entries(parseOutputFile(await readFile(run.outputFile, 'utf8'))))
  const summary = await readFile(run.summaryFile, 'utf8')
  const logsDir = outputs.get('logs-dir') ?? ''
  const logCount = logsDir ? (await readdir(logsDir).catch(() => [])).length : 0

  rule(`the action exited with code ${code} after ${seconds(elapsedMs)}`)
  out(`Job summary   ${run.summaryFile}   (GITHUB_STEP_SUMMARY)`)
  out(`Outputs       ${run.outputFile}   (GITHUB_OUTPUT)`)
  out(`Event         ${run.eventFile}   (GITHUB_EVENT_PATH)`)
  out(
    `Game logs     ${logsDir ? `${logsDir}   (${logCount} file${logCount === 1 ? '' : 's'})` : 'none downloaded'}`
  )

  rule('outputs')
  const widest = Math.max(0, ...[...outputs.keys()].map(width))
  for (const [name, value] of outputs) {
    out(`${name.padEnd(widest)}  ${applyMasks(value, view.masks) || paint('gray', '(empty)')}`)
  }

  rule('job summary')
  out(summary.trim() === '' ? '(empty)' : applyMasks(summaryToText(summary), view.masks))
  out()
}

function runAction(
  run: PreparedRun,
  view: LogView
): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, [run.entry], {
    cwd: ROOT,
    env: run.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stdout = createInterface({
    input: child.stdout as NodeJS.ReadableStream,
    crlfDelay: Infinity
  })
  stdout.on('line', line => {
    const shown = viewLine(line, view)
    if (shown) printLine(shown)
  })
  const stderr = createInterface({
    input: child.stderr as NodeJS.ReadableStream,
    crlfDelay: Infinity
  })
  stderr.on('line', line => process.stderr.write(`${applyMasks(line, view.masks)}\n`))
  const done = new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
  return { child, done }
}

/**
 * Ctrl-C reaches the action directly (same terminal), and npm forwards it once more: the action
 * then stops and writes its report. The demo waits for that; if the action is still running a few
 * seconds later it gets SIGTERM, and a Ctrl-C pressed again later kills it.
 */
function handleInterrupts(child: ChildProcess): () => void {
  let first = 0
  let stopTimer: NodeJS.Timeout | undefined
  const onSignal = (): void => {
    const now = Date.now()
    if (first === 0) {
      first = now
      out(paint('yellow', 'Interrupted: the action stops and writes its report…'))
      stopTimer = setTimeout(() => child.kill('SIGTERM'), 5000)
      stopTimer.unref()
    } else if (now - first > 1000) {
      child.kill('SIGKILL')
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    if (stopTimer) clearTimeout(stopTimer)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}

export async function main(argv: string[]): Promise<number> {
  let options: DemoOptions | 'help'
  try {
    options = parseDemoArgs(argv)
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  if (options === 'help') {
    out(USAGE)
    return 0
  }
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    console.error(
      `demo: the action runs on Node 24, this is Node ${process.versions.node}: run it as npm run demo (npm puts the Node 24 of the node dev dependency first on PATH).`
    )
    return 1
  }
  const entry = options.challenge ? CHALLENGE_ENTRY : ACTION_ENTRY
  if (!existsSync(entry)) {
    console.error(`demo: ${entry} is missing: run npm run bundle first.`)
    return 1
  }

  const emulator = await startEmulator({ wire: options.wire, speed: options.speed })
  try {
    const run = await prepareRun(emulator, options)
    printIntro(emulator, run, options)
    rule("the action's log")
    const view = newLogView(options.debug)
    const started = Date.now()
    const { child, done } = runAction(run, view)
    const release = handleInterrupts(child)
    let code: number
    try {
      code = await done
    } finally {
      release()
    }
    await printResults(run, view, code, Date.now() - started)
    return code
  } finally {
    await emulator.close()
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code
    },
    error => {
      console.error('demo: failed:', error)
      process.exitCode = 1
    }
  )
}
