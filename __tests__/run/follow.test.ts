import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { RunInfo } from '../../src/atlan/client.js'
import { followRun, type FollowOptions } from '../../src/run/follow.js'
import { MAX_DELAY_MS, MIN_DELAY_MS } from '../../src/run/schedule.js'
import { fatal, harness, RUN, seeded, snapshot, T0, transient } from './fake.js'

const MIN = 60_000
const URL = 'https://acme.atlan.com/workflows/profile/csa-lineage-builder-1714638976/runs'

function options(over: Partial<FollowOptions> = {}): FollowOptions {
  return {
    pollIntervalMs: 5_000,
    deadline: T0 + 30 * MIN,
    indexGraceMs: 2 * MIN,
    runUrl: URL,
    ...over
  }
}

describe('followRun: a run to its end', () => {
  const steps = [
    { at: 0 },
    { at: 4_000, run: { phase: 'Pending' as const } },
    { at: 10_000, run: { phase: 'Running' as const, progress: '0/2' } },
    { at: 40_000, run: { phase: 'Running' as const, progress: '1/2' } },
    { at: 5 * MIN, run: { phase: 'Succeeded' as const, progress: '2/2', finishedAt: 'x' } }
  ]

  it('returns the terminal snapshot and counts every status call', async () => {
    const h = harness({ steps })
    const r = await followRun(h.deps, options())
    expect(r.kind).toBe('terminal')
    if (r.kind !== 'terminal') return
    expect(r.run.phase).toBe('Succeeded')
    expect(r.polls).toBe(h.fetches.length)
    // Noticed at the first poll after the end, and not long after it.
    expect(h.elapsed()).toBeGreaterThanOrEqual(5 * MIN)
    expect(h.elapsed()).toBeLessThanOrEqual(5 * MIN + MAX_DELAY_MS)
    expect(h.fetches.filter(t => t >= 5 * MIN)).toHaveLength(1)
  })

  it('logs the URL once, then exactly one info line per phase change', async () => {
    const h = harness({ steps })
    await followRun(h.deps, options())
    expect(h.info).toEqual([
      `Following the run at ${URL}`,
      `Run ${RUN} is Pending`,
      `Run ${RUN} is Running (progress 0/2)`,
      `Run ${RUN} finished: Succeeded`
    ])
    // Unchanged polls (including a progress change) only go to debug.
    expect(h.debug.some(m => m.includes('progress 1/2'))).toBe(true)
    expect(h.warning).toEqual([])
  })

  it('first polls after a short delay, and never faster than 1 s or slower than 30 s', async () => {
    const h = harness({ steps })
    await followRun(h.deps, options())
    expect(h.sleeps[0]).toBeLessThanOrEqual(3_600)
    for (const s of h.sleeps) {
      expect(s).toBeGreaterThanOrEqual(MIN_DELAY_MS)
      expect(s).toBeLessThanOrEqual(MAX_DELAY_MS)
    }
  })

  it('does not log a URL it was not given', async () => {
    const h = harness({ steps })
    await followRun(h.deps, options({ runUrl: undefined }))
    expect(h.info.some(m => m.startsWith('Following'))).toBe(false)
  })

  it.each(['Failed', 'Error'] as const)('stops at %s and reports its message', async phase => {
    const h = harness({
      steps: [
        { at: 0, run: { phase: 'Running' } },
        { at: 20_000, run: { phase, message: 'boom' } }
      ]
    })
    const r = await followRun(h.deps, options())
    expect(r).toMatchObject({ kind: 'terminal', run: { phase, message: 'boom' } })
    expect(h.info.at(-1)).toBe(`Run ${RUN} finished: ${phase} (boom)`)
  })
})

describe('followRun: index lag', () => {
  it('treats "not indexed" as Pending during the grace period, then is invisible', async () => {
    const h = harness({ steps: [] })
    const r = await followRun(h.deps, options({ indexGraceMs: 90_000 }))
    expect(r).toEqual({ kind: 'invisible', polls: h.fetches.length })
    expect(h.elapsed()).toBeGreaterThanOrEqual(90_000)
    expect(h.elapsed()).toBeLessThan(90_000 + MAX_DELAY_MS)
    expect(h.fetches.length).toBeGreaterThan(3)
    expect(h.info).toEqual([`Following the run at ${URL}`])
  })

  it('accepts a run that shows up just before the grace period ends', async () => {
    const h = harness({
      steps: [
        { at: 55_000, run: { phase: 'Running' } },
        { at: 3 * MIN, run: { phase: 'Succeeded' } }
      ]
    })
    const r = await followRun(h.deps, options({ indexGraceMs: 60_000 }))
    expect(r.kind).toBe('terminal')
  })

  it('keeps the last state when a run that was seen drops out of the index', async () => {
    const h = harness({ steps: [{ at: 0, run: { phase: 'Running' } }, { at: 10_000 }] })
    const r = await followRun(h.deps, options({ indexGraceMs: 30_000, deadline: T0 + 5 * MIN }))
    expect(r).toMatchObject({ kind: 'timeout', last: { phase: 'Running' } })
  })
})

