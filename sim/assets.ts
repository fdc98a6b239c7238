// The tenant's asset store (docs/atlan-contract.md §10.5): connections, assets and processes,
// searched through POST /api/meta/search/indexsearch and soft-deleted through
// DELETE /api/meta/entity/bulk. Writes become visible to searches after the scenario's index lag.
import { randomUUID } from 'node:crypto'
import { type Doc, matches, parseSort, QueryError, sortDocs } from './es-query.js'
import { HttpError, isObject } from './http.js'

export type EntityState = 'ACTIVE' | 'DELETED'

export interface Entity {
  guid: string
  typeName: string
  qualifiedName: string
  name: string
  connectorName: string
  connectionQualifiedName: string
  /** Created as a partial asset (input_handling partial). */
  partial?: boolean
  /** Process: source and target qualifiedNames. */
  inputs?: string[]
  outputs?: string[]
  seq: number
  /** Searches see the entity from this time on. */
  visibleAt: number
  /** Set by a soft delete: searches see it DELETED from this time on. */
  deletedAt?: number
}

export interface ConnectionSeed {
  connector: string
  name: string
  /** Default default/<connector>/<fixed epoch>. */
  qualifiedName?: string
}

/** Connections every simulator starts with: those of examples/lineage.csv and the test CSVs. */
export const DEFAULT_CONNECTIONS: readonly ConnectionSeed[] = [
  { connector: 'snowflake', name: 'analytics-prod', qualifiedName: 'default/snowflake/1700000001' },
  { connector: 'snowflake', name: 'prod', qualifiedName: 'default/snowflake/1700000002' },
  { connector: 'dbt', name: 'dbt-cloud', qualifiedName: 'default/dbt/1700000003' },
  { connector: 'tableau', name: 'tableau-cloud', qualifiedName: 'default/tableau/1700000004' }
]

export class AssetStore {
  readonly byQualifiedName = new Map<string, Entity>()
  readonly byGuid = new Map<string, Entity>()
  /** The next Lineage Builder runs leave out this many processes (a test's "lost" process). */
  dropProcesses = 0
  private seq = 0
  private epoch = 1700000100

  constructor() {
    this.reset()
  }

  reset(): void {
    this.byQualifiedName.clear()
    this.byGuid.clear()
    this.dropProcesses = 0
    for (const c of DEFAULT_CONNECTIONS) this.addConnection(c, 0)
  }

  /** Stores (or replaces) an entity; visible to searches after `lagMs`. */
  put(e: Omit<Entity, 'guid' | 'seq' | 'visibleAt'>, lagMs: number): Entity {
    const old = this.byQualifiedName.get(e.qualifiedName)
    const entity: Entity = {
      ...e,
      guid: old && old.deletedAt === undefined ? old.guid : randomUUID(),
      seq: ++this.seq,
      visibleAt: old && old.deletedAt === undefined ? old.visibleAt : Date.now() + lagMs
    }
    if (old) this.byGuid.delete(old.guid)
    this.byQualifiedName.set(entity.qualifiedName, entity)
    this.byGuid.set(entity.guid, entity)
    return entity
  }

  addConnection(c: ConnectionSeed, lagMs: number): Entity {
    if (typeof c.connector !== 'string' || !c.connector || typeof c.name !== 'string' || !c.name)
      throw new HttpError(400, 'a connection needs a non-empty connector and name')
    const connector = c.connector.toLowerCase()
    const qualifiedName = c.qualifiedName ?? `default/${connector}/${++this.epoch}`
    return this.put(
      {
        typeName: 'Connection',
        qualifiedName,
        name: c.name,
        connectorName: connector,
        connectionQualifiedName: qualifiedName
      },
      lagMs
    )
  }

  /** The ACTIVE connection a Lineage Builder run resolves `{{connector/name}}` to (live, no lag). */
  connection(connector: string, name: string): Entity | undefined {
    const want = connector.toLowerCase()
    for (const e of this.byQualifiedName.values())
      if (
        e.typeName === 'Connection' &&
        e.deletedAt === undefined &&
        e.connectorName === want &&
        e.name === name
      )
        return e
    return undefined
  }

  /** The live ACTIVE entity with this qualifiedName (case-insensitive when asked). */
  active(qualifiedName: string, caseSensitive = true): Entity | undefined {
    const e = this.byQualifiedName.get(qualifiedName)
    if (e && e.deletedAt === undefined) return e
    if (caseSensitive) return undefined
    const want = qualifiedName.toLowerCase()
    for (const x of this.byQualifiedName.values())
      if (x.deletedAt === undefined && x.qualifiedName.toLowerCase() === want) return x
    return undefined
  }

