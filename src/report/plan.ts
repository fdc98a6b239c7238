// The tenant stage in the report (job summary and check run): the plan before the run, the
// verification after it, and what prune retired or left alone; and the plan's lines in the step
// log. Text from the CSV or from Atlan goes through mdText()/textTable() or the log.
import type { Finding } from '../lineage/csv-types.js'
import type { Logger } from '../runtime.js'
import type { PruneResult, TenantAfter } from '../tenant/after.js'
import type { Plan } from '../tenant/plan.js'
import type { TenantPlan } from '../tenant/stage.js'
import { verifyLimitText, type Verification } from '../tenant/verify.js'
import { fmt, textTable as table } from './markdown.js'
import { mdText } from './untrusted.js'

/** The tenant stage as the report shows it: its plan, and what verify and prune did after the run. */
export interface TenantReport {
  /** False when check_tenant is off: the plan was computed for verify and prune only. */
  showPlan: boolean
  plan?: Plan
  verification?: Verification
  pruned?: PruneResult
  /** Why prune did nothing although asked (a run that did not succeed, no base version). */
  pruneNote?: string
  /** Findings of the verification (missing processes), with their CSV lines. */
  verifyFindings: Finding[]
}

/** The report's view of the stage, from what its plan and the stage after the run returned. */
export function tenantReport(planned?: TenantPlan, after?: TenantAfter): TenantReport {
  return {
    showPlan: planned?.showPlan ?? false,
    plan: planned?.plan,
    verification: after?.verification,
    pruned: after?.pruned,
    pruneNote: after?.pruneNote,
    verifyFindings: after?.verifyFindings ?? []
  }
}

/** Rows of each table in the summary (the counts are exact; the `plan` output lists 100). */
export const MAX_ROWS = 20

const IN_PLAN = 'the `plan` output lists the first 100'
const IN_LOG = 'the step log names each one'

function more(total: number, where = IN_PLAN): string {
  return total > MAX_ROWS ? `\n\n…and ${fmt(total - MAX_ROWS)} more (${where}).` : ''
}

function findingsTable(findings: readonly Finding[], total: number): string {
  const rows = findings.slice(0, MAX_ROWS).map(f => [f.severity, f.line, f.message, f.hint])
  const hidden = total - rows.length
  return `${table(['Severity', 'Line', 'Problem', 'Fix'], rows, 500)}${hidden > 0 ? `\n\n…and ${fmt(hidden)} more.` : ''}`
}

function countsTable(p: Plan): string {
  const kind = p.inputHandling === 'upsert' ? 'full' : 'partial'
  const c = p.connections
  const rows: Array<[string, number]> = [
    ['Processes to create (rows that share a process count once)', p.processesToCreate],
    ['Processes to update', p.processesToUpdate],
    ['Processes to restore (archived)', p.processesToRestore],
    ['Rows to skip', p.rowsToSkip],
    ['Rows not checked (connection not visible or ambiguous)', p.rowsNotChecked],
    ['Rows not looked up (past tenant_search_limit)', p.coverage.rowsNotLookedUp],
    [`Assets to create (${kind})`, p.assetsToCreate],
    ['Assets to restore (archived)', p.assetsToRestore],
    ['Connections found', c.found],
    ['Connections hidden from this token', c.hidden],
    ['Connections ambiguous', c.ambiguous],
    ['Connections missing', c.missing],
    ['Connections not found, or not visible', c.unseen],
    ['Processes to retire', p.prune?.candidates.length ?? 0]
  ]
  return table(
    ['', 'Count'],
    rows
      .filter(
        ([label, n]) => n > 0 || !/restore|hidden|ambiguous|not checked|not looked/.test(label)
      )
      .map(([l, n]) => [l, fmt(n)])
  )
}

/** A titled table of the first MAX_ROWS items, with the count of the rest. */
function listed<T>(
  title: string,
  headers: string[],
  items: readonly T[],
  row: (item: T) => Array<string | number>
): string {
  return `${title}:\n\n${table(headers, items.slice(0, MAX_ROWS).map(row))}${more(items.length)}`
}

