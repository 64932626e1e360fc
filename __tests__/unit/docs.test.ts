/**
 * The documentation against what it documents: README.md is a front page (at most 20,000 bytes)
 * that links every user's page (docs-reference.test.ts holds docs/reference/ to each
 * action.yml); every relative link and anchor of README.md and docs/ resolves; every
 * YAML snippet of README.md and docs/, and every example workflow, passes only inputs and reads
 * only outputs that exist on the action its `uses:` names; the demo is shown with its flags after
 * `--`; no sentence says files are stored under their path; and each example workflow is named
 * as users save it, with its header naming every secret, variable and permission it uses.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { ACTIONS, pagePath } from '../../scripts/docs-reference.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8')

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap(name => {
    const file = `${dir}/${name}`
    if (statSync(path.join(ROOT, file)).isDirectory()) return markdownFiles(file)
    return name.endsWith('.md') ? [file] : []
  })
}

const DOC_FILES = ['README.md', ...markdownFiles('docs')].sort()
const EXAMPLE_WORKFLOWS = readdirSync(path.join(ROOT, 'examples/workflows'))
  .filter(name => /\.ya?ml$/.test(name))
  .map(name => `examples/workflows/${name}`)
  .sort()

/** One page per user, and the troubleshooting and contributing pages: README links each one. */
const USER_PAGES = [
  'docs/participant.md',
  'docs/student.md',
  'docs/teacher.md',
  'docs/creator.md',
  'docs/self-hosted.md',
  'docs/troubleshooting.md',
  'docs/contributing.md'
]

/**
 * Files that other branches of issue 20 and its siblings add at the same time as this one (the
 * follow-up, logs and replays, the creators' legacy wire, the teacher's course as code, the
 * screenshot of a run). Until they are merged a link to them cannot resolve here; once merged,
 * this list must shrink to nothing (the test below fails for a listed file that exists).
 */
const PAGES_OF_OTHER_BRANCHES: string[] = []

