// The tenant stage in the report (job summary and check run): the plan before the run, the
// verification after it, and what prune retired. CSV-derived text goes through mdText()/textTable().
import type { Finding } from '../lineage/csv-types.js'
import type { TenantReport } from '../tenant/stage.js'
import { fmt, textTable as table } from './markdown.js'
import { mdText } from './untrusted.js'

const MAX_ROWS = 20

function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.slice(0, MAX_ROWS).map(f => [f.severity, f.line, f.message, f.hint])
  const more = findings.length - rows.length
  return `${table(['Severity', 'Line', 'Problem', 'Fix'], rows)}${more > 0 ? `\n\n…and ${fmt(more)} more.` : ''}`
}

function planPart(t: TenantReport): string | undefined {
  const p = t.plan
  if (!p || !t.showPlan) return undefined
  const kind = p.inputHandling === 'upsert' ? 'full' : 'partial'
  const parts = [
    `### Plan against the tenant\n\nWhat the run will do (input_handling: ${p.inputHandling}), from ${fmt(p.requests)} search request(s).`,
    table(
      [
        'Edges (processes) to create',
        'to update',
        'Rows to skip',
        `Assets to create (${kind})`,
        'Connections missing',
        'Processes to retire'
      ],
      [
        [
          fmt(p.processesToCreate),
          fmt(p.processesToUpdate),
          fmt(p.rowsToSkip),
          fmt(p.assetsToCreate),
          fmt(p.connectionsMissing.length),
          fmt(p.processesToRetire.length)
        ]
      ]
    )
  ]
  if (p.connectionsMissing.length)
    parts.push(
      `**Connections missing** (the Lineage Builder does not create connections):\n\n${table(
        ['Connector', 'Connection', 'First line', 'Near matches'],
        p.connectionsMissing
          .slice(0, MAX_ROWS)
          .map(m => [m.connector.toLowerCase(), m.name, m.line, m.nearMatches.join(', ')])
      )}`
    )
  if (p.processesToRetire.length)
    parts.push(
      `**Processes to retire** (rows removed since the base version; soft-deleted after a successful run with prune: true):\n\n${table(
        ['Process qualifiedName', 'Line in the base version'],
        p.processesToRetire.slice(0, MAX_ROWS).map(r => [r.qualifiedName, r.baseLine])
      )}`
    )
  if (p.findings.length) parts.push(findingsTable(p.findings))
  return parts.join('\n\n')
}

function afterPart(t: TenantReport): string | undefined {
  const parts: string[] = []
  const v = t.verification
  if (v) {
    const total = v.verified + v.missing.length
    const head = `### Verification after the run\n\n${fmt(v.verified)} of ${fmt(total)} expected processes found in Atlan${v.missing.length ? `; **${fmt(v.missing.length)} missing**` : ''}.`
    parts.push(
      v.missing.length
        ? `${head}\n\n${table(
            ['Line', 'Missing process qualifiedName'],
            v.missing.slice(0, MAX_ROWS).map(m => [m.line, m.qualifiedName])
          )}`
        : head
    )
  }
  if (t.retired)
    parts.push(
      `**Retired** (soft-deleted, restorable in Atlan): ${fmt(t.retired.length)} process(es).${
        t.retired.length
          ? `\n\n${table(
              ['Process qualifiedName', 'Line in the base version'],
              t.retired.slice(0, MAX_ROWS).map(r => [r.qualifiedName, r.baseLine])
            )}`
          : ''
      }`
    )
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
  return {
    findings: [...plan, ...t.verifyFindings],
    attention: planAttention + (t.verification?.missing.length ?? 0)
  }
}
