// Step outputs through @actions/core's real GITHUB_OUTPUT file: whatever a server sends, each
// output stays far from GitHub's 1 MB limit per output (README "Outputs").
import { expect, it } from '@jest/globals'
import { parseCommandFile } from '../../scripts/action-runner.js'
import { MESSAGE_LIMIT, writeOutputs } from '../../src/report/outputs.js'
import { useRunnerFiles } from '../helpers/env.js'

const files = useRunnerFiles()

it("a run's fields from Atlan of any length: every output but plan is cut, and so is result", () => {
  const huge = (c: string) => c.repeat(2_000_000)
  writeOutputs(
    {
      phase: 'Failed',
      failed: true,
      workflowName: 'csa-lineage-builder-1714638976',
      runId: 'csa-lineage-builder-1714638976-abcde',
      startedAt: `2026-01-01T00:00:00Z${huge('s')}`,
      finishedAt: huge('f'),
      message: `Asset X not found. ${huge('m')}`
    },
    []
  )
  const outputs = parseCommandFile(files.output())
  expect(outputs.run_id).toBe('csa-lineage-builder-1714638976-abcde')
  for (const name of ['started_at', 'finished_at']) {
    expect(outputs[name].length).toBe(MESSAGE_LIMIT)
    expect(outputs[name].endsWith('…')).toBe(true)
  }
  const result = JSON.parse(outputs.result) as Record<string, string>
  expect(result.started_at.startsWith('2026-01-01T00:00:00Z')).toBe(true)
  expect(result.message.length).toBe(MESSAGE_LIMIT)
  expect(outputs.result.length).toBeLessThan(4 * MESSAGE_LIMIT)
})
