/**
 * The structural check of an env.py (`POST .../env/check`), as far as a parser can see without
 * running Python: it reads the file with @lezer/python (the maintained grammar CodeMirror uses),
 * which marks syntax it cannot read; then looks for `class Env`, its `evaluate(self, ...)` and
 * the `agent_results` it returns. It is not CPython: an error Python finds only at import or run
 * time (a bad name, a wrong indentation the grammar tolerates) is not found. Pure.
 */
import { parser } from '@lezer/python'
import type { SyntaxNode } from '@lezer/common'

export interface EnvFinding {
  severity: 'error' | 'warning'
  code: string
  message: string
  line: number
}

export interface EnvCheck {
  valid: boolean
  findings: EnvFinding[]
}

const MAX_SYNTAX_FINDINGS = 10

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] as number) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

function nameOf(text: string, node: SyntaxNode): string | null {
  const name = node.getChild('VariableName')
  return name ? text.slice(name.from, name.to) : null
}

export function checkEnv(content: string): EnvCheck {
  const findings: EnvFinding[] = []
  if (content.trim() === '') {
    findings.push({
      severity: 'error',
      code: 'source_missing',
      message: 'env.py is empty: it must define class Env',
      line: 1
    })
    return { valid: false, findings }
  }
  const starts = lineStarts(content)
  const tree = parser.parse(content)
  const syntaxLines = new Set<number>()
  tree.iterate({
    enter: node => {
      if (node.type.isError)
        syntaxLines.add(lineAt(starts, Math.min(node.from, content.length - 1)))
    }
  })
  for (const line of [...syntaxLines].sort((a, b) => a - b).slice(0, MAX_SYNTAX_FINDINGS))
    findings.push({
      severity: 'error',
      code: 'syntax_error',
      message: `Syntax error at line ${line}: Python could not import env.py`,
      line
    })

  const envClass = tree.topNode
    .getChildren('ClassDefinition')
    .find(node => nameOf(content, node) === 'Env')
  if (!envClass) {
    findings.push({
      severity: 'error',
      code: 'env_class_missing',
      message: 'env.py defines no top-level class Env',
      line: 1
    })
    return { valid: false, findings }
  }
  const classLine = lineAt(starts, envClass.from)
  const evaluate = envClass
    .getChild('Body')
    ?.getChildren('FunctionDefinition')
    .find(node => nameOf(content, node) === 'evaluate')
  if (!evaluate) {
    findings.push({
      severity: 'error',
      code: 'evaluate_missing',
      message: 'class Env has no method evaluate(self, agents)',
      line: classLine
    })
  } else {
    const defLine = lineAt(starts, evaluate.from)
    const params = evaluate.getChild('ParamList')
    const names = params
      ? params.getChildren('VariableName').map(n => content.slice(n.from, n.to))
      : []
    if (names[0] !== 'self' || names.length < 2)
      findings.push({
        severity: 'error',
        code: 'evaluate_signature',
        message: `Env.evaluate must take (self, agents, ...); it takes (${names.join(', ')})`,
        line: defLine
      })
    const body = evaluate.getChild('Body')
    if (!body || !content.slice(body.from, body.to).includes('agent_results'))
      findings.push({
        severity: 'warning',
        code: 'agent_results_missing',
        message:
          "Env.evaluate never mentions agent_results: the platform reads each agent's result from it",
        line: defLine
      })
  }
  return { valid: !findings.some(f => f.severity === 'error'), findings }
}
