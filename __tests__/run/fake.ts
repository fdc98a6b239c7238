// A virtual clock whose sleep advances time instantly, a recording logger and scripted timelines
// for the follow loop tests.
import { errorFromException, errorFromStatus } from '../../src/atlan/error-mapping.js'
import type { AtlanError } from '../../src/atlan/errors.js'
import type { RunInfo } from '../../src/atlan/client.js'
import type { FollowDeps } from '../../src/run/follow.js'
import { mulberry32 } from '../../scripts/prng.js'
import { netError } from '../atlan/fakes.js'

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
export const WORKFLOW = 'csa-lineage-builder-1714638976'
export const RUN = `${WORKFLOW}-abcde`

export interface Harness {
  deps: FollowDeps
  /** Virtual ms since T0. */
  elapsed(): number
  sleeps: number[]
  /** Virtual ms since T0 of each fetchRun call. */
  fetches: number[]
  info: string[]
  debug: string[]
  warning: string[]
}

/** A step of a timeline: from `at` ms after T0 on, fetchRun returns (or throws) this. */
export type Step = { at: number; run?: Partial<RunInfo>; error?: unknown }

export function snapshot(over: Partial<RunInfo> = {}): RunInfo {
  return { name: RUN, workflowName: WORKFLOW, phase: 'Running', ...over }
}

/** Deterministic PRNG for `random`. */
export const seeded = (seed = 1): (() => number) => mulberry32(seed)

/**
 * `fetch` receives the virtual ms since T0. Without one, `steps` script the timeline: the last
 * step with `at <= elapsed` wins; a step without `run` or `error` means "not indexed".
 */
export function harness(
  opts: {
    steps?: Step[]
    fetch?: (elapsed: number) => Promise<RunInfo | undefined>
    random?: () => number
  } = {}
): Harness {
  let t = T0
  const h: Harness = {
    elapsed: () => t - T0,
    sleeps: [],
    fetches: [],
    info: [],
    debug: [],
    warning: [],
    deps: {
      now: () => t,
      sleep: async (ms, signal) => {
        if (signal?.aborted) throw new Error('aborted')
        h.sleeps.push(ms)
        t += ms
      },
      random: opts.random ?? seeded(),
      fetchRun: async () => {
        h.fetches.push(t - T0)
        if (opts.fetch) return opts.fetch(t - T0)
        const steps = opts.steps ?? []
        let current: Step | undefined
        for (const s of steps) if (s.at <= t - T0) current = s
        if (!current) return undefined
        if (current.error !== undefined) throw current.error
        return current.run ? snapshot(current.run) : undefined
      },
      log: {
        info: m => h.info.push(m),
        debug: m => h.debug.push(m),
        warning: m => h.warning.push(m)
      }
    }
  }
  return h
}

const POLL = {
  endpoint: 'POST /api/service/runs/indexsearch',
  requestId: 'r-1',
  service: 'atlan',
  timeoutMs: 30_000
} as const

/** What the transport throws for a poll that may work next time: a 503, or a reset connection. */
export function transient(cause: 503 | 'ECONNRESET' = 503): AtlanError {
  return cause === 503
    ? errorFromStatus(POLL, 503, '')
    : errorFromException(POLL, netError(cause), false)
}

/** What the transport throws for a poll that will not work next time. */
export function fatal(): AtlanError {
  return errorFromStatus(POLL, 401, '')
}
