// The byte-level tokeniser: quoting, line endings, BOM, chunk boundaries, bounded buffering.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CsvTokenizer, fieldString, type RawRecord } from '../../src/lineage/csv/index.js'

interface Rec {
  line: number
  fields: string[]
  unterminated?: boolean
  oversized?: boolean
}

function tokenize(chunks: Uint8Array[], sep = ',', opts: { maxRecordBytes?: number } = {}): Rec[] {
  const out: Rec[] = []
  const t = new CsvTokenizer(
    sep.charCodeAt(0),
    (r: RawRecord) => {
      const fields: string[] = []
      for (let k = 0; k < r.fieldCount; k++) fields.push(fieldString(r, k))
      const rec: Rec = { line: r.line, fields }
      if (r.unterminated) rec.unterminated = true
      if (r.oversized) rec.oversized = true
      out.push(rec)
    },
    opts
  )
  for (const c of chunks) t.push(c)
  t.end()
  return out
}

const whole = (s: string | Buffer, sep = ','): Rec[] => tokenize([Buffer.from(s)], sep)

/** Splits b at the given offsets. */
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

/** RFC 4180 serialisation of one field. */
function quote(v: string, sep: string): string {
  return /["\r\n]/.test(v) || v.includes(sep) ? `"${v.replace(/"/g, '""')}"` : v
}

describe('CsvTokenizer: records and fields', () => {
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
    [
      'final CR only',
      'a,b\rc',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c'] }
      ]
    ],
    ['empty fields', ',,\n', [{ line: 1, fields: ['', '', ''] }]],
    ['trailing separator', 'a,\n', [{ line: 1, fields: ['a', ''] }]],
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
    ['only escaped quote', '"""",x\n', [{ line: 1, fields: ['"', 'x'] }]],
    ['empty quoted', '"",""\n', [{ line: 1, fields: ['', ''] }]],
    [
      'quoted last field',
      'x,"a,b"\r\ny\n',
      [
        { line: 1, fields: ['x', 'a,b'] },
        { line: 2, fields: ['y'] }
      ]
    ],
    [
      'newlines inside quotes (line is where the record starts)',
      'h\n"a\nb\r\nc",d\ne\n',
      [
        { line: 1, fields: ['h'] },
        { line: 2, fields: ['a\nb\r\nc', 'd'] },
        { line: 5, fields: ['e'] }
      ]
    ],
    [
      'lone CR inside quotes',
      '"a\rb"\nc\n',
      [
        { line: 1, fields: ['a\rb'] },
        { line: 3, fields: ['c'] }
      ]
    ],
    ['quote inside an unquoted field is literal', 'ab"c,d\n', [{ line: 1, fields: ['ab"c', 'd'] }]],
    ['text after a closing quote is kept', '"ab"cd,e\n', [{ line: 1, fields: ['abcd', 'e'] }]],
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
  })

  it('reports an unterminated quote at EOF on the line where its record starts', () => {
    expect(whole('a,b\nc,"d\ne,f\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd\ne,f\n'], unterminated: true }
    ])
  })

  it('honours other one-character separators', () => {
    expect(whole('a;"b;c";d\n', ';')).toEqual([{ line: 1, fields: ['a', 'b;c', 'd'] }])
    expect(whole('a\tb,c\n', '\t')).toEqual([{ line: 1, fields: ['a', 'b,c'] }])
    expect(whole('a|b\n', '|')).toEqual([{ line: 1, fields: ['a', 'b'] }])
  })

  it('finds separators next to bytes one bit away from them (SWAR false positives)', () => {
    const line = ',-,--,-a-,abcd-,,efgh,-,-,ijklmnop,-'
    expect(whole(line + '\n')).toEqual([{ line: 1, fields: line.split(',') }])
    const semi = ';:;::;:a:;abcd:;;efgh;:;:;ijklmnop;:'
    expect(whole(semi + '\n', ';')).toEqual([{ line: 1, fields: semi.split(';') }])
  })

  it('grows past 64 fields', () => {
    const row = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `"q,${i}"` : `v${i}`)).join(
      ','
    )
    const [rec] = whole(row + '\n')
    expect(rec.fields).toHaveLength(300)
    expect(rec.fields[7]).toBe('q,7')
    expect(rec.fields[299]).toBe('v299')
  })

  it('rejects separators it cannot honour', () => {
    for (const c of ['"', '\n', '\r', 'é'])
      expect(() => new CsvTokenizer(c.charCodeAt(0), () => {})).toThrow()
  })
})

describe('CsvTokenizer: chunk boundaries', () => {
  const sample = Buffer.from(
    '\uFEFFSource Type,"a ""q"" b",é😀\r\n' +
      '"multi\r\nline",x,\r\n' +
      ',,\n' +
      '"""",y,"z,w"\r' +
      'last,"é",end'
  )
  const expected = whole(sample)

  it('sample parses as expected in one chunk', () => {
    expect(expected).toEqual([
      { line: 1, fields: ['Source Type', 'a "q" b', 'é😀'] },
      { line: 2, fields: ['multi\r\nline', 'x', ''] },
      { line: 4, fields: ['', '', ''] },
      { line: 5, fields: ['"', 'y', 'z,w'] },
      { line: 6, fields: ['last', 'é', 'end'] }
    ])
  })

  it('gives the same records split at every offset', () => {
    for (let k = 0; k <= sample.length; k++)
      expect(tokenize(splitAt(sample, [k]))).toEqual(expected)
  })

  it('gives the same records split at every pair of offsets', () => {
    for (let a = 1; a < sample.length; a++) {
      for (let b = a; b < sample.length; b++) {
        expect(tokenize(splitAt(sample, [a, b]))).toEqual(expected)
      }
    }
  })

  it('gives the same records one byte at a time', () => {
    const bytes = [...sample].map(x => Uint8Array.of(x))
    expect(tokenize(bytes)).toEqual(expected)
  })

  it('accepts plain Uint8Array chunks (not Buffers)', () => {
    const u = new Uint8Array(sample)
    expect(tokenize([u.subarray(0, 10), u.subarray(10)])).toEqual(expected)
  })

  it('is not confused by a reused input buffer', () => {
    // The producer overwrites its buffer after each push: the tokeniser must have copied the carry.
    const buf = Buffer.alloc(7)
    const t: Rec[] = []
    const tok = new CsvTokenizer(44, r => {
      const fields: string[] = []
      for (let k = 0; k < r.fieldCount; k++) fields.push(fieldString(r, k))
      t.push({ line: r.line, fields })
    })
    for (let off = 0; off < sample.length; off += 7) {
      const n = sample.copy(buf, 0, off, Math.min(off + 7, sample.length))
      tok.push(buf.subarray(0, n))
      buf.fill(0x41)
    }
    tok.end()
    expect(t).toEqual(expected)
  })
})

describe('CsvTokenizer: bounded buffering', () => {
  it('reports an oversized record and carries on with correct line numbers', () => {
    const big = 'x'.repeat(5000)
    const input = Buffer.from(`a,b\n"${big}\n${big}",c\nd,e\n`)
    const chunks = splitAt(input, [100, 2000, 4000, 6000, 9000])
    const recs = tokenize(chunks, ',', { maxRecordBytes: 1024 })
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: [], oversized: true },
      { line: 4, fields: ['d', 'e'] }
    ])
  })

  it('handles an oversized record ending in CR then LF in the next chunk', () => {
    const input = Buffer.from(`${'y'.repeat(3000)}\r\nd,e\n`)
    const cut = input.indexOf('\n')
    const recs = tokenize(splitAt(input, [1500, cut]), ',', { maxRecordBytes: 1024 })
    expect(recs).toEqual([
      { line: 1, fields: [], oversized: true },
      { line: 2, fields: ['d', 'e'] }
    ])
  })

  it('reports an oversized unterminated quote at EOF', () => {
    const input = Buffer.from(`a\n"${'z\n'.repeat(2000)}`)
    const recs = tokenize(splitAt(input, [500, 1500, 2500]), ',', { maxRecordBytes: 1024 })
    expect(recs).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [], oversized: true, unterminated: true }
    ])
  })
})

