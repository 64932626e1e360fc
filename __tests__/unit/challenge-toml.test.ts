/**
 * challenge.toml: the line of every key (tables, dotted keys, arrays of tables, inline tables),
 * syntax errors with their line, and schema errors (ajv) as findings on the key's line. Also the
 * inputs of the challenge action and the annotations of findings.
 */
import { describe, expect, it } from '@jest/globals'
import { parseConfigRefusal, parseEnvCheck } from '../../src/arena/creator-wire.js'
import { annotateFindings, type AnnotationProperties } from '../../src/challenge/annotate.js'
import { readChallengeConfig } from '../../src/challenge/config.js'
import { keyPath, validateAgainstSchema } from '../../src/challenge/schema.js'
import { lineOf, parseChallengeToml, TomlSyntaxError } from '../../src/challenge/toml.js'
import { resolveTags, checkKind } from '../../src/challenge/steps/resolve.js'

const TEXT = `#:schema https://ml-arena.com/api/creator_challenge/config_schema.json
simulation_timeout_sec = 300
limits.max_files = 5

[runtime]
memory = "512Mi"
"quoted key" = 1

[[metrics]]
key = "score"
is_ranking = true

[[metrics]]
key = "steps"
extra = { deep = 2 }
`

describe('parseChallengeToml', () => {
  const parsed = parseChallengeToml(TEXT)

  it('reads the values', () => {
    expect(parsed.values).toEqual({
      simulation_timeout_sec: 300,
      limits: { max_files: 5 },
      runtime: { memory: '512Mi', 'quoted key': 1 },
      metrics: [
        { key: 'score', is_ranking: true },
        { key: 'steps', extra: { deep: 2 } }
      ]
    })
  })

  it('knows the line of each key, and falls back to the nearest parent', () => {
    expect(lineOf(parsed, '/simulation_timeout_sec')).toBe(2)
    expect(lineOf(parsed, '/limits/max_files')).toBe(3)
    expect(lineOf(parsed, '/runtime')).toBe(5)
    expect(lineOf(parsed, '/runtime/quoted key')).toBe(7)
    expect(lineOf(parsed, '/metrics/0/is_ranking')).toBe(11)
    expect(lineOf(parsed, '/metrics/1')).toBe(13)
    expect(lineOf(parsed, '/metrics/1/extra/deep')).toBe(15)
    expect(lineOf(parsed, '/metrics/1/missing')).toBe(13)
    expect(lineOf(parsed, '/nowhere')).toBe(1)
  })

  it('reports a syntax error with its line', () => {
    let caught: unknown
    try {
      parseChallengeToml('a = 1\nb = [1,\nc = "x"\n[t\n')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TomlSyntaxError)
    expect((caught as TomlSyntaxError).line).toBeGreaterThanOrEqual(2)
    expect(() => parseChallengeToml('a = 1\na = 2\n')).toThrow(TomlSyntaxError)
  })
})

describe('validateAgainstSchema', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: ['simulation_timeout_sec'],
    properties: {
      simulation_timeout_sec: { type: 'integer', minimum: 1 },
      metrics: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: { key: { type: 'string' }, agg: { enum: ['mean', 'max'] } }
        }
      }
    }
  }

  it('passes a conforming file', () => {
    const parsed = parseChallengeToml('simulation_timeout_sec = 5\n[[metrics]]\nkey = "s"\n')
    expect(validateAgainstSchema(parsed, schema, 'env/challenge.toml')).toEqual([])
  })

  it('puts each error on the line of its key', () => {
    const parsed = parseChallengeToml(
      '# c\nsimulation_timeout_sec = 0\nbogus = 1\n[[metrics]]\nkey = "s"\nagg = "median"\ncolour = "red"\n'
    )
    const findings = validateAgainstSchema(parsed, schema, 'env/challenge.toml')
    expect(findings.map(f => `${f.line}: ${f.message}`).sort()).toEqual([
      "2: 'simulation_timeout_sec' must be >= 1",
      "3: unknown key 'bogus'",
      '6: \'metrics[0].agg\' must be one of "mean", "max"',
      "7: unknown key 'metrics[0].colour'"
    ])
    expect(findings.every(f => f.file === 'env/challenge.toml' && f.severity === 'error')).toBe(
      true
    )
  })

  it('names a missing key on the line of its table', () => {
    const findings = validateAgainstSchema(parseChallengeToml('metrics = []\n'), schema, 'f')
    expect(findings).toEqual([
      expect.objectContaining({ line: 1, message: "missing key 'simulation_timeout_sec'" })
    ])
  })

  it('reads pointers as dotted paths', () => {
    expect(keyPath('/metrics/0/key')).toBe('metrics[0].key')
    expect(keyPath('/a~1b/c~0d')).toBe('a/b.c~d')
  })
})

