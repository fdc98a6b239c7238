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
