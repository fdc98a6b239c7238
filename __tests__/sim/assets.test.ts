// The simulator's asset store over HTTP: connection and qualifiedName searches, index lag, soft
// delete, and what a Succeeded run applies for each input_handling.
import { afterEach, describe, expect, it } from '@jest/globals'
import { applyLineageCsv } from '../../sim/lineage-apply.js'
import { startSimulator, type Simulator } from '../../sim/server.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function call(s: Simulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

const search = (filter: unknown[]) => ({
  dsl: { from: 0, size: 100, query: { bool: { filter } } },
  attributes: ['name', 'connectorName']
})
const ACTIVE = { term: { __state: { value: 'ACTIVE' } } }

describe('asset store', () => {
  it('finds a seeded connection by connector and name, as pyatlan asks', async () => {
    sim = await startSimulator()
    const r = await call(
      sim,
      'POST',
      '/api/meta/search/indexsearch',
      search([
        ACTIVE,
        { term: { '__typeName.keyword': { value: 'Connection' } } },
        { term: { 'name.keyword': { value: 'dbt-cloud' } } },
        { term: { connectorName: { value: 'dbt' } } }
      ])
    )
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      approximateCount: 1,
      entities: [
        {
          typeName: 'Connection',
          attributes: { qualifiedName: 'default/dbt/1700000003', name: 'dbt-cloud' }
        }
      ]
    })
    const none = await call(
      sim,
      'POST',
      '/api/meta/search/indexsearch',
      search([{ term: { 'name.keyword': { value: 'nope' } } }])
    )
    expect(none.json).toEqual({ queryType: 'INDEX', approximateCount: 0 })
  })

  it('needs the token', async () => {
    sim = await startSimulator()
    const res = await fetch(`${sim.url}/api/meta/search/indexsearch`, {
      method: 'POST',
      body: '{}'
    })
    expect(res.status).toBe(401)
  })

  it('applies a CSV by input_handling, then soft-deletes a process after the index lag', async () => {
    sim = await startSimulator({ scenario: { indexLagMs: 150 } })
    const csv =
      'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name\n' +
      'Table,snowflake,prod,db/s/a,a,Table,snowflake,prod,db/s/b,b,dbt,dbt-cloud,m_b,a > b\n' +
      'Table,snowflake,nope,db/s/x,x,Table,snowflake,prod,db/s/b,b,dbt,dbt-cloud,m_x,x > b\n'
    const opts = { caseSensitive: true, separator: ',', lagMs: 150 }
    expect(applyLineageCsv(sim.assets, csv, { ...opts, semantic: 'update' })).toEqual({
      processes: 0,
      assetsCreated: 0,
      rowsSkipped: 2
    })
    expect(applyLineageCsv(sim.assets, csv, { ...opts, semantic: 'partial' })).toEqual({
      processes: 1,
      assetsCreated: 2,
      rowsSkipped: 1
    })
    const qn = 'default/dbt/1700000003/m_b'
    const byName = search([
      ACTIVE,
      { terms: { qualifiedName: [qn, 'default/snowflake/1700000002/db/s/a'] } }
    ])
    expect(
      (await call(sim, 'POST', '/api/meta/search/indexsearch', byName)).json.approximateCount
    ).toBe(0)
    await new Promise(r => setTimeout(r, 200))
    const found = await call(sim, 'POST', '/api/meta/search/indexsearch', byName)
    expect(found.json.approximateCount).toBe(2)
    const guid = sim.assets.active(qn)!.guid
    const del = await call(sim, 'DELETE', `/api/meta/entity/bulk?guid=${guid}&deleteType=SOFT`)
    expect(del.json).toMatchObject({ mutatedEntities: { DELETE: [{ guid, status: 'DELETED' }] } })
    expect(sim.requests().map(q => q.route)).toContain('assets.delete')
    await new Promise(r => setTimeout(r, 200))
    expect(
      (await call(sim, 'POST', '/api/meta/search/indexsearch', byName)).json.approximateCount
    ).toBe(1)
  })
})

