// Poll-delay policy for following a run (docs/atlan-contract.md §4): back off with the run's age,
// and poll densest where an estimate says the end is likely; its shape and why: CONTRIBUTING.md
// "Architecture notes: the poll schedule". Pure: age, randomness and the estimate come in as
// inputs, so tests and the benchmark (bench/poll.ts) drive it without a clock.

export const MIN_DELAY_MS = 1_000
export const MAX_DELAY_MS = 30_000
export const DEFAULT_BASE_MS = 5_000
/** First poll: short, because the search index needs a moment to show a new run (docs/atlan-contract.md §1.3). */
export const INITIAL_DELAY_MS = 3_000
/** Relative jitter: the nominal delay is multiplied by a factor in [1 - JITTER, 1 + JITTER]. */
export const JITTER = 0.2
/** Delay growth per ms of age, without an estimate. */
const GROWTH = 0.1
/** How far off an estimate may be: the end is expected from estimate / (1 + ESTIMATE_ERROR) on. */
const ESTIMATE_ERROR = 0.2
/** Delay growth per ms since that point, with an estimate. */
const WINDOW_GROWTH = 0.055

export interface PollDelayInput {
  /** Since the run started (or since submit). */
  ageMs: number
  /** The poll_interval input. */
  baseMs: number
  /** Expected total duration of the run, when known. */
  estimateMs?: number
  /** Uniform in [0, 1). */
  random: () => number
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}

/** When, with an estimate, the end becomes plausible: the estimate may be 20 % too long. */
export function windowOpensAt(estimateMs: number): number {
  return estimateMs / (1 + ESTIMATE_ERROR)
}

/** Delay before the next poll, before jitter and clamping. */
export function nominalPollDelay(ageMs: number, baseMs: number, estimateMs?: number): number {
  if (estimateMs === undefined || !(estimateMs > 0)) return baseMs + GROWTH * ageMs
  const opensAt = windowOpensAt(estimateMs)
  if (ageMs < opensAt) return clamp(opensAt - ageMs, baseMs, MAX_DELAY_MS)
  return baseMs + WINDOW_GROWTH * (ageMs - opensAt)
}

function normaliseBase(baseMs: number): number {
  // Bad inputs degrade to the default policy rather than to a busy loop or NaN sleep.
  return Number.isFinite(baseMs) ? clamp(baseMs, MIN_DELAY_MS, MAX_DELAY_MS) : DEFAULT_BASE_MS
}

function jitter(nominal: number, random: () => number): number {
  const r = random()
  const u = Number.isFinite(r) ? clamp(r, 0, 1) : 0.5
  return Math.round(clamp(nominal * (1 + JITTER * (2 * u - 1)), MIN_DELAY_MS, MAX_DELAY_MS))
}

export function initialPollDelay(baseMs: number, random: () => number): number {
  return jitter(Math.min(normaliseBase(baseMs), INITIAL_DELAY_MS), random)
}

export function nextPollDelay(input: PollDelayInput): number {
  const baseMs = normaliseBase(input.baseMs)
  const ageMs = Number.isFinite(input.ageMs) ? Math.max(0, input.ageMs) : 0
  const estimateMs =
    input.estimateMs !== undefined && Number.isFinite(input.estimateMs)
      ? input.estimateMs
      : undefined
  return jitter(Math.min(MAX_DELAY_MS, nominalPollDelay(ageMs, baseMs, estimateMs)), input.random)
}
