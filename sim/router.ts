// Path → route name (the names faults and the request log use), and the route context.
import type { IncomingHttpHeaders } from 'node:http'
import type { Reply } from './http.js'
import type { SimState } from './state.js'
import type { Family, RouteName } from './types.js'

export interface Match {
  route: RouteName
  family?: Family
  /** Workflow name (archive, update), run id (stop), object key (upload, download) or GUID (assets.get). */
  name?: string
}

export interface Ctx {
  state: SimState
  /** http://127.0.0.1:PORT */
  base: string
  url: URL
  headers: IncomingHttpHeaders
  raw: Buffer
  /** Parsed body; undefined when empty or not JSON (see invalidJson). */
  json: unknown
  invalidJson: boolean
  match: Match
}

export type Handler = (ctx: Ctx) => Reply

const API = '/api/service/'

export function matchRoute(method: string, path: string): Match | undefined {
  try {
    return match(method, path)
  } catch {
    return undefined // undecodable %-escapes
  }
}

function match(method: string, path: string): Match | undefined {
  if (path.startsWith('/objectstore/')) {
    const name = decodeURIComponent(path.slice('/objectstore/'.length))
    if (method === 'PUT') return { route: 'upload', name }
    if (method === 'GET') return { route: 'download', name }
    return undefined
  }
  if (path.startsWith('/api/meta/')) return matchMeta(method, path.slice('/api/meta/'.length))
  if (!path.startsWith(API)) return undefined
  const rest = path.slice(API.length).replace(/\/+$/, '')
  const seg = rest.split('/').map(decodeURIComponent)
  if (method === 'GET') {
    if (rest === 'whoami') return { route: 'whoami' }
    if (rest === 'v1/app') return { route: 'app' }
    return undefined
  }
  if (method !== 'POST') return undefined
  if (rest === 'files/presignedUrl') return { route: 'presign' }
  if (rest === 'files') return { route: 'files' }
  if (rest === 'workflows/indexsearch') return { route: 'workflows.search' }
  if (rest === 'runs/indexsearch') return { route: 'runs.search' }
  if (seg[0] === 'runs' && seg.length === 3 && seg[2] === 'stop')
    return { route: 'stop', name: seg[1] }
  if (seg[0] !== 'workflows' && seg[0] !== 'package-workflows') return undefined
  const family = seg[0]
  if (seg.length === 1) return { route: 'submit', family }
  if (seg.length === 2 && seg[1] === 'submit') return { route: 'rerun', family }
  if (seg.length === 2) return { route: 'update', family, name: seg[1] }
  if (seg.length === 3 && seg[2] === 'archive') return { route: 'archive', family, name: seg[1] }
  return undefined
}

/** Paths of the legacy workflow surface, gone on newer tenants. */
export function isLegacyPath(path: string): boolean {
  return /^\/api\/service\/(workflows|package-workflows|runs)(\/|$)/.test(path)
}

/** The asset API (docs/atlan-contract.md §10.5). */
function matchMeta(method: string, rest: string): Match | undefined {
  const path = rest.replace(/\/+$/, '')
  if (method === 'POST' && path === 'search/indexsearch') return { route: 'assets.search' }
  if (method === 'DELETE' && path === 'entity/bulk') return { route: 'assets.delete' }
  const guid = /^entity\/guid\/([^/]+)$/.exec(path)
  if (method === 'GET' && guid) return { route: 'assets.get', name: decodeURIComponent(guid[1]) }
  return undefined
}
