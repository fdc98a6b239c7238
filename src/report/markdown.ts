// Structure for GitHub-flavoured Markdown built as plain strings (the job summary and the check
// run, which cannot share core.summary's buffer). Cells and values handed in here are already
// Markdown: untrusted text is escaped by untrusted.ts first (textTable does it per cell).
import { mdText } from './untrusted.js'

/** "1,204": a count with thousands separators. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US')
}

/** "1 error", "2 errors", "1,204 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmt(n)} ${n === 1 ? one : many}`
}

/**
 * A table of Markdown cells. An empty cell shows as a dash; a row or a column with nothing in it
 * is left out (a column of dashes says nothing).
 */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const filled = rows.filter(r => r.some(c => c))
  const keep = head.map((_, i) => !filled.length || filled.some(r => r[i]))
  const line = (cells: readonly string[]) =>
    `| ${head
      .map((_, i) => cells[i] || '—')
      .filter((_, i) => keep[i])
      .join(' | ')} |`
  const rule = `| ${head
    .filter((_, i) => keep[i])
    .map(() => '---')
    .join(' | ')} |`
  return [line(head), rule, ...filled.map(line)].join('\n')
}

/** A table of plain values (CSV or server text, numbers): each cell escaped by mdText. */
export function textTable(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>,
  max = 200
): string {
  return table(
    head,
    rows.map(r => r.map(c => mdText(c, max)))
  )
}

/** "3–5, 9, 12–40": sorted line numbers as ranges, at most `max` ranges then "+N more". */
export function lineRanges(lines: readonly number[], max = 8): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b)
  const ranges: string[] = []
  let shown = 0
  for (let i = 0; i < sorted.length && ranges.length < max;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++
    ranges.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]))
    shown = j + 1
    i = j + 1
  }
  const rest = sorted.length - shown
  return rest > 0 ? `${ranges.join(', ')} and ${plural(rest, 'more line')}` : ranges.join(', ')
}
