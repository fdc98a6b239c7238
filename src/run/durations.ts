// How long runs took: the step's duration output, and the poll schedule's estimate from earlier
// runs. A module of its own so that the report can use it without loading the run lifecycle.
import type { RunInfo } from '../atlan/client.js'

/** Whole seconds from start to finish, when both are known and in order. */
export function durationSeconds(
  run: Pick<RunInfo, 'startedAt' | 'finishedAt'>
): number | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined
  const s = Date.parse(run.startedAt)
  const f = Date.parse(run.finishedAt)
  return Number.isFinite(s) && Number.isFinite(f) && f >= s ? Math.round((f - s) / 1000) : undefined
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Typical duration of the workflow's earlier successful runs, for the poll schedule. */
export function estimateFromRuns(runs: RunInfo[]): number | undefined {
  const durations = runs
    .filter(r => r.phase === 'Succeeded')
    .map(durationSeconds)
    .filter((d): d is number => d !== undefined)
  const m = median(durations)
  return m === undefined ? undefined : m * 1000
}
