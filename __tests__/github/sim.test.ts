// The simulator itself: it must reject what GitHub rejects, or the schema checks prove nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'

let sim: GitHubSim

beforeAll(async () => {
  sim = await startGitHubSim()
})
afterAll(async () => {
  await sim.close()
})

async function send(method: string, path: string, body: unknown, auth = 'token t') {
  const res = await fetch(sim.url + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const annotation = {
  path: 'a.csv',
  start_line: 1,
  end_line: 1,
  annotation_level: 'failure',
  message: 'm'
}

describe('GitHub simulator', () => {
  it('validates bodies against the OpenAPI description and records each violation', async () => {
    const created = await send('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: 'a' })
    expect(created.status).toBe(201)
    const id = created.body.id as number

    const bad = [
      await send('POST', '/repos/o/r/check-runs', { name: 'n' }),
      await send('POST', '/repos/o/r/check-runs', {
        name: 'n',
        head_sha: 'a',
        conclusion: 'great'
      }),
      await send('PATCH', `/repos/o/r/check-runs/${id}`, {
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) }
      }),
      await send('PATCH', `/repos/o/r/check-runs/${id}`, { status: 'completed' }),
      await send('PATCH', `/repos/o/r/check-runs/${id}`, {
        output: {
          title: 't',
          summary: 's',
          annotations: [{ ...annotation, annotation_level: 'error' }]
        }
      }),
      await send('POST', '/repos/o/r/check-runs', {
        name: 'n',
        head_sha: 'a',
        started_at: 'yesterday'
      })
    ]
    expect(bad.map(b => b.status)).toEqual([422, 422, 422, 422, 422, 422])
    expect(sim.schemaViolations()).toHaveLength(6)
    expect(sim.checkRuns()).toHaveLength(1)
    expect(sim.checkRuns()[0].history).toHaveLength(1)
  })

  it('answers faults the way GitHub does', async () => {
    sim.setFault('checks/create', 403, 1)
    const refused = await send('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: 'a' })
    expect(refused).toEqual({
      status: 403,
      body: expect.objectContaining({ message: 'Resource not accessible by integration' })
    })
    expect((await send('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: 'a' })).status).toBe(
      201
    )
    expect((await send('PATCH', '/repos/o/r/check-runs/999', { name: 'x' })).status).toBe(404)
    expect(
      (await send('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: 'a' }, '')).status
    ).toBe(401)
  })

  it('keeps no credentials', () => {
    expect(JSON.stringify(sim.requests())).not.toContain('token t')
    expect(sim.errors()).toEqual([])
  })
})
