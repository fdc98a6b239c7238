// Which of many qualifiedNames exist (docs/atlan-contract.md §10.5, §10.9): `terms` searches of at
// most MAX_TERMS names each, at most four in flight, each name asked once. A qualifiedName is
// unique among ACTIVE entities, so one page of as many hits as names holds every answer (a longer
// reply is cut, §10.12). With `archived`, names not found ACTIVE are asked once more among the
// archived (a run restores those). With `noCase`, names are matched without case (a `should` of
// case-insensitive terms, MAX_SHOULD a search) and found under their lowercased form. With a
// `budget` (tenant_search_limit), a search the budget cannot pay for is not made, and its names
// are returned as not asked.
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

/** The searches a stage may still make (tenant_search_limit); each search takes one. */
export class SearchBudget {
  used = 0
  constructor(readonly limit: number) {}
  get left(): number {
    return Math.max(0, this.limit - this.used)
  }
  /** Takes one search; false when none is left. */
  take(): boolean {
    if (this.used >= this.limit) return false
    this.used++
    return true
  }
  /** Counts searches made whatever was left (the connections of every row are checked). */
  spend(n: number): void {
    this.used += n
  }
}

export interface LookupResult {
  /** By qualifiedName as asked; lowercased instead with `noCase`. */
  found: Map<string, Found>
  requests: number
  /** Names not found whose search (or archived search) the budget could not pay for. */
  unasked: string[]
}

export interface LookupOptions {
  batch?: number
  inFlight?: number
  noCase?: boolean
  /** Also look for archived entities among the names not found ACTIVE. */
  archived?: boolean
  budget?: SearchBudget
}

export async function lookupQualifiedNames(
  meta: MetaApi,
  names: Iterable<string>,
  log: DebugLog,
  opts: LookupOptions = {}
): Promise<LookupResult> {
  const norm = opts.noCase ? (s: string) => s.toLowerCase() : (s: string) => s
  const unique = [...new Map([...names].map(n => [norm(n), n])).values()]
  const out: LookupResult = { found: new Map(), requests: 0, unasked: [] }
  await pass(meta, unique, 'ACTIVE', norm, log, opts, out)
  if (opts.archived) {
    const unasked = new Set(out.unasked)
    const rest = unique.filter(n => !out.found.has(norm(n)) && !unasked.has(n))
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
      if (opts.budget && !opts.budget.take()) {
        for (const n of batch) out.unasked.push(n)
        continue
      }
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

/**
 * What a plan has looked up so far, chunk by chunk within its budget: processes and assets by
 * exact name (ACTIVE, then archived), and with `caseSensitive` false the names not found so,
 * without case (the run matches processes without case too, §10.9). A chunk counts only when
 * every name of it was answered.
 */
export class CheckedNames {
  private readonly exact = new Map<string, Found>()
  private readonly noCase = new Map<string, Found>()
  private readonly asked = new Set<string>()
  requests = 0

  constructor(
    private readonly meta: MetaApi,
    private readonly log: DebugLog,
    private readonly budget: SearchBudget,
    private readonly caseSensitive: boolean
  ) {}

  has(qualifiedName: string): boolean {
    return this.asked.has(qualifiedName)
  }

  /** A name as spelled: prune's candidates are exactly the name the package gives (§10.6). */
  spelled(qualifiedName: string): Found | undefined {
    return this.exact.get(qualifiedName)
  }

  /** A head asset or process as the run matches it: as spelled, else (caseSensitive false) without case. */
  matched(qualifiedName: string): Found | undefined {
    return this.exact.get(qualifiedName) ?? this.noCase.get(qualifiedName.toLowerCase())
  }

  /**
   * Looks up one chunk; false when the budget ran out first (then none of it counts). `loose`:
   * names that may also be matched without case (the head's assets and processes, not prune's
   * candidates).
   */
  async check(assets: string[], processes: string[], loose = true): Promise<boolean> {
    const { meta, log, budget } = this
    const names = [...assets, ...processes]
    const exact = await lookupQualifiedNames(meta, names, log, { archived: true, budget })
    this.requests += exact.requests
    if (exact.unasked.length) return false
    const rest = this.caseSensitive || !loose ? [] : names.filter(qn => !exact.found.has(qn))
    const noCase = rest.length
      ? await lookupQualifiedNames(meta, rest, log, { noCase: true, archived: true, budget })
      : undefined
    this.requests += noCase?.requests ?? 0
    if (noCase?.unasked.length) return false
    for (const [qn, hit] of exact.found) this.exact.set(qn, hit)
    for (const [qn, hit] of noCase?.found ?? []) this.noCase.set(qn, hit)
    for (const qn of assets) this.asked.add(qn)
    for (const qn of processes) this.asked.add(qn)
    return true
  }
}
