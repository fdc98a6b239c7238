// Steps 4–11 of CONTRIBUTING.md "Layout": resolve → tenant plan → (dry run) → wait for an earlier
// run → upload (object store, or Direct upload and workflow update) → submit or attach → follow →
// outcome.
import { stat } from 'node:fs/promises'
import type { RunInfo } from '../atlan/client.js'
import { DIRECT_UPLOAD_LIMIT_BYTES, TOO_LARGE_HINT } from '../atlan/files.js'
import type { Config, LineageOptions } from '../config/types.js'
import { formatDuration } from '../config/duration.js'
import { ConfigError } from '../config/errors.js'
import { redactWorkflow } from '../lineage/workflow.js'
import type { Clock, Logger } from '../runtime.js'
import { RECENT_RUNS, type AtlanApi } from './api.js'
import { followRun, isTerminal } from './follow.js'
import { describeDirectFile, pointAtFile, shownId } from './direct.js'
import {
  type Target,
  optionsFor,
  resolveTarget,
  settingDifferences,
  storedSettings
} from './resolve.js'
import { saveInFlight } from './state.js'
import { startRun } from './submit.js'
import { describeError } from '../report/untrusted.js'

export interface LifecycleDeps extends Clock {
  api: AtlanApi
  log: Logger
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal
  /** Called once the workflow to run is known, before anything is uploaded or submitted. */
  onTarget?(t: { workflowName: string }): Promise<void>
  /** Called once the run's name is known (at once after a rerun, at the first poll after a create). */
  onRun?(t: { workflowName: string; runName: string; runUrl: string }): Promise<void>
  /**
   * Tenant stage (src/tenant): once the target and the options the run applies are known (a
   * rerun's stored ones), before the dry-run stop and any upload. A returned message ends the
   * step as Invalid, nothing started.
   */
  beforeUpload?(t: {
    kind: Target['kind']
    workflowName: string
    options: Required<LineageOptions>
  }): Promise<string | undefined>
}

/** How the lifecycle ended; report/result.ts turns it into the step's result. */
export type LifecycleEnd =
  /** The tenant plan stopped the step before anything was uploaded or started. */
  | { kind: 'refused'; message: string }
  /** dry_run: the plan only; the workflow JSON of a create. */
  | { kind: 'dry-run'; workflowJson?: string }
  /** wait: false: started (or attached to) and not followed. */
  | { kind: 'not-followed' }
  /** The run reached a terminal phase. */
  | { kind: 'ended'; run: RunInfo }
  /** The run never showed up in the search index within index_grace. */
  | { kind: 'lost'; message: string }
  | { kind: 'cancelled'; message: string }
  /** `passes`: on_timeout: warn. `startedAt`: of our run, when it was seen. */
  | { kind: 'timed-out'; message: string; passes: boolean; startedAt?: string }

export interface LifecycleOutcome {
  end: LifecycleEnd
  workflowName: string
  /** Known once the run was started (or attached to) and named. */
  runName?: string
  runUrl?: string
  storedSettings?: Record<string, string>
  notes: string[]
}

function uploadRefusal(target: Target, file: string): ConfigError {
  const where = 'description' in target.storage ? target.storage.description : ''
  return new ConfigError(
    `The workflow reads its CSV from ${where}, which this action cannot write to. ` +
      `Upload ${file} there first with your cloud's own action (e.g. aws s3 cp, gsutil cp or az storage blob upload), ` +
      "then run this action without lineage_file (or use a workflow that reads from Atlan's own store: mode: create with object_store: tenant).",
    'lineage_file'
  )
}

/** What the caller already knows: the target (resolved before validating the CSV) and its sha256. */
export interface LifecycleStart {
  target?: Target
  csvSha256?: string
  /** The setting differences of `target` were already logged (and noted) by the caller. */
  announced?: boolean
}

/** Warns once about inputs a rerun does not apply; returns the lines for the summary. */
export function announceDifferences(
  config: Config,
  target: Target,
  log: Pick<Logger, 'warning'>
): string[] {
  if (target.kind !== 'rerun') return []
  const diffs = settingDifferences(config, target.workflow)
  if (diffs.length)
    log.warning(
      `The rerun applies the settings stored in ${target.workflow.name}, not these inputs: ${diffs.join(' ')}`
    )
  return diffs
}

