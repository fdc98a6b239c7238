// Check runs through a real Octokit against the GitHub simulator (GITHUB_API_URL).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { RequestError } from '@octokit/request-error'
import type { CheckAnnotation, ChecksClient } from '../../src/github/checks.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { setEnv, withoutProxy } from '../helpers/env.js'

type ChecksModule = typeof import('../../src/github/checks.js')
type OctokitModule = typeof import('../../src/github/octokit.js')

let sim: GitHubSim
let restoreEnv: () => void
let checks: ChecksModule
let octokitModule: OctokitModule

beforeAll(async () => {
  sim = await startGitHubSim()
  restoreEnv = setEnv({ ...withoutProxy(), GITHUB_API_URL: sim.url })
  // Imported after the env is set: @actions/github reads the proxy variables on import.
  octokitModule = await import('../../src/github/octokit.js')
  checks = await import('../../src/github/checks.js')
})

afterAll(async () => {
  restoreEnv()
  await sim.close()
})

afterEach(() => {
  expect(sim.schemaViolations()).toEqual([])
  expect(sim.errors()).toEqual([])
})

const SHA = 'a'.repeat(40)

function reporter(warnings: string[], owner = 'acme') {
  const octokit = octokitModule.createOctokit('ghs_test_token', {
    retryAfterBaseMs: 1,
    info: () => undefined
  })
  return new checks.CheckRunReporter({
    octokit,
    owner,
    repo: 'lineage',
    warning: m => warnings.push(m)
  })
}

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: 'lineage/lineage.csv',
    start_line: i + 2,
    end_line: i + 2,
    annotation_level: i % 3 === 0 ? 'failure' : i % 3 === 1 ? 'warning' : 'notice',
    message: `row ${i + 2}: unknown asset`,
    title: 'Lineage CSV'
  }))
}