  /** Soft delete; searches see the entity DELETED after the lag. */
  softDelete(guid: string, lagMs: number): Entity | undefined {
    const e = this.byGuid.get(guid)
    if (!e || e.deletedAt !== undefined) return undefined
    e.deletedAt = Date.now() + lagMs
    return e
  }

  list(): Entity[] {
    return [...this.byQualifiedName.values()]
  }
}

function stateAt(e: Entity, now: number): EntityState | undefined {
  if (e.visibleAt > now) return undefined
  return e.deletedAt !== undefined && e.deletedAt <= now ? 'DELETED' : 'ACTIVE'
}

function source(e: Entity, state: EntityState): Record<string, unknown> {
  return {
    __guid: e.guid,
    __state: state,
    __typeName: e.typeName,
    qualifiedName: e.qualifiedName,
    name: e.name,
    connectorName: e.connectorName,
    connectionQualifiedName: e.connectionQualifiedName
  }
}

/** The entity as the search answers it: the requested attributes (qualifiedName and name always). */
function header(e: Entity, state: EntityState, attributes: string[]): Record<string, unknown> {
  const attrs: Record<string, unknown> = { qualifiedName: e.qualifiedName, name: e.name }
  const all = source(e, state)
  for (const a of attributes) if (a in all) attrs[a] = all[a]
  return {
    typeName: e.typeName,
    guid: e.guid,
    status: state,
    displayText: e.name,
    attributes: attrs,
    ...(e.partial !== undefined && { isIncomplete: e.partial })
  }
}

function count(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key] ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new QueryError(`"${key}" must be a non-negative integer`)
  return v
}

/**
 * A filter on `terms: {qualifiedName: [...]}` narrows the scan to those names (the query is still
 * evaluated in full on each), so a 1000-name lookup does not test every stored entity.
 */
function candidates(store: AssetStore, query: unknown): Iterable<Entity> {
  const filter = isObject(query) && isObject(query.bool) ? query.bool.filter : undefined
  const terms = Array.isArray(filter)
    ? filter.find(f => isObject(f) && isObject(f.terms) && Array.isArray(f.terms.qualifiedName))
    : undefined
  if (!terms) return store.byQualifiedName.values()
  const names = (terms as { terms: { qualifiedName: unknown[] } }).terms.qualifiedName
  return [...new Set(names.map(String))]
    .map(n => store.byQualifiedName.get(n))
    .filter(e => e !== undefined)
}

/** POST /api/meta/search/indexsearch: `{dsl:{from,size,query,sort}, attributes}`. */
export function searchAssets(store: AssetStore, body: unknown): Record<string, unknown> {
  if (!isObject(body) || !isObject(body.dsl)) throw new QueryError('the body needs a "dsl" object')
  const dsl = body.dsl
  const from = count(dsl, 'from', 0)
  const size = count(dsl, 'size', 10)
  const attributes = Array.isArray(body.attributes) ? body.attributes.map(String) : []
  const now = Date.now()
  const docs: Array<Doc & { entity: Entity; state: EntityState }> = []
  for (const e of candidates(store, dsl.query)) {
    const state = stateAt(e, now)
    if (!state) continue
    const doc = { _id: e.guid, _source: source(e, state), seq: e.seq, entity: e, state }
    if (matches(dsl.query, doc, now)) docs.push(doc)
  }
  const sorted = sortDocs(docs, parseSort(dsl.sort))
  const page = sorted.slice(from, from + size)
  return {
    queryType: 'INDEX',
    approximateCount: docs.length,
    ...(page.length > 0 && {
      entities: page.map(({ doc }) => {
        const d = doc as (typeof docs)[number]
        return header(d.entity, d.state, attributes)
      })
    })
  }
}

/** DELETE /api/meta/entity/bulk?guid=…&deleteType=SOFT: a soft delete of each known GUID. */
export function deleteAssets(store: AssetStore, url: URL, lagMs: number): Record<string, unknown> {
  const guids = url.searchParams.getAll('guid')
  if (guids.length === 0) throw new HttpError(400, 'at least one guid is required')
  const type = url.searchParams.get('deleteType') ?? 'SOFT'
  if (type !== 'SOFT') throw new HttpError(400, `the simulator only soft-deletes, not ${type}`)
  const deleted = guids.map(g => store.softDelete(g, lagMs)).filter(e => e !== undefined)
  return {
    mutatedEntities: {
      DELETE: deleted.map(e => ({
        typeName: e.typeName,
        guid: e.guid,
        status: 'DELETED',
        attributes: { qualifiedName: e.qualifiedName, name: e.name }
      }))
    }
  }
}
