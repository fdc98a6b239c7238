// docs/atlan-contract.md §3 contract: the exact SDK request bodies, and every response field a client reads.
import { beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { describeShared, fixture } from '../helpers/shared.js'
import {
  bodies,
  call,
  fast,
  putObject,
  searchRuns,
  searchWorkflows,
  terminalRun,
  TS,
  useSimulator,
  waitFor
} from './client.js'

type Spec = {
  templates: {
    dag: { tasks: { arguments: { parameters: { name: string; value: unknown }[] } }[] }
  }[]
}

/** The stored spec with the vaulted credential GUID put back as pyatlan's placeholder. */
function unvault(spec: Spec): Spec {
  const copy = structuredClone(spec)
  for (const p of copy.templates[0].dag.tasks[0].arguments.parameters)
    if (p.name === 'cloud_source') {
      expect(p.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      p.value = '{{credentialGuid}}'
    }
  return copy
}

const sim = useSimulator({ scenario: fast })

const WF = 'csa-lineage-builder-1714638976'
const golden = (store: string) =>
  JSON.parse(readFileSync(fixture(`lineage_builder_${store}.json`), 'utf8'))

function expectErrorBody(json: Record<string, unknown>): void {
  for (const k of ['errorCode', 'errorMessage', 'causes', 'errorCause', 'errorId', 'doc'])
    expect(json).toHaveProperty(k)
}

function expectHitShape(hit: Record<string, unknown>): void {
  for (const k of ['_index', '_type', '_id', '_seq_no', '_primary_term', 'sort', '_source'])
    expect(hit).toHaveProperty(k)
}

describe('auth and whoami (§2.3, §3.1)', () => {
  it.each([
    ['token', '$api-token-default-access'],
    ['admin', '$admin'],
    ['user', '$member']
  ] as const)('role %s → %s', async (role, name) => {
    sim().setScenario({ role })
    const res = await call(sim(), 'GET', '/api/service/whoami')
    expect(res.status).toBe(200)
    expect(res.json.roles.map((r: { name: string }) => r.name)).toEqual([name])
  })

  it('401 with the generic error body without or with a wrong token', async () => {
    for (const token of [null, 'wrong']) {
      const res = await call(sim(), 'GET', '/api/service/whoami', undefined, { token })
      expect(res.status).toBe(401)
      expectErrorBody(res.json)
    }
  })
})

describeShared('submit with the golden bodies (§3.2)', () => {
  it.each(['s3', 'gcs', 'adls'])(
    '%s on the workflows family, then runs to Succeeded',
    async store => {
      const body = golden(store)
      const res = await call(sim(), 'POST', '/api/service/workflows?submit=true', body)
      expect(res.status).toBe(200)
      expect(res.json.metadata).toMatchObject({
        name: 'csa-lineage-builder-123456',
        namespace: 'default'
      })
      expect(res.json.metadata.creationTimestamp).toMatch(TS)
      expect(unvault(res.json.spec)).toEqual(body.spec)
      expect(res.json.payload).toEqual(body.payload)
      const [rec] = sim().requests()
      expect(rec).toMatchObject({
        route: 'submit',
        family: 'workflows',
        query: { submit: 'true' },
        status: 200
      })
      expect(rec.body).toEqual(body)

      const hit = await terminalRun(sim(), 'csa-lineage-builder-123456')
      expectHitShape(hit)
      expect(hit._id).toMatch(/^csa-lineage-builder-123456-[a-z0-9]{5}$/)
      expect(hit._source.metadata.name).toBe(hit._id)
      expect(hit._source.spec.workflowTemplateRef.name).toBe('csa-lineage-builder-123456')
      expect(hit._source.status).toMatchObject({ phase: 'Succeeded', progress: '2/2' })
      expect(hit._source.status.startedAt).toMatch(TS)
      expect(hit._source.status.finishedAt).toMatch(TS)
      expect(hit._source.metadata.labels['workflows.argoproj.io/phase']).toBe('Succeeded')
      expect(hit._source.metadata.labels['workflows.argoproj.io/creator']).toEqual(
        expect.any(String)
      )
      expect(
        sim()
          .requests()
          .filter(r => r.route === 'submit')
      ).toHaveLength(1)
    }
  )

  it('a plain user submits on package-workflows; the legacy family answers 403', async () => {
    sim().setScenario({ role: 'user' })
    const denied = await call(sim(), 'POST', '/api/service/workflows?submit=true', golden('s3'))
    expect(denied.status).toBe(403)
    expectErrorBody(denied.json)
    const res = await call(
      sim(),
      'POST',
      '/api/service/package-workflows?submit=true',
      golden('s3')
    )
    expect(res.status).toBe(200)
    expect(res.json.metadata.name).toBe('csa-lineage-builder-123456')
    expect(
      sim()
        .requests()
        .map(r => r.family)
    ).toEqual(['workflows', 'package-workflows'])
  })

  it('finds the submitted workflow by prefix and by id, not by the 10-digit regexp', async () => {
    const body = golden('s3')
    await call(sim(), 'POST', '/api/service/workflows?submit=true', body)
    await waitFor(
      async () =>
        (await searchRuns(sim(), bodies.latestRun('csa-lineage-builder-123456'))).json.hits.hits[0]
    )
    const byPrefix = await searchWorkflows(sim(), bodies.findByPrefix('csa-lineage-builder'))
    expect(byPrefix.json.hits.hits.map((h: { _id: string }) => h._id)).toEqual([
      'csa-lineage-builder-123456'
    ])
    const byType = await searchWorkflows(sim(), bodies.findByType('csa-lineage-builder'))
    expect(byType.json.hits.total.value).toBe(0)
    const byId = await searchWorkflows(sim(), bodies.findById('csa-lineage-builder-123456'))
    const hit = byId.json.hits.hits[0]
    expectHitShape(hit)
    expect(hit._source).toMatchObject({
      kind: 'WorkflowTemplate',
      metadata: { name: hit._id, namespace: 'default' }
    })
    expect(hit._source.metadata.creationTimestamp).toMatch(TS)
    expect(hit._source.spec.workflowTemplateRef.name).toBe(hit._id)
    expect(unvault(hit._source.spec).templates[0].dag.tasks[0].arguments.parameters).toEqual(
      body.spec.templates[0].dag.tasks[0].arguments.parameters
    )
    expect(hit._source).not.toHaveProperty('payload')
  })
})

describe('find, rerun, poll (§3.3–3.8)', () => {
  beforeEach(() => {
    sim().seed({ name: WF, prefix: 'lineage', key: 'orders.csv' })
  })

  it('find by type (regexp) returns the envelope of §3.4', async () => {
    sim().seed({ name: 'csa-lineage-builder-1714000000' })
    sim().seed({ name: 'csa-lineage-builder-17140000001' }) // 11 digits: no whole-string match
    const res = await searchWorkflows(sim(), bodies.findByType('csa-lineage-builder'))
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ took: expect.any(Number), _shards: expect.any(Object) })
    expect(res.json.hits.total.value).toBe(2)
    const ids = res.json.hits.hits.map((h: { _id: string }) => h._id)
    expect(ids.sort()).toEqual(['csa-lineage-builder-1714000000', WF])
  })

  it('unknown id: 200 with empty hits', async () => {
    const res = await searchWorkflows(sim(), bodies.findById('invalid-id'))
    expect(res.status).toBe(200)
    expect(res.json.hits.hits).toEqual([])
  })

  it('rerun replies the run; current, latest, by _id and by metadata.name find it', async () => {
    const found = await searchWorkflows(sim(), bodies.findById(WF))
    const namespace = found.json.hits.hits[0]._source.metadata.namespace
    const res = await call(
      sim(),
      'POST',
      '/api/service/workflows/submit',
      bodies.rerun(WF, namespace)
    )
    expect(res.status).toBe(200)
    const run = res.json.metadata.name as string
    expect(run).toMatch(new RegExp(`^${WF}-[a-z0-9]{5}$`))
    expect(res.json.metadata.namespace).toBe('default')
    expect(res.json.spec.workflowTemplateRef.name).toBe(WF)
    expect(res.json.status.phase).toBe('Pending')
    expect(sim().requests().at(-1)).toMatchObject({ route: 'rerun', family: 'workflows' })

    const current = await searchRuns(sim(), bodies.currentRun(WF))
    const active = current.json.hits.hits.find((h: { _source: { status: { phase: string } } }) =>
      ['Pending', 'Running'].includes(h._source.status.phase)
    )
    expect(active._id).toBe(run)
    expect(current.json.hits.total.value).toBe(2) // the seeded past run too

    for (const body of [bodies.runById(run), bodies.runByName(run)]) {
      const hit = (await searchRuns(sim(), body)).json.hits.hits
      expect(hit.map((h: { _id: string }) => h._id)).toEqual([run])
    }
    const done = await terminalRun(sim(), WF)
    expect(done._id).toBe(run)
    expect(done._source.status.phase).toBe('Failed') // nothing uploaded at lineage/orders.csv
    expect(done._source.status.message).toBe('No input file was provided for lineage.')
  })

  it('rerun on package-workflows, and the errors: unknown template 404, bad body 400', async () => {
    const ok = await call(sim(), 'POST', '/api/service/package-workflows/submit', bodies.rerun(WF))
    expect(ok.status).toBe(200)
    expect(sim().requests().at(-1)?.family).toBe('package-workflows')
    const missing = await call(
      sim(),
      'POST',
      '/api/service/workflows/submit',
      bodies.rerun('csa-lineage-builder-1')
    )
    expect(missing.status).toBe(404)
    expectErrorBody(missing.json)
    const bad = await call(sim(), 'POST', '/api/service/workflows/submit', {
      ...bodies.rerun(WF),
      resourceKind: 'Workflow'
    })
    expect(bad.status).toBe(400)
  })

  it('stop replies Running, then the run ends Failed as stopped (§3.10)', async () => {
    sim().setScenario({ pendingMs: 2000 })
    const run = (await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(WF))).json
      .metadata.name
    const res = await call(sim(), 'POST', `/api/service/runs/${run}/stop`)
    expect(res.status).toBe(200)
    expect(res.json.metadata.name).toBe(run)
    expect(res.json.status.phase).toBe('Running')
    expect(res.json.status.storedWorkflowTemplateSpec.workflowTemplateRef.name).toBe(WF)
    const done = await terminalRun(sim(), WF)
    expect(done._source.status.phase).toBe('Failed')
    expect(done._source.status.message).toMatch(/Stopped/)
    expect((await call(sim(), 'POST', '/api/service/runs/nope-abcde/stop')).status).toBe(404)
  })

  it('archive answers an empty 200; the workflow is gone for search and rerun', async () => {
    const res = await call(sim(), 'POST', `/api/service/workflows/${WF}/archive`)
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    const found = await searchWorkflows(sim(), bodies.findById(WF))
    expect(found.json.hits.hits).toEqual([])
    expect(
      (await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(WF))).status
    ).toBe(404)
  })

  it('update replaces the stored spec and replies a WorkflowResponse (§3.12)', async () => {
    const found = await searchWorkflows(sim(), bodies.findById(WF))
    const doc = found.json.hits.hits[0]._source
    doc.spec.templates[0].dag.tasks[0].arguments.parameters[1].value = 'other.csv'
    const res = await call(sim(), 'POST', `/api/service/workflows/${WF}`, {
      metadata: doc.metadata,
      spec: doc.spec
    })
    expect(res.status).toBe(200)
    expect(res.json.metadata.name).toBe(WF)
    const again = await searchWorkflows(sim(), bodies.findById(WF))
    expect(
      again.json.hits.hits[0]._source.spec.templates[0].dag.tasks[0].arguments.parameters[1].value
    ).toBe('other.csv')
  })
})