describe('CsvTokenizer: property', () => {
  // '-' and ':' sit one bit away from ',' and ';' (a false-positive case of the SWAR scan).
  const char = fc.constantFrom(
    'a',
    'b',
    'Z',
    ' ',
    ',',
    ';',
    '-',
    ':',
    '"',
    '\n',
    '\r',
    'é',
    '😀',
    '/'
  )
  const field = fc.oneof(
    fc.array(char, { maxLength: 8 }).map(cs => cs.join('')),
    fc
      .array(fc.constantFrom('a', 'x', '-', ':', ',', ';'), { maxLength: 24 })
      .map(cs => cs.join(''))
  )
  const records = fc.array(fc.array(field, { minLength: 2, maxLength: 6 }), {
    minLength: 1,
    maxLength: 12
  })

  it('round-trips RFC 4180 output under random chunking and either line ending', () => {
    fc.assert(
      fc.property(
        records,
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (recs, sep, eol, cutSeeds, finalEol) => {
          const lines = recs.map(r => r.map(v => quote(v, sep)).join(sep))
          const text = lines.join(eol) + (finalEol ? eol : '')
          const buf = Buffer.from(text)
          const cuts = cutSeeds.map(x => x % (buf.length + 1))
          const got = tokenize(splitAt(buf, cuts), sep)
          // Expected line numbers: 1 + line breaks before the record.
          let line = 1
          const want = recs.map(r => {
            const rec = { line, fields: r }
            line += 1 + r.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0)
            return rec
          })
          expect(got).toEqual(want)
        }
      ),
      { numRuns: 400 }
    )
  })
})
