// Local CSV validation through dist/index.js: errors are annotated on file and line and stop the
// step before any network call; fail_on_errors: false lets the run go ahead with warnings.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { inputsFor, sim, submits } from '../helpers/e2e.js'
import { startRecorder, type Recorder } from '../helpers/recorder.js'
import { describeShared, fixture } from '../helpers/shared.js'

let atlan: Recorder
beforeAll(async () => (atlan = await startRecorder()))
afterAll(() => atlan.close())

const dryRun = (file: string) => ({
  atlan_base_url: atlan.url,
  atlan_api_key: 'k-validation',
  mode: 'create',
  dry_run: 'true',
  lineage_file: file
})

it('a row with one field too many on line 7 fails with an annotation on that line, before any request', async () => {
  const dir = workspace()
  const lines = [
    HEADER,
    row('a', 'b'),
    row('b', 'c'),
    row('c', 'd'),
    row('d', 'e'),
    row('e', 'f'),
    `${row('f', 'g')},extra`
  ]
  const file = writeCsv(dir, 'lineage.csv', lines)
  const r = await runAction({ cwd: dir, inputs: dryRun(file) })
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/^::error [^\n]*file=lineage\.csv,line=7::/m)
  expect(r.outputs).toMatchObject({ phase: 'Invalid', rows_checked: '6', rows_with_errors: '1' })
  expect(r.summary).toContain('6 rows checked: **1 error, 0 warnings**')
  // The fix first; the way to run anyway last, once.
  expect(r.summary).toContain(
    '> lineage.csv has 1 error in 1 row (see the annotations and the job summary). Fix those rows in the CSV (each annotation says how). To run anyway, set fail_on_errors: false.'
  )
  expect(r.summary.match(/fail_on_errors/g)).toHaveLength(1)
  expect(atlan.hits).toEqual([])
})

describeShared('the Lineage Builder test CSVs', () => {
  it("invalid-format-lineage.csv fails with the package's own missing-columns message", async () => {
    const dir = workspace()
    copyFileSync(fixture('invalid-format-lineage.csv'), join(dir, 'invalid.csv'))
    const r = await runAction({ cwd: dir, inputs: dryRun('invalid.csv') })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '::error::invalid.csv: Invalid input file received. Input CSV is missing required columns: [Source Type, Source Connector, Source Connection, Source Identity, Source Name, Target Type, Target Connector, Target Connection, Target Identity, Target Name]'
    )
    expect(atlan.hits).toEqual([])
  })

  it('test_lineage.csv passes, its two blank rows skipped', async () => {
    const dir = workspace()
    copyFileSync(fixture('test_lineage.csv'), join(dir, 'ok.csv'))
    const r = await runAction({ cwd: dir, inputs: dryRun('ok.csv') })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ phase: 'DryRun', rows_checked: '1', rows_with_errors: '0' })
    expect(r.summary).toContain('2 blank rows skipped')
  })
})

it('fail_on_errors: false turns errors into warnings and the run proceeds', async () => {
  const s = await sim()
  const dir = workspace()
  const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b'), row('b', 'c', 'p', { 8: '' })])
  const wf = s.seed({ prefix: 'lineage', key: 'orders.csv', options: { failOnErrors: false } })
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, fail_on_errors: 'false' })
  })
  expect(r.code).toBe(0)
  expect(r.outputs).toMatchObject({ phase: 'Succeeded', rows_with_errors: '1' })
  expect(r.stdout).toMatch(
    /::warning::orders\.csv has 1 error in 1 row .*running anyway because fail_on_errors is false/
  )
  expect(submits(s)).toBe(1)
})

it('many findings: at most 10 annotations per severity, then one line pointing at the summary', async () => {
  const dir = workspace()
  const file = writeCsv(dir, 'many.csv', [
    HEADER,
    ...Array.from({ length: 25 }, (_, i) => row(`a${i}`, `b${i}`, 'p', { 0: '' }))
  ])
  const r = await runAction({ cwd: dir, inputs: dryRun(file) })
  expect(r.code).toBe(1)
  expect(r.stdout.match(/^::error [^\n]*file=many\.csv/gm)).toHaveLength(10)
  expect(r.stdout).toContain('15 more CSV findings are not annotated here')
  // The summary groups the 25 identical findings into one row with their lines.
  expect(r.summary).toMatch(
    /^\| error \| Source Type \| Source Type is empty[^\n]*\| 2–26 \(25\) \|/m
  )
})
