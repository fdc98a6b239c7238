// The exact request bodies of API §3.3-3.8 and §3.13, key order included, as the client sends them.
import { describe, expect, it } from '@jest/globals'
import { BASE, envelope, json, makeClient, runHit } from './fakes.js'

const DEFAULT_SORT = [
  { 'metadata.creationTimestamp': { order: 'desc', nested: { path: 'metadata' } } }
]

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
    expectExactBody(fake.calls[0].body, {
      from: 0,
      size: 10,
      track_total_hits: true,
      query: {
        bool: {
          filter: [
            {
              nested: {
                path: 'metadata',
                query: {
                  regexp: {
                    'metadata.name.keyword': { value: 'csa[-]lineage[-]builder[-][0-9]{10}' }
                  }
                }
              }
            }
          ]
        }
      },
      sort: DEFAULT_SORT
    })
  })

  it('findWorkflow sends the §3.5 nested term body', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    expect(await client.findWorkflow('csa-lineage-builder-1714638976')).toBeUndefined()
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/indexsearch`)
    expectExactBody(fake.calls[0].body, {
      from: 0,
      size: 1,
      track_total_hits: true,
      query: {
        bool: {
          filter: [
            {
              nested: {
                path: 'metadata',
                query: {
                  bool: {
                    must: [
                      {
                        term: {
                          'metadata.name.keyword': { value: 'csa-lineage-builder-1714638976' }
                        }
                      }
                    ]
                  }
                }
              }
            }
          ]
        }
      },
      sort: DEFAULT_SORT
    })
  })

  it('latestRun sends exactly the §3.6 body', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.latestRun('csa-lineage-builder-1714638976')
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/runs/indexsearch`)
    expect(JSON.stringify(fake.calls[0].body)).toBe(
      '{"from":0,"size":1,"track_total_hits":true,' +
        '"query":{"bool":{"filter":[{"nested":{"path":"spec",' +
        '"query":{"term":{"spec.workflowTemplateRef.name.keyword":{"value":"csa-lineage-builder-1714638976"}}}}}]}},' +
        '"sort":[{"status.startedAt":{"order":"desc"}}]}'
    )
  })

  it('currentRun sends the §3.7 body (size 50, default sort)', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.currentRun('wf-1')
    expectExactBody(fake.calls[0].body, {
      from: 0,
      size: 50,
      track_total_hits: true,
      query: {
        bool: {
          filter: [
            {
              nested: {
                path: 'spec',
                query: { term: { 'spec.workflowTemplateRef.name.keyword': { value: 'wf-1' } } }
              }
            }
          ]
        }
      },
      sort: DEFAULT_SORT
    })
  })

  it('runsOf uses the §3.7 filter with the requested size', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.runsOf('wf-1', 5)
    expect((fake.calls[0].body as { size: number }).size).toBe(5)
  })

  it('getRun sends exactly the §3.8 _id term body', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))])
    await client.getRun('wf-1-abcde')
    expect(JSON.stringify(fake.calls[0].body)).toBe(
      '{"from":0,"size":1,"track_total_hits":true,' +
        '"query":{"bool":{"filter":[{"term":{"_id":{"value":"wf-1-abcde"}}}]}},' +
        '"sort":[{"metadata.creationTimestamp":{"order":"desc","nested":{"path":"metadata"}}}]}'
    )
  })
})

describe('write bodies', () => {
  it('rerun posts the §3.3 body to {family}/submit', async () => {
    const { client, fake } = makeClient([
      json(200, { metadata: { name: 'wf-1-xyz12' }, spec: {}, status: { phase: 'Pending' } })
    ])
    expect(await client.rerun('csa-lineage-builder-1714638976', 'default')).toEqual({
      runName: 'wf-1-xyz12'
    })
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/submit`)
    expect(JSON.stringify(fake.calls[0].body)).toBe(
      '{"namespace":"default","resourceKind":"WorkflowTemplate","resourceName":"csa-lineage-builder-1714638976"}'
    )
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
    expect(JSON.stringify(fake.calls[0].body)).toBe(
      '{"key":"atlan-lineage-action/orders.csv","expiry":"60s","method":"PUT"}'
    )
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
