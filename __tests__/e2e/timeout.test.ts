// timeout and each on_timeout choice, end to end.
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../helpers/action.js'
import { expectClean, inputsFor, sim } from '../helpers/e2e.js'

async function longRun(onTimeout: string) {
  const s = await sim({ runningMs: 30_000 })
  const wf = s.seed({ prefix: 'p', key: 'k.csv', runs: [{ phase: 'Succeeded', durationS: 30 }] })
  s.objects().set('p/k.csv', Buffer.from('x'))
  const r = await runAction({
    inputs: inputsFor(s, { workflow_name: wf, timeout: '3s', on_timeout: onTimeout })
  })
  const stops = s.requests().filter(q => q.route === 'stop')
  return { s, r, stops }
}

describe('on_timeout', () => {
  it.each([
    {
      onTimeout: 'fail',
      outcome: 'phase TimedOut, step fails, the run is left alone',
      code: 1,
      message: /::error::The run did not finish within timeout \(3s\).*still running in Atlan/
    },
    {
      onTimeout: 'warn',
      outcome: 'phase TimedOut, a warning, the step passes',
      code: 0,
      message: /::warning::The run did not finish within timeout/
    }
  ])('$onTimeout: $outcome', async ({ onTimeout, code, message }) => {
    const { s, r, stops } = await longRun(onTimeout)
    expect(r.code).toBe(code)
    expect(r.outputs.phase).toBe('TimedOut')
    expect(r.stdout).toMatch(message)
    expect(stops).toHaveLength(0)
    expectClean(r, s)
  })

  it('cancel: the run is stopped once, then the step fails', async () => {
    const { s, r, stops } = await longRun('cancel')
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('TimedOut')
    expect(stops).toHaveLength(1)
    expect(stops[0].path).toBe(`/api/service/runs/${r.outputs.run_id}/stop`)
    expect(r.stdout).toMatch(/asked to stop \(on_timeout: cancel\)/)
    expectClean(r, s)
  })

  it('cancel, on a run this step attached to (idempotent: true): not stopped, the step says why', async () => {
    const s = await sim()
    const wf = s.seed({
      prefix: 'p',
      key: 'k.csv',
      runs: [{ phase: 'Running', startedAgoS: 5, remainingMs: 30_000 }]
    })
    const r = await runAction({
      inputs: inputsFor(s, { workflow_name: wf, timeout: '3s', on_timeout: 'cancel' })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('TimedOut')
    expect(s.requests().filter(q => q.route === 'stop')).toHaveLength(0)
    expect(r.stdout).toMatch(/::error::.*left running because this step did not start it/)
    expect(r.state.runInFlight ?? '').toBe('')
    expect(s.runs().find(x => x.name === r.outputs.run_id)?.stopped).toBeFalsy()
    expectClean(r, s)
  })

  it('wait: false returns at once with phase Running and the run id', async () => {
    const s = await sim({ runningMs: 30_000 })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, wait: 'false' }) })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Running')
    expect(r.outputs.run_id).toMatch(new RegExp(`^${wf}-`))
    expect(r.stdout).toContain(`not following the run ${r.outputs.run_url}.`)
    expect(r.state.runInFlight ?? '').toBe('')
  })
})
