/**
 * The release machinery: notes come from CHANGELOG.md's section of the version, the release
 * workflow checks dist/ before it tags and moves the major tag, Dependabot watches npm and the
 * workflows' actions, and the security policy and CodeQL are in place.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { releaseNotes } from '../../scripts/release-notes.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8')

const CHANGELOG = `# Changelog

## [Unreleased]

- next

## [1.2.0] - 2026-12-01

### Added

- a thing

## [1.1.10]

- older

[1.2.0]: https://example.invalid/compare/v1.1.10...v1.2.0
`

describe('release notes', () => {
  it('are the version’s section, without its heading and link references', () => {
    expect(releaseNotes(CHANGELOG, '1.2.0')).toBe('### Added\n\n- a thing\n')
    expect(releaseNotes(CHANGELOG, '1.1.10')).toBe('- older\n')
  })

  it('do not take a version for another that starts alike, and need a section', () => {
    expect(releaseNotes(CHANGELOG, '1.1.1')).toBeNull()
    expect(releaseNotes(CHANGELOG, '2.0.0')).toBeNull()
  })

  it('the script refuses a version CHANGELOG.md has no section for, with a clear line', () => {
    let failure = ''
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/release-notes.ts'), '99.0.0'], {
        stdio: 'pipe'
      })
    } catch (error) {
      failure = String((error as { stderr?: Buffer }).stderr)
    }
    expect(failure).toContain('CHANGELOG.md has no section "## [99.0.0]"')
    const notes = execFileSync(process.execPath, [
      path.join(ROOT, 'scripts/release-notes.ts'),
      '0.1.0'
    ]).toString()
    expect(notes).toContain('The participant action')
  })
})

describe('the release workflow', () => {
  const workflow = parse(read('.github/workflows/release.yml')) as {
    on: { push: { tags: string[] } }
    jobs: { release: { permissions: Record<string, string>; steps: { run?: string }[] } }
  }
  const script = workflow.jobs.release.steps.map(step => step.run ?? '').join('\n')

  it('runs on vX.Y.Z tags, may write contents, and nothing else', () => {
    expect(workflow.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+'])
    expect(workflow.jobs.release.permissions).toEqual({ contents: 'write' })
  })

  it('tests and checks dist/ before it tags, moves the major tag, publishes the notes', () => {
    const order = [
      'npm test',
      'npm run bundle',
      'release-notes.ts',
      'git tag -fa "$MAJOR"',
      'gh release'
    ]
    const at = order.map(text => script.indexOf(text))
    expect(at.every(index => index >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(script).toContain('git push --force origin "$MAJOR"')
  })
})

describe('repository policies', () => {
  it('Dependabot updates npm packages and GitHub Actions', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string }[]
    }
    expect(config.updates.map(update => update['package-ecosystem']).sort()).toEqual([
      'github-actions',
      'npm'
    ])
  })

  it('CodeQL analyses the TypeScript and the workflows; SECURITY.md says how to report', () => {
    const codeql = parse(read('.github/workflows/codeql.yml')) as {
      jobs: { analyze: { strategy: { matrix: { language: string[] } } } }
    }
    expect(codeql.jobs.analyze.strategy.matrix.language).toEqual([
      'javascript-typescript',
      'actions'
    ])
    expect(read('SECURITY.md')).toMatch(/Report a\s+vulnerability/)
  })
})
