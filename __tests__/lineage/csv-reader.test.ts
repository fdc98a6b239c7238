// Records and physical line numbers: quoting, line endings, BOM, chunk boundaries and bounded
// buffering, through the record reader (papaparse underneath) and through the validator.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CsvRecordReader, CsvValidator, KNOWN_COLUMNS } from '../../src/lineage/csv/index.js'
import type { CsvRecord } from '../../src/lineage/csv/index.js'

interface Rec {
  line: number
  fields: string[]
  unterminated?: boolean
  strayQuote?: boolean
  oversized?: boolean
}

function read(chunks: Uint8Array[], sep = ',', opts: { maxRecordBytes?: number } = {}): Rec[] {
  const out: Rec[] = []
  const r = new CsvRecordReader(
    sep,
    (c: CsvRecord) => {
      const rec: Rec = { line: c.line, fields: c.fields }
      if (c.unterminated) rec.unterminated = true
      if (c.strayQuote) rec.strayQuote = true
      if (c.oversized) rec.oversized = true
      out.push(rec)
    },
    opts
  )
  for (const c of chunks) r.push(c)
  r.end()
  return out
}

const whole = (s: string | Buffer, sep = ','): Rec[] => read([Buffer.from(s)], sep)

function splitAt(b: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = []
  let prev = 0
  for (const c of [...cuts].sort((x, y) => x - y)) {
    out.push(b.subarray(prev, c))
    prev = c
  }
  out.push(b.subarray(prev))
  return out
}

function quote(v: string, sep: string): string {
  return /["\r\n]/.test(v) || v.includes(sep) ? `"${v.replace(/"/g, '""')}"` : v
}

describe('records and lines', () => {
  const cases: [string, string, Rec[]][] = [
    [
      'LF',
      'a,b\nc,d\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] }
      ]
    ],
    [
      'CRLF',
      'a,b\r\nc,d\r\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] }
      ]
    ],
    [
      'lone CR',
      'a,b\rc,d\r',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] }
      ]
    ],
    [
      'mixed endings',
      'a\r\nb\nc\rd',
      [1, 2, 3, 4].map((line, i) => ({ line, fields: ['abcd'[i]] }))
    ],
    [
      'no final newline',
      'a,b\nc,d',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] }
      ]
    ],
    ['empty fields', ',,\n', [{ line: 1, fields: ['', '', ''] }]],
    [
      'empty line',
      'a\n\nb\n',
      [
        { line: 1, fields: ['a'] },
        { line: 2, fields: [''] },
        { line: 3, fields: ['b'] }
      ]
    ],
    ['quoted separator', '"a,b",c\n', [{ line: 1, fields: ['a,b', 'c'] }]],
    ['escaped quotes', '"say ""hi""",x\n', [{ line: 1, fields: ['say "hi"', 'x'] }]],
    ['empty quoted', '"",""\n', [{ line: 1, fields: ['', ''] }]],
    [
      'newlines inside quotes: the line is where the record starts; CRLF inside reads as LF',
      'h\n"a\nb\r\nc",d\ne\n',
      [
        { line: 1, fields: ['h'] },
        { line: 2, fields: ['a\nb\nc', 'd'] },
        { line: 5, fields: ['e'] }
      ]
    ],
    [
      'lone CR inside quotes',
      '"a\rb"\nc\n',
      [
        { line: 1, fields: ['a\nb'] },
        { line: 3, fields: ['c'] }
      ]
    ],
    ['quote inside an unquoted field is literal', 'ab"c,d\n', [{ line: 1, fields: ['ab"c', 'd'] }]],
    ['spaces are kept', ' a , b \n', [{ line: 1, fields: [' a ', ' b '] }]],
    ['UTF-8', 'é,😀,日本\n', [{ line: 1, fields: ['é', '😀', '日本'] }]],
    ['BOM is stripped', '\uFEFFSource Type,b\n', [{ line: 1, fields: ['Source Type', 'b'] }]],
    ['BOM then quoted header', '\uFEFF"a",b\n', [{ line: 1, fields: ['a', 'b'] }]],
    ['just a BOM', '\uFEFF', []],
    ['empty input', '', []],
    ['quoted field at EOF without newline', 'a,"b\nc"', [{ line: 1, fields: ['a', 'b\nc'] }]]
  ]
  it.each(cases)('%s', (_name, input, expected) => {
    expect(whole(input)).toEqual(expected)
    // Same records one byte at a time (chunk boundaries inside CRLF, "" and UTF-8 characters).
    const b = Buffer.from(input)
    expect(
      read(
        splitAt(
          b,
          Array.from({ length: b.length }, (_, i) => i)
        )
      )
    ).toEqual(expected)
  })

  it('an unterminated quote at EOF is reported on the line where its record starts', () => {
    expect(whole('a,b\nc,"d\ne,f\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd\ne,f\n'], unterminated: true }
    ])
  })

  it('text after a closing quote is flagged (FastCSV would keep it: a documented difference)', () => {
    expect(whole('x\n"ab"cd,e\n')[1]).toMatchObject({ line: 2, strayQuote: true })
  })

  it('honours other one-character separators', () => {
    expect(whole('a;"b;c";d\n', ';')).toEqual([{ line: 1, fields: ['a', 'b;c', 'd'] }])
  })
})

describe('bounded buffering', () => {
  it('reports an oversized record and carries on with correct line numbers', () => {
    const big = 'x'.repeat(5000)
    const input = Buffer.from(`a,b\n"${big}\n${big}",c\nd,e\n`)
    const recs = read(splitAt(input, [100, 2000, 4000, 6000, 9000]), ',', { maxRecordBytes: 1024 })
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: [], oversized: true },
      { line: 4, fields: ['d', 'e'] }
    ])
  })

  it('handles an oversized record ending in CR then LF in the next chunk', () => {
    const input = Buffer.from(`${'y'.repeat(3000)}\r\nd,e\n`)
    const cut = input.indexOf('\n')
    expect(read(splitAt(input, [1500, cut]), ',', { maxRecordBytes: 1024 })).toEqual([
      { line: 1, fields: [], oversized: true },
      { line: 2, fields: ['d', 'e'] }
    ])
  })

  it('reports an oversized unterminated quote at EOF', () => {
    const input = Buffer.from(`a\n"${'z\n'.repeat(2000)}`)
    expect(read(splitAt(input, [500, 1500, 2500]), ',', { maxRecordBytes: 1024 })).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [], oversized: true, unterminated: true }
    ])
  })
})

