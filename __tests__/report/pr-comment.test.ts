// The pull-request comment's text (issue 23): rendered with the summary's renderers from the same
// report; hostile CSV and server text stays inert (no HTML, no links, no mentions); a stable
// marker per tenant, workflow and CSV; never over GitHub's 65,536 characters.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import type { Finding, LineageRow, ValidationResult } from '../../src/lineage/csv-types.js'
import { diffGraphs } from '../../src/preview/diff.js'
import { buildGraph } from '../../src/preview/graph.js'
import { renderPreviewMarkdown } from '../../src/preview/markdown.js'
import {
  COMMENT_LIMIT,
  commentMarker,
  fitComment,
  renderMergeReport,
  renderPrComment,
  type PrCommentInput
} from '../../src/report/pr-comment.js'
import type { TenantReport } from '../../src/report/plan.js'
import { rawInputs } from '../helpers/inputs.js'
import { expectInert, expectNoMentions, HOSTILE_TEXT, MENTIONS, render } from './hostile.js'

const WF = 'csa-lineage-builder-1714638976'
const H = `${HOSTILE_TEXT} ${MENTIONS} <script>alert(1)</script> <details open>`
const LINKS = {
  summaryUrl: 'http://127.0.0.1:9/acme/lineage/actions/runs/1/attempts/2',
  workflow: `Lineage ${MENTIONS}`,
  commit: 'c'.repeat(40)
}
const config = (extra: Record<string, string> = {}) =>
  parseConfig(rawInputs({ workflow_name: WF, lineage_file: 'lineage/orders.csv', ...extra }))

function asset(name: string) {
  return { type: 'Table', connector: 'snowflake', connection: 'prod', identity: name, name }
}
function rows(names: string[]): LineageRow[] {
  return names.map((n, i) => ({
    line: i + 2,
    source: asset(`${n}${H}`),
    target: asset(`${n}-t`),
    process: { connector: 'dbt', connection: 'p', identity: `p-${n}`, name: `proc ${H}` },
    extra: {}
  }))
}

function validation(findings: Finding[]): ValidationResult {
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return {
    rowsChecked: 3,
    rowsWithErrors: counts.error,
    blankRows: 0,
    headers: [],
    passThroughColumns: [],
    findings,
    counts,
    bytes: 10,
    sha256: 'x'
  }
}

const finding = (line: number, text = H): Finding => ({
  severity: 'warning',
  line,
  column: `Col ${text}`,
  rule: `r${line}`,
  message: `Problem ${text}`,
  hint: `Fix ${text}`
})

function tenant(): TenantReport {
  return {
    showPlan: true,
    plan: {
      inputHandling: 'partial',
      caseSensitive: true,
      startedAt: 0,
      coverage: { searchLimit: 100, rows: 2, of: 2, firstLine: 2, lastLine: 3, rowsNotLookedUp: 0 },
      connections: { found: 1, hidden: 0, ambiguous: 0, missing: 0, unseen: 0 },
      connectionsMissing: [],
      connectionsUnseen: [],
      connectionsAmbiguous: [],
      connectionsRespelled: [],
      processesToCreate: 2,
      processesToUpdate: 0,
      processesToRestore: 0,
      rowsToSkip: 0,
      rowsMissingConnection: 0,
      rowsNotChecked: 0,
      assetsToCreate: 0,
      assetsToRestore: 0,
      prune: {
        candidates: [{ qualifiedName: `default/dbt/1/${H}`, guid: 'g', baseLine: 7 }],
        notConsidered: 0,
        notFound: 0,
        pastLimit: 0
      },
      listed: { create: [], update: [], assets: [] },
      findings: [],
      counts: { error: 0, warning: 0, notice: 0 },
      expected: new Map(),
      requests: 2
    },
    verifyFindings: []
  }
}

