// Issue 16 "The summary": a title with the outcome and a link, only facts that have values (no
// bold table header), findings grouped by rule with line ranges, the message once, no empty
// diagram, no timeout for Invalid, "<1s" for sub-second runs.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import type { Finding, ValidationResult } from '../../src/lineage/csv-types.js'
import { emptyGraph } from '../../src/preview/graph.js'
import { renderPreviewMarkdown } from '../../src/preview/markdown.js'
import { lineRanges, table } from '../../src/report/markdown.js'
import {
  MAX_FINDING_GROUPS,
  facts,
  humanSeconds,
  renderReport,
  title,
  type ReportInput
} from '../../src/report/summary.js'
import { rawInputs } from '../helpers/inputs.js'
import { render } from './hostile.js'

const WF = 'csa-lineage-builder-1714638976'
const URL = `https://t.atlan.com/workflows/profile/${WF}/runs?name=${WF}-abcde`

function validation(findings: Finding[], extra: Partial<ValidationResult> = {}): ValidationResult {
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return {
    rowsChecked: 40,
    rowsWithErrors: findings.filter(f => f.severity === 'error').length,
    blankRows: 0,
    headers: [],
    passThroughColumns: [],
    findings,
    counts,
    bytes: 100,
    sha256: 'x',
    ...extra
  }
}

const empty = (line: number): Finding => ({
  severity: 'error',
  line,
  column: 'Source Connection',
  rule: 'empty-required',
  message: 'Source Connection is empty',
  hint: 'Fill it in.'
})

describe('title and facts', () => {
  it('a succeeded run: the title links the run; facts are a list, not a bold table header', () => {
    const md = renderReport({
      result: {
        phase: 'Succeeded',
        workflowName: WF,
        runId: `${WF}-abcde`,
        runUrl: URL,
        startedAt: '2027-01-15T08:00:00Z',
        finishedAt: '2027-01-15T08:00:00Z',
        durationSeconds: 0,
        failed: false
      },
      config: parseConfig(rawInputs({ workflow_name: WF }))
    })
    const firstLine = md.split('\n')[0]
    expect(firstLine).toBe(`## ✅ Atlan Lineage Builder: Succeeded · [run ${WF}-abcde](${URL})`)
    expect(md).toContain('- **Duration:** <1s')
    expect(md).not.toContain('0ms')
    const html = render(md)
    expect(html).not.toMatch(/<table|<th/)
    expect(md).not.toContain('—')
    expect(md).not.toMatch(/Timeout/)
  })

  it('Invalid: the message once, no empty rows, no timeout, no settings, no empty diagram', () => {
    const fatal = 'Input CSV is missing required columns: [Source Connector]'
    const preview = renderPreviewMarkdown(emptyGraph(true), undefined, { file: 'l.csv' })
    const input: ReportInput = {
      result: { phase: 'Invalid', failed: true, message: `l.csv: ${fatal}` },
      config: parseConfig(rawInputs({ workflow_name: WF, lineage_file: 'l.csv' })),
      validation: validation(
        [{ severity: 'error', line: 1, rule: 'missing-columns', message: fatal }],
        { fatal, rowsChecked: 0 }
      ),
      preview
    }
    const md = renderReport(input)
    expect(md.split(fatal.replace(/[[\]]/g, '\\$&'))).toHaveLength(2)
    expect(md).not.toMatch(/—|Timeout|Settings|mermaid|no lineage edges/)
    expect(md.split('\n')[0]).toBe(`## ❌ Atlan Lineage Builder: Invalid · ${WF}`)
    expect(facts(input).map(([k]) => k)).toEqual(['Workflow'])
    // The rows were not checked: the counts say so instead of "0 rows checked: 1 error".
    expect(md).toContain(
      'The header stopped validation (0 rows not checked): **1 error, 0 warnings**.'
    )
    expect(md).not.toMatch(/rows? checked:/)
  })

  it('an empty graph has no diagram even where the preview is shown', () => {
    expect(renderPreviewMarkdown(emptyGraph(true))).not.toContain('```mermaid')
  })

  it('Skipped keeps the workflow name; TimedOut shows the timeout', () => {
    const config = parseConfig(rawInputs({ workflow_name: WF, timeout: '90s' }))
    const skipped = facts({ result: { phase: 'Skipped', workflowName: WF, failed: false }, config })
    expect(skipped.map(([k]) => k)).toEqual(['Workflow'])
    const timedOut = facts({
      result: { phase: 'TimedOut', workflowName: WF, failed: true },
      config
    })
    expect(timedOut).toContainEqual(['Timeout', '1m 30s (on_timeout: fail)'])
  })

  it('extra facts from other stages are appended, and empty ones left out', () => {
    const input: ReportInput = {
      result: { phase: 'DryRun', failed: false },
      facts: [
        ['Lineage file', 'before → after'],
        ['Nothing', undefined]
      ]
    }
    expect(facts(input)).toEqual([['Lineage file', 'before → after']])
  })

  it('the check run title is one plain line', () => {
    expect(title({ phase: 'TimedOut', workflowName: 'wf\nx', failed: true })).toBe(
      '⏱️ Timed out: wf x'
    )
  })

  it('durations read as a person would say them', () => {
    expect(humanSeconds(0)).toBe('<1s')
    expect(humanSeconds(1)).toBe('1s')
    expect(humanSeconds(95)).toBe('1m 35s')
  })
})

