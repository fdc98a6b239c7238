// Presigned URLs and the object-store PUT/GET they point at.
import { download, presign, upload } from '../objectstore.js'
import type { Reply } from '../http.js'
import type { Ctx } from '../router.js'

export function presignRoute(ctx: Ctx): Reply {
  return presign(ctx.state, ctx.base, ctx.json)
}

export function uploadRoute(ctx: Ctx): Reply {
  return upload(ctx.state, ctx.match.name ?? '', ctx.url.searchParams, ctx.headers, ctx.raw)
}

export function downloadRoute(ctx: Ctx): Reply {
  return download(ctx.state, ctx.match.name ?? '', ctx.url.searchParams)
}
