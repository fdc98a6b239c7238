// Issue "Reliability and security proof" item 1: the fault matrix. Every fault of the simulator
// at every stage (scripts/fault-matrix.ts), each cell one run of dist/index.js against its own
// simulator, four at a time. Each cell must recover (phase Succeeded) or fail with one clear
// ::error:: line (cause and fix), start at most one run, and never report a success that was not
// one. The matrix is printed as a markdown table at the end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  FAULTS,
  STAGES,
  notApplicable,
  renderMatrix,
  runMatrix,
  type CellResult
} from '../../scripts/fault-matrix.js'

let results: CellResult[] = []

beforeAll(async () => {
  results = await runMatrix({ concurrency: 4 })
}, 300_000)

afterAll(() => {
  if (results.length) console.log(renderMatrix(results))
})

describe('fault matrix (stage × fault)', () => {
  for (const stage of STAGES)
    for (const fault of FAULTS) {
      const na = notApplicable(stage, fault)
      it(`${stage} × ${fault}${na ? ` — n/a: ${na}` : ''}`, () => {
        const r = results.find(x => x.stage === stage && x.fault === fault)
        expect(r).toBeDefined()
        if (na) return expect(r!.outcome).toBe('n/a')
        const shown = {
          outcome: r!.outcome,
          problems: r!.problems,
          error: r!.errorLines.at(-1),
          phase: r!.phase,
          exit: r!.code
        }
        // The whole cell is shown when a problem is found.
        expect(shown).toEqual({ ...shown, problems: [] })
        expect(['recovered', 'clear error']).toContain(r!.outcome)
        expect(r!.runsStarted).toBeLessThanOrEqual(1)
        if (r!.outcome === 'recovered') expect(r!.phase).toBe('Succeeded')
        else expect(r!.phase).not.toBe('Succeeded')
      })
    }
})
