// JSON with object keys sorted at every depth, so equal settings always hash alike.

export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  // Dates, URLs and the like serialise through toJSON, as JSON.stringify would.
  if ('toJSON' in value && typeof value.toJSON === 'function') return sortKeys(value.toJSON())
  const out: Record<string, unknown> = {}
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  for (const [key, v] of entries) out[key] = sortKeys(v)
  return out
}
