// The exact request bodies of docs/atlan-contract.md §3.3-3.8 and §3.13, key order included, as the client sends them:
// the same JSON text as pyatlan's bodies in ../helpers/pyatlan-bodies.ts.
import { describe, expect, it } from '@jest/globals'
import { pyatlan } from '../helpers/pyatlan-bodies.js'
import { BASE, envelope, json, makeClient, runHit } from './fakes.js'

const WF = 'csa-lineage-builder-1714638976'

/** Same JSON text: checks values and key order. */
function expectExactBody(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected))
}

describe('index-search bodies', () => {
  it('findLatestWorkflow sends the §3.4 regexp body to workflows/indexsearch', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.findLatestWorkflow()
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/indexsearch`)
    expect(fake.calls[0].method).toBe('POST')
    expectExactBody(fake.calls[0].body, pyatlan.findByType('csa-lineage-builder'))
  })

  it('findWorkflow sends the §3.5 nested term body', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    expect(await client.findWorkflow(WF)).toBeUndefined()
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/indexsearch`)
    expectExactBody(fake.calls[0].body, pyatlan.findById(WF))
  })

  it('runsOf(…, 50) sends the §3.7 body (size 50, default sort)', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.runsOf('wf-1', 50)
    expectExactBody(fake.calls[0].body, pyatlan.currentRun('wf-1'))
  })

  it('runsOf uses the §3.7 filter with the requested size', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.runsOf('wf-1', 5)
    expect((fake.calls[0].body as { size: number }).size).toBe(5)
  })

  it('getRun sends exactly the §3.8 _id term body', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.getRun('wf-1-abcde')
    expectExactBody(fake.calls[0].body, pyatlan.runById('wf-1-abcde'))
  })
})

describe('write bodies', () => {
  it('rerun posts the §3.3 body to {family}/submit', async () => {
    const { client, fake } = makeClient([
      json(200, { metadata: { name: 'wf-1-xyz12' }, spec: {}, status: { phase: 'Pending' } })
    ])
    expect(await client.rerun(WF, 'default')).toEqual({
      runName: 'wf-1-xyz12'
    })
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/submit`)
    expectExactBody(fake.calls[0].body, pyatlan.rerun(WF, 'default'))
  })

  it('rerun without a run name in the reply returns runName undefined', async () => {
    const { client } = makeClient([json(200, { status: {} })])
    expect(await client.rerun('wf')).toEqual({ runName: undefined })
  })

  it('submitWorkflow posts the document to {family}?submit=true', async () => {
    const doc = { metadata: { name: 'csa-lineage-builder-1700000000' }, spec: {}, payload: [] }
    const { client, fake } = makeClient(
      [json(200, { metadata: { name: 'csa-lineage-builder-1700000000', namespace: 'default' } })],
      { family: 'package-workflows' }
    )
    expect(await client.submitWorkflow(doc)).toEqual({
      workflowName: 'csa-lineage-builder-1700000000'
    })
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/package-workflows?submit=true`)
    expect(fake.calls[0].body).toEqual(doc)
  })

  it('presignUpload posts the §3.13 body and returns the url', async () => {
    const { client, fake } = makeClient([
      json(200, { url: 'https://bucket.s3.amazonaws.com/k?X-Amz-Signature=abc' })
    ])
    expect(await client.presignUpload('atlan-lineage-action/orders.csv')).toBe(
      'https://bucket.s3.amazonaws.com/k?X-Amz-Signature=abc'
    )
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/files/presignedUrl`)
    expectExactBody(fake.calls[0].body, pyatlan.presign('atlan-lineage-action/orders.csv'))
  })

  it('stopRun posts runs/{run}/stop with no body', async () => {
    const { client, fake } = makeClient([
      json(200, runHit('wf-1-abcde', 'wf-1', { phase: 'Running' })._source)
    ])
    await client.stopRun('wf-1-abcde')
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/runs/wf-1-abcde/stop`)
    expect(fake.calls[0].method).toBe('POST')
    expect(fake.calls[0].body).toBeUndefined()
  })
})
