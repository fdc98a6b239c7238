// Test doubles for the Atlan client: a scripted fetch that records requests, a virtual clock
// whose sleep returns at once, and a logger that keeps every line.
import { AtlanClient } from '../../src/atlan/client.js'
import type { AtlanClientOptions } from '../../src/atlan/client.js'
import type { FetchInit, FetchResponse } from '../../src/atlan/transport.js'

export const API_KEY = 'sk-test-SECRET-0123456789abcdef'
export const BASE = 'https://acme.atlan.com'

export interface Call {
  url: string
  method: string
  headers: Record<string, string>
  body: unknown
}

export type Step = FetchResponse | Error | ((call: Call) => FetchResponse | Error)

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers }
  })
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers })
}

/** An error shaped like undici's `TypeError: fetch failed` with a coded cause. */
export function netError(code: string): Error {
  const cause = Object.assign(new Error(`${code} (simulated)`), { code })
  return new TypeError('fetch failed', { cause })
}

export function timeoutError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError')
}

export class FakeFetch {
  calls: Call[] = []
  constructor(private steps: Step[]) {}

  /** Adds more scripted replies. */
  push(...steps: Step[]): this {
    this.steps.push(...steps)
    return this
  }

  fetch = async (url: string, init: FetchInit): Promise<FetchResponse> => {
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body
    const call: Call = { url, method: init.method, headers: { ...init.headers }, body }
    this.calls.push(call)
    let step = this.steps.shift()
    if (step === undefined) throw new Error(`unexpected request ${init.method} ${url}`)
    if (typeof step === 'function') step = step(call)
    // DOMException is not an Error subclass inside Jest's VM context.
    if (step instanceof Error || step instanceof DOMException) throw step
    return step
  }
}

export class FakeClock {
  t = 1_700_000_000_000
  sleeps: number[] = []
  randoms: number[] = []
  now = (): number => this.t
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms)
    this.t += ms
  }
  random = (): number => {
    const r = Math.random()
    this.randoms.push(r)
    return r
  }
}

export class MemoryLog {
  lines: string[] = []
  debug = (m: string): void => void this.lines.push(`debug: ${m}`)
  info = (m: string): void => void this.lines.push(`info: ${m}`)
  warning = (m: string): void => void this.lines.push(`warning: ${m}`)
}

export function makeClient(
  steps: Step[],
  opts: Partial<AtlanClientOptions> = {}
): { client: AtlanClient; fake: FakeFetch; clock: FakeClock; log: MemoryLog } {
  const fake = new FakeFetch(steps)
  const clock = new FakeClock()
  const log = new MemoryLog()
  const client = new AtlanClient({
    baseUrl: BASE,
    apiKey: API_KEY,
    version: '1.2.3',
    requestTimeoutMs: 30_000,
    family: 'workflows',
    fetch: fake.fetch,
    sleep: clock.sleep,
    now: clock.now,
    random: clock.random,
    log,
    ...opts
  })
  return { client, fake, clock, log }
}

/** A client on the real transport (undici, no fakes) aimed at `baseUrl`, with short retry waits. */
export function realClient(baseUrl: string, opts: Partial<AtlanClientOptions> = {}): AtlanClient {
  return new AtlanClient({
    baseUrl,
    apiKey: API_KEY,
    version: 'test',
    requestTimeoutMs: 2000,
    family: 'workflows',
    log: new MemoryLog(),
    retry: { baseMs: 1, capMs: 5 },
    ...opts
  })
}

/** An index-search envelope (docs/atlan-contract.md §3.4) around the given hits. */
export function envelope(hits: Array<{ _id: string; _source: unknown }>): unknown {
  return {
    took: 3,
    timed_out: false,
    hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }
  }
}

export function runHit(
  id: string,
  workflow: string,
  status: Record<string, unknown>,
  created = '2026-01-01T00:00:00Z'
): { _id: string; _source: unknown } {
  return {
    _id: id,
    _source: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: id, namespace: 'default', creationTimestamp: created, labels: {} },
      spec: { workflowTemplateRef: { name: workflow } },
      status
    }
  }
}
