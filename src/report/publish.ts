// The "report" stage of the pipeline (CONTRIBUTING.md "Layout"): everything the user sees at the
// end, once, from one value built from what the stages returned; each surface redacted:
// annotations, outputs, job summary, check run, pull-request comment. A failure to write one
// surface never hides the others.
import * as core from '@actions/core'
import { redact } from '../config/redact.js'
import { ANNOTATION_MESSAGE_LIMIT } from '../github/check-limits.js'
import type { CheckAnnotation, CheckConclusion } from '../github/checks.js'
import type { CheckRunSession } from './check-run.js'
import type { Finding } from '../lineage/csv-types.js'
import { writeOutputs } from './outputs.js'
import { postPrComment } from './post-pr-comment.js'
import { annotate, findingText, findingTitle } from './annotations.js'
import { stepResult, type ActionResult, type Stages } from './result.js'
import { renderReport, title, type ReportInput } from './summary.js'
import { describeError, log } from './untrusted.js'
import { tenantFindings, tenantReport } from './plan.js'

export interface PublishInput extends ReportInput {
  secrets: readonly string[]
  writeSummary: boolean
  /** The same preview without Mermaid, for the check run. */
  checkPreview?: string
  checks?: CheckRunSession
  csvFile?: string
}

/** The report's one input, from what the stages returned; `aborted`: the job was cancelled. */
export function reportOf(stages: Stages, aborted: boolean): PublishInput {
  const { config, session, plan } = stages
  const csv = plan?.csv
  return {
    result: stepResult(stages, aborted),
    secrets: stages.secrets,
    writeSummary: config?.summary ?? true,
    config,
    checks: session?.checks,
    validation: csv?.validation,
    csvFile: csv?.file,
    preview: csv?.preview,
    checkPreview: csv?.checkPreview,
    tenant: session?.tenant && csv ? tenantReport(plan?.tenant, stages.after) : undefined,
    storedSettings: plan?.settings.stored,
    notes: [...(plan?.settings.differences ?? []), ...(stages.applied?.notes ?? [])]
  }
}

/** The check run's conclusion for a result (README.md "Check run and branch protection"). */
export function conclusionOf(result: ActionResult, warnings: number): CheckConclusion {
  switch (result.phase) {
    case 'Failed':
    case 'Error':
    case 'Invalid':
    case 'Unknown':
      return 'failure'
    case 'TimedOut':
      return 'timed_out'
    case 'Cancelled':
      return 'cancelled'
    case 'Skipped':
      return 'skipped'
    case 'Running':
      return 'neutral'
    case 'Succeeded':
    case 'DryRun':
      // A flagged run (verify or prune found something) is neutral, as its ⚠ title says.
      return result.failed ? 'failure' : warnings > 0 || result.flagged ? 'neutral' : 'success'
  }
}

function annotationsOf(findings: readonly Finding[], file: string): CheckAnnotation[] {
  const level = { error: 'failure', warning: 'warning', notice: 'notice' } as const
  return findings.map(f => ({
    path: file,
    start_line: f.line,
    end_line: f.line,
    annotation_level: level[f.severity],
    title: findingTitle(f),
    message: findingText(f, ANNOTATION_MESSAGE_LIMIT, '\n')
  }))
}

/**
 * The findings as annotations on the CSV's lines: the CSV check's, the tenant plan's (when
 * check_tenant shows it) and the verification's, each group capped per severity.
 */
function annotateFindings({ csvFile: file, validation: v, tenant: t }: PublishInput): void {
  if (!file) return
  if (v) annotate(v.findings, file, v.counts)
  if (t?.plan && t.showPlan) annotate(t.plan.findings, file, t.plan.counts)
  const missing = t?.verifyFindings ?? []
  if (missing.length) annotate(missing, file, { warning: missing.length })
}

export async function publish(input: PublishInput): Promise<void> {
  const { secrets } = input
  annotateFindings(input)
  // A step that ended before its target was known still gets its check run.
  input.checks?.begin()
  // Outputs and summary first: nothing below waits on GitHub before they are written, so an
  // API that never answers cannot cost them.
  const known = { ...input.result, checkRunId: input.checks?.id ?? input.result.checkRunId }
  writeOutputs(known, secrets)

  if (input.writeSummary) {
    try {
      await core.summary.addRaw(redact(renderReport({ ...input, result: known }), secrets)).write()
    } catch (err) {
      log.warning(`Could not write the job summary: ${describeError(err)}`)
    }
  }

  await input.checks?.settled()
  const result = { ...known, checkRunId: input.checks?.id ?? known.checkRunId }
  // The check run was created meanwhile: its id is written again (the last value written wins).
  if (result.checkRunId !== known.checkRunId)
    writeOutputs(result, secrets, ['check_run_id', 'result'])

  if (input.checks) {
    const tenant = tenantFindings(input.tenant) // plan and verification findings
    const warnings = (input.validation?.counts.warning ?? 0) + tenant.attention
    const body = renderReport({ ...input, result, preview: input.checkPreview })
    await input.checks.complete({
      conclusion: conclusionOf(result, warnings),
      title: redact(title(result), secrets),
      summary: redact(body, secrets),
      detailsUrl: result.runUrl && redact(result.runUrl, secrets),
      annotations: input.csvFile
        ? annotationsOf([...(input.validation?.findings ?? []), ...tenant.findings], input.csvFile)
        : []
    })
  }

  // Last, from the same final report: a comment never holds up Atlan or the other surfaces.
  if (input.config?.prComment) await postPrComment({ ...input, result })
}
