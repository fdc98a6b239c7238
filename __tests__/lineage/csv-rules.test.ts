// The Lineage Builder rules (docs/atlan-contract.md §6), one table-driven case per rule, through the validator.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Finding, LineageRow, ValidationResult } from '../../src/lineage/csv-types.js'
import {
  CsvValidator,
  KNOWN_COLUMNS,
  missingColumnsMessage,
  REQUIRED_COLUMNS,
  READ_CHUNK_BYTES,
  validateCsv,
  validateCsvFile,
  type ValidateOptions
} from '../../src/lineage/csv/index.js'

const PASS = ['sql', 'certificateStatus']
const HEADERS = [...KNOWN_COLUMNS, ...PASS]

type Cols = Record<string, string>

function baseRow(i: number): Cols {
  return {
    'Source Type': 'Table',
    'Source Connector': 'snowflake',
    'Source Connection': 'production',
    'Source Identity': `db/sch/src_${i}`,
    'Source Name': `src_${i}`,
    'Target Type': 'View',
    'Target Connector': 'snowflake',
    'Target Connection': 'production',
    'Target Identity': `db/sch/tgt_${i}`,
    'Target Name': `tgt_${i}`,
    'Transformation Connector': 'dbt',
    'Transformation Connection': 'etl',
    'Transformation Identity': `x_${i}`,
    'Transformation Name': `src_${i} > tgt_${i}`,
    sql: `select a, b from src_${i}`,
    certificateStatus: 'DRAFT'
  }
}

