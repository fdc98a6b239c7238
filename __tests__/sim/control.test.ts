// The /_sim control API, as a test in another process would drive it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../sim/server.js'
import { bodies, call, putObject, terminalRun } from './client.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ token: 'ctl-token', scenario: { pendingMs: 30, runningMs: 30 } })
})
afterAll(async () => {
  await sim.close()
})

const ctl = (method: string, path: string, body?: unknown) =>
  call(sim, method, `/_sim/${path}`, body, { token: null })

describe('control API', () => {
  it('scenario merges, null clears an optional field, bad values are 400', async () => {
    const res = await ctl('POST', 'scenario', { role: 'user', outcome: 'Failed' })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      role: 'user',
      outcome: 'Failed',
      pendingMs: 30,
      objectStore: 's3'
    })
    expect((await ctl('POST', 'scenario', { outcome: null })).json).not.toHaveProperty('outcome')
    expect((await ctl('POST', 'scenario', { role: 'root' })).status).toBe(400)
    expect((await ctl('POST', 'scenario', { pendingMS: 1 })).status).toBe(400)
    expect(sim.scenario().role).toBe('user')
  })

  it('seed, faults, requests, objects, runs, reset', async () => {
    const seeded = await ctl('POST', 'seed', [
      {
        name: 'csa-lineage-builder-1711111111',
        prefix: 'p',
        key: 'k.csv',
        runs: [{ phase: 'Succeeded', durationS: 30 }]
      },
      { credential: 'gcs' }
    ])
    expect(seeded.status).toBe(200)
    expect(seeded.json.workflows[0]).toBe('csa-lineage-builder-1711111111')
    expect(seeded.json.workflows[1]).toMatch(/^csa-lineage-builder-\d{10}$/)
    expect((await ctl('POST', 'seed', { name: 'csa-lineage-builder-1711111111' })).status).toBe(409)
    expect((await ctl('POST', 'seed', { runs: [{ phase: 'Stopped' }] })).status).toBe(400)

    expect(
      (await ctl('POST', 'faults', { route: 'whoami', kind: 'status', status: 503 })).status
    ).toBe(200)
    expect(
      (await ctl('POST', 'faults', { route: 'whoami', kind: 'status', status: 418 })).status
    ).toBe(400)
    expect((await call(sim, 'GET', '/api/service/whoami')).status).toBe(503)

    await ctl('POST', 'scenario', { role: 'token' })
    await putObject(sim, 'p/k.csv', 'Source Type\n')
    const rerun = await call(
      sim,
      'POST',
      '/api/service/workflows/submit',
      bodies.rerun('csa-lineage-builder-1711111111')
    )
    const hit = await terminalRun(sim, 'csa-lineage-builder-1711111111')
    expect(hit._source.status.estimatedDuration).toBe(30)

    const requests = (await ctl('GET', 'requests')).json
    expect(requests.map((r: { route: string }) => r.route)).toEqual([
      'whoami',
      'presign',
      'upload',
      'rerun',
      ...requests.slice(4).map(() => 'runs.search')
    ])
    expect(requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/service/whoami',
      status: 503,
      fault: 'status'
    })
    expect(requests[0].headers.authorization).toBe('Bearer ctl-token')
    expect(requests[3]).toMatchObject({
      body: bodies.rerun('csa-lineage-builder-1711111111'),
      status: 200
    })
    expect(typeof requests[3].time).toBe('number')
    expect((await ctl('GET', 'objects')).json).toEqual([{ key: 'p/k.csv', size: 12 }])
    const runs = (await ctl('GET', 'runs')).json
    expect(runs.find((r: { name: string }) => r.name === rerun.json.metadata.name)).toMatchObject({
      phase: 'Failed'
    })

    expect((await ctl('POST', 'reset')).status).toBe(200)
    expect((await ctl('GET', 'requests')).json).toEqual([])
    expect((await ctl('GET', 'objects')).json).toEqual([])
    expect((await ctl('GET', 'runs')).json).toEqual([])
    expect(sim.scenario()).toMatchObject({ role: 'token', pendingMs: 30 })
  })

  it('unknown control routes are 404', async () => {
    expect((await ctl('GET', 'nothing')).status).toBe(404)
  })
})
