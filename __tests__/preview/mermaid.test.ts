import { describe, expect, test, afterAll } from '@jest/globals'
import { diffGraphs } from '../../src/preview/diff.js'
import { buildGraph } from '../../src/preview/graph.js'
import { mermaidEscape, renderMermaid } from '../../src/preview/mermaid.js'
import type { LineageRow } from '../../src/lineage/csv-types.js'
import { parseMermaid } from './mermaid-check.js'
import { asset, row } from './rows.js'

/** Every diagram produced here is also run through the real Mermaid parser at the end. */
const produced: { name: string; text: string }[] = []
function keep(name: string, text: string): string {
  produced.push({ name, text })
  return text
}

const HOSTILE = [
  'a "quoted" name',
  "it's [bracketed] (parens) {braces} <angle>",
  'pipe|name||',
  '#hash; #quot; &amp; #35;',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  'semi;colon; end',
  'back`tick` ```fence```',
  '日本語のテーブル 📊 sales ñandú',
  'RTL מכירות \u202Egnp.exe',
  'line1\nline2\r\n\tcol',
  'x'.repeat(500),
  '%%{init: {"theme":"dark"}}%%',
  'end',
  'subgraph',
  'linkStyle 0 stroke:red;',
  'click n1 call alert()',
  'classDef x fill:#f00;',
  'style: #35; color:#fff;',
  'n1:::cls --> n2',
  '',
  'back\\slash\\',
  'lone \uD800 surrogate',
  'A & B',
  '%% comment'
]

/** The quoted label texts of a diagram. */
function labels(text: string): string[] {
  return [...text.matchAll(/"([^"\n]*)"/g)].map(m => m[1])
}

describe('mermaidEscape', () => {
  test('uses entity codes for characters that could break a quoted label', () => {
    expect(mermaidEscape('a "b" #c; <d> | `e` & f: g%')).toBe(
      'a #quot;b#quot; #35;c#59; #lt;d#gt; #124; #96;e#96; #amp; f#58; g#37;'
    )
  })
  test('one line, invisible and bidi controls removed, long text cut at a code point', () => {
    expect(mermaidEscape('a\nb\r\n\tc\u202Ed')).toBe('a b c d')
    const long = mermaidEscape('😀'.repeat(100), 10)
    expect(Array.from(long)).toHaveLength(10)
    expect(long.endsWith('…')).toBe(true)
    expect(long).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(mermaidEscape('abcdef/ghij', 6, true)).toBe('…/ghij')
  })
})

