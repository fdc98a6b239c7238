// Issue 14 point 3: the fault matrix. Every fault of the simulator at every stage
// (scripts/fault-matrix.ts), each cell one run of dist/index.js against its own simulator, eight at
// a time. Each cell is held to its expected outcome from `expected()`: recovered (following the run
// this step started), a named clear error (cause, fix, runs started, submits), or n/a with the
// reason. 429 cells also check that the retry came no earlier than Retry-After. The matrix is
// written as a markdown table to tmp/fault-matrix.md at the end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  FAULTS,
  STAGES,
  describeExpected,
  expected,
  renderMatrix,
  runMatrix,
  type CellResult
} from '../../scripts/fault-matrix.js'
import { repoRoot } from '../helpers/shared.js'

let results: CellResult[] = []

beforeAll(async () => {
  results = await runMatrix()
}, 300_000)

// The table goes to a file, not the test output (`npm run test:faults` prints it).
afterAll(() => {
  if (!results.length) return
  mkdirSync(join(repoRoot, 'tmp'), { recursive: true })
  writeFileSync(join(repoRoot, 'tmp', 'fault-matrix.md'), `${renderMatrix(results)}\n`)
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