function prInput(extra: Partial<PrCommentInput> = {}): PrCommentInput {
  const base = buildGraph(rows(['a', 'gone']))
  const head = buildGraph(rows(['a', 'b', 'c']))
  return {
    result: { phase: 'DryRun', workflowName: WF, failed: false, message: `Atlan said ${H}` },
    config: config(),
    secrets: [],
    validation: validation([finding(2), finding(3)]),
    checkPreview: renderPreviewMarkdown(head, diffGraphs(base, head), {
      mermaid: false,
      file: `lineage/${H}.csv`
    }),
    tenant: tenant(),
    ...extra
  }
}

describe('renderPrComment', () => {
  it('holds the outcome line, the findings, the edge diff, the plan with prune, and the summary link', () => {
    const md = renderPrComment(prInput(), LINKS)
    const lines = md.split('\n')
    expect(lines[0]).toBe(commentMarker(config()))
    expect(lines[2]).toBe(`## 🧪 Atlan Lineage Builder: Dry run · ${WF}`)
    expect(md).toContain('### CSV validation of lineage/orders.csv')
    expect(md).toContain('3 rows checked: **0 errors, 2 warnings**')
    expect(md).toMatch(/\*\*2 added, 1 removed, 0 changed\*\*/)
    expect(md).toMatch(/\| added \(line \d+\) \|/)
    expect(md).toContain('### Plan against the tenant')
    expect(md).toContain('**Processes to retire**')
    expect(md).toContain(`[job summary](${LINKS.summaryUrl})`)
    expect(md).not.toContain('```') // no Mermaid, no workflow JSON
  })

  it('keeps hostile CSV and server text inert: no HTML, no links or images, no mentions', () => {
    const md = renderPrComment(prInput(), LINKS)
    expectInert(md)
    expectNoMentions(md)
    const html = render(md)
    expect(html).not.toMatch(/<script|<details|<img/i)
    // The one HTML comment is the marker.
    expect(md.match(/<!--/g)).toHaveLength(1)
    // The hostile text is there, shown as text.
    expect(md).toContain('\\[Atlan token expired\\]')
  })

  it('redacts secrets from every part but leaves the marker alone', () => {
    const secret = 'atk_PrCommentSecret_0123456789'
    const md = renderPrComment(
      prInput({
        secrets: [secret],
        result: { phase: 'Failed', failed: true, message: `boom ${secret}` }
      }),
      LINKS
    )
    expect(md).not.toContain(secret)
    expect(md).toContain('> boom ***')
    expect(md.split('\n')[0]).toBe(commentMarker(config()))
  })

  it('a report over 65,536 characters is cut at a line, points to the job summary, and keeps the footer', () => {
    const many = Array.from({ length: 400 }, (_, i) => finding(i + 2, `${'x'.repeat(280)} ${i}`))
    const md = renderPrComment(
      prInput({ validation: validation(many), checkPreview: 'p\n'.repeat(40_000) }),
      LINKS
    )
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(md).toMatch(/cut here: the report is longer than a pull-request comment may be/)
    expect(md).toContain(`The [job summary](${LINKS.summaryUrl}) has all of it.`)
    expect(md.trimEnd().split('\n').at(-1)).toMatch(/^<sub>.*updated on every push<\/sub>$/)
    expect(md.split('\n')[0]).toBe(commentMarker(config()))
  })
})

describe('fitComment', () => {
  const marker = '<!-- m -->'
  it('returns what fits unchanged', () => {
    expect(fitComment(marker, ['a', 'b'], 'f', 'cut', 100)).toBe('<!-- m -->\n\na\n\nb\n\nf\n')
  })

  it('cuts at a line of the first part that does not fit, never inside one, and stays within the limit', () => {
    const parts = [
      '# one',
      Array.from({ length: 50 }, (_, i) => `| row ${i} |`).join('\n'),
      '# three'
    ]
    for (const limit of [60, 100, 177, 250, 400]) {
      const out = fitComment(marker, parts, 'footer', 'CUT', limit)
      expect(out.length).toBeLessThanOrEqual(limit)
      expect(out.startsWith(`${marker}\n\n`)).toBe(true)
      expect(out.endsWith('\n\nCUT\n\nfooter\n')).toBe(true)
      const body = out.slice(marker.length + 2, out.length - '\n\nCUT\n\nfooter\n'.length)
      const all = new Set(parts.flatMap(p => p.split('\n')))
      for (const line of body.split('\n')) if (line !== '') expect(all.has(line)).toBe(true)
      expect(out).not.toContain('# three')
    }
  })
})

