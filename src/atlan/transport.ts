// HTTP to Atlan: auth and tracing headers, per-request timeout, retries, proxy support, JSON
// parsing with schema checks, and redaction of the API key from anything that gets logged.
import { redact as redactSecrets } from '../config/redact.js'
import { randomUUID } from 'node:crypto'
import { lookup } from 'node:dns'
import { Readable } from 'node:stream'
import { EnvHttpProxyAgent, Pool, fetch as undiciFetch } from 'undici'
import type { buildConnector, Dispatcher } from 'undici'
import type { z } from 'zod'
import { CancelledError } from '../run/signals.js'
import {
  errorCode,
  errorFromException,
  errorFromStatus,
  malformedError,
  tooLargeError
} from './error-mapping.js'
import type { RequestContext } from './error-mapping.js'
import { AtlanError } from './errors.js'
import { guardedLookup } from './outbound.js'
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryIdempotent,
  retrySubmit,
  withRetry
} from './retry.js'
import type { Clock, Logger } from '../runtime.js'
import type { RetryPolicy } from './retry.js'

/** The subset of fetch this client uses, so tests can inject a fake. */
export interface FetchInit {
  method: string
  headers: Record<string, string>
  body?: string | Uint8Array | AsyncIterable<Uint8Array>
  signal?: AbortSignal
  redirect?: 'manual' | 'follow' | 'error'
  duplex?: 'half'
  /** The target came from a server reply (a presigned URL): never connect to a private address. */
  untrusted?: boolean
}

export interface FetchResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
  /** The (decompressed) body as a stream; when present it is read with a size cap. */
  body?: AsyncIterable<Uint8Array> | null
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>

/** Largest (decompressed) 2xx body read; a workflow search of 50 full documents is far below. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024
/** Of an error reply only the start is read: the message needs a short excerpt at most. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024

/**
 * undici's Pool re-dials without end when the proxy closes the socket during CONNECT (the error
 * is `UND_ERR_SOCKET`, which it treats as recoverable), so one request became hundreds of
 * thousands of connections. Recoding that error as a connect failure makes undici fail the
 * request at once; our own retry policy then bounds the attempts.
 */
function proxyTunnelFactory(origin: string | URL, options: Pool.Options): Dispatcher {
  const inner = options.connect
  if (typeof inner !== 'function') return new Pool(origin, options)
  const connect: buildConnector.connector = (o, cb) =>
    inner(o, (...args) => {
      const [err] = args
      if (err && errorCode(err) === 'UND_ERR_SOCKET') {
        const e: NodeJS.ErrnoException = new Error(
          'the proxy closed the connection while opening the tunnel',
          { cause: err }
        )
        e.code = 'UND_ERR_PRX_TUNNEL'
        return cb(e, null)
      }
      cb(...args)
    })
  return new Pool(origin, { ...options, connect })
}

/**
 * undici fetch with EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY
 * (and their lower-case forms). The agent reads the environment when it is built. Untrusted
 * targets (presigned URLs) go through a second agent whose DNS lookup refuses private addresses.
 */
export function proxyAwareFetch(): { fetch: FetchLike; close(): Promise<void> } {
  const dispatcher = new EnvHttpProxyAgent({ factory: proxyTunnelFactory })
  const guarded = new EnvHttpProxyAgent({
    factory: proxyTunnelFactory,
    connect: { lookup: guardedLookup(lookup) }
  })
  const fetch: FetchLike = async (url, { untrusted, ...init }) => {
    const agent = untrusted ? guarded : dispatcher
    if (isStream(init.body)) return streamed(agent, url, init, init.body)
    const res = await undiciFetch(url, { ...init, dispatcher: agent })
    return { status: res.status, headers: res.headers, text: () => res.text(), body: res.body }
  }
  return {
    fetch,
    close: async () => void (await Promise.all([dispatcher.close(), guarded.close()]))
  }
}

const isStream = (b: FetchInit['body']): b is AsyncIterable<Uint8Array> =>
  typeof b === 'object' && b !== null && Symbol.asyncIterator in b

