// Resolves the CSV's (connector, connection name) pairs as the Lineage Builder does
// (docs/atlan-contract.md §10.9: ACTIVE only, connector lowercased, name without case) and tells
// apart what this token can prove (§10.8): a connection found, found but hidden from the token
// (a scrubbed hit), ambiguous (two ACTIVE matches), proven absent (the tenant shows this token
// scrubbed hits, so a connection that exists would have been listed), or not seen (not found, or
// not visible to this token). One search for all names; a listing of every connection only when
// a pair is not found, for near matches and for proof.
import leven from 'leven'
import { AtlanError } from '../atlan/errors.js'
import {
  allConnectionsQuery,
  connectionsByNameQuery,
  MAX_TERMS,
  type EntityHeader,
  type MetaApi
} from '../atlan/meta.js'
import type { ConnectionPair } from './qualified-names.js'
import { readAll, type DebugLog } from './search.js'

export type ConnectionState =
  | { kind: 'found'; qualifiedName: string; atlanName: string }
  /** Exists, but the token may not read it: Atlan answered it scrubbed. */
  | { kind: 'hidden'; qualifiedName: string; atlanName: string }
  /** Two or more ACTIVE connections match: which one a run takes is not defined. */
  | { kind: 'ambiguous'; qualifiedNames: string[]; atlanName: string }
  /** Proven absent. */
  | { kind: 'missing'; nearMatches: string[] }
  /** Not found, or not visible to this token. */
  | { kind: 'unseen'; nearMatches: string[] }

/** Connections whose qualifiedName is known, so their assets and processes can be named. */
export type Named = Extract<ConnectionState, { qualifiedName: string }>

export function isNamed(s: ConnectionState | undefined): s is Named {
  return s?.kind === 'found' || s?.kind === 'hidden'
}

export interface Resolution {
  /** By pair id. */
  states: ConnectionState[]
  /** The tenant showed this token a scrubbed connection: it answers at `scrub` (§10.8). */
  scrubSeen: boolean
  /** Connections this token was shown and may read. */
  readable: number
  /** Atlan refused the search (403): the message, and nothing could be checked. */
  forbidden?: AtlanError
  requests: number
}

interface Conn {
  connector: string
  name: string
  qualifiedName: string
  scrubbed: boolean
  guid: string
}

const NEAR = 2
const MAX_NEAR = 5

/** A connection's qualifiedName is default/<connector>/<epoch> (§10.5). */
function connectorOf(e: EntityHeader): string | undefined {
  const c = e.attributes?.connectorName ?? e.attributes?.qualifiedName?.split('/')[1]
  return c?.toLowerCase()
}

function toConn(e: EntityHeader): Conn | undefined {
  const name = e.attributes?.name
  const qualifiedName = e.attributes?.qualifiedName
  const connector = connectorOf(e)
  if (!name || !qualifiedName || !connector) return undefined
  return { connector, name, qualifiedName, scrubbed: e.scrubbed === true, guid: e.guid }
}

const key = (connector: string, name: string) =>
  `${connector.toLowerCase()}\u0000${name.toLowerCase()}`

export async function resolveConnections(
  meta: MetaApi,
  pairs: ConnectionPair[],
  log: DebugLog
): Promise<Resolution> {
  const out: Resolution = { states: [], scrubSeen: false, readable: 0, requests: 0 }
  if (pairs.length === 0) return out
  const readableGuids = new Set<string>()
  // A search cut short (past Elasticsearch's window, or a server repeating pages) may have left
  // out the very connection a pair names: absence is then not proven (§10.8, §10.12).
  let incomplete = false
  // A by-name hit hidden without its name (the older scrubbed form, §10.8) is one of the names
  // asked for, and no one can say which: none of them is then proven absent.
  let unnamedHidden = false
  const seen = (entities: EntityHeader[], byName = false): Conn[] => {
    const conns: Conn[] = []
    for (const e of entities) {
      if (e.scrubbed === true) out.scrubSeen = true
      else readableGuids.add(e.guid)
      const c = toConn(e)
      if (c) conns.push(c)
      else if (byName && e.scrubbed === true) unnamedHidden = true
    }
    return conns
  }
  try {
    // name.keyword ignores case, so one spelling of each name is enough.
    const names = [...new Map(pairs.map(p => [p.name.toLowerCase(), p.name])).values()]
    const byKey = new Map<string, Conn[]>()
    for (let i = 0; i < names.length; i += MAX_TERMS) {
      const batch = names.slice(i, i + MAX_TERMS)
      const res = await readAll(meta, from => connectionsByNameQuery(batch, from), log)
      out.requests += res.requests
      incomplete ||= res.truncated
      for (const c of seen(res.entities, true)) {
        const k = key(c.connector, c.name)
        const list = byKey.get(k) ?? []
        // By qualifiedName: scrubbed headers of the older form all carry guid -1 (§10.8).
        if (!list.some(x => x.qualifiedName === c.qualifiedName)) list.push(c)
        byKey.set(k, list)
      }
    }
    const absent: number[] = []
    pairs.forEach((p, id) => {
      const hits = byKey.get(key(p.connector, p.name)) ?? []
      if (hits.length === 0) absent.push(id)
      else out.states[id] = stateOf(hits)
    })
    if (absent.length > 0) {
      const all = await readAll(meta, from => allConnectionsQuery(from), log)
      out.requests += all.requests
      incomplete ||= all.truncated
      const listed = seen(all.entities)
      const proven = out.scrubSeen && !incomplete && !unnamedHidden
      for (const id of absent) {
        const nearMatches = near(pairs[id], listed)
        out.states[id] = { kind: proven ? 'missing' : 'unseen', nearMatches }
      }
    }
  } catch (e) {
    if (!(e instanceof AtlanError && e.kind === 'permission')) throw e
    out.forbidden = e
    pairs.forEach((_, id) => (out.states[id] = { kind: 'unseen', nearMatches: [] }))
  }
  out.readable = readableGuids.size
  return out
}

/** One ACTIVE match: found (or hidden); more: ambiguous. The package takes the first hit. */
function stateOf(hits: Conn[]): ConnectionState {
  if (hits.length > 1)
    return {
      kind: 'ambiguous',
      qualifiedNames: hits.map(h => h.qualifiedName),
      atlanName: hits[0].name
    }
  const [h] = hits
  return h.scrubbed
    ? { kind: 'hidden', qualifiedName: h.qualifiedName, atlanName: h.name }
    : { kind: 'found', qualifiedName: h.qualifiedName, atlanName: h.name }
}

/** Connections within two edits of the name (case ignored), or the same name under another connector. */
function near(p: ConnectionPair, listed: Conn[]): string[] {
  const want = p.name.toLowerCase()
  const connector = p.connector.toLowerCase()
  const scored: Array<{ label: string; d: number; other: number }> = []
  for (const c of listed) {
    const d = leven(want, c.name.toLowerCase(), { maxDistance: NEAR + 1 })
    if (d > NEAR) continue
    const other = c.connector === connector ? 0 : 1
    if (d === 0 && other === 0) continue // the pair itself: not a near match
    scored.push({ label: `${c.connector}/${c.name}`, d, other })
  }
  scored.sort((a, b) => a.d - b.d || a.other - b.other || a.label.localeCompare(b.label))
  return [...new Set(scored.map(s => s.label))].slice(0, MAX_NEAR)
}
