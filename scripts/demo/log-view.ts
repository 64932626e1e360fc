/**
 * The action's stdout as a person reads it: workflow commands (groups, annotations, masks,
 * debug) turned into plain, indented text. Pure: the demo feeds it line by line.
 */

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
export const INDENT = '  '

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
