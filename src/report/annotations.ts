// CSV findings as workflow-command annotations on file and line. GitHub shows at most 10 errors
// and 10 warnings per step, so more than that would be noise: the rest go to the summary.
import * as core from '@actions/core'
import type { Finding } from '../lineage/csv-types.js'

export const ANNOTATIONS_PER_SEVERITY = 10

export function annotate(
  findings: readonly Finding[],
  file: string,
  totals: Record<string, number>
): void {
  const shown: Record<string, number> = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) {
    if (shown[f.severity] >= ANNOTATIONS_PER_SEVERITY) continue
    shown[f.severity]++
    const props = {
      file,
      startLine: f.line,
      title: f.column ? `Lineage CSV: ${f.column}` : 'Lineage CSV'
    }
    const text = f.hint
      ? `${f.message} ${f.severity === 'notice' ? '' : 'Fix: '}${f.hint}`
      : f.message
    if (f.severity === 'error') core.error(text, props)
    else if (f.severity === 'warning') core.warning(text, props)
    else core.notice(text, props)
  }
  const hidden = Object.entries(totals).reduce(
    (n, [sev, count]) => n + Math.max(0, count - (shown[sev] ?? 0)),
    0
  )
  if (hidden > 0)
    core.info(
      `${hidden} more CSV findings are not annotated here (GitHub shows ${ANNOTATIONS_PER_SEVERITY} per severity per step): the job summary lists the first ones and the check run (check_run: true) annotates them all.`
    )
}
