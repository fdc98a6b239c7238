// Issue 14 point 3: the fault matrix. Every fault of the simulator at every stage
// (scripts/fault-matrix.ts), each cell one run of dist/index.js against its own simulator, eight at
// a time. Each cell is held to its expected outcome from `expected()`: recovered (following the run
// this step started), a named clear error (cause, fix, runs started, submits), or n/a with the
// reason. 429 cells also check that the retry came no earlier than Retry-After. The matrix is
// printed as a markdown table at the end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  FAULTS,
  STAGES,
  describeExpected,
  expected,
  renderMatrix,
  runMatrix,
  type CellResult
} from '../../scripts/fault-matrix.js'

let results: CellResult[] = []

beforeAll(async () => {
  results = await runMatrix()
}, 300_000)

afterAll(() => {
  if (results.length) console.log(renderMatrix(results))
})

describe('fault matrix (stage × fault)', () => {
  for (const stage of STAGES)
    for (const fault of FAULTS) {
      const want = expected(stage, fault)
      it(`${stage} × ${fault}: ${describeExpected(want)}`, () => {
        const r = results.find(x => x.stage === stage && x.fault === fault)
        expect(r).toBeDefined()
        const shown = {
          outcome: r!.outcome,
          cause: r!.cause,
          problems: r!.problems,
          error: r!.errorLines.at(-1),
          phase: r!.phase,
          exit: r!.code
        }
        // The whole cell is shown when it differs from its specification.
        expect(shown).toEqual({ ...shown, outcome: want.outcome, problems: [] })
        if (want.outcome === 'clear error') expect(r!.cause).toBe(want.cause)
      })
    }
})
