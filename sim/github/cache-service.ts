// The Actions cache service as @actions/cache v6 talks to it, enough to save and look up a small
// entry. v2 (github.com): twirp JSON calls on ACTIONS_RESULTS_URL plus a signed blob URL that
// the Azure SDK PUTs to. v1 (GHES): REST under ACTIONS_CACHE_URL + `_apis/artifactcache/`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody, sendEmpty, sendJson } from './http-util.js'

export interface SimCacheEntry {
  id: number
  key: string
  version: string
  service: 'v1' | 'v2'
  /** Bytes received so far. */
  size: number
  finalized: boolean
  createdAt: string
}

/** Faultable steps, shared by both service versions. */
export type CacheStep = 'lookup' | 'reserve' | 'upload' | 'finalize'

type Entry = SimCacheEntry & { data: Buffer }

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'
const BLOB = '/simcache/actions-cache/' // path-style Azure URL: /<account>/<container>/<blob>
const V1 = '/_apis/artifactcache/'

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  429: 'resource_exhausted',
  500: 'internal',
  503: 'unavailable'
}

export class CacheService {
  private readonly entries: Entry[] = []
  private nextId = 1

  constructor(
    private readonly baseUrl: () => string,
    /**
     * Resolves (after any hold on the step) to a status to answer with instead of serving the
     * step, or undefined.
     */
    private readonly fault: (step: CacheStep) => Promise<number | undefined>
  ) {}

  list(): SimCacheEntry[] {
    return this.entries.map(({ data: _data, ...e }) => ({ ...e }))
  }

