// Verification against a fake MetaApi: missing names asked again within index_grace (virtual
// clock), an archived process is missing, rows not checked are counted apart, and a refused
// search (403) checks nothing rather than calling everything missing.
import { expect, it } from '@jest/globals'
import { verifyProcesses } from '../../src/tenant/verify.js'
import { DBT, FakeMeta, forbidden } from './fake-meta.js'

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
  expect(v).toMatchObject({ verified: 0, missing: [], notChecked: 3 })
  expect(v.refused).toMatch(/the API token may not read assets/)
})
