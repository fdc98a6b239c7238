// The pipeline of CONTRIBUTING.md "Layout", in order; each step lives in its own module and
// returns what it found, and the report is built once, at the end, from those returns.
import { context } from '@actions/github'
import { AtlanClient } from './atlan/client.js'
import { ConfigError } from './config/errors.js'
import { readInputs, secretValues } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import type { Config, LineageOptions } from './config/types.js'
import { csvCheckedLine, csvProblem } from './lineage/check.js'
import type { ValidationResult } from './lineage/csv-types.js'
import { markDone, wasDone } from './github/cache.js'
import { checkLineageFile, csvCounts } from './preview/check.js'
import { openLineageFile, type LineageSource } from './lineage/source.js'
import { annotate } from './report/annotations.js'
import { logPlan } from './report/plan.js'
import { CheckRunSession } from './report/check-run.js'
import { publish } from './report/publish.js'
import { failureMessage, lifecycleResult, type ActionResult } from './report/result.js'
import { describeError, log } from './report/untrusted.js'
import { systemClock } from './runtime.js'
import { announceDifferences, runLifecycle, type LifecycleOutcome } from './run/lifecycle.js'
import { optionsFor, resolveTarget, storedSettings, type Target } from './run/resolve.js'
import { CancelledError, cancelOnSignals } from './run/signals.js'
import { skipKeyFor } from './run/skip.js'
import { saveInFlight } from './run/state.js'
import { TenantStage, type TenantReport } from './tenant/stage.js'
import { VERSION } from './version.js'

const workspace = () => process.env.GITHUB_WORKSPACE || process.cwd()

/** What the step works with once its inputs are read. */
interface Session {
  config: Config
  checks?: CheckRunSession
  client: AtlanClient
}

/** The tenant stage (src/tenant) and the CSV path its annotations name. */
interface Tenant {
  stage: TenantStage
  /** The CSV's path as validation annotates it (the workspace-relative real path). */
  file: string
}

/** The target looked up before the CSV check, so that a rerun's check applies its stored settings. */
interface Early {
  target: Target
  /** A rerun's workflow, the settings it applies, and how they differ from the inputs. */
  workflowName?: string
  storedSettings?: Record<string, string>
  notes: string[]
}

/** What the CSV check adds to the report. */
interface CsvReport {
  validation: ValidationResult
  /** The CSV's path as validation annotated it (the workspace-relative real path). */
  file: string
  preview: string
  /** The same preview without Mermaid, for the check run. */
  checkPreview: string
  counts: Partial<ActionResult>
  tenant?: TenantReport
}

/** The CSV check's report, and why the step stops here when it must. */
interface Checked {
  report: CsvReport
  sha256: string
  problem?: string
}

/** After the run: the tenant stage's outputs, the failure its verification found, and a flag. */
interface AfterRun {
  outputs: Partial<ActionResult>
  verdict?: { failed: true; message: string }
  flagged: boolean
}

async function openSession(config: Config, signal: AbortSignal): Promise<Session> {
  const checks = config.checkRun ? CheckRunSession.for(config) : undefined
  const client = new AtlanClient({
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    version: VERSION,
    requestTimeoutMs: config.requestTimeoutMs,
    // A backstop for every request, not the run's limit (lifecycle.ts bounds its waits by timeout):
    // room for the waits, the uploads, the tenant plan and verification (within index_grace).
    deadline: Date.now() + 2 * config.timeoutMs + config.indexGraceMs + 5 * 60_000,
    // A Retry-After never stalls the step for long: each wait is cut to a quarter of timeout.
    retry: { maxRetryAfterMs: Math.min(120_000, Math.max(1000, config.timeoutMs / 4)) },
    signal
  })
  return { config, checks, client }
}

/** The target, by read-only searches, unless mode is create (its CSV check needs no network). */
async function resolveEarly(session: Session): Promise<Early | undefined> {
  const { config, client } = session
  if (config.mode === 'create') return undefined
  const target = await resolveTarget(client, config, Date.now())
  if (target.kind !== 'rerun') return { target, notes: [] }
  return {
    target,
    workflowName: target.workflow.name,
    storedSettings: storedSettings(target.workflow),
    notes: announceDifferences(config, target, log)
  }
}

/** How to turn fail_on_errors off for this step: the input, or a rerun's stored setting. */
function failOnErrorsOff(rerunOf: string | undefined): string {
  return rerunOf
    ? `set "Fail on errors" to No in workflow ${rerunOf} in Atlan (a rerun applies the stored setting)`
    : 'set fail_on_errors: false'
}

