// A GitHub API that accepts the connection and never answers: each request is abandoned after
// its own time limit (octokit.ts), retried briefly, and the check run names what happened.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server, type Socket } from 'node:net'
import { setEnv, withoutProxy } from '../helpers/env.js'

let checks: typeof import('../../src/github/checks.js')
let octokitModule: typeof import('../../src/github/octokit.js')
let restoreEnv: () => void
beforeAll(async () => {
  restoreEnv = setEnv(withoutProxy())
  // Imported after the env is set: @actions/github reads the proxy variables on import.
  octokitModule = await import('../../src/github/octokit.js')
  checks = await import('../../src/github/checks.js')
})
afterAll(() => restoreEnv())

let server: Server
let sockets: Socket[]
/** Requests received (each try sends one). */
let requests: number
let url: string

beforeEach(async () => {
  sockets = []
  requests = 0
  // Reads the request, answers nothing.
  server = createServer(socket => {
    sockets.push(socket.on('error', () => undefined))
    socket.on(
      'data',
      (d: Buffer) => (requests += d.toString().match(/ HTTP\/1\.1\r\n/g)?.length ?? 0)
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})

afterEach(async () => {
  for (const s of sockets) s.destroy()
  await new Promise<void>(resolve => server.close(() => resolve()))
})

const client = (requestTimeoutMs: number, signal?: AbortSignal) =>
  octokitModule.createOctokit('ghs_token', {
    baseUrl: url,
    retryAfterBaseMs: 1,
    requestTimeoutMs,
    signal,
    info: () => undefined
  })

describe('a GitHub API that never answers', () => {
  it('each try is given up after the request timeout, then retried twice', async () => {
    const octokit = client(150)
    const error = await octokit.rest.checks
      .create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) })
      .catch((e: unknown) => e)
    expect(checks.networkFailure(error)).toBe('no answer within 0.2 s')
    // The first try and two retries, none of them answered.
    expect(requests).toBe(3)
  }, 10_000)

  it('the client signal still aborts a request before its timeout', async () => {
    const stop = new AbortController()
    const octokit = client(60_000, stop.signal)
    const pending = octokit.request('GET /user').catch((e: unknown) => e)
    for (let i = 0; i < 200 && requests === 0; i++) await new Promise(r => setTimeout(r, 10))
    stop.abort()
    const error = await pending
    expect(error).toBeInstanceOf(Error)
    expect(checks.networkFailure(error)).not.toMatch(/no answer within/)
  }, 10_000)

  it('the check run is skipped with one warning naming the silence', async () => {
    const warnings: string[] = []
    const reporter = new checks.CheckRunReporter({
      octokit: client(100),
      owner: 'o',
      repo: 'r',
      warning: m => warnings.push(m)
    })
    await reporter.start({ name: 'Lineage', headSha: 'a'.repeat(40), title: 't', summary: 's' })
    expect(reporter.id).toBeUndefined()
    expect(reporter.enabled).toBe(false)
    expect(warnings).toEqual([
      expect.stringContaining(
        'Check run "Lineage" skipped: could not reach the GitHub API to create it (no answer within 0.1 s)'
      )
    ])
  }, 10_000)
})
