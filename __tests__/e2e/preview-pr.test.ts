// A pull request that changes a lineage CSV: dry_run shows the preview (graph + edge diff against
// the base commit) in the job summary and the check run, submits nothing.
import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initRepo } from '../../scripts/git-repo.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim, submits } from '../helpers/e2e.js'
import { parseMermaid } from '../preview/mermaid-check.js'

let gh: GitHubSim
beforeEach(async () => (gh = await startGitHubSim()))
afterEach(() => gh.close())

/** A repository with the CSV at base, then a head commit changing it; returns both shas. */
function repoWithTwoCommits(base: string[], head: string[]) {
  const dir = workspace()
  const repo = initRepo(dir)
  writeCsv(dir, 'lineage.csv', base)
  const baseSha = repo.commitAll('base')
  writeCsv(dir, 'lineage.csv', head)
  const headSha = repo.commitAll('head')
  return { dir, baseSha, headSha }
}

function prEvent(dir: string, baseSha: string, headSha: string): Record<string, string> {
  const path = join(dir, '.git', 'event.json')
  writeFileSync(
    path,
    JSON.stringify({ pull_request: { number: 7, base: { sha: baseSha }, head: { sha: headSha } } })
  )
  return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path, GITHUB_SHA: 'f'.repeat(40) }
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1])
}

it('a PR adding 3 rows and removing 1 shows "3 added, 1 removed" in the summary and the check run', async () => {
  const base = [HEADER, row('a', 'b'), row('b', 'c'), row('c', 'd')]
  const head = [HEADER, row('a', 'b'), row('b', 'c'), row('d', 'e'), row('e', 'f'), row('f', 'g')]
  const { dir, baseSha, headSha } = repoWithTwoCommits(base, head)
  const s = await sim()
  const wf = s.seed({ prefix: 'p', key: 'lineage.csv' })
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, {
      workflow_name: wf,
      lineage_file: 'lineage.csv',
      dry_run: 'true',
      check_run: 'true',
      github_token: 'ghs_prToken'
    }),
    env: {
      ...prEvent(dir, baseSha, headSha),
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'acme/lineage'
    }
  })
  expect(r.code).toBe(0)
  expect(r.outputs).toMatchObject({
    phase: 'DryRun',
    edges_added: '3',
    edges_removed: '1',
    edges_changed: '0'
  })
  expect(r.summary).toMatch(/3 added, 1 removed/)
  for (const [kind, src, dst] of [
    ['added', 'd', 'e'],
    ['added', 'e', 'f'],
    ['added', 'f', 'g'],
    ['removed', 'c', 'd']
  ])
    expect(r.summary).toMatch(
      new RegExp(
        `\\| ${kind} \\([^)]*\\) \\| ${src} \\(Table, snowflake\\) \\| ${dst} \\(Table, snowflake\\) \\|`
      )
    )
  const blocks = mermaidBlocks(r.summary)
  expect(blocks).toHaveLength(1)
  expect(parseMermaid(blocks)).toEqual([expect.objectContaining({ ok: true })])
  const [check] = gh.checkRuns()
  expect(check.head_sha).toBe(headSha)
  expect(check.output.summary).toMatch(/3 added, 1 removed/)
  expect(check.output.summary).not.toContain('```mermaid')
  expect(gh.schemaViolations()).toEqual([])
  expect(submits(s)).toBe(0)
  expect(s.requests().map(q => q.route)).not.toContain('upload')
  expectClean(r, s, ['ghs_prToken'])
})

it("a 10,000-row CSV keeps the summary under GitHub's 1 MiB limit and says what it left out", async () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => row(`t${i}`, `t${i + 1}`, `step ${i}`))
  const dir = workspace()
  writeCsv(dir, 'big.csv', [HEADER, ...rows])
  const r = await runAction({
    cwd: dir,
    inputs: {
      atlan_base_url: 'https://acme.atlan.com',
      atlan_api_key: 'k-big',
      mode: 'create',
      lineage_file: 'big.csv',
      dry_run: 'true'
    }
  })
  expect(r.code).toBe(0)
  expect(r.outputs.rows_checked).toBe('10000')
  expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024)
  expect(r.summary).toMatch(/10,000 edges/)
  expect(r.summary).toMatch(/showing \d+ of 10,000 edges|left out|not shown/i)
  expect(parseMermaid(mermaidBlocks(r.summary))).toEqual([expect.objectContaining({ ok: true })])
})

it('a base version that cannot be copied out of git (RUNNER_TEMP unwritable) leaves a note, not a failed step', async () => {
  const base = [HEADER, row('a', 'b')]
  const head = [HEADER, row('a', 'b'), row('b', 'c')]
  const { dir, baseSha, headSha } = repoWithTwoCommits(base, head)
  const s = await sim()
  const wf = s.seed({ prefix: 'p', key: 'lineage.csv' })
  const notADir = join(dir, '.git', 'HEAD') // a file: no temporary folder can be made under it
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, { workflow_name: wf, lineage_file: 'lineage.csv', dry_run: 'true' }),
    env: { ...prEvent(dir, baseSha, headSha), RUNNER_TEMP: notADir }
  })
  expect(r.code).toBe(0)
  expect(r.outputs.phase).toBe('DryRun')
  expect(r.outputs.edges_added).toBe('') // no diff
  expect(r.summary).toMatch(/the base version could not be read \(/)
  expect(readdirSync(join(dir, '.git')).filter(n => n.startsWith('lineage-base-'))).toEqual([])
  expectClean(r, s)
})
