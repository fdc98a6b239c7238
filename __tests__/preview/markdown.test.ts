import { describe, expect, test } from '@jest/globals'
import { diffGraphs } from '../../src/preview/diff.js'
import { buildGraph, emptyGraph } from '../../src/preview/graph.js'
import { renderPreviewMarkdown } from '../../src/preview/markdown.js'
import type { LineageRow } from '../../src/lineage/csv-types.js'
import { parseMermaid } from './mermaid-check.js'
import { asset, row } from './rows.js'

const mermaidBlock = (md: string): string | undefined => /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1]

/** Table rows, split on unescaped pipes. */
function cells(line: string): string[] {
  return line
    .replace(/^\| | \|$/g, '')
    .split(/(?<!\\)\| /)
    .map(c => c.trim())
}

describe('renderPreviewMarkdown', () => {
  const base = buildGraph([
    row('a', 'b', 'p'),
    row('b', 'c', 'q', { extra: { sql: 'select 1' } }),
    row('c', 'd', 'r')
  ])
  const head = buildGraph([
    row('a', 'b', 'p'),
    row('b', 'c', 'q', { extra: { sql: 'select 2' } }),
    row('d', 'e', 's'),
    row('e', 'f', 't'),
    row('f', 'g', 'u')
  ])
  const diff = diffGraphs(base, head)

  test('counts line, change table and mermaid block', () => {
    const md = renderPreviewMarkdown(head, diff, { file: 'lineage/orders.csv' })
    expect(md).toContain('### Lineage preview: lineage/orders.csv')
    expect(md).toContain(
      '**3 added, 1 removed, 1 changed** (1 unchanged; now 5 edges between 7 assets, base 3 edges)'
    )
    const rows = md.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| ---'))
    expect(rows[0]).toBe('| Change | Source | Target | Process | What changed |')
    expect(rows).toHaveLength(1 + 5)
    expect(cells(rows[1])).toEqual([
      'changed (line ' + head.edges.get([...head.edges.keys()][1])?.line + ')',
      'b (Table, snowflake)',
      'c (Table, snowflake)',
      'q',
      'sql'
    ])
    expect(rows[2]).toMatch(/^\| removed \(base line \d+\) \| c \(Table, snowflake\) \| d /)
    expect(rows.slice(3).every(r => r.startsWith('| added (line '))).toBe(true)
    const block = mermaidBlock(md)
    expect(block?.startsWith('flowchart LR\n')).toBe(true)
    expect(md).toContain('Green: added. Red, dotted: removed. Amber: changed.')
  })

  test('mermaid: false for the check run; maxRows caps the table and says how many are left', () => {
    const md = renderPreviewMarkdown(head, diff, { mermaid: false, maxRows: 2 })
    expect(md).not.toContain('```')
    expect(md.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| ---'))).toHaveLength(
      1 + 2
    )
    expect(md).toContain('_…and 3 more changes not listed._')
  })

  test('renamed process shows old → new; hostile names are escaped in cells', () => {
    const b = buildGraph([row(asset('a|b\nc', { type: '<b>T</b>' }), 'x', 'old | name')])
    const h = buildGraph([row(asset('a|b\nc', { type: '<b>T</b>' }), 'x', 'new\nname`')])
    const md = renderPreviewMarkdown(h, diffGraphs(b, h))
    const line = md.split('\n').find(l => l.startsWith('| changed'))
    expect(line).toBe(
      '| changed (line ' +
        [...h.edges.values()][0].line +
        ') | a\\|b c (&lt;b&gt;T&lt;/b&gt;, snowflake) | x (Table, snowflake) | old \\| name → new name\\` | process name |'
    )
    expect(cells(line as string)).toHaveLength(5)
  })

  test('no diff: totals and a table of the first edges; no changes: no change table', () => {
    const md = renderPreviewMarkdown(head, undefined, { maxRows: 3 })
    expect(md).toContain('**5 edges between 7 assets** (from 5 rows)')
    expect(md).toContain('| Line | Source | Target | Process |')
    expect(md).toContain('_…and 2 more edges not listed._')
    const same = renderPreviewMarkdown(head, diffGraphs(head, head))
    expect(same).toContain('**0 added, 0 removed, 0 changed** (5 unchanged')
    expect(same).not.toContain('| Change |')
    expect(same).not.toContain('Green: added')
  })

  test('empty base: everything added, with the base note', () => {
    const md = renderPreviewMarkdown(head, diffGraphs(emptyGraph(), head), {
      baseNote: 'lineage.csv did not exist at the base commit abc123'
    })
    expect(md).toContain('**5 added, 0 removed, 0 changed**')
    expect(md).toContain('> lineage.csv did not exist at the base commit abc123')
  })

  test('duplicates and conflicting duplicates are reported', () => {
    const g = buildGraph(
      [row('a', 'b', 'p'), row('a', 'b', 'p'), row('a', 'b', 'p', { extra: { sql: 'x' } })],
      false
    )
    const md = renderPreviewMarkdown(g)
    expect(md).toContain(
      '2 duplicate rows merged into earlier edges; 1 edge repeated with different process names or values (the last row is shown); assets matched ignoring case.'
    )
  })

  test('a row made invalid (a side left without its connection) is not drawn, nor removed and added again', () => {
    const baseRows = [
      row('orders', 'stg_orders', 'load', { line: 2 }),
      row('customers', 'stg_customers', 'load c', { line: 3 })
    ]
    const broken = row(asset('customers', { connection: '' }), 'stg_customers', 'load c', {
      line: 3
    })
    const headGraph = buildGraph([row('orders', 'stg_orders', 'load', { line: 2 }), broken])
    const d = diffGraphs(buildGraph(baseRows), headGraph)
    expect(d.counts).toMatchObject({ added: 0, removed: 1, changed: 0, unchanged: 1 })
    const md = renderPreviewMarkdown(headGraph, d)
    expect(md).toContain('(1 unchanged; now 1 edge between 2 assets, base 2 edges)')
    expect(md).toContain(
      'Line 3 is not drawn: the Lineage Builder makes no lineage of it (see the CSV findings).'
    )
    expect(md).not.toMatch(/^\| added/m)
    // One node per asset: the base's customers, drawn as removed, and no second one from the head.
    const block = mermaidBlock(md) ?? ''
    expect(block.match(/\["customers<br\/>/g)).toHaveLength(1)
    // Nothing changed in place: no "What changed" column of dashes.
    expect(md).toContain('| Change | Source | Target | Process |\n')
    expect(md).not.toContain('—')
  })

  test('rows without a process connection or with an unmappable side are counted, their lines named', () => {
    const g = buildGraph([
      row('a', 'b', 'p', { line: 2 }),
      row('b', 'c', 'q', { line: 3, connection: '' }),
      row(asset('c', { identity: ' ' }), 'd', 'r', { line: 4 }),
      row(asset('d', { type: '' }), 'e', 's', { line: 9 })
    ])
    expect(g.edgeCount).toBe(1)
    expect(g.noLineageRows).toBe(3)
    expect(renderPreviewMarkdown(g)).toContain(
      '3 rows (lines 3–4, 9) are not drawn: the Lineage Builder makes no lineage of them'
    )
  })

  test('a 10,000-row CSV with a large diff stays far below the 1 MiB job-summary limit', () => {
    const mk = (i: number, tag: string): LineageRow =>
      row(
        asset(`${'source_table_with_a_long_name_'.repeat(3)}${i}`, {
          identity: `db/${'s'.repeat(100)}/${i}`
        }),
        asset(`${'target|"<x>"_'.repeat(10)}${i}`, { identity: `db/t/${i}` }),
        `${tag} ${'process '.repeat(20)}${i}`,
        { extra: { sql: `select ${'c, '.repeat(2000)} from t${i}` } }
      )
    const baseRows = Array.from({ length: 10_000 }, (_, i) => mk(i, 'v1'))
    const headRows = Array.from({ length: 10_000 }, (_, i) => mk(i + 3000, i % 2 ? 'v2' : 'v1'))
    const b = buildGraph(baseRows)
    const h = buildGraph(headRows)
    const d = diffGraphs(b, h)
    expect(d.counts.added).toBe(3000)
    expect(d.counts.removed).toBe(3000)
    const md = renderPreviewMarkdown(h, d)
    const bytes = Buffer.byteLength(md, 'utf8')
    expect(bytes).toBeLessThan(100_000)
    expect(bytes).toBeLessThan(1024 * 1024)
    expect(md).toMatch(/> showing \d+ of 13,000 edges/)
    expect(md).toContain('more changes not listed')
    const noDiff = renderPreviewMarkdown(h)
    expect(Buffer.byteLength(noDiff, 'utf8')).toBeLessThan(100_000)

    // A tight byte cap shortens the preview and says so.
    const tight = renderPreviewMarkdown(h, d, { maxBytes: 8_000 })
    expect(Buffer.byteLength(tight, 'utf8')).toBeLessThanOrEqual(8_000)
    expect(tight).toMatch(/_Preview shortened to stay under 8,000 bytes: .*\._/)

    const parsed = parseMermaid([mermaidBlock(md) as string, mermaidBlock(noDiff) as string])
    expect(parsed.map(p => p.ok)).toEqual([true, true])
  })
})
