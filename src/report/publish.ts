// Step 12: everything the user sees at the end, each surface redacted: outputs, job summary,
// check run. A failure to write one surface never hides the others.
import * as core from '@actions/core'
import { redact } from '../config/redact.js'
import { ANNOTATION_MESSAGE_LIMIT } from '../github/check-limits.js'
import type { CheckAnnotation, CheckConclusion } from '../github/checks.js'
import type { CheckRunSession } from './check-run.js'
import type { Finding } from '../lineage/csv-types.js'
import { writeOutputs } from './outputs.js'
import { findingText, findingTitle } from './annotations.js'
import type { ActionResult } from './result.js'
import { renderReport, title, type ReportInput } from './summary.js'
import { describeError, log } from './untrusted.js'
import { tenantFindings } from './plan.js'

export interface PublishInput extends ReportInput {
  secrets: readonly string[]
  writeSummary: boolean
  /** The same preview without Mermaid, for the check run. */
  checkPreview?: string
  checks?: CheckRunSession
  csvFile?: string
}

/** The check run's conclusion for a result (README.md "Check run and branch protection"). */
export function conclusionOf(result: ActionResult, warnings: number): CheckConclusion {
  switch (result.phase) {
    case 'Failed':
    case 'Error':
    case 'Invalid':
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

export async function publish(input: PublishInput): Promise<void> {
  const { secrets } = input
  // A step that ended before its target was known still gets its check run.
  input.checks?.begin()
  await input.checks?.settled()
  const result = { ...input.result, checkRunId: input.checks?.id ?? input.result.checkRunId }
  writeOutputs(result, secrets)

  if (input.writeSummary) {
    try {
      await core.summary.addRaw(redact(renderReport({ ...input, result }), secrets)).write()
    } catch (err) {
      log.warning(`Could not write the job summary: ${describeError(err)}`)
    }
  }

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
}
