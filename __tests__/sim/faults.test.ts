// Faults on demand and the tenant without the legacy surface.
import { describe, expect, it } from '@jest/globals'
import { LEGACY_REMOVED_MESSAGE, startSimulator } from '../../sim/server.js'
import { bodies, call, fast, useSimulator, waitFor } from './client.js'

const sim = useSimulator({ scenario: fast })

const whoami = (timeoutMs?: number) =>
  call(sim(), 'GET', '/api/service/whoami', undefined, { timeoutMs })
const rerun = (name: string, timeoutMs?: number) =>
  call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(name), { timeoutMs })

describe('status faults', () => {
  it.each([401, 403, 404, 500, 502, 503, 504] as const)(
    '%i for the next N requests of a route',
    async status => {
      sim().addFault({ route: 'whoami', kind: 'status', status, count: 2 })
      for (let i = 0; i < 2; i++) {
        const res = await whoami()
        expect(res.status).toBe(status)
        expect(res.json).toMatchObject({
          errorCode: expect.any(String),
          errorMessage: expect.any(String)
        })
      }
      expect((await whoami()).status).toBe(200)
      expect(
        sim()
          .requests()
          .map(r => r.fault)
      ).toEqual(['status', 'status', undefined])
    }
  )

  it('429 carries Retry-After (scenario default or per fault)', async () => {
    sim().setScenario({ retryAfterSeconds: 7 })
    sim().addFault({ route: 'runs.search', kind: 'status', status: 429 })
    sim().addFault({ route: 'runs.search', kind: 'status', status: 429, retryAfterSeconds: 2 })
    const search = () => call(sim(), 'POST', '/api/service/runs/indexsearch', bodies.latestRun('x'))
    expect((await search()).headers.get('retry-after')).toBe('7')
    const second = await search()
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('2')
    expect((await search()).status).toBe(200)
  })

  it("route '*' hits any route; count -1 never runs out", async () => {
    sim().addFault({ route: '*', kind: 'status', status: 503 })
    expect((await call(sim(), 'POST', '/api/service/workflows/indexsearch', {})).status).toBe(503)
    expect((await whoami()).status).toBe(200)
    sim().addFault({ route: 'whoami', kind: 'status', status: 403, count: -1 })
    for (let i = 0; i < 5; i++) expect((await whoami()).status).toBe(403)
  })

  it('a 502 with perform: true has started the run the client never heard of', async () => {
    const wf = sim().seed({ credential: 's3' })
    sim().addFault({ route: 'rerun', kind: 'status', status: 502, perform: true })
    expect((await rerun(wf)).status).toBe(502)
    expect(sim().runs()).toHaveLength(2)
    sim().addFault({ route: 'rerun', kind: 'status', status: 503 })
    expect((await rerun(wf)).status).toBe(503)
    expect(sim().runs()).toHaveLength(2) // not performed by default
  })
})

