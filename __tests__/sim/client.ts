// Test helpers: raw HTTP calls to the simulator, the exact SDK bodies of API §3, bounded waits.
import type { Simulator } from '../../sim/server.js'

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

const byCreation = [
  { 'metadata.creationTimestamp': { order: 'desc', nested: { path: 'metadata' } } }
]

/** The request bodies pyatlan (and Java, where noted) send, verbatim from API §3. */
export const bodies = {
  /** §3.4, pyatlan find_by_type. */
  findByType: (prefix: string, size = 10) => ({
    from: 0,
    size,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'metadata',
              query: {
                regexp: {
                  'metadata.name.keyword': { value: `${prefix.replaceAll('-', '[-]')}[-][0-9]{10}` }
                }
              }
            }
          }
        ]
      }
    },
    sort: byCreation
  }),
  /** §3.4, the docs' older prefix query. */
  findByPrefix: (prefix: string) => ({
    from: 0,
    size: 5,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'metadata',
              query: { prefix: { 'metadata.name.keyword': { value: prefix } } }
            }
          }
        ]
      }
    },
    sort: byCreation
  }),
  /** §3.5 find_by_id. */
  findById: (name: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'metadata',
              query: { bool: { must: [{ term: { 'metadata.name.keyword': { value: name } } }] } }
            }
          }
        ]
      }
    },
    sort: byCreation
  }),
  /** §3.6 monitor's latest run. */
  latestRun: (workflow: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'spec',
              query: { term: { 'spec.workflowTemplateRef.name.keyword': { value: workflow } } }
            }
          }
        ]
      }
    },
    sort: [{ 'status.startedAt': { order: 'desc' } }]
  }),
  /** §3.7 current run. */
  currentRun: (workflow: string) => ({
    from: 0,
    size: 50,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'spec',
              query: { term: { 'spec.workflowTemplateRef.name.keyword': { value: workflow } } }
            }
          }
        ]
      }
    },
    sort: byCreation
  }),
  /** §3.8 pyatlan get run by id. */
  runById: (id: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: { bool: { filter: [{ term: { _id: { value: id } } }] } },
    sort: byCreation
  }),
  /** §3.8 Java findRunByName. */
  runByName: (name: string) => ({
    from: 0,
    size: 10,
    query: {
      bool: {
        filter: [
          {
            nested: {
              path: 'metadata',
              query: { term: { 'metadata.name.keyword': { value: name } } }
            }
          }
        ]
      }
    },
    sort: byCreation
  }),
  /** §3.9 get_runs: runs of a workflow in a phase. */
  runsInPhase: (workflow: string, phase: string) => ({
    from: 0,
    size: 100,
    query: {
      bool: {
        must: [
          {
            nested: {
              path: 'spec',
              query: { term: { 'spec.workflowTemplateRef.name.keyword': { value: workflow } } }
            }
          }
        ],
        filter: [{ term: { 'status.phase.keyword': { value: phase } } }]
      }
    },
    sort: byCreation
  }),
  rerun: (name: string, namespace = 'default') => ({
    namespace,
    resourceKind: 'WorkflowTemplate',
    resourceName: name
  })
}

/** Latest run doc of a workflow via the §3.6 search, once it is indexed. */
export async function latestRun(sim: Simulator, workflow: string) {
  const res = await call(sim, 'POST', '/api/service/runs/indexsearch', bodies.latestRun(workflow))
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
  const pre = await call(sim, 'POST', '/api/service/files/presignedUrl', {
    key,
    expiry: '60s',
    method: 'PUT'
  })
  if (pre.status !== 200) throw new Error(`presign failed: ${pre.status} ${pre.text}`)
  return call(sim, 'PUT', pre.json.url, undefined, {
    token: null,
    raw: bytes,
    headers: { 'x-ms-blob-type': 'BlockBlob' }
  })
}

export const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
export const fast = { pendingMs: 40, runningMs: 80, stopMs: 40 }
