// Which of many qualifiedNames exist (docs/atlan-contract.md §10.5, §10.9): `terms` searches of at
// most MAX_TERMS names each, at most four in flight, each name asked once. A qualifiedName is
// unique among ACTIVE entities, so one page of as many hits as names holds every answer (a longer
// reply is cut, §10.12). With `archived`, names not found ACTIVE are asked once more among the
// archived (a run restores those). With `noCase`, names are matched without case (a `should` of
// case-insensitive terms, MAX_SHOULD a search) and found under their lowercased form.
import {
  assetsByQualifiedNameNoCaseQuery,
  assetsByQualifiedNameQuery,
  MAX_SHOULD,
  MAX_TERMS,
  type EntityState,
  type MetaApi
} from '../atlan/meta.js'
import { readPage, type DebugLog } from './search.js'

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
  /** By qualifiedName as asked; lowercased instead with `noCase`. */
  found: Map<string, Found>
  requests: number
}

export interface LookupOptions {
  batch?: number
  inFlight?: number
  noCase?: boolean
  /** Also look for archived entities among the names not found ACTIVE. */
  archived?: boolean
}

export async function lookupQualifiedNames(
  meta: MetaApi,
  names: Iterable<string>,
  log: DebugLog,
  opts: LookupOptions = {}
): Promise<LookupResult> {
  const norm = opts.noCase ? (s: string) => s.toLowerCase() : (s: string) => s
  const unique = [...new Map([...names].map(n => [norm(n), n])).values()]
  const out: LookupResult = { found: new Map(), requests: 0 }
  await pass(meta, unique, 'ACTIVE', norm, log, opts, out)
  if (opts.archived) {
    const rest = unique.filter(n => !out.found.has(norm(n)))
    await pass(meta, rest, 'DELETED', norm, log, opts, out)
  }
  return out
}

async function pass(
  meta: MetaApi,
  names: string[],
  state: EntityState,
  norm: (s: string) => string,
  log: DebugLog,
  opts: LookupOptions,
  out: LookupResult
): Promise<void> {
  const size = Math.min(opts.batch ?? MAX_TERMS, opts.noCase ? MAX_SHOULD : MAX_TERMS)
  const query = opts.noCase ? assetsByQualifiedNameNoCaseQuery : assetsByQualifiedNameQuery
  const batches: string[][] = []
  for (let i = 0; i < names.length; i += size) batches.push(names.slice(i, i + size))
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]
      const res = await readPage(meta, query(batch, state), log)
      out.requests++
      const wanted = new Set(batch.map(norm))
      for (const e of res.entities) {
        const qn = e.attributes?.qualifiedName
        if (!qn || !wanted.has(norm(qn)) || out.found.has(norm(qn))) continue
        out.found.set(norm(qn), {
          guid: e.guid,
          typeName: e.typeName,
          archived: state === 'DELETED',
          ...(typeof e.updateTime === 'number' && { updateTime: e.updateTime })
        })
      }
    }
  }
  const n = Math.min(opts.inFlight ?? MAX_IN_FLIGHT, MAX_IN_FLIGHT, batches.length)
  await Promise.all(Array.from({ length: n }, worker))
}
