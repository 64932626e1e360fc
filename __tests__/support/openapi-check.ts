/**
 * GitHub's own description of its REST API (npm `@octokit/openapi`, api.github.com) as a check
 * on the fake GitHub: a route the fake answers must be one GitHub documents (method and path),
 * and every request it receives must be one GitHub would accept by that description: a
 * documented route and method, documented query parameters, the required body fields present
 * and no body field the description does not name.
 *
 * GraphQL (POST /graphql) is not part of the REST description; it is checked against GraphQL's
 * own request shape (a JSON body with a string `query`, and optionally `variables` and
 * `operationName`, nothing else).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

interface Parameter {
  name?: string
  in?: string
  $ref?: string
}
interface Schema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, unknown>
  required?: string[]
  additionalProperties?: unknown
  oneOf?: Schema[]
  anyOf?: Schema[]
  allOf?: Schema[]
}
interface Operation {
  operationId?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> }
}
interface Description {
  paths: Record<string, Record<string, Operation | Parameter[]>>
  components: Record<string, Record<string, unknown>>
}

export interface CheckedRequest {
  method: string
  /** pathname and query string, relative to the API base */
  path: string
  body: string
}

interface Route {
  template: string
  pattern: RegExp
  literalSegments: number
  methods: Map<string, Operation>
}

const GRAPHQL_FIELDS = new Set(['query', 'variables', 'operationName'])
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

let cached: OpenApiCheck | null = null

export class OpenApiCheck {
  readonly #spec: Description
  readonly #routes: Route[]

  private constructor(spec: Description) {
    this.#spec = spec
    this.#routes = Object.entries(spec.paths).map(([template, item]) => {
      const methods = new Map<string, Operation>()
      for (const [method, operation] of Object.entries(item)) {
        if (METHODS.has(method)) methods.set(method.toUpperCase(), operation as Operation)
      }
      const segments = template.split('/').filter(Boolean)
      return {
        template,
        pattern: templatePattern(template),
        literalSegments: segments.filter(segment => !segment.startsWith('{')).length,
        methods
      }
    })
  }

  /** The description of api.github.com, parsed once per test file. */
  static load(): OpenApiCheck {
    if (!cached) {
      const require = createRequire(import.meta.url)
      const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
      cached = new OpenApiCheck(JSON.parse(readFileSync(file, 'utf8')) as Description)
    }
    return cached
  }

  /** Why GitHub has no such route (a template with {params}, as the fake declares it), or null. */
  routeProblem(method: string, template: string): string | null {
    if (method === 'POST' && template === '/graphql') return null
    const route = this.#spec.paths[template]
    if (!route) return `${method} ${template}: GitHub's REST API has no such path`
    if (!(method.toLowerCase() in route))
      return `${method} ${template}: GitHub documents no ${method} on this path`
    return null
  }

  /** What GitHub's description says is wrong with this request; [] when nothing is. */
  check(request: CheckedRequest): string[] {
    const url = new URL(request.path, 'http://github.invalid')
    const where = `${request.method} ${url.pathname}`
    if (url.pathname === '/graphql') return this.#checkGraphql(request, where)
    const route = this.#match(request.method, url.pathname)
    if (!route) return [`${where}: not a route of GitHub's REST API`]
    const operation = route.methods.get(request.method)
    if (!operation) return [`${where}: GitHub documents no ${request.method} on ${route.template}`]
    const problems: string[] = []
    const queryNames = new Set(
      this.#parameters(route, operation)
        .filter(parameter => parameter.in === 'query')
        .map(parameter => parameter.name)
    )
    for (const name of url.searchParams.keys()) {
      if (!queryNames.has(name))
        problems.push(`${where}: query parameter '${name}' is not documented for ${route.template}`)
    }
    problems.push(...this.#checkBody(request, operation, `${request.method} ${route.template}`))
    return problems
  }

  #match(method: string, pathname: string): Route | null {
    const matches = this.#routes.filter(route => route.pattern.test(pathname))
    // A literal segment beats a parameter (/issues/comments/{id} over /issues/{number}/…).
    matches.sort((a, b) => b.literalSegments - a.literalSegments)
    return matches.find(route => route.methods.has(method)) ?? matches[0] ?? null
  }

  #parameters(route: Route, operation: Operation): Parameter[] {
    const shared = (this.#spec.paths[route.template]?.parameters ?? []) as Parameter[]
    return [...shared, ...(operation.parameters ?? [])].map(parameter =>
      parameter.$ref ? (this.#resolve(parameter.$ref) as Parameter) : parameter
    )
  }

  #checkBody(request: CheckedRequest, operation: Operation, where: string): string[] {
    const schema = operation.requestBody?.content?.['application/json']?.schema
    if (!schema) {
      return request.body.trim() === '' ? [] : [`${where}: GitHub documents no request body`]
    }
    if (request.body.trim() === '') {
      return operation.requestBody?.required ? [`${where}: the request body is required`] : []
    }
    let body: unknown
    try {
      body = JSON.parse(request.body)
    } catch {
      return [`${where}: the body is not JSON`]
    }
    const resolved = this.#schema(schema)
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return resolved.type === 'object' || resolved.properties
        ? [`${where}: the body must be a JSON object`]
        : []
    }
    const problems: string[] = []
    for (const name of resolved.required ?? []) {
      if (!(name in body)) problems.push(`${where}: the required body field '${name}' is missing`)
    }
    if (resolved.properties && resolved.additionalProperties !== true) {
      for (const name of Object.keys(body)) {
        if (!(name in resolved.properties))
          problems.push(`${where}: the body field '${name}' is not documented`)
      }
    }
    return problems
  }

  #checkGraphql(request: CheckedRequest, where: string): string[] {
    if (request.method !== 'POST') return [`${where}: GraphQL takes POST only here`]
    let body: unknown
    try {
      body = JSON.parse(request.body)
    } catch {
      return [`${where}: the GraphQL request is not JSON`]
    }
    const fields = typeof body === 'object' && body !== null ? Object.keys(body) : []
    const problems = fields
      .filter(field => !GRAPHQL_FIELDS.has(field))
      .map(field => `${where}: '${field}' is not a field of a GraphQL request`)
    if (typeof (body as { query?: unknown })?.query !== 'string')
      problems.push(`${where}: a GraphQL request needs a string 'query'`)
    return problems
  }

  /** The schema with its $ref and allOf resolved (enough for required and property names). */
  #schema(schema: Schema): Schema {
    const base = schema.$ref ? (this.#resolve(schema.$ref) as Schema) : schema
    if (!base.allOf) return base
    const parts = base.allOf.map(part => this.#schema(part))
    return {
      type: 'object',
      required: parts.flatMap(part => part.required ?? []),
      properties: Object.assign({}, ...parts.map(part => part.properties ?? {})),
      additionalProperties: parts.some(part => part.additionalProperties === true)
    }
  }

  #resolve(ref: string): unknown {
    const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? []
    const found = section && name ? this.#spec.components[section]?.[name] : undefined
    if (!found) throw new Error(`OpenAPI: cannot resolve ${ref}`)
    return found
  }
}

/** `/repos/{owner}/{repo}` → a pattern matching one path segment per parameter. */
export function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map(part => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`)
}
