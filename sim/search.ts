// The two index searches (docs/atlan-contract.md §3.4–3.9) over what is indexed so far, with the ES envelope.
import { type Doc, matches, parseSort, QueryError, sortDocs } from './es-query.js'
import { isObject } from './http.js'
import { runSource, visibleSnapshot } from './runs.js'
import type { SimState } from './state.js'
import { visibleTemplate } from './template-index.js'

/** Runs indexed by now. */
function runDocs(state: SimState, now: number): Doc[] {
  const docs: Doc[] = []
  for (const run of state.runs.values()) {
    const s = visibleSnapshot(run, now)
    if (s) docs.push({ _id: run.name, _source: runSource(run, s), seq: run.seq })
  }
  return docs
}

/**
 * Workflows indexed by now that have an indexed run ("only workflows that have run are found"),
 * each as its newest indexed version, which may be older than the store's (§1.3).
 */
function workflowDocs(state: SimState, now: number): (Doc & { text: string })[] {
  const ran = new Set(
    [...state.runs.values()].filter(r => visibleSnapshot(r, now)).map(r => r.workflow)
  )
  const docs: (Doc & { text: string })[] = []
  for (const wf of state.workflows.values()) {
    const version = ran.has(wf.name) ? visibleTemplate(wf, now) : undefined
    if (!version) continue
    const source = JSON.parse(version.text) as Record<string, unknown>
    docs.push({ _id: wf.name, _source: source, seq: wf.seq, text: version.text })
  }
  return docs
}

/** Stands in for a `_source` until the text is put in (a NUL cannot occur unescaped in JSON). */
const MARK = '\u0000source-'
const MARKED = /"\\u0000source-(\d+)"/g

/**
 * The workflow search reply as text: each hit's `_source` is the indexed text itself, byte for
 * byte (Elasticsearch returns `_source` as it was indexed).
 */
export function searchWorkflows(state: SimState, body: unknown): string {
  const now = Date.now()
  const docs = workflowDocs(state, now)
  const textOf = new Map<unknown, string>(docs.map(d => [d._source, d.text]))
  const sources: string[] = []
  const reply = search(docs, body, 'workflow-templates', now, state.scenario.searchFloodHits)
  const json = JSON.stringify(reply, (key, value) => {
    const text = key === '_source' ? textOf.get(value) : undefined
    if (text === undefined) return value as unknown
    sources.push(text)
    return `${MARK}${sources.length - 1}`
  })
  return json.replace(MARKED, (_, i: string) => sources[Number(i)])
}

export function searchRuns(state: SimState, body: unknown): Record<string, unknown> {
  const now = Date.now()
  return search(runDocs(state, now), body, 'workflow-runs', now, state.scenario.searchFloodHits)
}

function count(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key] ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new QueryError(`"${key}" must be a non-negative integer`)
  }
  return v
}

function search(
  docs: Doc[],
  body: unknown,
  index: string,
  now: number,
  flood = 0
): Record<string, unknown> {
  const started = Date.now()
  if (!isObject(body)) throw new QueryError('search body must be a JSON object')
  const from = count(body, 'from', 0)
  const size = count(body, 'size', 10)
  const hits = sortDocs(
    docs.filter(d => matches(body.query, d, now)),
    parseSort(body.sort)
  )
  return {
    took: Math.max(1, Date.now() - started),
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      total: { value: hits.length, relation: 'eq' },
      max_score: null,
      hits: page(hits, from, size, flood).map(({ doc, sort }) => ({
        _index: index,
        _type: '_doc',
        _id: doc._id,
        _score: null,
        _seq_no: doc.seq,
        _primary_term: 1,
        sort,
        _source: doc._source
      }))
    }
  }
}

/** The hits of one page; with `flood`, at least that many whatever `size` says (matches repeated). */
function page<T>(hits: T[], from: number, size: number, flood: number): T[] {
  if (flood <= 0 || hits.length === 0) return hits.slice(from, from + size)
  return Array.from({ length: Math.max(flood, hits.length) }, (_, i) => hits[i % hits.length])
}
