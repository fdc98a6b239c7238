// A loopback GitHub for tests: the REST API of check runs, issue comments and a commit's pull
// requests (bodies and query parameters validated against GitHub's OpenAPI description), GraphQL's
// `viewer`, and the Actions cache service. Point GITHUB_API_URL at `url` and apply `cacheEnv()`
// to process.env.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { CacheService, type CacheStep, type SimCacheEntry } from './cache-service.js'
import { CheckRunStore, type Reply, type SimCheckRun } from './check-runs.js'
import { authScheme, BodyTooLarge, readBody, sendJson } from './http-util.js'
import {
  ACTION_USER,
  CommentStore,
  type SimComment,
  type SimPullRequest,
  type SimUser
} from './comments.js'
import { validateBody, validateQuery, type BodyViolation } from './openapi.js'

export type { SimAnnotation, SimCheckRun, SimCheckRunState } from './check-runs.js'
export type { SimCacheEntry } from './cache-service.js'
export type { SimComment, SimPullRequest, SimUser } from './comments.js'

export type FaultRoute =
  | 'checks/create'
  | 'checks/update'
  | 'comments/list'
  | 'comments/create'
  | 'comments/update'
  | 'comments/delete'
  | 'commits/pulls'
  | 'user/get'
  | 'graphql'
  | `cache/${CacheStep}`

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
  /** Every issue comment, oldest first. */
  comments(): SimComment[]
  /** A pull request of `repo` (default acme/lineage): its commits, whether merged, from a fork. */
  pullRequest(pr: SimPullRequest, repo?: string): void
  /** Comments by someone else (default a reviewer) on pull request `issue` of acme/lineage. */
  seedComments(issue: number, bodies: string[], user?: SimUser): void
  /**
   * Who the token is; comments are written as it. A `User` is a personal access token: GET /user
   * answers with it. A `Bot` is another app's installation token (`<app>[bot]`, as
   * actions/create-github-app-token makes): GET /user is refused (403). By default the token is
   * GITHUB_TOKEN, the github-actions[bot] app's. GraphQL's `viewer` names every kind.
   */
  tokenUser(user: SimUser | undefined): void
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

/** The REST routes: how each is recognised, and the OpenAPI operation its request follows. */
const ROUTES = [
  {
    route: 'checks/create',
    method: 'POST',
    path: /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
    template: '/repos/{owner}/{repo}/check-runs'
  },
  {
    route: 'checks/update',
    method: 'PATCH',
    path: /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}'
  },
  {
    route: 'checks/get',
    method: 'GET',
    path: /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}'
  },
  {
    route: 'comments/list',
    method: 'GET',
    path: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments'
  },
  {
    route: 'comments/create',
    method: 'POST',
    path: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments'
  },
  {
    route: 'comments/update',
    method: 'PATCH',
    path: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}'
  },
  {
    route: 'comments/delete',
    method: 'DELETE',
    path: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}'
  },
  {
    route: 'user/get',
    method: 'GET',
    path: /^\/user$/,
    template: '/user'
  },
  {
    route: 'commits/pulls',
    method: 'GET',
    path: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/,
    template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls'
  }
] as const

