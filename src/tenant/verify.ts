// After a Succeeded run: does every process the plan expected exist now? The index is eventually
// consistent, so missing names are asked again (only those) until index_grace has passed.
import type { MetaApi } from '../atlan/meta.js'
import type { Clock } from '../runtime.js'
import { lookupQualifiedNames } from './lookup.js'

export interface Verification {
  verified: number
  /** Missing processes with the first CSV line that expects each. */
  missing: Array<{ qualifiedName: string; line: number }>
  requests: number
}

export type VerifyDeps = Pick<Clock, 'now' | 'sleep'>

export async function verifyProcesses(
  meta: MetaApi,
  expected: Map<string, number>,
  graceMs: number,
  deps: VerifyDeps
): Promise<Verification> {
  const deadline = deps.now() + graceMs
  let remaining = [...expected.keys()]
  let requests = 0
  let wait = 1000
  for (;;) {
    const res = await lookupQualifiedNames(meta, remaining)
    requests += res.requests
    remaining = remaining.filter(qn => !res.found.has(qn))
    const left = deadline - deps.now()
    if (remaining.length === 0 || left <= 0) break
    await deps.sleep(Math.min(wait, left))
    wait = Math.min(wait * 2, 10_000)
  }
  return {
    verified: expected.size - remaining.length,
    missing: remaining.map(qn => ({ qualifiedName: qn, line: expected.get(qn)! })),
    requests
  }
}