describe('findings grouped by rule', () => {
  it('31 identical findings are one row with line ranges', () => {
    const lines = [...Array.from({ length: 30 }, (_, i) => i + 2), 40]
    const md = renderReport({
      result: { phase: 'Invalid', failed: true, message: 'l.csv has 31 errors' },
      validation: validation(lines.map(empty))
    })
    const rows = md.split('\n').filter(l => l.startsWith('| error'))
    expect(rows).toEqual([
      '| error | Source Connection | Source Connection is empty | 2–31, 40 (31) | Fill it in. |'
    ])
  })

  it(`at most ${MAX_FINDING_GROUPS} groups, then a count; errors before warnings`, () => {
    const findings: Finding[] = []
    for (let i = 0; i < 25; i++)
      findings.push({ severity: 'warning', line: i + 2, rule: `rule-${i}`, message: `w${i}` })
    findings.push({ ...empty(50) })
    const md = renderReport({
      result: { phase: 'Succeeded', failed: false },
      validation: validation(findings)
    })
    const rows = md.split('\n').filter(l => /^\| (error|warning) /.test(l))
    expect(rows).toHaveLength(MAX_FINDING_GROUPS)
    expect(rows[0]).toMatch(/^\| error /)
    expect(md).toContain('…and 6 more kinds of problems (not listed).')
  })

  it('findings beyond those kept by the validator are counted', () => {
    const v = validation([empty(2)])
    v.counts.error = 500
    const md = renderReport({ result: { phase: 'Invalid', failed: true }, validation: v })
    expect(md).toContain('…and 499 findings beyond the first 1 (not listed).')
  })

  it('a column with nothing in it is left out; a dash only where others in the column say something', () => {
    const fieldCount: Finding = {
      severity: 'error',
      line: 4,
      rule: 'field-count',
      message: 'Line 4 has 15 fields; the header has 14.'
    }
    const alone = renderReport({
      result: { phase: 'Invalid', failed: true },
      validation: validation([fieldCount])
    })
    // No finding names a column or a fix: neither column is shown, and no cell is a dash.
    expect(alone).toContain('| Severity | Problem | Lines |')
    expect(alone).toContain('| error | Line 4 has 15 fields; the header has 14. | 4 |')
    expect(alone).not.toContain('—')
    const mixed = renderReport({
      result: { phase: 'Invalid', failed: true },
      validation: validation([empty(3), fieldCount])
    })
    expect(mixed).toContain('| Severity | Column | Problem | Lines | Fix |')
    expect(mixed).toContain('| error | — | Line 4 has 15 fields; the header has 14. | 4 | — |')
    const html = render(mixed)
    expect(html.match(/<th>/g)).toHaveLength(5)
  })

  it('a table row with nothing in it is left out', () => {
    expect(
      table(
        ['A', 'B'],
        [
          ['', ''],
          ['x', '']
        ]
      )
    ).toBe('| A |\n| --- |\n| x |')
    expect(
      table(
        ['A', 'B'],
        [
          ['x', ''],
          ['', 'y']
        ]
      )
    ).toBe('| A | B |\n| --- | --- |\n| x | — |\n| — | y |')
  })

  it('line ranges', () => {
    expect(lineRanges([5, 3, 4, 9, 9, 12, 13])).toBe('3–5, 9, 12–13')
    expect(lineRanges([1, 3, 5, 7, 9], 2)).toBe('1, 3 and 3 more lines')
  })
})

describe('the title after a Succeeded run (issue 20)', () => {
  const base = { phase: 'Succeeded' as const, workflowName: 'csa-lineage-builder-1', failed: false }
  it.each([
    [{}, '✅ Succeeded: csa-lineage-builder-1', '## ✅ Atlan Lineage Builder: Succeeded'],
    [
      { flagged: true },
      '⚠️ Succeeded, with findings: csa-lineage-builder-1',
      '## ⚠️ Atlan Lineage Builder: Succeeded, with findings'
    ],
    [
      { flagged: true, failed: true },
      '❌ Succeeded in Atlan, but the step failed: csa-lineage-builder-1',
      '## ❌ Atlan Lineage Builder: Succeeded in Atlan, but the step failed'
    ]
  ])('%o', (extra, check, heading) => {
    const result = { ...base, ...extra }
    expect(title(result)).toBe(check)
    expect(renderReport({ result })).toContain(heading)
  })

  it('other phases keep their own icon', () => {
    expect(title({ phase: 'Failed', failed: true, flagged: true })).toBe('❌ Failed')
    expect(title({ phase: 'DryRun', failed: false })).toBe('🧪 Dry run')
  })
})