  /** Serves the request if it is a cache route and returns the route's label; else undefined. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string | undefined> {
    const path = url.pathname
    if (path.startsWith(TWIRP) && req.method === 'POST') {
      const method = path.slice(TWIRP.length)
      if (authorized(req)) await this.twirp(method, req, res)
      else twirpError(res, 401, 'missing bearer token')
      return `cache/${method}`
    }
    if (path.startsWith(BLOB)) {
      await this.blob(req, res, Number(path.slice(BLOB.length)))
      return `cache/blob ${req.method}`
    }
    if (path.startsWith(V1)) {
      const rest = path.slice(V1.length)
      if (authorized(req)) await this.v1(req, res, url, rest)
      else sendJson(res, 401, { message: 'unauthorized' })
      return `cache/v1 ${req.method} ${rest.replace(/\/\d+$/, '/{id}')}`
    }
    return undefined
  }

  private async twirp(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parse(await readBody(req))
    if (!body) return twirpError(res, 400, 'body is not JSON')
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const status = await this.fault('lookup')
        if (status) return twirpError(res, status, 'simulated fault')
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
        const hit = this.find(key, restoreKeys, version)
        if (!hit) return sendJson(res, 200, { ok: false })
        return sendJson(res, 200, {
          ok: true,
          signed_download_url: this.blobUrl(hit),
          matched_key: hit.key
        })
      }
      case 'CreateCacheEntry': {
        const status = await this.fault('reserve')
        if (status) return twirpError(res, status, 'simulated fault')
        if (this.entries.some(e => e.key === key && e.version === version)) {
          return twirpError(
            res,
            409,
            'cache entry with the same key, version, and scope already exists'
          )
        }
        const entry = this.add(key, version, 'v2')
        return sendJson(res, 200, { ok: true, signed_upload_url: this.blobUrl(entry) })
      }
      case 'FinalizeCacheEntryUpload': {
        const status = await this.fault('finalize')
        if (status) return twirpError(res, status, 'simulated fault')
        const entry = this.entries.find(e => e.key === key && e.version === version && !e.finalized)
        if (!entry)
          return sendJson(res, 200, { ok: false, message: 'no pending upload for this key' })
        if (String(entry.data.length) !== String(body.size_bytes)) {
          return sendJson(res, 200, { ok: false, message: 'size does not match the upload' })
        }
        entry.finalized = true
        return sendJson(res, 200, { ok: true, entry_id: String(entry.id) })
      }
      default:
        return twirpError(res, 404, `no such method: ${method}`)
    }
  }

  /** The "signed" URL: PUT (Azure Put Blob) to upload, GET to download. */
  private async blob(req: IncomingMessage, res: ServerResponse, id: number): Promise<void> {
    const entry = this.entries.find(e => e.id === id)
    if (req.method === 'PUT') {
      const status = await this.fault('upload')
      if (status) return sendEmpty(res, status)
      const data = await readBody(req, 64 * 1024 * 1024)
      if (!entry || entry.finalized) return sendEmpty(res, 404)
      entry.data = data
      entry.size = data.length
      return sendEmpty(res, 201, {
        etag: `"0x8D${entry.id.toString(16).padStart(13, '0')}"`,
        'last-modified': new Date().toUTCString(),
        'x-ms-request-id': `sim-${entry.id}`,
        'x-ms-version': '2025-01-05',
        'x-ms-request-server-encrypted': 'true',
        date: new Date().toUTCString()
      })
    }
    if (req.method === 'GET' && entry?.finalized) {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(entry.data.length)
      })
      return void res.end(entry.data)
    }
    return sendEmpty(res, 404)
  }

  private async v1(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rest: string
  ): Promise<void> {
    if (req.method === 'GET' && rest === 'cache') {
      const status = await this.fault('lookup')
      if (status) return sendJson(res, status, { message: 'simulated fault' })
      const [primary = '', ...restoreKeys] = (url.searchParams.get('keys') ?? '').split(',')
      const hit = this.find(primary, restoreKeys, url.searchParams.get('version') ?? '')
      if (!hit) return sendEmpty(res, 204)
      return sendJson(res, 200, {
        cacheKey: hit.key,
        scope: 'refs/heads/main',
        creationTime: hit.createdAt,
        archiveLocation: this.blobUrl(hit)
      })
    }
    if (req.method === 'GET' && rest === 'caches') {
      return sendJson(res, 200, { totalCount: 0, artifactCaches: [] })
    }
    if (req.method === 'POST' && rest === 'caches') {
      const status = await this.fault('reserve')
      if (status) return sendJson(res, status, { message: 'simulated fault' })
      const body = parse(await readBody(req)) ?? {}
      const key = String(body.key ?? '')
      const version = String(body.version ?? '')
      if (this.entries.some(e => e.key === key && e.version === version)) {
        return sendJson(res, 409, {
          message: `Cache already exists. Key: ${key}, Version: ${version}`
        })
      }
      return sendJson(res, 201, { cacheId: this.add(key, version, 'v1').id })
    }
    const match = /^caches\/(\d+)$/.exec(rest)
    const entry = match ? this.entries.find(e => e.id === Number(match[1])) : undefined
    if (match && req.method === 'PATCH') {
      const status = await this.fault('upload')
      if (status) return sendJson(res, status, { message: 'simulated fault' })
      const chunk = await readBody(req, 64 * 1024 * 1024)
      const start = Number(/^bytes (\d+)-/.exec(req.headers['content-range'] ?? '')?.[1] ?? NaN)
      if (!entry || entry.finalized || !Number.isInteger(start)) return sendEmpty(res, 400)
      const data = Buffer.alloc(Math.max(entry.data.length, start + chunk.length))
      entry.data.copy(data)
      chunk.copy(data, start)
      entry.data = data
      entry.size = data.length
      return sendEmpty(res, 204)
    }
    if (match && req.method === 'POST') {
      const status = await this.fault('finalize')
      if (status) return sendJson(res, status, { message: 'simulated fault' })
      const body = parse(await readBody(req)) ?? {}
      if (!entry || entry.finalized || Number(body.size) !== entry.data.length) {
        return sendJson(res, 400, { message: 'size does not match the upload' })
      }
      entry.finalized = true
      return sendEmpty(res, 204)
    }
    return sendJson(res, 404, { message: `no such route: ${req.method} ${rest}` })
  }

  /**
   * GitHub's documented matching: the exact key, then a partial match of the key (an entry whose
   * key starts with it), then each restore key in order; of several partial matches, the most
   * recently created entry. One scope (branch) only; GitHub then tries the default branch.
   * https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching#cache-key-matching
   */
  private find(key: string, restoreKeys: string[], version: string): Entry | undefined {
    const ready = this.entries.filter(e => e.finalized && e.version === version).reverse()
    return (
      ready.find(e => e.key === key) ??
      [key, ...restoreKeys].map(k => ready.find(e => e.key.startsWith(k))).find(e => e)
    )
  }

  private add(key: string, version: string, service: 'v1' | 'v2'): Entry {
    const entry: Entry = {
      id: this.nextId++,
      key,
      version,
      service,
      size: 0,
      finalized: false,
      createdAt: new Date().toISOString(),
      data: Buffer.alloc(0)
    }
    this.entries.push(entry)
    return entry
  }

  private blobUrl(entry: Entry): string {
    return `${this.baseUrl()}${BLOB}${entry.id}?sv=2025-01-05&se=2099-01-01T00%3A00%3A00Z&sp=rcw&sig=sim-signature`
  }
}

function authorized(req: IncomingMessage): boolean {
  return /^bearer \S+/i.test(req.headers.authorization ?? '')
}

function parse(buf: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(buf.toString('utf8'))
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function twirpError(res: ServerResponse, status: number, msg: string): void {
  sendJson(res, status, { code: TWIRP_CODES[status] ?? 'unknown', msg })
}
