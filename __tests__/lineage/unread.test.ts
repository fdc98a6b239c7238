// Records not read whole (prune retires nothing when a version has any, src/tenant/stage.ts): the
// validator counts each record it could not hand on as a row, in a full check and rows-only.
import { describe, expect, it } from '@jest/globals'
import { CsvValidator } from '../../src/lineage/csv/index.js'
import { HEADER, row } from '../helpers/csv.js'

function unread(lines: string[], opts: { rowsOnly?: boolean; maxRecordBytes?: number } = {}) {
  let rows = 0
  const v = new CsvValidator({ separator: ',', caseSensitive: true, onRow: () => rows++, ...opts })
  // Small chunks: a record is measured while it is buffered across them.
  const bytes = Buffer.from(`${lines.join('\n')}\n`)
  for (let i = 0; i < bytes.length; i += 16) v.push(bytes.subarray(i, i + 16))
  const res = v.finish()
  return { unread: res.recordsUnread, rows, fatal: res.fatal }
}

describe.each([false, true])('recordsUnread (rowsOnly: %s)', rowsOnly => {
  it('is 0 for a file read whole', () => {
    expect(unread([HEADER, row('a', 'b'), '', row('b', 'c')], { rowsOnly })).toEqual({
      unread: 0,
      rows: 2,
      fatal: undefined
    })
  })

  it('counts a stray quote, a short record and an oversized one', () => {
    const stray = row('a', 'b').replace('db/s/a', '"db/s/a"x')
    const short = 'Table,snowflake,prod'
    const big = row('c', 'd', 'x'.repeat(600))
    const r = unread([HEADER, stray, short, big, row('e', 'f')], { rowsOnly, maxRecordBytes: 400 })
    expect(r.unread).toBe(3)
    expect(r.rows).toBe(1)
  })

  it('counts the rest of the file after a quote that never closes', () => {
    const open = row('a', 'b').replace('db/s/a', '"db/s/a')
    expect(
      unread([HEADER, row('x', 'y'), open, row('b', 'c'), row('c', 'd')], { rowsOnly }).unread
    ).toBe(1)
  })

  it('counts every record after a fatal header', () => {
    const r = unread(['Source Type,Target Type', 'Table,Table', 'View,View'], { rowsOnly })
    expect(r.fatal).toBeDefined()
    expect(r.unread).toBe(2)
    expect(r.rows).toBe(0)
  })
})
