// The "plan" stage of the pipeline (CONTRIBUTING.md "Layout"): the target, resolved once; the
// settings it applies, as one value (settings.ts); the CSV check and preview with those settings;
// skip_unchanged; the tenant plan. Nothing is uploaded or started here: a rerun's workflow and the
// tenant plan are found by read-only searches.
import { context } from '@actions/github'
import type { AtlanClient } from '../atlan/client.js'
import type { Config, LineageOptions } from '../config/types.js'
import { markDone, skipMarker, wasDone, type SkipMarker } from '../github/cache.js'
import { csvCheckedLine, csvProblem } from '../lineage/check.js'
import type { ValidationResult } from '../lineage/csv-types.js'
import type { LineageSource } from '../lineage/source.js'
import { checkLineageFile, csvCounts } from '../preview/check.js'
import type { CheckRunSession } from '../report/check-run.js'
import { logPlan } from '../report/plan.js'
import { log } from '../report/untrusted.js'
import type { CsvRead, CsvTap, TenantPlan, TenantStage } from '../tenant/stage.js'
import type { ApplyInput } from './apply.js'
import type { WorkflowRef } from './api.js'
import { resolveTarget, storageOf, type StorageTarget, type Target } from './resolve.js'
import { settingsFor, type Settings } from './settings.js'
import { CancelledError } from './signals.js'

/** What the step works with once its inputs are read (main.ts opens it). */
export interface Session {
  config: Config
  client: AtlanClient
  /** The check run (check_run: true): apply points it at the run, the report completes it. */
  checks?: CheckRunSession
  /** GITHUB_WORKSPACE: where the lineage file and git's base version are read. */
  workspace: string
  /** The lineage file, opened once: the CSV check and the upload read this handle. */
  source?: LineageSource
  /** The tenant stage, when TenantStage.for(config) says it runs. */
  tenant?: TenantStage
}

/** The CSV check as the report shows it. */
export interface CsvReport {
  validation: ValidationResult
  /** The CSV's path as annotations name it (the workspace-relative real path). */
  file: string
  preview: string
  /** The same preview without Mermaid, for the check run. */
  checkPreview: string
  /** Row counts and, with a base version, edge counts (step outputs). */
  counts: ReturnType<typeof csvCounts>
}

/** Why the step ends at the plan: the CSV failed the gate, skip_unchanged, or an error. */
export type PlanStop = { phase: 'Invalid' | 'Skipped'; message: string } | { error: unknown }

export interface Plan extends ApplyInput {
  settings: Settings
  csv?: CsvReport
  /** skip_unchanged: what recordSkip marks at the step's end (not for a dry run or a refusal). */
  skip?: { marker: SkipMarker; csvSha256: string }
  /** The plan against the tenant (check_tenant, and for verify and prune), when it ran. */
  tenant?: TenantPlan
  /** Set when the step ends here; what the plan found before it is kept for the report. */
  stop?: PlanStop
}

/** The CSV check's report, what the tenant stage needs of it, and the gate's stop. */
interface Checked {
  report: CsvReport
  read: CsvRead
  stop?: string
}

