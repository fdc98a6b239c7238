// The bundled action in dry-run create mode: validated inputs, the redacted workflow JSON as an
// output, a summary, phase DryRun, and not one network call; and a rerun dry run, which writes
// nothing in Atlan.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { leaks, runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim } from '../helpers/e2e.js'
import { startRecorder, type Recorder } from '../helpers/recorder.js'
import { GOLDEN_INPUTS, GOLDEN_SECRET, GOLDEN_STORES, goldenText } from '../helpers/golden.js'
import { describeShared } from '../helpers/shared.js'

let atlan: Recorder
beforeAll(async () => (atlan = await startRecorder()))
afterAll(() => atlan.close())

const golden = { ...GOLDEN_INPUTS, dry_run: 'true' }
const stores = GOLDEN_STORES
const SECRET_OF = GOLDEN_SECRET

describeShared('dry run through dist/index.js', () => {
  for (const store of ['s3', 'gcs', 'adls'] as const) {
    it(`${store}: workflow_json equals lineage_builder_${store}.json but for the epoch and the password`, async () => {
      const apiKey = 'dry-run-api-key-0001'
      const r = await runAction({
        inputs: { ...golden, ...stores[store], atlan_base_url: atlan.url, atlan_api_key: apiKey }
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.outputs.phase).toBe('DryRun')
      const ours = JSON.parse(r.outputs.workflow_json)
      const epoch = /^csa-lineage-builder-(\d{10})$/.exec(ours.metadata.name)![1]
      const expected = JSON.parse(goldenText(store, epoch))
      expected.payload[0].body.password = '***'
      expect(JSON.stringify(ours)).toBe(JSON.stringify(expected))
      expect(r.summary).toContain('🧪 Atlan Lineage Builder: Dry run')
      expect(JSON.parse(r.outputs.result)).toMatchObject({
        phase: 'DryRun',
        workflow_name: ours.metadata.name
      })
      expect(leaks(r.everything, [apiKey, SECRET_OF[store]])).toEqual([])
      expect(atlan.hits).toEqual([])
    })
  }
})

describe('a rerun dry run', () => {
  it('plans against the tenant, writes nothing, and its log ends by saying so', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const wf = s.seed({ prefix: 'lineage', key: 'orders.csv' })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, dry_run: 'true' })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('DryRun')
    // A rerun submits no workflow JSON (action.yml says workflow_json is create-only).
    expect(r.outputs.workflow_json ?? '').toBe('')
    const routes = s.requests().map(q => q.route)
    for (const write of ['upload', 'files', 'update', 'rerun', 'submit', 'assets.delete'])
      expect(routes).not.toContain(write)
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Dry run: nothing was uploaded, no workflow was changed and no run was submitted in Atlan.'
    )
    expectClean(r, s)
  })
})
