// The tenant stage in the pipeline: collects rows during the CSV pass, plans against the tenant
// before the upload (check_tenant), verifies after a Succeeded run (verify), and retires the
// processes of removed rows after it (prune). main.ts and run/lifecycle.ts call it at those points.
import type { MetaApi } from '../atlan/meta.js'
import { INPUT_HANDLINGS, type Config, type InputHandling } from '../config/types.js'
import type { Finding, LineageRow } from '../lineage/csv-types.js'
import type { Logger } from '../runtime.js'
import { MAX_TERMS } from '../atlan/meta.js'
import { buildPlan, planJson, type Plan, type RetireCandidate } from './plan.js'
import { retireProcesses, type PruneResult } from './prune.js'
import { BaseProcesses, TenantRows } from './rows.js'
import { verifyLimitText, verifyProcesses, type Verification, type VerifyDeps } from './verify.js'

export interface CsvTap {
  head(row: LineageRow): void
  base?(row: LineageRow): void
}

/** What the CSV pass knows about the versions prune compares. */
export interface CsvRead {
  /** A base version was read (pull_request or push events). */
  baseRead: boolean
  /** Records of the head version not read whole (quote errors, oversized, field counts). */
  headUnread: number
  /** The same for the base version. */
  baseUnread: number
}

/** What the report shows and the outputs carry. */
export interface TenantReport {
  /** False when check_tenant is off: the plan was computed for verify/prune only. */
  showPlan: boolean
  plan?: Plan
  verification?: Verification
  pruned?: PruneResult
  /** Why prune did nothing although asked (a run that did not succeed, no base version). */
  pruneNote?: string
  /** Findings of the verification (missing processes), with their CSV lines. */
  verifyFindings: Finding[]
}

/** What the step reports after the run. */
export interface TenantOutcome {
  outputs: Record<string, string | number | undefined>
  /** verify: strict found a missing process. */
  failure?: string
  /** Verify or prune found something to look at (the title shows ⚠). */
  flagged: boolean
}

export type AfterRunDeps = VerifyDeps & { log: Logger; workflowName?: string }

/** Names listed in one log line. */
const LOGGED = 5

export class TenantStage {
  readonly rows: TenantRows
  readonly base?: BaseProcesses
  private headPairs?: number
  private csv: CsvRead = { baseRead: false, headUnread: 0, baseUnread: 0 }
  readonly report: TenantReport = { showPlan: false, verifyFindings: [] }

  private constructor(private readonly config: Config) {
    // A search asks for at most MAX_TERMS names: rows past that many names are beyond the plan.
    const maxNames = config.tenantSearchLimit * MAX_TERMS
    this.rows = new TenantRows({ maxNames, processKeys: config.prune })
    if (config.prune) this.base = new BaseProcesses(this.rows, maxNames)
  }

  /**
   * A stage when it will run: a CSV is validated, any of check_tenant, verify, prune is on, and
   * the step is not a create dry run (offline: nothing to plan against, nothing run to verify).
   * `target` is the resolved target's kind when the caller knows it (mode auto may resolve to a
   * create); without it, mode decides.
   */
  static for(config: Config, target?: { kind: 'create' | 'rerun' }): TenantStage | undefined {
    if (!config.lineageFile || !config.validate) return undefined
    if (!config.checkTenant && !config.verify && !config.prune) return undefined
    const create = (target?.kind ?? config.mode) === 'create'
    if (config.dryRun && create) return undefined
    return new TenantStage(config)
  }

  readonly tap: CsvTap = {
    head: row => this.rows.add(row),
    base: row => {
      this.headPairs ??= this.rows.pairs.list.length
      this.base?.add(row)
    }
  }

  /** Set by main once the CSV check has read the head and, with a base, the base version. */
  csvRead(read: CsvRead): void {
    this.csv = read
  }

  /** Why prune must retire nothing: a version it compares was not read whole (§6.3). */
  private pruneBlocked(): string | undefined {
    const { headUnread, baseUnread } = this.csv
    const parts: string[] = []
    if (headUnread > 0) parts.push(`${headUnread} record(s) of ${this.config.lineageFile}`)
    if (baseUnread > 0) parts.push(`${baseUnread} record(s) of its base version`)
    if (!parts.length) return undefined
    return `prune retires nothing: ${parts.join(' and ')} could not be read whole (quote errors, oversized records or field counts), so removed rows cannot be told from unread ones.`
  }

  /**
   * Before the upload: builds the plan with the input_handling and case_sensitive_match the run
   * applies (a rerun's stored ones). Returns what is proven missing when connections named in the
   * CSV do not exist; whether that stops the run is main's fail_on_errors gate.
   */
  async check(
    meta: MetaApi,
    handling: InputHandling,
    deps: { log: Logger; now: number; caseSensitive?: boolean }
  ): Promise<string | undefined> {
    // A stored value the Lineage Builder does not define is passed on as stored; plan with ours.
    const inputHandling = INPUT_HANDLINGS.includes(handling)
      ? handling
      : this.config.options.inputHandling
    const plan = await buildPlan(meta, {
      rows: this.rows,
      headPairs: this.headPairs ?? this.rows.pairs.list.length,
      base: this.base,
      pruneBlocked: this.base ? this.pruneBlocked() : undefined,
      inputHandling,
      caseSensitive: deps.caseSensitive ?? this.config.options.caseSensitive,
      searchLimit: this.config.tenantSearchLimit,
      log: deps.log,
      now: deps.now
    })
    this.report.plan = plan
    this.report.showPlan = this.config.checkTenant
    if (!this.config.checkTenant || plan.connectionsMissing.length === 0) return undefined
    const names = plan.connectionsMissing
      .slice(0, 5)
      .map(m => `${m.connector.toLowerCase()}/${m.name} (line ${m.line})`)
      .join(', ')
    return `${plan.connectionsMissing.length} connection(s) named in ${this.config.lineageFile} do not exist in Atlan: ${names}`
  }

