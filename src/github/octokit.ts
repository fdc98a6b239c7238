// The one GitHub client (check runs). @actions/github routes it through the runner's proxy
// (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, via @actions/http-client); that choice is made when
// @actions/github is first imported, which on a runner is process start.
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { log } from '../report/untrusted.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface OctokitOptions {
  /** API root; default GITHUB_API_URL (GHES: https://host/api/v3), else api.github.com. */
  baseUrl?: string
  /** Milliseconds per second of Retry-After; tests shrink it. */
  retryAfterBaseMs?: number
  /** A rate limit that resets later than this (seconds) is not waited for. */
  maxRateLimitWaitS?: number
  /** Where retry notes go; default the step log. */
  info?: (message: string) => void
}

// Every 4xx is an answer, not a glitch; rate limits (403/429) are the throttling plugin's job.
const ALL_4XX = Array.from({ length: 100 }, (_, i) => 400 + i)

export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
}

export function createOctokit(token: string, opts: OctokitOptions = {}): Octokit {
  const info = opts.info ?? log.info
  const maxWait = opts.maxRateLimitWaitS ?? 60
  const base = opts.retryAfterBaseMs ?? 1000

  // Retry a rate limit once, and only when the wait is short: the check run is not worth
  // holding the job for an hour.
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _o: unknown, count: number) => {
      const what = `GitHub API ${kind} rate limit on ${options.method} ${options.url}`
      if (count >= 1 || retryAfter > maxWait) {
        info(`${what}; giving up`)
        return false
      }
      info(`${what}; retrying once in ${retryAfter}s`)
      return true
    }

  return getOctokit(
    token,
    {
      // Read at call time, so a GITHUB_API_URL set after import still counts.
      baseUrl: opts.baseUrl ?? apiBaseUrl(),
      userAgent: 'atlan-lineage-action',
      log: { debug: log.debug, info: log.debug, warn: info, error: info },
      retry: { doNotRetry: ALL_4XX, retryAfterBaseValue: base },
      throttle: {
        retryAfterBaseValue: base,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary')
      }
    },
    retry,
    throttling
  )
}