/**
 * A streamed body (the upload) goes through the agent's request(), which writes each chunk to the
 * socket as it comes, not through fetch, whose web stream copies every chunk (CONTRIBUTING.md
 * "Bounded memory"). No redirect is followed (as `redirect: 'manual'`), and the reply is not
 * decompressed (none is asked for).
 */
async function streamed(
  agent: Dispatcher,
  url: string,
  init: FetchInit,
  body: AsyncIterable<Uint8Array>
): Promise<FetchResponse> {
  const u = new URL(url)
  const res = await agent.request({
    origin: u.origin,
    path: u.pathname + u.search,
    method: init.method as Dispatcher.HttpMethod,
    headers: init.headers,
    body: Readable.from(body),
    signal: init.signal
  })
  const header = (name: string): string | null => {
    const v = res.headers[name.toLowerCase()]
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
  }
  return {
    status: res.statusCode,
    headers: { get: header },
    text: () => res.body.text(),
    body: res.body
  }
}

/**
 * The proxy EnvHttpProxyAgent uses for `url` (same variables and NO_PROXY rules), shown without
 * credentials; undefined when the request goes direct.
 */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return undefined
  }
  const https = target.protocol === 'https:'
  const proxy = https
    ? (env.https_proxy ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.HTTP_PROXY)
    : (env.http_proxy ?? env.HTTP_PROXY)
  if (!proxy) return undefined
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').split(/[,\s]/).filter(Boolean)
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = Number(target.port) || (https ? 443 : 80)
  for (const entry of noProxy) {
    if (entry === '*') return undefined
    const entryPort = /:(\d+)$/.exec(entry)?.[1]
    const name = (entryPort ? entry.slice(0, -entryPort.length - 1) : entry)
      .toLowerCase()
      .replace(/^\*?\./, '')
      .replace(/^\[|\]$/g, '')
    if (entryPort && Number(entryPort) !== port) continue
    if (host === name || host.endsWith(`.${name}`)) return undefined
  }
  return redactProxyUrl(proxy)
}

/** A proxy URL with any user name and password replaced by `***`. */
export function redactProxyUrl(proxy: string): string {
  try {
    const u = new URL(proxy)
    return `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}`
  } catch {
    return '(an unparseable proxy URL)'
  }
}

/** Reads at most `cap` bytes of the body; `over` is true when the body was longer (and cut). */
export async function readCapped(
  res: FetchResponse,
  cap: number
): Promise<{ text: string; over: boolean }> {
  const declared = Number(res.headers.get('content-length'))
  if (!res.body) {
    const text = await res.text()
    return Buffer.byteLength(text) > cap
      ? { text: text.slice(0, cap), over: true }
      : { text, over: false }
  }
  const chunks: Uint8Array[] = []
  let size = 0
  let over = Number.isFinite(declared) && declared > cap
  if (!over) {
    const it = res.body[Symbol.asyncIterator]()
    try {
      for (;;) {
        const { done, value } = await it.next()
        if (done) break
        size += value.byteLength
        chunks.push(value)
        if (size > cap) {
          over = true
          break
        }
      }
    } finally {
      // Stop downloading the rest (a no-op after a complete read).
      if (over) await it.return?.().catch(() => undefined)
    }
  } else
    await res.body[Symbol.asyncIterator]()
      .return?.()
      .catch(() => undefined)
  const all = Buffer.concat(chunks)
  return { text: all.subarray(0, Math.min(all.length, cap)).toString('utf8'), over }
}

const API_PREFIX = '/api/service/'

interface TransportOptions {
  baseUrl: string
  apiKey: string
  version: string
  requestTimeoutMs: number
  deadline?: number
  fetch: FetchLike
  clock: Clock
  log: Logger
  retry?: Partial<RetryPolicy>
  /** Aborted when the job is cancelled: no request that starts work is sent after it. */
  signal?: AbortSignal
}

