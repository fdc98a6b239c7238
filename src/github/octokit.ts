// The one GitHub client (check runs). @actions/github routes it through the runner's proxy
// (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, via @actions/http-client); that choice is made when
// @actions/github is first imported, which is when main.ts first needs the client.
//
// No @octokit/plugin-throttling: it spaces every write by 1 s and queues requests, which a step
// making a handful of sequential check-run writes does not need (GitHub's secondary limits are
// about bursts of tens of writes a minute). What it did beyond that, honouring Retry-After /
// x-ratelimit-reset, plugin-retry does not do (it waits (n+1)² s and ignores the headers), so the
// rate-limit hook below keeps that part: one retry after the wait GitHub asks for, when short.
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { RequestError } from '@octokit/request-error'
import { log } from '../report/untrusted.js'

export type Octokit = ReturnType<typeof getOctokit>

interface OctokitOptions {
  /** API root; default GITHUB_API_URL (GHES: https://host/api/v3), else api.github.com. */
  baseUrl?: string
  /** Milliseconds per second of Retry-After; tests shrink it. */
  retryAfterBaseMs?: number
  /** A rate limit that resets later than this (seconds) is not waited for. */
  maxRateLimitWaitS?: number
  /** Where retry notes go; default the step log. */
  info?: (message: string) => void
  /** Aborts every request of this client (a time budget for a whole report surface). */
  signal?: AbortSignal
  /** How long one request may go unanswered; default GITHUB_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number
}

/**
 * One request's limit: a report surface must never hold the step up, and a GitHub API that
 * accepts the connection but never answers would otherwise wait as long as the socket lives.
 */
export const GITHUB_REQUEST_TIMEOUT_MS = 10_000

/** Why a request was abandoned; networkFailure (checks.ts) shows its message. */
export class GitHubRequestTimeout extends Error {
  override readonly name = 'TimeoutError'
  constructor(readonly ms: number) {
    super(`no answer within ${Math.round(ms / 100) / 10} s`)
  }
}

// Every 4xx is an answer, not a glitch; rate limits (403/429) are the hook's job.
const ALL_4XX = Array.from({ length: 100 }, (_, i) => 400 + i)
// A 5xx or an unreachable API (Octokit reports that as 500 too) gets two more tries, 1 s and 4 s
// later: a short, bounded retry for a report that must never hold the step up for long.
const RETRIES = 2
// GitHub's advice for a secondary limit that names no Retry-After: wait at least a minute.
const SECONDARY_FALLBACK_S = 60

function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
}

/** Seconds GitHub asks us to wait, and which limit it is; undefined when not a rate limit. */
export function rateLimitWait(
  error: unknown,
  nowS = Date.now() / 1000
): { kind: 'primary' | 'secondary'; waitS: number } | undefined {
  if (!(error instanceof RequestError) || (error.status !== 403 && error.status !== 429))
    return undefined
  const headers = error.response?.headers ?? {}
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset'])
    return { kind: 'primary', waitS: Math.max(0, Math.ceil(reset - nowS)) }
  }
  const retryAfter = Number(headers['retry-after'])
  if (error.status === 429 || /secondary rate/i.test(error.message) || headers['retry-after']) {
    const waitS = Number.isFinite(retryAfter) ? retryAfter : SECONDARY_FALLBACK_S
    return { kind: 'secondary', waitS }
  }
  return undefined
}

/**
 * Every request gets its own time limit, and the client's `signal` when one is given. Set per
 * request, not in the constructor's `request` option, which would replace @actions/github's
 * proxy-aware fetch (octokit merges that option shallowly).
 */
function timeoutPlugin(ms: number, outer?: AbortSignal) {
  return (octokit: { hook: Octokit['hook'] }): void => {
    octokit.hook.wrap('request', async (request, options) => {
      const timer = new AbortController()
      const timeout = setTimeout(() => timer.abort(new GitHubRequestTimeout(ms)), ms)
      const before = options.request
      const signals = [timer.signal, outer, before?.signal].filter(s => s !== undefined)
      // Set on the options object itself: the hooks inside this one (token auth) read that
      // object, not the argument passed on.
      options.request = { ...before, signal: AbortSignal.any(signals) }
      try {
        return await request(options)
      } finally {
        clearTimeout(timeout)
        options.request = before
      }
    })
  }
}

export function createOctokit(token: string, opts: OctokitOptions = {}): Octokit {
  const info = opts.info ?? log.info
  const maxWait = opts.maxRateLimitWaitS ?? 60
  const base = opts.retryAfterBaseMs ?? 1000

  const octokit = getOctokit(
    token,
    {
      // Read at call time, so a GITHUB_API_URL set after import still counts.
      baseUrl: opts.baseUrl ?? apiBaseUrl(),
      userAgent: 'atlan-lineage-action',
      log: { debug: log.debug, info: log.debug, warn: info, error: info },
      retry: { doNotRetry: ALL_4XX, retryAfterBaseValue: base, retries: RETRIES }
    },
    // Before retry, so each try gets its own limit (a plugin registered earlier wraps closer).
    timeoutPlugin(opts.requestTimeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS, opts.signal),
    retry
  )
  // Retry a rate limit once, and only when the wait is short: the check run is not worth
  // holding the job for an hour.
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await request(options)
    } catch (error) {
      const limit = rateLimitWait(error)
      if (!limit) throw error
      const what = `GitHub API ${limit.kind} rate limit on ${options.method} ${options.url}`
      if (limit.waitS > maxWait) {
        info(`${what}; giving up`)
        throw error
      }
      info(`${what}; retrying once in ${limit.waitS}s`)
      await new Promise(resolve => setTimeout(resolve, limit.waitS * base))
      try {
        return await request(options)
      } catch (again) {
        if (rateLimitWait(again)) info(`${what}; giving up`)
        throw again
      }
    }
  })
  return octokit
}
