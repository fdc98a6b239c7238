// Edge diff between the base branch's lineage CSV and the head's.
//
// Edges are matched on (source, target). Within one pair, edges with the same process key
// (connection + identity, or name when there is no identity) are compared field by field; what
// is left unmatched on both sides is paired in file order and reported as "changed" too, so that
// a renamed or re-identified process on the same source/target is one change, not added+removed.

import { fmt } from '../report/markdown.js'
import {
  DETAIL_EDGES,
  MAX_KEYED_EDGES,
  type GraphEdge,
  type GraphNode,
  type LineageGraph
} from './graph.js'

export type ChangeKind = 'added' | 'removed' | 'changed'

export interface EdgeChange {
  kind: ChangeKind
  /** The head's node when the edge exists in head, else the base's. */
  source: GraphNode
  target: GraphNode
  base?: GraphEdge
  head?: GraphEdge
  /** For 'changed': what differs, e.g. 'process name', 'process identity', 'sql'. */
  fields: string[]
}

export interface LineageDiff {
  added: EdgeChange[]
  removed: EdgeChange[]
  changed: EdgeChange[]
  counts: {
    added: number
    removed: number
    changed: number
    unchanged: number
    baseEdges: number
    headEdges: number
  }
  /** Keys of head nodes that the base graph lacks. */
  addedNodes: Set<string>
  /** Base nodes that the head graph lacks. */
  removedNodes: Map<string, GraphNode>
  /** Set when the changes were only counted (by edge key hashes), not listed. */
  countedOnly?: true
}

function groupByPair(g: LineageGraph): Map<string, GraphEdge[]> {
  const m = new Map<string, GraphEdge[]>()
  for (const e of g.edges.values()) {
    const list = m.get(e.pairKey)
    if (list) list.push(e)
    else m.set(e.pairKey, [e])
  }
  return m
}

function changedFields(
  b: GraphEdge,
  h: GraphEdge,
  base: LineageGraph,
  head: LineageGraph
): string[] {
  const f: string[] = []
  if (b.process.name !== h.process.name) f.push('process name')
  if (b.process.identity !== h.process.identity) f.push('process identity')
  if (b.process.connector.toLowerCase() !== h.process.connector.toLowerCase())
    f.push('process connector')
  if (b.process.connection !== h.process.connection) f.push('process connection')
  for (const side of ['source', 'target'] as const) {
    const bn = base.nodes.get(b[side])
    const hn = head.nodes.get(h[side])
    if (bn && hn) {
      if (bn.name !== hn.name) f.push(`${side} name`)
      if (bn.type !== hn.type) f.push(`${side} type`)
    }
  }
  const seen = new Set<string>()
  for (const k of [...Object.keys(h.extra), ...Object.keys(b.extra)]) {
    if (seen.has(k)) continue
    seen.add(k)
    if ((b.extra[k] ?? '') !== (h.extra[k] ?? '')) f.push(k)
  }
  return f
}

/**
 * Both graphs should be built with the same caseSensitive setting (an empty base graph is fine
 * either way): node keys are compared as built.
 */
export function diffGraphs(base: LineageGraph, head: LineageGraph): LineageDiff {
  const added: EdgeChange[] = []
  const removed: EdgeChange[] = []
  const changed: EdgeChange[] = []
  let unchanged = 0
  const baseGroups = groupByPair(base)
  const headGroups = groupByPair(head)
  const node = (g: LineageGraph, k: string): GraphNode => g.nodes.get(k) as GraphNode

  const pushRemoved = (b: GraphEdge): void => {
    removed.push({
      kind: 'removed',
      source: head.nodes.get(b.source) ?? node(base, b.source),
      target: head.nodes.get(b.target) ?? node(base, b.target),
      base: b,
      fields: []
    })
  }

  for (const [pair, heads] of headGroups) {
    const bases = baseGroups.get(pair) ?? []
    const restHeads: GraphEdge[] = []
    const matchedBase = new Set<GraphEdge>()
    for (const h of heads) {
      const b = bases.length > 0 ? base.edges.get(h.key) : undefined
      if (!b) {
        restHeads.push(h)
        continue
      }
      matchedBase.add(b)
      const fields = changedFields(b, h, base, head)
      if (fields.length === 0) unchanged++
      else
        changed.push({
          kind: 'changed',
          source: node(head, h.source),
          target: node(head, h.target),
          base: b,
          head: h,
          fields
        })
    }
    const restBases = bases.filter(b => !matchedBase.has(b))
    for (let i = 0; i < restHeads.length; i++) {
      const h = restHeads[i]
      const b = restBases[i]
      const src = node(head, h.source)
      const tgt = node(head, h.target)
      if (b) {
        changed.push({
          kind: 'changed',
          source: src,
          target: tgt,
          base: b,
          head: h,
          fields: changedFields(b, h, base, head)
        })
      } else {
        added.push({ kind: 'added', source: src, target: tgt, head: h, fields: [] })
      }
    }
    for (let i = restHeads.length; i < restBases.length; i++) pushRemoved(restBases[i])
  }
  for (const [pair, bases] of baseGroups) {
    if (!headGroups.has(pair)) for (const b of bases) pushRemoved(b)
  }

  const headLine = (c: EdgeChange): number => (c.head as GraphEdge).line
  added.sort((a, b) => headLine(a) - headLine(b))
  changed.sort((a, b) => headLine(a) - headLine(b))
  removed.sort((a, b) => (a.base as GraphEdge).line - (b.base as GraphEdge).line)

  const addedNodes = new Set<string>()
  for (const k of head.nodes.keys()) if (!base.nodes.has(k)) addedNodes.add(k)
  const removedNodes = new Map<string, GraphNode>()
  for (const [k, n] of base.nodes) if (!head.nodes.has(k)) removedNodes.set(k, n)

  return {
    added,
    removed,
    changed,
    counts: {
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      unchanged,
      baseEdges: base.edges.size,
      headEdges: head.edges.size
    },
    addedNodes,
    removedNodes
  }
}

/**
 * The diff the preview can afford. Graphs kept in full get the exact diff. Larger ones are
 * compared by their edge key and content hashes: counts only, and a process renamed on the same
 * source and target counts as one removed and one added edge. A graph too large even for that
 * gets no diff, and a note saying so.
 */
export function diffForPreview(
  base: LineageGraph,
  head: LineageGraph
): { diff?: LineageDiff; note?: string } {
  if (!base.truncated && !head.truncated) return { diff: diffGraphs(base, head) }
  if (base.keys === undefined || head.keys === undefined) {
    const which = head.keys === undefined ? 'The file' : 'The base version'
    return {
      note: `${which} has more than ${fmt(MAX_KEYED_EDGES)} edges: too many to compare within the action's memory bound, so there is no edge diff.`
    }
  }
  let added = 0
  let changed = 0
  let unchanged = 0
  const baseKeys = base.keys
  head.keys.forEach((content, key) => {
    const b = baseKeys.get(key)
    if (b === undefined) added++
    else if (b === content) unchanged++
    else changed++
  })
  const removed = base.keys.size - changed - unchanged
  return {
    diff: {
      added: [],
      removed: [],
      changed: [],
      counts: {
        added,
        removed,
        changed,
        unchanged,
        baseEdges: base.keys.size,
        headEdges: head.keys.size
      },
      addedNodes: new Set(),
      removedNodes: new Map(),
      countedOnly: true
    },
    note: `More than ${fmt(DETAIL_EDGES)} edges: changes are counted by edge key, not listed (a process renamed on the same source and target counts as removed and added).`
  }
}