interface JsonRequest<T> {
  method: 'GET' | 'POST' | 'DELETE'
  /** Relative to `api` (default /api/service/), e.g. `runs/indexsearch` or `workflows?submit=true`. */
  path: string
  /** The API root: /api/service/ (workflows) or /api/meta/ (assets, docs/atlan-contract.md §10.5). */
  api?: string
  body?: unknown
  /** A body that is not JSON (multipart), sent as is with its content type instead of `body`. */
  raw?: { contentType: string; bytes: Uint8Array }
  schema: z.ZodType<T>
  /**
   * Applied to the parsed body before the schema check, e.g. to cut a search reply to the hits
   * asked for, so a flooding reply is never checked or copied whole.
   */
  prepare?: (data: unknown) => unknown
  /** `submit`: resend only when the server provably did not act on the request. */
  retry?: 'idempotent' | 'submit'
  notFoundHint?: string
  /**
   * Whether the request starts work in Atlan (submit, rerun, update, upload). Such requests are
   * never sent after a cancel. Default: every POST except searches and stops.
   */
  startsWork?: boolean
}

/** A stop sent at or after the deadline (on_timeout: cancel, a cancel) still gets this for retries. */
const CLEANUP_BUDGET_MS = 60_000

/** Searches and stops are safe after a cancel; every other POST may start or change work. */
function startsWorkByDefault(method: string, path: string): boolean {
  return method !== 'GET' && !/(indexsearch|\/stop)(\?|$)/.test(path)
}

