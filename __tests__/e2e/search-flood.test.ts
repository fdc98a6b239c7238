// A flooding index, through dist/index.js: the workflow and run searches answer thousands of hits
// whatever size was asked; the action reads only the hits it asked for, says so in the debug
// log, and the run goes through (docs/atlan-contract.md §3.4).
import { expect, it } from '@jest/globals'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim, submits } from '../helpers/e2e.js'

it('workflow and run searches answered with 3000 hits: only the asked-for ones are read, and the run succeeds', async () => {
  const s = await sim({ searchFloodHits: 3000 })
  const dir = workspace()
  const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
  const wf = s.seed({
    prefix: 'lineage',
    key: 'orders.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, {
      workflow_name: wf,
      lineage_file: file,
      check_tenant: 'false',
      verify: 'false'
    })
  })
  expect(r.code).toBe(0)
  expect(r.outputs.phase).toBe('Succeeded')
  expect(submits(s)).toBe(1)
  expect(r.stdout).toContain(
    '::debug::POST /api/service/workflows/indexsearch: the reply holds 3000 hits, more than the 1 asked for; only the first 1 are read'
  )
  expect(r.stdout).toMatch(
    /::debug::POST \/api\/service\/runs\/indexsearch: the reply holds 3000 hits, more than the \d+ asked for/
  )
  expectClean(r, s)
})
