// The post step trusts nothing in the runner's state file: a tampered or broken entry means
// "nothing to stop", never a request built from it.
import { afterEach, describe, expect, it } from '@jest/globals'
import { loadInFlight } from '../../src/run/state.js'

const KEY = 'STATE_runInFlight'
const WF = 'csa-lineage-builder-1714638976'

afterEach(() => {
  delete process.env[KEY]
})

const load = (saved: unknown) => {
  process.env[KEY] = typeof saved === 'string' ? saved : JSON.stringify(saved)
  return loadInFlight()
}

describe('loadInFlight', () => {
  it('reads what the main step saved', () => {
    expect(load({ workflowName: WF, runName: `${WF}-abcde` })).toEqual({
      workflowName: WF,
      runName: `${WF}-abcde`
    })
    expect(load({ workflowName: WF, earlierActive: [`${WF}-old01`, 7, null] })).toEqual({
      workflowName: WF,
      earlierActive: [`${WF}-old01`]
    })
    expect(load({ workflowName: WF, earlierActive: 'x' })).toEqual({ workflowName: WF })
  })

  it('nothing saved, or not a well-formed entry: undefined', () => {
    expect(loadInFlight()).toBeUndefined()
    expect(load('')).toBeUndefined()
    expect(load('{not json')).toBeUndefined()
    expect(load('null')).toBeUndefined()
    expect(load({ runName: `${WF}-abcde` })).toBeUndefined()
  })

  it('a name that could not be a run or workflow name is refused', () => {
    expect(load({ workflowName: '../../admin' })).toBeUndefined()
    expect(load({ workflowName: WF, runName: 'a/b' })).toBeUndefined()
    expect(load({ workflowName: WF, runName: 42 })).toBeUndefined()
  })
})
