// The tenant stage after the run, only after a Succeeded run and never in a dry run: verify checks
// that every process the plan expected exists (verify.ts); prune retires the processes of rows
// removed from the CSV, as soft deletes (restorable in Atlan), and only on proof
// (docs/atlan-contract.md §10.10, §10.11).
import { AtlanError } from '../atlan/errors.js'
import type { EntityHeader, MetaApi } from '../atlan/meta.js'
import { formatDuration } from '../config/duration.js'
import type { Config } from '../config/types.js'
import type { Finding } from '../lineage/csv-types.js'
import type { Logger } from '../runtime.js'
import { CancelledError } from '../run/signals.js'
import { planJson, type Plan, type RetireCandidate } from './plan.js'
import type { TenantPlan } from './stage.js'
import { verifyLimitText, verifyProcesses, type Verification, type VerifyDeps } from './verify.js'

/** What verify and prune did, for the report, and what the step outputs and whether it fails. */
export interface TenantAfter {
  verification?: Verification
  pruned?: PruneResult
  /** Why prune did nothing although asked (a run that did not succeed, no base version). */
  pruneNote?: string
  /** The note is a warning: prune could not act for a reason the user can fix. */
  pruneWarned?: boolean
  /** The verification's missing processes, as findings on the CSV lines that expect them. */
  verifyFindings: Finding[]
  /** The stage's step outputs: the plan's and what verify and prune found. */
  outputs: Record<string, string | number | undefined>
  /** verify: strict found a missing process: the step fails with this message. */
  failure?: string
  /** Verify or prune found something to look at (the title shows ⚠). */
  flagged: boolean
}

export type AfterRunDeps = VerifyDeps & { log: Logger }

/** Names listed in one log line. */
const LOGGED = 5

/**
 * Verify and prune after the run that ended in `run.phase` (they act only when it Succeeded and
 * this is not a dry run), from the plan made before it (none in a create's dry run).
 */
export async function afterRun(
  meta: MetaApi,
  config: Config,
  planned: TenantPlan | undefined,
  run: { phase: string; workflowName?: string },
  deps: AfterRunDeps
): Promise<TenantAfter> {
  const plan = planned?.plan
  const verification =
    plan && config.verify && !config.dryRun && run.phase === 'Succeeded'
      ? await verifyProcesses(meta, plan.expected, plan.rowsNotChecked, config.indexGraceMs, {
          ...deps,
          searchLimit: config.tenantSearchLimit,
          caseSensitive: plan.caseSensitive
        })
      : undefined
  if (plan && verification) logVerification(verification, plan, config.indexGraceMs, deps.log)
  const { pruned, pruneNote, pruneWarned } =
    config.prune && !config.dryRun ? await prune(meta, planned, run, deps.log) : {}
  const missing = verification?.missing.length ?? 0
  return {
    verification,
    pruned,
    pruneNote,
    verifyFindings: (verification?.missing ?? []).map(m => ({
      severity: 'warning',
      line: m.line,
      rule: 'process-missing',
      message: `The process ${m.qualifiedName} of this row was not found in Atlan after the run (waited up to index_grace).`,
      hint: "Check the run's debug log in Atlan: the Lineage Builder skips rows without reporting them (a source or target it could not create, a connection it could not resolve)."
    })),
    outputs: {
      plan: plan ? JSON.stringify(planJson(plan)) : undefined,
      processesToCreate: plan?.processesToCreate,
      processesToUpdate: plan?.processesToUpdate,
      rowsToSkip: plan?.rowsToSkip,
      assetsToCreate: plan?.assetsToCreate,
      processesVerified: verification?.verified,
      processesMissing: verification?.missing.length,
      processesNotChecked: verification?.notChecked,
      processesRetired: pruned?.retired.length
    },
    failure:
      config.verify === 'strict' ? strictFailure(verification, config.indexGraceMs) : undefined,
    flagged:
      missing > 0 ||
      verification?.stopped !== undefined ||
      pruned?.stopped !== undefined ||
      (pruned !== undefined && pruned.skipped.length + pruned.notDeleted.length > 0) ||
      pruneWarned === true
  }
}

