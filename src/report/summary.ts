// The report a person reads: the job summary, and (without Mermaid) the check run's body.
// It reads top-down: a title with the outcome and a link, the message once, the facts that have
// values, then the CSV findings grouped by rule, the preview and the workflow JSON.
import type { Config } from '../config/types.js'
import { formatDuration } from '../config/duration.js'
import type { Finding, Severity, ValidationResult } from '../lineage/csv-types.js'
import { lineRanges, plural, table } from './markdown.js'
import { PHASE_ICON, PHASE_LABEL, type ActionResult } from './result.js'
import { mdBlock, mdLink, mdText, plain } from './untrusted.js'
import { renderTenantSection, type TenantReport } from './plan.js'

/** One line of the facts list: a label (ours) and a value that is already Markdown. */
export type Fact = [label: string, markdown: string | undefined]

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
  /** More facts after the built-in ones; values must already be Markdown (see mdText). */
  facts?: Fact[]
  /** Plan, verification and prune of the tenant stage (report/plan.ts). */
  tenant?: TenantReport
}

/** Groups of findings shown at most; the rest are counted. */
export const MAX_FINDING_GROUPS = 20

/**
 * The outcome in a title: ✅ only for a Succeeded run whose step passed with nothing to flag, ⚠️
 * when the run Succeeded but verify or prune found something, ❌ when the step failed after a
 * Succeeded run (verify: strict). Other phases keep their own icon.
 */
export function outcomeOf(r: ActionResult): { icon: string; label: string } {
  if (r.phase === 'Succeeded' && r.failed)
    return { icon: '❌', label: 'Succeeded in Atlan, but the step failed' }
  if (r.phase === 'Succeeded' && r.flagged) return { icon: '⚠️', label: 'Succeeded, with findings' }
  return { icon: PHASE_ICON[r.phase], label: PHASE_LABEL[r.phase] }
}

/** The check run's title (plain text, one line). */
export function title(result: ActionResult): string {
  const what = result.workflowName ? `: ${result.workflowName}` : ''
  const o = outcomeOf(result)
  return plain(`${o.icon} ${o.label}${what}`, 200, true)
}

/** "<1s" for runs under a second (the times Atlan gives have whole seconds). */
export function humanSeconds(seconds: number): string {
  return seconds < 1 ? '<1s' : formatDuration(seconds * 1000)
}

/** The workflow the report is about: the run's, else the one named in the inputs. */
const workflowOf = (input: ReportInput) => input.result.workflowName ?? input.config?.workflowName

