// The pipeline of CONTRIBUTING.md "Layout", in order; each step lives in its own module.
// Only what every step needs is imported here; the CSV check and preview, the GitHub client and
// @actions/cache are imported when a step uses them (ncc emits them as separate chunks).
import { AtlanClient } from './atlan/client.js'
import { describeError } from './error-text.js'
import { ConfigError } from './config/errors.js'
import { readInputs, secretValues } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import type { Config } from './config/types.js'
import { openLineageFile, type LineageSource } from './lineage/source.js'
import { annotate } from './report/annotations.js'
import { publish, type PublishInput } from './report/publish.js'
import { failureMessage } from './report/result.js'
import { log } from './report/untrusted.js'
import { sleep } from './run/clock.js'
import { announceDifferences, runLifecycle, type LifecycleStart } from './run/lifecycle.js'
import { optionsFor, resolveTarget, storedSettings, type Target } from './run/resolve.js'
import { CancelledError, cancelOnSignals } from './run/signals.js'
import { skipKeyFor } from './run/skip.js'
import { saveInFlight } from './run/state.js'
import { TenantStage } from './tenant/stage.js'
import { VERSION } from './version.js'

const workspace = () => process.env.GITHUB_WORKSPACE || process.cwd()

/** Step 2: validate the CSV (and preview it). The file's sha256, or false when the step stops here. */
async function validateStep(
  config: Config,
  out: PublishInput,
  source: LineageSource,
  signal: AbortSignal,
  target?: Target,
  tenant?: TenantStage
): Promise<string | false> {
  const { checkLineageFile, csvCounts } = await import('./preview/check.js')
  const { csvCheckedLine, csvProblem } = await import('./lineage/check.js')
  const { context } = await import('@actions/github')
  log.info(`Validating lineage_file (${source.size} bytes)…`)
  const csv = await checkLineageFile(
    config,
    { workspace: workspace(), eventName: context.eventName, payload: context.payload },
    source,
    signal,
    tenant?.tap // tenant: rows for the plan, verify and prune
  )
  if (tenant) {
    tenant.hasBase = csv.diff !== undefined
    out.tenant = tenant.report
  }
  const v = csv.validation
  Object.assign(out, {
    validation: v,
    csvFile: csv.file,
    preview: csv.preview(true),
    checkPreview: csv.preview(false)
  })
  out.result = { ...out.result, ...csvCounts(csv) }
  annotate(v.findings, csv.file, v.counts)
  log.info(csvCheckedLine(csv))
  const problem = csvProblem(csv)
  if (problem && (problem.fatal || config.options.failOnErrors)) {
    const message = problem.fatal
      ? problem.text
      : target?.kind === 'rerun'
        ? `${problem.text}. Fix them, or set "Fail on errors" to No in workflow ${target.workflow.name} in Atlan to run anyway (a rerun applies the stored setting).`
        : `${problem.text}. Fix them, or set fail_on_errors: false to run anyway.`
    out.result = { ...out.result, phase: 'Invalid', failed: true, message }
    return false
  }
  if (problem) log.warning(`${problem.text}; running anyway because fail_on_errors is false.`)
  return v.sha256
}

/** Tenant stage before the upload: plan, annotate, and say whether to stop (src/tenant). */
async function tenantPlan(
  config: Config,
  client: AtlanClient,
  tenant: TenantStage | undefined,
  t: { kind: 'rerun' | 'create'; inputHandling: string },
  /** The CSV's path as validation annotated it (the workspace-relative real path). */
  file: string
): Promise<string | undefined> {
  if (!tenant || (config.dryRun && t.kind === 'create')) return undefined // create dry run: offline
  const stop = await tenant.check(client.meta, t.inputHandling)
  const plan = tenant.report.plan
  if (plan && tenant.report.showPlan) {
    annotate(plan.findings, file, plan.counts)
    log.info(
      `Plan: ${plan.processesToCreate} processes to create, ${plan.processesToUpdate} to update, ${plan.rowsToSkip} rows to skip, ${plan.assetsToCreate} assets to create, ${plan.connectionsMissing.length} connections missing, ${plan.processesToRetire.length} processes to retire.`
    )
    if (plan.connectionsMissing.length && !stop)
      log.warning(
        'Connections named in the CSV are missing; running anyway because fail_on_errors is false.'
      )
  }
  return stop
}

/** Outputs of the tenant stage, and a verify problem as a failure only with fail_on_errors. */
async function tenantOutcome(
  config: Config,
  out: PublishInput,
  tenant: TenantStage
): Promise<void> {
  out.result = { ...out.result, ...tenant.outputs() }
  const missing = tenant.report.verification?.missing ?? []
  if (!missing.length) return
  annotate(tenant.report.verifyFindings, out.csvFile ?? config.lineageFile!, {
    warning: missing.length
  })
  const text = `${missing.length} expected process(es) were not found in Atlan after the run (see the job summary).`
  if (config.options.failOnErrors && !out.result.failed)
    out.result = {
      ...out.result,
      failed: true,
      message: `${text} Set fail_on_errors: false to pass anyway.`
    }
  else log.warning(text)
}