describe('server answers', () => {
  it('splits a refused challenge.toml into its line-numbered messages', () => {
    expect(
      parseConfigRefusal(
        {
          error:
            "challenge.toml:3: unknown key 'x'; challenge.toml:7: metrics must have a ranking entry"
        },
        ''
      )
    ).toEqual([
      { line: 3, message: "unknown key 'x'" },
      { line: 7, message: 'metrics must have a ranking entry' }
    ])
    expect(parseConfigRefusal({ error: 'x', details: ['challenge.toml:2: bad'] }, '')).toEqual([
      { line: 2, message: 'bad' }
    ])
    expect(parseConfigRefusal(null, 'plain text')).toEqual([{ line: null, message: 'plain text' }])
  })

  it('reads the env check findings leniently', () => {
    const check = parseEnvCheck(
      {
        valid: false,
        findings: [{ severity: 'error', code: 'syntax_error', message: 'Syntax error', line: 4 }],
        warnings: ['evaluate has no docstring']
      },
      { what: 'x', route: 'y' }
    )
    expect(check).toEqual({
      ok: false,
      findings: [
        { severity: 'error', line: 4, column: null, message: 'Syntax error', code: 'syntax_error' },
        {
          severity: 'warning',
          line: null,
          column: null,
          message: 'evaluate has no docstring',
          code: null
        }
      ]
    })
  })
})

describe('findings as annotations', () => {
  it('puts a finding with a file on its line, one line of text', () => {
    const seen: [string, string, AnnotationProperties][] = []
    annotateFindings(
      [
        {
          severity: 'error',
          file: 'c/env/challenge.toml',
          line: 3,
          message: "unknown key\n'x'",
          source: 'server'
        },
        { severity: 'warning', file: null, line: null, message: 'no file', source: 'plan' }
      ],
      (severity, message, properties) => seen.push([severity, message, properties])
    )
    expect(seen).toEqual([
      [
        'error',
        "unknown key 'x'",
        { title: 'ML Arena challenge (server)', file: 'c/env/challenge.toml', startLine: 3 }
      ],
      ['warning', 'no file', { title: 'ML Arena challenge (plan)' }]
    ])
  })
})

describe('readChallengeConfig', () => {
  const env = { GITHUB_WORKSPACE: process.cwd(), GITHUB_EVENT_NAME: 'push' }
  const read = (inputs: Record<string, string>, e: NodeJS.ProcessEnv = env) =>
    readChallengeConfig(name => inputs[name] ?? '', e)
  const key = 'mlk_creator_abcd_s3cret'

  it('defaults: apply on a push, plan on a pull request', () => {
    const config = read({ 'api-key': key, name: 'Maze' })
    expect(config).toMatchObject({
      mode: 'apply',
      start: false,
      tags: null,
      isPublic: null,
      challengeId: null
    })
    expect(
      read({ 'api-key': key, name: 'Maze' }, { ...env, GITHUB_EVENT_NAME: 'pull_request' }).mode
    ).toBe('plan')
  })

  it('refuses a user token, naming the input and what is needed', () => {
    expect(() => read({ 'api-key': 'mlk_user_abcd_s3cret', name: 'Maze' })).toThrow(
      "Input 'api-key': is a user token; managing a challenge needs a creator token (mlk_creator_…)"
    )
    expect(() => read({ 'api-key': 'nonsense', name: 'Maze' })).toThrow(
      /^Input 'api-key': is malformed/
    )
  })

  it('needs a name or an id, and checks the others', () => {
    expect(() => read({ 'api-key': key })).toThrow(
      /^Input 'name': is required when challenge-id is empty/
    )
    expect(read({ 'api-key': key, 'challenge-id': '12' }).challengeId).toBe(12)
    expect(() => read({ 'api-key': key, 'challenge-id': '1.5' })).toThrow(/^Input 'challenge-id'/)
    expect(() => read({ 'api-key': key, name: 'M', mode: 'destroy' })).toThrow(/^Input 'mode'/)
    expect(() => read({ 'api-key': key, name: 'M', 'kernel-version': 'a b' })).toThrow(
      /^Input 'kernel-version'/
    )
    expect(() => read({ 'api-key': key, name: 'M', directory: 'no/such/dir' })).toThrow(
      /^Input 'directory'/
    )
    expect(read({ 'api-key': key, name: 'M', tags: 'rl, GYM\nrl' }).tags).toEqual(['rl', 'GYM'])
    expect(read({ 'api-key': key, name: 'M', tags: '-' }).tags).toEqual([])
  })
})

describe('inputs against ML Arena', () => {
  const catalog = [
    { id: 1, name: 'rl' },
    { id: 2, name: 'gymnasium' }
  ]

  it('matches tags case-insensitively and names the unknown ones with what exists', () => {
    expect(resolveTags(['RL', 'gymnasium'], catalog)).toEqual(catalog)
    expect(() => resolveTags(['rl', 'chess'], catalog)).toThrow(
      `Input 'tags': "chess" is not in ML Arena's tag catalog (tags are curated, not created); use names from: gymnasium, rl.`
    )
  })

  it('names an unknown kind with the kinds that exist', () => {
    expect(() =>
      checkKind('flex_v9', [
        { kernelVersion: 'flex_v1', label: null, hasMachine: true },
        { kernelVersion: 'file_v1', label: null, hasMachine: true }
      ])
    ).toThrow(
      `Input 'kernel-version': "flex_v9" is not a kind ML Arena offers; use one of flex_v1, file_v1.`
    )
  })
})
