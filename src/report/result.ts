// The outcome of one action run: what becomes step outputs, the summary and the check run. It is
// built once, at the end, from what the stages of the pipeline returned (main.ts).
import type { RunPhase } from '../atlan/schemas.js'
import { ConfigError } from '../config/errors.js'
import type { Config } from '../config/types.js'
import { durationSeconds, type Applied } from '../run/apply.js'
import type { Plan, Session } from '../run/plan.js'
import type { TenantAfter } from '../tenant/after.js'
import { describeError } from './untrusted.js'

/**
 * Atlan's run phases (docs/atlan-contract.md §4; a run still Pending is reported Running) plus the
 * local ones this action reports.
 */
export type ResultPhase =
  | Exclude<RunPhase, 'Pending'>
  | 'TimedOut'
  | 'Cancelled'
  | 'Skipped'
  | 'DryRun'
  | 'Invalid'
  | 'Unknown'

export interface ActionResult {
  phase: ResultPhase
  workflowName?: string
  runId?: string
  startedAt?: string
  finishedAt?: string
  durationSeconds?: number
  runUrl?: string
  rowsChecked?: number
  rowsWithErrors?: number
  edgesAdded?: number
  edgesRemoved?: number
  edgesChanged?: number
  checkRunId?: number
  workflowJson?: string
  /** Tenant stage (src/tenant/after.ts outputs). */
  plan?: string
  processesToCreate?: number
  processesToUpdate?: number
  rowsToSkip?: number
  assetsToCreate?: number
  processesVerified?: number
  processesMissing?: number
  processesNotChecked?: number
  processesRetired?: number
  /** Atlan's run Succeeded, but verify or prune found something to look at (a ⚠ title). */
  flagged?: boolean
  /** One line on why the run ended as it did (Atlan's status.message, or ours). */
  message?: string
  /** True when the step must fail. */
  failed: boolean
}

export const PHASE_ICON: Record<ResultPhase, string> = {
  Succeeded: '✅',
  Failed: '❌',
  Error: '❌',
  Running: '🔄',
  TimedOut: '⏱️',
  Cancelled: '🚫',
  Skipped: '⏭️',
  DryRun: '🧪',
  Invalid: '❌',
  Unknown: '❓'
}

/** The outcome in words, for titles. */
export const PHASE_LABEL: Record<ResultPhase, string> = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Error: 'Error',
  Running: 'Running',
  TimedOut: 'Timed out',
  Cancelled: 'Cancelled',
  Skipped: 'Skipped',
  DryRun: 'Dry run',
  Invalid: 'Invalid',
  Unknown: 'Outcome unknown'
}

/**
 * The step's failure message. A run that Atlan ended Failed or Error says which run of which
 * workflow, with its link, before Atlan's own message.
 */
export function failureMessage(result: ActionResult): string {
  const { phase, runId, workflowName, runUrl, message } = result
  if ((phase === 'Failed' || phase === 'Error') && runId && workflowName) {
    const how = phase === 'Failed' ? 'failed' : 'ended in Error'
    const why = message ? `: ${message}` : '.'
    return `Run ${runId} of workflow ${workflowName} ${how} in Atlan${why}${runUrl ? ` (${runUrl})` : ''}`
  }
  return message ?? `The run ended ${PHASE_LABEL[phase]}.`
}

/** What the stages of the pipeline returned (main.ts), up to the one that threw `error`. */
export interface Stages {
  /** What to redact: the secret inputs (config.secrets once the inputs are parsed). */
  secrets: readonly string[]
  config?: Config
  session?: Session
  plan?: Plan
  applied?: Applied
  after?: TenantAfter
  error?: unknown
}

/** What a stage threw, if one did (the plan keeps it in its stop, beside what it found before). */
export function thrownBy(stages: Stages): { error: unknown } | undefined {
  if ('error' in stages) return { error: stages.error }
  const stop = stages.plan?.stop
  return stop && 'error' in stop ? stop : undefined
}

/** The step's result from what the stages returned; `aborted`: the job was cancelled. */
export function stepResult(stages: Stages, aborted: boolean): ActionResult {
  const { plan, applied, after } = stages
  // What is known before the run: a rerun's workflow and the CSV's counts.
  const known: Partial<ActionResult> = {
    workflowName: plan?.target.kind === 'rerun' ? plan.target.workflow.name : undefined,
    ...plan?.csv?.counts
  }
  const stop = plan?.stop
  if (stop && 'phase' in stop)
    return stop.phase === 'Skipped'
      ? {
          ...known,
          phase: 'Skipped',
          workflowName: known.workflowName ?? stages.config?.workflowName,
          failed: false,
          message: stop.message
        }
      : { ...known, phase: 'Invalid', failed: true, message: stop.message }
  // The tenant gate stopped the run: the rows naming a connection Atlan proves missing are the
  // rows with errors (the CSV had none, or its own gate would have stopped the step first).
  if (applied?.end.kind === 'refused' && plan?.tenant)
    known.rowsWithErrors = (known.rowsWithErrors ?? 0) + plan.tenant.plan.rowsMissingConnection
  const ran: ActionResult | undefined = applied && { ...known, ...lifecycleResult(applied) }
  const thrown = thrownBy(stages)
  if (thrown || !ran) {
    // A run that ended keeps its phase (an error after it, e.g. in verify, fails the step); a
    // cancel says Cancelled; an error before the inputs were read is an input error.
    const err = thrown?.error
    const phase =
      err instanceof ConfigError || !stages.config
        ? (ran?.phase ?? 'Invalid')
        : aborted
          ? 'Cancelled'
          : (ran?.phase ?? 'Error')
    return { ...known, ...ran, phase, failed: true, message: describeError(err) }
  }
  if (!after) return ran
  // verify: strict fails a step whose run passed.
  const verdict = after.failure && !ran.failed ? { failed: true, message: after.failure } : {}
  return { ...ran, ...after.outputs, ...verdict, flagged: after.flagged }
}

/** The step's result for how applying the plan ended (run/apply.ts). */
export function lifecycleResult(outcome: Applied): ActionResult {
  const { end } = outcome
  const base = {
    workflowName: outcome.workflowName,
    runId: outcome.runName,
    runUrl: outcome.runUrl
  }
  switch (end.kind) {
    case 'refused':
      return { ...base, phase: 'Invalid', failed: true, message: end.message }
    case 'dry-run':
      return { ...base, phase: 'DryRun', workflowJson: end.workflowJson, failed: false }
    case 'not-followed':
      return { ...base, phase: 'Running', failed: false }
    case 'ended': {
      const { run } = end
      return {
        ...base,
        phase: run.phase === 'Pending' ? 'Running' : run.phase,
        runId: run.name,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        durationSeconds: durationSeconds(run),
        message: run.message,
        failed: run.phase === 'Failed' || run.phase === 'Error'
      }
    }
    case 'lost':
      return { ...base, phase: 'Error', failed: true, message: end.message }
    case 'cancelled':
      return { ...base, phase: 'Cancelled', failed: true, message: end.message }
    case 'untracked':
      return { ...base, phase: 'Unknown', failed: true, message: end.message }
    case 'timed-out':
      return {
        ...base,
        phase: 'TimedOut',
        startedAt: end.startedAt,
        failed: !end.passes,
        message: end.message
      }
  }
}
