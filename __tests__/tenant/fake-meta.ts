// A fake MetaApi for unit tests of src/tenant: the simulator's asset store and search evaluator
// (sim/assets.ts, written apart from src/tenant) answered in-process, without HTTP, so a test sets
// up connections, assets, processes and what the token may read, and sees every call.
import { AtlanError } from '../../src/atlan/errors.js'
import type { EntityHeader, MetaApi, SearchBody, SearchPage } from '../../src/atlan/meta.js'
import {
  AssetStore,
  deleteAssets,
  getAsset,
  searchAssets,
  type Visibility
} from '../../sim/assets.js'
import { HttpError } from '../../sim/http.js'

export const PROD = 'default/snowflake/1700000002'
export const DBT = 'default/dbt/1700000003'
export const TABLEAU = 'default/tableau/1700000004'

export function forbidden(endpoint: string): AtlanError {
  return new AtlanError({
    kind: 'permission',
    status: 403,
    endpoint,
    requestId: 'req-1',
    retryable: false,
    summary: `Atlan refused ${endpoint} (403): the API token may not read assets.`,
    hint: 'Give the API token a persona with read access to the connections the CSV names.',
    reason: 'HTTP 403'
  })
}

/** A server error that retries did not get past (HTTP 503). */
export function unavailable(endpoint: string): AtlanError {
  return new AtlanError({
    kind: 'server',
    status: 503,
    endpoint,
    requestId: 'req-2',
    retryable: true,
    summary: `Atlan answered ${endpoint} with 503 after 4 attempts.`,
    hint: 'Try again later.',
    reason: 'HTTP 503'
  })
}

export class FakeMeta implements MetaApi {
  readonly store = new AssetStore()
  visibility: Visibility = { readRestriction: 'scrub', readableConnections: 'all' }
  readonly searches: SearchBody[] = []
  readonly reads: string[] = []
  readonly deletes: string[][] = []
  /** Replaces the answer to a search (a flood, a 403). */
  onSearch?: (body: SearchBody, real: SearchPage) => SearchPage
  /** Runs before each direct read (another writer, say). */
  onRead?: (guid: string) => void
  /** Atlan's reply to a delete: by default every GUID it soft-deleted. */
  onDelete?: (guids: string[], deleted: string[]) => string[]

  async search(body: SearchBody): Promise<SearchPage> {
    this.searches.push(structuredClone(body))
    const res = searchAssets(this.store, body, this.visibility) as {
      approximateCount: number
      entities?: EntityHeader[]
    }
    const real = { count: res.approximateCount, entities: res.entities ?? [] }
    return this.onSearch ? this.onSearch(body, real) : real
  }

  async entity(guid: string): Promise<EntityHeader | undefined> {
    this.reads.push(guid)
    this.onRead?.(guid)
    try {
      return (getAsset(this.store, guid, this.visibility) as { entity: EntityHeader }).entity
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined
      if (e instanceof HttpError && e.status === 403)
        throw forbidden(`GET /api/meta/entity/guid/${guid}`)
      throw e
    }
  }

  async softDelete(guids: string[]): Promise<string[]> {
    this.deletes.push([...guids])
    const url = new URL(`http://x/?${guids.map(g => `guid=${g}`).join('&')}&deleteType=SOFT`)
    const res = deleteAssets(this.store, url, 0, this.visibility) as {
      mutatedEntities: { DELETE: Array<{ guid: string }> }
    }
    const deleted = res.mutatedEntities.DELETE.map(e => e.guid)
    return this.onDelete ? this.onDelete(guids, deleted) : deleted
  }

  /** A table under a connection, written `agoMs` ago. */
  table(connection: string, identity: string, agoMs = 3_600_000) {
    return this.store.put(
      {
        typeName: 'Table',
        qualifiedName: `${connection}/${identity}`,
        name: identity,
        connectorName: connection.split('/')[1],
        connectionQualifiedName: connection
      },
      0,
      Date.now() - agoMs
    )
  }

  /** A process under a connection, written `agoMs` ago. */
  process(connection: string, suffix: string, agoMs = 3_600_000) {
    return this.store.put(
      {
        typeName: 'Process',
        qualifiedName: `${connection}/${suffix}`,
        name: suffix,
        connectorName: connection.split('/')[1],
        connectionQualifiedName: connection
      },
      0,
      Date.now() - agoMs
    )
  }
}

/** A debug log that keeps its lines. */
export function debugLog() {
  const lines: string[] = []
  return { lines, debug: (m: string) => void lines.push(m) }
}

/** A logger that keeps every line with its level. */
export function logger() {
  const lines: Array<[string, string]> = []
  const at = (level: string) => (m: string) => void lines.push([level, m])
  return {
    lines,
    text: (level?: string) => lines.filter(([l]) => !level || l === level).map(([, m]) => m),
    debug: at('debug'),
    info: at('info'),
    notice: at('notice'),
    warning: at('warning')
  }
}
