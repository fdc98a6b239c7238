// Step outputs: one per field, plus `result` with all of them as JSON.
import * as core from '@actions/core'
import { redact } from '../config/redact.js'
import type { ActionResult } from './result.js'
import { bound } from './untrusted.js'

/**
 * Longest output value, and `message` in `result`. Fields may be Atlan's own text (a run's status
 * message, its start and end times), which has no length limit, and GitHub takes at most 1 MB per
 * output (README "Outputs"). `plan` has a budget of its own (tenant/plan.ts planJson), and
 * `workflow_json` is built from the inputs.
 */
export const MESSAGE_LIMIT = 4000
const UNBOUNDED = new Set(['plan', 'workflow_json'])

const OUTPUT_FIELDS: Array<[string, keyof ActionResult]> = [
  ['workflow_name', 'workflowName'],
  ['run_id', 'runId'],
  ['phase', 'phase'],
  ['started_at', 'startedAt'],
  ['finished_at', 'finishedAt'],
  ['duration_seconds', 'durationSeconds'],
  ['run_url', 'runUrl'],
  ['rows_checked', 'rowsChecked'],
  ['rows_with_errors', 'rowsWithErrors'],
  ['edges_added', 'edgesAdded'],
  ['edges_removed', 'edgesRemoved'],
  ['edges_changed', 'edgesChanged'],
  ['check_run_id', 'checkRunId'],
  ['workflow_json', 'workflowJson'],
  ['plan', 'plan'],
  ['processes_to_create', 'processesToCreate'],
  ['processes_to_update', 'processesToUpdate'],
  ['rows_to_skip', 'rowsToSkip'],
  ['assets_to_create', 'assetsToCreate'],
  ['processes_verified', 'processesVerified'],
  ['processes_missing', 'processesMissing'],
  ['processes_not_checked', 'processesNotChecked'],
  ['processes_retired', 'processesRetired']
]

export function outputValues(result: ActionResult): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [name, field] of OUTPUT_FIELDS) {
    const v = result[field]
    const text = v === undefined ? '' : String(v)
    values[name] = UNBOUNDED.has(name) ? text : bound(text, MESSAGE_LIMIT)
  }
  return values
}

/** Writes every output, or only those named in `only` (a later write of a name wins). */
export function writeOutputs(
  result: ActionResult,
  secrets: readonly string[],
  only?: readonly string[]
): void {
  const values = outputValues(result)
  const json: Record<string, string | number> = {}
  for (const [name, field] of OUTPUT_FIELDS) {
    const v = result[field]
    if (v !== undefined && !UNBOUNDED.has(name))
      json[name] = typeof v === 'number' ? v : values[name]
  }
  if (result.message) json.message = bound(result.message, MESSAGE_LIMIT)
  for (const [name, value] of Object.entries(values))
    if (!only || only.includes(name)) core.setOutput(name, redact(value, secrets))
  if (!only || only.includes('result'))
    core.setOutput('result', redact(JSON.stringify(json), secrets))
}
