// Run ids that are not valid names never reach a URL (src/atlan/names.ts): refused by the name
// rules, by the stop call before it sends anything, and where a run search first returns one.
import { describe, expect, it } from '@jest/globals'
import { isValidName, nameSegment } from '../../src/atlan/names.js'
import { json, makeClient } from './fakes.js'

describe('row 16: run ids that are not names never reach a URL', () => {
  it.each(['', '.', '..', '../stop', 'a/b', 'A B', 'x\n::error::y'])('%j is refused', name => {
    expect(isValidName(name)).toBe(false)
    expect(() => nameSegment(name, 'run')).toThrow(/not a valid name/)
  })

  it('stopRun("..") sends nothing', async () => {
    const { client, fake } = makeClient([], { requestTimeoutMs: 1000 })
    await expect(client.stopRun('..')).rejects.toThrow(/not a valid name/)
    await expect(client.stopRun('')).rejects.toThrow(/not a valid name/)
    expect(fake.calls).toHaveLength(0)
  })

  it('a run search hit whose id is ".." is rejected where it is first seen', async () => {
    const { client } = makeClient(
      [json(200, { hits: { hits: [{ _id: '..', _source: { status: { phase: 'Running' } } }] } })],
      { requestTimeoutMs: 1000 }
    )
    await expect(client.runsOf('wf', 10)).rejects.toThrow(/not a valid run name/)
  })
})
