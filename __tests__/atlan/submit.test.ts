// Submits and reruns are never resent once they may have reached Atlan (docs/atlan-contract.md §7).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { AtlanError } from '../../src/atlan/errors.js'
import { json, makeClient, netError, text, timeoutError } from './fakes.js'
import type { Step } from './fakes.js'

const submitted = () => json(200, { metadata: { name: 'csa-lineage-builder-1700000000' } })
const rerunOk = () => json(200, { metadata: { name: 'wf-abcde' }, status: { phase: 'Pending' } })

type Op = 'submit' | 'rerun'

async function call(op: Op, steps: Step[]) {
  const h = makeClient(steps)
  const p = op === 'submit' ? h.client.submitWorkflow({ metadata: {} }) : h.client.rerun('wf')
  const result = await p.then(
    v => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e: e as AtlanError })
  )
  return { ...h, result }
}

describe.each<Op>(['submit', 'rerun'])('%s', op => {
  const success = op === 'submit' ? submitted : rerunOk

  it.each([
    ['503', () => text(503, 'unavailable')],
    ['500', () => text(500, 'oops')],
    ['502', () => text(502, '')],
    ['504', () => text(504, '')],
    ['timeout', () => timeoutError()],
    ['ECONNRESET', () => netError('ECONNRESET')],
    ['UND_ERR_SOCKET', () => netError('UND_ERR_SOCKET')],
    ['malformed reply', () => text(200, 'not json')]
  ])('after %s: sent once, submitOutcomeUnknown', async (_label, fail) => {
    const { fake, result, clock } = await call(op, [fail(), success()])
    expect(fake.calls).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.e).toBeInstanceOf(AtlanError)
      expect(result.e.submitOutcomeUnknown).toBe(true)
      expect(result.e.message).toContain('may still have reached Atlan')
    }
  })

  it('after 429: retried (the server refused it), honouring Retry-After', async () => {
    const { fake, result, clock } = await call(op, [
      json(429, {}, { 'retry-after': '2' }),
      success()
    ])
    expect(result.ok).toBe(true)
    expect(fake.calls).toHaveLength(2)
    expect(clock.sleeps).toEqual([2000])
  })

  it.each(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT'])(
    'after %s (never reached the server): retried',
    async code => {
      const { fake, result } = await call(op, [netError(code), netError(code), success()])
      expect(result.ok).toBe(true)
      expect(fake.calls).toHaveLength(3)
    }
  )

  it.each(['ENOTFOUND', 'EAI_AGAIN'])(
    'after %s (host not resolved): not retried, outcome known',
    async code => {
      const { fake, result } = await call(op, [netError(code), success()])
      expect(fake.calls).toHaveLength(1)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.e.submitOutcomeUnknown).toBe(false)
    }
  )

  it('429 until attempts run out: the outcome is known (not submitted)', async () => {
    const steps = Array.from({ length: 6 }, () => json(429, {}))
    const { fake, result } = await call(op, steps)
    expect(fake.calls).toHaveLength(6)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.e.kind).toBe('rate_limited')
      expect(result.e.submitOutcomeUnknown).toBe(false)
    }
  })

  it.each([400, 401, 403])('%i: not retried, outcome known', async status => {
    const { fake, result } = await call(op, [json(status, {}), success()])
    expect(fake.calls).toHaveLength(1)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.e.submitOutcomeUnknown).toBe(false)
  })

  it('refused connections until attempts run out: outcome known', async () => {
    const steps = Array.from({ length: 6 }, () => netError('ECONNREFUSED'))
    const { result } = await call(op, steps)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.e.notSent).toBe(true)
      expect(result.e.submitOutcomeUnknown).toBe(false)
    }
  })
})

// Through a proxy, a reset or a closed socket may follow the proxy forwarding the request to Atlan.
describe.each<Op>(['submit', 'rerun'])('%s through an HTTPS proxy', op => {
  const success = op === 'submit' ? submitted : rerunOk
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.HTTPS_PROXY
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128'
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.HTTPS_PROXY
    else process.env.HTTPS_PROXY = saved
  })

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_PRX_TUNNEL'])(
    'after %s: sent once, submitOutcomeUnknown, the connection named as lost',
    async code => {
      const { fake, result } = await call(op, [netError(code), success()])
      expect(fake.calls).toHaveLength(1)
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.e.submitOutcomeUnknown).toBe(true)
        expect(result.e.message).toContain('may still have reached Atlan')
        expect(result.e.message).toContain(
          'The connection through the HTTP proxy http://proxy.corp:3128 to Atlan was lost during POST'
        )
      }
    }
  )

  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'after %s (the proxy was never reached): retried',
    async code => {
      const { fake, result } = await call(op, [netError(code), success()])
      expect(result.ok).toBe(true)
      expect(fake.calls).toHaveLength(2)
    }
  )

  it('a refused CONNECT (the proxy answered 407): retried', async () => {
    const refused = new TypeError('fetch failed', {
      cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling')
    })
    const { fake, result } = await call(op, [refused, success()])
    expect(result.ok).toBe(true)
    expect(fake.calls).toHaveLength(2)
  })
})

describe('stopRun is retried like a normal request', () => {
  it('retries 503 and resets', async () => {
    const { client, fake } = makeClient([
      text(503, ''),
      netError('ECONNRESET'),
      json(200, { status: { phase: 'Running' } })
    ])
    await client.stopRun('wf-abcde')
    expect(fake.calls).toHaveLength(3)
  })
})
