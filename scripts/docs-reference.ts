/**
 * `npm run docs:reference`: writes docs/reference/<action>.md, the inputs and outputs of each
 * action, from its action.yml. The pages are generated so they cannot drift: the docs test
 * renders them again and fails when a page differs from what this script would write.
 *
 * An action whose action.yml is missing (an action another branch is still adding) is skipped
 * with a note, and its page is left alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as markdownPlugin from 'prettier/plugins/markdown'
import * as yamlPlugin from 'prettier/plugins/yaml'
import * as prettier from 'prettier/standalone'
import { parse } from 'yaml'

export interface ReferencedAction {
  /** Short name: the page is docs/reference/<page>.md. */
  page: string
  /** action.yml's path in the repository. */
  file: string
  /** What a workflow writes in `uses:`. */
  uses: string
  /** The page of the people who use it, relative to docs/reference/. */
  guide: { title: string; href: string }
}

export const ACTIONS: readonly ReferencedAction[] = [
  {
    page: 'submit',
    file: 'action.yml',
    uses: 'mlarena/mlarena-action@v1',
    guide: { title: 'Participants', href: '../participant.md' }
  },
  {
    page: 'challenge',
    file: 'challenge/action.yml',
    uses: 'mlarena/mlarena-action/challenge@v1',
    guide: { title: 'Creators', href: '../creator.md' }
  },
  {
    page: 'course',
    file: 'course/action.yml',
    uses: 'mlarena/mlarena-action/course@v1',
    guide: { title: 'Teachers', href: '../teacher.md' }
  },
  {
    page: 'report',
    file: 'report/action.yml',
    uses: 'mlarena/mlarena-action/report@v1',
    guide: { title: 'The follow-up', href: '../follow-up.md' }
  }
]

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface InputSpec {
  description?: string
  required?: boolean
  default?: unknown
}

interface ActionYaml {
  name?: string
  description?: string
  inputs?: Record<string, InputSpec>
  outputs?: Record<string, { description?: string }>
}

/** A table cell: one line, pipes escaped (GFM splits cells on them). */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')
}

function codeCell(text: string): string {
  return `\`${cell(text)}\``
}

/** The Default column: `value`, _empty_, or **required** for a required input with no default. */
function defaultCell(spec: { required?: boolean; default?: unknown }): string {
  if (spec.required === true && spec.default === undefined) return '**required**'
  const value = spec.default === undefined ? '' : String(spec.default)
  return value === '' ? '_empty_' : codeCell(value)
}

/** Words of `text` in lines of at most `width` characters (a longer word keeps a line to itself). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return line === '' ? lines : [...lines, line]
}

/** A default as a workflow writes it: plain when YAML reads it back as that string, else quoted. */
function yamlValue(value: string): string {
  if (value === '') return "''"
  if (/^[A-Za-z0-9_$][\w.,@/${} -]*$/.test(value) && !/[:#]\s|\s$/.test(value)) return value
  return `'${value.replace(/'/g, "''")}'`
}

/** A step with every input at its default, each under its description: what to copy. */
function usage(action: ReferencedAction, inputs: [string, InputSpec][]): string[] {
  const lines = ['```yaml', `- uses: ${action.uses}`]
  if (inputs.length > 0) lines.push('  with:')
  inputs.forEach(([name, input], index) => {
    if (index > 0) lines.push('')
    for (const comment of wrap(input.description ?? '', 92)) lines.push(`    # ${comment}`)
    const required = input.required === true && input.default === undefined
    if (required) lines.push('    # Required.')
    const value = input.default === undefined ? '' : String(input.default)
    lines.push(`    ${name}: ${yamlValue(value)}`)
  })
  lines.push('```')
  return lines
}

/** The page's Markdown before formatting: pure, action.yml's text in. */
export function referenceMarkdown(action: ReferencedAction, actionYaml: string): string {
  const spec = (parse(actionYaml) ?? {}) as ActionYaml
  const inputs = Object.entries(spec.inputs ?? {})
  const outputs = Object.entries(spec.outputs ?? {})
  const lines = [
    `<!-- Generated from ${action.file} by \`npm run docs:reference\`: edit action.yml, not this page. -->`,
    '',
    `# \`${action.uses}\`: inputs and outputs`,
    '',
    `${cell(spec.description ?? '')} How to use it: [${action.guide.title}](${action.guide.href}).`,
    '',
    '## Usage',
    '',
    'Every input at its default, under its description (keep the ones you set):',
    '',
    ...usage(action, inputs),
    '',
    '## Inputs',
    ''
  ]
  if (inputs.length === 0) lines.push('None.')
  else {
    lines.push('| Input | Default | Description |', '| --- | --- | --- |')
    for (const [name, input] of inputs) {
      lines.push(`| ${codeCell(name)} | ${defaultCell(input)} | ${cell(input.description ?? '')} |`)
    }
  }
  lines.push('', '## Outputs', '')
  if (outputs.length === 0) lines.push('None.')
  else {
    lines.push('| Output | Description |', '| --- | --- |')
    for (const [name, output] of outputs) {
      lines.push(`| ${codeCell(name)} | ${cell(output.description ?? '')} |`)
    }
  }
  lines.push(
    '',
    'Every input is a string, as GitHub passes it; booleans are `true` or `false`. ' +
      '[All the reference pages](README.md).',
    ''
  )
  return lines.join('\n')
}

/** The page as it is committed: formatted with the repository's Prettier settings. */
export async function referencePage(action: ReferencedAction, actionYaml: string): Promise<string> {
  const options = JSON.parse(readFileSync(path.join(ROOT, '.prettierrc.json'), 'utf8')) as object
  return prettier.format(referenceMarkdown(action, actionYaml), {
    ...options,
    parser: 'markdown',
    // The yaml plugin formats the Usage block, as `prettier --check` does.
    plugins: [markdownPlugin, yamlPlugin]
  })
}

export function pagePath(action: ReferencedAction): string {
  return path.join(ROOT, 'docs/reference', `${action.page}.md`)
}

async function main(): Promise<void> {
  mkdirSync(path.join(ROOT, 'docs/reference'), { recursive: true })
  for (const action of ACTIONS) {
    const file = path.join(ROOT, action.file)
    const page = path.relative(ROOT, pagePath(action))
    if (!existsSync(file)) {
      console.log(`${action.file} does not exist: ${page} is left as it is.`)
      continue
    }
    writeFileSync(pagePath(action), await referencePage(action, readFileSync(file, 'utf8')))
    console.log(`${page} written from ${action.file}.`)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