describe('CheckRunReporter against the simulator', () => {
  it('creates in_progress, updates, then completes with 120 annotations in batches of 50', async () => {
    const warnings: string[] = []
    const r = reporter(warnings, 'flow')
    const id = await r.start({
      name: 'Atlan lineage builder',
      headSha: SHA,
      detailsUrl: 'https://tenant.atlan.com/workflows/profile/wf/runs?name=run-1',
      externalId: 'run-1',
      title: 'Running',
      summary: 'Submitted run-1'
    })
    expect(id).toEqual(expect.any(Number))
    let [run] = sim.checkRuns().filter(c => c.owner === 'flow')
    expect(run).toMatchObject({
      id,
      name: 'Atlan lineage builder',
      head_sha: SHA,
      status: 'in_progress',
      conclusion: null,
      details_url: 'https://tenant.atlan.com/workflows/profile/wf/runs?name=run-1',
      external_id: 'run-1'
    })
    expect(r.htmlUrl).toContain(`/runs/${id}`)

    await r.update({ title: 'Running', summary: 'Phase: Running' })
    await r.complete({
      conclusion: 'failure',
      title: 'Lineage Builder failed',
      summary: '120 rows with errors',
      text: 'details',
      annotations: annotations(120)
    })

    ;[run] = sim.checkRuns().filter(c => c.owner === 'flow')
    expect(run.status).toBe('completed')
    expect(run.conclusion).toBe('failure')
    expect(run.completed_at).toEqual(expect.any(String))
    expect(run.output).toEqual({
      title: 'Lineage Builder failed',
      summary: '120 rows with errors',
      text: 'details'
    })
    expect(run.annotations).toHaveLength(120)
    expect(run.annotations.map(a => a.start_line)).toEqual(annotations(120).map(a => a.start_line))
    // PATCH batches first while in progress; the completing PATCH carries the last batch.
    expect(run.history.map(h => [h.method, h.status, h.annotations])).toEqual([
      ['POST', 'in_progress', 0],
      ['PATCH', 'in_progress', 0],
      ['PATCH', 'in_progress', 50],
      ['PATCH', 'in_progress', 50],
      ['PATCH', 'completed', 20]
    ])
    const calls = sim.requests().filter(q => q.path.startsWith('/repos/flow/'))
    expect(calls.every(q => q.auth === 'token' && q.status < 300)).toBe(true)
    for (const q of calls) {
      const sent = (q.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []
      expect(sent.length).toBeLessThanOrEqual(50)
    }
    expect(warnings).toEqual([])
  })

  it('403 "Resource not accessible by integration": one warning, no throw, then a no-op', async () => {
    const warnings: string[] = []
    const r = reporter(warnings, 'forbidden')
    sim.setFault('checks/create', 403, 1)
    await expect(
      r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
    ).resolves.toBeUndefined()
    await r.update({ title: 't', summary: 's2' })
    await r.complete({
      conclusion: 'success',
      title: 't',
      summary: 'done',
      annotations: annotations(3)
    })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Resource not accessible by integration')
    expect(warnings[0]).toContain('permissions: checks: write')
    expect(warnings[0]).toContain('forks the token is read-only')
    expect(warnings[0]).toContain(`check_run: ${checks.NOT_A_FORK_PULL_REQUEST}`)
    expect(r.enabled).toBe(false)
    expect(sim.requests().filter(q => q.path.startsWith('/repos/forbidden/'))).toHaveLength(1)
  })

  it('404 on an update also disables the reporter after one warning', async () => {
    const warnings: string[] = []
    const r = reporter(warnings, 'gone')
    await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
    sim.setFault('checks/update', 404, 1)
    await r.update({ title: 't', summary: 's2' })
    await r.complete({ conclusion: 'success', title: 't', summary: 'done' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('HTTP 404')
    expect(sim.requests().filter(q => q.path.startsWith('/repos/gone/'))).toHaveLength(2)
  })

  it('a start lost to server errors is created by complete()', async () => {
    const warnings: string[] = []
    const r = reporter(warnings, 'flaky')
    sim.setFault('checks/create', 502, 3) // the first try and both retries
    expect(
      await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
    ).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('HTTP 502')
    await r.complete({ conclusion: 'neutral', title: 'Succeeded with warnings', summary: 'ok' })
    const [run] = sim.checkRuns().filter(c => c.owner === 'flaky')
    expect(run).toMatchObject({ status: 'completed', conclusion: 'neutral' })
  })

  it('retries a secondary rate limit once, then gives up without throwing', async () => {
    const warnings: string[] = []
    const once = reporter(warnings, 'limited-once')
    sim.setFault('checks/create', 403, 1, { rateLimit: 'secondary' })
    expect(await once.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })).toEqual(
      expect.any(Number)
    )
    expect(sim.requests().filter(q => q.path.startsWith('/repos/limited-once/'))).toHaveLength(2)
    expect(warnings).toEqual([])

    const twice = reporter(warnings, 'limited-twice')
    sim.setFault('checks/create', 429, 2)
    expect(
      await twice.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
    ).toBeUndefined()
    expect(sim.requests().filter(q => q.path.startsWith('/repos/limited-twice/'))).toHaveLength(2)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('rate limit')
    expect(twice.enabled).toBe(true)
  })

  it('sends no key for an unset field (no details_url, no annotations)', async () => {
    const r = reporter([], 'unset')
    await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
    await r.update({ title: 't', summary: 's' })
    await r.complete({ conclusion: 'success', title: 't', summary: 's' })
    const patches = sim
      .requests()
      .filter(q => q.method === 'PATCH' && q.path.startsWith('/repos/unset/'))
    expect(patches).toHaveLength(2)
    for (const q of patches) {
      expect(Object.keys(q.body as object)).not.toContain('details_url')
      expect(Object.keys(q.body as object)).not.toContain('external_id')
      expect(Object.keys((q.body as { output: object }).output)).not.toContain('annotations')
    }
  })

  it('truncates a summary over 65535 characters with a note, and the API accepts it', async () => {
    const warnings: string[] = []
    const r = reporter(warnings, 'long')
    await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 'x'.repeat(70_000) })
    const [run] = sim.checkRuns().filter(c => c.owner === 'long')
    expect(run.output.summary?.length).toBeLessThanOrEqual(65535)
    expect(run.output.summary).toMatch(/truncated: \d+ characters left out/)
    expect(warnings).toEqual([])
  })

  it('honours a GHES API root (GITHUB_API_URL=https://host/api/v3)', async () => {
    const restore = setEnv({ GITHUB_API_URL: `${sim.url}/api/v3` })
    try {
      const warnings: string[] = []
      const r = reporter(warnings, 'ghes')
      expect(await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })).toEqual(
        expect.any(Number)
      )
      expect(sim.requests().filter(q => q.path.startsWith('/api/v3/repos/ghes/'))).toHaveLength(1)
    } finally {
      restore()
    }
  })
})