export class Transport {
  readonly baseUrl: string
  readonly fetch: FetchLike
  readonly clock: Clock
  readonly log: Logger
  readonly policy: RetryPolicy
  readonly userAgent: string
  readonly requestTimeoutMs: number
  /** Epoch ms after which no retry wait may end; undefined = none. */
  deadline?: number
  /** The job's cancel signal (see startsWork). */
  signal?: AbortSignal
  readonly #apiKey: string

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.#apiKey = opts.apiKey
    this.fetch = opts.fetch
    this.clock = opts.clock
    this.log = opts.log
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry }
    this.userAgent = `atlan-lineage-action/${opts.version}`
    this.requestTimeoutMs = opts.requestTimeoutMs
    this.deadline = opts.deadline
    this.signal = opts.signal
  }

  /** Throws when the job was cancelled: nothing that starts work may be sent any more. */
  assertNotCancelled(what: string): void {
    if (this.signal?.aborted)
      throw new CancelledError(`The job was cancelled: ${what} was not sent.`)
  }

  /** `base` combined with the cancel signal, for requests that start work. */
  withCancel(base: AbortSignal): AbortSignal {
    return this.signal ? AbortSignal.any([base, this.signal]) : base
  }

  /** Time left before the deadline (Infinity without one). */
  timeLeftMs(): number {
    return this.deadline === undefined ? Infinity : this.deadline - this.clock.now()
  }

  /**
   * Removes every secret of the step (all their forms, before any cut) and any other bearer
   * token from text that may be shown or logged. A token is 16+ token characters, so prose such
   * as "bearer token is invalid" stays as it is.
   */
  redact(text: string): string {
    return redactSecrets(text, [this.#apiKey]).replace(
      /(bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi,
      '$1***'
    )
  }

  /** Per-attempt timeout: the request timeout, cut to what is left before the deadline. */
  attemptTimeoutMs(base: number): number {
    if (this.deadline === undefined) return base
    const left = this.deadline - this.clock.now()
    // A call made after the deadline (cleanup, e.g. stopping the run) still gets a full try.
    return left > 0 ? Math.min(base, left) : base
  }

  /** A JSON request to Atlan, retried per `req.retry`, its 2xx body checked against `req.schema`. */
  async json<T>(req: JsonRequest<T>): Promise<T> {
    return (await this.jsonWithText(req)).data
  }

  /** As json(), with the reply's text as received, for callers that edit it (docs/atlan-contract.md §10.3). */
  async jsonWithText<T>(req: JsonRequest<T>): Promise<{ data: T; text: string }> {
    const api = req.api ?? API_PREFIX
    const endpoint = `${req.method} ${api}${api === API_PREFIX ? req.path : req.path.split('?')[0]}`
    const url = `${this.baseUrl}${api}${req.path}`
    const body = req.raw
      ? req.raw.bytes
      : req.body === undefined
        ? undefined
        : JSON.stringify(req.body)
    const submit = req.retry === 'submit'
    // Stopping a run is cleanup: it comes when the time is up, and must still be retried.
    const deadline =
      this.deadline !== undefined && /\/stop(\?|$)/.test(req.path)
        ? Math.max(this.deadline, this.clock.now() + CLEANUP_BUDGET_MS)
        : this.deadline
    try {
      return await withRetry(() => this.#once(req, endpoint, url, body), {
        policy: this.policy,
        clock: this.clock,
        log: this.log,
        deadline,
        label: endpoint,
        shouldRetry: (err, n) => (submit ? retrySubmit(err) : retryIdempotent(err, n, this.policy))
      })
    } catch (e) {
      if (submit && e instanceof AtlanError && mayHaveReachedServer(e)) e.markSubmitOutcomeUnknown()
      throw e
    }
  }

  async #once<T>(
    req: JsonRequest<T>,
    endpoint: string,
    url: string,
    body?: string | Uint8Array
  ): Promise<{ data: T; text: string }> {
    const startsWork = req.startsWork ?? startsWorkByDefault(req.method, req.path)
    if (startsWork) this.assertNotCancelled(endpoint)
    const requestId = randomUUID()
    const timeoutMs = this.attemptTimeoutMs(this.requestTimeoutMs)
    const ctx: RequestContext = {
      endpoint,
      requestId,
      service: 'atlan',
      host: hostOf(url),
      proxy: proxyFor(url),
      timeoutMs,
      notFoundHint: req.notFoundHint
    }
    const timeout = AbortSignal.timeout(timeoutMs)
    // A signal interrupts a request that starts work (a slow submit): the post step then finds
    // and stops the run it may have started. Searches and stops run on to their timeout.
    const signal = startsWork ? this.withCancel(timeout) : timeout
    const started = this.clock.now()
    let status: number
    let text: string
    let over: boolean
    let headers: FetchResponse['headers']
    try {
      const res = await this.fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${this.#apiKey}`,
          accept: 'application/json',
          'content-type': req.raw?.contentType ?? 'application/json',
          'x-atlan-request-id': requestId,
          'user-agent': this.userAgent
        },
        body,
        signal,
        // A redirect means a wrong base URL or a login page; following it would hide that.
        redirect: 'manual'
      })
      status = res.status
      headers = res.headers
      const ok = status >= 200 && status < 300
      ;({ text, over } = await readCapped(res, ok ? MAX_RESPONSE_BYTES : MAX_ERROR_BODY_BYTES))
      if (ok && over) throw tooLargeError(ctx, status, MAX_RESPONSE_BYTES)
    } catch (e) {
      if (startsWork && this.signal?.aborted && !timeout.aborted)
        throw new CancelledError(
          `The job was cancelled while ${endpoint} was in flight; Atlan may have started a run.`,
          { cause: e }
        )
      throw errorFromException(ctx, e, timeout.aborted)
    }
    this.log.debug(
      `${endpoint} -> ${status} in ${this.clock.now() - started} ms (request id ${requestId})`
    )
    if (status < 200 || status >= 300) {
      throw errorFromStatus(ctx, status, this.redact(text), {
        retryAfterMs: parseRetryAfter(headers.get('retry-after'), this.clock.now()),
        location: headers.get('location')
      })
    }
    return { data: parseJson(ctx, status, text, req.schema, req.prepare), text }
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

/** Failures after which a submit may have been acted on by the server. */
function mayHaveReachedServer(err: AtlanError): boolean {
  if (err.notSent) return false
  return (
    err.kind === 'server' ||
    err.kind === 'timeout' ||
    err.kind === 'network' ||
    err.kind === 'malformed'
  )
}

function parseJson<T>(
  ctx: RequestContext,
  status: number,
  text: string,
  schema: z.ZodType<T>,
  prepare: (data: unknown) => unknown = data => data
): T {
  let data: unknown
  if (text.trim()) {
    try {
      data = JSON.parse(text)
    } catch {
      throw malformedError(ctx, status, 'the body is not JSON')
    }
  }
  const parsed = schema.safeParse(prepare(data))
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map(i => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
      .join('; ')
    throw malformedError(ctx, status, issues || 'unexpected shape')
  }
  return parsed.data
}
