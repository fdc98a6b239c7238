// How each ending of the run lifecycle becomes the step's result: its phase, whether the step
// fails, and which run it names. The phase drives the outputs and the check run's conclusion.
import { describe, expect, it } from '@jest/globals'
import type { RunInfo } from '../../src/atlan/client.js'
import { parseConfig } from '../../src/config/parse.js'
import { lifecycleResult, stepResult, type Stages } from '../../src/report/result.js'
import type { Applied, RunEnd } from '../../src/run/apply.js'
import type { Plan } from '../../src/run/plan.js'
import { resolveTarget } from '../../src/run/resolve.js'
import { settingsFor } from '../../src/run/settings.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from '../run/fake-api.js'

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

describe('stepResult: the step from what the pipeline stages returned', () => {
  const rerunPlan = async (extra: Partial<Plan> = {}): Promise<Plan> => {
    const api = fakeApi()
    api.workflows.push({ name: WF, namespace: 'default', parameters: { lineage_key: 'k.csv' } })
    const config = parseConfig(rawInputs({ workflow_name: WF }))
    const target = await resolveTarget(api, config, 0)
    return { config, target, settings: settingsFor(config, target), ...extra }
  }
  const stagesOf = (plan: Plan, extra: Partial<Stages> = {}): Stages => ({
    secrets: [],
    config: plan.config,
    plan,
    ...extra
  })
  const succeeded: Applied = {
    end: { kind: 'ended', run: run({ phase: 'Succeeded' }) },
    workflowName: WF,
    runName: RUN,
    notes: []
  }

  it('a plan that stops on the gate is Invalid, naming the rerun it would have run', async () => {
    const plan = await rerunPlan({ stop: { phase: 'Invalid', message: 'a.csv has 1 error' } })
    expect(stepResult(stagesOf(plan), false)).toEqual({
      workflowName: WF,
      phase: 'Invalid',
      failed: true,
      message: 'a.csv has 1 error'
    })
  })

  it('an error after the run keeps its phase and fails the step; a cancel says Cancelled', async () => {
    const plan = await rerunPlan()
    const late = stagesOf(plan, { applied: succeeded, error: new Error('verify broke') })
    expect(stepResult(late, false)).toMatchObject({
      phase: 'Succeeded',
      runId: RUN,
      failed: true,
      message: 'verify broke'
    })
    const early = stagesOf(plan, { error: new Error('upload broke') })
    expect(stepResult(early, true)).toMatchObject({ phase: 'Cancelled', failed: true })
    expect(stepResult(early, false)).toMatchObject({ phase: 'Error', workflowName: WF })
  })

  it("the plan's own error (kept in its stop) is the step's error", async () => {
    const plan = await rerunPlan({ stop: { error: new Error('search refused') } })
    expect(stepResult(stagesOf(plan), false)).toMatchObject({
      phase: 'Error',
      failed: true,
      message: 'search refused'
    })
  })

  it('verify: strict fails a Succeeded run; findings flag it', async () => {
    const plan = await rerunPlan()
    const after = {
      verifyFindings: [],
      outputs: { processesMissing: 1 },
      failure: '1 expected process(es) were not found',
      flagged: true
    }
    expect(stepResult(stagesOf(plan, { applied: succeeded, after }), false)).toMatchObject({
      phase: 'Succeeded',
      failed: true,
      flagged: true,
      processesMissing: 1,
      message: '1 expected process(es) were not found'
    })
  })
})
