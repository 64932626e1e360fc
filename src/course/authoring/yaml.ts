/**
 * course.yaml: its values, and the line of every key and list item, so each finding becomes an
 * annotation on the line that holds it. Parsed with `yaml` (eemeli/yaml, maintained, YAML 1.2)
 * and its LineCounter; YAML 1.2's core schema keeps `2026-01-01` a string, as the SDK's
 * manifest wants it (PyYAML would make a date of it, which the SDK sends as an ISO string).
 * Duplicate keys are syntax errors. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

export interface ParsedYaml {
  values: unknown
  /** JSON Pointer (`/modules/0/lessons/1/file`) → 1-based line. */
  lines: ReadonlyMap<string, number>
}

export class YamlSyntaxError extends Error {
  override name = 'YamlSyntaxError'
  readonly line: number

  constructor(message: string, line: number) {
    super(message)
    this.line = line
  }
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1
    throw new YamlSyntaxError(first.message.split('\n')[0] ?? first.message, line)
  }
  const lines = new Map<string, number>()
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line
  walk(doc.contents as Node | null, '', lines, lineAt)
  return { values: doc.toJS({ maxAliasCount: 100 }) as unknown, lines }
}

function walk(
  node: Node | null,
  at: string,
  lines: Map<string, number>,
  lineAt: (offset: number) => number
): void {
  if (!node) return
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      const here = `${at}/${escape(key)}`
      const keyNode = pair.key as Node | null
      if (keyNode?.range) lines.set(here, lineAt(keyNode.range[0]))
      walk(pair.value as Node | null, here, lines, lineAt)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const here = `${at}/${i}`
      const itemNode = item as Node | null
      if (itemNode?.range) lines.set(here, lineAt(itemNode.range[0]))
      walk(itemNode, here, lines, lineAt)
    })
  }
}

function escape(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** The line of the deepest part of `pointer` the file has; 1 when it has none of it. */
export function lineOf(parsed: Pick<ParsedYaml, 'lines'>, pointer: string): number {
  let current = pointer
  for (;;) {
    const line = parsed.lines.get(current)
    if (line !== undefined) return line
    const cut = current.lastIndexOf('/')
    if (cut <= 0) return 1
    current = current.slice(0, cut)
  }
}
