// Cancellation (src/run/signals.ts, src/run/state.ts, src/post.ts) through dist/index.js against
// the simulator. The runner cancels a job with SIGINT (then SIGTERM 7.5 s later) and runs the post
// step even when the main step was killed. Whatever happens, the Atlan run is asked to stop
// exactly once, promptly; a signal before the submit starts nothing, and the post step stops only
// runs of a cancelled main step.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction, startAction, type ActionRun, type Started } from '../helpers/action.js'
import { workspace } from '../helpers/csv.js'
import {
  expectClean,
  inputsFor,
  longRunWorkflow,
  message,
  routes,
  seen,
  sim,
  submits
} from '../helpers/e2e.js'
import { repoRoot } from '../helpers/shared.js'
import type { Simulator } from '../../sim/server.js'

/** A workflow whose next run takes a minute: long enough to cancel it mid-flight. */
async function longRun(): Promise<{ s: Simulator; inputs: Record<string, string> }> {
  const { s, wf } = await longRunWorkflow()
  return { s, inputs: inputsFor(s, { workflow_name: wf, request_timeout: '2s' }) }
}

async function killAnd(action: Started, sig: NodeJS.Signals = 'SIGINT') {
  action.child.kill(sig)
  return action.done
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

describe('row 3: the post step only stops runs of a cancelled main step', () => {
  it('main step loses track of its run (401 mid-run): the state is cleared and the post step sends no stop', async () => {
    const { s, wf } = await longRunWorkflow()
    const inputs = inputsFor(s, { workflow_name: wf })
    // The run starts; the rerun's reply comes 1 s later, and from then on the token is refused.
    s.addFault({ route: 'rerun', kind: 'slow', delayMs: 1000 })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    s.addFault({ route: 'runs.search', kind: 'status', status: 401, count: -1 })
    const run = await main.done
    expect(run.outputs.phase).toBe('Unknown')
    expect(message(run)).toMatch(/401/)
    expect(run.state.runInFlight ?? '').toBe('')
    const before = s.requests().length
    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(0)
    expect(s.requests()).toHaveLength(before)
  })
})

describe('row 4: a signal during a slow submit', () => {
  it('interrupts it; the state saved before the submit lets the post step find and stop the run', async () => {
    const { s, wf } = await longRunWorkflow()
    // Atlan starts the run at once but answers 20 s later.
    s.addFault({ route: 'rerun', kind: 'slow', delayMs: 20_000 })
    const before = new Set(s.runs().map(r => r.name))
    const inputs = inputsFor(s, { workflow_name: wf, request_timeout: '30s' })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    const run = await killAnd(main)
    expect(run.signal).toBeNull()
    expect(run.outputs.phase).toBe('Cancelled')
    expect(JSON.parse(run.state.runInFlight)).toMatchObject({ workflowName: wf })
    expect(submits(s)).toBe(1)
    expect(stops(s)).toHaveLength(0)

    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    const started = s.runs().filter(r => !before.has(r.name))
    expect(started).toHaveLength(1)
    expect(stops(s)).toHaveLength(1)
    expect(stops(s)[0].path).toBe(`/api/service/runs/${started[0].name}/stop`)
    expect(submits(s)).toBe(1)
    expectClean(post, s)
  })
})

describe('row 5: after a 503 on submit, a signal during the follow-up search', () => {
  it('sends no second submit', async () => {
    const { s, wf } = await longRunWorkflow()
    s.addFault({ route: 'rerun', kind: 'status', status: 503 })
    const before = s.runs().length
    const inputs = inputsFor(s, { workflow_name: wf, request_timeout: '5s' })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    // The follow-up searches answer slowly: the signal lands while one is in flight.
    s.addFault({ route: 'runs.search', kind: 'slow', delayMs: 1500, count: -1 })
    await new Promise(r => setTimeout(r, 300))
    const run = await killAnd(main)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(submits(s)).toBe(1)
    expect(s.runs()).toHaveLength(before)
    expectClean(run, s)
  })
})

describe('row 11: a signal stops validation and uploads', () => {
  it('SIGINT during the upload: it stops, and nothing is submitted', async () => {
    const { s, wf } = await longRunWorkflow()
    s.addFault({ route: 'upload', kind: 'slow', delayMs: 20_000 })
    const main = startAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: 'examples/lineage.csv',
        request_timeout: '30s'
      })
    })
    await seen(s, 'upload')
    const run = await killAnd(main)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(submits(s)).toBe(0)
    expect(routes(s).filter(r => r === 'upload')).toHaveLength(1)
  })

  it('SIGINT during validation of a large CSV: nothing is presigned, uploaded or submitted', async () => {
    const { s, wf } = await longRunWorkflow()
    const dir = workspace()
    const lines = readFileSync(join(repoRoot, 'examples/lineage.csv'), 'utf8').split('\n')
    const body = lines.slice(1).filter(Boolean).join('\n') + '\n'
    const block = body.repeat(Math.ceil((1 << 20) / body.length))
    writeFileSync(join(dir, 'big.csv'), lines[0] + '\n' + block.repeat(90))
    const main = startAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: 'big.csv' })
    })
    await main.waitFor(/Validating lineage_file/)
    const run = await killAnd(main)
    expect(run.stdout).not.toMatch(/Checked \d+ rows/)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(routes(s).filter(r => ['presign', 'upload', 'rerun', 'submit'].includes(r))).toEqual([])
  })
})

describe('a run this step attached to (idempotent: true) belongs to whoever started it', () => {
  it('SIGINT: the run is left running, nothing is saved for the post step, and the post step stops nothing', async () => {
    const s = await sim()
    // A run started in the Atlan UI (or by another job) a few seconds ago, still going for a minute.
    const wf = s.seed({
      prefix: 'p',
      key: 'k.csv',
      runs: [{ phase: 'Running', startedAgoS: 5, remainingMs: 60_000 }]
    })
    const theirs = s.runs().find(r => r.workflow === wf && r.phase === 'Running')!.name
    const inputs = inputsFor(s, { workflow_name: wf, idempotent: 'true' })
    const main = startAction({ inputs })
    await main.waitFor(/already Running: following it/)
    await main.waitFor(RUN_FOLLOWED)
    const run = await killAnd(main)
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(run.outputs.run_id).toBe(theirs)
    expect(message(run)).toContain('left running because this step did not start it')
    expect(run.state.runInFlight ?? '').toBe('')
    expect(stops(s)).toHaveLength(0)

    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(0)
    expect(s.runs().find(r => r.name === theirs)).toMatchObject({ phase: 'Running' })
    expect(s.runs().find(r => r.name === theirs)?.stopped).toBeFalsy()
    expect(submits(s)).toBe(0)
    expectClean(post, s)
  })

  it('SIGKILL: nothing is saved, so the post step stops nothing', async () => {
    const s = await sim()
    const wf = s.seed({
      prefix: 'p',
      key: 'k.csv',
      runs: [{ phase: 'Running', startedAgoS: 5, remainingMs: 60_000 }]
    })
    const inputs = inputsFor(s, { workflow_name: wf, idempotent: 'true' })
    const main = startAction({ inputs })
    await main.waitFor(RUN_FOLLOWED)
    const killed = await killAnd(main, 'SIGKILL')
    expect(killed.state.runInFlight ?? '').toBe('')
    const post = await runAction({ inputs, state: killed.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(0)
  })
})
