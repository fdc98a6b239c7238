// Retry policy: which failures are retried, how long the waits are, Retry-After, the deadline.
import { describe, expect, it } from '@jest/globals'
import { AtlanError } from '../../src/atlan/errors.js'
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  withRetry
} from '../../src/atlan/retry.js'
import {
  envelope,
  FakeClock,
  json,
  makeClient,
  MemoryLog,
  netError,
  text,
  timeoutError
} from './fakes.js'
import type { Step } from './fakes.js'

const ok = () => json(200, envelope([]))

async function run(steps: Step[], opts: Parameters<typeof makeClient>[1] = {}) {
  const h = makeClient(steps, opts)
  const result = await h.client.getRun('wf-1-abcde').then(
    v => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e: e as AtlanError })
  )
  return { ...h, result }
}

describe('what is retried', () => {
  it.each([
    ['429', () => json(429, {})],
    ['500', () => text(500, 'x')],
    ['502', () => text(502, 'x')],
    ['503', () => text(503, 'x')],
    ['504', () => text(504, 'x')],
    ['ECONNRESET', () => netError('ECONNRESET')],
    ['ECONNREFUSED', () => netError('ECONNREFUSED')],
    ['timeout', () => timeoutError()]
  ])('%s is retried, then succeeds', async (_label, fail) => {
    const { fake, result, clock } = await run([fail(), fail(), ok()])
    expect(result.ok).toBe(true)
    expect(fake.calls).toHaveLength(3)
    expect(clock.sleeps).toHaveLength(2)
  })

  it.each([400, 401, 404, 409, 422])('%i is never retried', async status => {
    const { fake, result, clock } = await run([json(status, {}), ok()])
    expect(result.ok).toBe(false)
    expect(fake.calls).toHaveLength(1)
    expect(clock.sleeps).toHaveLength(0)
  })

  it('403 is retried a few times (3 attempts), then fails as permission', async () => {
    const forbidden = () => json(403, {})
    const { fake, result } = await run([forbidden(), forbidden(), forbidden(), ok()])
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.e.kind).toBe('permission')
      expect(result.e.attempts).toBe(3)
    }
    expect(fake.calls).toHaveLength(3)
  })

  it('403 that clears up succeeds', async () => {
    const { result } = await run([json(403, {}), ok()])
    expect(result.ok).toBe(true)
  })

  it('gives up after 6 attempts and says so', async () => {
    const steps = Array.from({ length: 10 }, () => text(503, 'down'))
    const { fake, result, clock, log } = await run(steps)
    expect(fake.calls).toHaveLength(6)
    expect(clock.sleeps).toHaveLength(5)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.e.attempts).toBe(6)
      expect(result.e.message).toContain('6 attempts')
    }
    const retries = log.lines.filter(l => l.includes('retrying in'))
    expect(retries).toHaveLength(5)
    expect(retries[0]).toMatch(
      /^debug: POST \/api\/service\/runs\/indexsearch: attempt 1\/6 failed \(HTTP 503\)/
    )
    expect(retries[4]).toContain('attempt 5/6')
  })

  it('each attempt has a fresh request id', async () => {
    const { fake } = await run([text(503, ''), ok()])
    expect(fake.calls[0].headers['x-atlan-request-id']).not.toBe(
      fake.calls[1].headers['x-atlan-request-id']
    )
  })

  it('maxAttempts is configurable', async () => {
    const { fake } = await run([text(503, ''), text(503, ''), ok()], { retry: { maxAttempts: 2 } })
    expect(fake.calls).toHaveLength(2)
  })
})

describe('back-off', () => {
  it('is full jitter: random() * min(cap, base * 2^n), base 1 s, cap 30 s', () => {
    const p = DEFAULT_RETRY_POLICY
    expect([1, 2, 3, 4, 5, 6, 7].map(n => backoffMs(n, p, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 15999, 29999, 29999
    ])
    expect(backoffMs(3, p, () => 0)).toBe(0)
    expect(backoffMs(2, p, () => 0.5)).toBe(1000)
  })

  it('waits stay within the jitter bounds', async () => {
    const steps = Array.from({ length: 6 }, () => text(502, ''))
    const { clock } = await run(steps)
    expect(clock.sleeps).toHaveLength(5)
    clock.sleeps.forEach((ms, i) => {
      const ceiling = Math.min(30_000, 1000 * 2 ** i)
      expect(ms).toBeGreaterThanOrEqual(0)
      expect(ms).toBeLessThan(ceiling)
      expect(ms).toBe(Math.floor(clock.randoms[i] * ceiling))
    })
  })
})

describe('Retry-After', () => {
  it('seconds: the injected sleep sees exactly that wait', async () => {
    const { clock, result } = await run([json(429, {}, { 'retry-after': '12' }), ok()])
    expect(result.ok).toBe(true)
    expect(clock.sleeps).toEqual([12_000])
  })

  it('an HTTP date', async () => {
    const h = makeClient([])
    const inFive = new Date(h.clock.t + 5000).toUTCString()
    const { clock } = await run([text(503, '', { 'retry-after': inFive }), ok()])
    expect(clock.sleeps[0]).toBeGreaterThan(3000)
    expect(clock.sleeps[0]).toBeLessThanOrEqual(5000)
  })

  it('is capped at 120 s', async () => {
    const { clock } = await run([json(429, {}, { 'retry-after': '3600' }), ok()])
    expect(clock.sleeps).toEqual([120_000])
  })

  it('parseRetryAfter', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000)
    expect(parseRetryAfter('1.5', 0)).toBe(1500)
    expect(parseRetryAfter(null, 0)).toBeUndefined()
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000)
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 60_000)).toBe(0)
  })
})

