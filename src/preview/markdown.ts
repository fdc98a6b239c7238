// The lineage preview as Markdown, for the job summary (with a Mermaid diagram) or a check run
// (`mermaid: false`: the Checks API does not render Mermaid). The output is capped in bytes so
// that it stays far below GitHub's 1 MiB job-summary limit whatever the CSV holds.

import type { EdgeChange, LineageDiff } from './diff.js'
import type { GraphEdge, GraphNode, LineageGraph } from './graph.js'
import { fmt, lineRanges, plural, table } from '../report/markdown.js'
import { mdText } from '../report/untrusted.js'
import { renderMermaid, type MermaidOptions } from './mermaid.js'

export interface PreviewMarkdownOptions extends MermaidOptions {
  /** Include the ```mermaid block (default true). */
  mermaid?: boolean
  /** Table rows at most (default 20). */
  maxRows?: number
  /** UTF-8 bytes of output at most (default 100,000, a tenth of the job-summary limit). */
  maxBytes?: number
  /** Heading text (default 'Lineage preview'); '' for none. */
  title?: string
  /** The CSV's path, shown after the title. */
  file?: string
  /** A line about the base, e.g. why there is none (readBaseVersion's `missing`). */
  baseNote?: string
}

export const DEFAULT_MAX_ROWS = 20
export const DEFAULT_MAX_BYTES = 100_000

function asset(n: GraphNode): string {
  const name = n.name !== '' ? n.name : n.identity
  const meta = [n.type, n.connector].filter(s => s !== '').join(', ')
  return mdText(meta ? `${name} (${meta})` : name, 100)
}

function changeRow(c: EdgeChange): string[] {
  const b = c.base as GraphEdge
  const h = c.head as GraphEdge
  let kind: string
  let process: string
  let what = ''
  if (c.kind === 'added') {
    kind = `added (line ${h.line})`
    process = mdText(h.process.name, 100)
  } else if (c.kind === 'removed') {
    kind = `removed (base line ${b.line})`
    process = mdText(b.process.name, 100)
  } else {
    kind = `changed (line ${h.line})`
    process = c.fields.includes('process name')
      ? `${mdText(b.process.name, 60)} → ${mdText(h.process.name, 60)}`
      : mdText(h.process.name, 100)
    what = mdText(c.fields.join(', '), 160)
  }
  return [kind, asset(c.source), asset(c.target), process, what]
}

function changes(graph: LineageGraph, diff: LineageDiff | undefined, maxRows: number): string[] {
  if (maxRows <= 0) return []
  if (diff) {
    const total = diff.counts.added + diff.counts.removed + diff.counts.changed
    if (total === 0 || diff.countedOnly) return []
    const rows: string[][] = []
    for (const list of [diff.changed, diff.removed, diff.added])
      for (const c of list) if (rows.length < maxRows) rows.push(changeRow(c))
    const out = [table(['Change', 'Source', 'Target', 'Process', 'What changed'], rows)]
    if (total > rows.length)
      out.push('', `_…and ${plural(total - rows.length, 'more change')} not listed._`)
    return out
  }
  const rows: string[][] = []
  for (const e of graph.edges.values()) {
    if (rows.length >= maxRows) break
    const s = graph.nodes.get(e.source) as GraphNode
    const t = graph.nodes.get(e.target) as GraphNode
    rows.push([String(e.line), asset(s), asset(t), mdText(e.process.name, 100)])
  }
  if (rows.length === 0) return []
  const out = [table(['Line', 'Source', 'Target', 'Process'], rows)]
  if (graph.edgeCount > rows.length)
    out.push('', `_…and ${plural(graph.edgeCount - rows.length, 'more edge')} not listed._`)
  return out
}