describe('what the token may read (docs/atlan-contract.md §10.8)', () => {
  const PROD = 'default/snowflake/1700000002'
  const connections = search([ACTIVE, { term: { '__typeName.keyword': { value: 'Connection' } } }])
  const put = (s: Simulator, typeName: string, qn: string) =>
    s.assets.put(
      {
        typeName,
        qualifiedName: `${PROD}/${qn}`,
        name: qn,
        connectorName: 'snowflake',
        connectionQualifiedName: PROD
      },
      0
    )

  it('scrub: what the token may not read comes back scrubbed, with only its names left', async () => {
    sim = await startSimulator({ scenario: { readableConnections: [PROD] } })
    const r = await call(sim, 'POST', '/api/meta/search/indexsearch', connections)
    const entities = r.json.entities as Array<Record<string, unknown>>
    expect(r.json.approximateCount).toBe(4)
    const byName = Object.fromEntries(
      entities.map(e => [(e.attributes as { name: string }).name, e])
    )
    expect(byName.prod).not.toHaveProperty('scrubbed')
    expect(byName['dbt-cloud']).toMatchObject({
      scrubbed: true,
      guid: expect.any(String),
      updateTime: expect.any(Number),
      attributes: {
        qualifiedName: 'default/dbt/1700000003',
        name: 'dbt-cloud',
        connectorName: 'dbt'
      }
    })
    expect(byName['dbt-cloud']).not.toHaveProperty('displayText')
  })

  it('full: it is left out, and not counted; processes stay readable', async () => {
    sim = await startSimulator({ scenario: { readRestriction: 'full', readableConnections: [] } })
    put(sim, 'Table', 'db/s/a')
    const proc = put(sim, 'Process', 'p1')
    const r = await call(sim, 'POST', '/api/meta/search/indexsearch', connections)
    expect(r.json).toEqual({ queryType: 'INDEX', approximateCount: 0 })
    const assets = search([
      ACTIVE,
      { terms: { qualifiedName: [`${PROD}/db/s/a`, proc.qualifiedName] } }
    ])
    const found = await call(sim, 'POST', '/api/meta/search/indexsearch', assets)
    expect(found.json).toMatchObject({ approximateCount: 1, entities: [{ typeName: 'Process' }] })
  })

  it('GET entity/guid: the entity as stored, 404 when unknown, 403 when not readable', async () => {
    sim = await startSimulator({ scenario: { readableConnections: [] } })
    const proc = put(sim, 'Process', 'p1')
    const table = put(sim, 'Table', 'db/s/a')
    const got = await call(
      sim,
      'GET',
      `/api/meta/entity/guid/${proc.guid}?minExtInfo=true&ignoreRelationships=true`
    )
    expect(got.status).toBe(200)
    expect(got.json).toMatchObject({
      entity: {
        typeName: 'Process',
        guid: proc.guid,
        status: 'ACTIVE',
        updateTime: proc.updatedAt,
        attributes: { qualifiedName: proc.qualifiedName }
      }
    })
    expect((await call(sim, 'GET', '/api/meta/entity/guid/nope')).status).toBe(404)
    expect((await call(sim, 'GET', `/api/meta/entity/guid/${table.guid}`)).status).toBe(403)
    expect(sim.requests().map(q => q.route)).toEqual(['assets.get', 'assets.get', 'assets.get'])
  })

  it('a delete that names what the token may not read is refused whole', async () => {
    sim = await startSimulator({ scenario: { readableConnections: [] } })
    const proc = put(sim, 'Process', 'p1')
    const table = put(sim, 'Table', 'db/s/a')
    const del = await call(
      sim,
      'DELETE',
      `/api/meta/entity/bulk?guid=${proc.guid}&guid=${table.guid}&deleteType=SOFT`
    )
    expect(del.status).toBe(403)
    expect(sim.assets.active(proc.qualifiedName)).toBeDefined()
  })
})