  /** After the run: verify and prune, only when it Succeeded and this was not a dry run. */
  async afterRun(meta: MetaApi, phase: string, deps: AfterRunDeps): Promise<void> {
    const plan = this.report.plan
    const c = this.config
    const { log } = deps
    if (c.prune && !c.dryRun && phase !== 'Succeeded')
      this.report.pruneNote = `prune: nothing was retired because the run ended ${phase}.`
    if (!plan || c.dryRun || phase !== 'Succeeded') return
    if (c.verify) {
      const v = await verifyProcesses(meta, plan.expected, plan.rowsNotChecked, c.indexGraceMs, {
        ...deps,
        searchLimit: c.tenantSearchLimit
      })
      this.report.verification = v
      this.report.verifyFindings = v.missing.map(m => ({
        severity: 'warning',
        line: m.line,
        rule: 'process-missing',
        message: `The process ${m.qualifiedName} of this row was not found in Atlan after the run (waited up to index_grace).`,
        hint: "Check the run's debug log in Atlan: the Lineage Builder skips rows without reporting them (a source or target it could not create, a connection it could not resolve)."
      }))
      logVerification(v, plan, log)
    }
    if (c.prune) {
      const prune = plan.prune
      if (!this.csv.baseRead)
        this.report.pruneNote =
          'prune: no base version of the CSV was read (pull_request or push events only), so nothing was retired.'
      else if (prune?.blocked) {
        this.report.pruneNote = prune.blocked
        log.warning(prune.blocked)
      } else if (prune) {
        const pruned = await retireProcesses(meta, prune.candidates, {
          planStartedAt: plan.startedAt,
          workflowName: deps.workflowName
        })
        this.report.pruned = pruned
        logPrune(pruned, prune.notConsidered, log)
      }
    }
  }

  /** Outputs, and whether the step fails (verify: strict) or is flagged. */
  outcome(): TenantOutcome {
    const { plan, verification: v, pruned } = this.report
    const missing = v?.missing.length ?? 0
    const flagged =
      missing > 0 ||
      (pruned !== undefined && pruned.skipped.length + pruned.notDeleted.length > 0) ||
      plan?.prune?.blocked !== undefined
    const failure =
      missing > 0 && this.config.verify === 'strict'
        ? `${missing} expected process(es) were not found in Atlan after the run (verify: strict; see the annotations and the job summary). Set verify: true to report them without failing the step.`
        : undefined
    return {
      outputs: {
        plan: plan ? JSON.stringify(planJson(plan)) : undefined,
        processesToCreate: plan?.processesToCreate,
        processesToUpdate: plan?.processesToUpdate,
        rowsToSkip: plan?.rowsToSkip,
        assetsToCreate: plan?.assetsToCreate,
        processesVerified: v?.verified,
        processesMissing: v?.missing.length,
        processesNotChecked: v?.notChecked,
        processesRetired: pruned?.retired.length
      },
      failure,
      flagged
    }
  }
}

function first(list: Array<{ qualifiedName: string }>): string {
  const names = list.slice(0, LOGGED).map(m => m.qualifiedName)
  return `${names.join(', ')}${list.length > LOGGED ? ', …' : ''}`
}

/** What verify found, in one line (plus why it could not check, and what the limit left out). */
function logVerification(v: Verification, plan: Plan, log: Logger): void {
  const total = v.verified + v.missing.length
  const parts = [`Verify: ${v.verified} of ${total} expected process(es) found in Atlan`]
  if (v.missing.length) parts.push(`${v.missing.length} missing (${first(v.missing)})`)
  if (v.notChecked)
    parts.push(
      `${v.notChecked} row(s) not checked (a connection this token cannot see, or an ambiguous one)`
    )
  const line = `${parts.join('; ')}.`
  if (v.missing.length) log.warning(line)
  else log.info(line)
  if (v.refused) log.warning(`Verify could not search Atlan: ${v.refused}`)
  const limited = verifyLimitText(v, plan)
  if (limited) log.info(limited)
}

/** Each retired process on its own line, then each one skipped or not deleted, with the reason. */
function logPrune(p: PruneResult, notConsidered: number, log: Logger): void {
  log.info(
    `Prune: ${p.retired.length} process(es) retired (soft-deleted, restorable in Atlan), ${p.skipped.length} skipped, ${p.notDeleted.length} not deleted by Atlan.`
  )
  for (const r of p.retired) log.info(`Retired ${r.qualifiedName} (removed line ${r.baseLine})`)
  for (const s of p.skipped)
    log.warning(`prune left ${s.qualifiedName} (removed line ${s.baseLine}) alone: ${s.reason}.`)
  for (const r of p.notDeleted)
    log.warning(
      `prune asked Atlan to delete ${r.qualifiedName}, and Atlan's reply did not list it as deleted.`
    )
  if (notConsidered)
    log.info(
      `Prune left the processes of ${notConsidered} removed row(s) alone: their connection is ambiguous or not visible to this token.`
    )
}

export type { RetireCandidate }
