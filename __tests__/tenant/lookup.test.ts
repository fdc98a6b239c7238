// Existence lookups: batches of at most 1,000 names, each name once, at most four in flight.
import { expect, it } from '@jest/globals'
import type { MetaApi } from '../../src/atlan/meta.js'
import { lookupQualifiedNames } from '../../src/tenant/lookup.js'

const quiet = { debug: () => undefined }

function fakeMeta(existing: Set<string>) {
  const calls: string[][] = []
  let inFlight = 0
  let peak = 0
  const meta = {
    async search(body: { dsl: { size: number; query: { bool: { filter: unknown[] } } } }) {
      inFlight++
      peak = Math.max(peak, inFlight)
      const terms = body.dsl.query.bool.filter.find(
        (f): f is { terms: { qualifiedName: string[] } } =>
          typeof f === 'object' &&
          f !== null &&
          'terms' in f &&
          'qualifiedName' in (f.terms as object)
      )!.terms.qualifiedName
      calls.push(terms)
      await new Promise(r => setTimeout(r, 5))
      inFlight--
      const entities = terms
        .filter(n => existing.has(n))
        .map(n => ({ typeName: 'Table', guid: `g-${n}`, attributes: { qualifiedName: n } }))
      return { count: entities.length, entities }
    }
  } as unknown as MetaApi
  return { meta, calls, peak: () => peak }
}

it('deduplicates, sends at most 1,000 names a search and keeps at most 4 in flight', async () => {
  const names = Array.from({ length: 6500 }, (_, i) => `q/${i % 5200}`)
  const f = fakeMeta(new Set(['q/1', 'q/5199', 'q/77']))
  const res = await lookupQualifiedNames(f.meta, names, quiet)
  expect(f.calls.map(c => c.length)).toEqual([1000, 1000, 1000, 1000, 1000, 200])
  expect(new Set(f.calls.flat()).size).toBe(5200)
  expect(f.peak()).toBe(4)
  expect(res.requests).toBe(6)
  expect([...res.found.keys()].sort()).toEqual(['q/1', 'q/5199', 'q/77'])
  expect(res.found.get('q/77')).toEqual({ guid: 'g-q/77', typeName: 'Table', archived: false })
})

it('asks nothing for no names', async () => {
  const f = fakeMeta(new Set())
  expect((await lookupQualifiedNames(f.meta, [], quiet)).requests).toBe(0)
  expect(f.calls).toEqual([])
})
