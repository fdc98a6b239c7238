import { describe, expect, it, test } from '@jest/globals'
import type { LineageRow } from '../../src/lineage/csv-types.js'
import { diffForPreview, diffGraphs } from '../../src/preview/diff.js'
import { buildGraph, emptyGraph, GraphBuilder } from '../../src/preview/graph.js'
import { renderPreviewMarkdown } from '../../src/preview/markdown.js'
import { asset, row } from './rows.js'

const names = (cs: { source: { name: string }; target: { name: string } }[]): string[] =>
  cs.map(c => `${c.source.name}>${c.target.name}`)

describe('diffGraphs', () => {
  test('added, removed and unchanged edges with counts', () => {
    const base = buildGraph([row('a', 'b'), row('b', 'c'), row('c', 'd')])
    const head = buildGraph([
      row('a', 'b'),
      row('b', 'c'),
      row('x', 'y'),
      row('y', 'z'),
      row('a', 'z')
    ])
    const d = diffGraphs(base, head)
    expect(names(d.added)).toEqual(['x>y', 'y>z', 'a>z'])
    expect(names(d.removed)).toEqual(['c>d'])
    expect(d.changed).toEqual([])
    expect(d.counts).toEqual({
      added: 3,
      removed: 1,
      changed: 0,
      unchanged: 2,
      baseEdges: 3,
      headEdges: 5
    })
    expect([...d.addedNodes].length).toBe(3) // x, y, z
    expect([...d.removedNodes.values()].map(n => n.name)).toEqual(['d'])
  })

  test('a changed SQL or other pass-through value is "changed" and names the fields', () => {
    const base = buildGraph([
      row('a', 'b', 'p', { extra: { sql: 'select 1', certificateStatus: 'DRAFT' } }),
      row('b', 'c', 'q')
    ])
    const head = buildGraph([
      row('a', 'b', 'p', { extra: { sql: 'select 2', certificateStatus: 'DRAFT' } }),
      row('b', 'c', 'q', { extra: { announcementTitle: 'hello' } })
    ])
    const d = diffGraphs(base, head)
    expect(d.counts).toMatchObject({ added: 0, removed: 0, changed: 2, unchanged: 0 })
    expect(d.changed.map(c => c.fields)).toEqual([['sql'], ['announcementTitle']])
    expect(d.changed[0].base?.extra.sql).toBe('select 1')
    expect(d.changed[0].head?.extra.sql).toBe('select 2')
  })

  test('a renamed process on the same source/target is one change, not added + removed', () => {
    const base = buildGraph([row('a', 'b', 'load orders')])
    const head = buildGraph([row('a', 'b', 'load orders v2')])
    const d = diffGraphs(base, head)
    expect(d.counts).toMatchObject({ added: 0, removed: 0, changed: 1 })
    expect(d.changed[0].fields).toEqual(['process name'])
    expect(d.changed[0].base?.process.name).toBe('load orders')
    expect(d.changed[0].head?.process.name).toBe('load orders v2')
  })

  test('renamed with a new identity and connection is still "changed", listing each field', () => {
    const base = buildGraph([row('a', 'b', 'p', { identity: 'x1', connection: 'prod' })])
    const head = buildGraph([
      row('a', 'b', 'p2', { identity: 'x2', connection: 'prod2', extra: { sql: 's' } })
    ])
    const d = diffGraphs(base, head)
    expect(d.counts).toMatchObject({ added: 0, removed: 0, changed: 1 })
    expect(d.changed[0].fields).toEqual([
      'process name',
      'process identity',
      'process connection',
      'sql'
    ])
  })

  test('same identity, new name: matched by identity and reported as a rename', () => {
    const base = buildGraph([
      row('a', 'b', 'old', { identity: 'x1' }),
      row('a', 'b', 'other', { identity: 'x2' })
    ])
    const head = buildGraph([
      row('a', 'b', 'other', { identity: 'x2' }),
      row('a', 'b', 'new', { identity: 'x1' })
    ])
    const d = diffGraphs(base, head)
    expect(d.counts).toMatchObject({ added: 0, removed: 0, changed: 1, unchanged: 1 })
    expect(d.changed[0].fields).toEqual(['process name'])
  })

  test('a second process between the same assets is added; extra base ones removed', () => {
    const base = buildGraph([row('a', 'b', 'p', { identity: 'x1' })])
    const head = buildGraph([
      row('a', 'b', 'p', { identity: 'x1' }),
      row('a', 'b', 'q', { identity: 'x2' })
    ])
    expect(diffGraphs(base, head).counts).toMatchObject({
      added: 1,
      removed: 0,
      changed: 0,
      unchanged: 1
    })
    expect(diffGraphs(head, base).counts).toMatchObject({
      added: 0,
      removed: 1,
      changed: 0,
      unchanged: 1
    })
  })

  test('duplicate rows make no change; a renamed asset is reported on its edges', () => {
    const base = buildGraph([row('a', 'b', 'p')])
    const head = buildGraph([row('a', 'b', 'p'), row('a', 'b', 'p'), row('a', 'b', 'p')])
    expect(diffGraphs(base, head).counts).toMatchObject({
      added: 0,
      removed: 0,
      changed: 0,
      unchanged: 1
    })
    const renamed = buildGraph([row(asset('a', { name: 'A table' }), 'b', 'p')])
    const d = diffGraphs(base, renamed)
    expect(d.changed[0].fields).toEqual(['source name'])
  })

  test('caseSensitive false: a change of case in connection or identity matches the same edge', () => {
    const rowsBase = [row(asset('t', { identity: 'DB2/schema2/Target_View' }), 'b', 'p')]
    const rowsHead = [
      row(asset('t', { identity: 'db2/schema2/target_view', connection: 'PROD' }), 'b', 'p')
    ]
    const insensitive = diffGraphs(buildGraph(rowsBase, false), buildGraph(rowsHead, false))
    expect(insensitive.counts).toMatchObject({ added: 0, removed: 0, changed: 0, unchanged: 1 })
    const sensitive = diffGraphs(buildGraph(rowsBase, true), buildGraph(rowsHead, true))
    expect(sensitive.counts).toMatchObject({ added: 1, removed: 1, changed: 0, unchanged: 0 })
  })

  test('an empty base (file new at base) makes every edge added', () => {
    const head = buildGraph([row('a', 'b'), row('b', 'c')])
    const d = diffGraphs(emptyGraph(), head)
    expect(d.counts).toEqual({
      added: 2,
      removed: 0,
      changed: 0,
      unchanged: 0,
      baseEdges: 0,
      headEdges: 2
    })
    expect(d.addedNodes.size).toBe(3)
  })

  test('changes are listed in file order', () => {
    const base = buildGraph([row('a', 'b', 'p', { line: 2 }), row('c', 'd', 'p', { line: 3 })])
    const head = buildGraph([
      row('c', 'd', 'p2', { line: 2 }),
      row('e', 'f', 'p', { line: 3 }),
      row('a', 'b', 'p2', { line: 4 }),
      row('g', 'h', 'p', { line: 5 })
    ])
    const d = diffGraphs(base, head)
    expect(names(d.changed)).toEqual(['c>d', 'a>b'])
    expect(names(d.added)).toEqual(['e>f', 'g>h'])
  })
})

