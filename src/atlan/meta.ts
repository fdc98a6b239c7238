// The asset API the tenant check, verification and prune use (docs/atlan-contract.md §10.5):
// index search on /api/meta/search/indexsearch and the bulk soft delete. Bodies as pyatlan
// serialises them; the transport gives them the same auth, timeouts and retries as the rest.
import { z } from 'zod'
import type { Transport } from './transport.js'

const META = '/api/meta/'

/** The longest `terms` list sent in one search. */
export const MAX_TERMS = 1000

const entityHeaderSchema = z.looseObject({
  typeName: z.string(),
  guid: z.string(),
  status: z.string().nullish(),
  attributes: z.looseObject({
    qualifiedName: z.string().nullish(),
    name: z.string().nullish(),
    connectorName: z.string().nullish()
  })
})
type EntityHeader = z.infer<typeof entityHeaderSchema>

const assetSearchSchema = z.looseObject({
  approximateCount: z.number().nullish(),
  entities: z.array(entityHeaderSchema).nullish()
})

const deleteSchema = z.looseObject({
  mutatedEntities: z
    .looseObject({ DELETE: z.array(z.looseObject({ guid: z.string() })).nullish() })
    .nullish()
})

const ACTIVE = { term: { __state: { value: 'ACTIVE' } } }

function dsl(size: number, filter: unknown[], attributes: string[]) {
  return {
    dsl: {
      from: 0,
      size,
      track_total_hits: true,
      query: { bool: { filter } },
      sort: [{ __guid: { order: 'asc' } }]
    },
    attributes
  }
}

/** ACTIVE connections whose name is one of `names` (any connector); §10.5 with `terms`. */
export function connectionsByNameQuery(names: string[], size = MAX_TERMS) {
  return dsl(
    size,
    [
      ACTIVE,
      { term: { '__typeName.keyword': { value: 'Connection' } } },
      { terms: { 'name.keyword': names } }
    ],
    ['name', 'connectorName']
  )
}

/** Every ACTIVE connection (for near matches of a missing one). */
export function allConnectionsQuery(size = MAX_TERMS) {
  return dsl(
    size,
    [ACTIVE, { term: { '__typeName.keyword': { value: 'Connection' } } }],
    ['name', 'connectorName']
  )
}

/** ACTIVE assets (any type) with these qualifiedNames (§10.5 "Do assets exist"). */
export function assetsByQualifiedNameQuery(qualifiedNames: string[]) {
  return dsl(
    qualifiedNames.length,
    [ACTIVE, { terms: { qualifiedName: qualifiedNames } }],
    ['qualifiedName']
  )
}

export class MetaApi {
  constructor(private readonly t: Transport) {}

  async search(body: unknown): Promise<{ count: number; entities: EntityHeader[] }> {
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

  /** Soft-deletes (restorable in Atlan) the given GUIDs; returns the GUIDs Atlan reports deleted. */
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