describe('transport faults', () => {
  it('reset destroys the socket without a reply', async () => {
    sim().addFault({ route: 'whoami', kind: 'reset' })
    await expect(whoami()).rejects.toThrow()
    expect(sim().requests()[0]).toMatchObject({ route: 'whoami', fault: 'reset' })
    expect(sim().requests()[0].status).toBeUndefined()
    expect((await whoami()).status).toBe(200)
  })

  it('slow answers after delayMs, past a shorter client timeout', async () => {
    sim().addFault({ route: 'whoami', kind: 'slow', delayMs: 400 })
    await expect(whoami(100)).rejects.toThrow(/abort|timeout/i)
    sim().addFault({ route: 'whoami', kind: 'slow', delayMs: 150 })
    const started = Date.now()
    expect((await whoami(2000)).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('malformed answers 200 with broken JSON', async () => {
    sim().addFault({ route: 'whoami', kind: 'malformed' })
    const res = await whoami()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/json/)
    expect(() => JSON.parse(res.text)).toThrow()
  })

  it('store-no-answer performs the submit, then holds the socket until the client gives up', async () => {
    const wf = sim().seed({ credential: 's3', runs: [] })
    sim().addFault({ route: 'rerun', kind: 'store-no-answer' })
    await expect(rerun(wf, 300)).rejects.toThrow(/abort|timeout/i)
    expect(sim().runs()).toHaveLength(1)
    const rec = sim()
      .requests()
      .find(r => r.route === 'rerun')
    expect(rec?.status).toBeUndefined()
    expect(rec?.fault).toBe('store-no-answer')
    // The run is real: it shows up in the index and finishes.
    const hit = await waitFor(
      async () =>
        (await call(sim(), 'POST', '/api/service/runs/indexsearch', bodies.latestRun(wf))).json.hits
          .hits[0]
    )
    expect(hit._id).toBe(sim().runs()[0].name)
  })

  it('store-no-answer on submit: close() does not wait for the held socket', async () => {
    const other = await startSimulator({ scenario: fast })
    try {
      other.addFault({ route: 'submit', kind: 'store-no-answer' })
      const pending = call(
        other,
        'POST',
        '/api/service/workflows?submit=true',
        { metadata: { name: 'wf-a' }, spec: {} },
        { timeoutMs: 3000 }
      )
      await waitFor(() => (other.runs().length === 1 ? true : undefined), 2000)
      await other.close()
      await expect(pending).rejects.toThrow()
    } finally {
      await other.close()
    }
  })

  it('flood answers a search with the real hits followed by filler, whatever size was asked', async () => {
    sim().addFault({ route: 'assets.search', kind: 'flood', entities: 5000 })
    const body = {
      dsl: { from: 0, size: 2, query: { term: { '__typeName.keyword': { value: 'Connection' } } } },
      attributes: ['name']
    }
    const flooded = await call(sim(), 'POST', '/api/meta/search/indexsearch', body)
    expect(flooded.status).toBe(200)
    expect(flooded.json.entities).toHaveLength(5000)
    expect(flooded.json.approximateCount).toBe(5000)
    expect(flooded.json.entities[0].typeName).toBe('Connection')
    expect(flooded.json.entities[4999]).toMatchObject({ typeName: 'Table', guid: 'flood-4997' })
    const normal = await call(sim(), 'POST', '/api/meta/search/indexsearch', body)
    expect(normal.json.entities).toHaveLength(2)
    expect(() => sim().addFault({ route: 'whoami', kind: 'flood' })).toThrow(/assets\.search/)
    expect(() => sim().addFault({ route: 'assets.search', kind: 'flood', entities: -1 })).toThrow(
      /whole number/
    )
  })

  it('rejects a fault it does not know', () => {
    expect(() => sim().addFault({ route: 'nope' as 'whoami', kind: 'reset' })).toThrow(/route/)
    expect(() => sim().addFault({ route: 'whoami', kind: 'store-no-answer' })).toThrow(
      /submit or rerun/
    )
  })
})

describe('legacyRemoved tenant', () => {
  it('legacy paths answer 404 with the generic body; whoami and /v1/app work', async () => {
    const wf = sim().seed({})
    sim().setScenario({ legacyRemoved: true })
    const legacy: [string, unknown][] = [
      ['/api/service/workflows?submit=true', { metadata: { name: 'x' }, spec: {} }],
      ['/api/service/package-workflows?submit=true', { metadata: { name: 'x' }, spec: {} }],
      ['/api/service/workflows/submit', bodies.rerun(wf)],
      ['/api/service/package-workflows/submit', bodies.rerun(wf)],
      ['/api/service/workflows/indexsearch', bodies.findById(wf)],
      ['/api/service/runs/indexsearch', bodies.latestRun(wf)],
      [`/api/service/runs/${wf}-abcde/stop`, undefined],
      [`/api/service/workflows/${wf}/archive`, undefined]
    ]
    for (const [path, body] of legacy) {
      const res = await call(sim(), 'POST', path, body)
      expect([path, res.status]).toEqual([path, 404])
      expect(res.json).toMatchObject({
        errorCode: expect.any(String),
        errorMessage: LEGACY_REMOVED_MESSAGE
      })
      expect(res.json).toHaveProperty('causes')
    }
    expect((await whoami()).status).toBe(200)
    const apps = await call(sim(), 'GET', '/api/service/v1/app')
    expect(apps.status).toBe(200)
    expect(apps.json).toEqual({ workflows: [], has_more: false })
    expect(sim().runs()).toHaveLength(1) // only the seeded one: nothing ran
  })
})
