// Lineage graph built from validated CSV rows (docs/atlan-contract.md §6.2): assets are nodes,
// each row is an edge source → target carried by a process. Rows arrive one at a time from the
// streaming validator.
//
// Memory is bounded: the graph keeps the first DETAIL_EDGES edges and their nodes in full (far
// more than the preview draws or lists), and for every edge only two numbers: the hash of its
// key and the hash of what the diff compares (`keys`, up to MAX_KEYED_EDGES). Past that the
// file is too large to diff, and the preview says so.

import { createHash } from 'node:crypto'
import type { AssetRef, LineageRow } from '../lineage/csv-types.js'
import { KeyTable } from '../lineage/csv/key-table.js'
import { createsLineage } from '../lineage/csv/rules.js'
import { Hash30, Hash53 } from '../lineage/csv/row-key.js'

/** Edges kept in full (nodes, process, pass-through values). */
export const DETAIL_EDGES = 10_000
/** Edges whose key and content hashes are kept for the diff (15 to 30 bytes each, key-table.ts). */
export const MAX_KEYED_EDGES = 1_000_000

export interface GraphNode {
  /** Match key: connector/connection/identity (folded to lower case when matching ignores case). */
  key: string
  /** First spelling seen, for display. */
  type: string
  connector: string
  connection: string
  identity: string
  name: string
}

export interface GraphProcess {
  connector: string
  connection: string
  identity: string
  name: string
}

export interface GraphEdge {
  /** sourceKey + targetKey + process key; rows with the same key are one edge. */
  key: string
  /** sourceKey + targetKey: the pair that the diff matches on. */
  pairKey: string
  source: string
  target: string
  process: GraphProcess
  /**
   * Pass-through column values (those that land on the process). Values longer than
   * LONG_VALUE are stored as a short preview plus a digest of the whole value, so that a
   * 100k-row file with large SQL does not keep every statement in memory.
   */
  extra: Record<string, string>
  /** Line of the first row that produced this edge. */
  line: number
  /** Number of rows merged into this edge. */
  rows: number
  /** True when merged duplicate rows disagreed on the process name or a pass-through value. */
  conflict: boolean
}

export interface LineageGraph {
  caseSensitive: boolean
  /** Insertion order = first appearance in the file; the first DETAIL_EDGES edges only. */
  nodes: Map<string, GraphNode>
  edges: Map<string, GraphEdge>
  /** Rows added. */
  rows: number
  /** Rows merged into an earlier edge with the same source, target and process. */
  duplicateRows: number
  /** Rows the Lineage Builder makes no process of (an unmappable side, no process connection). */
  noLineageRows: number
  /** The lines of the first NO_LINEAGE_LINES of them. */
  noLineageLines: number[]
  /**
   * Distinct edges in the whole file. When `keys` overflowed it is an upper bound: past the index a
   * repeated row can only be recognised among the detailed edges, so it may count again.
   */
  edgeCount: number
  /** True when `nodes`/`edges` hold only the first DETAIL_EDGES edges. */
  truncated: boolean
  /** Edge key hash → content hash for every edge; undefined past MAX_KEYED_EDGES. */
  keys?: KeyTable
}

/** Lines of rows that make no lineage kept to name in the preview. */
export const NO_LINEAGE_LINES = 20

const SEP = '\u0000'
const LONG_VALUE = 96

/**
 * A private copy of a string that is kept. V8 makes a substring of 13 or more characters a view
 * on its parent, so a name sliced out of a parser's line buffer would keep the whole line (and
 * its SQL) alive; the UTF-16 round trip is lossless, lone surrogates included.
 */
function own(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le')
}

/** Store a pass-through value compactly: short values verbatim, long ones as preview + digest. */
export function compactValue(v: string): string {
  if (v.length <= LONG_VALUE) return own(v)
  const digest = createHash('sha256').update(v).digest('hex').slice(0, 16)
  return own(`${v.slice(0, 48)}… [${v.length} chars, sha256 ${digest}]`)
}

export function emptyGraph(caseSensitive = true): LineageGraph {
  return {
    caseSensitive,
    nodes: new Map(),
    edges: new Map(),
    rows: 0,
    duplicateRows: 0,
    noLineageRows: 0,
    noLineageLines: [],
    edgeCount: 0,
    truncated: false,
    keys: new KeyTable()
  }
}

export class GraphBuilder {
  private readonly graph: LineageGraph
  private readonly fold: (s: string) => string
  private readonly maxDetail: number
  private readonly maxKeyed: number
  private readonly hash = new Hash53()
  private readonly content = new Hash30()

  constructor(opts: { caseSensitive: boolean; detailEdges?: number; keyedEdges?: number }) {
    this.graph = emptyGraph(opts.caseSensitive)
    this.fold = opts.caseSensitive ? s => s : s => s.toLowerCase()
    this.maxDetail = opts.detailEdges ?? DETAIL_EDGES
    this.maxKeyed = opts.keyedEdges ?? MAX_KEYED_EDGES
  }

  /** What the diff compares, as one hash (the compact form of diff.ts's changedFields). */
  private contentHash(row: LineageRow): number {
    const p = row.process
    const h = this.content.start()
    h.add(p.name).add(p.identity).addLower(p.connector).add(p.connection)
    h.add(row.source.name).add(row.source.type).add(row.target.name).add(row.target.type)
    // Pass-through columns come in header order, so no sorting is needed.
    const extra = row.extra
    for (const k in extra) {
      const v = extra[k]
      if (v !== '') h.add(k).add(v)
    }
    // 30 bits are enough to tell a changed edge from its base (a miss once in a billion), and
    // fit the table's 32-bit values.
    return h.digest()
  }

