// Request-body validators from GitHub's published OpenAPI description (@octokit/openapi).
// The 13 MB api.github.com.json is read once per process and each validator compiled once.
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Spec = {
  paths: Record<string, Record<string, { requestBody?: Json; parameters?: Json[] }>>
}

export interface BodyViolation {
  path: string
  message: string
}

let spec: Spec | undefined
let ajv: Ajv | undefined
let queryAjv: Ajv | undefined
const validators = new Map<string, ValidateFunction>()

function loadSpec(): Spec {
  if (!spec) {
    const file = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json'
    )
    spec = JSON.parse(readFileSync(file, 'utf8')) as Spec
  }
  return spec
}

/** Inline every `$ref` (`#/components/...`); a reference back into itself accepts anything. */
function deref(node: Json, root: Json, seen: ReadonlySet<string> = new Set()): Json {
  if (Array.isArray(node)) return node.map(n => deref(n, root, seen))
  if (node === null || typeof node !== 'object') return node
  const ref = node.$ref
  if (typeof ref === 'string') {
    if (seen.has(ref)) return {}
    return deref(pointer(root, ref), root, new Set([...seen, ref]))
  }
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(node)) out[key] = deref(value, root, seen)
  return out
}

function pointer(root: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`)
  let node: Json = root
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) {
      throw new Error(`unresolvable $ref: ${ref}`)
    }
    node = node[key]
  }
  return node
}

/** The compiled validator for one operation's JSON request body, e.g. ('post', '/repos/{owner}/{repo}/check-runs'). */
export function bodyValidator(method: string, pathTemplate: string): ValidateFunction {
  const id = `${method.toUpperCase()} ${pathTemplate}`
  const cached = validators.get(id)
  if (cached) return cached
  const root = loadSpec()
  const op = root.paths[pathTemplate]?.[method.toLowerCase()]
  if (!op?.requestBody) throw new Error(`no request body in the OpenAPI description for ${id}`)
  const body = deref(op.requestBody, root as unknown as Json) as {
    content?: { 'application/json'?: { schema?: Json } }
  }
  const schema = body.content?.['application/json']?.schema
  if (!schema || typeof schema !== 'object') throw new Error(`no JSON schema for ${id}`)
  // OpenAPI 3.0 carries keywords ajv does not know (example, x-*): not strict.
  ajv ??= addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }))
  const validate = ajv.compile(schema as object)
  validators.set(id, validate)
  return validate
}

/** Violations of the operation's request-body schema; empty when the body conforms. */
export function validateBody(method: string, pathTemplate: string, body: unknown): BodyViolation[] {
  const validate = bodyValidator(method, pathTemplate)
  if (validate(body)) return []
  return (validate.errors ?? []).map(e => ({
    path: e.instancePath || '/',
    message: `${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`
  }))
}

/**
 * Violations of the operation's query parameters: an unknown name, or a value not of its type
 * (values arrive as text and are read as the schema's type, as GitHub does).
 */
export function validateQuery(
  method: string,
  pathTemplate: string,
  query: URLSearchParams
): BodyViolation[] {
  const id = `${method.toUpperCase()} ${pathTemplate} ?`
  let validate = validators.get(id)
  if (!validate) {
    const root = loadSpec()
    const op = root.paths[pathTemplate]?.[method.toLowerCase()]
    if (!op) throw new Error(`no operation in the OpenAPI description for ${id}`)
    const params = (deref(op.parameters ?? [], root as unknown as Json) as Json[]).filter(
      (p): p is { [key: string]: Json } =>
        p !== null && typeof p === 'object' && !Array.isArray(p) && p.in === 'query'
    )
    const schema = {
      type: 'object',
      properties: Object.fromEntries(params.map(p => [String(p.name), p.schema ?? {}])),
      required: params.filter(p => p.required === true).map(p => String(p.name)),
      additionalProperties: false
    }
    queryAjv ??= addFormats(
      new Ajv({ strict: false, allErrors: true, validateFormats: true, coerceTypes: true })
    )
    validate = queryAjv.compile(schema)
    validators.set(id, validate)
  }
  const values: Record<string, string> = Object.fromEntries(query.entries())
  if (validate(values)) return []
  return (validate.errors ?? []).map(e => ({
    path: `?${e.instancePath.replace(/^\//, '')}`,
    message: `${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`
  }))
}
