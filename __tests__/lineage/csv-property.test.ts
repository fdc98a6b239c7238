// Property tests: random valid lineage CSVs pass; one corrupted field is reported on its line.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import type { LineageRow } from '../../src/lineage/csv-types.js'
import { CsvValidator, KNOWN_COLUMNS } from '../../src/lineage/csv/index.js'

const HEADERS = [...KNOWN_COLUMNS, 'sql', 'announcementMessage']
const MAPPED = [
  'Source Type',
  'Source Connector',
  'Source Connection',
  'Source Identity',
  'Target Type',
  'Target Connector',
  'Target Connection',
  'Target Identity'
]

const anyChar = fc.constantFrom(
  'a',
  'B',
  ' ',
  ',',
  ';',
  '"',
  '\n',
  '\r\n',
  'é',
  '日',
  '😀',
  '-',
  '/',
  '.'
)
const text = (min: number, max: number) =>
  fc.array(anyChar, { minLength: min, maxLength: max }).map(a => a.join(''))
/** Never blank: starts with a visible character. */
const solid = fc.tuple(fc.constantFrom('x', 'Y', 'é', '"', ','), text(0, 10)).map(([a, b]) => a + b)

type Row = Record<string, string>
const rowArb: fc.Arbitrary<Row> = fc
  .record({
    solid: fc.array(solid, { minLength: 16, maxLength: 16 }),
    free: fc.array(text(0, 12), { minLength: 2, maxLength: 2 })
  })
  .map(({ solid: s, free }) => {
    const r: Row = {}
    KNOWN_COLUMNS.forEach((c, i) => (r[c] = s[i]))
    r.sql = free[0]
    r.announcementMessage = free[1]
    return r
  })

