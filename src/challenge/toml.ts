/**
 * challenge.toml: its values, and the line of every key, so each finding (a schema error, a key
 * a started challenge refuses) becomes an annotation on the line that holds it.
 *
 * Parsed with toml-eslint-parser, a maintained TOML 1.0 parser that keeps the source location of
 * every node (smol-toml, which the emulator uses, returns values only). Pure.
 */
import { getStaticTOMLValue, parseTOML, ParseError, type AST } from 'toml-eslint-parser'

export interface ParsedToml {
  values: Record<string, unknown>
  /** JSON Pointer (`/limits/simulation_timeout_sec`, `/metrics/0/key`) → 1-based line. */
  lines: ReadonlyMap<string, number>
}

export class TomlSyntaxError extends Error {
  override name = 'TomlSyntaxError'
  readonly line: number
  readonly column: number

  constructor(message: string, line: number, column: number) {
    super(message)
    this.line = line
    this.column = column
  }
}

/** Parses the text, or throws a TomlSyntaxError with the 1-based line and column. */
export function parseChallengeToml(text: string): ParsedToml {
  let program: AST.TOMLProgram
  try {
    program = parseTOML(text, { tomlVersion: '1.0.0' })
  } catch (error) {
    if (error instanceof ParseError) {
      throw new TomlSyntaxError(error.message, error.lineNumber, error.column + 1)
    }
    throw error
  }
  const values = getStaticTOMLValue(program) as Record<string, unknown>
  const lines = new Map<string, number>()
  const top = program.body[0]
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') {
      keyValueLines(node, [], lines)
    } else {
      const at = node.resolvedKey.map(String)
      setLine(lines, at, node.loc.start.line)
      for (const kv of node.body) keyValueLines(kv, at, lines)
    }
  }
  return { values, lines }
}

function keyValueLines(node: AST.TOMLKeyValue, parent: string[], lines: Map<string, number>): void {
  const at = [...parent]
  for (const key of node.key.keys) {
    at.push(key.type === 'TOMLBare' ? key.name : key.value)
    setLine(lines, at, node.loc.start.line)
  }
  contentLines(node.value, at, lines)
}

function contentLines(node: AST.TOMLContentNode, at: string[], lines: Map<string, number>): void {
  if (node.type === 'TOMLArray') {
    node.elements.forEach((element, i) => {
      const here = [...at, String(i)]
      setLine(lines, here, element.loc.start.line)
      contentLines(element, here, lines)
    })
  } else if (node.type === 'TOMLInlineTable') {
    for (const kv of node.body) keyValueLines(kv, at, lines)
  }
}

/** The first line that mentions a path wins (a dotted key and its table both name it). */
function setLine(lines: Map<string, number>, at: string[], line: number): void {
  const pointer = toPointer(at)
  if (!lines.has(pointer)) lines.set(pointer, line)
}

export function toPointer(at: readonly string[]): string {
  return at.map(part => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

/**
 * The line of the deepest key on `pointer` that the file has (a value deep in an array reports
 * the array's line when the element has none); 1 when the file has none of it.
 */
export function lineOf(parsed: ParsedToml, pointer: string): number {
  let current = pointer
  for (;;) {
    const line = parsed.lines.get(current)
    if (line !== undefined) return line
    const cut = current.lastIndexOf('/')
    if (cut <= 0) return 1
    current = current.slice(0, cut)
  }
}
