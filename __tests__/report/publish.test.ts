// The check run's conclusion for every phase the action reports. GitHub shows `cancelled` and
// `skipped` as neither success nor failure: mapping a cancelled job or a skipped (unchanged) CSV
// to `failure`, `neutral` or `success` would misreport the step on the pull request.
import { describe, expect, it } from '@jest/globals'
import { conclusionOf } from '../../src/report/publish.js'
import type { ActionResult, ResultPhase } from '../../src/report/result.js'

const result = (phase: ResultPhase, failed = false): ActionResult => ({ phase, failed })

describe('conclusionOf', () => {
  // Every phase, with failed as the lifecycle sets it for that phase.
  const table: Array<[ResultPhase, boolean, string]> = [
    ['Succeeded', false, 'success'],
    ['DryRun', false, 'success'],
    ['Failed', true, 'failure'],
    ['Error', true, 'failure'],
    ['Invalid', true, 'failure'],
    ['TimedOut', true, 'timed_out'],
    ['Cancelled', true, 'cancelled'],
    ['Skipped', false, 'skipped'],
    ['Running', false, 'neutral']
  ]
  it.each(table)('%s (failed: %s) → %s', (phase, failed, conclusion) => {
    expect(conclusionOf(result(phase, failed), 0)).toBe(conclusion)
  })

  it('a cancelled job stays cancelled whatever the warnings or the failed flag', () => {
    for (const failed of [true, false])
      for (const warnings of [0, 3])
        expect(conclusionOf(result('Cancelled', failed), warnings)).toBe('cancelled')
  })

  it('a skipped step stays skipped whatever the warnings', () => {
    for (const warnings of [0, 3]) expect(conclusionOf(result('Skipped'), warnings)).toBe('skipped')
  })

  it('warnings turn a success neutral, a failed flag turns it into a failure', () => {
    expect(conclusionOf(result('Succeeded'), 2)).toBe('neutral')
    expect(conclusionOf({ ...result('Succeeded'), flagged: true }, 0)).toBe('neutral')
    expect(conclusionOf(result('Succeeded', true), 0)).toBe('failure')
    expect(conclusionOf(result('DryRun', true), 0)).toBe('failure')
  })
})
