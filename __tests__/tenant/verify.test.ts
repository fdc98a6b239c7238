// Verification against a fake MetaApi: missing names asked again within index_grace (virtual
// clock), an archived process is missing, rows not checked are counted apart, and a refused
// search (403) checks nothing rather than calling everything missing.
import { expect, it } from '@jest/globals'
import { CancelledError } from '../../src/run/signals.js'
import { verifyProcesses } from '../../src/tenant/verify.js'
import { DBT, FakeMeta, forbidden, unavailable } from './fake-meta.js'

function clock() {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    deps: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms)
        now += ms
      },
      log: { debug: () => undefined }
    }
  }
}

const expected = () =>
  new Map([
    [`${DBT}/p1`, 2],
    [`${DBT}/p2`, 3]
  ])

it('asks again only for what is missing, with back-off, until index_grace has passed', async () => {
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  const c = clock()
  let calls = 0
  meta.onSearch = (_b, real) => {
    if (++calls === 2) meta.process(DBT, 'p2') // indexed after the second search
    return real
  }
  const v = await verifyProcesses(meta, expected(), 4, 10_000, c.deps)
  expect(v).toMatchObject({ verified: 2, missing: [], notChecked: 4, requests: 3 })
  expect(c.sleeps).toEqual([1000, 2000])
})

it('an archived process is missing; the line is the first that expects it', async () => {
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  meta.store.softDelete(meta.process(DBT, 'p2').guid, 0)
  const v = await verifyProcesses(meta, expected(), 0, 0, clock().deps)
  expect(v.missing).toEqual([{ qualifiedName: `${DBT}/p2`, line: 3 }])
})

it('a refused search checks nothing: no process is called missing', async () => {
  const meta = new FakeMeta()
  meta.onSearch = () => {
    throw forbidden('POST /api/meta/search/indexsearch')
  }
  const v = await verifyProcesses(meta, expected(), 1, 10_000, clock().deps)
  // The rows not checked stay rows; the processes left unchecked are counted apart.
  expect(v).toMatchObject({ verified: 0, missing: [], notChecked: 1, unverified: 2 })
  expect(v.stopped).toMatch(/the API token may not read assets/)
})

it('makes at most tenant_search_limit searches: names it could not ask are not checked, never missing', async () => {
  const meta = new FakeMeta()
  const many = new Map(Array.from({ length: 1500 }, (_, i) => [`${DBT}/p${i}`, i + 2]))
  for (let i = 0; i < 1500; i += 2) meta.process(DBT, `p${i}`) // every other one
  const v = await verifyProcesses(meta, many, 0, 60_000, { ...clock().deps, searchLimit: 1 })
  expect(meta.searches).toHaveLength(1)
  expect(v).toMatchObject({ verified: 500, notAsked: 500, limitReached: true, requests: 1 })
  expect(v.missing).toHaveLength(500) // asked once and not found: missing as of that search
})

it('stops asking again when the limit runs out before index_grace', async () => {
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  const c = clock()
  const v = await verifyProcesses(meta, expected(), 0, 60_000, { ...c.deps, searchLimit: 3 })
  expect(meta.searches).toHaveLength(3)
  expect(v).toMatchObject({ verified: 1, notAsked: 0, limitReached: true })
  expect(v.missing).toEqual([{ qualifiedName: `${DBT}/p2`, line: 3 }])
  expect(c.sleeps).toEqual([1000, 2000])
})

it('a search that fails after its retries ends verify, not the step: what was found stays', async () => {
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  let calls = 0
  meta.onSearch = (_body, real) => {
    if (++calls > 1) throw unavailable('POST /api/meta/search/indexsearch')
    return real
  }
  const v = await verifyProcesses(meta, expected(), 0, 10_000, clock().deps)
  expect(v).toMatchObject({ verified: 1, missing: [], unverified: 1 })
  expect(v.stopped).toMatch(/503/)
})

it('a cancelled job ends verify: the wait is cut short and nothing is called missing', async () => {
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  const controller = new AbortController()
  const signals: Array<AbortSignal | undefined> = []
  let now = 0
  const deps = {
    now: () => now,
    // The real sleep settles at once when the signal aborts (src/runtime.ts).
    sleep: async (ms: number, signal?: AbortSignal) => {
      signals.push(signal)
      controller.abort()
      now += signal?.aborted ? 1 : ms
    },
    log: { debug: () => undefined },
    signal: controller.signal
  }
  meta.onSearch = (_body, real) => {
    // As the client does once the job is cancelled (src/atlan/transport.ts).
    if (controller.signal.aborted)
      throw new CancelledError(
        'The job was cancelled: POST /api/meta/search/indexsearch was not sent.'
      )
    return real
  }
  const v = await verifyProcesses(meta, expected(), 0, 600_000, deps)
  expect(signals).toEqual([controller.signal])
  expect(v).toMatchObject({ verified: 1, missing: [], unverified: 1 })
  expect(v.stopped).toMatch(/The job was cancelled/)
})

it('case_sensitive_match false: a process Atlan holds under another case is found, not missing', async () => {
  // Without case the run updates the stored process under its stored name (§10.9).
  const meta = new FakeMeta()
  meta.process(DBT, 'p1')
  meta.process(DBT, 'P2')
  const noCase = await verifyProcesses(meta, expected(), 0, 0, {
    ...clock().deps,
    caseSensitive: false
  })
  expect(noCase).toMatchObject({ verified: 2, missing: [] })
  const exact = await verifyProcesses(meta, expected(), 0, 0, clock().deps)
  expect(exact.missing).toEqual([{ qualifiedName: `${DBT}/p2`, line: 3 }])
})
