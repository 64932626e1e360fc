import { describe, expect, it } from '@jest/globals'
import type { RuntimeOption } from '../../src/arena/model.js'
import { parseRuntimeSpec, type RuntimeSpec } from '../../src/submit/config.js'
import { InputError } from '../../src/errors.js'
import {
  describeRuntimeChoice,
  formatRuntime,
  resolveRuntime
} from '../../src/submit/steps/runtime.js'
import { compareVersions } from '../../src/submit/steps/version-order.js'

function option(
  id: number,
  language: string,
  framework: string | null,
  frameworkVersion: string | null,
  languageVersion: string | null = '3.11'
): RuntimeOption {
  return {
    id,
    language,
    languageVersion,
    framework,
    frameworkVersion,
    requirement: null,
    displayName: null,
    packages: []
  }
}

const OPTIONS = [
  option(4, 'python', 'torch', '2.3'),
  option(5, 'python', 'torch', '2.4.1'),
  option(3, 'python', 'gymnasium', '1.0'),
  option(8, 'Python', 'TensorFlow', '2.30.0')
]

function spec(text: string): RuntimeSpec | null {
  return parseRuntimeSpec(text)
}

function runtimeError(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('runtime')
    const message = (error as InputError).message
    expect(message.startsWith("Input 'runtime': ")).toBe(true)
    expect(message).not.toMatch(/[\r\n]/)
    return message
  }
  throw new Error('expected an InputError')
}

describe('formatRuntime', () => {
  it('writes the spec syntax', () => {
    expect(OPTIONS.map(formatRuntime)).toEqual([
      'python/torch@2.3',
      'python/torch@2.4.1',
      'python/gymnasium@1.0',
      'Python/TensorFlow@2.30.0'
    ])
    expect(formatRuntime(option(1, 'python', null, null))).toBe('python')
    expect(formatRuntime(option(1, 'python', 'jax', null))).toBe('python/jax')
  })

  it('keeps server text on one line', () => {
    expect(formatRuntime(option(1, 'py\nthon', 'to\u0000rch', '1\r\n'))).toBe('py thon/to rch@1')
  })
})

describe('resolveRuntime', () => {
  it('leaves the competition default alone for a null spec', () => {
    expect(resolveRuntime(null, OPTIONS)).toBeNull()
    expect(resolveRuntime(null, [])).toBeNull()
  })

  it('finds an option by id, with nothing more to pin', () => {
    expect(resolveRuntime({ kind: 'id', id: 3 }, OPTIONS)).toEqual({
      option: OPTIONS[2],
      spec: '3',
      matched: 1,
      pin: null
    })
  })

  it('refuses an id the competition does not offer, listing what it offers', () => {
    expect(runtimeError(() => resolveRuntime({ kind: 'id', id: 9 }, OPTIONS))).toBe(
      "Input 'runtime': 9 is not a runtime id of this competition; it offers python/torch@2.3 (id 4), python/torch@2.4.1 (id 5), python/gymnasium@1.0 (id 3), Python/TensorFlow@2.30.0 (id 8)."
    )
  })

  it.each([
    ['python/gymnasium', 3],
    ['PYTHON/Gymnasium', 3],
    ['python/torch@2.3', 4],
    ['python/torch@2.4', 5],
    ['python/torch@2.4.1', 5],
    ['python/tensorflow@2.30', 8],
    ['python/tensorflow@2', 8]
  ])('matches %j to id %i', (text, id) => {
    expect(resolveRuntime(spec(text), OPTIONS)?.option.id).toBe(id)
  })

  it('matches a version only at a dot boundary (2.3 is not 2.30)', () => {
    const options = [option(1, 'python', 'tensorflow', '2.30.0')]
    const message = runtimeError(() => resolveRuntime(spec('python/tensorflow@2.3'), options))
    expect(message).toContain('"python/tensorflow@2.3" matches none of the competition\'s runtimes')
    expect(message).toContain('python/tensorflow@2.30.0 (id 1)')
  })

  it('matches a language alone when only one option has it', () => {
    const options = [option(1, 'python', 'torch', '2.3'), option(2, 'julia', null, null)]
    expect(resolveRuntime(spec('julia'), options)?.option.id).toBe(2)
  })

  it('refuses a spec that needs a framework or version the option lacks', () => {
    const options = [option(1, 'python', null, null), option(2, 'python', 'jax', null)]
    runtimeError(() => resolveRuntime(spec('python/torch'), options))
    runtimeError(() => resolveRuntime(spec('python/jax@0.4'), options))
  })

  it('says so when the competition offers no runtimes', () => {
    expect(runtimeError(() => resolveRuntime(spec('python'), []))).toContain(
      'the competition lists no runtimes; leave runtime empty to use its default'
    )
  })

  it('bounds the list of runtimes in a message', () => {
    const many = Array.from({ length: 40 }, (_, i) => option(100 + i, 'python', 'lib', `1.${i}`))
    const message = runtimeError(() => resolveRuntime(spec('rust'), many))
    expect(message).toContain('python/lib@1.0 (id 100)')
    expect(message).toContain('… and 28 more')
    expect(message).not.toContain('(id 139)')
    expect(message.length).toBeLessThan(1000)
  })
})

