/**
 * The README and docs/ against the code they document: the inputs and outputs tables of
 * docs/reference/ are action.yml's (names in order, defaults, descriptions, nothing missing), the
 * YAML snippets of README.md and docs/ use only inputs and outputs that exist, and every example
 * workflow the README links exists (and each one is linked).
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

const ROOT = path.resolve(import.meta.dirname, '../..')
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
/** The front page and every page of docs/ (not docs/reference/, which has no snippets). */
const DOCS = [
  README,
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => readFileSync(path.join(ROOT, 'docs', name), 'utf8'))
].join('\n')
const reference = (page: string): string =>
  readFileSync(path.join(ROOT, 'docs/reference', page), 'utf8')

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}
const ACTION = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml
const COURSE_ACTION = parse(
  readFileSync(path.join(ROOT, 'course/action.yml'), 'utf8')
) as ActionYaml
const CHALLENGE_ACTION = parse(
  readFileSync(path.join(ROOT, 'challenge/action.yml'), 'utf8')
) as ActionYaml

/** The text under a `## title` heading (or `### title` with level 3), up to the next heading of that level or above. */
function section(markdown: string, title: string, level = 2): string {
  const lines = markdown.split('\n')
  const hashes = '#'.repeat(level)
  const start = lines.findIndex(line => line.trim() === `${hashes} ${title}`)
  if (start < 0) throw new Error(`the page has no "${hashes} ${title}" section`)
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line))
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
}

/** Cells of a table row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  const body = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return body.split(/(?<!\\)\|/).map(cell => cell.trim())
}

/** The first GFM table of a text: header cells and body rows. */
function firstTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n')
  const start = lines.findIndex(line => line.trim().startsWith('|'))
  if (start < 0) throw new Error('no table')
  const block: string[] = []
  for (let i = start; i < lines.length && (lines[i] as string).trim().startsWith('|'); i++) {
    block.push(lines[i] as string)
  }
  const [header = '', rule = '', ...rows] = block
  expect(cells(rule).every(cell => /^:?-+:?$/.test(cell))).toBe(true)
  return { header: cells(header), rows: rows.map(cells) }
}

function code(cell: string): string | null {
  const match = /^`([^`]*)`$/.exec(cell)
  return match ? (match[1] as string) : null
}

/** A Default cell: `value`, _empty_ or **required**. */
function defaultCell(cell: string): { required: true } | { value: string } {
  if (cell === '**required**') return { required: true }
  if (cell === '_empty_') return { value: '' }
  const value = code(cell)
  if (value === null) throw new Error(`default cell ${JSON.stringify(cell)} is not \`value\``)
  return { value }
}

/** The reference page's tables of an action's inputs and outputs are its action.yml's. */
function describeTables(file: string, action: ActionYaml, page: string): void {
  const markdown = reference(page)
  describe(`docs/reference/${page} Inputs table (${file})`, () => {
    const table = firstTable(section(markdown, 'Inputs'))

    it('has the columns Input, Default, Description', () => {
      expect(table.header).toEqual(['Input', 'Default', 'Description'])
    })

    it("lists every input of action.yml, in action.yml's order, and nothing else", () => {
      expect(table.rows.map(row => code(row[0] ?? ''))).toEqual(Object.keys(action.inputs))
    })

    it("gives each input action.yml's default, or says it is required", () => {
      for (const row of table.rows) {
        const name = code(row[0] ?? '') as string
        const spec = action.inputs[name]
        const shown = defaultCell(row[1] ?? '')
        if (spec?.required === true && spec.default === undefined) {
          expect({ name, shown }).toEqual({ name, shown: { required: true } })
        } else {
          expect({ name, shown }).toEqual({ name, shown: { value: spec?.default ?? '' } })
        }
      }
    })

    it("gives each input action.yml's description, word for word", () => {
      for (const row of table.rows) {
        const name = code(row[0] ?? '') as string
        expect({ name, description: row[2] }).toEqual({
          name,
          description: action.inputs[name]?.description
        })
      }
    })
  })

  describe(`docs/reference/${page} Outputs table (${file})`, () => {
    const table = firstTable(section(markdown, 'Outputs'))

    it('has the columns Output, Description', () => {
      expect(table.header).toEqual(['Output', 'Description'])
    })

    it("lists every output of action.yml, in action.yml's order, and nothing else", () => {
      expect(table.rows.map(row => code(row[0] ?? ''))).toEqual(Object.keys(action.outputs))
    })

    it("gives each output action.yml's description, word for word", () => {
      for (const row of table.rows) {
        const name = code(row[0] ?? '') as string
        expect({ name, description: row[1] }).toEqual({
          name,
          description: action.outputs[name]?.description
        })
      }
    })
  })
}

describeTables('action.yml', ACTION, 'submit.md')
describeTables('course/action.yml', COURSE_ACTION, 'course.md')
describeTables('challenge/action.yml', CHALLENGE_ACTION, 'challenge.md')

describe('README links, and the snippets of README and docs/', () => {
  const linked = [...new Set(README.match(/examples\/workflows\/[\w.-]+\.ya?ml/g) ?? [])]
  const examples = readdirSync(path.join(ROOT, 'examples/workflows'))
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => `examples/workflows/${name}`)

  it('links only example workflows that exist', () => {
    expect(linked.length).toBeGreaterThan(0)
    expect(linked.filter(file => !existsSync(path.join(ROOT, file)))).toEqual([])
  })

  it('links every example workflow', () => {
    expect(examples.filter(file => !linked.includes(file))).toEqual([])
  })

  it('has YAML snippets that parse and pass only inputs, and read only outputs, that exist', () => {
    const blocks = [...DOCS.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(m => m[1] as string)
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    const inputs = Object.keys(ACTION.inputs)
    const courseInputs = Object.keys(COURSE_ACTION.inputs)
    let actionSteps = 0
    for (const block of blocks) {
      const doc = parse(block) as unknown
      const steps = JSON.stringify(doc).match(/"uses":"mlarena\/mlarena-action@[^"]+"/g) ?? []
      actionSteps += steps.length
      const withKeys = collectWithKeys(doc, 'mlarena/mlarena-action@')
      expect(withKeys.filter(key => !inputs.includes(key))).toEqual([])
      const courseKeys = collectWithKeys(doc, 'mlarena/mlarena-action/course@')
      expect(courseKeys.filter(key => !courseInputs.includes(key))).toEqual([])
      // A snippet of the teacher action may read its outputs too.
      const outputs = Object.keys(ACTION.outputs).concat(
        courseKeys.length > 0 ? Object.keys(COURSE_ACTION.outputs) : []
      )
      const read = [...block.matchAll(/steps\.\w+\.outputs\.([\w-]+)/g)].map(m => m[1])
      expect(read.filter(name => !outputs.includes(name as string))).toEqual([])
    }
    expect(actionSteps).toBeGreaterThanOrEqual(4)
  })
})

/** The `with:` keys of every step that uses the action `prefix` names, anywhere in a document. */
function collectWithKeys(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) return value.flatMap(item => collectWithKeys(item, prefix))
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const own =
    typeof record.uses === 'string' &&
    record.uses.startsWith(prefix) &&
    typeof record.with === 'object' &&
    record.with !== null
      ? Object.keys(record.with)
      : []
  return [...own, ...Object.values(record).flatMap(item => collectWithKeys(item, prefix))]
}