/** Step 2: validate the CSV (and preview it); `problem` says why the step stops here. */
async function validateStep(
  session: Session,
  source: LineageSource,
  signal: AbortSignal,
  tenant: Tenant | undefined,
  target?: Target
): Promise<Checked> {
  const options = target ? optionsFor(session.config, target) : session.config.options
  const config = { ...session.config, options }
  log.info(`Validating lineage_file (${source.size} bytes)…`)
  const csv = await checkLineageFile(
    config,
    { workspace: workspace(), eventName: context.eventName, payload: context.payload },
    source,
    signal,
    tenant?.stage.tap // tenant: rows for the plan, verify and prune
  )
  if (tenant) tenant.stage.csvRead(csv) // what prune may compare
  const v = csv.validation
  const report: CsvReport = {
    validation: v,
    file: csv.file,
    preview: csv.preview(true),
    checkPreview: csv.preview(false),
    counts: csvCounts(csv),
    tenant: tenant?.stage.report
  }
  annotate(v.findings, csv.file, v.counts)
  log.info(csvCheckedLine(csv))
  const problem = csvProblem(csv)
  if (problem && (problem.fatal || config.options.failOnErrors)) {
    const message = problem.fatal
      ? problem.text
      : `${problem.text}. Fix them, or ${failOnErrorsOff(target?.kind === 'rerun' ? target.workflow.name : undefined)} to run anyway.`
    return { report, sha256: v.sha256, problem: message }
  }
  if (problem) log.warning(`${problem.text}; running anyway because fail_on_errors is false.`)
  return { report, sha256: v.sha256 }
}

/** Tenant stage before the upload: plan, annotate, and say whether to stop (src/tenant). */
async function tenantPlan(
  session: Session,
  { stage, file }: Tenant,
  t: { kind: 'rerun' | 'create'; workflowName: string; options: Required<LineageOptions> }
): Promise<string | undefined> {
  if (session.config.dryRun && t.kind === 'create') return undefined // create dry run: offline
  const missing = await stage.check(session.client.meta, t.options.inputHandling, {
    log,
    now: Date.now(),
    caseSensitive: t.options.caseSensitive
  })
  // The same gate as the CSV's: the fail_on_errors the run applies (a rerun's stored one).
  const stop =
    missing && t.options.failOnErrors
      ? `${missing}. Create them in Atlan or fix the CSV; or ${failOnErrorsOff(t.kind === 'rerun' ? t.workflowName : undefined)} to run anyway (those rows create no lineage).`
      : undefined
  const plan = stage.report.plan
  if (plan) logPlan(plan, stage.report.showPlan, log)
  if (plan && stage.report.showPlan) {
    annotate(plan.findings, file, plan.counts)
    if (missing && !stop) log.warning(`${missing}; running anyway because fail_on_errors is false.`)
  }
  return stop
}

/** Steps 4–11, with the check run following the target and the run. */
async function atlanStep(
  session: Session,
  signal: AbortSignal,
  tenant: Tenant | undefined,
  early: Early | undefined,
  csvSha256: string | undefined
): Promise<LifecycleOutcome> {
  const { checks } = session
  return runLifecycle(
    {
      api: session.client,
      ...systemClock,
      log,
      signal,
      // The check run is created and updated alongside: the Atlan work never waits on GitHub.
      onTarget: async t =>
        checks?.begin(`${session.config.baseUrl}/workflows/profile/${t.workflowName}`),
      onRun: async t => checks?.pointAt(t),
      beforeUpload: t => (tenant ? tenantPlan(session, tenant, t) : Promise.resolve(undefined))
    },
    session.config,
    { target: early?.target, csvSha256, announced: early !== undefined }
  )
}

/** tenant: verify and prune after a Succeeded run; verify: strict fails the step on a missing process. */
async function afterRun(
  session: Session,
  { stage, file }: Tenant,
  result: ActionResult
): Promise<AfterRun> {
  await stage.afterRun(session.client.meta, result.phase, {
    ...systemClock,
    log,
    workflowName: result.workflowName
  })
  const missing = stage.report.verifyFindings
  if (missing.length) annotate(missing, file, { warning: missing.length })
  const o = stage.outcome()
  const verdict =
    o.failure && !result.failed ? { failed: true as const, message: o.failure } : undefined
  return { outputs: o.outputs, verdict, flagged: o.flagged }
}

/** skip_unchanged: the key of this CSV, tenant, target and settings, and whether a step with it passed. */
async function skipCheck(
  config: Config,
  source: LineageSource,
  csvSha256: string | undefined,
  target: Target | undefined
): Promise<{ key: string; done: boolean }> {
  // The validator's digest when it ran, else one streaming pass over the same handle.
  const key = skipKeyFor(config, csvSha256 ?? (await source.sha256()), target)
  return { key, done: await wasDone(key) }
}

