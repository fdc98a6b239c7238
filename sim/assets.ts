// The tenant's asset store (docs/atlan-contract.md §10.5): connections, assets and processes,
// searched through POST /api/meta/search/indexsearch, read through GET /api/meta/entity/guid/{guid}
// and soft-deleted through DELETE /api/meta/entity/bulk. Writes become visible to searches after
// the scenario's index lag. What the token may read follows the visibility model of §10.8.
import { randomUUID } from 'node:crypto'
import {
  type Doc,
  type IndexMapping,
  matches,
  parseSort,
  QueryError,
  sortDocs
} from './es-query.js'
import { HttpError, isObject } from './http.js'
import type { Scenario } from './types.js'

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
  /** Epoch ms of the last write (the header's updateTime, §10.10). */
  updatedAt: number
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

/** What the token may read (docs/atlan-contract.md §10.8). */
export type Visibility = Pick<Scenario, 'readRestriction' | 'readableConnections'>

/** Connections every simulator starts with: those of examples/lineage.csv and the test CSVs. */
export const DEFAULT_CONNECTIONS: readonly ConnectionSeed[] = [
  { connector: 'snowflake', name: 'analytics-prod', qualifiedName: 'default/snowflake/1700000001' },
  { connector: 'snowflake', name: 'prod', qualifiedName: 'default/snowflake/1700000002' },
  { connector: 'dbt', name: 'dbt-cloud', qualifiedName: 'default/dbt/1700000003' },
  { connector: 'tableau', name: 'tableau-cloud', qualifiedName: 'default/tableau/1700000004' }
]

/** name.keyword is normalised to lower case on the asset index (§10.9). */
const ASSET_INDEX: IndexMapping = { lowercase: new Set(['name.keyword']) }

/** Attributes a scrubbed hit keeps (skipScrubbing in the typedefs, §10.8). */
const SKIP_SCRUBBING = new Set([
  'qualifiedName',
  'name',
  'displayName',
  'description',
  'connectorName',
  'connectionQualifiedName'
])

/** Whether writing `e` over `old` would change any of its attributes. */
function unchanged(old: Entity, e: Partial<Entity>): boolean {
  const content = (x: Partial<Entity>) => {
    const { guid, seq, visibleAt, updatedAt, deletedAt, ...rest } = x
    void [guid, seq, visibleAt, updatedAt, deletedAt]
    return rest
  }
  const a: Record<string, unknown> = content(old)
  const b: Record<string, unknown> = content(e)
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => JSON.stringify(a[k]) === JSON.stringify(b[k]))
}

export class AssetStore {
  readonly byQualifiedName = new Map<string, Entity>()
  readonly byGuid = new Map<string, Entity>()
  /** Connections by qualifiedName: a run resolves three per row, so it does not scan every asset. */
  private readonly connections = new Map<string, Entity>()
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
    this.connections.clear()
    this.dropProcesses = 0
    for (const c of DEFAULT_CONNECTIONS) this.addConnection(c, 0)
  }

  /**
   * Stores (or replaces) an entity; visible to searches after `lagMs`. Writing the qualifiedName of
   * an archived entity restores it under its GUID, as the package's importer does (§10.9). A write
   * that changes nothing of an ACTIVE entity is skipped, as Atlas skips it: its updateTime stays
   * (§10.10).
   */
  put(
    e: Omit<Entity, 'guid' | 'seq' | 'visibleAt' | 'updatedAt'>,
    lagMs: number,
    at = Date.now()
  ): Entity {
    const old = this.byQualifiedName.get(e.qualifiedName)
    if (old && old.deletedAt === undefined && unchanged(old, e)) return old
    const entity: Entity = {
      ...e,
      guid: old?.guid ?? randomUUID(),
      seq: ++this.seq,
      updatedAt: at,
      visibleAt: old && old.deletedAt === undefined ? old.visibleAt : Date.now() + lagMs
    }
    this.byQualifiedName.set(entity.qualifiedName, entity)
    this.byGuid.set(entity.guid, entity)
    if (entity.typeName === 'Connection') this.connections.set(entity.qualifiedName, entity)
    return entity
  }

  /** A connection (duplicates allowed: two may share connector and name, §10.9). */
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

  /**
   * The ACTIVE connection a Lineage Builder run resolves `{{connector/name}}` to (live, no lag):
   * connector lowercased, name without case (name.keyword), exact spellings first (the package's
   * preloaded map, §10.9). Which of two equal matches a run takes is not public: the simulator
   * takes the newest.
   */
  connection(connector: string, name: string): Entity | undefined {
    const want = connector.toLowerCase()
    const lower = name.toLowerCase()
    let best: Entity | undefined
    const rank = (e: Entity) => (e.name === name ? 1 : 0)
    for (const e of this.connections.values()) {
      if (e.deletedAt !== undefined) continue
      if (e.connectorName !== want || e.name.toLowerCase() !== lower) continue
      if (!best || rank(e) > rank(best) || (rank(e) === rank(best) && e.seq > best.seq)) best = e
    }
    return best
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

/** Whether the token may read `e`: every Process, and what its personas cover (§10.8). */
export function canRead(e: Entity, v: Visibility): boolean {
  if (e.typeName === 'Process') return true
  return (
    v.readableConnections === 'all' || v.readableConnections.includes(e.connectionQualifiedName)
  )
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
    __modificationTimestamp: e.updatedAt,
    qualifiedName: e.qualifiedName,
    name: e.name,
    connectorName: e.connectorName,
    connectionQualifiedName: e.connectionQualifiedName
  }
}

