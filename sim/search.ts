// The two index searches (docs/atlan-contract.md §3.4–3.9) over what is indexed so far, with the ES envelope.
import { type Doc, matches, parseSort, QueryError, sortDocs } from './es-query.js'
import { isObject } from './http.js'
import { runSource, visibleSnapshot } from './runs.js'
import type { SimState } from './state.js'
import { workflowSource } from './workflows.js'

/** Runs indexed by now. */
function runDocs(state: SimState, now: number): Doc[] {
  const docs: Doc[] = []
  for (const run of state.runs.values()) {
    const s = visibleSnapshot(run, now)
    if (s) docs.push({ _id: run.name, _source: runSource(run, s), seq: run.seq })
  }
  return docs
}

/** Workflows indexed by now that have an indexed run ("only workflows that have run are found"). */
function workflowDocs(state: SimState, now: number): Doc[] {
  const ran = new Set(
    [...state.runs.values()].filter(r => visibleSnapshot(r, now)).map(r => r.workflow)
  )
  return [...state.workflows.values()]
    .filter(wf => wf.visibleAt <= now && ran.has(wf.name))
    .map(wf => ({ _id: wf.name, _source: workflowSource(wf), seq: wf.seq }))
}

export function searchWorkflows(state: SimState, body: unknown): Record<string, unknown> {
  const now = Date.now()
  return search(workflowDocs(state, now), body, 'workflow-templates', now)
}

export function searchRuns(state: SimState, body: unknown): Record<string, unknown> {
  const now = Date.now()
  return search(runDocs(state, now), body, 'workflow-runs', now)
}

function count(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key] ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new QueryError(`"${key}" must be a non-negative integer`)
  }
  return v
}

function search(docs: Doc[], body: unknown, index: string, now: number): Record<string, unknown> {
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
      hits: hits.slice(from, from + size).map(({ doc, sort }) => ({
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
