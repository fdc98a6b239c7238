// Checked merging of scenario changes (from tests in-process and from POST /_sim/scenario).
import { HttpError, isObject } from './http.js'
import type { Scenario } from './types.js'

const enums: Record<string, readonly unknown[]> = {
  role: ['token', 'admin', 'user'],
  outcome: ['Succeeded', 'Failed', 'Error'],
  objectStore: ['s3', 'azure'],
  readRestriction: ['scrub', 'full']
}
const durations = [
  'pendingMs',
  'runningMs',
  'stopMs',
  'indexLagMs',
  'retryAfterSeconds',
  'directUploadLimitBytes',
  'searchFloodHits'
]
const flags = ['legacyRemoved', 'enforceFamily', 'templateVersionCheck']
const optional = ['outcome', 'outcomeMessage']

/** Merges `patch` into `scenario`; null clears an optional field. Unknown keys are an error. */
export function mergeScenario(scenario: Scenario, patch: unknown): Scenario {
  if (!isObject(patch)) throw new HttpError(400, 'scenario must be a JSON object')
  const next: Record<string, unknown> = { ...scenario }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null && optional.includes(k)) {
      delete next[k]
      continue
    }
    const valid =
      (k in enums && enums[k].includes(v)) ||
      (durations.includes(k) && typeof v === 'number' && Number.isFinite(v) && v >= 0) ||
      (flags.includes(k) && typeof v === 'boolean') ||
      (k === 'outcomeMessage' && typeof v === 'string') ||
      (k === 'readableConnections' &&
        (v === 'all' || (Array.isArray(v) && v.every(x => typeof x === 'string'))))
    if (v === undefined) continue
    if (!valid) throw new HttpError(400, `scenario.${k}: invalid value ${JSON.stringify(v)}`)
    next[k] = v
  }
  return next as unknown as Scenario
}
