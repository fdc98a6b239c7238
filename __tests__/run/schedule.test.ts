import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  DEFAULT_BASE_MS,
  initialPollDelay,
  INITIAL_DELAY_MS,
  JITTER,
  MAX_DELAY_MS,
  MIN_DELAY_MS,
  nextPollDelay,
  nominalPollDelay,
  windowOpensAt
} from '../../src/run/schedule.js'

const MIN = 60_000
const age = fc.integer({ min: 0, max: 24 * 60 * MIN })
const base = fc.integer({ min: 1_000, max: 30_000 })
const estimate = fc.integer({ min: 1_000, max: 12 * 60 * MIN })
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })
const at = (r: number) => () => r

describe('nextPollDelay', () => {
  it('stays within [1 s, 30 s] and is a whole number of ms, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(age, fc.double()),
        fc.oneof(base, fc.double()),
        fc.option(fc.oneof(estimate, fc.double()), { nil: undefined }),
        fc.oneof(unit, fc.double()),
        (ageMs, baseMs, estimateMs, r) => {
          const d = nextPollDelay({ ageMs, baseMs, estimateMs, random: at(r) })
          expect(Number.isInteger(d)).toBe(true)
          expect(d).toBeGreaterThanOrEqual(MIN_DELAY_MS)
          expect(d).toBeLessThanOrEqual(MAX_DELAY_MS)
        }
      )
    )
  })

  it('applies ±20 % jitter to the nominal delay', () => {
    fc.assert(
      fc.property(age, base, fc.option(estimate, { nil: undefined }), unit, (a, b, e, r) => {
        const nominal = Math.min(MAX_DELAY_MS, nominalPollDelay(a, b, e))
        const expected = nominal * (1 + JITTER * (2 * r - 1))
        const d = nextPollDelay({ ageMs: a, baseMs: b, estimateMs: e, random: at(r) })
        expect(d).toBe(Math.round(Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, expected))))
      })
    )
  })

  it('actually spreads the delays of concurrent runs', () => {
    fc.assert(
      fc.property(age, base, fc.option(estimate, { nil: undefined }), (a, b, e) => {
        const lo = nextPollDelay({ ageMs: a, baseMs: b, estimateMs: e, random: at(0) })
        const hi = nextPollDelay({ ageMs: a, baseMs: b, estimateMs: e, random: at(0.9999) })
        // Even against the 1 s floor or the 30 s ceiling, half of the ±20 % survives.
        expect(hi / lo).toBeGreaterThanOrEqual(1.19)
      })
    )
  })

  it('without an estimate: starts at poll_interval and only grows with age', () => {
    fc.assert(
      fc.property(age, age, base, unit, (a1, a2, b, r) => {
        const [young, old] = a1 <= a2 ? [a1, a2] : [a2, a1]
        const d1 = nextPollDelay({ ageMs: young, baseMs: b, random: at(r) })
        const d2 = nextPollDelay({ ageMs: old, baseMs: b, random: at(r) })
        expect(d1).toBeLessThanOrEqual(d2)
      })
    )
    expect(nextPollDelay({ ageMs: 0, baseMs: 5_000, random: at(0.5) })).toBe(5_000)
    expect(nextPollDelay({ ageMs: 60_000, baseMs: 5_000, random: at(0.5) })).toBe(11_000)
    // The ceiling: a long run costs about 2 calls a minute.
    expect(nextPollDelay({ ageMs: 10 * MIN, baseMs: 5_000, random: at(0.5) })).toBe(MAX_DELAY_MS)
  })

  it('with an estimate: sparse early, dense from E/1.2 on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2 * MIN, max: 20 * MIN }),
        fc.integer({ min: 1_000, max: 10_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 1 / 1.2, max: 1, noNaN: true }),
        unit,
        (e, b, early, late, r) => {
          const sparse = nextPollDelay({
            ageMs: early * e,
            baseMs: b,
            estimateMs: e,
            random: at(r)
          })
          const dense = nextPollDelay({ ageMs: late * e, baseMs: b, estimateMs: e, random: at(r) })
          expect(dense).toBeLessThan(sparse)
        }
      )
    )
  })

  it('with an estimate: lands a poll when the window opens, then polls near poll_interval', () => {
    const e = 10 * MIN
    const opens = windowOpensAt(e)
    expect(opens).toBeCloseTo(e / 1.2)
    // 20 s before it opens, the delay is those 20 s (not 30 s).
    expect(
      nextPollDelay({ ageMs: opens - 20_000, baseMs: 5_000, estimateMs: e, random: at(0.5) })
    ).toBe(20_000)
    expect(nextPollDelay({ ageMs: opens, baseMs: 5_000, estimateMs: e, random: at(0.5) })).toBe(
      5_000
    )
    expect(
      nextPollDelay({ ageMs: e, baseMs: 5_000, estimateMs: e, random: at(0.5) })
    ).toBeLessThanOrEqual(12_000)
  })

  it('with an estimate: backs off again on a long overrun', () => {
    fc.assert(
      fc.property(estimate, base, unit, age, age, (e, b, r, x1, x2) => {
        const [a1, a2] = [windowOpensAt(e) + Math.min(x1, x2), windowOpensAt(e) + Math.max(x1, x2)]
        const d1 = nextPollDelay({ ageMs: a1, baseMs: b, estimateMs: e, random: at(r) })
        const d2 = nextPollDelay({ ageMs: a2, baseMs: b, estimateMs: e, random: at(r) })
        expect(d1).toBeLessThanOrEqual(d2)
      })
    )
    const e = 10 * MIN
    expect(nextPollDelay({ ageMs: 3 * e, baseMs: 5_000, estimateMs: e, random: at(0.5) })).toBe(
      MAX_DELAY_MS
    )
  })

  it('degrades bad input to safe values', () => {
    expect(nextPollDelay({ ageMs: NaN, baseMs: NaN, random: at(0.5) })).toBe(DEFAULT_BASE_MS)
    expect(nextPollDelay({ ageMs: -5_000, baseMs: 5_000, random: at(0.5) })).toBe(5_000)
    expect(nextPollDelay({ ageMs: 0, baseMs: 10, random: at(0.5) })).toBe(MIN_DELAY_MS)
    expect(nextPollDelay({ ageMs: 0, baseMs: 5_000, estimateMs: 0, random: at(0.5) })).toBe(5_000)
    expect(nextPollDelay({ ageMs: 0, baseMs: 5_000, random: at(NaN) })).toBe(5_000)
    expect(nextPollDelay({ ageMs: 0, baseMs: 5_000, random: at(7) })).toBe(6_000)
  })
})

describe('initialPollDelay', () => {
  it('is short: at most poll_interval and 3 s, jittered, at least 1 s', () => {
    fc.assert(
      fc.property(base, unit, (b, r) => {
        const d = initialPollDelay(b, at(r))
        expect(d).toBeGreaterThanOrEqual(MIN_DELAY_MS)
        expect(d).toBeLessThanOrEqual(Math.round(Math.min(b, INITIAL_DELAY_MS) * (1 + JITTER)))
      })
    )
    expect(initialPollDelay(5_000, at(0.5))).toBe(INITIAL_DELAY_MS)
    expect(initialPollDelay(2_000, at(0))).toBe(1_600)
  })
})
