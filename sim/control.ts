// /_sim/… : the test-facing control API (no auth). Never recorded in the request log.
import { assetControl } from './routes/assets.js'
import { addFaults } from './faults.js'
import { errorReply, HttpError, isObject, ok, type Reply } from './http.js'
import { runInfo } from './runs.js'
import { mergeScenario } from './scenario.js'
import { seedWorkflow } from './seed.js'
import type { SimState } from './state.js'
import { saveEdit } from './template-index.js'

export function control(
  state: SimState,
  method: string,
  path: string,
  body: unknown,
  invalid: boolean
): Reply {
  if (invalid) return errorReply(400, 'control body is not valid JSON')
  try {
    const route = `${method} ${path.replace(/\/+$/, '')}`
    switch (route) {
      case 'POST /_sim/scenario':
        state.scenario = mergeScenario(state.scenario, body ?? {})
        return ok(state.scenario)
      case 'GET /_sim/scenario':
        return ok(state.scenario)
      case 'POST /_sim/seed': {
        const seeds = Array.isArray(body) ? body : [body]
        return ok({ workflows: seeds.map(s => seedWorkflow(state, s)) })
      }
      case 'POST /_sim/edit': {
        const b = isObject(body) ? body : {}
        saveEdit(state, String(b.workflow), b.parameters, { beforeUpdate: b.beforeUpdate })
        return ok({ saved: b.beforeUpdate === true ? 'before the next update' : 'now' })
      }
      case 'POST /_sim/faults':
        return ok({ added: addFaults(state, body), armed: state.faults.length })
      case 'GET /_sim/requests':
        return ok(state.requests)
      case 'GET /_sim/objects':
        return ok([...state.objects].map(([key, bytes]) => ({ key, size: bytes.length })))
      case 'GET /_sim/runs':
        return ok([...state.runs.values()].map(runInfo))
      case 'GET /_sim/files':
        return ok([...state.files.values()].map(f => f.file))
      case 'POST /_sim/reset':
        state.reset()
        return ok({ reset: true })
      default: {
        // GET /_sim/runs/<name>/input: the exact bytes the run read.
        const asset = assetControl(state, route, body)
        if (asset) return asset
        const input = /^GET \/_sim\/runs\/([^/]+)\/input$/.exec(route)
        const bytes = input && state.runs.get(decodeURIComponent(input[1]))?.read?.bytes
        if (bytes) return { status: 200, raw: bytes, headers: { 'content-type': 'text/csv' } }
        return errorReply(404, `no control route ${route}, or the run has read nothing`)
      }
    }
  } catch (e) {
    if (e instanceof HttpError) return errorReply(e.status, e.message)
    throw e
  }
}