describe('diffForPreview: bounded graphs', () => {
  const build = (rows: LineageRow[], opts: { detailEdges?: number; keyedEdges?: number } = {}) => {
    const b = new GraphBuilder({ caseSensitive: true, ...opts })
    for (const r of rows) b.add(r)
    return b.build()
  }
  const baseRows = (): LineageRow[] => [
    row('a', 'b', 'p1', { extra: { sql: 'select 1' } }),
    row('b', 'c', 'p2', { extra: { sql: 'select 2' } }),
    row('c', 'd', 'p3')
  ]
  const headRows = (): LineageRow[] => [
    row('a', 'b', 'p1', { extra: { sql: 'select 1' } }),
    row('b', 'c', 'p2', { extra: { sql: 'select 2 -- edited' } }),
    row('d', 'e', 'p4')
  ]

  it('graphs kept in full get the exact diff', () => {
    const base = build(baseRows())
    const head = build(headRows())
    const d = diffForPreview(base, head)
    expect(d.note).toBeUndefined()
    expect(d.diff).toEqual(diffGraphs(base, head))
  })

  it('larger graphs are compared by edge key hashes: counts only, with a note', () => {
    const d = diffForPreview(
      build(baseRows(), { detailEdges: 2 }),
      build(headRows(), { detailEdges: 2 })
    )
    expect(d.diff?.counts).toEqual({
      added: 1,
      removed: 1,
      changed: 1,
      unchanged: 1,
      baseEdges: 3,
      headEdges: 3
    })
    expect(d.diff?.countedOnly).toBe(true)
    expect(d.diff?.added).toEqual([])
    expect(d.note).toMatch(/counted by edge key, not listed/)
    const md = renderPreviewMarkdown(build(headRows(), { detailEdges: 2 }), d.diff, {
      baseNote: d.note
    })
    expect(md).toContain(
      '**1 added, 1 removed, 1 changed** (1 unchanged; now 3 edges, base 3 edges)'
    )
    expect(md).toContain('counted by edge key')
    expect(md).not.toContain('| Change |')
    expect(md).not.toContain('Green: added')
  })

  it('a graph too large even for the key index gets no diff, and a note saying so', () => {
    const big = build(headRows(), { detailEdges: 1, keyedEdges: 2 })
    expect(big.keys).toBeUndefined()
    expect(diffForPreview(build(baseRows()), big)).toEqual({
      note: "The file has more than 1,000,000 edges: too many to compare within the action's memory bound, so there is no edge diff."
    })
    expect(diffForPreview(big, build(headRows(), { detailEdges: 1 })).note).toMatch(
      /^The base version has more than/
    )
  })
})
