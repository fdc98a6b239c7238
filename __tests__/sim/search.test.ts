// Index searches: ES regexp semantics, index lag, estimatedDuration, filters, sort and paging.
import { describe, expect, it } from '@jest/globals'
import { esRegexp } from '../../sim/es-regexp.js'
import { bodies, call, fast, latestRun, terminalRun, useSimulator, waitFor } from './client.js'

const sim = useSimulator({ scenario: fast })

const runs = (body: unknown) => call(sim(), 'POST', '/api/service/runs/indexsearch', body)
const workflows = (body: unknown) => call(sim(), 'POST', '/api/service/workflows/indexsearch', body)
const ids = (res: { json: { hits: { hits: { _id: string }[] } } }) =>
  res.json.hits.hits.map(h => h._id)

describe('ES regexp translation', () => {
  const re = esRegexp('csa[-]lineage[-]builder[-][0-9]{10}')
  it.each([
    ['csa-lineage-builder-1714638976', true],
    ['csa-lineage-builder-123456', false],
    ['csa-lineage-builder-17146389761', false],
    ['xcsa-lineage-builder-1714638976', false],
    ['csa-lineage-builder-1714638976-abcde', false]
  ])('%s → %s (whole-string match)', (name, want) => {
    expect(re.test(name)).toBe(want)
  })

  it('treats ^ and $ as characters, supports "quoted" strings, @ and dot over newlines', () => {
    expect(esRegexp('a^b$').test('a^b$')).toBe(true)
    expect(esRegexp('"a.b"c*').test('a.bccc')).toBe(true)
    expect(esRegexp('"a.b"').test('axb')).toBe(false)
    expect(esRegexp('a@').test('a-anything')).toBe(true)
    expect(esRegexp('a.b').test('a\nb')).toBe(true)
    expect(() => esRegexp('a~b')).toThrow(/not supported/)
  })
})

describe('index lag', () => {
  it('a new workflow and its run stay invisible for indexLagMs', async () => {
    sim().setScenario({ indexLagMs: 400, pendingMs: 5000 })
    const name = sim().seed({ runs: [] })
    expect(ids(await workflows(bodies.findByType('csa-lineage-builder')))).toEqual([]) // never ran
    const started = Date.now()
    const rerun = await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(name))
    expect(rerun.status).toBe(200)
    expect(await latestRun(sim(), name)).toBeUndefined()
    expect(ids(await workflows(bodies.findByType('csa-lineage-builder')))).toEqual([])
    const hit = await waitFor(() => latestRun(sim(), name), 3000, 'the run to be indexed')
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    expect(hit._id).toBe(rerun.json.metadata.name)
    expect(ids(await workflows(bodies.findByType('csa-lineage-builder')))).toEqual([name])
  })

  it('phase changes are indexed late too', async () => {
    sim().setScenario({ indexLagMs: 300, pendingMs: 10, runningMs: 10 })
    const name = sim().seed({ credential: 's3', runs: [] })
    const run = (await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(name)))
      .json.metadata.name
    await waitFor(
      () =>
        sim()
          .runs()
          .find(r => r.name === run && r.phase === 'Succeeded'),
      2000
    )
    // The live run is done; the index still shows an older state (or nothing yet).
    const hit = (await runs(bodies.runById(run))).json.hits.hits[0]
    expect(hit?._source.status.phase).not.toBe('Succeeded')
    const done = await terminalRun(sim(), name, 3000)
    expect(done._id).toBe(run)
    expect(done._source.status.phase).toBe('Succeeded')
  })
})

describe('seeded active runs', () => {
  it('a seeded Running run is found as current and ends by the normal rules', async () => {
    const wf = sim().seed({
      credential: 'adls',
      runs: [{ phase: 'Succeeded' }, { phase: 'Running', remainingMs: 150 }]
    })
    const current = await runs(bodies.currentRun(wf))
    expect(current.json.hits.hits[0]._source.status.phase).toBe('Running')
    expect(current.json.hits.hits[0]._source.status.estimatedDuration).toBe(60)
    const done = await terminalRun(sim(), wf)
    expect(done._id).toBe(current.json.hits.hits[0]._id)
    expect(done._source.status.phase).toBe('Succeeded')
  })
})

