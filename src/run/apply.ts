// The "apply" stage of the pipeline (CONTRIBUTING.md "Layout"): the plan's CSV goes to the
// target's store (upload.ts), then one run is submitted (or attached to: submit.ts) and followed
// (follow.ts) to its end. A plan the tenant check refused, or a dry run, applies nothing.
import type { RunInfo } from '../atlan/client.js'
import { formatDuration } from '../config/duration.js'
import type { AppliedOptions, Config } from '../config/types.js'
import { redactWorkflow } from '../lineage/workflow.js'
import type { CheckRunSession } from '../report/check-run.js'
import { describeError } from '../report/untrusted.js'
import type { Clock, Logger } from '../runtime.js'
import type { AtlanApi } from './api.js'
import { followRun } from './follow.js'
import type { Target } from './resolve.js'
import { saveInFlight } from './state.js'
import { startRun } from './submit.js'
import { upload } from './upload.js'

export interface ApplyDeps extends Clock {
  api: AtlanApi
  log: Logger
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal
  /**
   * The check run (check_run: true): begun on the workflow once something will be applied, then
   * pointed at the run once it is named (at once after a rerun, at the first poll after a create).
   * Both calls return at once: the Atlan work never waits on GitHub.
   */
  checks?: Pick<CheckRunSession, 'begin' | 'pointAt'>
}

/** What apply needs of the plan (run/plan.ts). */
export interface ApplyInput {
  config: Config
  target: Target
  /** sha256 of the CSV as validated: a Direct upload proves it sends those bytes. */
  csvSha256?: string
  /** The settings the run applies as the plan read them (run/settings.ts). */
  settings: { options: AppliedOptions }
  /** Set when the tenant plan stopped the step: nothing is uploaded or started. */
  refusal?: string
}

/** How applying the plan ended; report/result.ts turns it into the step's result. */
export type RunEnd =
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
  /** Reading the named run's status failed for good: it exists in Atlan, its outcome is unknown. */
  | { kind: 'untracked'; message: string }
  /** `passes`: on_timeout: warn. `startedAt`: of our run, when it was seen. */
  | { kind: 'timed-out'; message: string; passes: boolean; startedAt?: string }

export interface Applied {
  end: RunEnd
  workflowName: string
  /** Known once the run was started (or attached to) and named. */
  runName?: string
  runUrl?: string
  /** What the summary should note (a Direct-upload workflow's file before and now). */
  notes: string[]
}

export async function apply(deps: ApplyDeps, plan: ApplyInput): Promise<Applied> {
  const { api, log } = deps
  const { config, target } = plan
  const workflowName = target.kind === 'rerun' ? target.workflow.name : target.doc.metadata.name
  const ending = (end: RunEnd, notes: string[] = []): Applied => ({ end, workflowName, notes })

  if (plan.refusal) return ending({ kind: 'refused', message: plan.refusal })
  if (config.dryRun) {
    const json =
      target.kind === 'create' ? JSON.stringify(redactWorkflow(target.doc), null, 2) : undefined
    return ending({ kind: 'dry-run', workflowJson: json })
  }

  deps.checks?.begin(`${config.baseUrl}/workflows/profile/${workflowName}`)

  // The timeout bounds the wait for an earlier run and the follow of ours together.
  const deadline = deps.now() + config.timeoutMs
  const file = config.lineageFile
  const uploaded = file
    ? await upload(deps, config, target, {
        file,
        workflowName,
        deadline,
        csvSha256: plan.csvSha256,
        planned: plan.settings.options
      })
    : { notes: [] }
  if ('stop' in uploaded) return ending(uploaded.stop)
  const { notes } = uploaded

  // Cancelled before anything was submitted: there is nothing to stop.
  if (deps.signal.aborted)
    return ending(
      { kind: 'cancelled', message: 'The job was cancelled before a run was started.' },
      notes
    )

  const started = await startRun(deps, target, {
    // Attaching to a run that started before the upload would report the old file's result.
    idempotent: config.idempotent && !file,
    graceMs: config.indexGraceMs
  })
  const runUrl = (name?: string) => (name ? api.runUrl(started.workflowName, name) : undefined)
  // Once the run is named, the post step needs nothing else. Until then keep what startRun saved:
  // the runs active before the submit, which the post step must never take for ours. A run this
  // step attached to was started by someone else (the UI, another job): nothing ever stops it.
  if (started.runName && !started.attached)
    saveInFlight({ workflowName: started.workflowName, runName: started.runName })
  if (started.runName)
    deps.checks?.pointAt({
      workflowName: started.workflowName,
      runName: started.runName,
      runUrl: api.runUrl(started.workflowName, started.runName)
    })
  // The workflow a create submitted may be named differently from the document (submit.ts).
  const ours = (end: RunEnd, runName = started.runName): Applied => ({
    end,
    workflowName: started.workflowName,
    runName,
    runUrl: runUrl(runName),
    notes
  })

  if (!config.wait) {
    saveInFlight(undefined)
    const url = runUrl(started.runName)
    log.info(`wait: false: not following the run${url ? ` ${url}` : ''}.`)
    return ours({ kind: 'not-followed' })
  }

  let runName = started.runName
  const startedAt = deps.now()
  const following = followRun(
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
          deps.checks?.pointAt({
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
  let follow: Awaited<typeof following>
  try {
    follow = await following
  } catch (error) {
    // Before the run is named there is nothing to point at: the error is the step's outcome.
    if (!runName) throw error
    // The run exists in Atlan whatever happened to our reads of it: say so, with its link.
    saveInFlight(undefined)
    const url = api.runUrl(started.workflowName, runName)
    return ours(
      {
        kind: 'untracked',
        message: `Lost track of run ${runName} of ${started.workflowName}: its status could not be read, so its outcome is unknown. The run exists in Atlan and may still be going: check it at ${url}. The error: ${describeError(error)}`
      },
      runName
    )
  }

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
      if (started.attached) message = `The job was cancelled; the Atlan run was ${NOT_OURS}.`
      else if (config.cancelOnJobCancel)
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
      if (config.onTimeout === 'cancel' && started.attached)
        message = `The run did not finish within timeout (${limit})${last}; it was ${NOT_OURS}. Raise timeout to wait for its outcome.`
      else if (config.onTimeout === 'cancel') {
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

/** Why a run is not stopped on cancel or on_timeout: cancel when this step attached to it. */
const NOT_OURS =
  'left running because this step did not start it (it followed a run already in progress, idempotent: true)'

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

/** True when Atlan accepted the stop; false when it failed or the run is not known yet. */
async function stopQuietly(
  deps: ApplyDeps,
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
