// Which GitHub answers are rate limits, and how long GitHub asks us to wait (octokit.ts retries
// once after that wait when it is short; the retry plugin alone ignores these headers).
import { describe, expect, it } from '@jest/globals'
import { RequestError } from '@octokit/request-error'
import { rateLimitWait } from '../../src/github/octokit.js'

const NOW_S = 1_800_000_000
/** What Octokit throws for an HTTP error answer. */
const err = (status: number, headers: Record<string, string>, message = 'Forbidden') => {
  const url = 'https://api.github.com/repos/o/r/check-runs'
  return new RequestError(message, status, {
    request: { method: 'POST', url, headers: {} },
    response: { status, url, headers, data: { message } }
  })
}

describe('rateLimitWait', () => {
  it('primary: 403 with no requests left waits until x-ratelimit-reset', () => {
    expect(
      rateLimitWait(
        err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW_S + 42) }),
        NOW_S
      )
    ).toEqual({ kind: 'primary', waitS: 42 })
  })

  it('secondary: Retry-After, on 403 or 429', () => {
    expect(rateLimitWait(err(429, { 'retry-after': '7' }), NOW_S)).toEqual({
      kind: 'secondary',
      waitS: 7
    })
    expect(rateLimitWait(err(403, { 'retry-after': '3' }), NOW_S)).toEqual({
      kind: 'secondary',
      waitS: 3
    })
  })

  it('secondary without Retry-After: the minute GitHub advises', () => {
    const e = err(403, {}, 'You have exceeded a secondary rate limit.')
    expect(rateLimitWait(e, NOW_S)).toEqual({ kind: 'secondary', waitS: 60 })
  })

  it('a plain 403, a 404 or a 5xx is not a rate limit', () => {
    expect(rateLimitWait(err(403, {}, 'Resource not accessible by integration'))).toBeUndefined()
    expect(rateLimitWait(err(404, { 'retry-after': '1' }))).toBeUndefined()
    expect(rateLimitWait(err(502, {}))).toBeUndefined()
    expect(rateLimitWait(new Error('socket hang up'))).toBeUndefined()
  })
})
