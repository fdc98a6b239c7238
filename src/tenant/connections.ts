// Resolves the CSV's (connector, connection name) pairs to ACTIVE connections: one search for all
// names, and, only when some pair is missing, one listing of every connection for near matches
// (same name under another connector; another case). docs/atlan-contract.md §10.5.
import {
  allConnectionsQuery,
  connectionsByNameQuery,
  MAX_TERMS,
  type MetaApi
} from '../atlan/meta.js'
import type { ConnectionPair } from './qualified-names.js'

export interface Resolution {
  /** Connection qualifiedName by pair id; undefined when the pair has no ACTIVE connection. */
  qualifiedNames: (string | undefined)[]
  /** Near matches of each missing pair, as `connector/name`. */
  nearMatches: Map<number, string[]>
  requests: number
}

interface Conn {
  connector: string
  name: string
  qualifiedName: string
}

function toConns(entities: Awaited<ReturnType<MetaApi['search']>>['entities']): Conn[] {
  return entities.flatMap(e => {
    const a = e.attributes
    return a.qualifiedName && a.name
      ? [
          {
            connector: (a.connectorName ?? '').toLowerCase(),
            name: a.name,
            qualifiedName: a.qualifiedName
          }
        ]
      : []
  })
}

export async function resolveConnections(
  meta: MetaApi,
  pairs: ConnectionPair[]
): Promise<Resolution> {
  const out: Resolution = { qualifiedNames: [], nearMatches: new Map(), requests: 0 }
  if (pairs.length === 0) return out
  const names = [...new Set(pairs.map(p => p.name))]
  const found: Conn[] = []
  for (let i = 0; i < names.length; i += MAX_TERMS) {
    const res = await meta.search(connectionsByNameQuery(names.slice(i, i + MAX_TERMS)))
    out.requests++
    found.push(...toConns(res.entities))
  }
  const missing: number[] = []
  pairs.forEach((p, id) => {
    const want = p.connector.toLowerCase()
    // Several connections may share a connector and name; the package takes the first found.
    const hit = found.find(c => c.connector === want && c.name === p.name)
    out.qualifiedNames[id] = hit?.qualifiedName
    if (!hit) missing.push(id)
  })
  if (missing.length === 0) return out
  const all = toConns((await meta.search(allConnectionsQuery())).entities)
  out.requests++
  for (const id of missing) {
    const p = pairs[id]
    const want = p.connector.toLowerCase()
    const lower = p.name.toLowerCase()
    const near = all
      .filter(
        c =>
          (c.name === p.name && c.connector !== want) ||
          (c.name !== p.name && c.name.toLowerCase() === lower)
      )
      .map(c => `${c.connector}/${c.name}`)
    out.nearMatches.set(id, [...new Set(near)].slice(0, 5))
  }
  return out
}
