// Step outputs end to end (dist/index.js against the simulator): whatever Atlan answers, no
// output comes near GitHub's 1 MB limit per output (README "Outputs").
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { inputsFor, sim } from '../helpers/e2e.js'

describe('outputs stay bounded', () => {
  it('a Failed run whose message is 1.5 MB: `result` carries only its start, marked as cut', async () => {
    const huge = `Asset X not found. ${'row 7 failed; '.repeat(110_000)}`
    const s = await sim({ outcome: 'Failed', outcomeMessage: huge })
    const wf = s.seed({ prefix: 'lineage', key: 'orders.csv' })
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, index_grace: '5s' })
    })
    expect(r.outputs.phase).toBe('Failed')
    expect(r.code).toBe(1)
    for (const value of Object.values(r.outputs)) expect(value.length).toBeLessThan(10_000)
    const message = (JSON.parse(r.outputs.result) as { message: string }).message
    expect(message.startsWith('Asset X not found. row 7 failed;')).toBe(true)
    expect(message.endsWith('…')).toBe(true)
  }, 60_000)
})
