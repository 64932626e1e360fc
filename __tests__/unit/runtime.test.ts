import { describe, expect, it } from '@jest/globals'
import type { RuntimeOption } from '../../src/arena/model.js'
import { parseRuntimeSpec, type RuntimeSpec } from '../../src/submit/config.js'
import { InputError } from '../../src/errors.js'
import { formatRuntime, resolveRuntime } from '../../src/submit/steps/runtime.js'

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

  it('finds an option by id', () => {
    expect(resolveRuntime({ kind: 'id', id: 3 }, OPTIONS)?.framework).toBe('gymnasium')
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
    expect(resolveRuntime(spec(text), OPTIONS)?.id).toBe(id)
  })

  it('matches a version only at a dot boundary (2.3 is not 2.30)', () => {
    const options = [option(1, 'python', 'tensorflow', '2.30.0')]
    const message = runtimeError(() => resolveRuntime(spec('python/tensorflow@2.3'), options))
    expect(message).toContain('"python/tensorflow@2.3" matches none of the competition\'s runtimes')
    expect(message).toContain('python/tensorflow@2.30.0 (id 1)')
  })

  it('matches a language alone when only one option has it', () => {
    const options = [option(1, 'python', 'torch', '2.3'), option(2, 'julia', null, null)]
    expect(resolveRuntime(spec('julia'), options)?.id).toBe(2)
  })

  it('refuses a spec that needs a framework or version the option lacks', () => {
    const options = [option(1, 'python', null, null), option(2, 'python', 'jax', null)]
    runtimeError(() => resolveRuntime(spec('python/torch'), options))
    runtimeError(() => resolveRuntime(spec('python/jax@0.4'), options))
  })

  it('calls several matches ambiguous and suggests a finer spec or the id', () => {
    const message = runtimeError(() => resolveRuntime(spec('python/torch'), OPTIONS))
    expect(message).toBe(
      'Input \'runtime\': "python/torch" is ambiguous: it matches 2 runtimes: python/torch@2.3 (id 4), python/torch@2.4.1 (id 5); give a more precise spec, or the numeric id, e.g. 4.'
    )
  })

  it('calls identical options ambiguous (no lowest-id pick) and tells them apart', () => {
    const options = [
      option(11, 'python', 'torch', '2.3', '3.10'),
      option(12, 'python', 'torch', '2.3', '3.12')
    ]
    const message = runtimeError(() => resolveRuntime(spec('python/torch@2.3'), options))
    expect(message).toContain(
      'python/torch@2.3 (id 11, python 3.10), python/torch@2.3 (id 12, python 3.12)'
    )
    expect(message).toContain('they look the same, so give the numeric id, e.g. 11')
    expect(resolveRuntime({ kind: 'id', id: 12 }, options)?.languageVersion).toBe('3.12')
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
