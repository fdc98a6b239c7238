// The asset API the tenant check, verification and prune use (docs/atlan-contract.md §10.5):
// index search on /api/meta/search/indexsearch, the direct read of one entity and the bulk soft
// delete. Bodies as pyatlan serialises them; the transport gives them the same auth, timeouts and
// retries as the rest. What a token may read, and how hidden entities look: §10.8.
import { z } from 'zod'
import { AtlanError } from './errors.js'
import type { Transport } from './transport.js'

const META = '/api/meta/'

/** The longest `terms` list sent in one search. */
export const MAX_TERMS = 1000
/** `should` terms in one case-insensitive lookup: under Elasticsearch's 1,024 clauses (§10.9). */
export const MAX_SHOULD = 500
/** Elasticsearch pages with from/size up to this many hits (§10.12). */
export const MAX_WINDOW = 10_000

const entityHeaderSchema = z.looseObject({
  typeName: z.string(),
  guid: z.string(),
  status: z.string().nullish(),
  /** Epoch ms of the last write (§10.10). */
  updateTime: z.number().nullish(),
  /** True for a hit the token may not read (§10.8): only a few attributes are left. */
  scrubbed: z.boolean().nullish(),
  attributes: z
    .looseObject({
      qualifiedName: z.string().nullish(),
      name: z.string().nullish(),
      connectorName: z.string().nullish(),
      lastSyncWorkflowName: z.string().nullish()
    })
    .nullish()
})
export type EntityHeader = z.infer<typeof entityHeaderSchema>

const assetSearchSchema = z.looseObject({
  approximateCount: z.number().nullish(),
  entities: z.array(entityHeaderSchema).nullish()
})

const entitySchema = z.looseObject({ entity: entityHeaderSchema })

const deleteSchema = z.looseObject({
  mutatedEntities: z
    .looseObject({ DELETE: z.array(z.looseObject({ guid: z.string() })).nullish() })
    .nullish()
})

const ACTIVE = { term: { __state: { value: 'ACTIVE' } } }

/** ACTIVE entities, or archived ones (soft-deleted: a run restores them, §10.9). */
export type EntityState = 'ACTIVE' | 'DELETED'
const inState = (state: EntityState) => ({ term: { __state: { value: state } } })

/** A search body's page: `from` and `size` are what a reply is read against (§10.12). */
export interface SearchBody {
  dsl: { from: number; size: number; [k: string]: unknown }
  attributes: string[]
}

function dsl(from: number, size: number, query: unknown, attributes: string[]): SearchBody {
  return {
    dsl: { from, size, track_total_hits: true, query, sort: [{ __guid: { order: 'asc' } }] },
    attributes
  }
}

/** ACTIVE connections whose name is one of `names`, any connector (name.keyword ignores case, §10.9). */
export function connectionsByNameQuery(names: string[], from = 0, size = MAX_TERMS): SearchBody {
  return dsl(
    from,
    size,
    {
      bool: {
        filter: [
          ACTIVE,
          { term: { '__typeName.keyword': { value: 'Connection' } } },
          { terms: { 'name.keyword': names } }
        ]
      }
    },
    ['name', 'connectorName']
  )
}

/** Every ACTIVE connection the token is shown (for near matches and visibility, §10.8). */
export function allConnectionsQuery(from = 0, size = MAX_TERMS): SearchBody {
  return dsl(
    from,
    size,
    { bool: { filter: [ACTIVE, { term: { '__typeName.keyword': { value: 'Connection' } } }] } },
    ['name', 'connectorName']
  )
}

/** Assets (any type) in `state` with exactly these qualifiedNames (§10.5). */
export function assetsByQualifiedNameQuery(
  qualifiedNames: string[],
  state: EntityState = 'ACTIVE'
): SearchBody {
  return dsl(
    0,
    qualifiedNames.length,
    { bool: { filter: [inState(state), { terms: { qualifiedName: qualifiedNames } }] } },
    ['qualifiedName']
  )
}

/** The same, without case: one `term` with case_insensitive per name (§10.9). */
export function assetsByQualifiedNameNoCaseQuery(
  qualifiedNames: string[],
  state: EntityState = 'ACTIVE'
): SearchBody {
  return dsl(
    0,
    qualifiedNames.length,
    {
      bool: {
        filter: [inState(state)],
        should: qualifiedNames.map(qn => ({
          term: { qualifiedName: { value: qn, case_insensitive: true } }
        })),
        minimum_should_match: 1
      }
    },
    ['qualifiedName']
  )
}

/** A page of a search: Atlan's count of every hit, and the hits of this page. */
export interface SearchPage {
  count: number
  entities: EntityHeader[]
}

/** The slice of the asset API the tenant stage uses (src/tenant), so tests can fake it. */
export interface MetaApi {
  search(body: SearchBody): Promise<SearchPage>
  /** The entity as stored now (§10.11), or undefined when Atlan has no such GUID (404). */
  entity(guid: string): Promise<EntityHeader | undefined>
  /** Soft-deletes (restorable in Atlan) the GUIDs; returns the GUIDs Atlan reports deleted. */
  softDelete(guids: string[]): Promise<string[]>
}

export class MetaClient implements MetaApi {
  constructor(private readonly t: Transport) {}

  async search(body: SearchBody): Promise<SearchPage> {
    const res = await this.t.json({
      method: 'POST',
      api: META,
      path: 'search/indexsearch',
      body,
      schema: assetSearchSchema
    })
    const entities = res.entities ?? []
    return { count: res.approximateCount ?? entities.length, entities }
  }

  async entity(guid: string): Promise<EntityHeader | undefined> {
    try {
      const res = await this.t.json({
        method: 'GET',
        api: META,
        path: `entity/guid/${encodeURIComponent(guid)}?minExtInfo=true&ignoreRelationships=true`,
        schema: entitySchema,
        notFoundHint: 'The process was deleted meanwhile.'
      })
      return res.entity
    } catch (e) {
      if (e instanceof AtlanError && e.kind === 'not_found') return undefined
      throw e
    }
  }

  async softDelete(guids: string[]): Promise<string[]> {
    const query = guids.map(g => `guid=${encodeURIComponent(g)}`).join('&')
    const res = await this.t.json({
      method: 'DELETE',
      api: META,
      path: `entity/bulk?${query}&deleteType=SOFT`,
      schema: deleteSchema
    })
    return (res.mutatedEntities?.DELETE ?? []).map(e => e.guid)
  }
}
