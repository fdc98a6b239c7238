// Retires the processes of rows removed from the CSV: a soft delete (restorable in Atlan) of the
// plan's candidates, whose qualifiedNames were derived from removed rows and found as Process
// entities. The caller runs it only after a Succeeded run, never in a dry run. Each candidate is
// read again just before the delete (docs/atlan-contract.md §10.11) and skipped, with the reason,
// unless it is still the same ACTIVE process, written before this step's plan began (another
// CSV's run may have written it since: §10.10) and not stamped by another workflow. Deletes go
// 20 GUIDs at a time, and only what Atlan's reply lists counts as retired.
import type { EntityHeader, MetaApi } from '../atlan/meta.js'
import type { RetireCandidate } from './plan.js'

/** GUIDs per DELETE request, as Atlan's own asset remover sends them (§10.11). */
export const GUIDS_PER_DELETE = 20
/** Re-reads in flight at once. */
export const MAX_READS_IN_FLIGHT = 4
/**
 * How far apart the runner's clock and Atlan's may be: a process written this long before the plan
 * began counts as written after it.
 */
export const CLOCK_TOLERANCE_MS = 60_000

export interface Skipped extends RetireCandidate {
  reason: string
}

export interface PruneResult {
  retired: RetireCandidate[]
  skipped: Skipped[]
  /** Sent for deletion, but not in Atlan's reply. */
  notDeleted: RetireCandidate[]
  requests: number
}

export interface PruneContext {
  /** When this step's plan began (the runner's clock, epoch ms). */
  planStartedAt: number
  /** The workflow this step ran: a process another workflow stamped is not ours. */
  workflowName?: string
}

/** Why `now` (the entity as read just now) must not be deleted, or undefined when it may. */
export function whyKeep(
  c: RetireCandidate,
  now: EntityHeader | undefined,
  ctx: PruneContext
): string | undefined {
  if (!now) return 'it no longer exists'
  if (now.status && now.status !== 'ACTIVE') return `it is already ${now.status}`
  const qn = now.attributes?.qualifiedName
  if (now.typeName !== 'Process' || qn !== c.qualifiedName)
    return `its GUID now holds a ${now.typeName} named ${qn ?? '(no name)'}`
  const at = now.updateTime
  if (typeof at !== 'number') return 'Atlan did not say when it was last written'
  if (
    (c.updateTime !== undefined && at > c.updateTime) ||
    at > ctx.planStartedAt - CLOCK_TOLERANCE_MS
  )
    return `it was written at ${new Date(at).toISOString()}, after this step's plan began (another CSV's run may have written it)`
  const by = now.attributes?.lastSyncWorkflowName
  if (by && ctx.workflowName && by !== ctx.workflowName)
    return `workflow ${by} last wrote it, not ${ctx.workflowName}`
  return undefined
}

export async function retireProcesses(
  meta: MetaApi,
  candidates: RetireCandidate[],
  ctx: PruneContext
): Promise<PruneResult> {
  const out: PruneResult = { retired: [], skipped: [], notDeleted: [], requests: 0 }
  const keep: Array<string | undefined> = new Array(candidates.length)
  let next = 0
  const reader = async (): Promise<void> => {
    while (next < candidates.length) {
      const i = next++
      const now = await meta.entity(candidates[i].guid)
      out.requests++
      keep[i] = whyKeep(candidates[i], now, ctx)
    }
  }
  const n = Math.min(MAX_READS_IN_FLIGHT, candidates.length)
  await Promise.all(Array.from({ length: n }, reader))
  const doomed: RetireCandidate[] = []
  candidates.forEach((c, i) => {
    const reason = keep[i]
    if (reason) out.skipped.push({ ...c, reason })
    else doomed.push(c)
  })
  for (let i = 0; i < doomed.length; i += GUIDS_PER_DELETE) {
    const batch = doomed.slice(i, i + GUIDS_PER_DELETE)
    const deleted = new Set(await meta.softDelete(batch.map(c => c.guid)))
    out.requests++
    for (const c of batch) (deleted.has(c.guid) ? out.retired : out.notDeleted).push(c)
  }
  return out
}