function connectionParts(p: Plan): string[] {
  const parts: string[] = []
  const near = (m: Plan['connectionsMissing'][number]) => [
    m.connector.toLowerCase(),
    m.name,
    m.line,
    m.nearMatches.join(', ')
  ]
  const nearHeaders = ['Connector', 'Connection', 'First line', 'Near matches']
  if (p.connectionsMissing.length)
    parts.push(
      listed(
        '**Connections missing** (the Lineage Builder does not create connections)',
        nearHeaders,
        p.connectionsMissing,
        near
      )
    )
  if (p.connectionsUnseen.length && !p.limit)
    parts.push(
      listed(
        '**Connections not found, or not visible to this token** (their rows were not checked)',
        nearHeaders,
        p.connectionsUnseen,
        near
      )
    )
  if (p.connectionsAmbiguous.length)
    parts.push(
      listed(
        '**Ambiguous connections** (the run uses one of them; prune leaves their processes alone)',
        ['Connector', 'Connection', 'First line', 'Connections in Atlan'],
        p.connectionsAmbiguous,
        a => [a.connector.toLowerCase(), a.name, a.line, a.qualifiedNames.join(', ')]
      )
    )
  if (p.connectionsRespelled.length)
    parts.push(
      listed(
        '**Spelled differently in Atlan** (the run matches connection names without case)',
        ['Connector', 'In the CSV', 'In Atlan', 'First line'],
        p.connectionsRespelled,
        r => [r.connector.toLowerCase(), r.name, r.atlanName, r.line]
      )
    )
  return parts
}

function prunePart(p: Plan): string | undefined {
  const prune = p.prune
  if (!prune) return undefined
  if (prune.blocked) return `**Prune:** ${mdText(prune.blocked, 500)}`
  const notes: string[] = []
  if (prune.notConsidered)
    notes.push(
      `${fmt(prune.notConsidered)} removed row(s) use a connection that is ambiguous or not visible to this token: their processes are left alone.`
    )
  if (prune.notFound)
    notes.push(
      `${fmt(prune.notFound)} removed row(s) have no process in Atlan under the name the Lineage Builder gives it (an older package version may have named it differently): nothing to retire for them.`
    )
  const list = prune.candidates.length
    ? `**Processes to retire** (rows removed since the base version; soft-deleted after a successful run with prune: true, each read again first):\n\n${table(
        ['Process qualifiedName', 'Line in the base version'],
        prune.candidates.slice(0, MAX_ROWS).map(r => [r.qualifiedName, r.baseLine])
      )}${more(prune.candidates.length)}`
    : undefined
  const parts = [list, ...notes].filter((s): s is string => s !== undefined)
  return parts.length ? parts.join('\n\n') : undefined
}

function planPart(t: TenantReport): string | undefined {
  const p = t.plan
  if (!p || !t.showPlan) return undefined
  const parts = [
    `### Plan against the tenant\n\nWhat the run will do (input_handling: ${p.inputHandling}), from ${fmt(p.requests)} search request(s).`
  ]
  if (p.limit) parts.push(`> ${mdText(p.limit.text, 1000)}`)
  if (p.coverage.text) parts.push(`> ${p.coverage.text}`)
  parts.push(countsTable(p), ...connectionParts(p))
  const prune = prunePart(p)
  if (prune) parts.push(prune)
  const total = p.counts.error + p.counts.warning + p.counts.notice
  if (p.findings.length) parts.push(findingsTable(p.findings, total))
  return parts.join('\n\n')
}

