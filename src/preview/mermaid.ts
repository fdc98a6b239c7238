// The lineage graph (optionally with its diff against the base branch) as a Mermaid flowchart.
//
// Every piece of user text goes into a double-quoted label with Mermaid entity codes
// (`#quot;`, `#35;` …) for the characters that could end the string, start an entity, be read
// as HTML or Markdown, or trip Mermaid's own pre-processing, so any asset name parses.

import { fmt, plural } from '../report/markdown.js'
import type { EdgeChange, LineageDiff } from './diff.js'
import type { GraphEdge, GraphNode, LineageGraph } from './graph.js'

export interface MermaidOptions {
  /** Edges drawn at most (default 60). */
  maxEdges?: number
  /**
   * Characters of Mermaid text at most (default 40,000): GitHub's renderer refuses diagrams
   * above Mermaid's maxTextSize of 50,000. Fewer edges are drawn when the labels are long.
   */
  maxChars?: number
}

export interface MermaidResult {
  text: string
  shownEdges: number
  totalEdges: number
  note?: string
}

export const DEFAULT_MAX_EDGES = 60
export const DEFAULT_MAX_CHARS = 40_000

const COLOURS = {
  added: '#2da44e',
  removed: '#cf222e',
  changed: '#bf8700'
} as const

type DrawKind = 'added' | 'removed' | 'changed' | 'same'

interface DrawEdge {
  kind: DrawKind
  source: GraphNode
  target: GraphNode
  edge: GraphEdge
  change?: EdgeChange
}

const ENTITY: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '|': '#124;',
  '`': '#96;',
  ';': '#59;',
  ':': '#58;',
  '%': '#37;',
  '\\': '#92;'
}

/** Control characters, line/paragraph separators and bidi overrides (misleading when shown). */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** One line of clean text, at most `max` code points ('…' marks a cut; `fromEnd` keeps the tail). */
export function cleanText(s: string, max: number, fromEnd = false): string {
  const t = s.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim()
  if (t.length <= max) return t
  const cps = Array.from(t)
  if (cps.length <= max) return t
  return fromEnd
    ? '…' + cps.slice(cps.length - max + 1).join('')
    : cps.slice(0, max - 1).join('') + '…'
}

