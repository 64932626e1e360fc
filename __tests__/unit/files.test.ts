import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../../src/errors.js'
import { formatBytes } from '../../src/format.js'
import type { PlannedFile } from '../../src/evaluation/outcome.js'
import {
  collectFiles,
  describeRenames,
  preflight,
  type FileLimits
} from '../../src/submit/steps/files.js'

let sandbox: string
/** The working directory of each test: <sandbox>/repo. */
let root: string

beforeEach(() => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'mlarena-files-'))
  root = path.join(sandbox, 'repo')
  mkdirSync(root)
})

afterEach(() => {
  rmSync(sandbox, { recursive: true, force: true })
})

/** Writes files (relative to `base`, default the working directory) with the given contents. */
function write(files: Record<string, string>, base = root): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(base, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
}

async function filesError(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('files')
    const message = (error as InputError).message
    expect(message.startsWith("Input 'files': ")).toBe(true)
    expect(message).not.toMatch(/[\r\n]/)
    return message
  }
  throw new Error('expected an InputError')
}

const paths = (files: PlannedFile[]): string[] => files.map(file => file.path)

describe('collectFiles', () => {
  it('stores nested files under their base name, sorted by their path under the working directory', async () => {
    write({
      'main.py': 'print(1)',
      'lib/util.py': 'x = 1',
      'lib/deep/model.bin': '0123456789',
      'Zeta.py': 'z',
      'README.md': '# not matched'
    })
    const files = await collectFiles(['**/*.py', 'lib/**/*.bin'], root)
    expect(files).toEqual([
      { name: 'Zeta.py', path: 'Zeta.py', size: 1 },
      { name: 'model.bin', path: 'lib/deep/model.bin', size: 10 },
      { name: 'util.py', path: 'lib/util.py', size: 5 },
      { name: 'main.py', path: 'main.py', size: 8 }
    ])
  })

  it('applies ! excludes, a folder with all it holds', async () => {
    write({ 'a.py': 'a', 'test_a.py': 't', 'sub/test_b.py': 't', 'sub/b.py': 'b' })
    expect(paths(await collectFiles(['**/*.py', '!**/test_*.py'], root))).toEqual([
      'a.py',
      'sub/b.py'
    ])
    expect(paths(await collectFiles(['**', '!sub'], root))).toEqual(['a.py', 'test_a.py'])
  })

  it('lets a later line win, as @actions/glob does (a pattern re-includes)', async () => {
    write({ 'a.py': 'a', 'test_a.py': 't', 'sub/test_b.py': 't' })
    expect(paths(await collectFiles(['**/*.py', '!**/test_*.py', 'sub/*'], root))).toEqual([
      'a.py',
      'sub/test_b.py'
    ])
  })

  it('takes a folder, ./ prefixes, . and a trailing slash as "everything under it"', async () => {
    write({ 'agent/a.py': 'a', 'agent/x/b.py': 'b', 'other.py': 'o' })
    const agentOnly = ['agent/a.py', 'agent/x/b.py']
    expect(paths(await collectFiles(['agent'], root))).toEqual(agentOnly)
    expect(paths(await collectFiles(['./agent/'], root))).toEqual(agentOnly)
    expect(paths(await collectFiles(['.'], root))).toEqual([...agentOnly, 'other.py'])
  })

  it('lists a file matched by several patterns once', async () => {
    write({ 'a.py': 'a' })
    expect(await collectFiles(['a.py', '*.py', '**'], root)).toHaveLength(1)
  })

  it('includes hidden files when a pattern matches them', async () => {
    write({ '.config': 'c', 'a.py': 'a' })
    expect(paths(await collectFiles(['**'], root))).toEqual(['.config', 'a.py'])
  })

  it('returns [] when nothing matches, or only excludes are given', async () => {
    write({ 'a.py': 'a' })
    expect(await collectFiles(['*.txt', 'missing/**'], root)).toEqual([])
    expect(await collectFiles(['!a.py'], root)).toEqual([])
    expect(await collectFiles([], root)).toEqual([])
  })

  it('treats glob characters in the working directory name literally', async () => {
    const odd = path.join(sandbox, 'we*ird [dir]?')
    write({ 'a.py': 'a', 'sub/b.py': 'b' }, odd)
    write({ 'decoy.py': 'd' }, path.join(sandbox, 'weXird d?'))
    expect(paths(await collectFiles(['**/*.py'], odd))).toEqual(['a.py', 'sub/b.py'])
  })

  it('refuses a working directory that does not exist', async () => {
    const missing = path.join(sandbox, 'missing')
    await expect(collectFiles(['**'], missing)).rejects.toThrow(
      new InputError(
        'working-directory',
        `"${missing}" does not exist; give the folder that holds the agent files.`
      )
    )
  })

  it('accepts an absolute pattern inside the working directory', async () => {
    write({ 'a.py': 'a', 'b.txt': 'b' })
    expect(paths(await collectFiles([`${root}/*.py`], root))).toEqual(['a.py'])
  })

  it.each([
    ['..', '../secrets/*', "contains '..'"],
    ['.. in the middle', 'agent/../../x', "contains '..'"],
    ['~', '~/.ssh/*', 'starts with ~'],
    ['a bare !', '!', "has nothing after '!'"]
  ])('refuses a pattern with %s', async (_what, pattern, fragment) => {
    expect(await filesError(() => collectFiles([pattern], root))).toContain(fragment)
  })

  it('refuses an absolute pattern outside the working directory', async () => {
    write({ 'secret.txt': 's' }, sandbox)
    const message = await filesError(() => collectFiles([`${sandbox}/*.txt`], root))
    expect(message).toContain('is an absolute path outside working-directory')
  })

  it('reads through a symbolic link to a file inside the working directory', async () => {
    write({ 'real/model.bin': '12345' })
    symlinkSync(path.join(root, 'real/model.bin'), path.join(root, 'model.bin'))
    expect(await collectFiles(['model.bin'], root)).toEqual([
      { name: 'model.bin', path: 'model.bin', size: 5 }
    ])
  })

  it('refuses a symbolic link that leaves the working directory, naming it', async () => {
    write({ 'secret.txt': 'password' }, sandbox)
    write({ 'a.py': 'a' })
    symlinkSync(path.join(sandbox, 'secret.txt'), path.join(root, 'data.txt'))
    const message = await filesError(() => collectFiles(['**'], root))
    expect(message).toContain('"data.txt" is a symbolic link that leads outside working-directory')
    expect(message).toContain('!data.txt')
  })

  it('refuses a literal path through a linked folder that leaves the working directory', async () => {
    write({ 'outside/agent.py': 'a' }, sandbox)
    symlinkSync(path.join(sandbox, 'outside'), path.join(root, 'linked'))
    const message = await filesError(() => collectFiles(['linked/agent.py'], root))
    expect(message).toContain('"linked/agent.py" goes through a symbolic link that leads outside')
  })

  it('refuses two files in different folders that share a base name, before any request', async () => {
    write({ 'a/agent.py': 'a', 'b/agent.py': 'b', 'b/model.bin': 'm' })
    const message = await filesError(() => collectFiles(['**'], root))
    expect(message).toBe(
      'Input \'files\': "a/agent.py" and "b/agent.py" would both be stored as "agent.py": ML Arena keeps an agent\'s files in one flat folder, so each file needs its own base name; rename one, or exclude one with !.'
    )
  })

  it('refuses base names that differ only in case across folders', async () => {
    write({ 'lib/Model.bin': 'a', 'model.bin': 'b' })
    expect(await filesError(() => collectFiles(['**'], root))).toContain(
      '"lib/Model.bin" and "model.bin" would be stored as "Model.bin" and "model.bin", which differ only in letter case'
    )
  })

  it('refuses a backslash in a name, which ML Arena reads as a folder', async () => {
    write({ 'lib\\util.py': 'x' })
    expect(await filesError(() => collectFiles(['*.py'], root))).toContain(
      '"lib\\\\util.py" has a backslash in its name'
    )
  })

  it('says which files get another stored name than their path, once each', async () => {
    write({ 'agent/agent.py': 'a', 'agent/lib/helpers.py': 'h', 'top.py': 't' })
    const files = await collectFiles(['**'], root)
    expect(describeRenames(files)).toEqual([
      "ML Arena keeps an agent's files in one flat folder; stored under another name than their path:",
      '  agent/agent.py → agent.py',
      '  agent/lib/helpers.py → helpers.py'
    ])
    expect(describeRenames(files.filter(file => file.path === 'top.py'))).toEqual([])
  })

  it('does not follow a linked folder inside the working directory', async () => {
    write({ 'lib/a.py': 'a' })
    symlinkSync(path.join(root, 'lib'), path.join(root, 'lib-link'))
    expect(paths(await collectFiles(['**'], root))).toEqual(['lib/a.py'])
  })

  it('refuses a linked folder that leaves the working directory', async () => {
    mkdirSync(path.join(sandbox, 'elsewhere'))
    symlinkSync(path.join(sandbox, 'elsewhere'), path.join(root, 'elsewhere'))
    expect(await filesError(() => collectFiles(['**'], root))).toContain(
      '"elsewhere" is a symbolic link that leads outside working-directory'
    )
  })

  it('refuses a broken symbolic link', async () => {
    symlinkSync(path.join(root, 'gone.py'), path.join(root, 'agent.py'))
    expect(await filesError(() => collectFiles(['*.py'], root))).toContain(
      '"agent.py" is a broken symbolic link'
    )
  })

  it('refuses an empty file, saying what to do', async () => {
    write({ 'agent.py': 'ok', 'weights/empty.bin': '' })
    expect(await filesError(() => collectFiles(['**'], root))).toBe(
      'Input \'files\': "weights/empty.bin" is empty (an empty agent file is almost always a mistake); remove it from files, exclude it with !weights/empty.bin, or give it content.'
    )
  })

  it('refuses a file with a control character in its name', async () => {
    write({ 'bad\nname.py': 'x' })
    expect(await filesError(() => collectFiles(['*.py'], root))).toContain(
      '"bad\\nname.py" has control characters in its name'
    )
  })

  const mkfifoAvailable = ((): boolean => {
    try {
      execFileSync('mkfifo', ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  ;(mkfifoAvailable ? it : it.skip)('refuses a named pipe (not a regular file)', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe.py')])
    expect(await filesError(() => collectFiles(['*.py'], root))).toContain(
      '"pipe.py" is not a regular file'
    )
  })

  // Root reads a chmod 000 file anyway, so the check cannot fail there: skipped only as root.
  const isRoot = process.getuid?.() === 0
  ;(isRoot ? it.skip : it)(
    `refuses an unreadable file${isRoot ? ' (skipped: running as root, which reads chmod 000 files)' : ''}`,
    async () => {
      write({ 'locked.py': 'x' })
      chmodSync(path.join(root, 'locked.py'), 0o000)
      expect(await filesError(() => collectFiles(['*.py'], root))).toContain(
        '"locked.py" cannot be read (EACCES)'
      )
    }
  )
})

describe('preflight', () => {
  const NO_LIMITS: FileLimits = { maxFiles: null, maxTotalBytes: null, requiredName: null }
  const file = (name: string, size = 100, filePath = name): PlannedFile => ({
    name,
    path: filePath,
    size
  })
  const MiB = 1024 * 1024

  it('returns the files when no limit is known', () => {
    const files = [file('a.py'), file('b.py')]
    expect(preflight(files, NO_LIMITS)).toEqual(files)
  })

  it('returns [] for no files, whatever the limits', () => {
    expect(preflight([], { maxFiles: 1, maxTotalBytes: 1, requiredName: 'agent.py' })).toEqual([])
  })

  it('accepts exactly the limits', () => {
    const files = [file('a.py', MiB), file('b.py', MiB)]
    expect(preflight(files, { ...NO_LIMITS, maxFiles: 2, maxTotalBytes: 2 * MiB })).toEqual(files)
  })

  it('refuses too many files, giving the numbers', () => {
    const files = Array.from({ length: 12 }, (_, i) => file(`f${i}.py`, 0.3 * MiB))
    expect(filesErrorSync(() => preflight(files, { ...NO_LIMITS, maxFiles: 10 }))).toBe(
      "Input 'files': 12 files, 3.6 MiB; the competition allows at most 10 files: narrow the patterns or exclude files with !."
    )
  })

  it('refuses too many bytes in total', () => {
    const files = [file('model.bin', 3 * MiB), file('a.py', 200)]
    expect(
      filesErrorSync(() => preflight(files, { ...NO_LIMITS, maxTotalBytes: 2 * MiB }))
    ).toContain('2 files, 3.0 MiB; the competition allows at most 2.0 MiB in total')
  })

  it('names both limits when both are exceeded', () => {
    const files = [file('a', MiB), file('b', MiB)]
    expect(
      filesErrorSync(() => preflight(files, { ...NO_LIMITS, maxFiles: 1, maxTotalBytes: MiB }))
    ).toContain('the competition allows at most 1 file and 1.0 MiB in total')
  })

  it('shows exact bytes when the rounded sizes would read the same', () => {
    const files = [file('a', MiB + 1)]
    expect(filesErrorSync(() => preflight(files, { ...NO_LIMITS, maxTotalBytes: MiB }))).toContain(
      '1 file, 1.0 MiB (1048577 bytes); the competition allows at most 1048576 bytes in total'
    )
  })

  it('ignores limits of 0 or less (the server does not say)', () => {
    const files = [file('a'), file('b')]
    expect(preflight(files, { ...NO_LIMITS, maxFiles: 0, maxTotalBytes: -1 })).toEqual(files)
  })

  it('refuses the same name twice, naming both paths', () => {
    const files = [file('agent.py', 1, 'x/agent.py'), file('agent.py', 1, 'y/agent.py')]
    expect(filesErrorSync(() => preflight(files, NO_LIMITS))).toBe(
      'Input \'files\': "x/agent.py" and "y/agent.py" would both be stored as "agent.py": ML Arena keeps an agent\'s files in one flat folder, so each file needs its own base name; rename one, or exclude one with !.'
    )
  })

  it('refuses stored names that differ only in case, naming both paths', () => {
    const files = [file('Agent.py', 1, 'lib/Agent.py'), file('agent.py')]
    expect(filesErrorSync(() => preflight(files, NO_LIMITS))).toContain(
      '"lib/Agent.py" and "agent.py" would be stored as "Agent.py" and "agent.py", which differ only in letter case'
    )
  })

  it('refuses names that differ only in letter case', () => {
    const files = [file('Agent.py'), file('lib/x.py'), file('agent.py')]
    expect(filesErrorSync(() => preflight(files, NO_LIMITS))).toBe(
      'Input \'files\': "Agent.py" and "agent.py" differ only in letter case, and ML Arena\'s storage may keep them as one file; rename one, or exclude one with !.'
    )
  })

  it('refuses names that differ only in Unicode normalisation', () => {
    const files = [file('caf\u00e9.py'), file('cafe\u0301.py')]
    expect(filesErrorSync(() => preflight(files, NO_LIMITS))).toContain('differ only')
  })

  it('stores the one file of a file challenge under the required name', () => {
    const files = [file('src/my_agent.py', 42)]
    const planned = preflight(files, { ...NO_LIMITS, requiredName: 'agent.py' })
    expect(planned).toEqual([{ name: 'agent.py', path: 'src/my_agent.py', size: 42 }])
    expect(files[0]?.name).toBe('src/my_agent.py')
  })

  it('refuses several files for a file challenge, listing some', () => {
    const files = Array.from({ length: 7 }, (_, i) => file(`f${i}.py`))
    expect(filesErrorSync(() => preflight(files, { ...NO_LIMITS, requiredName: 'agent.py' }))).toBe(
      'Input \'files\': the patterns matched 7 files ("f0.py", "f1.py", "f2.py", "f3.py", "f4.py" and 2 more), but this competition is a file challenge: it takes exactly one file, stored as "agent.py"; narrow the patterns to that one file.'
    )
  })

  it('still applies the size limit to a file challenge', () => {
    const files = [file('big.py', 2 * MiB)]
    expect(
      filesErrorSync(() =>
        preflight(files, { maxFiles: 1, maxTotalBytes: MiB, requiredName: 'agent.py' })
      )
    ).toContain('1 file, 2.0 MiB')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [3.4 * 1024 * 1024, '3.4 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [2 * 1024 ** 5, '2048.0 TiB']
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

function filesErrorSync(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('files')
    expect((error as InputError).message).not.toMatch(/[\r\n]/)
    return (error as InputError).message
  }
  throw new Error('expected an InputError')
}