describe('presigned upload (§3.13)', () => {
  it('S3 mode: PUT without Authorization stores the bytes and answers 200', async () => {
    const pre = await call(sim(), 'POST', '/api/service/files/presignedUrl', {
      key: 'lineage/a.csv',
      expiry: '60s',
      method: 'PUT'
    })
    expect(pre.status).toBe(200)
    expect(pre.json.url.startsWith(`${sim().url}/objectstore/lineage/a.csv?`)).toBe(true)
    const put = await call(sim(), 'PUT', pre.json.url, undefined, {
      token: null,
      raw: 'a,b\n1,2\n'
    })
    expect(put.status).toBe(200)
    expect(sim().objects().get('lineage/a.csv')?.toString()).toBe('a,b\n1,2\n')
    const rec = sim().requests().at(-1)
    expect(rec).toMatchObject({ route: 'upload', body: { bytes: 8 }, status: 200 })
    expect(rec?.headers.authorization).toBeUndefined()
    const objects = await call(sim(), 'GET', '/_sim/objects', undefined, { token: null })
    expect(objects.json).toEqual([{ key: 'lineage/a.csv', size: 8 }])
  })

  it('a tampered or foreign URL is refused with 403', async () => {
    const pre = await call(sim(), 'POST', '/api/service/files/presignedUrl', {
      key: 'x.csv',
      expiry: '60s',
      method: 'PUT'
    })
    const tampered = pre.json.url.replace('/x.csv?', '/y.csv?')
    expect((await call(sim(), 'PUT', tampered, undefined, { token: null, raw: 'x' })).status).toBe(
      403
    )
    expect(
      (
        await call(sim(), 'PUT', `${sim().url}/objectstore/x.csv`, undefined, {
          token: null,
          raw: 'x'
        })
      ).status
    ).toBe(403)
  })

  it('Azure mode: requires x-ms-blob-type: BlockBlob (400 otherwise) and answers 201', async () => {
    sim().setScenario({ objectStore: 'azure' })
    const pre = await call(sim(), 'POST', '/api/service/files/presignedUrl', {
      key: 'k.csv',
      expiry: '10s',
      method: 'PUT'
    })
    expect(
      (await call(sim(), 'PUT', pre.json.url, undefined, { token: null, raw: 'x' })).status
    ).toBe(400)
    const put = await putObject(sim(), 'k.csv', 'hello')
    expect(put.status).toBe(201)
    expect(sim().objects().get('k.csv')?.toString()).toBe('hello')
  })
})
