// Retires the processes of rows removed from the CSV: a soft delete (restorable in Atlan) of
// exactly the plan's candidates, whose qualifiedNames were derived from removed rows and found
// as Process entities. The caller runs it only after a Succeeded run, never in a dry run.
import type { MetaApi } from '../atlan/meta.js'
import type { RetireCandidate } from './plan.js'

/** GUIDs per DELETE request (each is a query parameter). */
export const GUIDS_PER_DELETE = 50

export async function retireProcesses(
  meta: MetaApi,
  candidates: RetireCandidate[]
): Promise<{ retired: RetireCandidate[]; requests: number }> {
  const retired: RetireCandidate[] = []
  let requests = 0
  for (let i = 0; i < candidates.length; i += GUIDS_PER_DELETE) {
    const batch = candidates.slice(i, i + GUIDS_PER_DELETE)
    const deleted = new Set(await meta.softDelete(batch.map(c => c.guid)))
    requests++
    retired.push(...batch.filter(c => deleted.has(c.guid)))
  }
  return { retired, requests }
}
