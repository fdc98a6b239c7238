// cancel_on_job_cancel: false: a cancelled job leaves the Atlan run going, in the signal handler
// and in the post step alike.
import { expect, it } from '@jest/globals'
import { startAction, runAction } from '../helpers/action.js'
import { inputsFor, sim } from '../helpers/e2e.js'

it('SIGINT ends the step as Cancelled without stopping the run, and the post step does nothing', async () => {
  const s = await sim({ runningMs: 20_000 })
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  const inputs = inputsFor(s, { workflow_name: wf, cancel_on_job_cancel: 'false' })
  const main = startAction({ inputs })
  await main.waitFor(/Following the run at/)
  main.child.kill('SIGINT')
  const r = await main.done
  expect(r.code).toBe(1)
  expect(r.outputs.phase).toBe('Cancelled')
  expect(r.stdout).toContain('left running (cancel_on_job_cancel: false)')
  const post = await runAction({ inputs, state: r.state })
  expect(post.code).toBe(0)
  expect(s.requests().filter(q => q.route === 'stop')).toEqual([])
  expect(s.runs().find(x => x.workflow === wf && x.phase === 'Running' && !x.stopped)).toBeDefined()
})
