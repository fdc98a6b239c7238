// JSON with object keys sorted at every depth, so equal settings always hash alike.

export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  // Dates, URLs and the like serialise through toJSON, as JSON.stringify would.
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return sortKeys(toJSON.call(value))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort())
    out[key] = sortKeys((value as Record<string, unknown>)[key])
  return out
}
