// After a Succeeded run: does every process the plan expected exist now? The index is eventually
// consistent, so missing names are asked again (only those) until index_grace has passed. Rows
// whose process the token cannot name (a connection it cannot see, or an ambiguous one) are not
// checked, and counted apart: never "missing" (docs/atlan-contract.md §10.8).
import { AtlanError } from '../atlan/errors.js'
import type { MetaApi } from '../atlan/meta.js'
import type { Clock } from '../runtime.js'
import { lookupQualifiedNames } from './lookup.js'
import type { DebugLog } from './search.js'

export interface Verification {
  verified: number
  /** Missing processes with the first CSV line that expects each. */
  missing: Array<{ qualifiedName: string; line: number }>
  /** Rows whose process could not be checked. */
  notChecked: number
  /** Why nothing could be checked (Atlan refused the search), if so. */
  refused?: string
  requests: number
}

export type VerifyDeps = Pick<Clock, 'now' | 'sleep'> & { log: DebugLog }

export async function verifyProcesses(
  meta: MetaApi,
  expected: Map<string, number>,
  notChecked: number,
  graceMs: number,
  deps: VerifyDeps
): Promise<Verification> {
  const deadline = deps.now() + graceMs
  let remaining = [...expected.keys()]
  let requests = 0
  let wait = 1000
  for (;;) {
    let found: Map<string, { archived: boolean }>
    try {
      const res = await lookupQualifiedNames(meta, remaining, deps.log)
      requests += res.requests
      found = res.found
    } catch (e) {
      if (!(e instanceof AtlanError && e.kind === 'permission')) throw e
      // What was found so far stays verified; the rest could not be checked.
      return {
        verified: expected.size - remaining.length,
        missing: [],
        notChecked: notChecked + remaining.length,
        refused: e.message,
        requests
      }
    }
    remaining = remaining.filter(qn => {
      const hit = found.get(qn)
      return !hit || hit.archived
    })
    const left = deadline - deps.now()
    if (remaining.length === 0 || left <= 0) break
    await deps.sleep(Math.min(wait, left))
    wait = Math.min(wait * 2, 10_000)
  }
  return {
    verified: expected.size - remaining.length,
    missing: remaining.map(qn => ({ qualifiedName: qn, line: expected.get(qn)! })),
    notChecked,
    requests
  }
}
