// The Atlan tenant simulator: a real HTTP server on 127.0.0.1 playing the legacy workflow API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { control } from './control.js'
import { recordMultipart } from './direct.js'
import { QueryError } from './es-query.js'
import type { AssetStore } from './assets.js'
import { addFaults, takeFault } from './faults.js'
import { errorReply, HttpError, isObject, parseBody, readBody, type Reply, send } from './http.js'
import { type Ctx, isLegacyPath, matchRoute } from './router.js'
import { handlers } from './routes/index.js'
import { runInfo } from './runs.js'
import { mergeScenario } from './scenario.js'
import { seedWorkflow } from './seed.js'
import { saveEdit } from './template-index.js'
import { defaultScenario, SimState } from './state.js'
import type {
  AtlanFile,
  Fault,
  RecordedRequest,
  RunInfo,
  Scenario,
  SeedInput,
  WorkflowDocument
} from './types.js'

export type * from './types.js'
export { lineageBuilderWorkflow, seedWorkflow, type LineageBuilderWorkflowInput } from './seed.js'
export { REQUIRED_COLUMNS, lineageOutcome } from './csv-rules.js'
export { STOPPED_MESSAGE } from './runs.js'
export { DEFAULT_CONNECTIONS, type AssetStore, type Entity } from './assets.js'

export const DEFAULT_TOKEN = 'sim-token'
export const LEGACY_REMOVED_MESSAGE =
  'The legacy workflow API is not available on this tenant; use /api/service/v1/app.'
const UNAUTHORIZED_MESSAGE =
  'Your API or bearer token is either invalid or has expired. Check the token and try again.'

/** A search reply padded with filler entities up to `total`, whatever size was asked. */
function flooded(r: Reply, total: number): Reply {
  const body = isObject(r.body) ? r.body : {}
  const real = Array.isArray(body.entities) ? (body.entities as unknown[]) : []
  const filler = Math.max(0, total - real.length)
  const entities = real.concat(
    Array.from({ length: filler }, (_, i) => ({
      typeName: 'Table',
      guid: `flood-${i}`,
      status: 'ACTIVE',
      attributes: { qualifiedName: `flood/${i}`, name: `flood-${i}` }
    }))
  )
  return { ...r, body: { ...body, approximateCount: entities.length, entities } }
}

export interface SimOptions {
  /** 0 or absent: a free port. */
  port?: number
  /** Bearer token every /api/service call must carry (default 'sim-token'). */
  token?: string
  scenario?: Partial<Scenario>
}

export interface Simulator {
  url: string
  port: number
  token: string
  close(): Promise<void>
  /** Every non-control request so far, in arrival order (status is filled in when answered). */
  requests(): RecordedRequest[]
  /** The live object store: key → bytes. Tests may also put objects here directly. */
  objects(): Map<string, Buffer>
  scenario(): Scenario
  setScenario(s: Partial<Scenario>): void
  /** Stores an existing workflow (with past runs); returns its name. */
  seed(s: SeedInput): string
  /** Forgets workflows, runs, objects, requests and faults; restores the starting scenario. */
  reset(): void
  addFault(f: Fault): void
  /** Runs as they are right now, without index lag. */
  runs(): RunInfo[]
  /** Connections, assets and processes (live, without index lag). */
  assets: AssetStore
  /** The bytes a run read when it started (undefined: not read yet, or nothing was there). */
  runInput(name: string): Buffer | undefined
  /** Files uploaded with POST files (and seeded Direct-upload files), oldest first. */
  files(): AtlanFile[]
  /** The stored workflow template as the update endpoint left it. */
  workflow(name: string): WorkflowDocument | undefined
  /**
   * Saves an edit of the named arguments as the Atlan UI does (searchable after indexLagMs).
   * With `beforeUpdate`, it is saved when the next update of the workflow arrives: between a
   * client's read of the template and its write.
   */
  editWorkflow(
    name: string,
    parameters: Record<string, unknown>,
    opts?: { beforeUpdate?: boolean }
  ): void
}

