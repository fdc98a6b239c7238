// Family choice, request headers, how index hits become WorkflowInfo / RunInfo, and run ids that
// are not valid names never reaching a URL.
import { describe, expect, it } from '@jest/globals'
import { pyatlan } from '../helpers/pyatlan-bodies.js'
import { isValidName, nameSegment } from '../../src/atlan/client.js'
import { workflowTemplate } from '../helpers/workflow-template.js'
import { API_KEY, BASE, envelope, json, makeClient, runHit } from './fakes.js'

describe('family()', () => {
  it.each([
    [['$api-token-default-access'], 'workflows'],
    [['$admin'], 'workflows'],
    [['$guest', '$admin'], 'workflows'],
    [['$member'], 'package-workflows'],
    [['$guest', 'default-roles-default'], 'package-workflows'],
    [[], 'package-workflows']
  ])('roles %j -> %s', async (roles, family) => {
    const { client, fake } = makeClient(
      [
        json(200, {
          username: 'service-account-apikey-x',
          roles: roles.map(name => ({ id: 'r', name }))
        })
      ],
      { family: 'auto' }
    )
    expect(await client.family()).toBe(family)
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/whoami`)
    expect(fake.calls[0].method).toBe('GET')
  })

  it('accepts roles as bare strings and a missing roles field', async () => {
    const a = makeClient([json(200, { roles: ['$admin'] })], { family: 'auto' })
    expect(await a.client.family()).toBe('workflows')
    const b = makeClient([json(200, { username: 'x' })], { family: 'auto' })
    expect(await b.client.family()).toBe('package-workflows')
  })

  it('asks whoami once and caches the answer', async () => {
    const { client, fake } = makeClient(
      [
        json(200, { roles: [{ name: '$member' }] }),
        json(200, { metadata: { name: 'w' } }),
        json(200, { metadata: { name: 'w-1' } })
      ],
      { family: 'auto' }
    )
    await client.submitWorkflow({})
    await client.rerun('w')
    expect(fake.calls.map(c => c.url)).toEqual([
      `${BASE}/api/service/whoami`,
      `${BASE}/api/service/package-workflows?submit=true`,
      `${BASE}/api/service/package-workflows/submit`
    ])
  })

  it('the family option overrides whoami', async () => {
    const { client, fake } = makeClient([], { family: 'package-workflows' })
    expect(await client.family()).toBe('package-workflows')
    expect(fake.calls).toHaveLength(0)
  })
})

describe('request headers', () => {
  it('sends auth, JSON, a fresh request id and the user agent on every request', async () => {
    const { client, fake } = makeClient([json(200, envelope([])), json(200, envelope([]))])
    await client.getRun('a')
    await client.getRun('b')
    for (const c of fake.calls) {
      expect(c.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expect(c.headers.accept).toBe('application/json')
      expect(c.headers['content-type']).toBe('application/json')
      expect(c.headers['user-agent']).toBe('atlan-lineage-action/1.2.3')
      expect(c.headers['x-atlan-request-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      )
    }
    expect(fake.calls[0].headers['x-atlan-request-id']).not.toBe(
      fake.calls[1].headers['x-atlan-request-id']
    )
  })

  it('ignores a trailing slash in the base URL', async () => {
    const { client, fake } = makeClient([json(200, envelope([]))], { baseUrl: `${BASE}/` })
    await client.getRun('a')
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/runs/indexsearch`)
  })
})

const workflowSource = {
  ...workflowTemplate(
    'csa-lineage-builder-1714638976',
    [
      { name: 'lineage_prefix', value: 'lineage' },
      { name: 'lineage_key', value: 'orders.csv' },
      { name: 'lineage_import_type', value: 'CLOUD' },
      { name: 'cloud_source', value: '{{credentialGuid}}' },
      { name: 'lineage_upsert_semantic', value: 'partial' },
      { name: 'lineage_fail_on_errors', value: true },
      { name: 'batch_size', value: 25 }
    ],
    {
      creationTimestamp: '2026-05-02T08:36:16Z',
      labels: { 'orchestration.atlan.com/source': 'lineage-builder' },
      uid: 'u-1'
    }
  ),
  status: {}
}

