// A loopback GitHub for tests: the check-runs REST API (bodies validated against GitHub's
// OpenAPI description) and the Actions cache service. Point GITHUB_API_URL at `url` and apply
// `cacheEnv()` to process.env.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { CacheService, type CacheStep, type SimCacheEntry } from './cache-service.js'
import { CheckRunStore, type Reply, type SimCheckRun } from './check-runs.js'
import { authScheme, BodyTooLarge, readBody, sendJson } from './http-util.js'
import { validateBody, type BodyViolation } from './openapi.js'

export type { SimAnnotation, SimCheckRun, SimCheckRunState } from './check-runs.js'
export type { SimCacheEntry } from './cache-service.js'

export type FaultRoute = 'checks/create' | 'checks/update' | `cache/${CacheStep}`

export interface FaultOptions {
  /** 403/429 shaped as GitHub's primary or secondary rate limit instead of a refusal. */
  rateLimit?: 'primary' | 'secondary'
}

export interface SimRequest {
  method: string
  /** Path and query as received. */
  path: string
  /** e.g. `checks/create`, `cache/GetCacheEntryDownloadURL`, or `unknown`. */
  route: string
  status: number
  /** Authorization scheme only (`token`, `bearer`, `none`); credentials are never kept. */
  auth: string
  /** Parsed JSON body of GitHub API calls. */
  body?: unknown
}

export interface SchemaViolation {
  route: string
  method: string
  path: string
  violations: BodyViolation[]
}

export interface GitHubSim {
  url: string
  close(): Promise<void>
  requests(): SimRequest[]
  checkRuns(): SimCheckRun[]
  /** Request bodies GitHub would reject; tests assert this is empty. */
  schemaViolations(): SchemaViolation[]
  cacheEntries(): SimCacheEntry[]
  /** Env for @actions/cache: v2 (github.com) by default, v1 as on GHES. */
  cacheEnv(service?: 'v1' | 'v2'): Record<string, string>
  /** The next `count` calls of `route` answer `status` (403: "Resource not accessible by integration"). */
  setFault(route: FaultRoute, status: number, count?: number, opts?: FaultOptions): void
  /**
   * The next call of `route` is answered only once `until` settles: a GitHub that is slow to
   * answer, for tests of what waits on it.
   */
  hold(route: FaultRoute, until: Promise<unknown>): void
  /** Errors inside the simulator itself; tests may assert this is empty. */
  errors(): string[]
}

const OPERATIONS = {
  'checks/create': { method: 'post', template: '/repos/{owner}/{repo}/check-runs' },
  'checks/update': { method: 'patch', template: '/repos/{owner}/{repo}/check-runs/{check_run_id}' }
} as const