/** The entity as the search answers it: the requested attributes (qualifiedName and name always). */
function header(
  e: Entity,
  state: EntityState,
  attributes: string[],
  scrubbed: boolean
): Record<string, unknown> {
  const attrs: Record<string, unknown> = { qualifiedName: e.qualifiedName, name: e.name }
  const all = source(e, state)
  for (const a of attributes) if (a in all) attrs[a] = all[a]
  if (scrubbed) for (const a of Object.keys(attrs)) if (!SKIP_SCRUBBING.has(a)) delete attrs[a]
  return {
    typeName: e.typeName,
    guid: e.guid,
    status: state,
    updateTime: e.updatedAt,
    ...(scrubbed ? { scrubbed: true } : { displayText: e.name }),
    attributes: attrs,
    ...(!scrubbed && e.partial !== undefined && { isIncomplete: e.partial })
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

/**
 * POST /api/meta/search/indexsearch: `{dsl:{from,size,query,sort}, attributes}`. At `full`, what
 * the token may not read is filtered out before matching (and not counted); at `scrub`, it is
 * answered scrubbed (§10.8).
 */
export function searchAssets(
  store: AssetStore,
  body: unknown,
  v: Visibility
): Record<string, unknown> {
  if (!isObject(body) || !isObject(body.dsl)) throw new QueryError('the body needs a "dsl" object')
  const dsl = body.dsl
  const from = count(dsl, 'from', 0)
  const size = count(dsl, 'size', 10)
  const attributes = Array.isArray(body.attributes) ? body.attributes.map(String) : []
  const now = Date.now()
  const docs: Array<Doc & { entity: Entity; state: EntityState; readable: boolean }> = []
  for (const e of candidates(store, dsl.query)) {
    const state = stateAt(e, now)
    if (!state) continue
    const readable = canRead(e, v)
    if (!readable && v.readRestriction === 'full') continue
    const doc = { _id: e.guid, _source: source(e, state), seq: e.seq, entity: e, state, readable }
    if (matches(dsl.query, doc, now, ASSET_INDEX)) docs.push(doc)
  }
  const sorted = sortDocs(docs, parseSort(dsl.sort))
  const page = sorted.slice(from, from + size)
  return {
    queryType: 'INDEX',
    approximateCount: docs.length,
    ...(page.length > 0 && {
      entities: page.map(({ doc }) => {
        const d = doc as (typeof docs)[number]
        return header(d.entity, d.state, attributes, !d.readable)
      })
    })
  }
}

/**
 * GET /api/meta/entity/guid/{guid}: the entity as stored now (no index lag), 404 when unknown,
 * 403 when the token may not read it (§10.8).
 */
export function getAsset(store: AssetStore, guid: string, v: Visibility): Record<string, unknown> {
  const e = store.byGuid.get(guid)
  if (!e) throw new HttpError(404, `Given instance guid ${guid} is invalid/not found`)
  if (!canRead(e, v)) throw new HttpError(403, `Unauthorized to read entity: guid=${guid}`)
  const state: EntityState = e.deletedAt === undefined ? 'ACTIVE' : 'DELETED'
  return {
    entity: {
      typeName: e.typeName,
      guid: e.guid,
      status: state,
      updateTime: e.updatedAt,
      attributes: {
        qualifiedName: e.qualifiedName,
        name: e.name,
        connectorName: e.connectorName,
        connectionQualifiedName: e.connectionQualifiedName
      }
    },
    referredEntities: {}
  }
}

/**
 * DELETE /api/meta/entity/bulk?guid=…&deleteType=SOFT: a soft delete of each known GUID; 403 for
 * the whole request when one of them may not be read (and so not deleted) by the token.
 */
export function deleteAssets(
  store: AssetStore,
  url: URL,
  lagMs: number,
  v: Visibility
): Record<string, unknown> {
  const guids = url.searchParams.getAll('guid')
  if (guids.length === 0) throw new HttpError(400, 'at least one guid is required')
  const type = url.searchParams.get('deleteType') ?? 'SOFT'
  if (type !== 'SOFT') throw new HttpError(400, `the simulator only soft-deletes, not ${type}`)
  for (const g of guids) {
    const e = store.byGuid.get(g)
    if (e && !canRead(e, v)) throw new HttpError(403, `Unauthorized to delete entity: guid=${g}`)
  }
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
