// Reading search replies (docs/atlan-contract.md §10.12): a reply is cut to what was asked, pages
// follow Atlan's count within Elasticsearch's window, and a server that repeats itself stops the
// paging. A reply of 190,000 entities never reaches a function call as arguments.
import { expect, it } from '@jest/globals'
import {
  allConnectionsQuery,
  MAX_WINDOW,
  type MetaApi,
  type SearchBody
} from '../../src/atlan/meta.js'
import { readAll, readPage } from '../../src/tenant/search.js'
import { debugLog } from './fake-meta.js'

const entity = (i: number) => ({
  typeName: 'Connection',
  guid: `g${i}`,
  attributes: { name: `c${i}` }
})

function meta(
  answer: (body: SearchBody) => { count: number; entities: ReturnType<typeof entity>[] }
) {
  const bodies: SearchBody[] = []
  const m: MetaApi = {
    search: async body => {
      bodies.push(body)
      return answer(body)
    },
    entity: async () => undefined,
    softDelete: async () => []
  }
  return { m, bodies }
}

it('cuts a reply longer than the page to the page, and says so in the debug log', async () => {
  const flood = Array.from({ length: 190_000 }, (_, i) => entity(i))
  const { m } = meta(() => ({ count: 3, entities: flood }))
  const log = debugLog()
  const page = await readPage(m, allConnectionsQuery(0, 50), log)
  expect(page.entities).toHaveLength(50)
  expect(log.lines).toEqual([
    'Atlan answered a search for 50 entities (from 0) with 190000; kept the first 50.'
  ])
})

it('pages while the count says there is more', async () => {
  const all = Array.from({ length: 2500 }, (_, i) => entity(i))
  const { m, bodies } = meta(b => ({
    count: all.length,
    entities: all.slice(b.dsl.from, b.dsl.from + b.dsl.size)
  }))
  const res = await readAll(m, from => allConnectionsQuery(from), debugLog())
  expect(bodies.map(b => b.dsl.from)).toEqual([0, 1000, 2000])
  expect(res).toMatchObject({ requests: 3, truncated: false })
  expect(res.entities).toHaveLength(2500)
})

it('stops at the window, and when a page repeats what an earlier one sent', async () => {
  const many = meta(b => ({
    count: 1e6,
    entities: Array.from({ length: b.dsl.size }, (_, i) => entity(b.dsl.from + i))
  }))
  const capped = await readAll(many.m, from => allConnectionsQuery(from), debugLog())
  expect(capped).toMatchObject({ requests: MAX_WINDOW / 1000, truncated: true })

  const same = meta(b => ({
    count: 190_000,
    entities: Array.from({ length: b.dsl.size }, (_, i) => entity(i))
  }))
  const log = debugLog()
  const repeated = await readAll(same.m, from => allConnectionsQuery(from), log)
  expect(repeated).toMatchObject({ requests: 2, truncated: true })
  expect(repeated.entities).toHaveLength(1000)
  expect(log.lines.at(-1)).toMatch(/entities it had already sent; stopped paging/)
})

it('keeps scrubbed headers of the older form (guid -1): never a repeat, never dropped', async () => {
  const hidden = (i: number) => ({
    typeName: 'Connection',
    guid: '-1',
    scrubbed: true,
    attributes: { name: `h${i}` }
  })
  const all = [...Array.from({ length: 1500 }, (_, i) => hidden(i)), entity(1), entity(2)]
  const { m, bodies } = meta(b => ({
    count: all.length,
    entities: all.slice(b.dsl.from, b.dsl.from + b.dsl.size)
  }))
  const res = await readAll(m, from => allConnectionsQuery(from), debugLog())
  expect(bodies.map(b => b.dsl.from)).toEqual([0, 1000])
  expect(res).toMatchObject({ requests: 2, truncated: false })
  expect(res.entities).toHaveLength(1502)
})

it('a page shorter than asked while the count says more: reads on from what it got', async () => {
  // A server may answer fewer hits than asked for; the rest are on the next pages.
  const all = Array.from({ length: 700 }, (_, i) => entity(i))
  const { m, bodies } = meta(b => ({
    count: all.length,
    entities: all.slice(b.dsl.from, b.dsl.from + Math.min(b.dsl.size, 300))
  }))
  const res = await readAll(m, from => allConnectionsQuery(from), debugLog())
  expect(bodies.map(b => b.dsl.from)).toEqual([0, 300, 600])
  expect(res).toMatchObject({ requests: 3, truncated: false })
  expect(res.entities).toHaveLength(700)
})

it('an empty page while the count says more: cut short, so absence is not proven', async () => {
  const { m } = meta(b => ({ count: 5, entities: b.dsl.from === 0 ? [entity(0), entity(1)] : [] }))
  const log = debugLog()
  const res = await readAll(m, from => allConnectionsQuery(from), log)
  expect(res).toMatchObject({ requests: 2, truncated: true })
  expect(res.entities).toHaveLength(2)
  expect(log.lines.at(-1)).toMatch(
    /Atlan counted 5 hits but answered the page from 2 with none; stopped paging/
  )
})