export async function startGitHubSim(opts: { port?: number } = {}): Promise<GitHubSim> {
  let url = ''
  const log: SimRequest[] = []
  const violations: SchemaViolation[] = []
  const errors: string[] = []
  const faults = new Map<string, { status: number; left: number; opts: FaultOptions }>()
  const sockets = new Set<Socket>()
  const holds = new Map<string, Promise<unknown>[]>()

  const takeFault = (route: string) => {
    const fault = faults.get(route)
    if (!fault || fault.left <= 0) return undefined
    fault.left -= 1
    return fault
  }
  const checks = new CheckRunStore(() => url)
  const cache = new CacheService(
    () => url,
    step => takeFault(`cache/${step}`)?.status
  )

  async function github(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    entry: SimRequest
  ) {
    // GHES serves the REST API under /api/v3.
    const apiPath = path.replace(/^\/api\/v3(?=\/)/, '')
    const create = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(apiPath)
    const one = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(apiPath)
    const route =
      create && req.method === 'POST'
        ? 'checks/create'
        : one && req.method === 'PATCH'
          ? 'checks/update'
          : one && req.method === 'GET'
            ? 'checks/get'
            : 'unknown'
    entry.route = route
    const raw = await readBody(req)
    let body: unknown
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        return reply(res, entry, { status: 400, body: { message: 'Problems parsing JSON' } })
      }
    }
    entry.body = body
    const held = holds.get(route)?.shift()
    if (held) await held.catch(() => undefined)
    if (route === 'unknown') return reply(res, entry, notFound())
    if (entry.auth === 'none') {
      return reply(res, entry, { status: 401, body: { message: 'Requires authentication' } })
    }
    const fault = takeFault(route)
    if (fault) return reply(res, entry, ...githubFault(fault.status, fault.opts))

    const [, owner, repo, id] = (create ?? one) as RegExpExecArray
    if (route === 'checks/get') return reply(res, entry, checks.get(owner, repo, Number(id)))
    const op = OPERATIONS[route as keyof typeof OPERATIONS]
    const problems = validateBody(op.method, op.template, body)
    if (problems.length > 0) {
      violations.push({ route, method: req.method ?? '', path, violations: problems })
      return reply(res, entry, {
        status: 422,
        body: {
          message: 'Invalid request.',
          errors: problems.map(p => `${p.path} ${p.message}`),
          documentation_url: 'https://docs.github.com/rest/checks/runs',
          status: '422'
        }
      })
    }
    const result =
      route === 'checks/create'
        ? checks.create(owner, repo, body as Record<string, unknown>)
        : checks.update(owner, repo, Number(id), body as Record<string, unknown>)
    // A rule beyond the schema (completed without conclusion) is a violation all the same.
    if (result.status === 422) {
      violations.push({
        route,
        method: req.method ?? '',
        path,
        violations: [{ path: '/', message: JSON.stringify(result.body) }]
      })
    }
    return reply(res, entry, result)
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    const entry: SimRequest = {
      method: req.method ?? '',
      path,
      route: 'unknown',
      status: 0,
      auth: authScheme(req)
    }
    log.push(entry)
    const run = async () => {
      const cacheRoute = await cache.handle(req, res, new URL(path, 'http://sim.invalid'))
      if (cacheRoute) entry.route = cacheRoute
      else await github(req, res, path, entry)
    }
    run()
      .catch(error => {
        const tooLarge = error instanceof BodyTooLarge
        if (!tooLarge) errors.push(`${req.method} ${path}: ${String(error)}`)
        if (!res.headersSent) sendJson(res, tooLarge ? 413 : 500, { message: String(error) })
        else res.destroy()
      })
      .finally(() => {
        entry.status = res.statusCode
      })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
    requests: () => log.map(r => ({ ...r })),
    checkRuns: () => checks.all(),
    schemaViolations: () => structuredClone(violations),
    cacheEntries: () => cache.list(),
    cacheEnv: (service = 'v2') =>
      service === 'v2'
        ? {
            ACTIONS_CACHE_SERVICE_V2: 'true',
            ACTIONS_RESULTS_URL: `${url}/`,
            ACTIONS_CACHE_URL: '',
            ACTIONS_RUNTIME_TOKEN: 'sim-runtime-token'
          }
        : {
            ACTIONS_CACHE_SERVICE_V2: '',
            ACTIONS_RESULTS_URL: '',
            ACTIONS_CACHE_URL: `${url}/`,
            ACTIONS_RUNTIME_TOKEN: 'sim-runtime-token'
          },
    setFault(route, status, count = 1, faultOpts = {}) {
      faults.set(route, { status, left: count, opts: faultOpts })
    },
    hold(route, until) {
      holds.set(route, [...(holds.get(route) ?? []), until])
    },
    errors: () => [...errors]
  }
}

function reply(
  res: ServerResponse,
  entry: SimRequest,
  result: Reply,
  headers: Record<string, string> = {}
): void {
  entry.status = result.status
  const reset = String(Math.floor(Date.now() / 1000) + 3600)
  sendJson(res, result.status, result.body, {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-reset': reset,
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `SIM:${Date.now().toString(16)}`,
    ...headers
  })
}

/** GitHub's answers for a simulated fault, bodies as the real API sends them. */
function githubFault(status: number, opts: FaultOptions): [Reply, Record<string, string>] {
  const docs = 'https://docs.github.com/rest/checks/runs'
  const body = (message: string) => ({ message, documentation_url: docs, status: String(status) })
  if (opts.rateLimit === 'primary') {
    const reset = String(Math.floor(Date.now() / 1000) + 1)
    return [
      { status, body: body('API rate limit exceeded for installation ID 1.') },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': reset }
    ]
  }
  if (opts.rateLimit === 'secondary' || status === 429) {
    const message =
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
    return [{ status, body: body(message) }, { 'retry-after': '1' }]
  }
  const messages: Record<number, string> = {
    401: 'Bad credentials',
    403: 'Resource not accessible by integration',
    404: 'Not Found',
    422: 'Validation Failed'
  }
  return [{ status, body: body(messages[status] ?? 'Server Error') }, {}]
}

function notFound(): Reply {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }
  }
}