describe('row 13: Retry-After is clamped to [back-off floor, time left]', () => {
  const rateLimited = (retryAfter: string) =>
    json(429, {}, { 'retry-after': retryAfter }) as unknown as Response

  it.each(['0', '-5'])('Retry-After: %s waits at least the back-off floor', async value => {
    const { client, clock } = makeClient(
      [rateLimited(value), rateLimited(value), json(200, { hits: { hits: [] } })],
      { requestTimeoutMs: 1000 }
    )
    await client.getRun('wf-1-abcde')
    expect(clock.sleeps).toHaveLength(2)
    for (const s of clock.sleeps) expect(s).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.baseMs)
  })

  it('Retry-After far beyond the time left: no wait at all, the error comes at once', async () => {
    const { client, fake, clock } = makeClient(
      [rateLimited('999999'), json(200, { hits: { hits: [] } })],
      {
        requestTimeoutMs: 1000,
        deadline: new FakeClock().now() + 60_000
      }
    )
    const e = (await client.getRun('wf-1-abcde').catch((x: unknown) => x)) as AtlanError
    expect(e.kind).toBe('rate_limited')
    expect(clock.sleeps).toEqual([])
    expect(fake.calls).toHaveLength(1)
  })

  it('a stop sent after the deadline (on_timeout: cancel) is still retried', async () => {
    const { client, fake } = makeClient([json(503, {}), json(200, {})], {
      requestTimeoutMs: 1000,
      deadline: new FakeClock().now() - 1
    })
    await client.stopRun('wf-1-abcde')
    expect(fake.calls).toHaveLength(2)
  })

  it('withRetry never sleeps past the deadline', async () => {
    const clock = new FakeClock()
    let n = 0
    const err = () =>
      Object.assign(
        new AtlanError({
          kind: 'rate_limited',
          endpoint: 'GET x',
          requestId: 'r',
          retryable: true,
          summary: 's',
          hint: 'h',
          reason: '429',
          retryAfterMs: 50_000
        })
      )
    await expect(
      withRetry(
        async () => {
          n++
          throw err()
        },
        {
          policy: DEFAULT_RETRY_POLICY,
          clock,
          log: new MemoryLog(),
          deadline: clock.now() + 120_000,
          label: 'x',
          shouldRetry: () => true
        }
      )
    ).rejects.toBeInstanceOf(AtlanError)
    // 50 s fits once (t=50 s), twice (t=100 s); a third wait would pass 120 s.
    expect(clock.sleeps).toEqual([50_000, 50_000])
    expect(n).toBe(3)
  })
})

describe('deadline', () => {
  it('fails at once with the last error when the next wait would cross the deadline', async () => {
    const h = makeClient([])
    const deadline = h.clock.t + 10_000
    const { fake, clock, result, log } = await run([json(429, {}, { 'retry-after': '20' }), ok()], {
      deadline
    })
    expect(fake.calls).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.e.kind).toBe('rate_limited')
    expect(log.lines.some(l => l.includes('would pass the deadline'))).toBe(true)
  })

  it('never sleeps past the deadline', async () => {
    const h = makeClient([])
    const deadline = h.clock.t + 5_000
    const steps = Array.from({ length: 6 }, () => text(503, ''))
    const { clock } = await run(steps, { deadline, random: () => 0.99 })
    expect(clock.t).toBeLessThan(deadline)
    // 990 + 1980 fit; the next 3960 would not.
    expect(clock.sleeps).toEqual([990, 1980])
  })

  it('cuts the per-request timeout to the time left', async () => {
    const h = makeClient([])
    const deadline = h.clock.t + 2_000
    const { result } = await run([timeoutError()], { deadline, retry: { maxAttempts: 1 } })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.e.message).toContain('within 2 s')
  })
})