/** Text for inside a double-quoted Mermaid label. */
export function mermaidEscape(s: string, max = 60, fromEnd = false): string {
  return cleanText(s, max, fromEnd).replace(/["#&<>|`;:%\\]/g, c => ENTITY[c])
}

function nodeLabel(n: GraphNode, withIdentity: boolean): string {
  const name = mermaidEscape(n.name !== '' ? n.name : n.identity !== '' ? n.identity : '(no name)')
  const meta = [n.type, n.connector]
    .filter(s => s.trim() !== '')
    .map(s => mermaidEscape(s, 30))
    .join(' · ')
  const lines = [name]
  if (meta !== '') lines.push(meta)
  if (withIdentity && n.identity !== '') lines.push(mermaidEscape(n.identity, 48, true))
  return lines.join('<br/>')
}

function edgeLabel(d: DrawEdge): string {
  const name = d.edge.process.name
  if (d.kind === 'changed' && d.change) {
    const fields = d.change.fields
    const old = d.change.base?.process.name ?? ''
    if (fields.includes('process name')) {
      return mermaidEscape(`${name || '(no name)'} (was ${old || '(no name)'})`, 80)
    }
    return mermaidEscape(`${name} (changed: ${fields.join(', ')})`, 80)
  }
  return mermaidEscape(name)
}

interface Selection {
  edges: DrawEdge[]
  note?: string
}

function allDrawEdges(graph: LineageGraph, diff?: LineageDiff): DrawEdge[] {
  const kinds = new Map<string, EdgeChange>()
  if (diff) {
    for (const c of diff.added) if (c.head) kinds.set(c.head.key, c)
    for (const c of diff.changed) if (c.head) kinds.set(c.head.key, c)
  }
  const out: DrawEdge[] = []
  for (const e of graph.edges.values()) {
    const change = kinds.get(e.key)
    out.push({
      kind: change ? change.kind : 'same',
      source: graph.nodes.get(e.source) as GraphNode,
      target: graph.nodes.get(e.target) as GraphNode,
      edge: e,
      change
    })
  }
  if (diff) {
    for (const c of diff.removed) {
      if (c.base)
        out.push({ kind: 'removed', source: c.source, target: c.target, edge: c.base, change: c })
    }
  }
  return out
}

/** Diff edges first (changed, removed, added), then unchanged edges touching them. */
function selectAroundChanges(all: DrawEdge[], budget: number): Selection {
  const rank: Record<DrawKind, number> = { changed: 0, removed: 1, added: 2, same: 3 }
  const diffEdges = all.filter(d => d.kind !== 'same').sort((a, b) => rank[a.kind] - rank[b.kind])
  const picked = diffEdges.slice(0, budget)
  const touched = new Set<string>()
  for (const d of picked) {
    touched.add(d.source.key)
    touched.add(d.target.key)
  }
  let neighbours = 0
  for (const d of all) {
    if (picked.length >= budget) break
    if (d.kind === 'same' && (touched.has(d.source.key) || touched.has(d.target.key))) {
      picked.push(d)
      neighbours++
    }
  }
  const shownDiff = picked.length - neighbours
  const diffPart =
    shownDiff < diffEdges.length
      ? `${fmt(shownDiff)} of ${plural(diffEdges.length, 'changed edge')} (changed, then removed, then added)`
      : `all ${plural(diffEdges.length, 'changed edge')}`
  const left = all.length - picked.length
  return {
    edges: picked,
    note:
      `showing ${fmt(picked.length)} of ${plural(all.length, 'edge')}: ${diffPart} and ` +
      `${plural(neighbours, 'neighbouring unchanged edge')}; ` +
      `${plural(left, 'unchanged edge')} left out`
  }
}

/** Whole weakly connected components, largest first, while they fit. */
function selectComponents(all: DrawEdge[], budget: number): Selection {
  const idx = new Map<string, number>()
  const parent: number[] = []
  const id = (k: string): number => {
    let i = idx.get(k)
    if (i === undefined) {
      i = parent.length
      idx.set(k, i)
      parent.push(i)
    }
    return i
  }
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]]
      i = parent[i]
    }
    return i
  }
  for (const d of all) {
    const a = find(id(d.source.key))
    const b = find(id(d.target.key))
    if (a !== b) parent[a] = b
  }
  const comps = new Map<number, DrawEdge[]>()
  for (const d of all) {
    const r = find(idx.get(d.source.key) as number)
    const list = comps.get(r)
    if (list) list.push(d)
    else comps.set(r, [d])
  }
  // Largest first; Array.prototype.sort is stable, so ties keep file order.
  const ordered = [...comps.values()].sort((a, b) => b.length - a.length)
  const picked: DrawEdge[] = []
  let groups = 0
  if (ordered.length > 0 && ordered[0].length > budget) {
    picked.push(...bfsPart(ordered[0], budget))
    const left = all.length - picked.length
    return {
      edges: picked,
      note:
        `showing ${fmt(picked.length)} of ${plural(all.length, 'edge')}: part of the largest ` +
        `connected group (${plural(ordered[0].length, 'edge')}), around its busiest asset; ` +
        `${plural(left, 'edge')} left out` +
        (ordered.length > 1 ? `, among them ${plural(ordered.length - 1, 'other group')}` : '')
    }
  }
  for (const c of ordered) {
    if (picked.length + c.length > budget) continue
    picked.push(...c)
    groups++
  }
  const left = all.length - picked.length
  return {
    edges: picked,
    note:
      `showing ${fmt(picked.length)} of ${plural(all.length, 'edge')}: the ` +
      `${plural(groups, 'largest connected group')} that fit; ${plural(left, 'edge')} in ` +
      `${plural(ordered.length - groups, 'other group')} left out`
  }
}

/** Breadth-first from the asset with the most edges, until the budget is used. */
function bfsPart(comp: DrawEdge[], budget: number): DrawEdge[] {
  const adj = new Map<string, DrawEdge[]>()
  const link = (k: string, d: DrawEdge): void => {
    const l = adj.get(k)
    if (l) l.push(d)
    else adj.set(k, [d])
  }
  for (const d of comp) {
    link(d.source.key, d)
    if (d.target.key !== d.source.key) link(d.target.key, d)
  }
  let start = comp[0].source.key
  let best = -1
  for (const [k, l] of adj) {
    if (l.length > best) {
      best = l.length
      start = k
    }
  }
  const out: DrawEdge[] = []
  const usedEdges = new Set<DrawEdge>()
  const seen = new Set<string>([start])
  const queue = [start]
  for (let qi = 0; qi < queue.length && out.length < budget; qi++) {
    for (const d of adj.get(queue[qi]) ?? []) {
      if (out.length >= budget) break
      if (usedEdges.has(d)) continue
      usedEdges.add(d)
      out.push(d)
      for (const k of [d.source.key, d.target.key]) {
        if (!seen.has(k)) {
          seen.add(k)
          queue.push(k)
        }
      }
    }
  }
  return out
}

