/**
 * The house plan, checked: the import graph of src/ has no cycles, and dependencies point down.
 * Four actions (src/submit, src/challenge, src/course, src/follow-up) sit on shared layers
 * (src/arena, src/evaluation, src/github, src/report and the top-level modules); an action
 * never imports another action,
 * the ML Arena client knows nothing of GitHub or of any action, and the report primitives know
 * no action's types.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const SRC = path.resolve('src')
const ACTIONS = ['submit', 'challenge', 'course', 'follow-up']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** Relative specifiers of static imports, re-exports and dynamic import() calls. */
export function relativeImports(source: string): string[] {
  const found: string[] = []
  const patterns = [
    /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
    /^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
    /\bimport\(\s*(?:\/\*[^*]*\*\/\s*)?['"](\.{1,2}\/[^'"]+)['"]\s*\)/g
  ]
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1])
  }
  return found
}

function buildGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const edges = relativeImports(readFileSync(file, 'utf8')).map(spec =>
      path.relative(SRC, path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
    )
    graph.set(path.relative(SRC, file), edges)
  }
  return graph
}

/** Strongly connected components with more than one module, or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const result: string[][] = []
  const visit = (node: string): void => {
    indices.set(node, index)
    low.set(node, index)
    index++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!))
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = []
      let member: string | undefined
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) result.push(component)
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return result
}

/** The top folder of a module under src/ ('.' for the top-level modules). */
function layer(module: string): string {
  const parts = module.split(path.sep)
  return parts.length > 1 ? (parts[0] as string) : '.'
}

function violations(graph: Map<string, string[]>, allowed: (from: string, to: string) => boolean) {
  const found: string[] = []
  for (const [from, edges] of graph) {
    for (const to of edges) if (!allowed(layer(from), layer(to))) found.push(`${from} → ${to}`)
  }
  return found
}

describe('the import graph of src/', () => {
  const graph = buildGraph()

  it('reads the imports it checks', () => {
    expect(
      relativeImports("import { a } from './a.js'\nimport type {\n  B\n} from '../b.js'")
    ).toEqual(['./a.js', '../b.js'])
    expect(
      relativeImports('const m = await import(/* webpackChunkName: "x" */ \'./x.js\')')
    ).toEqual(['./x.js'])
    expect(graph.get(path.join('submit', 'pipeline.ts'))).toContain(
      path.join('submit', 'config.ts')
    )
  })

  it('finds a cycle when there is one', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']]
    ])
    expect(cycles(looped).map(component => component.sort())).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([])
  })

  it('lets no action import another action', () => {
    const bad = violations(
      graph,
      (from, to) => !(ACTIONS.includes(from) && ACTIONS.includes(to) && from !== to)
    )
    expect(bad).toEqual([])
  })

  it('keeps the shared layers free of the actions', () => {
    const bad = violations(graph, (from, to) => ACTIONS.includes(from) || !ACTIONS.includes(to))
    expect(bad).toEqual([])
  })

  it('keeps the ML Arena client free of GitHub and of the report', () => {
    const bad = violations(graph, (from, to) => from !== 'arena' || to === 'arena' || to === '.')
    expect(bad).toEqual([])
    const toolkit = sourceFiles(path.join(SRC, 'arena')).filter(file =>
      /from\s*['"]@(actions|octokit)\//.test(readFileSync(file, 'utf8'))
    )
    expect(toolkit).toEqual([])
  })
})