export async function runLifecycle(
  deps: LifecycleDeps,
  config: Config,
  start: LifecycleStart = {}
): Promise<LifecycleOutcome> {
  const { api, log } = deps
  const notes: string[] = []
  const target = start.target ?? (await resolveTarget(api, config, deps.now()))
  const workflowName = target.kind === 'rerun' ? target.workflow.name : target.doc.metadata.name
  const stored = target.kind === 'rerun' ? storedSettings(target.workflow) : undefined
  if (target.kind === 'rerun') {
    if (!start.announced) notes.push(...announceDifferences(config, target, log))
    log.info(`Target: rerun of ${workflowName}.`)
  } else log.info(`Target: new workflow ${workflowName}.`)

  const ending = (
    end: LifecycleEnd,
    run: { runName?: string; runUrl?: string } = {}
  ): LifecycleOutcome => ({
    end,
    workflowName,
    ...run,
    storedSettings: stored,
    notes
  })

  // tenant: plan against the tenant (check_tenant)
  const options = optionsFor(config, target)
  const stop = await deps.beforeUpload?.({ kind: target.kind, workflowName, options })
  if (stop) return ending({ kind: 'refused', message: stop })

  if (config.dryRun) {
    const json =
      target.kind === 'create' ? JSON.stringify(redactWorkflow(target.doc), null, 2) : undefined
    return ending({ kind: 'dry-run', workflowJson: json })
  }

  await deps.onTarget?.({ workflowName })

  // The timeout bounds the wait for an earlier run and the follow of ours together.
  const deadline = deps.now() + config.timeoutMs
  const file = config.lineageFile
  if (file) {
    const { storage } = target
    if (storage.kind !== 'tenant' && storage.kind !== 'direct') throw uploadRefusal(target, file)
    if (storage.kind === 'direct') await checkDirectSize(file)
    // A new file never rides on an older run: a run already going may read it, or be taken for ours.
    if (target.kind === 'rerun') {
      const stopped = await waitForEarlierRun(deps, config, workflowName, deadline)
      if (stopped) return ending(stopped)
    }
    if (storage.kind === 'direct') {
      const uploaded = await api.uploadDirect(file, start.csvSha256)
      log.info(
        `Uploaded ${file} to Atlan as a Direct-upload file (key ${shownId(uploaded.key)}, id ${shownId(uploaded.id)}).`
      )
      const change = await pointAtFile(api, workflowName, uploaded, log)
      const note = `${workflowName} read ${describeDirectFile(change.before)} before this step; it now reads ${describeDirectFile(change.now)}. To roll back, point the workflow at the earlier file again in the Atlan UI (edit it, Input), or rerun this action at the earlier commit.`
      log.info(note)
      notes.push(note)
      if (change.warning) {
        log.warning(change.warning)
        notes.push(change.warning)
      }
    } else {
      const url = await api.presignUpload(storage.key)
      await api.uploadFile(url, file)
      log.info(`Uploaded ${file} to the tenant store at ${storage.key}.`)
    }
  }

  // Cancelled before anything was submitted: there is nothing to stop.
  if (deps.signal.aborted)
    return ending({
      kind: 'cancelled',
      message: 'The job was cancelled before a run was started.'
    })

  const started = await startRun(deps, target, {
    // Attaching to a run that started before the upload would report the old file's result.
    idempotent: config.idempotent && !file,
    graceMs: config.indexGraceMs
  })
  const runUrl = (name?: string) => (name ? api.runUrl(started.workflowName, name) : undefined)
  // Once the run is named, the post step needs nothing else. Until then keep what startRun saved:
  // the runs active before the submit, which the post step must never take for ours.
  if (started.runName)
    saveInFlight({ workflowName: started.workflowName, runName: started.runName })
  if (started.runName)
    await deps.onRun?.({
      workflowName: started.workflowName,
      runName: started.runName,
      runUrl: api.runUrl(started.workflowName, started.runName)
    })
  // The workflow a create submitted may be named differently from the document (submit.ts).
  const ours = (end: LifecycleEnd, runName = started.runName): LifecycleOutcome => ({
    ...ending(end, { runName, runUrl: runUrl(runName) }),
    workflowName: started.workflowName
  })

  if (!config.wait) {
    saveInFlight(undefined)
    const url = runUrl(started.runName)
    log.info(`wait: false: not following the run${url ? ` ${url}` : ''}.`)
    return ours({ kind: 'not-followed' })
  }

  let runName = started.runName
  const startedAt = deps.now()
  const follow = await followRun(
    {
      ...deps,
      fetchRun: async () => {
        if (runName) return api.getRun(runName)
        // After a create (or a rerun reply without a name) the run is the newest one not seen
        // before the submit; runsOf sorts by creation, which a not-yet-started run also has.
        const fresh = (await api.runsOf(started.workflowName, 10)).find(
          r => !started.earlierRuns.some(e => e.name === r.name)
        )
        if (fresh) {
          runName = fresh.name
          saveInFlight({ workflowName: started.workflowName, runName })
          const url = api.runUrl(started.workflowName, fresh.name)
          log.info(`Following the run at ${url}`)
          await deps.onRun?.({
            workflowName: started.workflowName,
            runName: fresh.name,
            runUrl: url
          })
        }
        return fresh
      }
    },
    {
      pollIntervalMs: config.pollIntervalMs,
      deadline: Math.min(deadline, startedAt + config.timeoutMs),
      indexGraceMs: config.indexGraceMs,
      estimateMs: estimateFromRuns(started.earlierRuns),
      signal: deps.signal,
      runUrl: runUrl(started.runName)
    }
  )

  switch (follow.kind) {
    case 'terminal':
      saveInFlight(undefined)
      return ours({ kind: 'ended', run: follow.run }, follow.run.name)
    case 'invisible':
      saveInFlight(undefined)
      return ours(
        {
          kind: 'lost',
          message: `The run did not appear in Atlan's search index within index_grace (${Math.round(config.indexGraceMs / 1000)}s). Check the workflow in the Atlan UI; raise index_grace if your tenant indexes slowly.`
        },
        runName
      )
    case 'aborted': {
      let message =
        'The job was cancelled; the Atlan run was left running (cancel_on_job_cancel: false).'
      if (config.cancelOnJobCancel)
        message = (await stopQuietly(deps, runName, 'the job was cancelled'))
          ? 'The job was cancelled; the Atlan run was asked to stop.'
          : 'The job was cancelled, and the Atlan run was not stopped (see the warning above); the post step will try again.'
      else saveInFlight(undefined)
      return ours({ kind: 'cancelled', message }, runName)
    }
    case 'timeout': {
      const limit = formatDuration(config.timeoutMs)
      const last = follow.last ? ` (last seen ${follow.last.phase})` : ''
      let message =
        config.onTimeout === 'warn'
          ? `The run did not finish within timeout (${limit})${last}; it is still running in Atlan, and the step passes (on_timeout: warn). Raise timeout to wait for the outcome.`
          : `The run did not finish within timeout (${limit})${last}; it is still running in Atlan. Raise timeout, or set on_timeout: warn to pass anyway.`
      if (config.onTimeout === 'cancel') {
        const stopped = await stopQuietly(deps, runName, 'the timeout passed')
        message = stopped
          ? `The run did not finish within timeout (${limit})${last}; it was asked to stop (on_timeout: cancel). Raise timeout if the run needs longer.`
          : `The run did not finish within timeout (${limit})${last}, and it was not stopped (see the warning above); it may still be running in Atlan, and the post step will try to stop it again. Raise timeout if the run needs longer.`
      } else saveInFlight(undefined)
      if (config.onTimeout === 'warn') log.warning(message)
      return ours(
        {
          kind: 'timed-out',
          message,
          passes: config.onTimeout === 'warn',
          startedAt: follow.last?.startedAt
        },
        runName
      )
    }
  }
}

