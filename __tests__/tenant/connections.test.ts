// What a connection search can prove (docs/atlan-contract.md §10.8, §10.12): absence only when
// the tenant shows scrubbed hits AND every page was read; scrubbed headers of the older form
// (guid -1) stay distinct connections.
import { expect, it } from '@jest/globals'
import type { EntityHeader, MetaApi, SearchBody } from '../../src/atlan/meta.js'
import { resolveConnections } from '../../src/tenant/connections.js'
import { debugLog } from './fake-meta.js'

const hidden = (i: number, name = `hidden-${i}`): EntityHeader => ({
  typeName: 'Connection',
  guid: '-1',
  scrubbed: true,
  attributes: { name, qualifiedName: `default/snowflake/${1000 + i}` }
})

/** Answers connection searches; by-name ones (a `terms` filter) from `byName`. */
function meta(answer: {
  byName?: (body: SearchBody) => EntityHeader[]
  all: (body: SearchBody) => { count: number; entities: EntityHeader[] }
}): MetaApi & { searches: number } {
  const m = {
    searches: 0,
    async search(body: SearchBody) {
      m.searches++
      if (JSON.stringify(body).includes('"terms"')) {
        const entities = answer.byName?.(body) ?? []
        return { count: entities.length, entities }
      }
      return answer.all(body)
    },
    entity: async () => undefined,
    softDelete: async () => []
  }
  return m
}

it('a scrubbed hit with every page read proves a connection missing', async () => {
  const m = meta({ all: () => ({ count: 1, entities: [hidden(1)] }) })
  const res = await resolveConnections(m, [{ connector: 'snowflake', name: 'nope' }], debugLog())
  expect(res.scrubSeen).toBe(true)
  expect(res.states[0]).toMatchObject({ kind: 'missing' })
})

it('a listing cut short (a server repeating its pages) proves nothing: the pair is unseen', async () => {
  const page = Array.from({ length: 1000 }, (_, i) => ({
    ...hidden(i),
    guid: `g${i}` // real guids, so the second page repeats the first
  }))
  const m = meta({ all: () => ({ count: 1e6, entities: page }) })
  const log = debugLog()
  const res = await resolveConnections(m, [{ connector: 'snowflake', name: 'nope' }], log)
  expect(res.scrubSeen).toBe(true)
  expect(res.states[0]).toMatchObject({ kind: 'unseen' })
  expect(m.searches).toBe(3) // by name, then two pages of the listing
  expect(log.lines.join('\n')).toMatch(/stopped paging/)
})

it('two scrubbed connections of one name, both guid -1: ambiguous, not one hidden connection', async () => {
  const twins = [hidden(1, 'prod'), hidden(2, 'prod')]
  const m = meta({ byName: () => twins, all: () => ({ count: 0, entities: [] }) })
  const res = await resolveConnections(m, [{ connector: 'snowflake', name: 'prod' }], debugLog())
  expect(res.states[0]).toEqual({
    kind: 'ambiguous',
    qualifiedNames: ['default/snowflake/1001', 'default/snowflake/1002'],
    atlanName: 'prod'
  })
})

it('a scrubbed hit of the older form, its attributes cleared, proves nothing: it may be the very connection', async () => {
  // Atlas's API notes (§10.8): guid -1, no name. The by-name search answered it, so it is one of
  // the names asked for, and no one can say which.
  const cleared: EntityHeader = {
    typeName: 'Connection',
    guid: '-1',
    scrubbed: true,
    attributes: {}
  }
  const m = meta({
    byName: () => [cleared],
    all: () => ({ count: 1, entities: [cleared] })
  })
  const res = await resolveConnections(m, [{ connector: 'snowflake', name: 'prod' }], debugLog())
  expect(res.states[0]).toMatchObject({ kind: 'unseen' })
})
