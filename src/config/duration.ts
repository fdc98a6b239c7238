// Durations as users write them in workflow files: 500ms, 5s, 2m, 1h (decimals allowed: 1.5m).
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = PATTERN.exec(text.trim().toLowerCase())
  if (!m) return undefined
  return Math.round(Number(m[1]) * UNIT_MS[m[2]])
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms < 1000) return `${ms}ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  const rest = s % 60
  if (m < 60) return rest ? `${m}m ${rest}s` : `${m}m`
  const h = Math.floor(m / 60)
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`
}
