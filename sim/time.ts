// Timestamps as Argo writes them, and the small bits of ES date math the run searches use.

/** `%Y-%m-%dT%H:%M:%SZ`, no milliseconds (the py integration test parses that format). */
export function formatTs(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000,
  y: 31_536_000_000
}

/** `now`, `now-1h`, `now-30m+5s`, or an ISO date; rounding (`/d`) is ignored. Undefined if unparsable. */
export function parseDateMath(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const m = /^now((?:[+-]\d+(?:ms|[smhdwMy]))*)(?:\/[smhdwMy])?$/.exec(value)
  if (m) {
    let t = now
    for (const [, sign, n, unit] of m[1].matchAll(/([+-])(\d+)(ms|[smhdwMy])/g)) {
      t += (sign === '-' ? -1 : 1) * Number(n) * unitMs[unit]
    }
    return t
  }
  const t = Date.parse(value)
  return Number.isNaN(t) ? undefined : t
}

/** Presigned URL expiry such as "60s", "10m", "1h"; a bare number is seconds. */
export function parseExpiry(value: unknown): number | undefined {
  if (typeof value === 'number' && value > 0) return value * 1000
  if (typeof value !== 'string') return undefined
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim())
  if (!m) return undefined
  return Number(m[1]) * unitMs[m[2] ?? 's']
}
