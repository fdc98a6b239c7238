// The tenant section of the summary with hostile connection and asset names (from the CSV) and
// hostile qualifiedNames and reasons (from Atlan): everything renders inert, tables keep their
// shape, and long lists are cut with exact counts.
import { describe, expect, it } from '@jest/globals'
import type { Plan } from '../../src/tenant/plan.js'
import {
  renderTenantSection,
  tenantFindings,
  MAX_ROWS,
  type TenantReport
} from '../../src/report/plan.js'
import { expectInert, HOSTILE_TEXT, render } from './hostile.js'

const H = HOSTILE_TEXT
const issue = (line: number) => ({
  connector: `Snowflake${H}`,
  name: `prod|${H}`,
  line,
  nearMatches: [`dbt/${H}`]
})

function hostilePlan(n = 3): Plan {
  const list = <T>(make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i))
  return {
    inputHandling: 'partial',
    caseSensitive: true,
    startedAt: 0,
    connections: { found: 1, hidden: 1, ambiguous: n, missing: n, unseen: n },
    connectionsMissing: list(i => issue(i + 2)),
    connectionsUnseen: list(i => issue(i + 2)),
    connectionsAmbiguous: list(i => ({
      ...issue(i + 2),
      qualifiedNames: [`default/x/${H}`, 'default/x/2']
    })),
    connectionsRespelled: list(i => ({ ...issue(i + 2), atlanName: `PROD${H}` })),
    coverage: { searchLimit: 100, rows: 1, of: 1, firstLine: 2, lastLine: 2, rowsNotLookedUp: 0 },
    processesToCreate: 1,
    processesToUpdate: 0,
    processesToRestore: 0,
    rowsToSkip: 0,
    rowsMissingConnection: 0,
    rowsNotChecked: 0,
    assetsToCreate: 1,
    assetsToRestore: 0,
    prune: {
      candidates: list(i => ({
        qualifiedName: `default/dbt/1/${H}${i}`,
        guid: `g${i}`,
        baseLine: i + 2
      })),
      notConsidered: 1,
      notFound: 1,
      pastLimit: 0
    },
    listed: { create: [`default/dbt/1/${H}`], update: [], assets: [`default/snowflake/1/${H}`] },
    findings: [
      {
        severity: 'error',
        line: 2,
        rule: 'connection-missing',
        message: `No ACTIVE connection "${H}"`,
        hint: H
      }
    ],
    counts: { error: 1, warning: 0, notice: 0 },
    expected: new Map(),
    requests: 4
  }
}

function report(n = 3): TenantReport {
  return {
    showPlan: true,
    plan: hostilePlan(n),
    verification: {
      verified: 1,
      missing: Array.from({ length: n }, (_, i) => ({
        qualifiedName: `default/dbt/1/${H}${i}`,
        line: i + 2
      })),
      notChecked: 2,
      unverified: 0,
      requests: 1,
      notAsked: 0,
      limitReached: false
    },
    pruned: {
      retired: [{ qualifiedName: `default/dbt/1/${H}`, guid: 'g', baseLine: 9 }],
      skipped: [
        {
          qualifiedName: `default/dbt/1/${H}`,
          guid: 'g2',
          baseLine: 10,
          reason: `workflow ${H} last wrote it`
        }
      ],
      notDeleted: [],
      requests: 3
    },
    verifyFindings: []
  }
}

describe('renderTenantSection', () => {
  it('renders hostile names inert, and every table row stays one row', () => {
    const md = renderTenantSection(report())!
    expectInert(md)
    expect(md).not.toContain('<img')
    const html = render(md)
    // Tables: a header row plus exactly the rows given (no cell split by a "|" in a name).
    for (const t of html.split('<table>').slice(1)) {
      const rows = t.slice(0, t.indexOf('</table>')).match(/<tr>/g) ?? []
      expect(rows.length).toBeLessThanOrEqual(MAX_ROWS + 1)
      const widths = new Set(
        (t.slice(0, t.indexOf('</table>')).match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map(
          r => (r.match(/<t[dh]/g) ?? []).length
        )
      )
      expect(widths.size).toBe(1)
    }
    for (const heading of [
      '**Connections missing**',
      '**Connections not found, or not visible to this token**',
      '**Ambiguous connections**',
      '**Spelled differently in Atlan**',
      '**Processes to retire**',
      '### Verification after the run',
      '**Retired**',
      '**Left alone by prune** (1)'
    ])
      expect(md).toContain(heading)
  })

  it('cuts long lists to the first rows, with an exact count of the rest', () => {
    const md = renderTenantSection(report(45))!
    expect(md).toContain('…and 25 more (the `plan` output lists the first 100).')
    expect(md.match(/…and 25 more/g)!.length).toBeGreaterThanOrEqual(5)
  })

  it('a limited check says so once and lists no connection as not visible', () => {
    const t = report()
    t.plan!.limit = { severity: 'notice', text: `The tenant check is limited: ${H}` }
    const md = renderTenantSection(t)!
    expect(md.match(/The tenant check is limited/g)).toHaveLength(1)
    expect(md).not.toContain('**Connections not found, or not visible to this token**')
    expectInert(md)
  })

  it('counts what prune left alone as needing attention in the check run', () => {
    expect(tenantFindings(report()).attention).toBe(1 + 3 + 1)
  })
})

describe('the counts table names what it counts', () => {
  it('processes, not edges: two rows into one process count once, and the label says so', () => {
    // examples/lineage.csv: 5 rows (edges), 4 processes (fct_orders has two inputs).
    const md = renderTenantSection({
      ...report(),
      plan: { ...hostilePlan(0), processesToCreate: 4 }
    })!
    expect(md).toContain('| Processes to create (rows that share a process count once) | 4 |')
    expect(md).not.toMatch(/edges\)? to create/i)
  })
})
