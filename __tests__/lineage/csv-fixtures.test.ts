// The package's own test CSVs (../shared/fixtures/atlan), read in place.
import { expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import type { LineageRow } from '../../src/lineage/csv-types.js'
import { CsvValidator, validateCsv, validateCsvFile } from '../../src/lineage/csv/index.js'
import { describeShared, fixture } from '../helpers/shared.js'

const opts = { separator: ',', caseSensitive: false }
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describeShared('lineage CSV fixtures', () => {
  it('test_lineage.csv is valid: 1 row checked, 2 blank rows, pass-through notice only', async () => {
    const path = fixture('test_lineage.csv')
    const rows: LineageRow[] = []
    const r = await validateCsvFile(path, { ...opts, onRow: row => rows.push(row) })
    expect(r.fatal).toBeUndefined()
    expect(r).toMatchObject({ rowsChecked: 1, blankRows: 2, rowsWithErrors: 0 })
    expect(r.counts).toEqual({ error: 0, warning: 0, notice: 1 })
    expect(r.passThroughColumns).toEqual([
      'sql',
      'certificateStatus',
      'announcementType',
      'announcementTitle',
      'announcementMessage'
    ])
    expect(r.headers).toHaveLength(19)
    expect(r.bytes).toBe(readFileSync(path).length)
    expect(r.sha256).toBe(sha(path))
    expect(rows).toEqual([
      {
        line: 4,
        source: {
          type: 'Table',
          connector: 'matillion',
          connection: '{CONNECTION}',
          identity: 'db1/schema1/source_table',
          name: 'source_table'
        },
        target: {
          type: 'View',
          connector: 'matillion',
          connection: '{CONNECTION}',
          identity: 'db2/schema2/target_view',
          name: 'target_view'
        },
        process: {
          connector: 'matillion',
          connection: '{CONNECTION}',
          identity: 'xform_123',
          name: 'source_table > target_view'
        },
        extra: {
          sql: 'select * from db1.schema1.source_table',
          certificateStatus: 'DRAFT',
          announcementType: 'information',
          announcementTitle: 'Testing lineage builder',
          announcementMessage: 'Only a test...'
        }
      }
    ])
  })

  it('test_custom.csv is valid', async () => {
    const r = await validateCsvFile(fixture('test_custom.csv'), opts)
    expect(r).toMatchObject({ rowsChecked: 1, blankRows: 0, rowsWithErrors: 0 })
    expect(r.counts.error + r.counts.warning).toBe(0)
  })

  it('invalid-format-lineage.csv is fatal with the package message and a rename hint', async () => {
    const path = fixture('invalid-format-lineage.csv')
    const r = await validateCsvFile(path, opts)
    expect(r.fatal).toBe(
      'Invalid input file received. Input CSV is missing required columns: [Source Type, Source Connector, Source Connection, Source Identity, Source Name, Target Type, Target Connector, Target Connection, Target Identity, Target Name]'
    )
    expect(r.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 1,
        rule: 'missing-columns',
        message: r.fatal
      })
    ])
    expect(r.findings[0].hint).toContain('rename source_type to Source Type')
    expect(r.findings[0].hint).toContain('transformation_connector to Transformation Connector')
    expect(r).toMatchObject({ rowsChecked: 1, blankRows: 2 })
    expect(r.sha256).toBe(sha(path))
  })

  it.each(['test_lineage.csv', 'test_custom.csv', 'invalid-format-lineage.csv'])(
    '%s gives the same result at every chunk split and from a read stream',
    async name => {
      const path = fixture(name)
      const bytes = readFileSync(path)
      const want = await validateCsvFile(path, opts)
      for (let k = 0; k <= bytes.length; k++) {
        const v = new CsvValidator(opts)
        v.push(bytes.subarray(0, k))
        v.push(bytes.subarray(k))
        expect(v.finish()).toEqual(want)
      }
      const streamed = await validateCsv(createReadStream(path, { highWaterMark: 7 }), opts)
      expect(streamed).toEqual(want)
    }
  )
})