function draw(edges: DrawEdge[], diff?: LineageDiff): string {
  const ids = new Map<string, string>()
  const nodes: GraphNode[] = []
  for (const d of edges) {
    for (const n of [d.source, d.target]) {
      if (!ids.has(n.key)) {
        ids.set(n.key, `n${ids.size + 1}`)
        nodes.push(n)
      }
    }
  }
  // Two shown assets that would read the same get their identity as a third line.
  const seenLabel = new Map<string, number>()
  const plainLabel = (n: GraphNode): string => `${n.name}\u0000${n.type}\u0000${n.connector}`
  for (const n of nodes) seenLabel.set(plainLabel(n), (seenLabel.get(plainLabel(n)) ?? 0) + 1)

  const lines = ['flowchart LR']
  if (edges.length === 0) {
    lines.push('  n0["(no lineage edges)"]')
    return lines.join('\n')
  }
  const addedNodes: string[] = []
  const removedNodes: string[] = []
  for (const n of nodes) {
    const id = ids.get(n.key) as string
    lines.push(`  ${id}["${nodeLabel(n, (seenLabel.get(plainLabel(n)) ?? 0) > 1)}"]`)
    if (diff?.addedNodes.has(n.key)) addedNodes.push(id)
    if (diff?.removedNodes.has(n.key)) removedNodes.push(id)
  }
  const byKind: Record<DrawKind, number[]> = { added: [], removed: [], changed: [], same: [] }
  edges.forEach((d, i) => {
    const label = edgeLabel(d)
    const arrow = d.kind === 'removed' ? '-.->' : '-->'
    const mid = label === '' ? arrow : `${arrow}|"${label}"|`
    lines.push(`  ${ids.get(d.source.key)} ${mid} ${ids.get(d.target.key)}`)
    byKind[d.kind].push(i)
  })
  for (const kind of ['added', 'removed', 'changed'] as const) {
    if (byKind[kind].length > 0) {
      lines.push(`  linkStyle ${byKind[kind].join(',')} stroke:${COLOURS[kind]},stroke-width:2px`)
    }
  }
  if (addedNodes.length > 0) {
    lines.push(`  classDef added stroke:${COLOURS.added},stroke-width:2px`)
    lines.push(`  class ${addedNodes.join(',')} added`)
  }
  if (removedNodes.length > 0) {
    lines.push(`  classDef removed stroke:${COLOURS.removed},stroke-width:2px,stroke-dasharray:4`)
    lines.push(`  class ${removedNodes.join(',')} removed`)
  }
  return lines.join('\n')
}

export function renderMermaid(
  graph: LineageGraph,
  diff?: LineageDiff,
  opts: MermaidOptions = {}
): MermaidResult {
  const maxEdges = Math.max(1, Math.floor(opts.maxEdges ?? DEFAULT_MAX_EDGES))
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS
  const all = allDrawEdges(graph, diff)
  const hasChanges = diff !== undefined && all.some(d => d.kind !== 'same')
  const select = (budget: number): Selection => {
    if (all.length <= budget) return { edges: all }
    if (hasChanges) return selectAroundChanges(all, budget)
    const s = selectComponents(all, budget)
    return diff && s.note ? { ...s, note: `no lineage changes; ${s.note}` } : s
  }

  let budget = maxEdges
  let sel = select(budget)
  let text = draw(sel.edges, diff)
  let shrunk = false
  while (text.length > maxChars && sel.edges.length > 1) {
    budget = Math.max(
      1,
      Math.min(budget, sel.edges.length) - Math.max(1, Math.ceil(sel.edges.length / 5))
    )
    sel = select(budget)
    text = draw(sel.edges, diff)
    shrunk = true
  }
  let note = sel.note
  if (graph.truncated) {
    note = `${note ?? `showing ${fmt(sel.edges.length)} edges`}, drawn from the first ${plural(graph.edges.size, 'edge')} of ${fmt(graph.edgeCount)}`
  }
  if (shrunk) {
    note =
      (note ?? `showing ${fmt(sel.edges.length)} of ${plural(all.length, 'edge')}`) +
      ` (fewer edges, to keep the diagram under ${fmt(maxChars)} characters)`
  }
  const res: MermaidResult = { text, shownEdges: sel.edges.length, totalEdges: all.length }
  if (note) res.note = note
  return res
}
