// The check run's texts with hostile names from the server: the in-progress text (run and
// workflow names), the completed title, summary and annotations. Against the GitHub simulator.
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { clearSecrets, registerSecret } from '../../src/config/redact.js'
import { parseConfig } from '../../src/config/parse.js'
import { rawInputs } from '../helpers/inputs.js'
import { leaks } from '../../scripts/leak-forms.js'
import { useRunnerFiles } from '../helpers/env.js'
import { HOSTILE, HOSTILE_TEXT, expectInert, expectOnlyOwnCommands } from './hostile.js'

useRunnerFiles()

let gh: GitHubSim
const saved = { ...process.env }
beforeAll(async () => {
  gh = await startGitHubSim()
  Object.assign(process.env, {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'acme/lineage',
    GITHUB_SHA: 'b'.repeat(40),
    GITHUB_EVENT_NAME: 'push'
  })
})
afterAll(async () => {
  process.env = saved
  clearSecrets()
  await gh.close()
})

const SECRET = 'atk_CheckRunSecret_0123456789'
const NAME = `wf${HOSTILE.command}${HOSTILE.link}${HOSTILE.image}`

it('in progress and completed, hostile names and messages render inert and redacted', async () => {
  // Imported here: @actions/github reads GITHUB_REPOSITORY when it is first loaded.
  const { CheckRunSession } = await import('../../src/report/check-run.js')
  const { publish } = await import('../../src/report/publish.js')
  registerSecret(SECRET)
  const config = parseConfig(
    rawInputs({ workflow_name: 'wf-1', check_run: 'true', github_token: 'ghs_x1234567' })
  )
  const checks = CheckRunSession.for(config)!
  await checks.begin()
  await checks.pointAt({
    workflowName: NAME,
    runName: `${NAME}-abcde ${SECRET}`,
    runUrl: `http://127.0.0.1:1/workflows/profile/x/runs?name=${encodeURIComponent(NAME)}`
  })
  // The report writes the findings' annotations to the step log: captured and checked below.
  let stdout = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
  await publish({
    result: {
      phase: 'Failed',
      workflowName: NAME,
      runId: `${NAME}-abcde`,
      message: `${HOSTILE_TEXT} ${Buffer.from(`Bearer ${SECRET}`).toString('base64')}`,
      failed: true
    },
    config,
    secrets: [],
    writeSummary: false,
    checks,
    csvFile: `a${HOSTILE.command}.csv`,
    validation: {
      rowsChecked: 1,
      rowsWithErrors: 1,
      blankRows: 0,
      headers: [],
      passThroughColumns: [],
      findings: [
        {
          severity: 'error',
          line: 2,
          column: `Col ${HOSTILE.link}\n${SECRET}`,
          rule: 'r',
          message: `bad ${HOSTILE_TEXT} ${SECRET}`
        }
      ],
      counts: { error: 1, warning: 0, notice: 0 },
      bytes: 1,
      sha256: 'x'
    }
  })

  write.mockRestore()
  expectOnlyOwnCommands(stdout)
  expect(stdout).toMatch(/^::error title=Lineage CSV%3A Col .*,line=2::bad /m)
  expect(leaks(stdout, [SECRET])).toEqual([])

  const bodies = gh.requests().filter(q => q.route.startsWith('checks/'))
  expect(bodies.map(q => q.route)).toEqual(['checks/create', 'checks/update', 'checks/update'])
  expect(leaks(JSON.stringify(bodies.map(q => q.body)), [SECRET])).toEqual([])
  const outputs = bodies.map(
    q =>
      (
        q.body as {
          output: {
            title: string
            summary: string
            annotations?: Array<{ title: string; message: string }>
          }
        }
      ).output
  )
  const inProgress = outputs[1].summary
  expect(inProgress).toMatch(/^Following \[run wf ::error file=x::pwned\\\[Atlan/)
  for (const o of outputs) {
    expectInert(o.summary, /^(http:\/\/127\.0\.0\.1:1|https:\/\/acme\.atlan\.com)\//)
    expect(o.title).not.toMatch(/[\r\n]/)
  }
  const annotation = outputs[2].annotations![0]
  expect(annotation.title).toBe(
    'Lineage CSV: Col [Atlan token expired](https://evil.example/login) ***'
  )
  expect(annotation.message).toContain('bad ')
  expect(gh.schemaViolations()).toEqual([])
})