/** Steps 4–11, with the check run following the target and the run. */
async function atlanStep(
  config: Config,
  out: PublishInput,
  signal: AbortSignal,
  client: AtlanClient,
  start: LifecycleStart,
  tenant?: TenantStage
): Promise<void> {
  const outcome = await runLifecycle(
    {
      api: client,
      now: Date.now,
      sleep,
      random: Math.random,
      log,
      signal,
      onTarget: t =>
        out.checks?.begin(`${config.baseUrl}/workflows/profile/${t.workflowName}`) ??
        Promise.resolve(),
      onRun: t => {
        saveInFlight({ workflowName: t.workflowName, runName: t.runName })
        return out.checks?.pointAt(t) ?? Promise.resolve()
      },
      beforeUpload: t => tenantPlan(config, client, tenant, t, out.csvFile ?? config.lineageFile!)
    },
    config,
    start
  )
  out.result = { ...out.result, ...outcome.result }
  // tenant: verify and prune after a Succeeded run
  if (tenant) {
    await tenant.afterRun(client.meta, out.result.phase, { now: Date.now, sleep })
    await tenantOutcome(config, out, tenant)
  }
  out.storedSettings = outcome.storedSettings
  out.notes!.push(...outcome.notes)
}

export async function run(): Promise<void> {
  const cancel = cancelOnSignals()
  const out: PublishInput = {
    result: { phase: 'Invalid', failed: true },
    secrets: [],
    writeSummary: true,
    notes: []
  }
  let client: AtlanClient | undefined
  let source: LineageSource | undefined
  try {
    // 1. Inputs. Secrets are known before parsing, so even an input error cannot echo one.
    const raw = readInputs()
    out.secrets = secretValues(raw)
    const config = parseConfig(raw)
    Object.assign(out, {
      config,
      secrets: config.secrets,
      writeSummary: config.summary,
      checks: config.checkRun
        ? (await import('./report/check-run.js')).CheckRunSession.for(config)
        : undefined
    })
    for (const w of config.warnings) log.warning(w)
    const tenant = TenantStage.for(config) // tenant: rows for the plan, verify and prune

    client = new AtlanClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      version: VERSION,
      requestTimeoutMs: config.requestTimeoutMs,
      // Room for waiting on an earlier run and following ours (each bounded by timeout).
      deadline: Date.now() + 2 * config.timeoutMs + config.indexGraceMs + 5 * 60_000,
      // A Retry-After never stalls the step for long: each wait is cut to a quarter of timeout.
      retry: { maxRetryAfterMs: Math.min(120_000, Math.max(1000, config.timeoutMs / 4)) },
      signal: cancel.signal
    })

    // 2. Validate the CSV with the settings the run will apply. A create applies the inputs, so
    // it is checked before any network call; a rerun applies the stored workflow's settings, so
    // its target is looked up first (read-only searches), and nothing is uploaded before the check.
    let csvSha: string | undefined
    let target: Target | undefined
    // The CSV is opened once, confined to the workspace; validation and upload read this handle.
    if (config.lineageFile) {
      source = await openLineageFile(config.lineageFile, workspace())
      client.useLineageFile(source)
    }
    if (source && config.validate) {
      if (config.mode !== 'create') {
        target = await resolveTarget(client, config, Date.now())
        if (target.kind === 'rerun') {
          out.result = { ...out.result, workflowName: target.workflow.name }
          out.storedSettings = storedSettings(target.workflow)
          out.notes!.push(...announceDifferences(config, target, log))
        }
      }
      const options = target ? optionsFor(config, target) : config.options
      const sha = await validateStep(
        { ...config, options },
        out,
        source,
        cancel.signal,
        target,
        tenant
      )
      if (sha === false) return
      csvSha = sha
    }

    // 3. Skip when nothing changed since the last successful run.
    let cacheKey: string | undefined
    if (config.skipUnchanged && config.lineageFile) {
      const { wasDone } = await import('./github/cache.js')
      cacheKey = await skipKeyFor(config, source!.absolute, csvSha ?? (await source!.sha256()))
      if (await wasDone(cacheKey)) {
        const message = `${config.lineageFile} and the settings are unchanged since the last successful run (skip_unchanged: true).`
        const workflowName = out.result.workflowName ?? config.workflowName
        out.result = { ...out.result, phase: 'Skipped', workflowName, failed: false, message }
        log.info(message)
        return
      }
    }

    // 4–11. Atlan.
    if (cancel.signal.aborted)
      throw new CancelledError('The job was cancelled before a run was started.')
    await atlanStep(
      config,
      out,
      cancel.signal,
      client,
      {
        target,
        csvSha256: csvSha,
        announced: target !== undefined
      },
      tenant
    )
    if (cacheKey && out.result.phase === 'Succeeded')
      await (await import('./github/cache.js')).markDone(cacheKey)
  } catch (err) {
    const message = describeError(err)
    const phase =
      err instanceof ConfigError || !out.config
        ? 'Invalid'
        : cancel.signal.aborted
          ? 'Cancelled'
          : 'Error'
    out.result = {
      ...out.result,
      phase: out.result.phase === 'Invalid' || phase === 'Cancelled' ? phase : out.result.phase,
      failed: true,
      message
    }
    if (!(err instanceof ConfigError || err instanceof CancelledError))
      log.debug(String((err as Error)?.stack ?? err))
  } finally {
    // Only a cancelled (or killed) main step leaves a run for the post step to stop; a TimedOut
    // step whose stop failed (on_timeout: cancel) leaves it too, for one more try.
    if (!cancel.signal.aborted && out.result.phase !== 'TimedOut') saveInFlight(undefined)
    await source?.close()
    // 12. Report, whatever happened above.
    cancel.dispose()
    try {
      await publish(out)
    } catch (err) {
      log.warning(`Could not publish the report: ${describeError(err)}`)
    }
    await client?.close()
    if (out.result.failed) log.setFailed(failureMessage(out.result))
  }
}
