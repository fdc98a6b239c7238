// CSV findings as workflow-command annotations on file and line. GitHub shows at most 10 errors
// and 10 warnings per step, so more than that would be noise: the rest go to the summary.
import type { Finding } from '../lineage/csv-types.js'
import { plain, log } from './untrusted.js'

export const ANNOTATIONS_PER_SEVERITY = 10

/** An annotation's title: the column (a CSV header, so untrusted) when one is to blame. */
export function findingTitle(f: Finding): string {
  return plain(f.column ? `Lineage CSV: ${f.column}` : 'Lineage CSV', 255, true)
}

/** An annotation's text: the problem, then the fix. */
export function findingText(f: Finding, limit: number, fixSeparator = ' '): string {
  return plain(f.hint ? `${f.message}${fixSeparator}Fix: ${f.hint}` : f.message, limit)
}

export function annotate(
  findings: readonly Finding[],
  file: string,
  totals: Record<string, number>
): void {
  const shown: Record<string, number> = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) {
    if (shown[f.severity] >= ANNOTATIONS_PER_SEVERITY) continue
    shown[f.severity]++
    const props = { file, startLine: f.line, title: findingTitle(f) }
    const text = findingText(f, 4000)
    if (f.severity === 'error') log.error(text, props)
    else if (f.severity === 'warning') log.warning(text, props)
    else log.notice(text, props)
  }
  const hidden = Object.entries(totals).reduce(
    (n, [sev, count]) => n + Math.max(0, count - (shown[sev] ?? 0)),
    0
  )
  if (hidden > 0)
    log.info(
      `${hidden} more CSV findings are not annotated here (GitHub shows ${ANNOTATIONS_PER_SEVERITY} per severity per step): the job summary groups them by rule and the check run (check_run: true) annotates them all.`
    )
}