describe('names, duplicates and archived assets (§10.9)', () => {
  it('name.keyword matches without case; a term can ask for case_insensitive', async () => {
    sim = await startSimulator()
    const byName = await call(
      sim,
      'POST',
      '/api/meta/search/indexsearch',
      search([{ terms: { 'name.keyword': ['PROD', 'Dbt-Cloud'] } }])
    )
    expect(byName.json.approximateCount).toBe(2)
    const qn = search([
      { term: { qualifiedName: { value: 'DEFAULT/DBT/1700000003', case_insensitive: true } } }
    ])
    expect(
      (await call(sim, 'POST', '/api/meta/search/indexsearch', qn)).json.approximateCount
    ).toBe(1)
    const exact = search([{ term: { qualifiedName: { value: 'DEFAULT/DBT/1700000003' } } }])
    expect(
      (await call(sim, 'POST', '/api/meta/search/indexsearch', exact)).json.approximateCount
    ).toBe(0)
  })

  it('a run resolves a name without case, an exact spelling first, else the newest of equal matches', async () => {
    sim = await startSimulator()
    expect(sim.assets.connection('SNOWFLAKE', 'PROD')?.qualifiedName).toBe(
      'default/snowflake/1700000002'
    )
    const twin = sim.assets.addConnection({ connector: 'snowflake', name: 'prod' }, 0)
    expect(sim.assets.connection('snowflake', 'Prod')?.qualifiedName).toBe(twin.qualifiedName)
    const exact = sim.assets.addConnection({ connector: 'snowflake', name: 'Prod' }, 0)
    expect(sim.assets.connection('snowflake', 'Prod')?.qualifiedName).toBe(exact.qualifiedName)
  })

  it('writing an archived qualifiedName restores it under its GUID', async () => {
    sim = await startSimulator()
    const csv = `Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name
Table,snowflake,prod,db/s/a,a,Table,snowflake,prod,db/s/b,b,dbt,dbt-cloud,m_b,a > b
`
    const opts = { semantic: 'partial', caseSensitive: true, separator: ',', lagMs: 0 }
    applyLineageCsv(sim.assets, csv, opts)
    const p = sim.assets.active('default/dbt/1700000003/m_b')!
    sim.assets.softDelete(p.guid, 0)
    expect(sim.assets.active(p.qualifiedName)).toBeUndefined()
    applyLineageCsv(sim.assets, csv, opts)
    expect(sim.assets.active(p.qualifiedName)?.guid).toBe(p.guid)
  })

  it('a write that changes nothing leaves the updateTime; without case a process is written under its stored name', async () => {
    sim = await startSimulator()
    const csv = (identity: string, name: string) =>
      `Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name
Table,snowflake,prod,db/s/a,a,Table,snowflake,prod,db/s/b,b,dbt,dbt-cloud,${identity},${name}
`
    const opts = { semantic: 'partial', caseSensitive: true, separator: ',', lagMs: 0 }
    applyLineageCsv(sim.assets, csv('m_b', 'a > b'), { ...opts, at: 1000 })
    const qn = 'default/dbt/1700000003/m_b'
    applyLineageCsv(sim.assets, csv('m_b', 'a > b'), { ...opts, at: 2000 })
    expect(sim.assets.active(qn)?.updatedAt).toBe(1000)
    applyLineageCsv(sim.assets, csv('m_b', 'a to b'), { ...opts, at: 3000 })
    expect(sim.assets.active(qn)?.updatedAt).toBe(3000)

    applyLineageCsv(sim.assets, csv('M_B', 'a to b'), { ...opts, caseSensitive: false, at: 4000 })
    expect(sim.assets.active('default/dbt/1700000003/M_B')).toBeUndefined()
    expect(sim.assets.active(qn)?.updatedAt).toBe(3000)
    applyLineageCsv(sim.assets, csv('M_B', 'a to b'), {
      ...opts,
      semantic: 'upsert',
      caseSensitive: false
    })
    expect(sim.assets.active('default/dbt/1700000003/M_B')).toBeDefined()
  })
})
