// The pull-request comment (input pr_comment), rendered from the same final report as the job
// summary, with its renderers: on a pull request the outcome, the CSV's findings, the edge diff
// and the tenant plan; after the merge, the run's result. A hidden first line (the marker) finds
// it again. At most 65,536 characters, GitHub's limit for a comment: a longer report is cut at a
// line and points to the job summary.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { redact } from '../config/redact.js'
import type { Config } from '../config/types.js'
import { fmt } from './markdown.js'
import { renderTenantSection } from './plan.js'
import { PHASE_LABEL } from './result.js'
import { findingsSection, heading, type ReportInput } from './summary.js'
import { mdLink, mdText } from './untrusted.js'

/** GitHub's limit for a comment body, in characters. */
export const COMMENT_LIMIT = 65_536

/** What the comment renders from: the summary's input, and the preview without Mermaid. */
export interface PrCommentInput extends ReportInput {
  config: Config
  secrets: readonly string[]
  /** The preview as the check run shows it (no Mermaid: the comment needs no diagram). */
  checkPreview?: string
}

/** Where the comment points, and what it is about (from the workflow run; not CSV text). */
export interface CommentLinks {
  /** The workflow run's page, which shows the job summary. */
  summaryUrl?: string
  /** The GitHub workflow's name. */
  workflow?: string
  /** The commit reported on: the pull request's head, or the pushed commit. */
  commit?: string
  /** The branch a push went to (merge report). */
  branch?: string
}

/**
 * The hidden first line that finds the comment again: one comment per tenant, workflow (as the
 * inputs name it) and CSV, so a matrix over CSVs or tenants keeps one comment each. A digest:
 * stable, and nothing in it can end the HTML comment or look like a secret to redaction.
 */
export function commentMarker(config: Config): string {
  const csv = config.lineageFile
    ? posix.normalize(config.lineageFile)
    : `${config.prefix ?? ''}/${config.objectKey ?? ''}`
  const identity = JSON.stringify([
    new URL(config.baseUrl).origin,
    config.workflowName ?? `mode:${config.mode}`,
    csv
  ])
  const key = createHash('sha256').update(identity).digest('hex').slice(0, 32)
  return `<!-- atlan-lineage-action:pr-comment ${key} -->`
}

/**
 * `parts` (Markdown blocks, no HTML blocks or code fences, so any line ends one cleanly) between
 * the marker and the footer, within `limit` characters: when they do not fit, whole parts while
 * they do, then the lines of the next that do, then `cutNote`.
 */
export function fitComment(
  marker: string,
  parts: readonly string[],
  footer: string,
  cutNote: string,
  limit = COMMENT_LIMIT
): string {
  const join = (blocks: readonly string[]) => `${[marker, ...blocks, footer].join('\n\n')}\n`
  const whole = join(parts)
  if (whole.length <= limit) return whole
  // Each kept block costs its length and the blank line before it.
  let room = limit - join([cutNote]).length
  const kept: string[] = []
  for (const part of parts) {
    if (part.length + 2 <= room) {
      kept.push(part)
      room -= part.length + 2
      continue
    }
    const lines: string[] = []
    let size = 2
    for (const line of part.split('\n')) {
      const cost = line.length + (lines.length ? 1 : 0)
      if (size + cost > room) break
      lines.push(line)
      size += cost
    }
    if (lines.length) kept.push(lines.join('\n'))
    break
  }
  return join([...kept, cutNote])
}

function summaryLink(links: CommentLinks): string {
  return links.summaryUrl ? mdLink('job summary', links.summaryUrl) : 'job summary of this run'
}

function footer(input: PrCommentInput, links: CommentLinks, when: string): string {
  const file = input.config.lineageFile
  const bits = [
    file ? mdText(file, 200) : undefined,
    links.commit ? `commit ${mdText(links.commit.slice(0, 12))}` : undefined,
    `${summaryLink(links)}${links.workflow ? ` of workflow ${mdText(links.workflow, 100)}` : ''}`,
    when
  ]
  return `<sub>${bits.filter(b => b !== undefined).join(' · ')}</sub>`
}

function compose(input: PrCommentInput, links: CommentLinks, parts: string[], when: string) {
  const cut = `_…cut here: the report is longer than a pull-request comment may be (${fmt(COMMENT_LIMIT)} characters). The ${summaryLink(links)} has all of it._`
  const secrets = input.secrets
  return fitComment(
    commentMarker(input.config),
    parts.map(p => redact(p, secrets)),
    redact(footer(input, links, when), secrets),
    redact(cut, secrets)
  )
}

/** The comment on a pull request: outcome, findings, edge diff, tenant plan (with prune's). */
export function renderPrComment(input: PrCommentInput, links: CommentLinks): string {
  const r = input.result
  const parts = [heading(input)]
  if (r.message) parts.push(`> ${mdText(r.message, 2000)}`)
  if (input.validation)
    parts.push(findingsSection(input.validation, input.config.lineageFile, r.message))
  // A file that could not be read has no lineage to preview.
  if (input.checkPreview && !input.validation?.fatal) parts.push(input.checkPreview.trimEnd())
  const tenant = renderTenantSection(input.tenant)
  if (tenant) parts.push(tenant)
  return compose(input, links, parts, 'updated on every push')
}

function verificationLine(input: PrCommentInput): string {
  const r = input.result
  const v = input.tenant?.verification
  if (v)
    return `- **Processes verified:** ${fmt(v.verified)} · **missing:** ${fmt(v.missing.length)} · **not checked:** ${fmt(v.notChecked)}`
  const why =
    input.config.verify === false
      ? 'off (verify: false)'
      : r.phase !== 'Succeeded'
        ? `not run (the run ended ${PHASE_LABEL[r.phase]})`
        : 'not run'
  return `- **Verification:** ${why}`
}

function pruneLine(input: PrCommentInput): string | undefined {
  const t = input.tenant
  if (t?.pruned) return `- **Processes retired:** ${fmt(t.pruned.retired.length)}`
  if (!input.config.prune) return undefined
  return `- **Processes retired:** none${t?.pruneNote ? ` (${mdText(t.pruneNote, 300)})` : ''}`
}

/** After the merge: Atlan's phase and run, the verification's counts, what prune retired. */
export function renderMergeReport(input: PrCommentInput, links: CommentLinks): string {
  const r = input.result
  const pushed = [
    links.commit ? `commit ${mdText(links.commit.slice(0, 12))}` : 'this pull request',
    links.branch ? ` to ${mdText(links.branch, 100)}` : ''
  ].join('')
  const parts = [
    heading(input),
    `**After the merge:** the push of ${pushed} ran the Lineage Builder. If this comment showed the plan before the merge, that version is in its edit history.`
  ]
  if (r.message) parts.push(`> ${mdText(r.message, 2000)}`)
  const facts = [
    `- **Phase:** ${mdText(r.phase)}`,
    r.runId ? `- **Run:** ${mdLink(r.runId, r.runUrl)}` : undefined,
    verificationLine(input),
    pruneLine(input)
  ]
  parts.push(facts.filter(f => f !== undefined).join('\n'))
  if (r.phase === 'Invalid' && input.validation)
    parts.push(findingsSection(input.validation, input.config.lineageFile, r.message))
  // The verification's missing processes and prune's retired ones (the plan was shown before).
  const after = input.tenant && renderTenantSection({ ...input.tenant, showPlan: false })
  if (after) parts.push(after)
  return compose(input, links, parts, 'after the merge')
}