/** The step's result when a step threw: what the steps before it returned, failed with the error. */
function errorResult(
  err: unknown,
  sofar: { known: Partial<ActionResult>; ran?: ActionResult; config?: Config; aborted: boolean }
): ActionResult {
  const { ran } = sofar
  // A run that ended keeps its phase (an error after it, e.g. in verify, fails the step); a
  // cancel says Cancelled; an error before the inputs were read is an input error.
  const phase =
    err instanceof ConfigError || !sofar.config
      ? (ran?.phase ?? 'Invalid')
      : sofar.aborted
        ? 'Cancelled'
        : (ran?.phase ?? 'Error')
  return { ...sofar.known, ...ran, phase, failed: true, message: describeError(err) }
}

export async function run(): Promise<void> {
  const cancel = cancelOnSignals(log)
  // What each step returned, set once each, so the report shows it whatever a later step throws.
  let secrets: readonly string[] = []
  let session: Session | undefined
  let source: LineageSource | undefined
  let early: Early | undefined
  let csv: CsvReport | undefined
  let outcome: LifecycleOutcome | undefined
  let skip: { key: string; done: boolean } | undefined
  let result: ActionResult
  // The result's fields known before the run: the rerun's workflow and the CSV's counts.
  const known = (): Partial<ActionResult> => ({ workflowName: early?.workflowName, ...csv?.counts })
  try {
    // 1. Inputs. Secrets are known before parsing, so even an input error cannot echo one.
    const raw = readInputs()
    secrets = secretValues(raw)
    const parsed = parseConfig(raw)
    session = await openSession(parsed, cancel.signal)
    const { config } = session
    secrets = config.secrets
    for (const w of config.warnings) log.warning(w)

    // 2. Validate the CSV with the settings the run will apply. A create applies the inputs, so
    // it is checked before any network call; a rerun applies the stored workflow's settings, so
    // its target is looked up first (read-only searches), and nothing is uploaded before the check.
    // The CSV is opened once, confined to the workspace; validation and upload read this handle.
    if (config.lineageFile) {
      source = await openLineageFile(config.lineageFile, workspace())
      session.client.useLineageFile(source)
    }
    const stage = source && TenantStage.for(config)
    const tenant = source && stage ? { stage, file: source.relative } : undefined
    let checked: Checked | undefined
    if (source && config.validate) {
      early = await resolveEarly(session)
      checked = await validateStep(session, source, cancel.signal, tenant, early?.target)
      csv = checked.report
    }

    // 3. Skip when nothing changed since the last successful run.
    skip =
      source && config.skipUnchanged && !checked?.problem
        ? await skipCheck(config, source, checked?.sha256, early?.target)
        : undefined

    if (checked?.problem) {
      result = { ...known(), phase: 'Invalid', failed: true, message: checked.problem }
    } else if (skip?.done) {
      const message = `${config.lineageFile} and the settings are unchanged since the last successful run (skip_unchanged: true).`
      log.info(message)
      const workflowName = early?.workflowName ?? config.workflowName
      result = { ...known(), phase: 'Skipped', workflowName, failed: false, message }
    } else {
      // 4–11. Atlan.
      if (cancel.signal.aborted)
        throw new CancelledError('The job was cancelled before a run was started.')
      outcome = await atlanStep(session, cancel.signal, tenant, early, checked?.sha256)
      const ran: ActionResult = { ...known(), ...lifecycleResult(outcome) }
      const after = tenant && (await afterRun(session, tenant, ran))
      result = after ? { ...ran, ...after.outputs, ...after.verdict, flagged: after.flagged } : ran
    }
  } catch (err) {
    result = errorResult(err, {
      known: known(),
      ran: outcome && { ...known(), ...lifecycleResult(outcome) },
      config: session?.config,
      aborted: cancel.signal.aborted
    })
    if (!(err instanceof ConfigError || err instanceof CancelledError))
      log.debug(err instanceof Error && err.stack ? err.stack : String(err))
  }
  // The marker says a step passed, not only that Atlan's run Succeeded (verify may fail the step).
  if (skip?.done === false && result.phase === 'Succeeded' && !result.failed)
    await markDone(skip.key)
  // Only a cancelled (or killed) main step leaves a run for the post step to stop; a TimedOut
  // step whose stop failed (on_timeout: cancel) leaves it too, for one more try.
  if (!cancel.signal.aborted && result.phase !== 'TimedOut') saveInFlight(undefined)
  await source?.close()
  // 12. Report, whatever happened above.
  cancel.dispose()
  try {
    await publish({
      result,
      secrets,
      writeSummary: session?.config.summary ?? true,
      config: session?.config,
      checks: session?.checks,
      validation: csv?.validation,
      csvFile: csv?.file,
      preview: csv?.preview,
      checkPreview: csv?.checkPreview,
      tenant: csv?.tenant,
      storedSettings: outcome ? outcome.storedSettings : early?.storedSettings,
      notes: [...(early?.notes ?? []), ...(outcome?.notes ?? [])]
    })
  } catch (err) {
    log.warning(`Could not publish the report: ${describeError(err)}`)
  }
  await session?.client.close()
  if (result.failed) log.setFailed(failureMessage(result))
}