type RouteName = (typeof ROUTES)[number]['route']

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
  const comments = new CommentStore(() => url)
  const cache = new CacheService(
    () => url,
    async step => {
      await holds
        .get(`cache/${step}`)
        ?.shift()
        ?.catch(() => undefined)
      return takeFault(`cache/${step}`)?.status
    }
  )

  /**
   * GET /user: a user's token gets its user; an app's installation token (GITHUB_TOKEN, or one
   * from actions/create-github-app-token) has no user and gets 403 "Resource not accessible by
   * integration", as GitHub answers it (github.com/actions/create-github-app-token/issues/258
   * shows the reply).
   */
  function authenticatedUser(): Reply {
    if (comments.writer.type === 'Bot')
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          status: '403'
        }
      }
    const { login, type } = comments.writer
    return { status: 200, body: { login, id: 1, type, site_admin: false } }
  }

  /**
   * POST /graphql (GHES: /api/graphql), the `viewer { login }` query only: the token's login for
   * every kind of token, an app's bot included (`github-actions[bot]` for GITHUB_TOKEN; the CI of
   * github.com/CatChen/token-who-am-i-action asserts both). Anything else is answered the way
   * GraphQL reports a query it cannot run: 200 with `errors`.
   */
  function graphql(body: unknown): Reply {
    const query = (body as { query?: unknown } | undefined)?.query
    if (
      typeof query === 'string' &&
      /^\s*(?:query\b[^{]*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query)
    )
      return { status: 200, body: { data: { viewer: { login: comments.writer.login } } } }
    return {
      status: 200,
      body: { errors: [{ message: 'The simulator answers only { viewer { login } }.' }] }
    }
  }

  /** A request GitHub would reject: recorded, and answered 422 as GitHub does. */
  function invalid(
    res: ServerResponse,
    entry: SimRequest,
    route: string,
    problems: BodyViolation[]
  ): void {
    violations.push({ route, method: entry.method, path: entry.path, violations: problems })
    reply(res, entry, {
      status: 422,
      body: {
        message: 'Invalid request.',
        errors: problems.map(p => `${p.path} ${p.message}`),
        documentation_url: 'https://docs.github.com/rest',
        status: '422'
      }
    })
  }

  function answer(route: RouteName, params: string[], query: URLSearchParams, body: unknown) {
    const [owner, repo, id] = params
    const b = body as Record<string, unknown>
    switch (route) {
      case 'checks/get':
        return { result: checks.get(owner, repo, Number(id)) }
      case 'checks/create':
        return { result: checks.create(owner, repo, b) }
      case 'checks/update':
        return { result: checks.update(owner, repo, Number(id), b) }
      case 'comments/list': {
        const [result, headers] = comments.list(owner, repo, Number(id), query)
        return { result, headers }
      }
      case 'comments/create':
        return { result: comments.create(owner, repo, Number(id), b) }
      case 'comments/update':
        return { result: comments.update(owner, repo, Number(id), b) }
      case 'comments/delete':
        return { result: comments.remove(owner, repo, Number(id)) }
      case 'commits/pulls':
        return { result: comments.pullsOf(owner, repo, decodeURIComponent(id)) }
      case 'user/get':
        return { result: authenticatedUser() }
    }
  }

  async function github(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    entry: SimRequest
  ) {
    const where = new URL(path, 'http://sim.invalid')
    // GHES serves the REST API under /api/v3.
    const apiPath = where.pathname.replace(/^\/api\/v3(?=\/)/, '')
    if (req.method === 'POST' && /^(?:\/api)?\/graphql$/.test(where.pathname))
      return graphqlRequest(req, res, entry)
    const match = ROUTES.map(r => ({ r, m: r.method === req.method && r.path.exec(apiPath) })).find(
      x => x.m
    )
    const route = match?.r.route ?? 'unknown'
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
    if (!match?.m) return reply(res, entry, notFound())
    if (entry.auth === 'none') {
      return reply(res, entry, { status: 401, body: { message: 'Requires authentication' } })
    }
    const fault = takeFault(route)
    if (fault) return reply(res, entry, ...githubFault(fault.status, fault.opts))

    const { r } = match
    const problems =
      r.method === 'GET' || r.method === 'DELETE'
        ? validateQuery(r.method, r.template, where.searchParams)
        : [
            ...validateQuery(r.method, r.template, where.searchParams),
            ...validateBody(r.method, r.template, body)
          ]
    if (problems.length > 0) return invalid(res, entry, route, problems)
    const { result, headers } = answer(r.route, match.m.slice(1), where.searchParams, body)
    // A rule beyond the schema (completed without conclusion, a body too long) is a violation
    // all the same.
    if (result.status === 422) {
      violations.push({
        route,
        method: req.method ?? '',
        path,
        violations: [{ path: '/', message: JSON.stringify(result.body) }]
      })
    }
    return reply(res, entry, result, headers)
  }

  async function graphqlRequest(req: IncomingMessage, res: ServerResponse, entry: SimRequest) {
    entry.route = 'graphql'
    const raw = await readBody(req)
    try {
      entry.body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined
    } catch {
      return reply(res, entry, { status: 400, body: { message: 'Problems parsing JSON' } })
    }
    if (entry.auth === 'none')
      return reply(res, entry, { status: 401, body: { message: 'Requires authentication' } })
    const fault = takeFault('graphql')
    if (fault) return reply(res, entry, ...githubFault(fault.status, fault.opts))
    return reply(res, entry, graphql(entry.body))
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
    comments: () => comments.all(),
    pullRequest(pr, repo = 'acme/lineage') {
      const [owner, name] = repo.split('/')
      comments.setPullRequest(owner, name, pr)
    },
    seedComments(issue, bodies, user) {
      comments.seed('acme', 'lineage', issue, bodies, user)
    },
    tokenUser(user) {
      comments.writer = user ?? ACTION_USER
    },
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
