// /api/meta: asset search, direct read and soft delete, plus the /_sim/assets control routes.
import { deleteAssets, getAsset, searchAssets } from '../assets.js'
import { HttpError, isObject, ok, type Reply } from '../http.js'
import type { Ctx } from '../router.js'
import type { SimState } from '../state.js'

export function assetsSearch(ctx: Ctx): Reply {
  if (ctx.invalidJson) throw new HttpError(400, 'the body is not valid JSON')
  return ok(searchAssets(ctx.state.assets, ctx.json, ctx.state.scenario))
}

export function assetsGet(ctx: Ctx): Reply {
  return ok(getAsset(ctx.state.assets, ctx.match.name ?? '', ctx.state.scenario))
}

export function assetsDelete(ctx: Ctx): Reply {
  const s = ctx.state.scenario
  return ok(deleteAssets(ctx.state.assets, ctx.url, s.indexLagMs, s))
}

/**
 * POST /_sim/assets `{connections?: [{connector, name, qualifiedName?}], dropProcesses?: n}` adds
 * connections (visible at once; a second one with the same connector and name is allowed) and
 * makes the next runs leave out n processes;
 * GET /_sim/assets lists every entity. Undefined: not an asset route.
 */
export function assetControl(state: SimState, route: string, body: unknown): Reply | undefined {
  const store = state.assets
  if (route === 'GET /_sim/assets') return ok(store.list())
  if (route !== 'POST /_sim/assets') return undefined
  if (!isObject(body)) throw new HttpError(400, 'assets body must be an object')
  const conns = body.connections ?? []
  if (!Array.isArray(conns)) throw new HttpError(400, 'assets.connections must be an array')
  const added = conns.map(c => {
    if (!isObject(c)) throw new HttpError(400, 'each connection must be an object')
    return store.addConnection(c as { connector: string; name: string }, 0).qualifiedName
  })
  if (body.dropProcesses !== undefined) {
    if (typeof body.dropProcesses !== 'number' || body.dropProcesses < 0)
      throw new HttpError(400, 'assets.dropProcesses must be a non-negative number')
    store.dropProcesses = body.dropProcesses
  }
  return ok({ connections: added, dropProcesses: store.dropProcesses })
}
