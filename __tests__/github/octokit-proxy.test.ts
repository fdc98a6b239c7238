// The Octokit client goes through the runner's proxy (HTTP_PROXY / HTTPS_PROXY) and skips it
// for NO_PROXY hosts. @actions/github picks the proxy when it is imported, so each case sets
// the env, resets the module registry and imports afresh.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { request } from 'node:http'
import { startProxy, type RecordingProxy } from '../helpers/proxy.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { setEnv, withoutProxy } from '../helpers/env.js'

let sim: GitHubSim
let proxy: RecordingProxy
let port: string
let restoreEnv: () => void = () => undefined

beforeAll(async () => {
  sim = await startGitHubSim()
  proxy = await startProxy()
  port = new URL(sim.url).port
})
afterAll(async () => {
  await proxy.close()
  await sim.close()
})
afterEach(() => {
  restoreEnv()
  expect(sim.schemaViolations()).toEqual([])
})

async function freshOctokit(env: Record<string, string | undefined>) {
  restoreEnv = setEnv({ ...withoutProxy(), ...env })
  jest.resetModules()
  const { createOctokit } = await import('../../src/github/octokit.js')
  return createOctokit('ghs_test_token', { info: () => undefined, retryAfterBaseMs: 1 })
}

const checkRun = (owner: string) => ({
  owner,
  repo: 'lineage',
  name: 'lineage',
  head_sha: 'a'.repeat(40),
  status: 'in_progress' as const
})

describe('Octokit and the runner proxy', () => {
  it('HTTP_PROXY: the request is tunnelled through the proxy', async () => {
    // *.localhost: @actions/http-client never proxies localhost/127.*; the proxy maps it home.
    const octokit = await freshOctokit({
      GITHUB_API_URL: `http://github.localhost:${port}`,
      HTTP_PROXY: proxy.url
    })
    const res = await octokit.rest.checks.create(checkRun('via-proxy'))
    expect(res.status).toBe(201)
    expect(proxy.seen()).toContainEqual({ method: 'CONNECT', target: `github.localhost:${port}` })
    expect(
      sim.requests().filter(q => q.path === '/repos/via-proxy/lineage/check-runs')
    ).toHaveLength(1)
  })

  it('NO_PROXY: a listed host is reached directly', async () => {
    // 0.0.0.0 reaches the loopback simulator, yet is not on http-client's always-direct list.
    const octokit = await freshOctokit({
      GITHUB_API_URL: `http://0.0.0.0:${port}`,
      HTTP_PROXY: proxy.url,
      NO_PROXY: 'example.com,0.0.0.0'
    })
    const before = proxy.seen().length
    const res = await octokit.rest.checks.create(checkRun('direct'))
    expect(res.status).toBe(201)
    expect(proxy.seen()).toHaveLength(before)
  })

  it('NO_PROXY for other hosts only: still proxied', async () => {
    const octokit = await freshOctokit({
      GITHUB_API_URL: `http://0.0.0.0:${port}`,
      HTTP_PROXY: proxy.url,
      NO_PROXY: 'example.com'
    })
    await octokit.rest.checks.create(checkRun('still-proxied'))
    expect(proxy.seen()).toContainEqual({ method: 'CONNECT', target: `0.0.0.0:${port}` })
  })

  it('HTTPS_PROXY: an https API (github.com, GHES) is tunnelled with CONNECT', async () => {
    // The simulator speaks plain HTTP, so TLS fails after the tunnel: the CONNECT is the point.
    const octokit = await freshOctokit({
      GITHUB_API_URL: `https://github.localhost:${port}`,
      HTTPS_PROXY: proxy.url
    })
    await expect(octokit.rest.checks.create(checkRun('tls'))).rejects.toThrow()
    expect(proxy.seen()).toContainEqual({ method: 'CONNECT', target: `github.localhost:${port}` })
  })
})

describe('startProxy', () => {
  it('forwards absolute-URI requests and records them', async () => {
    const target = `http://github.localhost:${port}/repos/o/r/check-runs/1`
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(proxy.url + '/', { method: 'GET', path: target, timeout: 5000 }, res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(401) // the simulator answered: no credentials were sent
    expect(proxy.seen()).toContainEqual({ method: 'GET', target })
  })
})