/** The outcome line: icon, outcome, and the run (linked) or the workflow. */
export function heading(input: ReportInput): string {
  const r = input.result
  const workflow = workflowOf(input)
  const target = r.runId
    ? ` · ${mdLink(`run ${r.runId}`, r.runUrl)}`
    : workflow
      ? ` · ${mdText(workflow)}`
      : ''
  const o = outcomeOf(r)
  return `## ${o.icon} Atlan Lineage Builder: ${o.label}${target}`
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

/** The facts that have a value, in reading order. */
export function facts(input: ReportInput): Fact[] {
  const r = input.result
  const c = input.config
  const reachedAtlan = r.phase !== 'Invalid' && r.phase !== 'Skipped'
  const list: Fact[] = [
    // Linked only when it exists in Atlan (not for a dry run's new name, or an invalid input).
    [
      'Workflow',
      workflowOf(input)
        ? mdLink(
            workflowOf(input),
            reachedAtlan && r.phase !== 'DryRun' ? workflowUrl(input) : undefined
          )
        : undefined
    ],
    ['Run', r.runId ? mdLink(r.runId, r.runUrl) : undefined],
    ['Started', r.startedAt ? mdText(r.startedAt) : undefined],
    ['Finished', r.finishedAt ? mdText(r.finishedAt) : undefined],
    ['Duration', r.durationSeconds === undefined ? undefined : humanSeconds(r.durationSeconds)],
    [
      'Lineage file',
      c?.lineageFile && !input.validation
        ? `${mdText(c.lineageFile)}${r.rowsChecked === undefined ? '' : ` (${plural(r.rowsChecked, 'row')})`}`
        : undefined
    ],
    // Settings matter once Atlan is involved, or when a rerun's stored ones judged the CSV.
    [
      'Settings',
      reachedAtlan || input.storedSettings
        ? mdText(settingsText(input), 500) || undefined
        : undefined
    ],
    [
      'Timeout',
      r.phase === 'TimedOut' && c
        ? `${formatDuration(c.timeoutMs)} (on_timeout: ${c.onTimeout})`
        : undefined
    ],
    ...(input.facts ?? [])
  ]
  return list.filter(([, v]) => v !== undefined && v !== '')
}

function workflowUrl(input: ReportInput): string | undefined {
  const base = input.config?.baseUrl
  const name = workflowOf(input)
  return base && name ? `${base}/workflows/profile/${encodeURIComponent(name)}` : undefined
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

interface FindingGroup {
  severity: Severity
  column?: string
  messages: Set<string>
  first: Finding
  lines: number[]
}

/** Findings of one rule (and column) together, errors first, then by first line. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>()
  for (const f of findings) {
    const key = JSON.stringify([f.severity, f.rule, f.column ?? ''])
    let g = groups.get(key)
    if (!g) {
      g = { severity: f.severity, column: f.column, messages: new Set(), first: f, lines: [] }
      groups.set(key, g)
    }
    g.messages.add(f.message)
    g.lines.push(f.line)
  }
  return [...groups.values()].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.first.line - b.first.line
  )
}

function groupRow(g: FindingGroup): string[] {
  const problem = g.messages.size === 1 ? g.first.message : `e.g. ${g.first.message}`
  const lines =
    g.lines.length > 1 ? `${lineRanges(g.lines)} (${g.lines.length})` : lineRanges(g.lines)
  return [g.severity, mdText(g.column, 80), mdText(problem, 300), lines, mdText(g.first.hint, 300)]
}

export function findingsSection(v: ValidationResult, file?: string, message?: string): string {
  const { error, warning, notice } = v.counts
  const counts = [plural(error, 'error'), plural(warning, 'warning')]
  if (notice) counts.push(plural(notice, 'notice'))
  const blank = v.blankRows ? `, ${plural(v.blankRows, 'blank row')} skipped` : ''
  const parts = [
    `### CSV validation${file ? ` of ${mdText(file)}` : ''}`,
    // A header error stops validation before the rows: say so, as the log line does.
    v.fatal
      ? `The header stopped validation (${plural(v.rowsChecked, 'row')} not checked): **${counts.join(', ')}**.`
      : `${plural(v.rowsChecked, 'row')} checked${blank}: **${counts.join(', ')}**.`
  ]
  // The fatal problem is usually the step's message already, shown once at the top.
  if (v.fatal && !message?.includes(v.fatal)) parts.push(`> ${mdText(v.fatal, 1000)}`)
  const findings = v.findings.filter(f => !v.fatal || f.message !== v.fatal)
  const groups = groupFindings(findings)
  if (groups.length) {
    const shown = groups.slice(0, MAX_FINDING_GROUPS)
    parts.push(table(['Severity', 'Column', 'Problem', 'Lines', 'Fix'], shown.map(groupRow)))
    const moreGroups = groups.length - shown.length
    const unlisted = error + warning + notice - v.findings.length
    const more: string[] = []
    if (moreGroups > 0)
      more.push(plural(moreGroups, 'more kind of problem', 'more kinds of problems'))
    if (unlisted > 0)
      more.push(`${plural(unlisted, 'finding')} beyond the first ${v.findings.length}`)
    if (more.length) parts.push(`…and ${more.join(', and ')} (not listed).`)
  }
  return parts.join('\n\n')
}

export function renderReport(input: ReportInput): string {
  const r = input.result
  const parts = [heading(input)]
  if (r.message) parts.push(`> ${mdText(r.message, 2000)}`)
  const list = [
    ...facts(input).map(([k, v]) => `- **${k}:** ${v}`),
    ...(input.notes ?? []).map(n => `- **Note:** ${mdText(n, 1000)}`)
  ]
  if (list.length) parts.push(list.join('\n'))
  if (input.validation)
    parts.push(findingsSection(input.validation, input.config?.lineageFile, r.message))
  // A file that could not be read has no lineage to preview.
  if (input.preview && !input.validation?.fatal) parts.push(input.preview)
  const tenant = renderTenantSection(input.tenant)
  if (tenant) parts.push(tenant)
  if (r.workflowJson)
    parts.push(
      `<details><summary>Workflow JSON that would be submitted (secrets redacted)</summary>\n\n${mdBlock(r.workflowJson, 'json')}\n\n</details>`
    )
  return `${parts.join('\n\n')}\n`
}