/** prune after the run: what it retired and left alone, or why it did nothing. */
async function prune(
  meta: MetaApi,
  planned: TenantPlan | undefined,
  run: { phase: string; workflowName?: string },
  log: Logger
): Promise<Pick<TenantAfter, 'pruned' | 'pruneNote' | 'pruneWarned'>> {
  if (run.phase !== 'Succeeded')
    return { pruneNote: `prune: nothing was retired because the run ended ${run.phase}.` }
  const plan = planned?.plan
  if (!plan) return {}
  if (!planned.baseRead) {
    if (!planned.baseNote)
      return {
        pruneNote:
          'prune: no base version of the CSV was read (pull_request or push events only), so nothing was retired.'
      }
    // A base commit was known but not read: the user asked for prune and can fix this.
    const pruneNote = `prune: nothing was retired because no base version of the CSV was read: ${planned.baseNote}.`
    log.warning(pruneNote)
    return { pruneNote, pruneWarned: true }
  }
  const candidates = plan.prune
  if (candidates?.blocked) {
    log.warning(candidates.blocked)
    return { pruneNote: candidates.blocked, pruneWarned: true }
  }
  if (!candidates) return {}
  const pruned = await retireProcesses(
    meta,
    candidates.candidates,
    { planStartedAt: plan.startedAt, workflowName: run.workflowName },
    log
  )
  logPrune(pruned, candidates.notConsidered, log)
  return { pruned }
}

function first(list: Array<{ qualifiedName: string }>): string {
  const names = list.slice(0, LOGGED).map(m => m.qualifiedName)
  return `${names.join(', ')}${list.length > LOGGED ? ', …' : ''}`
}

/** verify: strict fails the step when a process is missing, or when verify could not finish. */
function strictFailure(v: Verification | undefined, graceMs: number): string | undefined {
  if (v?.missing.length)
    return `${v.missing.length} expected process(es) were not found in Atlan after the run (verify: strict; see the annotations and the job summary). ${graceAdvice(graceMs)} Set verify: true to report them without failing the step.`
  if (v?.stopped)
    return `verify: strict could not check ${v.unverified} expected process(es) after the run: ${v.stopped} Set verify: true to report this without failing the step.`
  return undefined
}

/** Where a missing process may be: not yet in Atlan's search index, or a row the run skipped. */
function graceAdvice(graceMs: number): string {
  return `They were searched for until index_grace (${formatDuration(graceMs)}) had passed: if Atlan indexes slowly, raise index_grace; otherwise the run skipped those rows (its debug log in Atlan says why).`
}

/** What verify found, in one line (plus why it could not check, and what the limit left out). */
function logVerification(v: Verification, plan: Plan, graceMs: number, log: Logger): void {
  const total = v.verified + v.missing.length
  const parts = [`Verify: ${v.verified} of ${total} expected process(es) found in Atlan`]
  if (v.missing.length) parts.push(`${v.missing.length} missing (${first(v.missing)})`)
  if (v.notChecked)
    parts.push(
      `${v.notChecked} row(s) not checked (a connection this token cannot see, or an ambiguous one)`
    )
  const line = `${parts.join('; ')}.${v.missing.length ? ` ${graceAdvice(graceMs)}` : ''}`
  if (v.missing.length) log.warning(line)
  else log.info(line)
  if (v.stopped)
    log.warning(
      `Verify stopped early, ${v.unverified} expected process(es) not checked: ${v.stopped}`
    )
  const limited = verifyLimitText(v, plan)
  if (limited) log.info(limited)
}

