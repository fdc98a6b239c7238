// Full-jitter exponential back-off that honours Retry-After and never waits past the deadline
// (docs/atlan-contract.md §7). Time, sleep and randomness are injected so tests never wait.
import type { Clock, Logger } from '../runtime.js'
import { AtlanError } from './errors.js'

/** Error code of a reply above the size cap: reading it again would only repeat the download. */
export const TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE'

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number
  baseMs: number
  capMs: number
  /** A longer Retry-After is cut to this. */
  maxRetryAfterMs: number
  /** Total attempts for a 403: permissions granted in Atlan propagate late (java HttpClient). */
  permissionAttempts: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseMs: 1000,
  capMs: 30_000,
  maxRetryAfterMs: 120_000,
  permissionAttempts: 3
}

/** Wait before retry number `retry` (1 = first retry): random() * min(cap, base * 2^(retry-1)). */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random() * ceiling)
}

/**
 * The wait a Retry-After asks for, clamped to [baseMs, maxRetryAfterMs]: `0` or a date in the
 * past must not turn the retries into a burst, and a huge value is cut (the deadline check in
 * withRetry then gives up at once instead of sleeping past the time left).
 */
function retryAfterWait(retryAfterMs: number, policy: RetryPolicy): number {
  return Math.min(Math.max(retryAfterMs, policy.baseMs), policy.maxRetryAfterMs)
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `nowMs`; undefined if absent/invalid. */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number
): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

/** Which failures a normal (idempotent or harmless-to-repeat) request retries. */
export function retryIdempotent(err: AtlanError, attempt: number, policy: RetryPolicy): boolean {
  if (err.kind === 'permission') return attempt < policy.permissionAttempts
  // A cut or garbled body (a proxy, a restarting pod) deserves one more read; a reply that is
  // malformed twice is a real incompatibility.
  if (err.kind === 'malformed') return attempt < 2 && err.code !== TOO_LARGE
  return err.retryable
}

/** A submit is resent only when the server provably did not act on it. */
export function retrySubmit(err: AtlanError): boolean {
  return err.kind === 'rate_limited' || (err.notSent && err.retryable)
}

interface RetryOptions {
  policy: RetryPolicy
  clock: Clock
  log: Logger
  /** Epoch ms; no wait may end after it. */
  deadline?: number
  /** For log lines, e.g. `POST /api/service/runs/indexsearch`. */
  label: string
  shouldRetry(err: AtlanError, attempt: number): boolean
}

/** Runs `attempt` until it succeeds, a failure is final, attempts run out or the deadline nears. */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  opts: RetryOptions
): Promise<T> {
  const { policy, clock, log } = opts
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (e) {
      if (!(e instanceof AtlanError)) throw e
      e.withAttempts(n)
      if (n >= policy.maxAttempts || !opts.shouldRetry(e, n)) throw e
      const wait =
        e.retryAfterMs !== undefined
          ? retryAfterWait(e.retryAfterMs, policy)
          : backoffMs(n, policy, clock.random)
      if (opts.deadline !== undefined && clock.now() + wait >= opts.deadline) {
        log.debug(
          `${opts.label}: attempt ${n} failed (${e.reason}); not retrying, the next attempt would pass the deadline` +
            (e.retryAfterMs !== undefined ? ` (Retry-After asked for ${e.retryAfterMs} ms)` : '')
        )
        throw e
      }
      log.debug(
        `${opts.label}: attempt ${n}/${policy.maxAttempts} failed (${e.reason}); retrying in ${wait} ms` +
          (e.retryAfterMs !== undefined ? ' (Retry-After)' : '')
      )
      await clock.sleep(wait)
    }
  }
}
