// A small evaluator for the Elasticsearch query DSL the SDKs send to the index searches
// (docs/atlan-contract.md §3.4–3.9): bool, nested, term, terms, regexp, prefix, exists, range, ids, match_all.
// Keyword fields with a lowercasing normaliser (docs/atlan-contract.md §10.9) compare without case,
// and so does a term with `case_insensitive: true`.
import { esRegexp, UnsupportedRegexp } from './es-regexp.js'
import { isObject } from './http.js'
import { parseDateMath } from './time.js'

export interface Doc {
  _id: string
  _source: Record<string, unknown>
  /** Creation order; breaks ties between equal sort values (timestamps have 1 s resolution). */
  seq: number
}

/** A query the simulator does not understand: answered 400 so the gap is noticed, not hidden. */
export class QueryError extends Error {}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/** Field value by ES path; label keys contain dots, so keys are matched greedily. */
export function resolveField(doc: Doc, field: string): unknown {
  const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field
  if (path === '_id') return doc._id
  return resolvePath(doc._source, path)
}

function resolvePath(value: unknown, path: string): unknown {
  if (!isObject(value)) return undefined
  if (path in value) return value[path]
  for (const key of Object.keys(value)) {
    if (path.startsWith(`${key}.`)) {
      const found = resolvePath(value[key], path.slice(key.length + 1))
      if (found !== undefined) return found
    }
  }
  return undefined
}

/** How an index maps its fields: keyword fields whose normaliser lowercases. */
export interface IndexMapping {
  lowercase?: ReadonlySet<string>
}

export function matches(
  query: unknown,
  doc: Doc,
  now: number,
  mapping: IndexMapping = {}
): boolean {
  if (query === undefined) return true
  if (!isObject(query)) throw new QueryError('query clause must be an object')
  const kinds = Object.keys(query)
  if (kinds.length !== 1) throw new QueryError(`expected one clause, got: ${kinds.join(', ')}`)
  const kind = kinds[0]
  const body = query[kind]
  switch (kind) {
    case 'match_all':
      return true
    case 'bool':
      return boolMatches(body, doc, now, mapping)
    case 'nested':
      // Fields are addressed by full path, so the inner query runs on the whole document.
      if (!isObject(body) || body.query === undefined) throw new QueryError('nested needs a query')
      return matches(body.query, doc, now, mapping)
    case 'ids':
      return isObject(body) && Array.isArray(body.values) && body.values.includes(doc._id)
    case 'exists': {
      if (!isObject(body) || typeof body.field !== 'string')
        throw new QueryError('exists needs a field')
      const v = resolveField(doc, body.field)
      return v !== undefined && v !== null
    }
    case 'term':
    case 'terms':
    case 'prefix':
    case 'regexp':
    case 'range': {
      const [field, spec] = fieldClause(kind, body)
      const lower =
        mapping.lowercase?.has(field) === true ||
        (kind === 'term' && isObject(spec) && spec.case_insensitive === true)
      return leafMatches(kind, resolveField(doc, field), spec, now, lower)
    }
    default:
      throw new QueryError(`query clause "${kind}" is not supported by the simulator`)
  }
}

function boolMatches(body: unknown, doc: Doc, now: number, mapping: IndexMapping): boolean {
  if (!isObject(body)) throw new QueryError('bool must be an object')
  const list = (k: string): unknown[] =>
    body[k] === undefined ? [] : Array.isArray(body[k]) ? (body[k] as unknown[]) : [body[k]]
  for (const k of Object.keys(body)) {
    if (!['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost'].includes(k)) {
      throw new QueryError(`bool.${k} is not supported by the simulator`)
    }
  }
  const m = (q: unknown) => matches(q, doc, now, mapping)
  if (!list('must').every(m)) return false
  if (!list('filter').every(m)) return false
  if (list('must_not').some(m)) return false
  const should = list('should')
  if (should.length === 0) return true
  const required =
    typeof body.minimum_should_match === 'number'
      ? body.minimum_should_match
      : list('must').length + list('filter').length > 0
        ? 0
        : 1
  return should.filter(m).length >= required
}

function fieldClause(kind: string, body: unknown): [string, unknown] {
  if (!isObject(body)) throw new QueryError(`${kind} must be an object`)
  const fields = Object.keys(body).filter(k => k !== 'boost' && k !== '_name')
  if (fields.length !== 1) throw new QueryError(`${kind} must name exactly one field`)
  return [fields[0], body[fields[0]]]
}