describe('property: RFC 4180 output reads back with exact lines', () => {
  const char = fc.constantFrom('a', 'Z', ' ', ',', ';', '"', '\n', '\r\n', 'é', '😀', '/')
  const field = fc.array(char, { maxLength: 8 }).map(cs => cs.join(''))
  const records = fc.array(fc.array(field, { minLength: 2, maxLength: 6 }), {
    minLength: 1,
    maxLength: 12
  })

  it('under random chunking and either line ending, via the reader and the validator', () => {
    fc.assert(
      fc.property(
        records,
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (recs, sep, eol, cutSeeds) => {
          // A record whose only field is empty would be an empty line.
          const rows = recs.map(r => r.map((v, i) => (i === 0 && v === '' ? 'v' : v)))
          const text = rows.map(r => r.map(v => quote(v, sep)).join(sep)).join(eol) + eol
          const buf = Buffer.from(text)
          const cuts = cutSeeds.map(x => x % (buf.length + 1))
          let line = 1
          const want = rows.map(r => {
            const rec = { line, fields: r.map(v => v.replace(/\r\n?/g, '\n')) }
            line += 1 + r.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0)
            return rec
          })
          expect(read(splitAt(buf, cuts), sep)).toEqual(want)

          // Through the validator, as the header plus data rows: onRow sees the same lines.
          const width = KNOWN_COLUMNS.length
          const header = KNOWN_COLUMNS.join(sep)
          const body = rows.map(r =>
            Array.from({ length: width }, (_, i) => quote(`${r[i % r.length]}x${i}`, sep)).join(sep)
          )
          const file = Buffer.from([header, ...body].join(eol) + eol)
          const lines: number[] = []
          const v = new CsvValidator({
            separator: sep,
            caseSensitive: true,
            onRow: x => lines.push(x.line)
          })
          for (const c of splitAt(
            file,
            cuts.map(x => x % (file.length + 1))
          ))
            v.push(c)
          const res = v.finish()
          expect(res.counts.error).toBe(0)
          let l = 2
          const wantLines = body.map(b => {
            const at = l
            l += 1 + (b.match(/\r\n|\r|\n/g)?.length ?? 0)
            return at
          })
          expect(lines).toEqual(wantLines)
        }
      ),
      { numRuns: 300 }
    )
  })
})