describe('workflow lookups', () => {
  it('workflowNames sends the §3.4 body with the page size and keeps only valid names, in order', async () => {
    const hostile = structuredClone(workflowSource)
    hostile.metadata.name = 'csa-lineage-builder-1600000000 [x](https://evil.example)'
    const older = structuredClone(workflowSource)
    older.metadata.name = 'csa-lineage-builder-1500000000'
    const { client, fake } = makeClient([
      json(
        200,
        envelope([workflowSource, hostile, older].map(w => ({ _id: w.metadata.name, _source: w })))
      )
    ])
    expect(await client.workflowNames(50)).toEqual([
      'csa-lineage-builder-1714638976',
      'csa-lineage-builder-1500000000'
    ])
    expect(JSON.stringify(fake.calls[0].body)).toBe(
      JSON.stringify(pyatlan.findByType('csa-lineage-builder', 50))
    )
  })
  it('findLatestWorkflow returns the first hit with its parameters, types kept', async () => {
    const second = structuredClone(workflowSource)
    second.metadata.name = 'csa-lineage-builder-1600000000'
    const { client } = makeClient([
      json(
        200,
        envelope([
          { _id: workflowSource.metadata.name, _source: workflowSource },
          { _id: second.metadata.name, _source: second }
        ])
      )
    ])
    const wf = await client.findLatestWorkflow()
    expect(wf).toMatchObject({
      name: 'csa-lineage-builder-1714638976',
      namespace: 'default',
      creationTimestamp: '2026-05-02T08:36:16Z',
      hasCredential: false,
      parameters: {
        lineage_prefix: 'lineage',
        lineage_key: 'orders.csv',
        lineage_import_type: 'CLOUD',
        cloud_source: '{{credentialGuid}}',
        lineage_upsert_semantic: 'partial',
        lineage_fail_on_errors: true,
        batch_size: 25
      }
    })
    expect(wf?.raw.metadata.uid).toBe('u-1')
  })

  it('hasCredential: a vaulted credential GUID means true, DIRECT means false', async () => {
    const vaulted = structuredClone(workflowSource)
    vaulted.spec.templates[0].dag.tasks[0].arguments.parameters[3].value =
      '5a1b8c8e-1111-2222-3333-444455556666'
    const direct = structuredClone(workflowSource)
    direct.spec.templates[0].dag.tasks[0].arguments.parameters = [
      { name: 'lineage_import_type', value: 'DIRECT' }
    ]
    const { client } = makeClient([
      json(200, envelope([{ _id: 'a', _source: vaulted }])),
      json(200, envelope([{ _id: 'b', _source: direct }]))
    ])
    expect((await client.findWorkflow('a'))?.hasCredential).toBe(true)
    expect((await client.findWorkflow('b'))?.hasCredential).toBe(false)
  })

  it('a workflow without templates has no parameters', async () => {
    const { client } = makeClient([
      json(200, envelope([{ _id: 'w', _source: { metadata: { name: 'w' } } }]))
    ])
    expect(await client.findWorkflow('w')).toMatchObject({
      name: 'w',
      namespace: 'default',
      parameters: {},
      hasCredential: undefined
    })
  })
})

describe('run lookups', () => {
  it('latestRun maps the run status fields', async () => {
    const { client } = makeClient([
      json(
        200,
        envelope([
          runHit('wf-1-mzdza', 'wf-1', {
            phase: 'Failed',
            startedAt: '2026-05-02T08:36:16Z',
            finishedAt: '2026-05-02T08:40:01Z',
            message: 'child failed',
            progress: '2/3',
            estimatedDuration: 240,
            nodes: { x: {} }
          })
        ])
      )
    ])
    expect(await client.runsOf('wf-1')).toEqual([
      {
        name: 'wf-1-mzdza',
        workflowName: 'wf-1',
        phase: 'Failed',
        startedAt: '2026-05-02T08:36:16Z',
        finishedAt: '2026-05-02T08:40:01Z',
        message: 'child failed',
        progress: '2/3',
        estimatedDurationS: 240,
        creationTimestamp: '2026-01-01T00:00:00Z'
      }
    ])
  })

  it('no hit is undefined; an empty phase or missing status is Pending', async () => {
    const bare = { _id: 'wf-1-zzzzz', _source: { metadata: { name: 'wf-1-zzzzz' } } }
    const { client } = makeClient([
      json(200, envelope([])),
      json(200, envelope([runHit('wf-1-aaaaa', 'wf-1', { phase: '' })])),
      json(200, envelope([bare]))
    ])
    expect(await client.getRun('nope')).toBeUndefined()
    expect((await client.getRun('wf-1-aaaaa'))?.phase).toBe('Pending')
    expect((await client.runsOf('wf-1'))[0]).toMatchObject({
      name: 'wf-1-zzzzz',
      workflowName: 'wf-1',
      phase: 'Pending'
    })
  })

  it('runsOf returns every hit in index order', async () => {
    const { client } = makeClient([
      json(
        200,
        envelope([
          runHit('wf-1-b', 'wf-1', { phase: 'Running' }, '2026-01-02T00:00:00Z'),
          runHit('wf-1-a', 'wf-1', { phase: 'Succeeded' }, '2026-01-01T00:00:00Z')
        ])
      )
    ])
    expect((await client.runsOf('wf-1', 2)).map(r => [r.name, r.phase])).toEqual([
      ['wf-1-b', 'Running'],
      ['wf-1-a', 'Succeeded']
    ])
  })

  it('runUrl points at the run in the Atlan UI', () => {
    const { client } = makeClient([])
    expect(
      client.runUrl('csa-lineage-builder-1714638976', 'csa-lineage-builder-1714638976-mzdza')
    ).toBe(
      `${BASE}/workflows/profile/csa-lineage-builder-1714638976/runs?name=csa-lineage-builder-1714638976-mzdza`
    )
  })
})

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
