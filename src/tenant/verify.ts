// After a Succeeded run: does every process the plan expected exist now? The index is eventually
// consistent, so missing names are asked again (only those) until index_grace has passed. Rows
// whose process the token cannot name (a connection it cannot see, or an ambiguous one) are not
// checked, and counted apart: never "missing" (docs/atlan-contract.md §10.8). The expected
// processes are those of the rows the plan looked up; verify makes at most tenant_search_limit
// searches of its own, and stops asking again when they run out.
import { AtlanError } from '../atlan/errors.js'
import type { MetaApi } from '../atlan/meta.js'
import type { Clock } from '../runtime.js'
import { CancelledError } from '../run/signals.js'
import { lookupQualifiedNames, SearchBudget } from './lookup.js'
import type { DebugLog } from './search.js'

export interface Verification {
  verified: number
  /** Missing processes with the first CSV line that expects each. */
  missing: Array<{ qualifiedName: string; line: number }>
  /** Rows whose process could not be named (a connection not visible, or ambiguous). */
  notChecked: number
  /** Why verify stopped early (Atlan refused or failed a search, the job was cancelled), if it did. */
  stopped?: string
  /** Expected processes left unchecked when verify stopped early (apart from the rows above). */
  unverified: number
  requests: number
  /** tenant_search_limit ran out: processes never looked up (not counted as missing). */
  notAsked: number
  /** tenant_search_limit ran out while processes were still missing, before index_grace. */
  limitReached: boolean
}

export type VerifyDeps = Pick<Clock, 'now' | 'sleep'> & {
  log: DebugLog
  /** tenant_search_limit; no limit without it. */
  searchLimit?: number
  /** The job's cancellation: verify stops waiting for the index and asks nothing more. */
  signal?: AbortSignal
  /**
   * case_sensitive_match as the run applied it (default true). Without case the run updates a
   * stored process under its stored name (docs/atlan-contract.md §10.9): look it up without case.
   */
  caseSensitive?: boolean
}

export async function verifyProcesses(
  meta: MetaApi,
  expected: Map<string, number>,
  notChecked: number,
  graceMs: number,
  deps: VerifyDeps
): Promise<Verification> {
  const deadline = deps.now() + graceMs
  const budget = new SearchBudget(deps.searchLimit ?? Infinity)
  let remaining = [...expected.keys()]
  let requests = 0
  let wait = 1000
  let notAsked: Set<string> | undefined
  const noCase = deps.caseSensitive === false
  // The lookup keys what it found by the lowercased name when it matches without case.
  const key = noCase ? (qn: string) => qn.toLowerCase() : (qn: string) => qn
  for (;;) {
    let found: Map<string, { archived: boolean }>
    try {
      const res = await lookupQualifiedNames(meta, remaining, deps.log, { budget, noCase })
      requests += res.requests
      found = res.found
      // Names the first round could not ask were never looked up; later rounds re-ask missing ones.
      notAsked ??= new Set(res.unasked)
    } catch (e) {
      // A refused or failed search (after its retries), or a cancelled job, ends verify, never the step: what was
      // found so far stays verified, the rest is unverified, apart from the rows not checked.
      if (!(e instanceof AtlanError || e instanceof CancelledError)) throw e
      return {
        verified: expected.size - remaining.length,
        missing: [],
        notChecked,
        stopped: e.message,
        unverified: remaining.length,
        requests,
        notAsked: 0,
        limitReached: false
      }
    }
    remaining = remaining.filter(qn => {
      const hit = found.get(key(qn))
      return !hit || hit.archived
    })
    const left = deadline - deps.now()
    if (remaining.length === 0 || left <= 0 || budget.left === 0) break
    await deps.sleep(Math.min(wait, left), deps.signal)
    // The client sends nothing once the job is cancelled: the next search ends verify.
    wait = Math.min(wait * 2, 10_000)
  }
  const never = notAsked ?? new Set<string>()
  const missing = remaining.filter(qn => !never.has(qn))
  return {
    verified: expected.size - remaining.length,
    missing: missing.map(qn => ({ qualifiedName: qn, line: expected.get(qn)! })),
    notChecked,
    unverified: 0,
    requests,
    notAsked: never.size,
    limitReached: remaining.length > 0 && budget.left === 0
  }
}

/** What tenant_search_limit left out of the verification, in one sentence; undefined if nothing. */
export function verifyLimitText(
  v: Verification,
  plan: { coverage: { searchLimit: number; rowsNotLookedUp: number; lastLine: number } }
): string | undefined {
  const c = plan.coverage
  const n = (x: number) => x.toLocaleString('en-US')
  const parts: string[] = []
  if (c.rowsNotLookedUp > 0)
    parts.push(
      `the processes of ${n(c.rowsNotLookedUp)} row(s) after line ${n(c.lastLine)} were not verified (the plan did not look them up)`
    )
  if (v.notAsked > 0) parts.push(`${n(v.notAsked)} expected process(es) were not looked up`)
  if (v.limitReached && v.missing.length > 0)
    parts.push('missing processes were not asked for again until index_grace passed')
  if (!parts.length) return undefined
  return `Verification within tenant_search_limit (${n(c.searchLimit)} searches): ${parts.join('; ')}.`
}
