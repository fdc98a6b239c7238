// The pipeline of CONTRIBUTING.md "Layout": inputs → plan → apply → after → report. Each stage
// returns a value the next one takes; a stage that throws ends the pipeline there, and the report
// is built once, at the end, from what the stages returned.
import { AtlanClient } from './atlan/client.js'
import { ConfigError } from './config/errors.js'
import { readInputs, secretValues } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import type { Config } from './config/types.js'
import { openLineageFile } from './lineage/source.js'
import { CheckRunSession } from './report/check-run.js'
import { publish, reportOf } from './report/publish.js'
import { failureMessage, lifecycleResult, thrownBy, type Stages } from './report/result.js'
import { describeError, log } from './report/untrusted.js'
import { systemClock } from './runtime.js'
import { apply } from './run/apply.js'
import { plan, recordSkip, type Session } from './run/plan.js'
import { CancelledError, cancelOnSignals } from './run/signals.js'
import { saveInFlight } from './run/state.js'
import { afterRun } from './tenant/after.js'
import { TenantStage } from './tenant/stage.js'
import { VERSION } from './version.js'

export async function run(): Promise<void> {
  const cancel = cancelOnSignals(log)
  const stages = await pipeline(cancel.signal)
  const report = reportOf(stages, cancel.signal.aborted)
  const { result } = report
  const thrown = thrownBy(stages)?.error
  if (thrown !== undefined && !(thrown instanceof ConfigError || thrown instanceof CancelledError))
    log.debug(thrown instanceof Error && thrown.stack ? thrown.stack : String(thrown))
  // Only a cancelled (or killed) main step leaves a run for the post step to stop; a TimedOut
  // step whose stop failed (on_timeout: cancel) leaves it too, for one more try.
  if (!cancel.signal.aborted && result.phase !== 'TimedOut') saveInFlight(undefined)
  await stages.session?.source?.close()
  // Report, whatever happened above. The signal handlers stay until it is out: a cancel while
  // publishing is logged like any other, instead of killing the step with its report half-written.
  try {
    await publish(report)
  } catch (err) {
    log.warning(`Could not publish the report: ${describeError(err)}`)
  }
  // skip_unchanged's marker says a step passed, not only that Atlan's run Succeeded (verify may
  // fail the step). Saved after the report, so a slow cache service never delays the outputs.
  const passed = result.phase === 'Succeeded' && !result.failed
  if (stages.plan)
    await recordSkip(stages.plan, passed, name => stages.session?.client.updated(name))
  await stages.session?.client.close()
  cancel.dispose()
  if (result.failed) log.setFailed(failureMessage(result))
  else if (result.phase === 'DryRun')
    log.info(
      'Dry run: nothing was uploaded, no workflow was changed and no run was submitted in Atlan.'
    )
}

async function pipeline(signal: AbortSignal): Promise<Stages> {
  // Inputs. Secrets are known before parsing, so even an input error cannot echo one.
  const raw = readInputs()
  const parsed = await settle(() => parseConfig(raw))
  if ('error' in parsed) return { secrets: secretValues(raw), error: parsed.error }
  const config = parsed.value
  for (const w of config.warnings) log.warning(w)
  const known = { secrets: config.secrets, config }
  const opened = await settle(() => openSession(config, signal))
  if ('error' in opened) return { ...known, error: opened.error }
  // The CSV is opened once, confined to the workspace, before any network call.
  const withFile = await settle(() => openFile(opened.value))
  if ('error' in withFile) return { ...known, session: opened.value, error: withFile.error }
  const session = withFile.value

  // Plan: the target and the settings it applies, the CSV check and preview, the tenant plan.
  const planning = await settle(() => plan(session, signal))
  if ('error' in planning) return { ...known, session, error: planning.error }
  const planned = planning.value
  if (planned.stop) return { ...known, session, plan: planned }

  // Apply: upload, submit, follow (nothing when the tenant plan refused, or in a dry run).
  const { client, checks } = session
  const deps = { api: client, ...systemClock, log, signal, checks }
  const applying = await settle(() => apply(deps, planned))
  if ('error' in applying) return { ...known, session, plan: planned, error: applying.error }
  const ran = { ...known, session, plan: planned, applied: applying.value }

  // After: verify and prune, from the tenant plan.
  if (!session.tenant) return ran
  const { phase, workflowName } = lifecycleResult(applying.value)
  const checking = await settle(() =>
    afterRun(client.meta, config, planned.tenant, { phase, workflowName }, deps)
  )
  return 'error' in checking ? { ...ran, error: checking.error } : { ...ran, after: checking.value }
}

/** What the step works with once its inputs are valid: the check run and the Atlan client. */
function openSession(config: Config, signal: AbortSignal): Session {
  const checks = CheckRunSession.for(config)
  const client = new AtlanClient({
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    version: VERSION,
    requestTimeoutMs: config.requestTimeoutMs,
    // A backstop for every request, not the run's limit (apply.ts bounds its waits by timeout):
    // room for the waits, the uploads, the tenant plan and verification (within index_grace).
    deadline: Date.now() + 2 * config.timeoutMs + config.indexGraceMs + 5 * 60_000,
    // A Retry-After never stalls the step for long: each wait is cut to a quarter of timeout.
    retry: { maxRetryAfterMs: Math.min(120_000, Math.max(1000, config.timeoutMs / 4)) },
    signal
  })
  return { config, checks, client, workspace: process.env.GITHUB_WORKSPACE || process.cwd() }
}

/** The lineage file, opened once (validation and upload read this handle), and the tenant stage. */
async function openFile(session: Session): Promise<Session> {
  const { config } = session
  if (!config.lineageFile) return session
  const source = await openLineageFile(config.lineageFile, session.workspace)
  session.client.useLineageFile(source)
  return { ...session, source, tenant: TenantStage.for(config) }
}

/** A stage's value, or what it threw. */
async function settle<T>(stage: () => T | Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await stage() }
  } catch (error) {
    return { error }
  }
}
