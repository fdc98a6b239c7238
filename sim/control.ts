// /_sim/… : the test-facing control API (no auth). Never recorded in the request log.
import { assetControl } from './routes/assets.js'
import { addFaults } from './faults.js'
import { errorReply, HttpError, ok, type Reply } from './http.js'
import { runInfo } from './runs.js'
import { mergeScenario } from './scenario.js'
import { seedWorkflow } from './seed.js'
import type { SimState } from './state.js'

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
      case 'POST /_sim/faults':
        return ok({ added: addFaults(state, body), armed: state.faults.length })
      case 'GET /_sim/requests':
        return ok(state.requests)
      case 'GET /_sim/objects':
        return ok([...state.objects].map(([key, bytes]) => ({ key, size: bytes.length })))
      case 'GET /_sim/runs':
        return ok([...state.runs.values()].map(runInfo))
      case 'POST /_sim/reset':
        state.reset()
        return ok({ reset: true })
      default:
        return assetControl(state, route, body) ?? errorReply(404, `no control route ${route}`)
    }
  } catch (e) {
    if (e instanceof HttpError) return errorReply(e.status, e.message)
    throw e
  }
}