export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const token = opts.token ?? DEFAULT_TOKEN
  const state = new SimState(token, mergeScenario(defaultScenario, opts.scenario ?? {}))
  // Delayed replies of 'slow' faults survive reset() but not close().
  const slowReplies = new Set<NodeJS.Timeout>()
  let base = ''

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed)
        send(res, errorReply(500, `Simulator error: ${String(e)}`))
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', base)
    const time = Date.now()
    const raw = await readBody(req)
    if (url.pathname.startsWith('/_sim/')) {
      const p = parseBody(raw)
      send(res, control(state, method, url.pathname, p.json, p.invalid))
      return
    }
    const match = matchRoute(method, url.pathname)
    const parsed =
      match?.route === 'upload'
        ? { json: undefined, recorded: { bytes: raw.length }, invalid: false }
        : match?.route === 'files'
          ? {
              json: undefined,
              recorded: recordMultipart(raw, req.headers['content-type']),
              invalid: false
            }
          : parseBody(raw)
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(', ') : (v ?? '')
        ])
      ),
      body: parsed.recorded,
      ...(match?.route === 'update' && { text: raw.toString('utf8') }),
      time,
      ...(match && { route: match.route }),
      ...(match?.family && { family: match.family })
    }
    state.requests.push(rec)
    const reply = (r: Reply): void => {
      if (res.destroyed || res.headersSent) return
      rec.status = r.status
      send(res, r)
    }
    const compute = (): Reply => {
      try {
        if (url.pathname.startsWith('/api/service/') || url.pathname.startsWith('/api/meta/')) {
          const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
          if (auth?.[1] !== token) return errorReply(401, UNAUTHORIZED_MESSAGE)
          if (state.scenario.legacyRemoved && isLegacyPath(url.pathname)) {
            return errorReply(404, LEGACY_REMOVED_MESSAGE)
          }
        }
        if (!match) return errorReply(404, `No route for ${method} ${url.pathname}`)
        const ctx: Ctx = {
          state,
          base,
          url,
          headers: req.headers,
          raw,
          json: parsed.json,
          invalidJson: parsed.invalid,
          match
        }
        return handlers[match.route](ctx)
      } catch (e) {
        if (e instanceof HttpError) return errorReply(e.status, e.message)
        if (e instanceof QueryError)
          return errorReply(400, `Unsupported search request: ${e.message}`)
        return errorReply(500, `Simulator error: ${(e as Error).message}`)
      }
    }

    const fault = match ? takeFault(state, match.route) : undefined
    if (!fault) return reply(compute())
    rec.fault = fault.kind
    switch (fault.kind) {
      case 'status': {
        if (fault.perform) compute()
        const retryAfter = String(fault.retryAfterSeconds ?? state.scenario.retryAfterSeconds)
        const headers = fault.status === 429 ? { 'retry-after': retryAfter } : undefined
        return reply(errorReply(fault.status, `Simulated ${fault.status} fault`, headers))
      }
      case 'reset':
        if (fault.perform) compute()
        req.socket.destroy()
        return
      case 'slow': {
        const r = compute()
        const t = setTimeout(() => {
          slowReplies.delete(t)
          reply(r)
        }, fault.delayMs)
        slowReplies.add(t)
        return
      }
      case 'malformed': {
        const r = compute()
        const text =
          r.raw !== undefined ? String(r.raw) : r.body === undefined ? '' : JSON.stringify(r.body)
        const broken = text.slice(0, Math.floor(text.length / 2)) || '{"'
        return reply({ status: 200, raw: broken, headers: { 'content-type': 'application/json' } })
      }
      case 'store-no-answer':
        compute() // the run exists; the client never hears about it
        return
      case 'flood': {
        const r = compute()
        return reply(r.status === 200 ? flooded(r, fault.entities ?? 190_000) : r)
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`

  return {
    url: base,
    port,
    token,
    close: () =>
      new Promise<void>(resolve => {
        state.clearTimers()
        for (const t of slowReplies) clearTimeout(t)
        slowReplies.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
    requests: () => [...state.requests],
    objects: () => state.objects,
    scenario: () => ({ ...state.scenario }),
    setScenario: s => {
      state.scenario = mergeScenario(state.scenario, s)
    },
    seed: s => seedWorkflow(state, s),
    reset: () => state.reset(),
    addFault: f => {
      addFaults(state, f)
    },
    runs: () => [...state.runs.values()].map(runInfo),
    assets: state.assets,
    runInput: name => state.runs.get(name)?.read?.bytes,
    files: () => [...state.files.values()].map(f => f.file),
    workflow: name => structuredClone(state.workflows.get(name)?.document),
    editWorkflow: (name, parameters, opts = {}) => saveEdit(state, name, parameters, opts)
  }
}
