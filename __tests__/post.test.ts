// The post step stops the run a cancelled submit may have started: never a run that was already
// going before it (another job's), and it gives the index time to show the new one.
import { describe, expect, it } from '@jest/globals'
import type { RunInfo } from '../src/atlan/client.js'
import { findStartedRun } from '../src/post.js'

const WF = 'csa-lineage-builder-1714638976'
const run = (name: string, phase: RunInfo['phase']): RunInfo => ({
  name: `${WF}-${name}`,
  workflowName: WF,
  phase
})

/** A virtual clock, and a runs search that answers `timeline(elapsed ms)`. */
function tenant(timeline: (elapsed: number) => RunInfo[]) {
  let t = 0
  const searches: number[] = []
  return {
    searches,
    client: { runsOf: async () => (searches.push(t), timeline(t)) },
    clock: { now: () => t, sleep: async (ms: number) => void (t += ms) }
  }
}

describe('findStartedRun', () => {
  it('skips runs that were already active before the submit, and finished ones', async () => {
    const { client, clock } = tenant(() => [
      run('done1', 'Succeeded'),
      run('other', 'Running'),
      run('ours1', 'Pending')
    ])
    const inFlight = { workflowName: WF, earlierActive: [`${WF}-other`] }
    expect((await findStartedRun(client, inFlight, clock))?.name).toBe(`${WF}-ours1`)
  })

  it('waits for a run the index shows late, within its 30 s', async () => {
    const { client, clock, searches } = tenant(t => (t >= 5_000 ? [run('ours1', 'Running')] : []))
    const found = await findStartedRun(client, { workflowName: WF }, clock)
    expect(found?.name).toBe(`${WF}-ours1`)
    expect(searches.length).toBeGreaterThan(1)
  })

  it('only earlier runs in flight: nothing to stop, after at most 30 s of searching', async () => {
    const { client, clock, searches } = tenant(() => [run('other', 'Running')])
    const inFlight = { workflowName: WF, earlierActive: [`${WF}-other`] }
    expect(await findStartedRun(client, inFlight, clock)).toBeUndefined()
    expect(searches.at(-1)).toBeLessThanOrEqual(30_000)
  })

  it('a failed search is reported, not taken for "nothing to stop"', async () => {
    const client = { runsOf: () => Promise.reject(new Error('401 token invalid')) }
    const clock = { now: () => 0, sleep: async () => undefined }
    await expect(findStartedRun(client, { workflowName: WF }, clock)).rejects.toThrow('401')
  })
})
