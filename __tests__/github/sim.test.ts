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

describe('GitHub simulator: pull requests and their comments', () => {
  let gh: GitHubSim
  beforeAll(async () => {
    gh = await startGitHubSim()
  })
  afterAll(async () => {
    await gh.close()
  })

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(gh.url + path, {
      method,
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000)
    })
    return {
      status: res.status,
      link: res.headers.get('link'),
      body: (await res.json()) as unknown
    }
  }
  const ids = (body: unknown) => (body as Array<{ id: number }>).map(c => c.id)

  it('lists comments oldest first, in pages of at most 100, with a Link header to the next', async () => {
    gh.seedComments(
      1,
      Array.from({ length: 150 }, (_, i) => `c${i}`)
    )
    const first = await call('GET', '/repos/acme/lineage/issues/1/comments?per_page=500')
    expect(ids(first.body)).toHaveLength(100)
    expect(first.link).toMatch(/[?&]page=2>; rel="next"/)
    const next = /<([^>]+)>; rel="next"/.exec(first.link ?? '')![1]
    const second = await call('GET', new URL(next).pathname + new URL(next).search)
    expect(ids(second.body)).toHaveLength(50)
    expect(second.link).not.toMatch(/rel="next"/)
    const all = [...ids(first.body), ...ids(second.body)]
    expect(all).toEqual([...all].sort((a, b) => a - b))
    // Thirty unless asked.
    expect(ids((await call('GET', '/repos/acme/lineage/issues/1/comments')).body)).toHaveLength(30)
  })

  it('creates and updates, refuses bodies over 65,536 characters and unknown parameters as GitHub does', async () => {
    const made = await call('POST', '/repos/acme/lineage/issues/2/comments', { body: 'hello' })
    expect(made.status).toBe(201)
    const id = (made.body as { id: number }).id
    expect(
      (await call('PATCH', `/repos/acme/lineage/issues/comments/${id}`, { body: 'bye' })).status
    ).toBe(200)
    expect(gh.comments().find(c => c.id === id)).toMatchObject({
      body: 'bye',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      history: [{ method: 'POST' }, { method: 'PATCH' }]
    })
    const before = gh.schemaViolations().length
    const bad = [
      await call('POST', '/repos/acme/lineage/issues/2/comments', { body: 'x'.repeat(65_537) }),
      await call('PATCH', `/repos/acme/lineage/issues/comments/${id}`, { text: 'no body' }),
      await call('GET', '/repos/acme/lineage/issues/2/comments?perpage=100'),
      await call('GET', '/repos/acme/lineage/issues/2/comments?page=two')
    ]
    expect(bad.map(b => b.status)).toEqual([422, 422, 422, 422])
    expect(bad[0].body).toMatchObject({
      errors: [{ message: 'Body is too long (maximum is 65536 characters)' }]
    })
    expect(gh.schemaViolations().length - before).toBe(4)
    // Exactly at the limit is accepted.
    const full = await call('POST', '/repos/acme/lineage/issues/2/comments', {
      body: 'y'.repeat(65_536)
    })
    expect(full.status).toBe(201)
    expect(
      (await call('PATCH', '/repos/acme/lineage/issues/comments/42', { body: 'x' })).status
    ).toBe(404)
  })

  it("a fork's pull request: comments can be read but not written (the token is read-only)", async () => {
    gh.pullRequest({ number: 3, fork: true, headSha: 'f'.repeat(40) })
    gh.seedComments(3, ['from a reviewer'])
    expect((await call('GET', '/repos/acme/lineage/issues/3/comments')).status).toBe(200)
    const refused = await call('POST', '/repos/acme/lineage/issues/3/comments', { body: 'x' })
    expect(refused).toMatchObject({
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const [seeded] = gh.comments().filter(c => c.issue === 3)
    expect(
      (await call('PATCH', `/repos/acme/lineage/issues/comments/${seeded.id}`, { body: 'x' }))
        .status
    ).toBe(403)
  })

  it('finds the pull requests of a commit: merged by it, or holding it', async () => {
    const merge = '1'.repeat(40)
    gh.pullRequest({ number: 4, headSha: '2'.repeat(40), mergeCommitSha: merge })
    gh.pullRequest({ number: 5, headSha: '3'.repeat(40), commits: ['4'.repeat(40)] })
    const merged = await call('GET', `/repos/acme/lineage/commits/${merge}/pulls`)
    expect(merged.body).toEqual([
      expect.objectContaining({
        number: 4,
        state: 'closed',
        merge_commit_sha: merge,
        merged_at: expect.any(String),
        base: expect.objectContaining({ ref: 'main' })
      })
    ])
    const open = await call('GET', `/repos/acme/lineage/commits/${'4'.repeat(40)}/pulls`)
    expect(open.body).toEqual([
      expect.objectContaining({ number: 5, state: 'open', merged_at: null })
    ])
    expect((await call('GET', `/repos/acme/lineage/commits/${'9'.repeat(40)}/pulls`)).body).toEqual(
      []
    )
    gh.setFault('commits/pulls', 403)
    expect((await call('GET', `/repos/acme/lineage/commits/${merge}/pulls`)).status).toBe(403)
  })
})
