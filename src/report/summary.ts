// The report a person reads: the job summary, and (without Mermaid) the check run's body.
import type { Config } from '../config/types.js'
import { formatDuration } from '../config/duration.js'
import type { Finding, ValidationResult } from '../lineage/csv-types.js'
import { cell, link, table } from './markdown.js'
import { PHASE_ICON, type ActionResult } from './result.js'
import { renderTenantSection } from './plan.js'
import type { TenantReport } from '../tenant/stage.js'

export interface ReportInput {
  result: ActionResult
  config?: Config
  validation?: ValidationResult
  /** Markdown of the lineage preview (graph and diff), already bounded in size. */
  preview?: string
  /** Stored workflow settings shown in rerun mode. */
  storedSettings?: Record<string, string>
  /** Remarks that the reader should see (setting differences, degraded features). */
  notes?: string[]
  /** Plan, verification and prune of the tenant stage (report/plan.ts). */
  tenant?: TenantReport
}

const MAX_FINDINGS_SHOWN = 20

const plural = (n: number, word: string) =>
  `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`

export function title(result: ActionResult): string {
  const what = result.workflowName ? ` ${result.workflowName}` : ''
  return `${PHASE_ICON[result.phase]} Atlan Lineage Builder${what}: ${result.phase}`
}

function settingsText(input: ReportInput): string | undefined {
  const c = input.config
  if (input.storedSettings && Object.keys(input.storedSettings).length)
    return Object.entries(input.storedSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')
  if (!c) return undefined
  const o = c.options
  return [
    `mode=${c.mode}`,
    `input_handling=${o.inputHandling}`,
    `fail_on_errors=${o.failOnErrors}`,
    `case_sensitive_match=${o.caseSensitive}`,
    `field_separator=${JSON.stringify(o.fieldSeparator)}`,
    `batch_size=${o.batchSize}`
  ].join(', ')
}

function runTable(input: ReportInput): string {
  const r = input.result
  const c = input.config
  const rows: Array<[string, string]> = [
    ['Workflow', cell(r.workflowName)],
    ['Run', r.runId ? link(r.runId, r.runUrl) : '—'],
    ['Phase', `${PHASE_ICON[r.phase]} ${r.phase}`],
    ['Started', cell(r.startedAt)],
    ['Finished', cell(r.finishedAt)],
    ['Duration', r.durationSeconds === undefined ? '—' : formatDuration(r.durationSeconds * 1000)],
    [
      'CSV rows checked',
      r.rowsChecked === undefined
        ? '—'
        : `${r.rowsChecked} (${r.rowsWithErrors ?? 0} with errors)${c?.lineageFile ? ` in \`${cell(c.lineageFile)}\`` : ''}`
    ],
    ['Settings', cell(settingsText(input), 500)]
  ]
  if (c?.wait && c.timeoutMs)
    rows.push(['Timeout', `${formatDuration(c.timeoutMs)} (on timeout: ${c.onTimeout})`])
  // Values are already escaped cells or links, so the rows are joined here rather than by table().
  // GitHub tables need a header row: the first field serves as one.
  const [first, ...rest] = rows.map(([k, v]) => `| **${k}** | ${v} |`)
  return [first, '| --- | --- |', ...rest].join('\n')
}

export function findingsSection(v: ValidationResult, file?: string): string {
  const { error, warning, notice } = v.counts
  const head = `### CSV validation${file ? ` of \`${cell(file)}\`` : ''}\n\n${plural(v.rowsChecked, 'row')} checked, ${plural(v.blankRows, 'blank row')} skipped: **${plural(error, 'error')}**, ${plural(warning, 'warning')}, ${plural(notice, 'notice')}.`
  const fatal = v.fatal ? `\n\n> ${cell(v.fatal, 1000)}` : ''
  const shown = v.findings.filter(
    f => f.severity !== 'notice' || v.findings.length < MAX_FINDINGS_SHOWN
  )
  if (!shown.length) return head + fatal
  const rows = shown
    .slice(0, MAX_FINDINGS_SHOWN)
    .map((f: Finding) => [f.severity, f.line, f.column, f.message, f.hint])
  const more = error + warning + notice - rows.length
  return `${head}${fatal}\n\n${table(['Severity', 'Line', 'Column', 'Problem', 'Fix'], rows)}${more > 0 ? `\n\n…and ${more} more.` : ''}`
}

export function renderReport(input: ReportInput): string {
  const r = input.result
  const parts = [`## ${title(r)}`, runTable(input)]
  if (r.message) parts.push(`> ${cell(r.message, 2000)}`)
  if (input.notes?.length) parts.push(input.notes.map(n => `- ${cell(n, 1000)}`).join('\n'))
  if (input.validation) parts.push(findingsSection(input.validation, input.config?.lineageFile))
  if (input.preview) parts.push(input.preview)
  const tenant = renderTenantSection(input.tenant)
  if (tenant) parts.push(tenant)
  if (r.workflowJson)
    parts.push(
      `<details><summary>Workflow JSON that would be submitted (secrets redacted)</summary>\n\n\`\`\`json\n${r.workflowJson}\n\`\`\`\n\n</details>`
    )
  return `${parts.join('\n\n')}\n`
}
