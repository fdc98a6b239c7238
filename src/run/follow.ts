// Follow a submitted run until it ends, times out, never shows up in the index, or is aborted
// (docs/atlan-contract.md §4). Time, randomness and I/O are injected through FollowDeps.
import type { RunInfo } from '../atlan/client.js'
import { isTransient } from '../atlan/errors.js'
import { TERMINAL_PHASES, type RunPhase } from '../atlan/schemas.js'
import type { Clock, Logger } from '../runtime.js'
import { initialPollDelay, nextPollDelay } from './schedule.js'
import { describeError } from '../report/untrusted.js'

export interface FollowDeps extends Clock {
  /** The run's current state; undefined while the search index does not show it yet. */
  fetchRun(): Promise<RunInfo | undefined>
  log: Logger
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
  runUrl?: string
}

export type FollowResult =
  | { kind: 'terminal'; run: RunInfo; polls: number }
  | { kind: 'timeout'; last?: RunInfo; polls: number }
  | { kind: 'invisible'; polls: number }
  | { kind: 'aborted'; last?: RunInfo; polls: number }

/** Succeeded, Failed or Error; the other phases (Pending, Running) are a run still active. */
export function isTerminal(phase: RunPhase): boolean {
  return TERMINAL_PHASES.includes(phase)
}

type Raced<T> = { aborted: true } | { aborted: false; value: T }

/** Settles as soon as `signal` aborts, whatever `p` does; a late rejection of `p` is swallowed. */
function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<Raced<T>> {
  if (!signal) return p.then(value => ({ aborted: false, value }))
  if (signal.aborted) {
    p.catch(() => undefined)
    return Promise.resolve({ aborted: true })
  }
  return new Promise<Raced<T>>((resolve, reject) => {
    const onAbort = () => resolve({ aborted: true })
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(signal.aborted ? { aborted: true } : { aborted: false, value })
      },
      err => {
        signal.removeEventListener('abort', onAbort)
        if (signal.aborted) resolve({ aborted: true })
        else reject(err)
      }
    )
  })
}

function describe(s: RunInfo): string {
  if (isTerminal(s.phase)) {
    return `Run ${s.name} finished: ${s.phase}${s.message ? ` (${s.message})` : ''}`
  }
  return `Run ${s.name} is ${s.phase}${s.progress ? ` (progress ${s.progress})` : ''}`
}

export async function followRun(deps: FollowDeps, opts: FollowOptions): Promise<FollowResult> {
  const { signal } = opts
  const { log } = deps
  const start = deps.now()
  let polls = 0
  let last: RunInfo | undefined
  let lastKey: string | undefined
  let estimateMs = opts.estimateMs
  let errorStreak = 0
  // Age is counted from the run's own start when that is earlier (attaching to a run in flight).
  let origin = start

  if (signal?.aborted) return { kind: 'aborted', polls }
  let delay = initialPollDelay(opts.pollIntervalMs, deps.random)

  for (;;) {
    // Never sleep past the deadline: the last poll happens exactly at it.
    const wait = Math.min(delay, opts.deadline - deps.now())
    if (wait > 0) {
      const slept = await raceAbort(
        deps.sleep(wait, signal).catch(err => {
          if (!signal?.aborted) throw err
        }),
        signal
      )
      if (slept.aborted) return { kind: 'aborted', last, polls }
    }
    if (signal?.aborted) return { kind: 'aborted', last, polls }

    polls++
    let snap: RunInfo | undefined
    let failed = false
    try {
      const got = await raceAbort(deps.fetchRun(), signal)
      if (got.aborted) return { kind: 'aborted', last, polls }
      snap = got.value
    } catch (err) {
      if (!isTransient(err)) throw err
      failed = true
      errorStreak++
      log.debug(`Poll ${polls}: transient error (${errorStreak} in a row): ${describeError(err)}`)
      // Transport retries already happened below us; one warning per streak is enough.
      if (errorStreak === 1)
        log.warning(`Could not read the run's status, will retry: ${describeError(err)}`)
    }
    if (polls === 1 && opts.runUrl) log.info(`Following the run at ${opts.runUrl}`)

    const now = deps.now()
    if (snap) {
      if (errorStreak > 0) log.debug(`Status readable again after ${errorStreak} failed poll(s)`)
      errorStreak = 0
      last = snap
      const key = `${snap.name}\u0000${snap.phase}`
      if (key !== lastKey) {
        lastKey = key
        log.info(describe(snap))
      } else {
        log.debug(`Poll ${polls}: ${describe(snap)}`)
      }
      if (isTerminal(snap.phase)) return { kind: 'terminal', run: snap, polls }
      if (snap.estimatedDurationS !== undefined && snap.estimatedDurationS > 0) {
        const fromRun = snap.estimatedDurationS * 1000
        if (fromRun !== estimateMs) log.debug(`Expected duration: ${snap.estimatedDurationS} s`)
        estimateMs = fromRun
      }
      const startedAt = snap.startedAt ? Date.parse(snap.startedAt) : NaN
      if (Number.isFinite(startedAt)) origin = Math.min(start, startedAt)
    } else if (!failed) {
      if (last) {
        // Seen before: an index hiccup, not a vanished run.
        log.debug(`Poll ${polls}: run missing from the index, keeping its last state`)
      } else if (now - start >= opts.indexGraceMs) {
        return { kind: 'invisible', polls }
      } else {
        log.debug(`Poll ${polls}: run not indexed yet, treating it as Pending`)
      }
    }
    if (now >= opts.deadline) return { kind: 'timeout', last, polls }

    // Until the run is visible we are looking for it, not for its end: no estimate yet.
    delay = nextPollDelay({
      ageMs: now - origin,
      baseMs: opts.pollIntervalMs,
      estimateMs: last ? estimateMs : undefined,
      random: deps.random
    })
  }
}
