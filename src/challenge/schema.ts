/**
 * challenge.toml against the platform's JSON Schema (GET config_schema.json), with ajv. Each
 * schema error becomes a finding on the line of the key it is about. Pure: the schema is passed
 * in (main.ts fetches it).
 */
import { Ajv, type ErrorObject, type Options } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { Finding } from './findings.js'
import { lineOf, type ParsedToml } from './toml.js'

/** A validator for the schema's own draft (its `$schema`; draft-07 when it names none). */
function validatorFor(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  const draft = typeof schema.$schema === 'string' ? schema.$schema : ''
  // strict: false: a keyword of the platform's that ajv does not know must not fail the run.
  const options: Options = { allErrors: true, strict: false, validateFormats: false }
  if (draft.includes('2020-12')) return new Ajv2020(options)
  if (draft.includes('2019-09')) return new Ajv2019(options)
  return new Ajv(options)
}

export class SchemaError extends Error {
  override name = 'SchemaError'
}

/** Findings for every way `parsed` breaks `schema`; [] when it conforms. */
export function validateAgainstSchema(
  parsed: ParsedToml,
  schema: Record<string, unknown>,
  file: string
): Finding[] {
  let validate
  try {
    validate = validatorFor(schema).compile(schema)
  } catch (error) {
    throw new SchemaError(
      `ML Arena's config_schema.json is not a JSON Schema ajv can compile: ${error instanceof Error ? error.message : String(error)}`
    )
  }
  if (validate(parsed.values)) return []
  return (validate.errors ?? []).map(error => findingOf(error, parsed, file))
}

function findingOf(error: ErrorObject, parsed: ParsedToml, file: string): Finding {
  const params = error.params as Record<string, unknown>
  let pointer = error.instancePath
  let message: string
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    pointer = `${pointer}/${escapePointer(params.additionalProperty)}`
    message = `unknown key '${keyPath(pointer)}'`
  } else if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    const where = keyPath(pointer)
    message = `missing key '${where ? `${where}.` : ''}${params.missingProperty}'`
  } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `'${keyPath(pointer)}' must be one of ${params.allowedValues.map(v => JSON.stringify(v)).join(', ')}`
  } else {
    const where = keyPath(pointer)
    message = `${where ? `'${where}' ` : ''}${error.message ?? `fails ${error.keyword}`}`
  }
  return { severity: 'error', file, line: lineOf(parsed, pointer), message, source: 'schema' }
}

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** `/limits/timeout` → `limits.timeout`; `/metrics/0/key` → `metrics[0].key`. */
export function keyPath(pointer: string): string {
  if (pointer === '') return ''
  let out = ''
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(part)) out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}