describe('estimatedDuration', () => {
  it('is the duration of the last Succeeded run, absent when there is none', async () => {
    const seeded = sim().seed({
      credential: 's3',
      runs: [
        { phase: 'Succeeded', durationS: 120 },
        { phase: 'Succeeded', durationS: 90 },
        { phase: 'Failed', durationS: 5 }
      ]
    })
    await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(seeded))
    expect((await latestRun(sim(), seeded))._source.status.estimatedDuration).toBe(90)

    const fresh = sim().seed({ credential: 's3', runs: [] })
    await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(fresh))
    const first = await terminalRun(sim(), fresh)
    expect(first._source.status).not.toHaveProperty('estimatedDuration')
    await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(fresh))
    const second = await waitFor(async () => {
      const hit = await latestRun(sim(), fresh)
      return hit._id !== first._id ? hit : undefined
    })
    expect(second._source.status.estimatedDuration).toBeGreaterThanOrEqual(1)
  })
})

describe('filters, sort and paging', () => {
  let wf: string
  beforeEach(() => {
    wf = sim().seed({
      runs: [
        { phase: 'Succeeded', startedAgoS: 500 },
        { phase: 'Failed', startedAgoS: 400 },
        { phase: 'Succeeded', startedAgoS: 300 },
        { phase: 'Error', startedAgoS: 200 }
      ]
    })
    sim().seed({ name: 'csa-lineage-builder-1000000000' })
  })

  it('runs of a workflow in a phase: status.phase.keyword in filter or must', async () => {
    const res = await runs(bodies.runsInPhase(wf, 'Succeeded'))
    expect(res.json.hits.total.value).toBe(2)
    expect(
      res.json.hits.hits.every(
        (h: { _source: { status: { phase: string } } }) => h._source.status.phase === 'Succeeded'
      )
    ).toBe(true)
    const body = bodies.runsInPhase(wf, 'Failed')
    const must = {
      ...body,
      query: { bool: { must: [...body.query.bool.must, ...body.query.bool.filter] } }
    }
    expect((await runs(must)).json.hits.total.value).toBe(1)
  })

  it('sorts by status.startedAt desc, pages with from/size, reports the sort values', async () => {
    const all = await runs({ ...bodies.latestRun(wf), size: 10 })
    const started = all.json.hits.hits.map(
      (h: { _source: { status: { startedAt: string } } }) => h._source.status.startedAt
    )
    expect([...started].sort().reverse()).toEqual(started)
    expect(all.json.hits.hits[0].sort).toEqual([Date.parse(started[0])])
    const page = await runs({ ...bodies.latestRun(wf), from: 1, size: 2 })
    expect(page.json.hits.total.value).toBe(4)
    expect(ids(page)).toEqual(ids(all).slice(1, 3))
    const asc = await runs({
      ...bodies.latestRun(wf),
      size: 10,
      sort: [{ 'status.startedAt': { order: 'asc' } }]
    })
    expect(ids(asc)).toEqual([...ids(all)].reverse())
  })

  it('status and time range: terms on the phase label, range with date math, exists on creator', async () => {
    const body = {
      from: 0,
      size: 50,
      query: {
        bool: {
          must: [
            {
              nested: {
                path: 'metadata',
                query: {
                  terms: {
                    'metadata.labels.workflows.argoproj.io/phase.keyword': ['Failed', 'Error']
                  }
                }
              }
            },
            { range: { 'status.startedAt': { gte: 'now-450s' } } },
            { range: { 'status.finishedAt': { lte: 'now' } } },
            {
              nested: {
                path: 'metadata',
                query: { exists: { field: 'metadata.labels.workflows.argoproj.io/creator' } }
              }
            }
          ]
        }
      }
    }
    const res = await runs(body)
    expect(
      res.json.hits.hits
        .map((h: { _source: { status: { phase: string } } }) => h._source.status.phase)
        .sort()
    ).toEqual(['Error', 'Failed'])
  })

  it('an unsupported clause is a 400, not a silent empty result', async () => {
    const res = await runs({ query: { match: { 'metadata.name': wf } } })
    expect(res.status).toBe(400)
    expect(res.json.errorMessage).toMatch(/match/)
  })
})
