// Test helpers: one simulator per file, raw HTTP calls to it, the request bodies of docs/atlan-contract.md §3
// (pyatlan's from ../helpers/pyatlan-bodies.ts), bounded waits.
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { startSimulator, type SimOptions, type Simulator } from '../../sim/server.js'
import { BY_CREATION, nestedFilter, pyatlan, workflowRef } from '../helpers/pyatlan-bodies.js'

/**
 * One simulator for the enclosing file or describe block: started before its tests, reset before
 * each, closed after them. Returns a getter, as the simulator exists only once the tests run.
 */
export function useSimulator(opts: SimOptions): () => Simulator {
  let sim: Simulator | undefined
  beforeAll(async () => {
    sim = await startSimulator(opts)
  })
  afterAll(async () => {
    await sim?.close()
  })
  beforeEach(() => get().reset())
  const get = (): Simulator => {
    if (sim === undefined) throw new Error('the simulator did not start')
    return sim
  }
  return get
}

export interface Res {
  status: number
  headers: Headers
  text: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  /** null: no Authorization header. Default: the simulator's token. */
  token?: string | null
  headers?: Record<string, string>
  timeoutMs?: number
  raw?: string | Buffer
}

export async function call(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {}
): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  const token = opts.token === undefined ? sim.token : opts.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  let payload: string | Buffer | undefined = opts.raw
  if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['content-type'] = 'application/json'
  }
  const url = path.startsWith('http') ? path : `${sim.url}${path}`
  const res = await fetch(url, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000)
  })
  const text = await res.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** Polls `fn` until it returns a value other than undefined; fails after timeoutMs. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

/** The bodies pyatlan sends, and those of the docs and the Java SDK where noted (docs/atlan-contract.md §3). */
export const bodies = {
  ...pyatlan,
  /** §3.4, the docs' older prefix query. */
  findByPrefix: (prefix: string) => ({
    from: 0,
    size: 5,
    query: nestedFilter('metadata', { prefix: { 'metadata.name.keyword': { value: prefix } } }),
    sort: BY_CREATION
  }),
  /** §3.8 Java findRunByName. */
  runByName: (name: string) => ({
    from: 0,
    size: 10,
    query: nestedFilter('metadata', { term: { 'metadata.name.keyword': { value: name } } }),
    sort: BY_CREATION
  }),
  /** §3.9 get_runs: runs of a workflow in a phase. */
  runsInPhase: (workflow: string, phase: string) => ({
    from: 0,
    size: 100,
    query: {
      bool: {
        must: [{ nested: { path: 'spec', query: workflowRef(workflow) } }],
        filter: [{ term: { 'status.phase.keyword': { value: phase } } }]
      }
    },
    sort: BY_CREATION
  })
}

/** Index search of the workflows (docs/atlan-contract.md §3.4, §3.5). */
export const searchWorkflows = (sim: Simulator, body: unknown) =>
  call(sim, 'POST', '/api/service/workflows/indexsearch', body)

/** Index search of the runs (docs/atlan-contract.md §3.6-3.9). */
export const searchRuns = (sim: Simulator, body: unknown) =>
  call(sim, 'POST', '/api/service/runs/indexsearch', body)

/** Latest run doc of a workflow via the §3.6 search, once it is indexed. */
export async function latestRun(sim: Simulator, workflow: string) {
  const res = await searchRuns(sim, bodies.latestRun(workflow))
  return res.json?.hits?.hits?.[0]
}

/** Waits for the latest run to reach a terminal phase and returns its hit. */
export async function terminalRun(sim: Simulator, workflow: string, timeoutMs = 5000) {
  return waitFor(
    async () => {
      const hit = await latestRun(sim, workflow)
      return hit && ['Succeeded', 'Failed', 'Error'].includes(hit._source.status.phase)
        ? hit
        : undefined
    },
    timeoutMs,
    `a terminal run of ${workflow}`
  )
}

/** Presign + PUT, as the action does it. */
export async function putObject(sim: Simulator, key: string, bytes: string | Buffer): Promise<Res> {
  const pre = await call(sim, 'POST', '/api/service/files/presignedUrl', bodies.presign(key))
  if (pre.status !== 200) throw new Error(`presign failed: ${pre.status} ${pre.text}`)
  return call(sim, 'PUT', pre.json.url, undefined, {
    token: null,
    raw: bytes,
    headers: { 'x-ms-blob-type': 'BlockBlob' }
  })
}

export const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
export const fast = { pendingMs: 40, runningMs: 80, stopMs: 40 }