describe('renderMermaid', () => {
  test('a flowchart LR with readable node labels, process names on edges and ids n1, n2 …', () => {
    const g = buildGraph([
      row('orders', 'daily_orders', 'build daily'),
      row('daily_orders', 'report', '')
    ])
    const r = renderMermaid(g)
    keep('basic', r.text)
    expect(r.text.split('\n')).toEqual([
      'flowchart LR',
      '  n1["orders<br/>Table · snowflake"]',
      '  n2["daily_orders<br/>Table · snowflake"]',
      '  n3["report<br/>Table · snowflake"]',
      '  n1 -->|"build daily"| n2',
      '  n2 --> n3'
    ])
    expect(r).toMatchObject({ shownEdges: 2, totalEdges: 2 })
    expect(r.note).toBeUndefined()
  })

  test('hostile names, types, connectors and process names stay inside their quoted labels', () => {
    const rows: LineageRow[] = HOSTILE.map((h, i) =>
      row(
        asset(h, {
          identity: `db/${i}/src`,
          type: h.slice(0, 20) || 'Table',
          connector: i % 2 ? h.slice(0, 12) : 'dbt'
        }),
        asset(`${h}-target`, { identity: `db/${i}/tgt` }),
        h
      )
    )
    const r = renderMermaid(buildGraph(rows), undefined, { maxEdges: 100 })
    keep('hostile', r.text)
    const lines = r.text.split('\n')
    expect(lines[0]).toBe('flowchart LR')
    // One statement per line: node definitions then edges, nothing else leaked onto new lines.
    for (const l of lines.slice(1)) {
      expect(l).toMatch(/^ {2}(n\d+\["[^"\n]*"\]|n\d+ -->(\|"[^"\n]*"\|)? n\d+)$/)
    }
    for (const label of labels(r.text)) {
      const bare = label.replace(/<br\/>/g, '').replace(/#(quot|amp|lt|gt|\d+);/g, '')
      expect(bare).not.toMatch(/[<>|`;:%#\\]/) // all as entities
      // eslint-disable-next-line no-control-regex
      expect(bare).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/)
      expect(Array.from(label.split('<br/>')[0].replace(/#\w+;/g, '_')).length).toBeLessThanOrEqual(
        80
      )
    }
    expect(r.text).toContain('x'.repeat(59) + '…')
    expect(r.text).not.toContain('x'.repeat(61))
  })

  test('assets that would read the same get their identity as a third line', () => {
    const g = buildGraph([
      row(
        asset('orders', { identity: 'db1/s/orders' }),
        asset('orders', { identity: 'db2/s/orders' }),
        'copy'
      )
    ])
    const r = renderMermaid(g)
    keep('same-name', r.text)
    expect(r.text).toContain('n1["orders<br/>Table · snowflake<br/>db1/s/orders"]')
    expect(r.text).toContain('n2["orders<br/>Table · snowflake<br/>db2/s/orders"]')
  })

  test('diff styling: added green, removed dotted red, changed amber, by link index', () => {
    const base = buildGraph([
      row('a', 'b', 'p'),
      row('b', 'c', 'q'),
      row('c', 'd', 'r', { extra: { sql: '1' } })
    ])
    const head = buildGraph([
      row('a', 'b', 'p'),
      row('c', 'd', 'r', { extra: { sql: '2' } }),
      row('d', 'e', 's'),
      row('b', 'c', 'q2')
    ])
    const d = diffGraphs(base, head)
    const r = renderMermaid(head, d)
    keep('diff', r.text)
    const lines = r.text.split('\n')
    const edges = lines.filter(l => / -(->|\.->)/.test(l))
    expect(edges).toEqual([
      '  n1 -->|"p"| n2',
      '  n3 -->|"r (changed#58; sql)"| n4',
      '  n4 -->|"s"| n5',
      '  n2 -->|"q2 (was q)"| n3'
    ])
    expect(lines).toContain('  linkStyle 2 stroke:#2da44e,stroke-width:2px')
    expect(lines).toContain('  linkStyle 1,3 stroke:#bf8700,stroke-width:2px')
    expect(lines).toContain('  class n5 added')
    expect(r.totalEdges).toBe(4)

    const gone = renderMermaid(base, diffGraphs(head, base))
    keep('diff-removed', gone.text)
    expect(gone.text).toContain('  n4 -.->|"s"| n5')
    expect(gone.text).toMatch(/linkStyle \d+ stroke:#cf222e/)
    expect(gone.text).toContain('classDef removed')
  })

  test('above maxEdges without a diff: the largest connected components that fit, with a note', () => {
    // 1 component of 40 edges, 1 of 15, then 2,000 of 4 edges and 1,945 single edges = 10,000.
    const rows: LineageRow[] = []
    const chain = (p: string, n: number): void => {
      for (let i = 0; i < n; i++) rows.push(row(`${p}_${i}`, `${p}_${i + 1}`, `${p} ${i}`))
    }
    for (let c = 0; c < 1945; c++) chain(`s${c}`, 1)
    chain('big', 40)
    for (let c = 0; c < 2000; c++) chain(`m${c}`, 4)
    chain('mid', 15)
    const g = buildGraph(rows)
    expect(g.edges.size).toBe(10_000)
    const r = renderMermaid(g)
    keep('components', r.text)
    expect(r.totalEdges).toBe(10_000)
    expect(r.shownEdges).toBe(60) // 40 + 15 + one 4-edge group + one single edge
    expect(r.text).toContain('big 39')
    expect(r.text).toContain('mid 14')
    expect(r.note).toBe(
      'showing 60 of 10,000 edges: the 4 largest connected groups that fit; 9,940 edges in 3,943 other groups left out'
    )
  })

  test('a single component larger than maxEdges is cut around its busiest asset', () => {
    const rows: LineageRow[] = []
    for (let i = 0; i < 300; i++) rows.push(row(`t${i}`, `t${i + 1}`))
    for (let i = 0; i < 10; i++) rows.push(row('t150', `fan${i}`))
    const r = renderMermaid(buildGraph(rows), undefined, { maxEdges: 25 })
    keep('bfs', r.text)
    expect(r.shownEdges).toBe(25)
    expect(r.text).toContain('"t150<br/>')
    for (let i = 0; i < 10; i++) expect(r.text).toContain(`t150 #gt; fan${i}`)
    expect(r.text).not.toContain('t100')
    expect(r.note).toMatch(
      /^showing 25 of 310 edges: part of the largest connected group \(310 edges\)/
    )
  })

  test('above maxEdges with a diff: the changed part and its neighbours only', () => {
    const baseRows: LineageRow[] = []
    for (let i = 0; i < 10_000; i++) baseRows.push(row(`t${i}`, `t${i + 1}`, `job ${i}`))
    const headRows = baseRows.slice()
    headRows[5000] = row('t5000', 't5001', 'job 5000 renamed')
    headRows.splice(7000, 1)
    headRows.push(row('t2000', 'new_target', 'new job'))
    const base = buildGraph(baseRows)
    const head = buildGraph(headRows)
    const d = diffGraphs(base, head)
    expect(d.counts).toMatchObject({ added: 1, removed: 1, changed: 1 })
    const r = renderMermaid(head, d)
    keep('diff-bounded', r.text)
    expect(r.totalEdges).toBe(10_001) // head's 10,000 plus the removed one
    expect(r.shownEdges).toBe(3 + 6) // each changed edge has two chain neighbours
    expect(r.text).toContain('job 5000 renamed (was job 5000)')
    expect(r.text).toContain('-.->|"job 7000"|')
    expect(r.text).toContain('new job')
    expect(r.text).toContain('job 4999') // a neighbour
    expect(r.text).not.toContain('job 3000')
    expect(r.note).toBe(
      'showing 9 of 10,001 edges: all 3 changed edges and 6 neighbouring unchanged edges; 9,992 unchanged edges left out'
    )
  })

  test('more diff edges than maxEdges: changed, then removed, then added, no neighbours', () => {
    const base = buildGraph(Array.from({ length: 100 }, (_, i) => row(`a${i}`, `b${i}`, 'p')))
    const head = buildGraph(Array.from({ length: 100 }, (_, i) => row(`c${i}`, `d${i}`, 'p')))
    const r = renderMermaid(head, diffGraphs(base, head), { maxEdges: 30 })
    keep('diff-many', r.text)
    expect(r.shownEdges).toBe(30)
    expect(r.text.match(/-\.->/g)).toHaveLength(30)
    expect(r.note).toMatch(/^showing 30 of 200 edges: 30 of 200 changed edges/)
  })

  test('long labels: fewer edges so the text stays under maxChars (GitHub renders up to 50,000)', () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      row(`"${'#'.repeat(70)}${i}`, `|${'<'.repeat(70)}${i}`, '"'.repeat(100))
    )
    const r = renderMermaid(buildGraph(rows), undefined, { maxEdges: 400 })
    keep('max-chars', r.text)
    expect(r.text.length).toBeLessThanOrEqual(40_000)
    expect(r.shownEdges).toBeLessThan(400)
    expect(r.note).toMatch(/fewer edges, to keep the diagram under 40,000 characters/)
  })

  test('an empty graph still renders', () => {
    const r = renderMermaid(buildGraph([]))
    keep('empty', r.text)
    expect(r).toMatchObject({ shownEdges: 0, totalEdges: 0 })
  })

  afterAll(() => undefined)
})

describe('real Mermaid parser', () => {
  test('every diagram above parses with mermaid.parse() (mermaid + jsdom)', () => {
    expect(produced.length).toBeGreaterThanOrEqual(10)
    // Negative control: the parser really rejects a broken label.
    const texts = [...produced.map(p => p.text), 'flowchart LR\n  n1["a"b"] --> n2']
    const results = parseMermaid(texts)
    const bad = results
      .slice(0, -1)
      .map((r, i) => ({ ...r, name: produced[i].name }))
      .filter(r => !r.ok)
    expect(bad).toEqual([])
    expect(results.slice(0, -1).every(r => r.type === 'flowchart-v2')).toBe(true)
    expect(results[results.length - 1].ok).toBe(false)
  })
})
