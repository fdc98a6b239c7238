// Which of many qualifiedNames exist: `terms` searches of at most MAX_TERMS names each, at most
// four in flight, each name asked once (docs/atlan-contract.md §10.5).
import { assetsByQualifiedNameQuery, MAX_TERMS, type MetaApi } from '../atlan/meta.js'

export interface Found {
  guid: string
  typeName: string
}

export const MAX_IN_FLIGHT = 4

export interface LookupResult {
  found: Map<string, Found>
  requests: number
}

export async function lookupQualifiedNames(
  meta: MetaApi,
  names: Iterable<string>,
  opts: { batch?: number; inFlight?: number } = {}
): Promise<LookupResult> {
  const unique = [...new Set(names)]
  const size = Math.min(opts.batch ?? MAX_TERMS, MAX_TERMS)
  const batches: string[][] = []
  for (let i = 0; i < unique.length; i += size) batches.push(unique.slice(i, i + size))
  const found = new Map<string, Found>()
  let next = 0
  let requests = 0
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]
      requests++
      const res = await meta.search(assetsByQualifiedNameQuery(batch))
      const wanted = new Set(batch)
      for (const e of res.entities) {
        const qn = e.attributes.qualifiedName
        if (qn && wanted.has(qn)) found.set(qn, { guid: e.guid, typeName: e.typeName })
      }
    }
  }
  const n = Math.min(opts.inFlight ?? MAX_IN_FLIGHT, MAX_IN_FLIGHT, batches.length)
  await Promise.all(Array.from({ length: n }, worker))
  return { found, requests }
}
