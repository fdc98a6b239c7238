// The tenant stage before the run: TenantStage.for decides whether it runs at all; it collects the
// rows during the CSV pass (`tap`) and, before anything is uploaded, plans them against the tenant
// with the settings the run applies (check_tenant). What the plan returns is what verify and
// prune (after.ts) work from after the run.
import { MAX_TERMS, type MetaApi } from '../atlan/meta.js'
import { INPUT_HANDLINGS, type AppliedOptions, type Config } from '../config/types.js'
import type { LineageRow } from '../lineage/csv-types.js'
import type { Logger } from '../runtime.js'
import { buildPlan, type Plan } from './plan.js'
import { otherLineageCsvs, type MovedRowsInput } from './moved-rows.js'
import { BaseProcesses, TenantRows } from './rows.js'

export interface CsvTap {
  head(row: LineageRow): void
  base?(row: LineageRow): void
}

/** What the CSV pass knows about the versions prune compares. */
export interface CsvRead {
  /** A base version was read (pull_request or push events). */
  baseRead: boolean
  /** Why no base version was read, when a base commit was known (for example a shallow clone). */
  baseNote?: string
  /** Records of the head version not read whole (quote errors, oversized, field counts). */
  headUnread: number
  /** The same for the base version. */
  baseUnread: number
  /** The push the base version came from: its other lineage CSVs may hold moved rows (prune). */
  push?: Omit<MovedRowsInput, 'separator'>
}

/** The plan against the tenant, for the report, the fail_on_errors gate and after.ts. */
export interface TenantPlan {
  plan: Plan
  /** False when check_tenant is off: the plan was computed for verify and prune only. */
  showPlan: boolean
  /** The connections named in the CSV that do not exist (check_tenant), as a sentence. */
  missing?: string
  /** A base version was read: prune has removed rows to retire (after.ts). */
  baseRead: boolean
  /** Why not, when a base commit was known. */
  baseNote?: string
}

export class TenantStage {
  readonly rows: TenantRows
  readonly base?: BaseProcesses
  private headPairs?: number

  private constructor(private readonly config: Config) {
    // A search asks for at most MAX_TERMS names: rows past that many names are beyond the plan.
    const maxNames = config.tenantSearchLimit * MAX_TERMS
    this.rows = new TenantRows({ maxNames, processKeys: config.prune })
    if (config.prune) this.base = new BaseProcesses(this.rows, maxNames)
  }

  /**
   * A stage when it will run: a CSV is validated, any of check_tenant, verify, prune is on, and
   * the step is not a create dry run (offline: nothing to plan against, nothing run to verify).
   * Without the resolved target's kind, mode decides (mode auto may still resolve to a create:
   * the plan then feeds the stage no rows).
   */
  static for(config: Config, target?: { kind: 'create' | 'rerun' }): TenantStage | undefined {
    if (!config.lineageFile || !config.validate) return undefined
    if (!config.checkTenant && !config.verify && !config.prune) return undefined
    if (config.dryRun && (target?.kind ?? config.mode) === 'create') return undefined
    return new TenantStage(config)
  }

  /** Fed by the CSV check: every row of the head version, then of the base version. */
  readonly tap: CsvTap = {
    head: row => this.rows.add(row),
    base: row => {
      this.headPairs ??= this.rows.pairs.list.length
      this.base?.add(row)
    }
  }

  /** Why prune must retire nothing: a version it compares was not read whole (§6.3). */
  private pruneBlocked({ headUnread, baseUnread }: CsvRead): string | undefined {
    const parts: string[] = []
    if (headUnread > 0) parts.push(`${headUnread} record(s) of ${this.config.lineageFile}`)
    if (baseUnread > 0) parts.push(`${baseUnread} record(s) of its base version`)
    if (!parts.length) return undefined
    return `prune retires nothing: ${parts.join(' and ')} could not be read whole (quote errors, oversized records or field counts), so removed rows cannot be told from unread ones.`
  }

  /**
   * Keeps from prune the removed rows another lineage CSV of the same push names (a row moved
   * there, §10.10); returns why prune must retire nothing when those CSVs cannot all be read.
   */
  private async keepMovedRows(csv: CsvRead, log: Logger): Promise<string | undefined> {
    if (!this.base?.removed.length || !csv.push) return undefined
    const others = await otherLineageCsvs({
      ...csv.push,
      separator: this.config.options.fieldSeparator
    })
    if ('blocked' in others) return `prune retires nothing: ${others.blocked}.`
    const moved = this.base.takeNamedIn(others.named)
    if (moved.length > 0)
      log.info(
        `prune keeps ${moved.length} process(es) of removed rows that another CSV changed in this push still names (${others.files.join(', ')}): those rows moved there (first at line ${moved[0].line} of the base version).`
      )
    return undefined
  }

  /**
   * Before the upload, once the CSV pass (`csv`) is over: the plan with the input_handling and
   * case_sensitive_match the run applies (a rerun's stored ones). Connections named in the CSV
   * that do not exist are returned as `missing`; whether that stops the run is the caller's
   * fail_on_errors gate.
   */
  async plan(
    meta: MetaApi,
    csv: CsvRead,
    options: Pick<AppliedOptions, 'inputHandling' | 'caseSensitive' | 'rerunOf'>,
    deps: { log: Logger; now: number }
  ): Promise<TenantPlan> {
    // A stored value the Lineage Builder does not define is passed on as stored; plan with ours.
    const inputHandling = INPUT_HANDLINGS.includes(options.inputHandling)
      ? options.inputHandling
      : this.config.options.inputHandling
    const pruneBlocked = this.base
      ? (this.pruneBlocked(csv) ?? (await this.keepMovedRows(csv, deps.log)))
      : undefined
    const plan = await buildPlan(meta, {
      rows: this.rows,
      headPairs: this.headPairs ?? this.rows.pairs.list.length,
      base: this.base,
      pruneBlocked,
      inputHandling,
      rerunOf: options.rerunOf,
      caseSensitive: options.caseSensitive,
      searchLimit: this.config.tenantSearchLimit,
      log: deps.log,
      now: deps.now
    })
    const planned = {
      plan,
      showPlan: this.config.checkTenant,
      baseRead: csv.baseRead,
      baseNote: csv.baseNote
    }
    if (!this.config.checkTenant || plan.connectionsMissing.length === 0) return planned
    const names = plan.connectionsMissing
      .slice(0, 5)
      .map(m => `${m.connector.toLowerCase()}/${m.name} (line ${m.line})`)
      .join(', ')
    return {
      ...planned,
      missing: `${plan.connectionsMissing.length} connection(s) named in ${this.config.lineageFile} do not exist in Atlan: ${names}`
    }
  }
}
