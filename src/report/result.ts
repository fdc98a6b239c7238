// The outcome of one action run: what becomes step outputs, the summary and the check run.

/** Remote phases (docs/atlan-contract.md §4) plus the local ones this action reports. */
export type ResultPhase =
  | 'Succeeded'
  | 'Failed'
  | 'Error'
  | 'Running'
  | 'TimedOut'
  | 'Cancelled'
  | 'Skipped'
  | 'DryRun'
  | 'Invalid'

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
  processesRetired?: number
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

export function durationSeconds(startedAt?: string, finishedAt?: string): number | undefined {
  if (!startedAt || !finishedAt) return undefined
  const s = Date.parse(startedAt)
  const f = Date.parse(finishedAt)
  return Number.isFinite(s) && Number.isFinite(f) && f >= s ? Math.round((f - s) / 1000) : undefined
}