/** `{ field: { value: x } }` and the short form `{ field: x }`. */
function valueOf(spec: unknown): unknown {
  return isObject(spec) && 'value' in spec ? spec.value : spec
}

function leafMatches(
  kind: string,
  actual: unknown,
  spec: unknown,
  now: number,
  lower = false
): boolean {
  const values = Array.isArray(actual) ? actual : [actual]
  const present = values.filter(v => v !== undefined && v !== null)
  const text = (v: unknown) => (lower ? String(v).toLowerCase() : String(v))
  switch (kind) {
    case 'term': {
      const want = text(valueOf(spec))
      return present.some(v => text(v) === want)
    }
    case 'terms': {
      if (!Array.isArray(spec)) throw new QueryError('terms needs an array of values')
      const want = new Set(spec.map(text))
      return present.some(v => want.has(text(v)))
    }
    case 'prefix': {
      const want = String(valueOf(spec))
      return present.some(v => typeof v === 'string' && v.startsWith(want))
    }
    case 'regexp': {
      const source = valueOf(spec)
      if (typeof source !== 'string') throw new QueryError('regexp needs a string value')
      let re: RegExp
      try {
        re = esRegexp(source)
      } catch (e) {
        if (e instanceof UnsupportedRegexp) throw new QueryError(e.message)
        throw e
      }
      return present.some(v => typeof v === 'string' && re.test(v))
    }
    default:
      return rangeMatches(spec, present, now)
  }
}

function rangeMatches(spec: unknown, values: unknown[], now: number): boolean {
  if (!isObject(spec)) throw new QueryError('range needs bounds')
  const bound = (k: string): number | undefined => {
    if (spec[k] === undefined) return undefined
    const t = parseDateMath(spec[k], now)
    if (t === undefined) throw new QueryError(`range.${k}: cannot read ${JSON.stringify(spec[k])}`)
    return t
  }
  const [gte, gt, lte, lt] = [bound('gte'), bound('gt'), bound('lte'), bound('lt')]
  return values.some(v => {
    const n = typeof v === 'number' ? v : parseDateMath(v, now)
    if (n === undefined) return false
    return (
      (gte === undefined || n >= gte) &&
      (gt === undefined || n > gt) &&
      (lte === undefined || n <= lte) &&
      (lt === undefined || n < lt)
    )
  })
}

export interface SortKey {
  field: string
  order: 'asc' | 'desc'
}

/** `[{ f: { order, nested } }]`, `[{ f: 'desc' }]`, `['f']` or a single object. */
export function parseSort(sort: unknown): SortKey[] {
  if (sort === undefined) return []
  const items = Array.isArray(sort) ? sort : [sort]
  return items.flatMap((item): SortKey[] => {
    if (typeof item === 'string') return item === '_score' ? [] : [{ field: item, order: 'asc' }]
    if (!isObject(item)) throw new QueryError('sort entries must be strings or objects')
    return Object.entries(item)
      .filter(([field]) => field !== '_score')
      .map(([field, spec]) => {
        const order = typeof spec === 'string' ? spec : isObject(spec) ? spec.order : undefined
        if (order !== undefined && order !== 'asc' && order !== 'desc') {
          throw new QueryError(`sort order must be asc or desc, got ${JSON.stringify(order)}`)
        }
        return { field, order: order ?? 'asc' }
      })
  })
}

/** Sort value as ES returns it: dates as epoch milliseconds. */
export function sortValue(doc: Doc, field: string): string | number | null {
  if (field === '_doc') return doc.seq
  const v = resolveField(doc, field)
  if (typeof v === 'string') return isoDate.test(v) ? Date.parse(v) : v
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  return null
}

export function sortDocs(
  docs: Doc[],
  keys: SortKey[]
): { doc: Doc; sort: (string | number | null)[] }[] {
  const rows = docs.map(doc => ({ doc, sort: keys.map(k => sortValue(doc, k.field)) }))
  // Ties (same second) go newest first under a descending primary sort, as a user would expect.
  const tieDir = keys[0]?.order === 'desc' ? -1 : 1
  rows.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compare(a.sort[i], b.sort[i])
      if (c !== 0) return keys[i].order === 'desc' && c !== 2 && c !== -2 ? -c : c > 0 ? 1 : -1
    }
    return (a.doc.seq - b.doc.seq) * tieDir
  })
  return rows
}

/** -1/0/1, or ±2 when one side is missing (missing values sort last in both orders). */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0
  if (a === null) return 2
  if (b === null) return -2
  return a < b ? -1 : 1
}
