// HTTP to Atlan: auth and tracing headers, per-request timeout, retries, proxy support, JSON
// parsing with schema checks, and redaction of the API key from anything that gets logged.
import { redact as redactSecrets } from '../config/redact.js'
import { randomUUID } from 'node:crypto'
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'
import type { z } from 'zod'
import { errorFromException, errorFromStatus, malformedError } from './error-mapping.js'
import type { RequestContext } from './error-mapping.js'
import { AtlanError } from './errors.js'
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryIdempotent,
  retrySubmit,
  withRetry
} from './retry.js'
import type { Clock, Logger, RetryPolicy } from './retry.js'

/** The subset of fetch this client uses, so tests can inject a fake. */
export interface FetchInit {
  method: string
  headers: Record<string, string>
  body?: string | Uint8Array | AsyncIterable<Uint8Array>
  signal?: AbortSignal
  redirect?: 'manual' | 'follow' | 'error'
  duplex?: 'half'
}

export interface FetchResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>

/**
 * undici fetch with one EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY
 * (and their lower-case forms). The agent reads the environment when it is built.
 */
export function proxyAwareFetch(): { fetch: FetchLike; close(): Promise<void> } {
  const dispatcher = new EnvHttpProxyAgent()
  const fetch: FetchLike = (url, init) =>
    undiciFetch(url, { ...init, dispatcher } as Parameters<typeof undiciFetch>[1])
  return { fetch, close: () => dispatcher.close() }
}

export const API_PREFIX = '/api/service/'

export interface TransportOptions {
  baseUrl: string
  apiKey: string
  version: string
  requestTimeoutMs: number
  deadline?: number
  fetch: FetchLike
  clock: Clock
  log: Logger
  retry?: Partial<RetryPolicy>
}

export interface JsonRequest<T> {
  method: 'GET' | 'POST' | 'DELETE'
  /** Relative to `api` (default /api/service/), e.g. `runs/indexsearch` or `workflows?submit=true`. */
  path: string
  /** The API root: /api/service/ (workflows) or /api/meta/ (assets, docs/atlan-contract.md §10.5). */
  api?: string
  body?: unknown
  /** A body that is not JSON (multipart), sent as is with its content type instead of `body`. */
  raw?: { contentType: string; bytes: Uint8Array }
  schema: z.ZodType<T>
  /** `submit`: resend only when the server provably did not act on the request. */
  retry?: 'idempotent' | 'submit'
  notFoundHint?: string
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
    const api = req.api ?? API_PREFIX
    const endpoint = `${req.method} ${api}${api === API_PREFIX ? req.path : req.path.split('?')[0]}`
    const url = `${this.baseUrl}${api}${req.path}`
    const body = req.raw
      ? req.raw.bytes
      : req.body === undefined
        ? undefined
        : JSON.stringify(req.body)
    const submit = req.retry === 'submit'
    try {
      return await withRetry(() => this.#once(req, endpoint, url, body), {
        policy: this.policy,
        clock: this.clock,
        log: this.log,
        deadline: this.deadline,
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
  ): Promise<T> {
    const requestId = randomUUID()
    const timeoutMs = this.attemptTimeoutMs(this.requestTimeoutMs)
    const ctx: RequestContext = {
      endpoint,
      requestId,
      service: 'atlan',
      timeoutMs,
      notFoundHint: req.notFoundHint
    }
    const signal = AbortSignal.timeout(timeoutMs)
    const started = this.clock.now()
    let status: number
    let text: string
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
      text = await res.text()
    } catch (e) {
      throw errorFromException(ctx, e, signal.aborted)
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
    return parseJson(ctx, status, text, req.schema)
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

function parseJson<T>(ctx: RequestContext, status: number, text: string, schema: z.ZodType<T>): T {
  let data: unknown
  if (text.trim()) {
    try {
      data = JSON.parse(text)
    } catch {
      throw malformedError(ctx, status, 'the body is not JSON')
    }
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map(i => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
      .join('; ')
    throw malformedError(ctx, status, issues || 'unexpected shape')
  }
  return parsed.data
}
