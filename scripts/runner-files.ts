/**
 * The runner's side of the files and variables an action reads and writes, for everything in
 * this repository that runs dist/index.js as a runner would: the end-to-end tests, the
 * benchmarks and the demo. Plain erasable TypeScript, so Node 24 runs it directly.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'

/**
 * The defaults an action file (action.yml, or e.g. challenge/action.yml; relative to the
 * repository, or absolute) declares, as the runner applies them to the inputs a workflow leaves
 * out. An expression default (`${{ github.token }}`) is the runner's to evaluate: left out.
 */
export async function actionDefaults(actionFile = 'action.yml'): Promise<Record<string, string>> {
  const file = path.resolve(import.meta.dirname, '..', actionFile)
  const action = parse(await readFile(file, 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>
  }
  const defaults: Record<string, string> = {}
  for (const [name, input] of Object.entries(action.inputs ?? {})) {
    const value = input.default
    if (typeof value === 'string' && !value.includes('${{')) defaults[name] = value
  }
  return defaults
}

/** INPUT_<NAME> variables, named as the runner names them (spaces to `_`, upper case). */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/** The GITHUB_OUTPUT file format: `name<<delimiter` … `delimiter`, or `name=value`; file order. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] as string)
      outputs[heredoc[1] as string] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      outputs[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return outputs
}