/** Strips fenced code blocks and inline code, where a link is text, not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/`[^`\n]*`/g, '')
}

/**
 * GitHub's heading anchor: lower case, punctuation dropped except - and _, spaces to hyphens
 * (the algorithm of github-slugger, which is not a dependency here; these headings use no
 * characters where the two could differ: emoji, duplicates).
 */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchorsOf(file: string): Set<string> {
  const headings = prose(read(file))
    .split('\n')
    .filter(line => /^#{1,6} /.test(line))
    .map(line => slug(line.replace(/^#+ /, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')))
  return new Set(headings)
}

interface Link {
  from: string
  target: string
}

function linksOf(file: string): Link[] {
  const text = prose(read(file))
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map(match => match[1] as string)
    .filter(target => !/^[a-z][a-z+.-]*:/i.test(target))
    .map(target => ({ from: file, target }))
}

/** What a link points at: the file in the repository and the anchor, if any. */
function resolve(link: Link): { file: string; anchor: string | null } {
  const [pathPart = '', anchor] = link.target.split('#')
  const file =
    pathPart === ''
      ? link.from
      : path.posix.normalize(path.posix.join(path.posix.dirname(link.from), pathPart))
  return { file: file.replace(/\/$/, ''), anchor: anchor ?? null }
}

describe('README.md, the front page', () => {
  const readme = read('README.md')

  it('is at most 20,000 bytes', () => {
    expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(20_000)
  })

  it('has a table of contents whose entries are its own sections', () => {
    const contents = readme.split(/^## /m).find(part => part.startsWith('Contents\n')) ?? ''
    const entries = [...contents.matchAll(/\]\(#([\w-]+)\)/g)].map(m => m[1])
    const sections = readme
      .split('\n')
      .filter(line => /^## /.test(line) && line !== '## Contents')
      .map(line => slug(line.slice(3)))
    expect(entries.length).toBeGreaterThanOrEqual(5)
    expect(entries).toEqual(sections)
  })

  it('links every user page and every reference page', () => {
    const targets = new Set(linksOf('README.md').map(link => resolve(link).file))
    const reference = ACTIONS.map(action => path.relative(ROOT, pagePath(action))).filter(page =>
      existsSync(path.join(ROOT, page))
    )
    expect([...USER_PAGES, ...reference].filter(page => !targets.has(page))).toEqual([])
  })

  it('shows the picture of a run (docs/images/run-summary.png)', () => {
    expect(readme).toMatch(/!\[[^\]]+\]\(docs\/images\/run-summary\.png\)/)
  })

  it('offers the follow-up to those whose evaluations are long', () => {
    expect(readme).toMatch(/\]\(docs\/follow-up\.md\)/)
  })
})

/** Every other page a reader reaches from them, whose links are checked too. */
const LINKED_PAGES = [
  'ARCHITECTURE.md',
  'BENCHMARKS.md',
  'CHANGELOG.md',
  'RELIABILITY.md',
  'SECURITY.md',
  'emulator/README.md',
  'examples/agent/README.md',
  'examples/challenge/README.md'
].filter(file => existsSync(path.join(ROOT, file)))

describe('links', () => {
  const links = [...DOC_FILES, ...LINKED_PAGES].flatMap(linksOf)

  it('are found (README.md and docs/ link each other)', () => {
    expect(links.length).toBeGreaterThan(30)
  })

  it('point at files that exist, or at the pages other branches are adding', () => {
    const broken = links.filter(link => {
      const { file } = resolve(link)
      return !existsSync(path.join(ROOT, file)) && !PAGES_OF_OTHER_BRANCHES.includes(file)
    })
    expect(broken).toEqual([])
  })

  it('name only pages of other branches that are not here yet (shrink the list after merge)', () => {
    expect(PAGES_OF_OTHER_BRANCHES.filter(page => existsSync(path.join(ROOT, page)))).toEqual([])
  })

  it('to a heading of a Markdown page name a heading that page has', () => {
    const broken = links.filter(link => {
      const { file, anchor } = resolve(link)
      if (anchor === null || !file.endsWith('.md') || !existsSync(path.join(ROOT, file))) {
        return false
      }
      return !anchorsOf(file).has(anchor)
    })
    expect(broken).toEqual([])
  })

  it('the anchor check can fail', () => {
    expect(anchorsOf('README.md').has('no-such-heading')).toBe(false)
    expect(slug('Which agent a run updates')).toBe('which-agent-a-run-updates')
    expect(slug('Self-hosted runners, proxies and GitHub Enterprise Server')).toBe(
      'self-hosted-runners-proxies-and-github-enterprise-server'
    )
  })
})

interface ActionSpec {
  inputs: string[]
  outputs: string[]
}

/** The action a `uses:` names, by its path: the repository's root action or a sub-folder's. */
function actionFor(uses: string): { file: string; spec: ActionSpec | null } | null {
  const match = /^(?:mlarena\/mlarena-action(\/[\w-]+)?@[\w.-]+|\.\/([\w-]*)\/?)$/.exec(uses)
  if (!match) return null
  const folder = match[1]?.slice(1) ?? match[2] ?? ''
  const file = folder === '' ? 'action.yml' : `${folder}/action.yml`
  if (!existsSync(path.join(ROOT, file))) return { file, spec: null }
  const action = (parse(read(file)) ?? {}) as {
    inputs?: Record<string, unknown>
    outputs?: Record<string, unknown>
  }
  return {
    file,
    spec: { inputs: Object.keys(action.inputs ?? {}), outputs: Object.keys(action.outputs ?? {}) }
  }
}

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}

function stepsIn(value: unknown): Step[] {
  if (Array.isArray(value)) return value.flatMap(stepsIn)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const own = typeof record.uses === 'string' ? [record as Step] : []
  return [...own, ...Object.values(record).flatMap(stepsIn)]
}

/**
 * What is wrong with one workflow or snippet: inputs passed to, and outputs read from, a step
 * of one of this repository's actions that the action does not have. A read of a step the text
 * does not define is held to the participant action (the snippets' `arena` step).
 */
function checkAgainstActions(text: string): string[] {
  const steps = stepsIn(parse(text))
  const problems: string[] = []
  const byId = new Map<string, ActionSpec | null>()
  for (const step of steps) {
    const action = actionFor(String(step.uses))
    if (!action) continue
    if (!action.spec) {
      problems.push(`uses ${step.uses}, but ${action.file} does not exist`)
      continue
    }
    if (step.id) byId.set(step.id, action.spec)
    for (const key of Object.keys(step.with ?? {})) {
      if (!action.spec.inputs.includes(key)) {
        problems.push(`'${key}' is not an input of ${action.file}`)
      }
    }
  }
  const submit = actionFor('./')?.spec ?? null
  const knownIds = new Set(steps.map(step => step.id).filter(Boolean))
  for (const [, id = '', output = ''] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const spec = knownIds.has(id) ? byId.get(id) : submit
    if (spec && !spec.outputs.includes(output)) {
      problems.push(`steps.${id}.outputs.${output} is not an output of the action it reads`)
    }
  }
  return problems
}

function yamlBlocks(file: string): { where: string; yaml: string }[] {
  const text = read(file)
  return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map(match => ({
    where: `${file}:${text.slice(0, match.index).split('\n').length + 1}`,
    yaml: match[1] as string
  }))
}

describe('snippets and examples against the actions they use', () => {
  const blocks = DOC_FILES.flatMap(yamlBlocks)

  it('finds snippets of every action in README.md and docs/', () => {
    const uses = blocks.flatMap(block => stepsIn(parse(block.yaml)).map(step => step.uses))
    for (const prefix of ['mlarena/mlarena-action@', '/challenge@', '/course@']) {
      expect(uses.some(u => String(u).includes(prefix))).toBe(true)
    }
  })

  it('the check can fail (a misspelt input, an output of the wrong action)', () => {
    expect(
      checkAgainstActions('- uses: mlarena/mlarena-action/course@v1\n  with:\n    competiton-id: 1')
    ).toEqual(["'competiton-id' is not an input of course/action.yml"])
    expect(
      checkAgainstActions(
        '- id: c\n  uses: mlarena/mlarena-action/course@v1\n- run: echo ${{ steps.c.outputs.rank }}'
      )
    ).toEqual(['steps.c.outputs.rank is not an output of the action it reads'])
    expect(checkAgainstActions('- uses: mlarena/mlarena-action/nope@v1')).toEqual([
      'uses mlarena/mlarena-action/nope@v1, but nope/action.yml does not exist'
    ])
  })

  it.each(blocks.map(block => [block.where, block.yaml] as const))(
    'the snippet at %s parses and fits its action',
    (_, yaml) => {
      expect(checkAgainstActions(yaml)).toEqual([])
    }
  )

  it.each(EXAMPLE_WORKFLOWS)('%s fits the actions it uses', file => {
    expect(checkAgainstActions(read(file))).toEqual([])
  })
})

/** Every text a user reads: the docs, the examples' comments and the example agent's page. */
const USER_TEXTS = [
  ...DOC_FILES,
  ...EXAMPLE_WORKFLOWS,
  ...readdirSync(path.join(ROOT, 'examples/agent')).map(name => `examples/agent/${name}`)
]

describe('what the docs say', () => {
  it('show the demo with its options after -- (npm run demo --fast would be npm’s own flag)', () => {
    const uses = USER_TEXTS.flatMap(file =>
      [...read(file).matchAll(/npm run demo\b([^\n`]*)/g)].map(m => ({ file, rest: m[1] ?? '' }))
    )
    expect(uses.length).toBeGreaterThan(3)
    const wrong = uses.filter(({ rest }) => /^\s+-/.test(rest) && !/^\s+--\s/.test(rest))
    expect(wrong).toEqual([])
  })

  it('name only the demo’s jobs and options', () => {
    const jobs = [
      'push',
      'pull-request',
      'schedule',
      'challenge',
      'student',
      'class-report',
      'course'
    ]
    const options = ['--speed', '--wire', '--html', '--help', '--debug', '--fail']
    const shown = USER_TEXTS.flatMap(file =>
      [...read(file).matchAll(/npm run demo -- ([^\n`#]*)/g)].map(m => ({
        file,
        words: (m[1] ?? '').trim().split(/\s+/)
      }))
    )
    expect(shown.length).toBeGreaterThan(3)
    const unknown = shown.filter(({ words }) => {
      const [first = ''] = words
      const job = first.startsWith('-') || first === '<job>' ? null : first
      const flags = words.filter(word => word.startsWith('-'))
      return (job !== null && !jobs.includes(job)) || flags.some(flag => !options.includes(flag))
    })
    expect(unknown).toEqual([])
  })

  it('never say a file is stored under its path (it is its base name, or the required name)', () => {
    const claims = USER_TEXTS.flatMap(file =>
      read(file)
        .replace(/\s+/g, ' ')
        .split(/(?<=[.:;])\s/)
        .filter(sentence =>
          /stored[^.]*\bpath relative\b|\bpath relative[^.]*\bstored\b/i.test(sentence)
        )
        .map(sentence => `${file}: ${sentence}`)
    )
    expect(claims).toEqual([])
  })

  it('say which Node the project needs, and it is the one package.json asks for', () => {
    const contributing = read('docs/contributing.md')
    const pkg = JSON.parse(read('package.json')) as {
      engines: { node: string }
      devDependencies: Record<string, string>
    }
    expect(pkg.engines.node).toBe('>=24')
    expect(pkg.devDependencies.node).toMatch(/^\^24\./)
    expect(contributing).toMatch(/Node 24/)
    expect(contributing).toMatch(/node24/)
    expect(contributing).toMatch(/EBADENGINE/)
  })
})

/** The comment lines a workflow file opens with. */
function header(text: string): string {
  const lines = text.split('\n')
  const end = lines.findIndex(line => !line.startsWith('#'))
  return lines.slice(0, end < 0 ? undefined : end).join('\n')
}

describe('the example workflows, as users save them', () => {
  it.each(EXAMPLE_WORKFLOWS)('%s is named mlarena-<job>.yml', file => {
    expect(path.basename(file)).toMatch(/^mlarena-[a-z-]+\.yml$/)
  })

  it.each(EXAMPLE_WORKFLOWS)('%s: its paths filters name the file as saved', file => {
    const saved = `.github/workflows/${path.basename(file)}`
    const named = [...read(file).matchAll(/\.github\/workflows\/[\w.-]+\.ya?ml/g)].map(m => m[0])
    expect(named.filter(name => name !== saved)).toEqual([])
  })

  it.each(EXAMPLE_WORKFLOWS)(
    '%s names every secret, variable and permission in its header',
    file => {
      const text = read(file)
      const top = header(text)
      const permissions = (parse(text) as { permissions?: unknown }).permissions
      const used = [
        ...[...text.matchAll(/\b(?:secrets|vars)\.([A-Z][A-Z0-9_]*)/g)].map(m => m[1] as string),
        ...(typeof permissions === 'object' && permissions !== null ? Object.keys(permissions) : [])
      ].filter(name => name !== 'GITHUB_TOKEN')
      expect(top.length).toBeGreaterThan(0)
      expect([...new Set(used)].filter(name => !top.includes(name))).toEqual([])
    }
  )
})