  /**
   * The hash of the edge's key (what `key` spells out: assetKey of both sides and processKey),
   * fed field by field so that no key string is built for edges past the detailed ones.
   */
  private keyHash(row: LineageRow): number {
    const h = this.hash.start()
    const cs = this.graph.caseSensitive
    this.hashAsset(row.source)
    this.hashAsset(row.target)
    const p = row.process
    h.addLower(p.connector)
    if (cs) h.add(p.connection)
    else h.addLower(p.connection)
    if (p.identity === '') h.add('name').add(p.name)
    else if (cs) h.add('id').add(p.identity)
    else h.add('id').addLower(p.identity)
    return h.digest()
  }

  private hashAsset(a: AssetRef): void {
    const h = this.hash.addLower(a.connector)
    if (this.graph.caseSensitive) h.add(a.connection).add(a.identity)
    else h.addLower(a.connection).addLower(a.identity)
  }

  /** Atlan lower-cases the connector always (§6.2); the rest only when matching ignores case. */
  private assetKey(a: { connector: string; connection: string; identity: string }): string {
    return a.connector.toLowerCase() + SEP + this.fold(a.connection) + SEP + this.fold(a.identity)
  }

  private node(a: AssetRef): string {
    const k = this.assetKey(a)
    const existing = this.graph.nodes.get(k)
    if (existing) return existing.key
    const key = own(k)
    this.graph.nodes.set(key, {
      key,
      type: own(a.type),
      connector: own(a.connector),
      connection: own(a.connection),
      identity: own(a.identity),
      name: own(a.name)
    })
    return key
  }

  /**
   * The process is identified by its connection and identity; without an identity its
   * qualifiedName is derived from its name and the inputs/outputs (§6.2), so the name then counts.
   */
  private processKey(p: GraphProcess): string {
    const base = p.connector.toLowerCase() + SEP + this.fold(p.connection) + SEP
    return p.identity !== '' ? base + 'id:' + this.fold(p.identity) : base + 'name:' + p.name
  }

  add(row: LineageRow): void {
    const g = this.graph
    g.rows++
    // Such a row is reported by the CSV check; drawn, it would be a node and an edge that no run
    // creates (and, beside the base's valid row, an edge removed and added again).
    if (!createsLineage(row)) {
      if (g.noLineageRows++ < NO_LINEAGE_LINES) g.noLineageLines.push(row.line)
      return
    }

    // Every edge: counted, and hashed for the diff while the index has room.
    let isNew: boolean | undefined
    const keys = g.keys
    if (keys !== undefined) {
      const kh = this.keyHash(row)
      if (keys.size >= this.maxKeyed && !keys.has(kh)) {
        isNew = true
        g.keys = undefined // too many edges to diff: free the index
      } else {
        isNew = keys.set(kh, this.contentHash(row))
      }
    }
    // A new edge past the detailed ones needs no key string: it is only counted.
    if (isNew === true && g.edges.size >= this.maxDetail) {
      g.edgeCount++
      g.truncated = true
      return
    }

    const sourceKey = this.assetKey(row.source)
    const targetKey = this.assetKey(row.target)
    const process = row.process
    const pairKey = sourceKey + SEP + SEP + targetKey
    const key = pairKey + SEP + SEP + this.processKey(process)
    isNew ??= !g.edges.has(key) // beyond the index: only the detailed edges are known
    if (isNew) g.edgeCount++
    else g.duplicateRows++

    const prev = g.edges.get(key)
    if (prev) {
      // Later rows for the same process overwrite earlier ones when imported (INFERENCE:
      // asset import upserts by qualifiedName), so the last row's values are kept.
      const extra = this.extra(row)
      prev.rows++
      if (prev.process.name !== process.name || !sameRecord(prev.extra, extra)) prev.conflict = true
      prev.process = ownProcess(process)
      prev.extra = extra
      return
    }
    if (g.edges.size >= this.maxDetail) {
      if (isNew) g.truncated = true
      return
    }
    const k = own(key)
    g.edges.set(k, {
      key: k,
      pairKey: own(pairKey),
      source: this.node(row.source),
      target: this.node(row.target),
      process: ownProcess(process),
      extra: this.extra(row),
      line: row.line,
      rows: 1,
      conflict: false
    })
  }

  private extra(row: LineageRow): Record<string, string> {
    const extra: Record<string, string> = {}
    for (const [k, v] of Object.entries(row.extra)) {
      if (v !== '') extra[k] = compactValue(v)
    }
    return extra
  }

  build(): LineageGraph {
    return this.graph
  }
}

function ownProcess(p: GraphProcess): GraphProcess {
  return {
    connector: own(p.connector),
    connection: own(p.connection),
    identity: own(p.identity),
    name: own(p.name)
  }
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every(k => a[k] === b[k])
}

/** Convenience for tests and callers that already hold all rows. */
export function buildGraph(rows: Iterable<LineageRow>, caseSensitive = true): LineageGraph {
  const b = new GraphBuilder({ caseSensitive })
  for (const r of rows) b.add(r)
  return b.build()
}
