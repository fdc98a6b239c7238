// "Did you mean": the workflow names most like one that was not found (a typo in the digits, a
// name cut short, or a run name pasted for its workflow's name).
import leven from 'leven'

/** A few edits away: a mistyped or swapped digit or two. */
const MAX_EDITS = 3
/** A shared start shorter than this says nothing (every name starts with "csa-"). */
const MIN_SHARED_START = 8

/**
 * Up to `max` of `names` (newest first) that look like `wanted`: within a few edits (closest
 * first), or one the start of the other (a name cut short; a run name, `<workflow>-<suffix>`).
 * Ties keep the order of `names`.
 */
export function closestNames(wanted: string, names: readonly string[], max = 3): string[] {
  const w = wanted.trim().toLowerCase()
  const scored: { name: string; score: number }[] = []
  for (const name of new Set(names)) {
    const n = name.toLowerCase()
    if (name === wanted) continue
    const edits = leven(w, n, { maxDistance: MAX_EDITS + 1 })
    const shared = Math.min(w.length, n.length) >= MIN_SHARED_START
    if (edits <= MAX_EDITS) scored.push({ name, score: edits })
    else if (shared && (n.startsWith(w) || w.startsWith(n)))
      scored.push({ name, score: MAX_EDITS + 1 })
  }
  // A stable sort keeps the newest first among names equally close.
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, max)
    .map(s => s.name)
}
