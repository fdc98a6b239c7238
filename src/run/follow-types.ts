// Types of the follow loop, apart from its implementation so callers can import them cheaply.

import type { RunPhase } from '../atlan/schemas.js'

/** The five run phases of the legacy workflow surface (docs/atlan-contract.md §4). */
export type Phase = RunPhase
export { TERMINAL_PHASES } from '../atlan/schemas.js'

export interface RunSnapshot {
  name: string
  phase: Phase
  startedAt?: string
  finishedAt?: string
  message?: string
  progress?: string
  /** `status.estimatedDuration`: Argo fills it from the workflow's last successful run. */
  estimatedDurationS?: number
}

export interface FollowDeps {
  /** Epoch ms. */
  now(): number
  /** Must settle early (resolve or reject) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Uniform in [0, 1). */
  random(): number
  /** The run's current state; undefined while the search index does not show it yet. */
  fetchRun(): Promise<RunSnapshot | undefined>
  log: { info(m: string): void; debug(m: string): void; warning(m: string): void }
}

export interface FollowOptions {
  pollIntervalMs: number
  /** Epoch ms. The last poll happens exactly then. */
  deadline: number
  /** How long the run may stay invisible to the index before the result is `invisible`. */
  indexGraceMs: number
  /** Expected duration, e.g. from earlier runs; the run's own estimatedDurationS overrides it. */
  estimateMs?: number
  signal?: AbortSignal
  onPhase?(s: RunSnapshot): void
  runUrl?: string
}

export type FollowResult =
  | { kind: 'terminal'; run: RunSnapshot; polls: number }
  | { kind: 'timeout'; last?: RunSnapshot; polls: number }
  | { kind: 'invisible'; polls: number }
  | { kind: 'aborted'; last?: RunSnapshot; polls: number }
