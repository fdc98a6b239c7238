// Reads what a search asked for (docs/atlan-contract.md §10.12): a reply with more entities than
// the page size is cut to that size (and the debug log says so), and a search pages on while
// Atlan's count says there is more, up to Elasticsearch's window, and only while the pages bring
// new entities (a page that repeats one is a server that ignores `from`; an empty one, a count
// that promised more). A search stopped so says it was cut short. Entities are appended one by
// one: a reply is never spread into a function call, whatever its size.
import { MAX_WINDOW, type EntityHeader, type MetaApi, type SearchBody } from '../atlan/meta.js'
import type { Logger } from '../runtime.js'

export type DebugLog = Pick<Logger, 'debug'>

/** One page, cut to the size it asked for. */
export async function readPage(
  meta: MetaApi,
  body: SearchBody,
  log: DebugLog
): Promise<{ count: number; entities: EntityHeader[] }> {
  const res = await meta.search(body)
  const size = body.dsl.size
  if (res.entities.length <= size) return res
  log.debug(
    `Atlan answered a search for ${size} entities (from ${body.dsl.from}) with ${res.entities.length}; kept the first ${size}.`
  )
  return { count: res.count, entities: res.entities.slice(0, size) }
}

export interface AllPages {
  entities: EntityHeader[]
  requests: number
  /** Atlan counted more hits than could be read (past Elasticsearch's window). */
  truncated: boolean
}

/** Every page of a search whose body `page(from)` builds; at most MAX_WINDOW hits. */
export async function readAll(
  meta: MetaApi,
  page: (from: number) => SearchBody,
  log: DebugLog
): Promise<AllPages> {
  const entities: EntityHeader[] = []
  const guids = new Set<string>()
  let requests = 0
  for (let from = 0; ;) {
    const body = page(from)
    const res = await readPage(meta, body, log)
    requests++
    let repeated = false
    for (const e of res.entities) {
      // A scrubbed header of the older form has guid -1 (§10.8): kept, and never a repeat.
      if (!isRealGuid(e.guid)) entities.push(e)
      else if (guids.has(e.guid)) repeated = true
      else {
        guids.add(e.guid)
        entities.push(e)
      }
    }
    if (repeated) {
      log.debug(
        `Atlan answered page ${from} of a search with entities it had already sent; stopped paging.`
      )
      return { entities, requests, truncated: true }
    }
    // A page may hold fewer hits than asked for: the next one starts after what it held.
    from += res.entities.length
    if (res.count <= from) return { entities, requests, truncated: false }
    if (res.entities.length === 0) {
      log.debug(
        `Atlan counted ${res.count} hits but answered the page from ${from} with none; stopped paging.`
      )
      return { entities, requests, truncated: true }
    }
    if (from + body.dsl.size > MAX_WINDOW) {
      log.debug(`Atlan counted ${res.count} hits; read the first ${from}.`)
      return { entities, requests, truncated: true }
    }
  }
}

/** Atlas answers guid -1 for an entity it will not identify (docs/atlan-contract.md §10.8). */
function isRealGuid(guid: string | undefined): guid is string {
  return typeof guid === 'string' && guid !== '' && guid !== '-1'
}