function summaryLines(graph: LineageGraph, diff?: LineageDiff): string[] {
  const out: string[] = []
  // Assets are only known for the edges kept in full.
  const size = graph.truncated
    ? plural(graph.edgeCount, 'edge')
    : `${plural(graph.edgeCount, 'edge')} between ${plural(graph.nodes.size, 'asset')}`
  if (diff) {
    const c = diff.counts
    out.push(
      `**${fmt(c.added)} added, ${fmt(c.removed)} removed, ${fmt(c.changed)} changed** ` +
        `(${fmt(c.unchanged)} unchanged; now ${size}, base ${plural(c.baseEdges, 'edge')})`
    )
  } else {
    out.push(`**${size}** (from ${plural(graph.rows, 'row')})`)
  }
  const extra: string[] = []
  if (graph.noLineageRows > 0) {
    const n = graph.noLineageRows
    const kept = graph.noLineageLines
    const which =
      n === 1
        ? `line ${kept[0]} is`
        : `${fmt(n)} rows (${n === kept.length ? `lines ${lineRanges(kept, 5)}` : `from line ${kept[0]}`}) are`
    extra.push(
      `${which} not drawn: the Lineage Builder makes no lineage of ${n === 1 ? 'it' : 'them'} (see the CSV findings)`
    )
  }
  if (graph.duplicateRows > 0) {
    extra.push(`${plural(graph.duplicateRows, 'duplicate row')} merged into earlier edges`)
  }
  let conflicts = 0
  for (const e of graph.edges.values()) if (e.conflict) conflicts++
  if (conflicts > 0) {
    extra.push(
      `${plural(conflicts, 'edge')} repeated with different process names or values (the last row is shown)`
    )
  }
  if (!graph.caseSensitive) extra.push('assets matched ignoring case')
  if (extra.length > 0) {
    const line = extra.join('; ')
    out.push('', `${line[0].toUpperCase()}${line.slice(1)}.`)
  }
  return out
}

export function renderPreviewMarkdown(
  graph: LineageGraph,
  diff?: LineageDiff,
  opts: PreviewMarkdownOptions = {}
): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  let maxRows = Math.max(0, Math.floor(opts.maxRows ?? DEFAULT_MAX_ROWS))
  // No diagram of nothing: an empty graph would render as an empty box.
  let withMermaid =
    (opts.mermaid ?? true) && (graph.edges.size > 0 || (diff?.counts.removed ?? 0) > 0)
  let maxChars = opts.maxChars
  const cut: string[] = []

  const head: string[] = []
  const title = opts.title ?? 'Lineage preview'
  if (title !== '') {
    head.push(`### ${mdText(title, 80)}${opts.file ? `: ${mdText(opts.file, 120)}` : ''}`, '')
  }
  head.push(...summaryLines(graph, diff))
  if (opts.baseNote) head.push('', `> ${mdText(opts.baseNote, 300)}`)

  const compose = (): string => {
    const parts = [...head]
    const t = changes(graph, diff, maxRows)
    if (t.length > 0) parts.push('', ...t)
    if (withMermaid) {
      // Changes that were only counted cannot be drawn: draw the graph as it is.
      const drawn = diff?.countedOnly ? undefined : diff
      const m = renderMermaid(graph, drawn, { maxEdges: opts.maxEdges, maxChars })
      if (m.note) parts.push('', `> ${mdText(m.note, 400)}`)
      parts.push('', '```mermaid', m.text, '```')
      if (drawn && drawn.counts.added + drawn.counts.removed + drawn.counts.changed > 0) {
        parts.push('', 'Green: added. Red, dotted: removed. Amber: changed.')
      }
    }
    if (cut.length > 0)
      parts.push('', `_Preview shortened to stay under ${fmt(maxBytes)} bytes: ${cut.join('; ')}._`)
    return parts.join('\n') + '\n'
  }

  let out = compose()
  // Cap: first a smaller diagram, then fewer table rows, then no diagram, then no table.
  while (Buffer.byteLength(out, 'utf8') > maxBytes) {
    if (withMermaid && (maxChars ?? 40_000) > 5_000) {
      maxChars = Math.floor((maxChars ?? 40_000) / 2)
      if (!cut.includes('smaller diagram')) cut.push('smaller diagram')
    } else if (maxRows > 5) {
      maxRows = 5
      cut.push('fewer table rows')
    } else if (withMermaid) {
      withMermaid = false
      cut.push('diagram left out')
    } else if (maxRows > 0) {
      maxRows = 0
      cut.push('table left out')
    } else {
      // Only the heading and counts remain; cut them hard (they are short by construction).
      return (
        Buffer.from(out, 'utf8')
          .subarray(0, Math.max(0, maxBytes - 4))
          .toString('utf8') + '…\n'
      )
    }
    out = compose()
  }
  return out
}