export async function plan(session: Session, signal: AbortSignal): Promise<Plan> {
  const { config, source } = session
  const target = await resolveTarget(session.client, config, Date.now())
  const settings = settingsFor(config, target)
  if (target.kind === 'rerun' && settings.differences.length)
    log.warning(
      `The rerun applies the settings stored in ${target.workflow.name}, not these inputs: ${settings.differences.join(' ')}`
    )
  const resolved = { config, target, settings }
  let checked: Checked | undefined
  try {
    // The CSV is checked with the settings the run applies: a rerun's stored ones.
    // A create's dry run stays offline (planTenant): its stage is fed no rows.
    const tap = config.dryRun && target.kind === 'create' ? undefined : session.tenant?.tap
    checked =
      source && config.validate ? await checkCsv(session, source, settings, tap, signal) : undefined
    const csv = checked?.report
    if (checked?.stop)
      return { ...resolved, csv, stop: { phase: 'Invalid', message: checked.stop } }
    const csvSha256 = csv?.validation.sha256
    const skip =
      source && config.skipUnchanged
        ? await skipCheck(config, source, csvSha256, target, settings)
        : undefined
    if (skip?.done) return { ...resolved, csv, stop: { phase: 'Skipped', message: skip.done } }
    if (signal.aborted) throw new CancelledError('The job was cancelled before a run was started.')
    log.info(
      target.kind === 'rerun'
        ? `Target: rerun of ${target.workflow.name}.`
        : `Target: new workflow ${target.doc.metadata.name}.`
    )
    const tenant = checked && (await planTenant(session, target, settings, checked.read))
    // A dry run or a refused plan changes nothing in Atlan, so it has nothing to record.
    const marks = skip && !config.dryRun && !tenant?.refusal ? skip : undefined
    return { ...resolved, csv, csvSha256, skip: marks, ...tenant }
  } catch (error) {
    return { ...resolved, csv: checked?.report, stop: { error } }
  }
}

/** Validates and previews the CSV; `stop` says why the step ends here, when it must. */
async function checkCsv(
  { config, workspace }: Session,
  source: LineageSource,
  settings: Settings,
  tap: CsvTap | undefined,
  signal: AbortSignal
): Promise<Checked> {
  log.info(`Validating lineage_file (${source.size} bytes)…`)
  const csv = await checkLineageFile(
    { ...config, options: settings.options },
    { workspace, eventName: context.eventName, payload: context.payload },
    source,
    signal,
    tap // rows for the tenant plan, verify and prune
  )
  log.info(csvCheckedLine(csv))
  const report: CsvReport = {
    validation: csv.validation,
    file: csv.file,
    preview: csv.preview(true),
    checkPreview: csv.preview(false),
    counts: csvCounts(csv)
  }
  const read: CsvRead = {
    baseRead: csv.baseRead,
    baseNote: csv.baseNote,
    headUnread: csv.headUnread,
    baseUnread: csv.baseUnread,
    push: csv.baseSha
      ? { workspace, lineageFile: source.absolute, baseSha: csv.baseSha, signal }
      : undefined
  }
  const problem = csvProblem(csv)
  if (!problem) return { report, read }
  if (problem.fatal) return { report, read, stop: problem.text }
  const verdict = settings.gate(
    problem.text,
    'Fix those rows in the CSV (each annotation says how).'
  )
  if ('stop' in verdict) return { report, read, stop: verdict.stop }
  log.warning(verdict.warning)
  return { report, read }
}

/**
 * skip_unchanged: this step's marker, and (as the step's message) whether the last step that
 * changed this target passed with the same CSV and settings.
 */
async function skipCheck(
  config: Config,
  source: LineageSource,
  csvSha256: string | undefined,
  target: Target,
  settings: Settings
): Promise<{ marker: SkipMarker; csvSha256: string; done?: string }> {
  // The validator's digest when it ran, else one streaming pass over the same handle.
  const sha = csvSha256 ?? (await source.sha256())
  const marker = skipMarkerFor(config, sha, target, settings.options)
  if (!(await wasDone(marker))) return { marker, csvSha256: sha }
  const done = `The last step that changed ${describeTarget(config, target)} passed with ${config.lineageFile} as it is now and the same settings: nothing to run (skip_unchanged: true).`
  log.info(done)
  return { marker, csvSha256: sha, done }
}

function describeTarget(config: Config, target: Target): string {
  if (target.kind === 'rerun') return `workflow ${target.workflow.name}`
  const at = createLocation(config)
  return `${at.store} ${[at.bucket, at.prefix, at.key].filter(Boolean).join('/')}`
}

/**
 * skip_unchanged, at the step's end (main.ts): records what the target holds now. A step that
 * passed records its digest, with where its workflow reads the CSV after it (a Direct upload
 * points it at a new file: `updated` is the workflow as the client's update left it). Any other
 * step that went past the plan may have changed the target, so it records "unknown" and the next
 * step runs whatever it holds.
 */
