// Issue 13 rows 2 and 10, end to end: hostile text from the server (run message, workflow and
// run names, stored prefix), the CSV (headers, cells) and the file name goes through every
// writer of dist/index.js (log lines, annotations, setFailed, job summary, check run in
// progress and completed). Nothing may execute as a workflow command or render live.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { inputsFor, sim } from '../helpers/e2e.js'
import { HOSTILE, HOSTILE_TEXT, expectInert, expectOnlyOwnCommands } from './hostile.js'

let gh: GitHubSim | undefined
afterEach(async () => {
  await gh?.close()
  gh = undefined
})

// A file name may hold anything but '/' and NUL.
const FILE_NAME = `lin[eage](evil)<img src=x>\n::error file=x::pwned\r##[warning]x.csv`

function checkRunTexts(g: GitHubSim): string[] {
  return g
    .requests()
    .filter(q => q.route.startsWith('checks/'))
    .flatMap(q => {
      const output = (q.body as { output?: { title?: string; summary?: string } }).output
      return output ? [output.summary ?? ''] : []
    })
}

describe('hostile text reaches no surface live (dist/index.js against the simulator)', () => {
  it('a Failed run: hostile run message, workflow name, CSV headers and cells, file name', async () => {
    const s = await sim({ outcome: 'Failed', outcomeMessage: `Asset X not found ${HOSTILE_TEXT}` })
    // The stored prefix comes from the server. (Workflow names are DNS-1123 names: the simulator
    // refuses hostile ones; the check-run and summary unit tests cover them.)
    const wf = s.seed({ prefix: `p${HOSTILE.stop}${HOSTILE.link}`, key: 'k.csv' })
    gh = await startGitHubSim()
    const dir = workspace()
    const file = writeCsv(dir, FILE_NAME, [
      `${HEADER},${HOSTILE.link.replace(/,/g, ' ')}${HOSTILE.image}`,
      `${row('a', 'b', `proc ${HOSTILE.link} ${HOSTILE.image}`)},x`,
      `${row('b', 'c', `"proc${HOSTILE.command}${HOSTILE.fence}"`)},y`
    ])
    const run = await runAction({
      cwd: dir,
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: file,
        check_run: 'true',
        github_token: 'ghs_hostile_test_token_0123'
      }),
      env: { GITHUB_API_URL: gh.url, ACTIONS_STEP_DEBUG: 'true' }
    })
    expect(run.outputs.phase).toBe('Failed')
    expect(run.code).toBe(1)

    expectOnlyOwnCommands(run.stdout)
    // The failure line names the run and the workflow; Atlan's text follows, inert.
    expect(run.stdout).toMatch(
      /^::error::Run \S+ of workflow \S+ failed in Atlan: Asset X not found/m
    )
    expect(run.stdout).toMatch(
      /::error::.*⏎ :\u200b:error file=x:\u200b:pwned.*⏎ :\u200b:stop-commands/
    )
    expect(run.stdout).toContain('lone ⏎ CR')

    expectInert(run.summary)
    expect(run.summary).toContain('\\[Atlan token expired\\]')
    // The fence in the message did not swallow what follows it.
    expect(run.summary).toMatch(/### CSV validation/)

    const texts = checkRunTexts(gh)
    expect(texts.length).toBeGreaterThanOrEqual(2) // in progress, then completed
    for (const t of texts) expectInert(t)
    const pointed = texts.find(t => t.startsWith('Following'))
    expect(pointed).toMatch(/^Following \[run /)
    const titles = gh.checkRuns().map(c => c.output?.title ?? '')
    for (const t of titles) expect(t).not.toMatch(/[\r\n]/)
  })

  it('an Invalid CSV: hostile headers and cells in findings, the summary and annotations', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, FILE_NAME, [
      HEADER.replace('Source Connection', `Source Connection ${HOSTILE.link}`),
      row('a', 'b', `x`, { 3: HOSTILE.image }),
      row('b', 'c', `y`, { 0: `"${HOSTILE.command}"` })
    ])
    const run = await runAction({ cwd: dir, inputs: inputsFor(s, { lineage_file: file }) })
    expect(run.outputs.phase).toBe('Invalid')
    expectOnlyOwnCommands(run.stdout)
    expectInert(run.summary)
    // No empty diagram, no timeout row, no table of dashes for a file that was never run.
    expect(run.summary).not.toContain('no lineage edges')
    expect(run.summary).not.toMatch(/Timeout|—/)
  })
})
