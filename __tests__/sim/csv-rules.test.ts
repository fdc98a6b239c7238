// The Lineage Builder rules (docs/atlan-contract.md §6) as the simulated runs apply them to the uploaded file.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { lineageOutcome, parseCsv } from '../../sim/csv-rules.js'
import { lineageBuilderWorkflow } from '../../sim/server.js'
import { describeShared, fixture } from '../helpers/shared.js'
import { bodies, call, fast, putObject, terminalRun, useSimulator } from './client.js'

const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,' +
  'Target Type,Target Connector,Target Connection,Target Identity,Target Name,' +
  'Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name,sql'
const ROW = 'Table,snowflake,prod,db/s/a,a,View,snowflake,prod,db/s/b,b,dbt,prod,x1,a > b,select 1'
const csv = (...lines: string[]) => Buffer.from(lines.join('\n') + '\n')
const ALL_MISSING =
  'Invalid input file received. Input CSV is missing required columns: [Source Type, Source Connector, ' +
  'Source Connection, Source Identity, Source Name, Target Type, Target Connector, Target Connection, ' +
  'Target Identity, Target Name]'

describe('parseCsv (RFC 4180)', () => {
  it('quoted fields keep separators, doubled quotes and line breaks; lines are counted', () => {
    const text = '\ufeffa,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\nlast,,\n'
    const records = [...parseCsv(text)]
    expect(records.map(r => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x,1', 'say "hi"', 'two\r\nlines'],
      ['last', '', '']
    ])
    expect(records.map(r => r.line)).toEqual([1, 2, 4])
  })

  it('another separator; an unterminated quote is a syntax error naming its line', () => {
    expect([...parseCsv('a;"b;c"\n', ';')][0].fields).toEqual(['a', 'b;c'])
    expect(() => [...parseCsv('a,b\n1,"open\n2,3\n')]).toThrow(/line 2/)
  })
})

describe('lineageOutcome', () => {
  it('valid file with blank rows and empty lines → Succeeded', () => {
    expect(lineageOutcome(csv(HEADER, ',,,,,,,,,,,,,,', '', ROW))).toEqual({
      phase: 'Succeeded',
      rows: 1
    })
  })

  it('missing columns are listed in canonical order', () => {
    const header = HEADER.replace('Target Name,', '').replace('Source Connector,', '')
    expect(lineageOutcome(csv(header))).toEqual({
      phase: 'Failed',
      message:
        'Invalid input file received. Input CSV is missing required columns: [Source Connector, Target Name]'
    })
    expect(lineageOutcome(Buffer.from(''))).toEqual({ phase: 'Failed', message: ALL_MISSING })
  })

  it('a record with another field count fails naming its line', () => {
    const out = lineageOutcome(csv(HEADER, ROW, '"multi\nline",x', ROW))
    expect(out.phase).toBe('Failed')
    expect(out).toMatchObject({
      message: expect.stringMatching(/line 3 has 2 fields, but the header has 15/)
    })
  })

  it('no file, and a separator longer than one character', () => {
    expect(lineageOutcome(undefined)).toEqual({
      phase: 'Failed',
      message: 'No input file was provided for lineage.'
    })
    expect(lineageOutcome(csv(HEADER), ';;')).toMatchObject({
      phase: 'Failed',
      message: expect.stringMatching(/exit code 2/)
    })
  })
})

describe('runs apply the rules to the uploaded file', () => {
  const sim = useSimulator({ scenario: fast })

  async function runOnce(wf: string) {
    const res = await call(sim(), 'POST', '/api/service/workflows/submit', bodies.rerun(wf))
    expect(res.status).toBe(200)
    const hit = await terminalRun(sim(), wf)
    expect(hit._id).toBe(res.json.metadata.name)
    return hit._source.status
  }

  describeShared('golden CSVs', () => {
    it('test_lineage.csv → Succeeded; invalid-format-lineage.csv → Failed with the exact message', async () => {
      const wf = sim().seed({ prefix: 'lineage/', key: 'golden.csv', runs: [] })
      expect(
        (await putObject(sim(), 'lineage/golden.csv', readFileSync(fixture('test_lineage.csv'))))
          .status
      ).toBe(200)
      expect(await runOnce(wf)).toMatchObject({ phase: 'Succeeded' })
      await putObject(
        sim(),
        'lineage/golden.csv',
        readFileSync(fixture('invalid-format-lineage.csv'))
      )
      const failed = await runOnce(wf)
      expect(failed.phase).toBe('Failed')
      expect(failed.message).toBe(ALL_MISSING)
    })
  })

  it('a re-upload between reruns changes the outcome', async () => {
    const wf = sim().seed({ prefix: 'lb', key: 'orders.csv', runs: [] })
    await putObject(sim(), 'lb/orders.csv', csv(HEADER, ROW, 'Table,only,three'))
    const bad = await runOnce(wf)
    expect(bad).toMatchObject({ phase: 'Failed', message: expect.stringMatching(/line 3/) })
    await putObject(sim(), 'lb/orders.csv', csv(HEADER, ROW))
    expect((await runOnce(wf)).phase).toBe('Succeeded')
  })

  it("honours field_separator ';' and quoted fields with separators and newlines", async () => {
    const semi = csv(
      HEADER.replaceAll(',', ';'),
      ROW.replaceAll(',', ';').replace('select 1', '"select a;\nb"')
    )
    const withSemi = sim().seed({ key: 'semi.csv', options: { fieldSeparator: ';' }, runs: [] })
    const withComma = sim().seed({ key: 'semi.csv', runs: [] })
    sim().objects().set('semi.csv', semi)
    expect((await runOnce(withSemi)).phase).toBe('Succeeded')
    expect((await runOnce(withComma)).message).toBe(ALL_MISSING)
  })

  it('a submitted tenant-store workflow (payload []) reads <prefix>/<key>; empty prefix = the key', async () => {
    const doc = lineageBuilderWorkflow({
      name: 'csa-lineage-builder-1700000000',
      prefix: '',
      key: 'top.csv'
    })
    expect(doc.payload).toEqual([])
    sim().objects().set('top.csv', csv(HEADER, ROW))
    const res = await call(sim(), 'POST', '/api/service/workflows?submit=true', doc)
    expect(res.status).toBe(200)
    expect((await terminalRun(sim(), doc.metadata.name))._source.status.phase).toBe('Succeeded')
  })

  it('no object at the key → Failed; credential workflows follow scenario.outcome', async () => {
    const tenant = sim().seed({ key: 'absent.csv', runs: [] })
    expect(await runOnce(tenant)).toMatchObject({
      phase: 'Failed',
      message: 'No input file was provided for lineage.'
    })
    const s3 = sim().seed({ key: 'absent.csv', credential: 's3', runs: [] })
    expect((await runOnce(s3)).phase).toBe('Succeeded')
    sim().setScenario({ outcome: 'Error', outcomeMessage: 'boom' })
    expect(await runOnce(s3)).toMatchObject({ phase: 'Error', message: 'boom' })
    sim().objects().set('absent.csv', csv(HEADER, ROW))
    expect((await runOnce(tenant)).phase).toBe('Error') // forced for any run
  })
})
