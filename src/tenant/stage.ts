// The tenant stage in the pipeline: collects rows during the CSV pass, plans against the tenant
// before the upload (check_tenant), verifies after a Succeeded run (verify), and retires the
// processes of removed rows after it (prune). main.ts and run/lifecycle.ts call it at those points.
import type { MetaApi } from '../atlan/meta.js'
import { INPUT_HANDLINGS, type Config, type InputHandling } from '../config/types.js'
import type { Finding, LineageRow } from '../lineage/csv-types.js'
import { buildPlan, planJson, type Plan, type RetireCandidate } from './plan.js'
import { retireProcesses } from './prune.js'
import { BaseProcesses, TenantRows } from './rows.js'
import { verifyProcesses, type Verification, type VerifyDeps } from './verify.js'

export interface CsvTap {
  head(row: LineageRow): void
  base?(row: LineageRow): void
}

/** What the report shows and the outputs carry. */
export interface TenantReport {
  /** False when check_tenant is off: the plan was computed for verify/prune only. */
  showPlan: boolean
  plan?: Plan
  verification?: Verification
  retired?: RetireCandidate[]
  /** Why prune did nothing although asked (a run that did not succeed, no base version). */
  pruneNote?: string
  /** Findings of the verification (missing processes), with their CSV lines. */
  verifyFindings: Finding[]
}

export class TenantStage {
  readonly rows = new TenantRows()
  readonly base?: BaseProcesses
  private headPairs?: number
  /** Set by main once the CSV check knows whether a base version was read. */
  hasBase = false
  readonly report: TenantReport = { showPlan: false, verifyFindings: [] }

  private constructor(private readonly config: Config) {
    if (config.prune) this.base = new BaseProcesses(this.rows.pairs)
  }

  /** A stage when a CSV is validated and any of check_tenant, verify, prune is on. */
  static for(config: Config): TenantStage | undefined {
    if (!config.lineageFile || !config.validate) return undefined
    if (!config.checkTenant && !config.verify && !config.prune) return undefined
    return new TenantStage(config)
  }

  readonly tap: CsvTap = {
    head: row => this.rows.add(row),
    base: row => {
      this.headPairs ??= this.rows.pairs.list.length
      this.base?.add(row)
    }
  }

  /**
   * Before the upload: builds the plan with the input_handling the run applies (a rerun's stored
   * one). Returns what is missing when connections named in the CSV do not exist; whether that
   * stops the run is main's fail_on_errors gate.
   */
  async check(meta: MetaApi, handling: InputHandling): Promise<string | undefined> {
    // A stored value the Lineage Builder does not define is passed on as stored; plan with ours.
    const inputHandling = INPUT_HANDLINGS.includes(handling)
      ? handling
      : this.config.options.inputHandling
    const plan = await buildPlan(meta, {
      rows: this.rows,
      headPairs: this.headPairs ?? this.rows.pairs.list.length,
      base: this.base,
      inputHandling
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
  async afterRun(meta: MetaApi, phase: string, deps: VerifyDeps): Promise<void> {
    const plan = this.report.plan
    const c = this.config
    if (c.prune && !c.dryRun && phase !== 'Succeeded')
      this.report.pruneNote = `prune: nothing was retired because the run ended ${phase}.`
    if (!plan || c.dryRun || phase !== 'Succeeded') return
    if (c.verify) {
      const v = await verifyProcesses(meta, plan.expected, c.indexGraceMs, deps)
      this.report.verification = v
      this.report.verifyFindings = v.missing.map(m => ({
        severity: 'warning',
        line: m.line,
        rule: 'process-missing',
        message: `The process ${m.qualifiedName} of this row was not found in Atlan after the run (waited up to index_grace).`,
        hint: "Check the run's debug log in Atlan; the Lineage Builder skips rows without reporting them."
      }))
    }
    if (c.prune) {
      if (!this.hasBase)
        this.report.pruneNote =
          'prune: no base version of the CSV was read (pull_request or push events only), so nothing was retired.'
      else this.report.retired = (await retireProcesses(meta, plan.processesToRetire)).retired
    }
  }

  /** Step outputs of the stage (empty strings are left out). */
  outputs(): Record<string, string | number | undefined> {
    const { plan, verification, retired } = this.report
    return {
      plan: plan ? JSON.stringify(planJson(plan)) : undefined,
      processesToCreate: plan?.processesToCreate,
      processesToUpdate: plan?.processesToUpdate,
      rowsToSkip: plan?.rowsToSkip,
      assetsToCreate: plan?.assetsToCreate,
      processesVerified: verification?.verified,
      processesMissing: verification?.missing.length,
      processesRetired: retired?.length
    }
  }
}
