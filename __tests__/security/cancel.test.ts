// Issue "Reliability and security proof" item 4: cancellation. The runner cancels a job with
// SIGINT (then SIGTERM 7.5 s later) and runs the post step even when the main step was killed.
// Whatever happens, the Atlan run is asked to stop exactly once, promptly.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction, startAction, type ActionRun } from '../helpers/action.js'
import { expectClean, inputsFor, routes, sim } from '../helpers/e2e.js'
import { repoRoot } from '../helpers/shared.js'
import type { Simulator } from '../../sim/server.js'

const csv = () => readFileSync(join(repoRoot, 'examples/lineage.csv'))

/** A workflow whose next run takes a minute: long enough to cancel it mid-flight. */
async function longRun(): Promise<{ s: Simulator; inputs: Record<string, string> }> {
  const s = await sim({ runningMs: 60_000, stopMs: 200 })
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', csv())
  return { s, inputs: inputsFor(s, { workflow_name: wf, request_timeout: '2s' }) }
}

const stops = (s: Simulator) => s.requests().filter(q => q.route === 'stop')
const RUN_FOLLOWED = /Run \S+ is (Pending|Running)/

async function cancelWith(sig: NodeJS.Signals): Promise<{
  s: Simulator
  inputs: Record<string, string>
  run: ActionRun
  sentAt: number
}> {
  const { s, inputs } = await longRun()
  const action = startAction({ inputs, env: { RUNNER_DEBUG: '1' } })
  await action.waitFor(RUN_FOLLOWED)
  const sentAt = Date.now()
  action.child.kill(sig)
  return { s, inputs, run: await action.done, sentAt }
}

function expectCancelled(s: Simulator, run: ActionRun, sentAt: number): void {
  const stop = stops(s)
  expect(stop).toHaveLength(1)
  expect(stop[0].time - sentAt).toBeLessThan(2000)
  expect(stop[0].path).toBe(`/api/service/runs/${run.outputs.run_id}/stop`)
  expect(run.signal).toBeNull()
  expect(run.code).toBe(1)
  expect(run.outputs.phase).toBe('Cancelled')
  expect(run.stdout).toMatch(/::error::The job was cancelled; the Atlan run was asked to stop\./)
  expect(s.runs().find(r => r.name === run.outputs.run_id)?.stopped).toBe(true)
  // Nothing is left for the post step.
  expect(run.state.runInFlight ?? '').toBe('')
  expectClean(run, s)
}

describe('cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: exactly one stop within 2 s, exit 1 with phase=Cancelled',
    async sig => {
      const { s, run, sentAt } = await cancelWith(sig)
      expectCancelled(s, run, sentAt)
    }
  )

  it("the runner's SIGTERM arriving while the stop is in flight: still one stop", async () => {
    const { s, inputs } = await longRun()
    // The stop answers after 1 s (within request_timeout 2 s): SIGTERM lands while it is pending.
    s.addFault({ route: 'stop', kind: 'slow', delayMs: 1000 })
    const action = startAction({ inputs })
    await action.waitFor(RUN_FOLLOWED)
    const sentAt = Date.now()
    action.child.kill('SIGINT')
    await new Promise(r => setTimeout(r, 400))
    expect(stops(s)).toHaveLength(1)
    action.child.kill('SIGTERM')
    const run = await action.done
    expectCancelled(s, run, sentAt)
  })

  it('the post step after a handled cancel sends no second stop', async () => {
    const { s, inputs, run } = await cancelWith('SIGINT')
    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(1)
    expectClean(post, s)
  })

  it('SIGINT before the submit (during a slow presign): no run is started, nothing to stop', async () => {
    const s = await sim({ runningMs: 60_000 })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    const before = s.runs().length
    s.addFault({ route: 'presign', kind: 'slow', delayMs: 1500 })
    const action = startAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: 'examples/lineage.csv',
        request_timeout: '3s'
      })
    })
    await action.waitFor(/Target: rerun of/)
    action.child.kill('SIGINT')
    const run = await action.done
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Cancelled')
    // A cancelled job must not start the run it was cancelled before starting.
    expect(routes(s).filter(r => r === 'rerun' || r === 'submit')).toEqual([])
    expect(s.runs()).toHaveLength(before)
    expectClean(run, s)
  })

  it('post step alone: the main step SIGKILLed mid-run, the post step stops the run once', async () => {
    const { s, inputs } = await longRun()
    const main = startAction({ inputs })
    await main.waitFor(RUN_FOLLOWED)
    main.child.kill('SIGKILL')
    const killed = await main.done
    expect(killed.signal).toBe('SIGKILL')
    expect(stops(s)).toHaveLength(0)
    expect(killed.state.isPost).toBe('true')
    const inFlight = JSON.parse(killed.state.runInFlight) as { runName: string }
    expect(s.runs().find(r => r.name === inFlight.runName)?.phase).toBe('Running')

    const post = await runAction({ inputs, state: killed.state })
    expect(post.code).toBe(0)
    const stop = stops(s)
    expect(stop).toHaveLength(1)
    expect(stop[0].path).toBe(`/api/service/runs/${inFlight.runName}/stop`)
    expect(post.stdout).toContain(`asked Atlan to stop it`)
    expect(s.runs().find(r => r.name === inFlight.runName)?.stopped).toBe(true)
    expect(post.stdout).not.toMatch(/^::error::/m)
    expectClean(post, s)
  })

  it('post step alone: a stop Atlan refuses is a warning, never a failed job', async () => {
    const { s, inputs } = await longRun()
    const main = startAction({ inputs })
    await main.waitFor(RUN_FOLLOWED)
    main.child.kill('SIGKILL')
    const killed = await main.done
    s.addFault({ route: 'stop', kind: 'status', status: 401, count: -1 })
    const post = await runAction({ inputs, state: killed.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(1)
    expect(post.stdout).toMatch(/::warning::Post step: could not stop the in-flight run/)
    expectClean(post, s)
  })
})
