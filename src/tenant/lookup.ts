// Which of many qualifiedNames exist, ACTIVE or archived (docs/atlan-contract.md §10.5, §10.9):
// `terms` searches of at most MAX_TERMS names each, at most four in flight, each name asked once;
// a search pages on when one name has several hits (an archived and an active one). With
// `noCase`, names are matched without case (a `should` of case-insensitive terms, MAX_SHOULD a
// search) and found under their lowercased form.
import {
  assetsByQualifiedNameNoCaseQuery,
  assetsByQualifiedNameQuery,
  MAX_SHOULD,
  MAX_TERMS,
  type MetaApi
} from '../atlan/meta.js'
import { readAll, type DebugLog } from './search.js'

export interface Found {
  guid: string
  typeName: string
  /** Archived (soft-deleted): a run restores it (§10.9). */
  archived: boolean
  /** Epoch ms of its last write, when Atlan says (§10.10). */
  updateTime?: number
}

export const MAX_IN_FLIGHT = 4

export interface LookupResult {
  /** By qualifiedName as Atlan spells it; lowercased instead with `noCase`. */
  found: Map<string, Found>
  requests: number
}

export async function lookupQualifiedNames(
  meta: MetaApi,
  names: Iterable<string>,
  log: DebugLog,
  opts: { batch?: number; inFlight?: number; noCase?: boolean } = {}
): Promise<LookupResult> {
  const norm = opts.noCase ? (s: string) => s.toLowerCase() : (s: string) => s
  const unique = [...new Map([...names].map(n => [norm(n), n])).values()]
  const size = Math.min(opts.batch ?? MAX_TERMS, opts.noCase ? MAX_SHOULD : MAX_TERMS)
  const query = opts.noCase ? assetsByQualifiedNameNoCaseQuery : assetsByQualifiedNameQuery
  const batches: string[][] = []
  for (let i = 0; i < unique.length; i += size) batches.push(unique.slice(i, i + size))
  const found = new Map<string, Found>()
  let next = 0
  let requests = 0
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]
      const res = await readAll(meta, from => query(batch, from), log)
      requests += res.requests
      const wanted = new Set(batch.map(norm))
      for (const e of res.entities) {
        const qn = e.attributes?.qualifiedName
        if (!qn || !wanted.has(norm(qn))) continue
        const hit: Found = {
          guid: e.guid,
          typeName: e.typeName,
          archived: e.status === 'DELETED',
          ...(typeof e.updateTime === 'number' && { updateTime: e.updateTime })
        }
        // An active entity wins over archived ones with the same name.
        const had = found.get(norm(qn))
        if (!had || (had.archived && !hit.archived)) found.set(norm(qn), hit)
      }
    }
  }
  const n = Math.min(opts.inFlight ?? MAX_IN_FLIGHT, MAX_IN_FLIGHT, batches.length)
  await Promise.all(Array.from({ length: n }, worker))
  return { found, requests }
}
