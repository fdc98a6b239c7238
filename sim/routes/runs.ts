// Index searches and stop: the only way to read runs on the legacy surface (docs/atlan-contract.md §1.3).
import { HttpError, ok, type Reply } from '../http.js'
import type { Ctx } from '../router.js'
import { runResponse, stopRun } from '../runs.js'
import { searchRuns, searchWorkflows } from '../search.js'

function body(ctx: Ctx): unknown {
  if (ctx.invalidJson) throw new HttpError(400, 'request body is not valid JSON')
  return ctx.json
}

export function workflowsSearch(ctx: Ctx): Reply {
  const raw = searchWorkflows(ctx.state, body(ctx))
  return { status: 200, raw, headers: { 'content-type': 'application/json' } }
}

export function runsSearch(ctx: Ctx): Reply {
  return ok(searchRuns(ctx.state, body(ctx)))
}

export function stop(ctx: Ctx): Reply {
  const run = ctx.state.runs.get(ctx.match.name ?? '')
  if (!run) throw new HttpError(404, `workflow run ${ctx.match.name} not found`)
  stopRun(ctx.state, run)
  return ok(runResponse(run))
}
