// The outcome of one action run: what becomes step outputs, the summary and the check run.
import type { RunPhase } from '../atlan/schemas.js'
import { durationSeconds, type LifecycleOutcome } from '../run/lifecycle.js'

/**
 * Atlan's run phases (docs/atlan-contract.md §4; a run still Pending is reported Running) plus the
 * local ones this action reports.
 */
export type ResultPhase =
  Exclude<RunPhase, 'Pending'> | 'TimedOut' | 'Cancelled' | 'Skipped' | 'DryRun' | 'Invalid'

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
  /** Tenant stage (src/tenant/stage.ts outputs()). */
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
  Invalid: '❌'
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
  Invalid: 'Invalid'
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

/** The step's result for how the run lifecycle ended (run/lifecycle.ts). */
export function lifecycleResult(outcome: LifecycleOutcome): ActionResult {
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