function q(v: string, sep: string): string {
  return /["\r\n]/.test(v) || v.includes(sep) ? `"${v.replace(/"/g, '""')}"` : v
}
/** How values are read: a CR or CRLF inside quotes comes back as LF (see reader.ts). */
const lf = (v: string): string => v.replace(/\r\n?/g, '\n')
const breaks = (v: string): number => v.match(/\r\n|\r|\n/g)?.length ?? 0

interface Built {
  bytes: Buffer
  /** Line of each data row, in order. */
  lines: number[]
  blanks: number
}

/**
 * Serialises rows (copies; identities made unique), an all-blank record after row i when
 * blankAfter[i], and optionally one extra field appended to one row.
 */
function build(
  input: Row[],
  sep: string,
  eol: string,
  blankAfter: boolean[],
  extra?: { row: number; value: string }
): Built {
  const out = [HEADERS.map(h => q(h, sep)).join(sep)]
  const lines: number[] = []
  let line = 2
  let blanks = 0
  input.forEach((orig, i) => {
    const r = { ...orig }
    if (r['Source Identity'].trim()) r['Source Identity'] = `r${i}/${r['Source Identity']}` // no duplicates
    let l = HEADERS.map(h => q(r[h], sep)).join(sep)
    lines.push(line)
    line += 1 + HEADERS.reduce((n, h) => n + breaks(r[h]), 0)
    if (extra?.row === i) {
      l += sep + q(extra.value, sep)
      line += breaks(extra.value)
    }
    out.push(l)
    if (blankAfter[i]) {
      out.push(HEADERS.map(() => (i % 2 ? ' ' : '')).join(sep))
      blanks++
      line++
    }
  })
  return { bytes: Buffer.from(out.join(eol) + eol), lines, blanks }
}

function validate(
  bytes: Buffer,
  sep: string,
  cuts: number[],
  caseSensitive: boolean,
  rowsOnly = false
) {
  const rows: LineageRow[] = []
  const v = new CsvValidator({ separator: sep, caseSensitive, rowsOnly, onRow: r => rows.push(r) })
  let prev = 0
  for (const c of [...cuts].map(x => x % (bytes.length + 1)).sort((a, b) => a - b)) {
    v.push(bytes.subarray(prev, c))
    prev = c
  }
  v.push(bytes.subarray(prev))
  return { r: v.finish(), rows }
}

const common = {
  rows: fc.array(rowArb, { minLength: 1, maxLength: 25 }),
  sep: fc.constantFrom(',', ';', '\t', '|'),
  eol: fc.constantFrom('\n', '\r\n'),
  cuts: fc.array(fc.nat(), { maxLength: 5 }),
  blankAfter: fc.array(fc.boolean(), { maxLength: 25 }),
  caseSensitive: fc.boolean()
}

describe('validator properties', () => {
  it('a random valid CSV passes with zero errors, the right counts, rows, lines and sha256', () => {
    fc.assert(
      fc.property(fc.record(common), ({ rows, sep, eol, cuts, blankAfter, caseSensitive }) => {
        const { bytes, lines, blanks } = build(rows, sep, eol, blankAfter)
        const { r, rows: got } = validate(bytes, sep, cuts, caseSensitive)
        expect(r.fatal).toBeUndefined()
        expect(r.counts).toEqual({ error: 0, warning: 0, notice: 1 })
        expect(r).toMatchObject({ rowsChecked: rows.length, rowsWithErrors: 0, blankRows: blanks })
        expect(r.bytes).toBe(bytes.length)
        expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
        expect(got.map(g => g.line)).toEqual(lines)
        got.forEach((g, i) => {
          const w = rows[i]
          expect(g.source).toEqual({
            type: lf(w['Source Type']),
            connector: lf(w['Source Connector']),
            connection: lf(w['Source Connection']),
            identity: lf(`r${i}/${w['Source Identity']}`),
            name: lf(w['Source Name'])
          })
          expect(g.target.identity).toBe(lf(w['Target Identity']))
          expect(g.process).toEqual({
            connector: lf(w['Transformation Connector']),
            connection: lf(w['Transformation Connection']),
            identity: lf(w['Transformation Identity']),
            name: lf(w['Transformation Name'])
          })
          expect(g.extra).toEqual({
            sql: lf(w.sql),
            announcementMessage: lf(w.announcementMessage)
          })
        })
      }),
      { numRuns: 300 }
    )
  })

  it('rowsOnly (the base version) hands the same rows as the full check, with no findings or digest', () => {
    fc.assert(
      fc.property(
        fc.record({
          ...common,
          pick: fc.nat(),
          extra: text(0, 6),
          col: fc.constantFrom(...MAPPED)
        }),
        p => {
          const j = p.pick % p.rows.length
          const k = (j + 1) % p.rows.length
          const rows = p.rows.map((r, i) => (i === k ? { ...r, [p.col]: '' } : r))
          const { bytes } = build(rows, p.sep, p.eol, p.blankAfter, { row: j, value: p.extra })
          const full = validate(bytes, p.sep, p.cuts, p.caseSensitive)
          const lean = validate(bytes, p.sep, p.cuts, p.caseSensitive, true)
          expect(lean.rows).toEqual(full.rows)
          expect(lean.r).toMatchObject({ findings: [], sha256: '' })
          expect(lean.r.rowsChecked).toBe(full.r.rowsChecked)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('emptying one required Source/Target field is reported once, on its line and column', () => {
    fc.assert(
      fc.property(
        fc.record({
          ...common,
          pick: fc.nat(),
          col: fc.constantFrom(...MAPPED),
          spaces: fc.boolean()
        }),
        p => {
          const j = p.pick % p.rows.length
          const rows = p.rows.map((r, i) => (i === j ? { ...r, [p.col]: p.spaces ? '  ' : '' } : r))
          const { bytes, lines } = build(rows, p.sep, p.eol, p.blankAfter)
          const { r, rows: got } = validate(bytes, p.sep, p.cuts, p.caseSensitive)
          expect(r.counts.error).toBe(1)
          expect(r.findings.filter(f => f.severity === 'error')).toEqual([
            expect.objectContaining({ rule: 'unmappable-asset', line: lines[j], column: p.col })
          ])
          expect(r.rowsWithErrors).toBe(1)
          expect(got).toHaveLength(p.rows.length)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('adding a field to one row is a field-count error on its line', () => {
    fc.assert(
      fc.property(fc.record({ ...common, pick: fc.nat(), extra: text(0, 6) }), p => {
        const j = p.pick % p.rows.length
        const { bytes, lines } = build(p.rows, p.sep, p.eol, p.blankAfter, {
          row: j,
          value: p.extra
        })
        const { r, rows } = validate(bytes, p.sep, p.cuts, p.caseSensitive)
        expect(r.findings.filter(f => f.severity === 'error')).toEqual([
          expect.objectContaining({ rule: 'field-count', line: lines[j] })
        ])
        expect(r.findings.find(f => f.rule === 'field-count')?.message).toBe(
          `Line ${lines[j]} has ${HEADERS.length + 1} fields; the header has ${HEADERS.length}.`
        )
        expect(r.rowsWithErrors).toBe(1)
        expect(rows.map(x => x.line)).toEqual(lines.filter((_, i) => i !== j))
      }),
      { numRuns: 300 }
    )
  })
})
