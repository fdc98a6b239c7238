import { describe, expect, test } from '@jest/globals'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { buildGraph, DETAIL_EDGES, GraphBuilder } from '../../src/preview/graph.js'
import { asset, manyRows, row } from './rows.js'

describe('GraphBuilder', () => {
  test('assets become nodes keyed by connector/connection/identity; rows become edges', () => {
    const g = buildGraph([
      row('a', 'b'),
      row('b', 'c'),
      row('a', 'c', 'a to c', { extra: { sql: 'select 1' } })
    ])
    expect(g.nodes.size).toBe(3)
    expect(g.edges.size).toBe(3)
    expect(g.rows).toBe(3)
    const e = [...g.edges.values()][2]
    expect(g.nodes.get(e.source)?.name).toBe('a')
    expect(g.nodes.get(e.target)?.name).toBe('c')
    expect(e.process.name).toBe('a to c')
    expect(e.extra).toEqual({ sql: 'select 1' })
  })

  test('the same identity in another connection is another node; the name does not matter', () => {
    const g = buildGraph([
      row(asset('a'), asset('b')),
      row(asset('a', { connection: 'dev' }), asset('b', { name: 'B renamed' }))
    ])
    expect(g.nodes.size).toBe(3)
    expect(g.edges.size).toBe(2)
    // First spelling is kept for display.
    expect([...g.nodes.values()].map(n => n.name)).toEqual(['a', 'b', 'a'])
  })

  test('duplicate rows are merged into one edge, counted, and conflicting duplicates flagged', () => {
    const g = buildGraph([
      row('a', 'b', 'p', { line: 2 }),
      row('a', 'b', 'p', { line: 3 }),
      row('a', 'b', 'p', { line: 4, extra: { sql: 'select 2' } })
    ])
    expect(g.edges.size).toBe(1)
    expect(g.duplicateRows).toBe(2)
    const e = [...g.edges.values()][0]
    expect(e.rows).toBe(3)
    expect(e.line).toBe(2)
    expect(e.conflict).toBe(true)
    expect(e.extra).toEqual({ sql: 'select 2' }) // last row wins
  })

  test('two processes with different identities between the same assets are two edges', () => {
    const g = buildGraph([
      row('a', 'b', 'p', { identity: 'x1' }),
      row('a', 'b', 'p', { identity: 'x2' })
    ])
    expect(g.edges.size).toBe(2)
    expect(g.duplicateRows).toBe(0)
  })

  test('caseSensitive: false folds keys and keeps the first spelling', () => {
    const rows = [
      row(asset('Orders', { identity: 'DB/Sales/Orders', connection: 'Prod' }), 'b', 'p'),
      row(asset('orders', { identity: 'db/sales/orders', connection: 'prod' }), 'b', 'p')
    ]
    const folded = buildGraph(rows, false)
    expect(folded.nodes.size).toBe(2)
    expect(folded.edges.size).toBe(1)
    expect(folded.duplicateRows).toBe(1)
    const first = [...folded.nodes.values()][0]
    expect(first).toMatchObject({ name: 'Orders', identity: 'DB/Sales/Orders', connection: 'Prod' })

    const exact = buildGraph(rows, true)
    expect(exact.nodes.size).toBe(3)
    expect(exact.edges.size).toBe(2)
  })

  test('the connector is matched ignoring case even when matching is case-sensitive', () => {
    const g = buildGraph(
      [row(asset('a', { connector: 'Snowflake' }), 'b'), row(asset('a'), 'b')],
      true
    )
    expect(g.nodes.size).toBe(2)
    expect(g.edges.size).toBe(1)
  })

  test('long pass-through values are kept as a preview plus digest', () => {
    const sql = 'select ' + 'x, '.repeat(5000) + 'y from t'
    const g = buildGraph([row('a', 'b', 'p', { extra: { sql, empty: '' } })])
    const e = [...g.edges.values()][0]
    expect(e.extra.sql.length).toBeLessThan(120)
    expect(e.extra.sql).toMatch(
      new RegExp(`^select x, .*\\[${sql.length} chars, sha256 [0-9a-f]{16}\\]$`)
    )
    expect(e.extra).not.toHaveProperty('empty')
    const g2 = buildGraph([row('a', 'b', 'p', { extra: { sql: sql + ' ' } })])
    expect([...g2.edges.values()][0].extra.sql).not.toBe(e.extra.sql)
  })

  test('100,000 rows keep memory bounded', () => {
    const b = new GraphBuilder({ caseSensitive: false })
    // ~2 KB of SQL per row, ~400 MB if kept; each row's strings are slices of one "line".
    const bigSql = 'select ' + 'col, '.repeat(400) + 'x from t'
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < 100_000; i++) {
      const line = `${bigSql}${i},job ${i}-${'p'.repeat(20)},db/sch/t${i}-${'i'.repeat(20)}`
      const sql = line.slice(0, bigSql.length + String(i).length)
      const name = line.slice(sql.length + 1, line.indexOf(',', sql.length + 1))
      const id = line.slice(line.lastIndexOf(',') + 1)
      const r = row(asset(`t${i}`, { identity: id }), `t${i + 1}`, name, {
        extra: { sql },
        line: i + 2
      })
      b.add(r)
    }
    const g = b.build()
    gc()
    const grown = process.memoryUsage().heapUsed - before
    // The first DETAIL_EDGES edges in full, every edge counted and hashed for the diff.
    expect(g.edges.size).toBe(DETAIL_EDGES)
    expect(g.truncated).toBe(true)
    expect(g.edgeCount).toBe(100_000)
    expect(g.keys?.size).toBe(100_000)
    // Details of 10k edges plus two numbers an edge; not the ~400 MB of SQL
    // lines, nor ~125 MB of node and edge records for every row.
    expect(grown).toBeLessThan(30 * 1024 * 1024)
  })

  test('past the key index cap the graph drops its keys (too large to diff) but keeps counting', () => {
    const b = new GraphBuilder({ caseSensitive: true, detailEdges: 3, keyedEdges: 5 })
    for (const r of manyRows(5)) b.add(r)
    expect(b.build().keys?.size).toBe(5)
    for (const r of manyRows(8)) b.add(r) // the first 5 again: duplicates, then 3 new edges
    const g = b.build()
    expect(g.keys).toBeUndefined()
    expect(g).toMatchObject({ truncated: true, rows: 13, duplicateRows: 5 })
    expect(g.edges.size).toBe(3)
  })

  test('manyRows helper builds one connected lineage', () => {
    const g = buildGraph(manyRows(100))
    expect(g.edges.size).toBe(100)
  })
})