/** Whole seconds from start to finish, when both are known and in order. */
export function durationSeconds(
  run: Pick<RunInfo, 'startedAt' | 'finishedAt'>
): number | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined
  const s = Date.parse(run.startedAt)
  const f = Date.parse(run.finishedAt)
  return Number.isFinite(s) && Number.isFinite(f) && f >= s ? Math.round((f - s) / 1000) : undefined
}

/** The median duration of the workflow's earlier successful runs: the poll schedule's estimate. */
export function estimateFromRuns(runs: RunInfo[]): number | undefined {
  const durations = runs
    .filter(r => r.phase === 'Succeeded')
    .map(durationSeconds)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b)
  return durations.length ? durations[Math.floor(durations.length / 2)] * 1000 : undefined
}

/** Atlan's direct upload takes at most 10 MB: say so before sending anything. */
async function checkDirectSize(file: string): Promise<void> {
  const size = (await stat(file)).size
  if (size > DIRECT_UPLOAD_LIMIT_BYTES)
    throw new ConfigError(
      `${file} is ${size} bytes, larger than a Direct-upload workflow accepts; nothing was uploaded. ${TOO_LARGE_HINT}`,
      'lineage_file'
    )
}

/**
 * Waits for a Pending/Running run of the workflow to end before a new file is uploaded. Returns
 * how the step ends when it must stop here (timeout or cancel), undefined to go on.
 */
