/**
 * course.yaml read and checked locally: lines of every key, the SDK's spellings, required keys,
 * dates, slugs, lesson files, and no manifest at all when there is an error.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { readManifest } from '../../../src/course/authoring/validate.js'
import { parseYaml, lineOf } from '../../../src/course/authoring/yaml.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

export async function courseFolder(
  files: Record<string, string>
): Promise<{ workspace: string; directory: string }> {
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'mlarena-course-as-code-'))
  const directory = path.join(workspace, 'course')
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, name)), { recursive: true })
    await writeFile(path.join(directory, name), content)
  }
  return { workspace, directory }
}

const MINIMAL = `course:
  name: Intro
  start_date: '2026-01-01'
  end_date: 2026-06-01
modules:
  - title: Foundations
    lessons:
      - title: What is RL?
        file: foundations/what-is-rl.md
`

describe('parseYaml', () => {
  it('keeps the line of every key and list item', () => {
    const parsed = parseYaml(MINIMAL)
    expect(lineOf(parsed, '/course/end_date')).toBe(4)
    expect(lineOf(parsed, '/modules/0')).toBe(6)
    expect(lineOf(parsed, '/modules/0/lessons/0/file')).toBe(9)
    // A key the file lacks reports its nearest parent.
    expect(lineOf(parsed, '/modules/0/lessons/0/slug')).toBe(8)
    // YAML 1.2: an unquoted date stays a string.
    expect((parsed.values as { course: { end_date: unknown } }).course.end_date).toBe('2026-06-01')
  })
})

describe('readManifest', () => {
  it('reads the example course: two modules, their lessons from files, one challenge link', async () => {
    const reading = await readManifest(path.join(ROOT, 'examples/course'), ROOT)
    expect(reading.findings).toEqual([])
    const manifest = reading.manifest!
    expect(manifest.manifestFile).toBe('examples/course/course.yaml')
    expect(manifest.course).toMatchObject({
      name: 'RL 101: Landing on the Moon',
      courseId: null,
      visibility: 'unlisted'
    })
    expect(manifest.modules.map(m => m.matchSlug)).toEqual(['rl-foundations', 'landing'])
    expect(manifest.modules[0]?.lessons.map(l => [l.matchSlug, l.kind, l.isPublished])).toEqual([
      ['what-is-rl', 'lesson', true],
      ['rewards-and-returns', 'exercise', true]
    ])
    expect(manifest.modules[0]?.lessons[0]?.bodyMd).toContain('# What is reinforcement learning?')
    expect(manifest.modules[1]?.challenges).toEqual([
      {
        pointer: '/modules/1/challenges/0',
        challengeId: 1,
        label: 'Lunar Lander',
        passThreshold: 150
      }
    ])
  })

  it('applies the SDK defaults: module published and private, lesson a draft, slugs from titles', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml': MINIMAL,
      'foundations/what-is-rl.md': '# RL\n'
    })
    const { manifest, findings } = await readManifest(directory, workspace)
    expect(findings).toEqual([])
    expect(manifest!.modules[0]).toMatchObject({
      matchSlug: 'foundations',
      slug: null,
      isPublished: true,
      visibility: 'private'
    })
    expect(manifest!.modules[0]!.lessons[0]).toMatchObject({
      matchSlug: 'what-is-rl',
      isPublished: false,
      gated: false,
      kind: 'lesson'
    })
    expect(manifest!.modules[0]!.lessons[0]!.source?.file).toBe('course/foundations/what-is-rl.md')
  })

  it('reads the older spelling competitions: / competition_id:', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml': `course:\n  name: Old\nmodules:\n  - title: M\n    competitions:\n      - competition_id: 42\n        pass_threshold: 0.3\n`
    })
    const { manifest, findings } = await readManifest(directory, workspace)
    expect(findings).toEqual([])
    expect(manifest!.modules[0]!.challenges).toMatchObject([
      { challengeId: 42, passThreshold: 0.3 }
    ])
  })

  it('refuses both spellings at once, each on its line, and gives no manifest', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml': [
        'course:',
        '  name: Both',
        'modules:',
        '  - title: A',
        '    challenges: []',
        '    competitions: []',
        '  - title: B',
        '    challenges:',
        '      - challenge_id: 1',
        '        competition_id: 1',
        ''
      ].join('\n')
    })
    const { manifest, findings } = await readManifest(directory, workspace)
    expect(manifest).toBeNull()
    expect(findings.map(f => [f.severity, f.file, f.line])).toEqual([
      ['error', 'course/course.yaml', 6],
      ['error', 'course/course.yaml', 10]
    ])
    expect(findings[0]?.message).toMatch(/both challenges: and competitions:/)
    expect(findings[1]?.message).toMatch(/both challenge_id: and competition_id:/)
  })

  it('puts every local problem on its line', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml': [
        'course:', //                          1
        '  code: X', //                         2 (name missing)
        "  start_date: '2026-02-30'", //        3
        '  visibility: secret', //              4
        'modules:', //                          5
        '  - title: Bad Slug', //               6
        '    slug: Bad_Slug', //                7
        '    is_published: yes', //             8
        '    lessons:', //                      9
        '      - title: Missing', //            10
        '        file: nowhere.md', //          11
        '      - title: Escapes', //            12
        '        file: ../../etc/passwd', //    13
        '      - title: Both', //               14
        '        file: a.md', //                15
        '        body_md: inline', //           16
        '    challenges:', //                   17
        '      - label: no id', //              18
        '      - challenge_id: 3', //           19
        '        pass_threshold: high', //      20
        '    colour: blue', //                  21
        ''
      ].join('\n'),
      'a.md': 'A\n'
    })
    const { manifest, findings } = await readManifest(directory, workspace)
    expect(manifest).toBeNull()
    const at = findings.map(f => `${f.severity}:${f.line}`)
    expect(at).toEqual(
      expect.arrayContaining([
        'error:1', // name is required
        'error:3', // not a date
        'error:4', // visibility
        'error:7', // slug
        'error:8', // is_published: yes is a string in YAML 1.2
        'error:11', // missing file
        'error:13', // outside the folder
        'error:16', // file and body_md
        'error:18', // challenge_id required
        'error:20', // threshold not a number
        'warning:21' // unknown key
      ])
    )
    expect(findings.find(f => f.line === 11)?.message).toMatch(/"nowhere.md" does not exist/)
  })

  it('reports a YAML syntax error on its line, and a folder without a manifest', async () => {
    const bad = await courseFolder({ 'course.yaml': 'course:\n  name: A\n  name: B\n' })
    const reading = await readManifest(bad.directory, bad.workspace)
    expect(reading.manifest).toBeNull()
    expect(reading.findings).toMatchObject([{ severity: 'error', source: 'yaml', line: 3 }])
    const none = await courseFolder({ 'README.md': 'x' })
    const empty = await readManifest(none.directory, none.workspace)
    expect(empty.findings[0]?.message).toMatch(/No course manifest in course: add a course.yaml/)
  })

  it('refuses a lesson file that links out of the folder', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml':
        'course:\n  name: A\nmodules:\n  - title: M\n    lessons:\n      - title: L\n        file: secret.md\n'
    })
    await writeFile(path.join(workspace, 'outside.md'), 'secret\n')
    await symlink(path.join(workspace, 'outside.md'), path.join(directory, 'secret.md'))
    const { manifest, findings } = await readManifest(directory, workspace)
    expect(manifest).toBeNull()
    expect(findings).toMatchObject([
      { line: 7, message: expect.stringMatching(/is a link to a file outside the course folder/) }
    ])
  })

  it('refuses an end date before the start and duplicate slugs', async () => {
    const { workspace, directory } = await courseFolder({
      'course.yaml': [
        'course:',
        '  name: A',
        "  start_date: '2026-06-01'",
        "  end_date: '2026-01-01'",
        'modules:',
        '  - title: Same',
        '  - title: same',
        ''
      ].join('\n')
    })
    const { findings } = await readManifest(directory, workspace)
    expect(findings.map(f => [f.line, f.message.slice(0, 30)])).toEqual([
      [4, 'end_date 2026-01-01 is before '],
      [7, 'two modules have the slug same']
    ])
  })
})