function q(v: string, sep = ','): string {
  return /["\r\n]/.test(v) || v.includes(sep) ? `"${v.replace(/"/g, '""')}"` : v
}

function csv(headers: string[], rows: Cols[], sep = ','): string {
  const lines = [headers.map(h => q(h, sep)).join(sep)]
  for (const r of rows) lines.push(headers.map(h => q(r[h] ?? '', sep)).join(sep))
  return lines.join('\n') + '\n'
}

function run(
  input: string | Buffer,
  opts: Partial<ValidateOptions> = {},
  chunk = Infinity
): { r: ValidationResult; rows: LineageRow[] } {
  const rows: LineageRow[] = []
  const v = new CsvValidator({
    separator: ',',
    caseSensitive: false,
    onRow: row => rows.push(row),
    ...opts
  })
  const b = Buffer.from(input)
  for (let i = 0; i < b.length; i += chunk) v.push(b.subarray(i, i + chunk))
  return { r: v.finish(), rows }
}

const byRule = (r: ValidationResult, rule: string): Finding[] =>
  r.findings.filter(f => f.rule === rule)

describe('clean file', () => {
  it('has no findings besides the pass-through notice, and passes every row to onRow', () => {
    const { r, rows } = run(csv(HEADERS, [baseRow(1), baseRow(2)]))
    expect(r.counts).toEqual({ error: 0, warning: 0, notice: 1 })
    expect(r.findings).toEqual([
      expect.objectContaining({ severity: 'notice', line: 1, rule: 'pass-through-columns' })
    ])
    expect(r.findings[0].message).toContain('carried onto the process: sql, certificateStatus')
    expect(r).toMatchObject({
      rowsChecked: 2,
      rowsWithErrors: 0,
      blankRows: 0,
      passThroughColumns: PASS
    })
    expect(r.headers).toEqual(HEADERS)
    expect(r.fatal).toBeUndefined()
    expect(rows).toEqual([
      {
        line: 2,
        source: {
          type: 'Table',
          connector: 'snowflake',
          connection: 'production',
          identity: 'db/sch/src_1',
          name: 'src_1'
        },
        target: {
          type: 'View',
          connector: 'snowflake',
          connection: 'production',
          identity: 'db/sch/tgt_1',
          name: 'tgt_1'
        },
        process: { connector: 'dbt', connection: 'etl', identity: 'x_1', name: 'src_1 > tgt_1' },
        extra: { sql: 'select a, b from src_1', certificateStatus: 'DRAFT' }
      },
      expect.objectContaining({ line: 3 })
    ])
  })

  it('with only the 14 known columns has no findings at all', () => {
    const { r } = run(csv([...KNOWN_COLUMNS], [baseRow(1)]))
    expect(r.findings).toEqual([])
    expect(r.passThroughColumns).toEqual([])
  })
})

describe('headers', () => {
  it.each([
    [
      'one required column absent',
      HEADERS.filter(h => h !== 'Source Name'),
      ['Source Name'],
      /add the column Source Name/
    ],
    [
      'two absent, canonical order',
      HEADERS.filter(h => h !== 'Target Name' && h !== 'Source Type'),
      ['Source Type', 'Target Name'],
      /add the columns Source Type, Target Name/
    ],
    [
      'wrong case and spacing',
      HEADERS.map(h =>
        h === 'Source Type' ? 'source type' : h === 'Target Identity' ? 'TargetIdentity' : h
      ),
      ['Source Type', 'Target Identity'],
      /rename source type to Source Type, TargetIdentity to Target Identity/
    ],
    [
      'snake_case',
      HEADERS.map(h => (h === 'Source Connector' ? 'source_connector' : h)),
      ['Source Connector'],
      /rename source_connector to Source Connector/
    ],
    [
      'leading space',
      HEADERS.map(h => (h === 'Target Type' ? ' Target Type' : h)),
      ['Target Type'],
      /rename {2}Target Type to Target Type/
    ]
  ])('%s → fatal with the package message', (_name, headers, missing, hint) => {
    const { r, rows } = run(csv(headers, [baseRow(1), baseRow(2)]))
    expect(r.fatal).toBe(missingColumnsMessage(missing))
    const [f] = byRule(r, 'missing-columns')
    expect(f).toMatchObject({ severity: 'error', line: 1, message: r.fatal })
    expect(f.hint).toMatch(hint)
    // Rows are still counted, but not checked or passed on.
    expect(r.rowsChecked).toBe(2)
    expect(r.rowsWithErrors).toBe(0)
    expect(r.counts.error).toBe(1)
    expect(rows).toEqual([])
  })

  it('the missing-columns message is the exact text of the package', () => {
    expect(missingColumnsMessage(REQUIRED_COLUMNS)).toBe(
      'Invalid input file received. Input CSV is missing required columns: [Source Type, Source Connector, Source Connection, Source Identity, Source Name, Target Type, Target Connector, Target Connection, Target Identity, Target Name]'
    )
  })

  it('suggests the separator when the header is one column', () => {
    const text = csv(HEADERS, [baseRow(1)], ';')
    const { r } = run(text, { separator: ',' })
    expect(r.fatal).toBe(missingColumnsMessage(REQUIRED_COLUMNS))
    expect(byRule(r, 'missing-columns')[0].hint).toMatch(/";"-separated, but the separator is ","/)
  })

  it('counts rows of a fatal file, blank ones apart, and still hashes all bytes', () => {
    const text = 'source_type,source_connector\n,\n , \na,b\nc,d,e\n"unterminated\n'
    const { r } = run(text)
    expect(r.fatal).toBeDefined()
    expect(r.blankRows).toBe(2)
    expect(r.rowsChecked).toBe(3)
    expect(byRule(r, 'field-count')).toEqual([])
    expect(byRule(r, 'unterminated-quote')).toHaveLength(1)
    expect(r.sha256).toBe(createHash('sha256').update(text).digest('hex'))
    expect(r.bytes).toBe(Buffer.byteLength(text))
  })

  it('an empty file is fatal with every required column missing', () => {
    const { r } = run('')
    expect(r.fatal).toBe(missingColumnsMessage(REQUIRED_COLUMNS))
    expect(r.findings[0].hint).toMatch(/empty/)
    expect(r.sha256).toBe(createHash('sha256').digest('hex'))
  })

  it('duplicate header names are an error', () => {
    const { r } = run(csv([...HEADERS, 'sql', 'Source Name'], [baseRow(1)]))
    expect(byRule(r, 'duplicate-header').map(f => [f.line, f.column, f.severity])).toEqual([
      [1, 'sql', 'error'],
      [1, 'Source Name', 'error']
    ])
  })

  it('Transformation Connector/Connection absent → one warning on line 1, none per row', () => {
    const headers = HEADERS.filter(
      h => h !== 'Transformation Connector' && h !== 'Transformation Connection'
    )
    const { r } = run(csv(headers, [baseRow(1), baseRow(2)]))
    expect(r.fatal).toBeUndefined()
    const fs = byRule(r, 'missing-transformation-columns')
    expect(fs).toHaveLength(1)
    expect(fs[0]).toMatchObject({ severity: 'warning', line: 1 })
    expect(fs[0].message).toMatch(/Transformation Connector or Transformation Connection.*dropped/)
    expect(byRule(r, 'process-dropped')).toEqual([])
  })

  it('a near-miss transformation header gets a rename hint', () => {
    const headers = HEADERS.map(h =>
      h === 'Transformation Connection' ? 'transformation connection' : h
    )
    const { r } = run(csv(headers, [baseRow(1)]))
    expect(byRule(r, 'missing-transformation-columns')[0].hint).toMatch(
      /Rename transformation connection to Transformation Connection/
    )
  })

  it('Transformation Name absent → a warning on line 1', () => {
    const { r } = run(
      csv(
        HEADERS.filter(h => h !== 'Transformation Name'),
        [baseRow(1)]
      )
    )
    expect(byRule(r, 'missing-transformation-columns')).toEqual([
      expect.objectContaining({ line: 1, column: 'Transformation Name', severity: 'warning' })
    ])
  })

  it('pass-through columns are listed once', () => {
    const { r } = run(csv([...HEADERS, 'announcementType'], [baseRow(1), baseRow(2)]))
    expect(byRule(r, 'pass-through-columns')).toHaveLength(1)
    expect(r.passThroughColumns).toEqual([...PASS, 'announcementType'])
  })
})

describe('rows', () => {
  const sides = ['Source', 'Target'] as const
  const mapped = ['Type', 'Connector', 'Connection', 'Identity'] as const

  it.each(sides.flatMap(s => mapped.map(f => [`${s} ${f}`, s.toLowerCase()] as const)))(
    'empty %s → error "cannot be mapped"',
    (col, side) => {
      const bad = { ...baseRow(2), [col]: '' }
      const blank = { ...baseRow(3), [col]: '   ' } // whitespace only counts as empty
      const { r, rows } = run(csv(HEADERS, [baseRow(1), bad, blank]))
      const fs = byRule(r, 'unmappable-asset')
      expect(fs.map(f => [f.line, f.column, f.severity])).toEqual([
        [3, col, 'error'],
        [4, col, 'error']
      ])
      expect(fs[0].message).toBe(
        `${col} is empty: the ${side} asset cannot be mapped, so this row creates no lineage.`
      )
      expect(r.rowsWithErrors).toBe(2)
      expect(rows).toHaveLength(3) // rows with errors still reach the preview
    }
  )

  it.each(['Source Name', 'Target Name'])('empty %s → warning', col => {
    const { r } = run(csv(HEADERS, [{ ...baseRow(1), [col]: '' }]))
    expect(byRule(r, 'empty-name')).toEqual([
      expect.objectContaining({ line: 2, column: col, severity: 'warning' })
    ])
    expect(r.rowsWithErrors).toBe(0)
  })

  it.each([
    [['Transformation Connector'], 'Transformation Connector is empty'],
    [['Transformation Connection'], 'Transformation Connection is empty'],
    [
      ['Transformation Connector', 'Transformation Connection'],
      'Transformation Connector and Transformation Connection are empty'
    ]
  ])('empty %j → warning "process row will be dropped"', (cols, text) => {
    const row = baseRow(1)
    for (const c of cols) row[c] = ''
    const { r } = run(csv(HEADERS, [row]))
    const fs = byRule(r, 'process-dropped')
    expect(fs).toEqual([expect.objectContaining({ line: 2, column: cols[0], severity: 'warning' })])
    expect(fs[0].message).toContain(text)
    expect(fs[0].message).toContain('process row will be dropped')
  })

  it('empty Transformation Name → warning', () => {
    const { r } = run(csv(HEADERS, [{ ...baseRow(1), 'Transformation Name': '' }]))
    expect(byRule(r, 'empty-process-name')).toEqual([
      expect.objectContaining({ line: 2, severity: 'warning' })
    ])
  })

  it('a row with several errors counts once in rowsWithErrors', () => {
    const row = { ...baseRow(1), 'Source Type': '', 'Target Identity': '' }
    const { r } = run(csv(HEADERS, [row, baseRow(2)]))
    expect(r.counts.error).toBe(2)
    expect(r.rowsWithErrors).toBe(1)
  })

  it.each([
    ['an extra field', 1, 'Quote values that contain the separator'],
    ['a missing field', -1, 'Add the missing fields']
  ])('%s → field-count error, row not passed on', (_name, delta, hint) => {
    const good = csv(HEADERS, [baseRow(1)])
    let bad = csv(HEADERS, [baseRow(2)]).split('\n')[1]
    bad = delta > 0 ? bad + ',extra' : bad.slice(0, bad.lastIndexOf(','))
    const text = good + bad + '\n' + csv(HEADERS, [baseRow(3)]).split('\n')[1] + '\n'
    const { r, rows } = run(text)
    const [f] = byRule(r, 'field-count')
    expect(f).toMatchObject({ severity: 'error', line: 3 })
    expect(f.message).toBe(
      `Line 3 has ${HEADERS.length + delta} fields; the header has ${HEADERS.length}.`
    )
    expect(f.hint).toContain(hint)
    expect(rows.map(x => x.line)).toEqual([2, 4])
    expect(r).toMatchObject({ rowsChecked: 3, rowsWithErrors: 1 })
  })

  it('all-blank records and empty lines are skipped and counted', () => {
    const blank = HEADERS.map(() => '').join(',')
    const spaces = HEADERS.map(() => ' ').join(',')
    const text =
      csv(HEADERS, [baseRow(1)]) +
      blank +
      '\n\n' +
      spaces +
      '\r\n' +
      HEADERS.map(() => '""').join(',') +
      '\n'
    const { r, rows } = run(text)
    expect(r).toMatchObject({
      blankRows: 4,
      rowsChecked: 1,
      rowsWithErrors: 0,
      counts: { error: 0, warning: 0, notice: 1 }
    })
    expect(rows).toHaveLength(1)
  })

  it('a short whitespace-only line is a field-count error (the package reader rejects it)', () => {
    const { r } = run(csv(HEADERS, [baseRow(1)]) + '   \n')
    expect(byRule(r, 'field-count')).toEqual([expect.objectContaining({ line: 3 })])
  })

  it('an unterminated quote is an error on the line its record starts', () => {
    const text = csv(HEADERS, [baseRow(1)]) + 'Table,"snowflake\nmore,stuff\n'
    const { r, rows } = run(text)
    expect(byRule(r, 'unterminated-quote')).toEqual([
      expect.objectContaining({ line: 3, severity: 'error' })
    ])
    expect(r.rowsWithErrors).toBe(1)
    expect(rows).toHaveLength(1)
  })

  it('a record that would need more than maxRecordBytes of buffering is reported, not buffered', () => {
    const huge = { ...baseRow(2), sql: 'x'.repeat(5000) }
    const { r, rows } = run(
      csv(HEADERS, [baseRow(1), huge, baseRow(3)]),
      { maxRecordBytes: 1024 },
      512
    )
    expect(byRule(r, 'record-too-large')).toEqual([
      expect.objectContaining({
        line: 3,
        message:
          'The record starting on line 3 is longer than 1,024 characters and was not checked.'
      })
    ])
    expect(rows.map(x => x.line)).toEqual([2, 4])
  })
})

describe('duplicates', () => {
  const row = (over: Cols = {}): Cols => ({ ...baseRow(1), ...over })

  it.each<[string, Cols, boolean, boolean]>([
    ['exact repeat', {}, false, true],
    [
      'other pass-through values, same key',
      { sql: 'other', certificateStatus: 'VERIFIED' },
      false,
      true
    ],
    ['other names/types, same key', { 'Source Name': 'n', 'Target Type': 'Table' }, false, true],
    ['identity case differs, case-insensitive', { 'Source Identity': 'DB/SCH/SRC_1' }, false, true],
    ['identity case differs, case-sensitive', { 'Source Identity': 'DB/SCH/SRC_1' }, true, false],
    ['connector case always ignored', { 'Target Connector': 'SnowFlake' }, true, true],
    ['connection case differs, case-sensitive', { 'Source Connection': 'Production' }, true, false],
    ['other identity', { 'Target Identity': 'db/sch/other' }, false, false],
    ['other process name', { 'Transformation Name': 'p2' }, false, false],
    ['non-ASCII case differs', { 'Source Identity': 'DB/ÉTÉ' }, false, false]
  ])('%s', (_name, over, caseSensitive, dup) => {
    const { r } = run(csv(HEADERS, [row(), baseRow(7), row(over)]), { caseSensitive })
    const fs = byRule(r, 'duplicate-lineage')
    if (dup) {
      expect(fs).toEqual([expect.objectContaining({ line: 4, severity: 'warning' })])
      expect(fs[0].message).toMatch(/as line 2/)
    } else {
      expect(fs).toEqual([])
    }
  })

  it('matches non-ASCII values case-insensitively', () => {
    const a = row({ 'Source Identity': 'db/été/x' })
    const b = row({ 'Source Identity': 'DB/ÉTÉ/X' })
    expect(byRule(run(csv(HEADERS, [a, b])).r, 'duplicate-lineage')).toHaveLength(1)
    expect(
      byRule(run(csv(HEADERS, [a, b]), { caseSensitive: true }).r, 'duplicate-lineage')
    ).toHaveLength(0)
  })

  it('quoting does not matter; a separator inside a value cannot fake a duplicate', () => {
    const plain = csv(HEADERS, [row()])
    const quoted = plain
      .split('\n')[1]
      .replace('snowflake', '"snowflake"')
      .replace('production', '"prod""uction"')
    const same = plain.split('\n')[1].replace('production', 'prod"uction')
    const text = plain + quoted + '\n' + same + '\n'
    const fs = byRule(run(text).r, 'duplicate-lineage')
    expect(fs.map(f => [f.line, f.message])).toEqual([
      [4, 'Same source, target and process as line 3 (ignoring case).']
    ])
    // ("a,b","c") vs ("a","b,c") in adjacent hashed columns
    const x = row({ 'Source Connection': 'a,b', 'Source Identity': 'c' })
    const y = row({ 'Source Connection': 'a', 'Source Identity': 'b,c' })
    expect(byRule(run(csv(HEADERS, [x, y])).r, 'duplicate-lineage')).toEqual([])
  })

  it('names the first line for every later repeat, in file order among other findings', () => {
    const rows = [row(), row({ 'Source Name': '' }), baseRow(2), row(), baseRow(2)]
    const { r } = run(csv(HEADERS, rows))
    expect(
      r.findings.filter(f => f.rule !== 'pass-through-columns').map(f => [f.line, f.rule])
    ).toEqual([
      [3, 'empty-name'],
      [3, 'duplicate-lineage'],
      [5, 'duplicate-lineage'],
      [6, 'duplicate-lineage']
    ])
    expect(byRule(r, 'duplicate-lineage').map(f => f.message.match(/line (\d+)/)![1])).toEqual([
      '2',
      '2',
      '4'
    ])
  })

  it('stops remembering rows past maxDistinctRows, with a notice', () => {
    const { r } = run(csv(HEADERS, [row(), baseRow(2), baseRow(3), row()]), { maxDistinctRows: 2 })
    expect(byRule(r, 'duplicate-check-limit')).toEqual([
      expect.objectContaining({ line: 4, severity: 'notice' })
    ])
    expect(byRule(r, 'duplicate-lineage')).toEqual([])
  })
})

describe('limits, separators, API', () => {
  it('keeps maxFindings findings, in file order, and counts them all', () => {
    const rows: Cols[] = Array.from({ length: 30 }, (_, i) => ({
      ...baseRow(i),
      'Source Type': '',
      'Target Name': ''
    }))
    rows.push(baseRow(0), baseRow(0))
    const { r } = run(csv(HEADERS, rows), { maxFindings: 10 })
    expect(r.findings).toHaveLength(10)
    expect(r.counts).toEqual({ error: 30, warning: 30 + 2, notice: 1 })
    const lines = r.findings.map(f => f.line)
    expect(lines).toEqual([...lines].sort((a, b) => a - b))
    expect(r.rowsWithErrors).toBe(30)
  })

  it('keeps late duplicate findings that fall inside the first maxFindings', () => {
    const rows = [
      baseRow(1),
      baseRow(1),
      ...Array.from({ length: 5 }, (_, i) => ({ ...baseRow(i + 10), 'Source Type': '' }))
    ]
    const { r } = run(csv(HEADERS, rows), { maxFindings: 3 })
    expect(r.findings.map(f => [f.line, f.rule])).toEqual([
      [1, 'pass-through-columns'],
      [3, 'duplicate-lineage'],
      [4, 'unmappable-asset']
    ])
  })

  it.each([';', '\t', '|'])('separator %j', sep => {
    const text = csv(HEADERS, [{ ...baseRow(1), sql: `a${sep}b, c` }, baseRow(2)], sep)
    const { r, rows } = run(text, { separator: sep })
    expect(r.counts.error).toBe(0)
    expect(rows[0].extra.sql).toBe(`a${sep}b, c`)
    expect(rows).toHaveLength(2)
  })

  it.each(['', ',,', '"', '\n', '§'])('separator %j is fatal', sep => {
    const { r } = run(csv(HEADERS, [baseRow(1)]), { separator: sep })
    expect(r.fatal).toBeDefined()
    expect(r.findings[0]).toMatchObject({ rule: 'separator', severity: 'error', line: 1 })
    expect(r.bytes).toBeGreaterThan(0)
  })

  it('handles a BOM and CRLF', () => {
    const text = '\uFEFF' + csv(HEADERS, [baseRow(1), baseRow(2)]).replace(/\n/g, '\r\n')
    const { r, rows } = run(text)
    expect(r.headers[0]).toBe('Source Type')
    expect(r.counts.error).toBe(0)
    expect(rows.map(x => [x.line, x.extra.certificateStatus])).toEqual([
      [2, 'DRAFT'],
      [3, 'DRAFT']
    ])
    expect(r.sha256).toBe(createHash('sha256').update(text).digest('hex'))
  })

  it('validateCsv reads any AsyncIterable of Uint8Array', async () => {
    const text = Buffer.from(csv(HEADERS, [baseRow(1), baseRow(2)]))
    async function* gen(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < text.length; i += 5) yield new Uint8Array(text.subarray(i, i + 5))
    }
    const r = await validateCsv(gen(), { separator: ',', caseSensitive: true })
    expect(r).toEqual(run(text, { caseSensitive: true }).r)
  })

  it('validateCsvFile reads a multi-chunk file like the push API, and rejects a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-test-'))
    try {
      const path = join(dir, 'big.csv')
      const rows: Cols[] = Array.from({ length: 15_000 }, (_, i) => ({
        ...baseRow(i),
        sql: `select "x", ${i}`
      }))
      rows.push(baseRow(5))
      const text = csv(HEADERS, rows)
      writeFileSync(path, text)
      expect(Buffer.byteLength(text)).toBeGreaterThan(2 * READ_CHUNK_BYTES)
      const seen: number[] = []
      const r = await validateCsvFile(path, {
        separator: ',',
        caseSensitive: false,
        onRow: x => seen.push(x.line)
      })
      const { r: want } = run(text, {}, 4093)
      expect(r).toEqual(want)
      expect(r.rowsChecked).toBe(15_001)
      expect(byRule(r, 'duplicate-lineage')).toEqual([expect.objectContaining({ line: 15_002 })])
      expect(seen).toHaveLength(15_001)
      await expect(
        validateCsvFile(join(dir, 'nope.csv'), { separator: ',', caseSensitive: false })
      ).rejects.toThrow(/ENOENT/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('finish() twice throws', () => {
    const v = new CsvValidator({ separator: ',', caseSensitive: false })
    v.finish()
    expect(() => v.finish()).toThrow()
  })
})
