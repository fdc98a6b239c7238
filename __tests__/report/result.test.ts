// How each ending of the run lifecycle becomes the step's result: its phase, whether the step
// fails, and which run it names. The phase drives the outputs and the check run's conclusion.
import { describe, expect, it } from '@jest/globals'
import type { RunInfo } from '../../src/atlan/client.js'
import { lifecycleResult } from '../../src/report/result.js'
import type { RunEnd } from '../../src/run/apply.js'

const WF = 'csa-lineage-builder-1714638976'
const RUN = `${WF}-abcde`
const URL = `https://acme.atlan.com/workflows/profile/${WF}/runs?name=${RUN}`
const run = (over: Partial<RunInfo>): RunInfo => ({
  name: RUN,
  workflowName: WF,
  phase: 'Running',
  ...over
})

const result = (end: RunEnd) =>
  lifecycleResult({ end, workflowName: WF, runName: RUN, runUrl: URL, notes: [] })

describe('lifecycleResult', () => {
  it.each<[RunEnd, string, boolean]>([
    [{ kind: 'refused', message: 'missing connections' }, 'Invalid', true],
    [{ kind: 'dry-run' }, 'DryRun', false],
    [{ kind: 'not-followed' }, 'Running', false],
    [{ kind: 'ended', run: run({ phase: 'Succeeded' }) }, 'Succeeded', false],
    [{ kind: 'ended', run: run({ phase: 'Failed' }) }, 'Failed', true],
    [{ kind: 'ended', run: run({ phase: 'Error' }) }, 'Error', true],
    [{ kind: 'lost', message: 'not indexed' }, 'Error', true],
    [{ kind: 'cancelled', message: 'cancelled' }, 'Cancelled', true],
    [{ kind: 'timed-out', message: 'too slow', passes: false }, 'TimedOut', true],
    [{ kind: 'timed-out', message: 'too slow', passes: true }, 'TimedOut', false]
  ])('%o → %s (failed: %s)', (end, phase, failed) => {
    expect(result(end)).toMatchObject({ phase, failed, workflowName: WF, runId: RUN, runUrl: URL })
  })

  it("an ended run reports its own name, times, duration and Atlan's message", () => {
    const ended = run({
      name: `${WF}-zzzzz`,
      phase: 'Failed',
      startedAt: '2027-01-15T08:00:00Z',
      finishedAt: '2027-01-15T08:01:30Z',
      message: 'Asset STG_ORDERS not found'
    })
    expect(result({ kind: 'ended', run: ended })).toMatchObject({
      runId: `${WF}-zzzzz`,
      startedAt: '2027-01-15T08:00:00Z',
      finishedAt: '2027-01-15T08:01:30Z',
      durationSeconds: 90,
      message: 'Asset STG_ORDERS not found'
    })
  })

  it('the messages of our own endings are kept, and a timeout keeps when the run started', () => {
    expect(result({ kind: 'lost', message: 'not indexed' }).message).toBe('not indexed')
    expect(
      result({ kind: 'timed-out', message: 'm', passes: false, startedAt: '2027-01-15T08:00:00Z' })
    ).toMatchObject({ message: 'm', startedAt: '2027-01-15T08:00:00Z' })
  })
})