describe('renderMergeReport', () => {
  it("Atlan's phase and run link, the verification's counts, and what prune retired", () => {
    const t = tenant()
    t.verification = {
      verified: 5,
      missing: [{ qualifiedName: `default/dbt/1/${H}`, line: 4 }],
      notChecked: 2,
      unverified: 0,
      notAsked: 0,
      limitReached: false,
      requests: 1
    }
    t.pruned = {
      retired: [{ qualifiedName: `default/dbt/1/old${H}`, guid: 'g', baseLine: 7 }],
      skipped: [],
      notDeleted: [],
      requests: 2
    }
    const runUrl = `https://t.atlan.com/workflows/profile/${WF}/runs?name=${WF}-x`
    const md = renderMergeReport(
      prInput({
        result: { phase: 'Succeeded', workflowName: WF, runId: `${WF}-x`, runUrl, failed: false },
        config: config({ prune: 'true' }),
        tenant: t
      }),
      { ...LINKS, branch: 'main' }
    )
    expect(md.split('\n')[0]).toBe(commentMarker(config()))
    expect(md).toContain(`## ✅ Atlan Lineage Builder: Succeeded · [run ${WF}-x](${runUrl})`)
    expect(md).toContain(`the push of commit ${'c'.repeat(12)} to main ran the Lineage Builder`)
    // The same body may create the first comment on a pull request (none was made before the
    // merge): it promises no earlier version.
    expect(md).toContain(
      'If this comment showed the plan before the merge, that version is in its edit history.'
    )
    expect(md).toContain('- **Phase:** Succeeded')
    expect(md).toContain(`- **Run:** [${WF}-x](${runUrl})`)
    expect(md).toContain('- **Processes verified:** 5 · **missing:** 1 · **not checked:** 2')
    expect(md).toContain('- **Processes retired:** 1')
    expect(md).toContain('**Retired** (soft-deleted, restorable in Atlan)')
    expect(md).not.toContain('### Plan against the tenant')
    expectInert(md, /^(http:\/\/127\.0\.0\.1:\d+\/|https:\/\/t\.atlan\.com\/)/)
    expectNoMentions(md)
  })

  it('says why there is no verification', () => {
    const failed = renderMergeReport(
      prInput({ result: { phase: 'Failed', failed: true }, tenant: undefined }),
      LINKS
    )
    expect(failed).toContain('- **Verification:** not run (the run ended Failed)')
    const off = renderMergeReport(
      prInput({
        result: { phase: 'Succeeded', failed: false },
        config: config({ verify: 'false' })
      }),
      LINKS
    )
    expect(off).toContain('- **Verification:** off (verify: false)')
  })
})

describe('commentMarker', () => {
  it('is stable, one per tenant, workflow and CSV, and cannot end the HTML comment early', () => {
    const m = commentMarker(config())
    expect(commentMarker(config({ lineage_file: './lineage/orders.csv' }))).toBe(m)
    expect(commentMarker(config({ dry_run: 'true', verify: 'false' }))).toBe(m)
    const others = [
      config({ lineage_file: 'lineage/customers.csv' }),
      config({ workflow_name: 'csa-lineage-builder-1714639012' }),
      config({ atlan_base_url: 'https://other.atlan.com' })
    ].map(commentMarker)
    expect(new Set([m, ...others]).size).toBe(4)
    expect(m).toMatch(/^<!-- atlan-lineage-action:pr-comment [0-9a-f]{32} -->$/)
    const hostile = commentMarker(config({ lineage_file: 'x-->y--!><img src=x>.csv' }))
    expect(hostile).toMatch(/^<!-- atlan-lineage-action:pr-comment [0-9a-f]{32} -->$/)
  })
})