describe('headSha', () => {
  const pr = { pull_request: { number: 7, head: { sha: 'b'.repeat(40) } } }
  it.each(['pull_request', 'pull_request_target', 'pull_request_review'])(
    '%s: the pull request head, not the merge commit',
    eventName => {
      expect(checks.headSha({ eventName, sha: 'merge', payload: pr })).toBe('b'.repeat(40))
    }
  )
  it('push and others: GITHUB_SHA', () => {
    expect(checks.headSha({ eventName: 'push', sha: 'c'.repeat(40), payload: pr })).toBe(
      'c'.repeat(40)
    )
    expect(
      checks.headSha({ eventName: 'workflow_dispatch', sha: 'd'.repeat(40), payload: {} })
    ).toBe('d'.repeat(40))
  })
  it('a pull_request event without a head sha falls back to GITHUB_SHA', () => {
    expect(checks.headSha({ eventName: 'pull_request', sha: 'e'.repeat(40), payload: {} })).toBe(
      'e'.repeat(40)
    )
  })
})

describe('CheckRunReporter when the GitHub API cannot be reached', () => {
  /** What Octokit throws when fetch fails: status 500, no response, the cause says why. */
  const unreachable = (code: string) =>
    Object.assign(
      new RequestError('connect failed', 500, {
        request: { method: 'POST', url: 'http://127.0.0.1:1/repos/a/b/check-runs', headers: {} }
      }),
      { cause: new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) }) }
    )

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ENOTFOUND', 'host name not found']
  ])(
    '%s is named "%s", never an HTTP status; one warning, then nothing more is tried',
    async (code, text) => {
      const warnings: string[] = []
      let calls = 0
      const octokit = {
        rest: {
          checks: {
            create: async () => {
              calls++
              throw unreachable(code)
            },
            update: async () => {
              calls++
              throw unreachable(code)
            }
          }
        }
      } as unknown as ChecksClient
      const r = new checks.CheckRunReporter({
        octokit,
        owner: 'a',
        repo: 'b',
        warning: m => warnings.push(m)
      })
      await r.start({ name: 'lineage', headSha: SHA, title: 't', summary: 's' })
      await r.update({ title: 't', summary: 's' })
      await r.complete({ conclusion: 'success', title: 't', summary: 's' })
      expect(calls).toBe(1)
      expect(warnings).toEqual([
        `Check run "lineage" skipped: could not reach the GitHub API to create it (${text}); the step goes on without it. Check GITHUB_API_URL and the runner's network or proxy settings.`
      ])
    }
  )

  it('an HTTP 500 that GitHub answered is still an HTTP status', () => {
    const answered = new RequestError('Server Error', 500, {
      request: { method: 'POST', url: 'http://x/', headers: {} },
      response: { status: 500, url: 'http://x/', headers: {}, data: {} }
    })
    expect(checks.networkFailure(answered)).toBeUndefined()
  })
})