describe('followRun: deadline', () => {
  it('shortens the last sleep so the final poll happens exactly at the deadline', async () => {
    const deadline = T0 + 10 * MIN + 1_234
    const h = harness({ steps: [{ at: 0, run: { phase: 'Running' } }] })
    const r = await followRun(h.deps, options({ deadline }))
    expect(r).toMatchObject({ kind: 'timeout', last: { phase: 'Running' } })
    expect(h.elapsed()).toBe(deadline - T0)
    expect(h.fetches.at(-1)).toBe(deadline - T0)
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(deadline - T0)
  })

  it('still sees an end that happens right at the deadline', async () => {
    const deadline = T0 + 7 * MIN
    const h = harness({
      steps: [
        { at: 0, run: { phase: 'Running' } },
        { at: 7 * MIN, run: { phase: 'Succeeded' } }
      ]
    })
    const r = await followRun(h.deps, options({ deadline }))
    expect(r.kind).toBe('terminal')
    expect(h.elapsed()).toBe(7 * MIN)
  })

  it('polls once without sleeping when the deadline has already passed', async () => {
    const h = harness({ steps: [{ at: 0, run: { phase: 'Pending' } }] })
    const r = await followRun(h.deps, options({ deadline: T0 - 1 }))
    expect(r).toMatchObject({ kind: 'timeout', polls: 1, last: { phase: 'Pending' } })
    expect(h.sleeps).toEqual([])
  })

  it('times out (not invisible) when the deadline comes before the grace period ends', async () => {
    const h = harness({ steps: [] })
    const r = await followRun(h.deps, options({ deadline: T0 + MIN, indexGraceMs: 5 * MIN }))
    expect(r).toEqual({ kind: 'timeout', last: undefined, polls: h.fetches.length })
    expect(h.elapsed()).toBe(MIN)
  })

  it('property: never sleeps past the deadline; sees every end before it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 * MIN }),
        fc.integer({ min: 0, max: 60 * MIN }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.option(fc.integer({ min: 30_000, max: 60 * MIN }), { nil: undefined }),
        fc.integer(),
        async (end, limit, lag, estimateMs, seed) => {
          const h = harness({
            random: seeded(seed),
            steps: [
              { at: lag, run: { phase: 'Running' } },
              { at: Math.max(lag, end), run: { phase: 'Succeeded' } }
            ]
          })
          const r = await followRun(
            h.deps,
            options({ deadline: T0 + limit, indexGraceMs: 10 * MIN, estimateMs })
          )
          expect(h.elapsed()).toBeLessThanOrEqual(Math.max(limit, 0))
          const endsAt = Math.max(lag, end)
          if (endsAt <= limit) {
            expect(r.kind).toBe('terminal')
            expect(h.elapsed() - endsAt).toBeLessThanOrEqual(MAX_DELAY_MS)
          } else {
            expect(r.kind).toBe('timeout')
            expect(h.elapsed()).toBe(limit)
          }
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe('followRun: errors', () => {
  it('counts transient errors as missed polls and warns once per streak', async () => {
    const h = harness({
      steps: [
        { at: 0, run: { phase: 'Running' } },
        { at: 20_000, error: transient(503) },
        { at: 50_000, run: { phase: 'Running' } },
        { at: 70_000, error: transient('ECONNRESET') },
        { at: 100_000, run: { phase: 'Succeeded' } }
      ]
    })
    const r = await followRun(h.deps, options())
    expect(r.kind).toBe('terminal')
    expect(h.warning).toHaveLength(2)
    expect(h.warning[0]).toContain('server error (503)')
    expect(h.warning[1]).toContain('ECONNRESET: connection reset')
    const failed = h.fetches.filter(
      t => (t >= 20_000 && t < 50_000) || (t >= 70_000 && t < 100_000)
    )
    expect(failed.length).toBeGreaterThan(2)
    expect(h.debug.filter(m => m.includes('transient error'))).toHaveLength(failed.length)
    // Recovering is not a phase change.
    expect(h.info.filter(m => m.includes('is Running'))).toHaveLength(1)
    expect(r.polls).toBe(h.fetches.length)
  })

  it('keeps polling through transient errors up to the deadline', async () => {
    const h = harness({ steps: [{ at: 0, error: transient() }] })
    const r = await followRun(h.deps, options({ deadline: T0 + 5 * MIN, indexGraceMs: MIN }))
    expect(r).toMatchObject({ kind: 'timeout', last: undefined })
    expect(h.warning).toHaveLength(1)
    expect(h.elapsed()).toBe(5 * MIN)
  })

  it.each([
    ['a 401', fatal()],
    // Only the transport's errors say whether another try may help.
    ['an error that is not an AtlanError', Object.assign(new Error('x'), { retryable: true })]
  ])('propagates %s', async (_label, error) => {
    const h = harness({
      steps: [
        { at: 0, run: { phase: 'Running' } },
        { at: 20_000, error }
      ]
    })
    await expect(followRun(h.deps, options())).rejects.toBe(error)
  })
})

describe('followRun: abort', () => {
  it('returns at once when already aborted', async () => {
    const h = harness({ steps: [{ at: 0, run: { phase: 'Running' } }] })
    const r = await followRun(h.deps, options({ signal: AbortSignal.abort() }))
    expect(r).toEqual({ kind: 'aborted', polls: 0 })
    expect(h.fetches).toEqual([])
  })

  it('interrupts a sleep, even one that ignores the signal', async () => {
    const ac = new AbortController()
    const h = harness({ steps: [{ at: 0, run: { phase: 'Running' } }] })
    let sleeps = 0
    h.deps.sleep = ms => {
      // The first sleep passes; the second hangs forever and the test aborts it.
      if (sleeps++ === 0) return Promise.resolve(void ms)
      setImmediate(() => ac.abort())
      return new Promise<void>(() => undefined)
    }
    const r = await followRun(h.deps, options({ signal: ac.signal }))
    expect(r).toMatchObject({ kind: 'aborted', polls: 1, last: { phase: 'Running' } })
  })

  it('treats a sleep rejected by the abort as an abort, not an error', async () => {
    const ac = new AbortController()
    const h = harness({ steps: [{ at: 0, run: { phase: 'Running' } }] })
    h.deps.sleep = (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        setImmediate(() => ac.abort())
      })
    const r = await followRun(h.deps, options({ signal: ac.signal }))
    expect(r).toEqual({ kind: 'aborted', polls: 0, last: undefined })
  })

  it('does not wait for a status call in flight', async () => {
    const ac = new AbortController()
    const h = harness({
      fetch: async () => {
        setImmediate(() => ac.abort())
        return new Promise<RunInfo | undefined>(() => undefined)
      }
    })
    const r = await followRun(h.deps, options({ signal: ac.signal }))
    expect(r).toEqual({ kind: 'aborted', polls: 1, last: undefined })
  })

  it('swallows a status call that fails after the abort', async () => {
    const ac = new AbortController()
    const h = harness({
      fetch: () => {
        ac.abort()
        return Promise.reject(new Error('socket closed'))
      }
    })
    const r = await followRun(h.deps, options({ signal: ac.signal }))
    expect(r.kind).toBe('aborted')
  })
})

describe('followRun: cadence', () => {
  // Sleep chosen right after the first poll that sees the run, with the run's age at 5 s.
  async function sleepAfterFirstSight(run: Partial<RunInfo>, estimateMs?: number) {
    const h = harness({ steps: [{ at: 0, run }], random: () => 0.5 })
    await followRun(h.deps, options({ estimateMs, deadline: T0 + 2 * MIN }))
    return h.sleeps[1]
  }

  it('starts at poll_interval without an estimate', async () => {
    expect(await sleepAfterFirstSight({ phase: 'Running' })).toBeLessThanOrEqual(5_500)
  })

  it('polls sparsely early when an estimate is known', async () => {
    expect(await sleepAfterFirstSight({ phase: 'Running' }, 20 * MIN)).toBe(MAX_DELAY_MS)
  })

  it("prefers the run's estimatedDuration to the caller's estimate", async () => {
    const s = await sleepAfterFirstSight({ phase: 'Running', estimatedDurationS: 1200 }, 10_000)
    expect(s).toBe(MAX_DELAY_MS)
  })

  it("counts the age from the run's startedAt when it started before we began following", async () => {
    const startedAt = new Date(T0 - 9 * MIN).toISOString()
    const s = await sleepAfterFirstSight({ phase: 'Running', startedAt, estimatedDurationS: 600 })
    // 9 min into an expected 10: past E/1.2, so close to poll_interval, not 30 s.
    expect(s).toBeLessThan(10_000)
  })

  it('ignores a startedAt in the future (clock skew)', async () => {
    const startedAt = new Date(T0 + 10 * MIN).toISOString()
    expect(await sleepAfterFirstSight({ phase: 'Running', startedAt })).toBeLessThanOrEqual(5_500)
  })

  it('polls about every poll_interval while the run is not indexed yet', async () => {
    const h = harness({ steps: [{ at: 20_000, run: { phase: 'Running' } }], random: () => 0.5 })
    await followRun(h.deps, options({ estimateMs: 20 * MIN, deadline: T0 + MIN }))
    const before = h.sleeps.slice(
      1,
      h.fetches.findIndex(t => t >= 20_000)
    )
    expect(before.length).toBeGreaterThan(0)
    for (const s of before) expect(s).toBeLessThanOrEqual(8_000)
  })

  it('makes far fewer calls than a fixed 5 s poll on a 10-minute run', async () => {
    const h = harness({
      steps: [
        { at: 2_000, run: { phase: 'Running', estimatedDurationS: 600 } },
        { at: 10 * MIN, run: snapshot({ phase: 'Succeeded' }) }
      ]
    })
    const r = await followRun(h.deps, options())
    expect(r.kind).toBe('terminal')
    expect(r.polls).toBeLessThanOrEqual(40)
  })
})