async function waitForEarlierRun(
  deps: LifecycleDeps,
  config: Config,
  workflowName: string,
  deadline: number
): Promise<LifecycleEnd | undefined> {
  const { api, log } = deps
  // The same search startRun makes (§3.7): the newest run that is still active.
  const earlier = (await api.runsOf(workflowName, RECENT_RUNS)).find(r => !isTerminal(r.phase))
  if (!earlier) return undefined
  log.info(
    `Run ${earlier.name} of ${workflowName} is ${earlier.phase}. Waiting for it to end before uploading ${config.lineageFile}, so that run does not read the new file and its result is not reported as this one's.`
  )
  const runUrl = api.runUrl(workflowName, earlier.name)
  const follow = await followRun(
    {
      ...deps,
      fetchRun: () => api.getRun(earlier.name)
    },
    {
      pollIntervalMs: config.pollIntervalMs,
      deadline,
      indexGraceMs: config.indexGraceMs,
      estimateMs: earlier.estimatedDurationS ? earlier.estimatedDurationS * 1000 : undefined,
      signal: deps.signal,
      runUrl
    }
  )
  switch (follow.kind) {
    case 'terminal':
      log.info(
        `Run ${earlier.name} ended ${follow.run.phase}; uploading ${config.lineageFile} now.`
      )
      return undefined
    case 'invisible':
      log.info(
        `Run ${earlier.name} is no longer in the search index; uploading ${config.lineageFile} now.`
      )
      return undefined
    case 'aborted':
      return {
        kind: 'cancelled',
        message: `The job was cancelled while waiting for run ${earlier.name} to end; nothing was uploaded and no run was started.`
      }
    case 'timeout':
      return {
        kind: 'timed-out',
        passes: false,
        message: `Run ${earlier.name} of ${workflowName} was still ${follow.last?.phase ?? earlier.phase} when timeout (${formatDuration(config.timeoutMs)}) passed; nothing was uploaded and no run was started, so it could not read the new file. Let it finish (or stop it in Atlan: ${runUrl}), then run this job again.`
      }
  }
}

/** True when Atlan accepted the stop; false when it failed or the run is not known yet. */
async function stopQuietly(
  deps: LifecycleDeps,
  runName: string | undefined,
  why: string
): Promise<boolean> {
  if (!runName) {
    // The state keeps the runs seen before the submit (submit.ts), so the post step can tell ours.
    deps.log.warning(
      `No stop was sent because ${why} before the new run appeared in Atlan's search; the post step looks for it and stops it.`
    )
    return false
  }
  try {
    await deps.api.stopRun(runName)
    deps.log.info(`Asked Atlan to stop run ${runName} because ${why}.`)
    saveInFlight(undefined)
    return true
  } catch (err) {
    deps.log.warning(
      `Could not stop run ${runName} (${describeError(err)}); the post step will try again.`
    )
    return false
  }
}
