// The pipeline of design §3, in order; each step lives in its own module.
import * as core from '@actions/core'
import { context } from '@actions/github'
import { AtlanClient } from './atlan/client.js'
import { describeError } from './atlan/errors.js'
import { ConfigError } from './config/errors.js'
import { readInputs, secretValues } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import { redact } from './config/redact.js'
import type { Config } from './config/types.js'
import { markDone, skipKey, wasDone } from './github/cache.js'
import { CheckRunReporter, headSha } from './github/checks.js'
import { createOctokit } from './github/octokit.js'
import { checkLineageFile, type CsvCheck } from './lineage/check.js'
import { annotate } from './report/annotations.js'
import { publish, type PublishInput } from './report/publish.js'
import type { ActionResult } from './report/result.js'
import { sleep } from './run/clock.js'
import { runLifecycle } from './run/lifecycle.js'
import { VERSION } from './version.js'

/** Stops the remote run on the runner's cancel signals (SIGINT, then SIGTERM 7.5 s later). */
function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return
    core.info(`Received ${sig}: the job is being cancelled.`)
    controller.abort()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}

function checkReporter(config: Config): CheckRunReporter | undefined {
  if (!config.checkRun || !config.githubToken) return undefined
  const { owner, repo } = context.repo
  return new CheckRunReporter({ octokit: createOctokit(config.githubToken), owner, repo })
}

function validationFailure(csv: CsvCheck): string {
  const v = csv.validation
  if (v.fatal) return `${csv.file}: ${v.fatal}`
  return `${csv.file} has ${v.counts.error} error(s) in ${v.rowsWithErrors} row(s) (see the annotations and the job summary). Fix them, or set fail_on_errors: false to run anyway.`
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
  try {
    const raw = readInputs()
    // Known before parsing: a secret pasted into another input must not be echoed by its error.
    out.secrets = secretValues(raw)
    const config = parseConfig(raw)
    out.config = config
    out.secrets = config.secrets
    out.writeSummary = config.summary
    for (const w of config.warnings) core.warning(w)
    out.checks = checkReporter(config)
    const startCheck = (detailsUrl?: string) =>
      out
        .checks!.start({
          name: config.checkName,
          headSha: headSha(),
          detailsUrl,
          title: 'Atlan Lineage Builder is running',
          summary: 'The Lineage Builder run is in progress.'
        })
        .then(() => undefined)
    out.startCheck = async () => {
      if (out.checks && out.checks.id === undefined && out.checks.enabled) await startCheck()
    }

    // 2. Validate the CSV before any network call.
    let csv: CsvCheck | undefined
    if (config.lineageFile && config.validate) {
      csv = await checkLineageFile(config, {
        workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
        eventName: context.eventName,
        payload: context.payload
      })
      const v = csv.validation
      out.validation = v
      out.csvFile = csv.file
      out.preview = csv.preview(true)
      out.checkPreview = csv.preview(false)
      const edges = csv.diff?.counts
      const counts: Partial<ActionResult> = {
        rowsChecked: v.rowsChecked,
        rowsWithErrors: v.rowsWithErrors,
        edgesAdded: edges?.added,
        edgesRemoved: edges?.removed,
        edgesChanged: edges?.changed
      }
      out.result = { ...out.result, ...counts }
      annotate(v.findings, csv.file, v.counts)
      core.info(
        `Checked ${v.rowsChecked} rows of ${csv.file}: ${v.counts.error} errors, ${v.counts.warning} warnings.`
      )
      if (v.fatal || v.counts.error > 0) {
        if (config.options.failOnErrors || v.fatal) {
          out.result = {
            ...out.result,
            phase: 'Invalid',
            failed: true,
            message: validationFailure(csv)
          }
          return
        }
        core.warning(
          `${validationFailure(csv).split(' Fix them')[0]}; running anyway because fail_on_errors is false.`
        )
      }
    }

    // 3. Skip when nothing changed since the last successful run.
    let cacheKey: string | undefined
    if (config.skipUnchanged && csv) {
      cacheKey = skipKey({
        csvSha256: csv.validation.sha256,
        settings: {
          ...config.options,
          mode: config.mode,
          workflow: config.workflowName ?? '',
          prefix: config.prefix ?? '',
          key: config.objectKey ?? ''
        }
      })
      if (await wasDone(cacheKey)) {
        out.result = {
          ...out.result,
          phase: 'Skipped',
          failed: false,
          message: `${csv.file} and the settings are unchanged since the last successful run (skip_unchanged: true).`
        }
        core.info(out.result.message!)
        return
      }
    }

    // 4–11. Atlan.
    client = new AtlanClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      version: VERSION,
      requestTimeoutMs: config.requestTimeoutMs,
      deadline: Date.now() + config.timeoutMs + config.indexGraceMs + 5 * 60_000
    })
    const outcome = await runLifecycle(
      {
        api: client,
        now: Date.now,
        sleep,
        random: Math.random,
        log: { info: core.info, warning: core.warning, debug: core.debug },
        signal: cancel.signal,
        // The check run appears as soon as the target is known, then points at the run.
        onTarget: async t => {
          if (out.checks) await startCheck(`${config.baseUrl}/workflows/profile/${t.workflowName}`)
        },
        onRun: async t => {
          await out.checks?.update({
            title: 'Atlan Lineage Builder is running',
            summary: `Following run [${t.runName}](${t.runUrl}) of ${t.workflowName}.`,
            detailsUrl: t.runUrl,
            externalId: t.runName
          })
        }
      },
      config
    )
    out.result = { ...out.result, ...outcome.result }
    out.storedSettings = outcome.storedSettings
    out.notes!.push(...outcome.notes)
    if (cacheKey && outcome.result.phase === 'Succeeded') await markDone(cacheKey)
  } catch (err) {
    const message = redact(describeError(err), out.secrets)
    const phase = err instanceof ConfigError || !out.config ? 'Invalid' : 'Error'
    out.result = {
      ...out.result,
      phase: out.result.phase === 'Invalid' ? phase : out.result.phase,
      failed: true,
      message
    }
    if (!(err instanceof ConfigError))
      core.debug(redact(String((err as Error)?.stack ?? err), out.secrets))
  } finally {
    cancel.dispose()
    try {
      await publish(out)
    } catch (err) {
      core.warning(`Could not publish the report: ${redact(describeError(err), out.secrets)}`)
    }
    await client?.close()
    if (out.result.failed)
      core.setFailed(
        redact(out.result.message ?? `The run ended ${out.result.phase}.`, out.secrets)
      )
  }
}