export async function recordSkip(
  plan: Plan,
  passed: boolean,
  updated: (workflowName: string) => WorkflowRef | undefined
): Promise<void> {
  const { skip, config, target, settings } = plan
  if (!skip) return
  if (!passed) return void (await markDone(skip.marker.prefix, undefined))
  const now = target.kind === 'rerun' ? updated(target.workflow.name) : undefined
  // A Direct upload's update whose reply was lost leaves no stored workflow to read the new file
  // from (docs/atlan-contract.md §10.3): the target is recorded as unknown, never as the old file.
  if (target.storage.kind === 'direct' && !now)
    return void (await markDone(skip.marker.prefix, undefined))
  const after = now ? { ...target, storage: storageOf(now.parameters, now.hasCredential) } : target
  const { digest } = skipMarkerFor(config, skip.csvSha256, after, settings.options)
  await markDone(skip.marker.prefix, digest)
}

/** The tenant plan (when the stage runs) and its fail_on_errors gate. */
async function planTenant(
  { config, client, tenant }: Session,
  target: Target,
  settings: Settings,
  read: CsvRead
): Promise<Pick<Plan, 'tenant' | 'refusal'>> {
  // A create's dry run stays offline: its workflow does not exist yet.
  if (!tenant || (config.dryRun && target.kind === 'create')) return {}
  const planned = await tenant.plan(client.meta, read, settings.options, { log, now: Date.now() })
  logPlan(planned.plan, planned.showPlan, log)
  if (!planned.missing) return { tenant: planned }
  // The same gate as the CSV's: the fail_on_errors the run applies (a rerun's stored one).
  const verdict = settings.gate(
    planned.missing,
    'Create them in Atlan or fix the CSV.',
    ' (those rows create no lineage)'
  )
  if ('stop' in verdict) return { tenant: planned, refusal: verdict.stop }
  log.warning(verdict.warning)
  return { tenant: planned }
}

/** Where a create writes its CSV: the store, the bucket (or account and container) and the key. */
function createLocation(config: Config) {
  const c = config.credential
  const bucket = !c ? '' : c.store === 'adls' ? `${c.accountName}/${c.container}` : c.bucket
  return {
    store: c?.store ?? 'tenant',
    bucket,
    region: c?.store === 's3' ? c.region : '',
    prefix: config.prefix ?? '',
    key: config.objectKey ?? ''
  }
}

/**
 * skip_unchanged's marker. Its prefix is the target: this tenant (its origin) and a rerun's
 * workflow, or a create's store, bucket and key. Its digest is what the step puts there: this CSV
 * (its sha256), where the workflow reads it (a workflow edited in the UI to read another file or
 * key is another digest), the options the run applies, and every input that changes what the step
 * does or whether it passes.
 */
export function skipMarkerFor(
  config: Config,
  csvSha256: string,
  target: Target,
  options: Required<LineageOptions>
): SkipMarker {
  return skipMarker({
    target: {
      tenant: new URL(config.baseUrl).origin,
      target:
        target.kind === 'rerun'
          ? { workflow: target.workflow.name }
          : { create: createLocation(config) }
    },
    csvSha256,
    settings: {
      reads: readsFrom(target.storage),
      options,
      validate: config.validate,
      checkTenant: config.checkTenant,
      verify: config.verify,
      prune: config.prune,
      tenantSearchLimit: config.tenantSearchLimit,
      dryRun: config.dryRun,
      wait: config.wait
    }
  })
}

/** Where a workflow reads its CSV: the store's key, or the Direct-upload file it names. */
function readsFrom(storage: StorageTarget): unknown {
  switch (storage.kind) {
    case 'tenant':
      return { tenant: storage.key }
    case 'direct': {
      const file = storage.file
      if (!file) return { direct: storage.problem ?? '' }
      if (file.form === 'plain') return { direct: file.key }
      return { direct: { fileKey: file.value.fileKey, fileId: file.value.fileId } }
    }
    default:
      return { [storage.kind]: storage.description }
  }
}
