// One error type for everything the Atlan client can fail with. The message always names the
// cause and the fix; it is built only from the endpoint, the status and the (redacted) server
// reply, so the API key can never end up in it.

type AtlanErrorKind =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'legacy_removed'
  | 'bad_request'

export interface AtlanErrorInit {
  kind: AtlanErrorKind
  status?: number
  /** Method + path, e.g. `POST /api/service/runs/indexsearch`; never a host or a signed query. */
  endpoint: string
  requestId: string
  retryable: boolean
  /** What happened, one sentence. */
  summary: string
  /** How to fix it, one sentence or two. */
  hint: string
  /** What the server said (already redacted and shortened), if anything. */
  detail?: string
  /** Short reason for debug logs, e.g. `HTTP 503`, `ECONNRESET`. */
  reason: string
  /** Delay the server asked for (Retry-After), in ms. */
  retryAfterMs?: number
  /** True when the request provably never reached the server (refused, DNS, connect timeout). */
  notSent?: boolean
  /** Low-level error code (ECONNRESET, UND_ERR_CONNECT_TIMEOUT, ...), when there is one. */
  code?: string
  cause?: unknown
}

export class AtlanError extends Error {
  override readonly name = 'AtlanError'
  readonly kind: AtlanErrorKind
  readonly status?: number
  readonly endpoint: string
  readonly requestId: string
  readonly retryable: boolean
  readonly summary: string
  readonly detail?: string
  readonly reason: string
  readonly retryAfterMs?: number
  readonly notSent: boolean
  readonly code?: string
  hint: string
  /** How many attempts were made before giving up. */
  attempts = 1
  /**
   * Set on a failed submit, rerun or workflow update that may still have reached Atlan (timeout,
   * reset, 5xx or an unreadable reply after sending). The caller must look for its effect (the
   * run, the updated workflow) before sending it again.
   */
  submitOutcomeUnknown = false

  constructor(init: AtlanErrorInit) {
    super('', init.cause === undefined ? undefined : { cause: init.cause })
    this.kind = init.kind
    this.status = init.status
    this.endpoint = init.endpoint
    this.requestId = init.requestId
    this.retryable = init.retryable
    this.summary = init.summary
    this.hint = init.hint
    this.detail = init.detail
    this.reason = init.reason
    this.retryAfterMs = init.retryAfterMs
    this.notSent = init.notSent ?? false
    this.code = init.code
    this.compose()
  }

  /** Records the attempt count (shown in the message when > 1). */
  withAttempts(attempts: number): this {
    this.attempts = attempts
    this.compose()
    return this
  }

  /** Marks a submit whose effect on the server is unknown; see submitOutcomeUnknown. */
  markSubmitOutcomeUnknown(): this {
    this.submitOutcomeUnknown = true
    this.hint =
      'The request may still have reached Atlan and started a run, so it was not resent; ' +
      'look for a new run before submitting again.'
    this.compose()
    return this
  }

  private compose(): void {
    // A request that never reached the server has no request id worth quoting to anyone.
    const context = this.notSent ? [this.endpoint] : [this.endpoint, `request id ${this.requestId}`]
    if (this.attempts > 1) context.push(`${this.attempts} attempts`)
    if (this.detail) context.push(`server said: ${this.detail}`)
    this.message = `${this.summary} ${this.hint} [${context.join('; ')}]`
  }
}

/** True for failures that may go away by themselves (rate limit, 5xx, network, timeout). */
export function isTransient(err: unknown): boolean {
  return err instanceof AtlanError && err.retryable
}
