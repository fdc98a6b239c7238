// Faults on demand: checked on arrival, then consumed by the next matching requests.
import { HttpError, isObject } from './http.js'
import type { SimState } from './state.js'
import type { Fault, RouteName } from './types.js'

export const routeNames: readonly RouteName[] = [
  'whoami',
  'submit',
  'rerun',
  'archive',
  'update',
  'workflows.search',
  'runs.search',
  'stop',
  'presign',
  'upload',
  'download',
  'files',
  'app',
  'assets.search',
  'assets.get',
  'assets.delete'
]
const statuses = [401, 403, 404, 429, 500, 502, 503, 504]
const kinds = ['status', 'reset', 'slow', 'malformed', 'store-no-answer', 'flood']

function check(f: unknown): Fault {
  if (!isObject(f)) throw new HttpError(400, 'fault must be an object')
  if (f.route !== '*' && !routeNames.includes(f.route as RouteName)) {
    throw new HttpError(400, `fault.route must be '*' or one of ${routeNames.join(', ')}`)
  }
  if (!kinds.includes(f.kind as string))
    throw new HttpError(400, `fault.kind must be one of ${kinds.join(', ')}`)
  if (f.kind === 'status' && !statuses.includes(f.status as number)) {
    throw new HttpError(400, `fault.status must be one of ${statuses.join(', ')}`)
  }
  if (f.kind === 'slow' && (typeof f.delayMs !== 'number' || f.delayMs < 0)) {
    throw new HttpError(400, 'a slow fault needs delayMs')
  }
  if (f.kind === 'store-no-answer' && f.route !== 'submit' && f.route !== 'rerun') {
    throw new HttpError(400, 'store-no-answer applies to submit or rerun')
  }
  if (f.kind === 'flood') {
    if (f.route !== 'assets.search') throw new HttpError(400, 'flood applies to assets.search')
    const n = f.entities
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1e6))
      throw new HttpError(400, 'flood.entities must be a whole number from 0 to 1000000')
  }
  if (f.count !== undefined && typeof f.count !== 'number')
    throw new HttpError(400, 'fault.count must be a number')
  return f as unknown as Fault
}

export function addFaults(state: SimState, input: unknown): number {
  const list = Array.isArray(input) ? input.map(check) : [check(input)]
  for (const f of list) {
    const n = f.count ?? 1
    state.faults.push({ ...f, left: n < 0 ? Infinity : n })
  }
  return list.length
}

/** The first armed fault for `route`, with one use consumed. */
export function takeFault(state: SimState, route: RouteName): Fault | undefined {
  const f = state.faults.find(x => x.left > 0 && (x.route === route || x.route === '*'))
  if (!f) return undefined
  f.left--
  state.faults = state.faults.filter(x => x.left > 0)
  return f
}