/** Each retired process on its own line, then each one skipped or not deleted, with the reason. */
function logPrune(p: PruneResult, notConsidered: number, log: Logger): void {
  // Each retired process was logged as its batch's reply arrived (retireProcesses).
  log.info(
    `Prune: ${p.retired.length} process(es) retired (soft-deleted, restorable in Atlan), ${p.skipped.length} skipped, ${p.notDeleted.length} not deleted.`
  )
  for (const s of p.skipped)
    log.warning(`prune left ${s.qualifiedName} (removed line ${s.baseLine}) alone: ${s.reason}.`)
  for (const r of p.notDeleted.slice(0, LOGGED))
    log.warning(
      `prune did not delete ${r.qualifiedName} (removed line ${r.baseLine}): ${r.reason}.`
    )
  if (p.notDeleted.length > LOGGED)
    log.warning(`…and ${p.notDeleted.length - LOGGED} more not deleted (see the job summary).`)
  if (p.stopped) log.warning(`Prune stopped early: ${p.stopped}`)
  if (notConsidered)
    log.info(
      `Prune left the processes of ${notConsidered} removed row(s) alone: their connection is ambiguous or not visible to this token.`
    )
}

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
  /** Sent for deletion, but not in Atlan's reply, or not sent because prune stopped. */
  notDeleted: Skipped[]
  /** Why prune stopped before the end (a re-read or a delete failed), if it did. */
  stopped?: string
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
  // A delete needs proof (§10.11): a reply that does not say ACTIVE, or names another GUID, is none.
  if (!now.status) return 'Atlan did not say it is ACTIVE'
  if (now.status !== 'ACTIVE') return `it is already ${now.status}`
  if (now.guid !== c.guid) return `Atlan answered its GUID with ${now.guid}`
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

/**
 * Soft-deletes the plan's candidates (qualifiedNames derived from removed rows and found as
 * Process entities), GUIDS_PER_DELETE at a time (§10.11): each batch is read again just before
 * its delete, and a candidate is skipped, with the reason, when whyKeep finds one (another CSV's
 * run may have written it since: §10.10). Only what Atlan's reply lists counts as retired, and
 * each is logged as its batch's reply arrives. A failed re-read or delete stops prune there:
 * what was retired before it is kept and reported, the rest is named as not deleted.
 */
export async function retireProcesses(
  meta: MetaApi,
  candidates: RetireCandidate[],
  ctx: PruneContext,
  log?: Pick<Logger, 'info'>
): Promise<PruneResult> {
  const out: PruneResult = { retired: [], skipped: [], notDeleted: [], requests: 0 }
  for (let start = 0; start < candidates.length; start += GUIDS_PER_DELETE) {
    const batch = candidates.slice(start, start + GUIDS_PER_DELETE)
    let doomed: RetireCandidate[] = []
    try {
      const keep = await reread(meta, batch, ctx, out)
      doomed = batch.filter((_, i) => !keep[i])
      batch.forEach((c, i) => keep[i] && out.skipped.push({ ...c, reason: keep[i] }))
      if (!doomed.length) continue
      out.requests++
      const deleted = new Set(await meta.softDelete(doomed.map(c => c.guid)))
      for (const c of doomed) {
        if (!deleted.has(c.guid)) {
          out.notDeleted.push({ ...c, reason: "Atlan's reply did not list it as deleted" })
          continue
        }
        out.retired.push(c)
        log?.info(`Retired ${c.qualifiedName} (removed line ${c.baseLine})`)
      }
    } catch (e) {
      // The client sends nothing once the job is cancelled (CancelledError): prune stops there too.
      if (!(e instanceof AtlanError || e instanceof CancelledError)) throw e
      out.stopped = e.message
      // A delete that failed may still have landed (its reply lost): those are named apart.
      const sent = new Set(doomed.map(c => c.guid))
      const skipped = new Set(out.skipped.map(c => c.guid))
      for (const c of candidates.slice(start))
        if (!skipped.has(c.guid))
          out.notDeleted.push({
            ...c,
            reason: sent.has(c.guid)
              ? `its delete failed (${e.message}); it may still have been deleted: check it in Atlan`
              : 'not attempted: prune stopped before it'
          })
      break
    }
  }
  return out
}

/** Why each of `batch` must be kept, read again now (MAX_READS_IN_FLIGHT at a time). */
async function reread(
  meta: MetaApi,
  batch: RetireCandidate[],
  ctx: PruneContext,
  out: PruneResult
): Promise<Array<string | undefined>> {
  const keep: Array<string | undefined> = new Array(batch.length)
  let next = 0
  const reader = async (): Promise<void> => {
    while (next < batch.length) {
      const i = next++
      out.requests++
      keep[i] = whyKeep(batch[i], await meta.entity(batch[i].guid), ctx)
    }
  }
  await Promise.all(Array.from({ length: Math.min(MAX_READS_IN_FLIGHT, batch.length) }, reader))
  return keep
}