function afterPart(t: TenantReport): string | undefined {
  const parts: string[] = []
  const v = t.verification
  if (v) {
    const total = v.verified + v.missing.length
    const notChecked = v.notChecked
      ? ` ${fmt(v.notChecked)} row(s) not checked (a connection this token cannot see, or an ambiguous one).`
      : ''
    const head = `### Verification after the run\n\n${fmt(v.verified)} of ${fmt(total)} expected processes found in Atlan${v.missing.length ? `; **${fmt(v.missing.length)} missing**` : ''}.${notChecked}`
    const limited = t.plan && verifyLimitText(v, t.plan)
    const stopped = v.stopped
      ? `\n\n> Verify stopped early, ${fmt(v.unverified)} expected process(es) not checked: ${mdText(v.stopped, 500)}`
      : ''
    const refused = `${stopped}${limited ? `\n\n> ${limited}` : ''}`
    parts.push(
      v.missing.length
        ? `${head}${refused}\n\n${table(
            ['Line', 'Missing process qualifiedName'],
            v.missing.slice(0, MAX_ROWS).map(m => [m.line, m.qualifiedName])
          )}${more(v.missing.length, 'the annotations and the check run name more')}`
        : `${head}${refused}`
    )
  }
  const pr = t.pruned
  if (pr) {
    const retired = `**Retired** (soft-deleted, restorable in Atlan): ${fmt(pr.retired.length)} process(es).${
      pr.retired.length
        ? `\n\n${table(
            ['Process qualifiedName', 'Line in the base version'],
            pr.retired.slice(0, MAX_ROWS).map(r => [r.qualifiedName, r.baseLine])
          )}${more(pr.retired.length, IN_LOG)}`
        : ''
    }`
    parts.push(retired)
    if (pr.stopped) parts.push(`> Prune stopped early: ${mdText(pr.stopped, 500)}`)
    const left = [
      ...pr.skipped.map(s => [s.qualifiedName, s.baseLine, s.reason]),
      ...pr.notDeleted.map(r => [r.qualifiedName, r.baseLine, r.reason])
    ]
    if (left.length)
      parts.push(
        `**Left alone by prune** (${fmt(left.length)}):\n\n${table(
          ['Process qualifiedName', 'Line in the base version', 'Why'],
          left.slice(0, MAX_ROWS) as Array<Array<string | number>>,
          300
        )}${more(left.length, IN_LOG)}`
      )
  }
  if (t.pruneNote) parts.push(`> ${mdText(t.pruneNote, 500)}`)
  return parts.length ? parts.join('\n\n') : undefined
}

/** The markdown of the tenant stage; undefined when there is nothing to show. */
export function renderTenantSection(t: TenantReport | undefined): string | undefined {
  if (!t) return undefined
  const parts = [planPart(t), afterPart(t)].filter((s): s is string => s !== undefined)
  return parts.length ? parts.join('\n\n') : undefined
}

/** Findings of the stage for check-run annotations, and how many call for attention. */
export function tenantFindings(t: TenantReport | undefined): {
  findings: Finding[]
  attention: number
} {
  if (!t) return { findings: [], attention: 0 }
  const plan = t.showPlan ? (t.plan?.findings ?? []) : []
  const planAttention = t.showPlan && t.plan ? t.plan.counts.error + t.plan.counts.warning : 0
  const pr = t.pruned
  return {
    findings: [...plan, ...t.verifyFindings],
    attention:
      planAttention +
      (t.verification?.missing.length ?? 0) +
      (pr ? pr.skipped.length + pr.notDeleted.length : 0)
  }
}

/** The plan in the step log: its counts in one line, and the limit of the check said once. */
export function logPlan(
  p: Plan,
  show: boolean,
  log: Pick<Logger, 'info' | 'warning'> & { notice(message: string): void }
): void {
  if (p.limit?.severity === 'warning') log.warning(p.limit.text)
  else if (p.limit) log.notice(p.limit.text)
  if (!show) return
  if (p.coverage.text) log.notice(p.coverage.text)
  const c = p.connections
  const retire = p.prune?.blocked
    ? 'prune blocked'
    : `${p.prune?.candidates.length ?? 0} processes to retire`
  log.info(
    `Plan: ${p.processesToCreate} processes to create, ${p.processesToUpdate} to update, ${p.processesToRestore} to restore; ${p.rowsToSkip} rows to skip, ${p.rowsNotChecked} not checked; ${p.assetsToCreate} assets to create, ${p.assetsToRestore} to restore; connections: ${c.found} found, ${c.hidden} hidden from this token, ${c.ambiguous} ambiguous, ${c.missing} missing, ${c.unseen} not found or not visible; ${retire}.`
  )
}
