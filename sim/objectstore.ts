// The tenant's backing store: presigned URLs (docs/atlan-contract.md §3.13) that point back at this simulator.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { errorReply, HttpError, isObject, ok, type Reply } from './http.js'
import type { SimState } from './state.js'
import { parseExpiry } from './time.js'

/** Keys are stored without a leading slash and without doubled slashes. */
export function normalizeKey(key: string): string {
  return key.replace(/\/{2,}/g, '/').replace(/^\//, '')
}

/** `<prefix>/<key>`; an empty prefix means just the key. */
export function joinKey(prefix: string, key: string): string {
  return normalizeKey([prefix.replace(/\/+$/, ''), key].filter(s => s !== '').join('/'))
}

function sign(state: SimState, method: string, key: string, expires: string): string {
  return createHmac('sha256', state.secret).update(`${method}\n${key}\n${expires}`).digest('hex')
}

export function presign(state: SimState, base: string, body: unknown): Reply {
  if (!isObject(body) || typeof body.key !== 'string' || normalizeKey(body.key) === '') {
    throw new HttpError(400, 'presignedUrl needs a non-empty "key"')
  }
  const method = body.method ?? 'PUT'
  if (method !== 'PUT' && method !== 'GET') throw new HttpError(400, 'method must be PUT or GET')
  const ttl = body.expiry === undefined ? 60_000 : parseExpiry(body.expiry)
  if (ttl === undefined)
    throw new HttpError(400, `cannot read expiry ${JSON.stringify(body.expiry)}`)
  const key = normalizeKey(body.key)
  const expires = String(Date.now() + ttl)
  const path = key.split('/').map(encodeURIComponent).join('/')
  const query = new URLSearchParams({
    'X-Sim-Method': method,
    'X-Sim-Expires': expires,
    'X-Sim-Signature': sign(state, method, key, expires)
  })
  return ok({ url: `${base}/objectstore/${path}?${query}` })
}

function checkSignature(
  state: SimState,
  method: string,
  key: string,
  query: URLSearchParams
): void {
  const expires = query.get('X-Sim-Expires') ?? ''
  const given = Buffer.from(query.get('X-Sim-Signature') ?? '')
  const want = Buffer.from(sign(state, method, key, expires))
  if (
    query.get('X-Sim-Method') !== method ||
    given.length !== want.length ||
    !timingSafeEqual(given, want)
  ) {
    throw new HttpError(403, 'Signature does not match the presigned URL')
  }
  if (Number(expires) < Date.now()) throw new HttpError(403, 'Presigned URL has expired')
}

export function upload(
  state: SimState,
  key: string,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  bytes: Buffer
): Reply {
  checkSignature(state, 'PUT', key, query)
  const azure = state.scenario.objectStore === 'azure'
  if (azure && headers['x-ms-blob-type'] !== 'BlockBlob') {
    return errorReply(400, 'x-ms-blob-type: BlockBlob is required for an Azure blob upload')
  }
  state.objects.set(key, bytes)
  const etag = `"${createHash('md5').update(bytes).digest('hex')}"`
  return azure ? { status: 201, headers: { etag } } : { status: 200, headers: { etag } }
}

export function download(state: SimState, key: string, query: URLSearchParams): Reply {
  checkSignature(state, 'GET', key, query)
  const bytes = state.objects.get(key)
  if (!bytes) return errorReply(404, `No object at ${key}`)
  return { status: 200, raw: bytes, headers: { 'content-type': 'application/octet-stream' } }
}