describe('resolveRuntime: a spec is a range', () => {
  // Competition 1 of the emulator, as the SDK's own example spec meets it.
  const LUNAR = [
    option(1, 'python', 'gymnasium', '0.29.1', '3.11'),
    option(2, 'python', 'torch', '2.1.2', '3.11'),
    option(3, 'python', 'torch', '2.5.1', '3.12'),
    option(4, 'python', 'gymnasium', '1.0.0', '3.12')
  ]

  it('takes the newest framework version among the matches, and says how to pin it', () => {
    expect(resolveRuntime(spec('python/gymnasium'), LUNAR)).toEqual({
      option: LUNAR[3],
      spec: 'python/gymnasium',
      matched: 2,
      pin: 'python/gymnasium@1.0.0'
    })
    expect(resolveRuntime(spec('python/torch'), LUNAR)?.option.id).toBe(3)
    expect(resolveRuntime(spec('python/torch'), OPTIONS)?.option.id).toBe(5)
  })

  it('compares versions as versions, not as text', () => {
    const options = [
      option(1, 'python', 'lib', '1.9.2'),
      option(2, 'python', 'lib', '1.10.0'),
      option(3, 'python', 'lib', '1.2')
    ]
    expect(resolveRuntime(spec('python/lib'), options)?.option.id).toBe(2)
    expect(resolveRuntime(spec('python/lib@1'), options)?.option.id).toBe(2)
    // A prerelease is older than its release.
    const pre = [option(1, 'python', 'lib', '2.0.0rc1'), option(2, 'python', 'lib', '2.0.0')]
    expect(resolveRuntime(spec('python/lib'), pre)?.option.id).toBe(2)
  })

  it.each<[string | null, string | null, number]>([
    ['1.10.0', '1.9.2', 1],
    ['0.29.1', '1.0.0', -1],
    ['2.3', '2.3.0', 0],
    ['2.3.1', '2.3', 1],
    ['2.1.2+cpu', '2.1.2', 1],
    ['1.0.0rc1', '1.0.0', -1],
    ['3.12', '3.9', 1],
    ['1.0', 'nightly', 1],
    ['r10', 'r9', 1],
    [null, '0.1', -1],
    [null, null, 0],
    ['', null, 0]
  ])('orders %j against %j as %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected)
    expect(compareVersions(b, a)).toBe(-expected || 0)
  })

  it('breaks a framework-version tie with the newest language version', () => {
    const options = [
      option(11, 'python', 'torch', '2.3', '3.10'),
      option(12, 'python', 'torch', '2.3', '3.12'),
      option(13, 'python', 'torch', '2.3', '3.9')
    ]
    const choice = resolveRuntime(spec('python/torch@2.3'), options)
    expect(choice?.option.id).toBe(12)
    expect(choice?.matched).toBe(3)
    // python/torch@2.3 names all three, so only the id pins this one.
    expect(choice?.pin).toBe('12')
  })

  it("then prefers the competition's default runtime, when it is among the tied", () => {
    const options = [
      option(21, 'python', 'torch', '2.3', '3.11'),
      option(22, 'python', 'torch', '2.3', '3.11')
    ]
    expect(resolveRuntime(spec('python/torch'), options, 22)?.option.id).toBe(22)
    expect(resolveRuntime(spec('python/torch'), options, 21)?.option.id).toBe(21)
    // A default that is not among the best matches does not beat a newer version.
    const newer = [...options, option(23, 'python', 'torch', '2.4', '3.11')]
    expect(resolveRuntime(spec('python/torch'), newer, 22)?.option.id).toBe(23)
  })

  it('calls only matches that tie on every version ambiguous, and tells them apart', () => {
    const options = [
      option(31, 'python', 'torch', '2.3', '3.11'),
      option(32, 'python', 'torch', '2.3.0', '3.11'),
      option(33, 'python', 'torch', '2.2', '3.12')
    ]
    const message = runtimeError(() => resolveRuntime(spec('python/torch'), options))
    expect(message).toBe(
      'Input \'runtime\': "python/torch" is ambiguous: it matches 2 runtimes of the same versions: python/torch@2.3 (id 31), python/torch@2.3.0 (id 32); give the numeric id, e.g. 31.'
    )
    const twins = [
      option(41, 'python', 'torch', '2.3', '3.11'),
      option(42, 'python', 'torch', '2.3', '3.11')
    ]
    expect(runtimeError(() => resolveRuntime(spec('python/torch@2.3'), twins))).toContain(
      'python/torch@2.3 (id 41, python 3.11), python/torch@2.3 (id 42, python 3.11)'
    )
    expect(resolveRuntime({ kind: 'id', id: 42 }, twins)?.option.id).toBe(42)
  })

  it('asks for the framework when a language alone ties runtimes of different frameworks', () => {
    const options = [
      option(61, 'python', 'gymnasium', '1.0.0', '3.12'),
      option(62, 'python', 'numpy', '1.0.0', '3.12')
    ]
    expect(runtimeError(() => resolveRuntime(spec('python'), options))).toBe(
      'Input \'runtime\': "python" is ambiguous: it matches 2 runtimes of the same versions: python/gymnasium@1.0.0 (id 61), python/numpy@1.0.0 (id 62); name the framework, e.g. "python/gymnasium", or give the numeric id, e.g. 61.'
    )
    // A newer framework version still wins across frameworks, as the rule says.
    const newer = [...options, option(63, 'python', 'torch', '2.5.1', '3.12')]
    expect(resolveRuntime(spec('python'), newer)?.option.id).toBe(63)
  })

  it('suggests no pin when the spec already names exactly one runtime', () => {
    expect(resolveRuntime(spec('python/gymnasium@1.0.0'), LUNAR)?.pin).toBeNull()
    expect(resolveRuntime(spec('PYTHON/Gymnasium@1.0.0'), LUNAR)?.pin).toBeNull()
    // A prefix that happens to match one runtime today is still a range.
    expect(resolveRuntime(spec('python/gymnasium@1'), LUNAR)).toEqual(
      expect.objectContaining({ matched: 1, pin: 'python/gymnasium@1.0.0' })
    )
  })

  it('pins by id when the server text is not valid input', () => {
    const options = [
      option(51, 'python', 'torch', '2.3 (cpu)'),
      option(52, 'python', 'torch', null)
    ]
    expect(resolveRuntime(spec('python/torch'), options)).toEqual(
      expect.objectContaining({ option: options[0], pin: '51' })
    )
  })

  it('describes the choice for the log', () => {
    const picked = resolveRuntime(spec('python/gymnasium'), LUNAR)
    expect(picked && describeRuntimeChoice(picked)).toBe(
      'python/gymnasium@1.0.0 (id 4), the newest of 2 runtimes matching "python/gymnasium"; to keep it when the competition adds runtimes, pin it: runtime: python/gymnasium@1.0.0 (or 4).'
    )
    const byId = resolveRuntime({ kind: 'id', id: 2 }, LUNAR)
    expect(byId && describeRuntimeChoice(byId)).toBe('python/torch@2.1.2 (id 2).')
    const idPin = resolveRuntime(spec('python/torch@2.3'), [
      option(11, 'python', 'torch', '2.3', '3.10'),
      option(12, 'python', 'torch', '2.3', '3.12')
    ])
    expect(idPin && describeRuntimeChoice(idPin)).toBe(
      'python/torch@2.3 (id 12), the newest of 2 runtimes matching "python/torch@2.3"; to keep it when the competition adds runtimes, pin it: runtime: 12.'
    )
  })
})
