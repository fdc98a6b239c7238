// The tenant stage end to end through dist/index.js: the plan before the run (missing and
// misspelt connections, rows update would skip), verification after it, and prune.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initRepo } from '../../scripts/git-repo.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { applyLineageCsv } from '../../sim/lineage-apply.js'
import type { Simulator } from '../../sim/server.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim, submits } from '../helpers/e2e.js'

let gh: GitHubSim
beforeEach(async () => (gh = await startGitHubSim()))
afterEach(() => gh.close())

const DBT = 'default/dbt/1700000003'
const PROD = 'default/snowflake/1700000002'
/**
 * A token that may not read the tableau connection: the listing shows it scrubbed, which proves
 * the tenant shows hidden connections, so a connection not listed does not exist (§10.8).
 */
const SHOWS_HIDDEN = {
  readableConnections: ['default/snowflake/1700000001', PROD, DBT]
}

function seeded(
  s: Simulator,
  dir: string,
  lines: string[],
  options?: { upsertSemantic?: 'update'; failOnErrors?: boolean }
) {
  const file = writeCsv(dir, 'lineage.csv', lines)
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    options,
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  return { file, wf }
}

const searches = (s: Simulator) => s.requests().filter(q => q.route === 'assets.search').length
const deletes = (s: Simulator) => s.requests().filter(q => q.route === 'assets.delete')

describe('plan against the tenant', () => {
  it('a missing connection is an error at the first line using it, and nothing is submitted', async () => {
    const s = await sim(SHOWS_HIDDEN)
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [
      HEADER,
      row('a', 'b'),
      row('b', 'c', 'b > c', { 7: 'warehouse-9' }),
      row('c', 'd', 'c > d', { 7: 'warehouse-9' })
    ])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /::error title=[^\n]*,file=lineage\.csv,line=3::No ACTIVE connection "warehouse-9" with connector snowflake exists in Atlan/
    )
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.outputs.rows_to_skip).toBe('2')
    // The rows that stopped the run are its rows with errors (action.yml).
    expect(r.outputs.rows_with_errors).toBe('2')
    expect(JSON.parse(r.outputs.plan).connectionsMissing).toEqual([
      { connector: 'snowflake', name: 'warehouse-9', line: 3, nearMatches: [] }
    ])
    expect(r.summary).toContain('### Plan against the tenant')
    expect(submits(s)).toBe(0)
    expect(s.requests().map(q => q.route)).not.toContain('upload')
    expectClean(r, s)
  })

  it('a rerun is gated by the fail_on_errors stored in its workflow, not by the input', async () => {
    const s = await sim(SHOWS_HIDDEN)
    const dir = workspace()
    const lines = [HEADER, row('a', 'b'), row('b', 'c', 'b > c', { 7: 'warehouse-9' })]
    const strict = seeded(s, dir, lines)
    const refused = await runAction({
      cwd: dir,
      inputs: inputsFor(s, {
        workflow_name: strict.wf,
        lineage_file: strict.file,
        fail_on_errors: 'false'
      })
    })
    expect(refused.code).toBe(1)
    expect(refused.outputs.phase).toBe('Invalid')
    expect(refused.stdout).toContain(
      `Create them in Atlan or fix the CSV. To run anyway (those rows create no lineage), set "Fail on errors" to No in workflow ${strict.wf} in Atlan (a rerun applies the stored setting).`
    )
    expect(submits(s)).toBe(0)

    const lenient = seeded(s, dir, lines, { failOnErrors: false })
    const ran = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: lenient.wf, lineage_file: lenient.file })
    })
    expect(ran.code).toBe(0)
    expect(ran.outputs.phase).toBe('Succeeded')
    expect(ran.stdout).toMatch(
      /::warning::1 connection\(s\) named in lineage\.csv do not exist in Atlan: snowflake\/warehouse-9 \(line 3\); running anyway because fail_on_errors is false\./
    )
    expect(submits(s)).toBe(1)
    expectClean(ran, s)
  })

  it('a connection spelt in another case is the same connection; one under another connector names its near match', async () => {
    const s = await sim(SHOWS_HIDDEN)
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [
      HEADER,
      row('a', 'b', 'a > b', { 2: 'Prod' }),
      row('b', 'c', 'b > c', { 10: 'snowflake' })
    ])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /::notice [^\n]*line=2::The connection "Prod" \(snowflake\) is spelled "prod" in Atlan; the run matches connection names without case\./
    )
    expect(r.stdout).not.toMatch(/line=2::No ACTIVE connection/)
    expect(r.stdout).toMatch(
      /line=3::No ACTIVE connection "dbt-cloud" with connector snowflake exists in Atlan[^\n]*Near matches: dbt\/dbt-cloud\./
    )
    expect(JSON.parse(r.outputs.plan).connectionsRespelled).toEqual([
      { connector: 'snowflake', name: 'Prod', atlanName: 'prod', line: 2 }
    ])
    expect(r.summary).toContain('**Spelled differently in Atlan**')
    expect(submits(s)).toBe(0)
  })

  it('without proof that the tenant shows hidden connections, an unknown one is "not found, or not visible": a warning, and the run goes ahead', async () => {
    const s = await sim() // the token reads every connection: no scrubbed hit anywhere
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [
      HEADER,
      row('a', 'b'),
      row('b', 'c', 'b > c', { 7: 'warehouse-9' })
    ])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(r.stdout).toMatch(
      /::warning [^\n]*line=3::No ACTIVE connection "warehouse-9" with connector snowflake was found in Atlan, or this token cannot see it: rows using it were not checked\./
    )
    expect(r.stdout).toContain('give the API token a persona with read access to it')
    expect(r.stdout).not.toContain('Create the connection in Atlan')
    const plan = JSON.parse(r.outputs.plan)
    expect(plan.connectionsMissing).toEqual([])
    expect(plan.connectionsNotVisible).toEqual([
      { connector: 'snowflake', name: 'warehouse-9', line: 3, nearMatches: [] }
    ])
    expect(plan.rowsNotChecked).toBe(1)
    // The row under it is not checked after the run either: not "missing".
    expect(r.outputs).toMatchObject({
      processes_verified: '1',
      processes_missing: '0',
      processes_not_checked: '1'
    })
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it('update: a row whose target does not exist is a warning naming the row, and the run goes on', async () => {
    const s = await sim()
    for (const t of ['a', 'b', 'c'])
      s.assets.put(
        {
          typeName: 'Table',
          qualifiedName: `${PROD}/db/s/${t}`,
          name: t,
          connectorName: 'snowflake',
          connectionQualifiedName: PROD
        },
        0
      )
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b'), row('b', 'zz')], {
      upsertSemantic: 'update'
    })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(0)
    // A rerun applies the workflow's stored setting: the advice names it, not the input.
    expect(r.stdout).toContain(
      `line=3::Row 3 will be skipped: target ${PROD}/db/s/zz does not exist (workflow ${wf} stores input handling update).`
    )
    expect(r.stdout).toContain(`change workflow ${wf}'s input handling (lineage_upsert_semantic)`)
    expect(r.outputs).toMatchObject({
      phase: 'Succeeded',
      rows_to_skip: '1',
      processes_to_create: '1',
      assets_to_create: '0',
      processes_verified: '1',
      processes_missing: '0'
    })
    // The simulated Lineage Builder skipped the row too: no process, no asset for it.
    expect(s.assets.active(`${DBT}/x_b_zz`)).toBeUndefined()
    expect(s.assets.active(`${PROD}/db/s/zz`)).toBeUndefined()
    expectClean(r, s)
  })
})

describe('verification after the run', () => {
  const lines = [HEADER, row('a', 'b'), row('b', 'c'), row('c', 'd')]

  it('a process missing after the run: warning on its line, check neutral, the step passes', async () => {
    const s = await sim({ indexLagMs: 300 })
    s.assets.dropProcesses = 1 // the run "loses" its first row's process
    const dir = workspace()
    // A rerun applies the workflow's stored setting (not the input), for this gate too.
    const { file, wf } = seeded(s, dir, lines, { failOnErrors: false })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: file,
        index_grace: '3s',
        check_run: 'true',
        github_token: 'ghs_tenantToken'
      }),
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/lineage' }
    })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({
      phase: 'Succeeded',
      processes_to_create: '3',
      processes_verified: '2',
      processes_missing: '1'
    })
    expect(r.stdout).toMatch(
      new RegExp(`::warning [^\\n]*line=2::The process ${DBT}/x_a_b of this row was not found`)
    )
    expect(r.summary).toMatch(/2 of 3 expected processes found in Atlan; \*\*1 missing\*\*/)
    const [check] = gh.checkRuns()
    expect(check.conclusion).toBe('neutral')
    expect(check.annotations.some(a => a.start_line === 2 && /x_a_b/.test(a.message))).toBe(true)
    expectClean(r, s, ['ghs_tenantToken'])
  })

  it('verify: true (the default) never fails the step: the title says ⚠; verify: strict fails it under ❌', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, lines)
    const ok = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(ok.code).toBe(0)
    expect(ok.outputs).toMatchObject({ processes_verified: '3', processes_missing: '0' })
    expect(ok.summary).toMatch(/^## ✅ Atlan Lineage Builder: Succeeded/m)
    expect(ok.stdout).toContain('Verify: 3 of 3 expected process(es) found in Atlan.')

    const lose = () => {
      s.assets.dropProcesses = 1
      for (const e of s.assets.list()) if (e.typeName === 'Process') s.assets.softDelete(e.guid, 0)
    }
    lose()
    const warned = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, index_grace: '1s' })
    })
    expect(warned.code).toBe(0)
    expect(warned.outputs).toMatchObject({ phase: 'Succeeded', processes_missing: '1' })
    expect(warned.summary).toMatch(/^## ⚠️ Atlan Lineage Builder: Succeeded, with findings/m)
    expect(warned.stdout).toMatch(
      new RegExp(
        `::warning::Verify: 2 of 3 expected process\\(es\\) found in Atlan; 1 missing \\(${DBT}/x_a_b\\)\\. They were searched for until index_grace \\(1s\\) had passed: if Atlan indexes slowly, raise index_grace`
      )
    )
    expect(warned.stdout).not.toMatch(/Fail on errors/)

    lose()
    const strict = await runAction({
      cwd: dir,
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: file,
        index_grace: '1s',
        verify: 'strict'
      })
    })
    expect(strict.code).toBe(1)
    expect(strict.outputs).toMatchObject({ phase: 'Succeeded', processes_missing: '1' })
    expect(strict.stdout).toMatch(
      /::error::1 expected process\(es\) were not found in Atlan after the run \(verify: strict; see the annotations and the job summary\)\. They were searched for until index_grace \(1s\) had passed: if Atlan indexes slowly, raise index_grace; otherwise the run skipped those rows \(its debug log in Atlan says why\)\. Set verify: true to report them without failing the step\./
    )
    expect(strict.stdout).not.toMatch(/Fail on errors/)
    expect(strict.summary).toMatch(
      /^## ❌ Atlan Lineage Builder: Succeeded in Atlan, but the step failed/m
    )
  })
})

describe('prune', () => {
  // The removed row has no Transformation Identity: its process is named by the MD5 rule.
  const removed = row('c', 'd', 'c > d', { 12: '' })
  const base = [HEADER, row('a', 'b'), row('b', 'c'), removed]
  const head = [HEADER, row('a', 'b'), row('b', 'c')]

  /** A workspace with base and head commits, the tenant holding what the base version made. */
  async function setUp(scenario: Parameters<typeof sim>[0] = {}) {
    const s = await sim(scenario)
    const dir = workspace()
    const repo = initRepo(dir)
    const { file, wf } = seeded(s, dir, base)
    // An hour ago: prune leaves alone what was written after its plan began.
    applyLineageCsv(s.assets, readFileSync(join(dir, file), 'utf8'), {
      semantic: 'partial',
      caseSensitive: true,
      separator: ',',
      lagMs: 0,
      at: Date.now() - 3_600_000
    })
    const before = repo.commitAll('base')
    writeCsv(dir, 'lineage.csv', head)
    const after = repo.commitAll('head')
    const event = join(dir, '.git', 'event.json')
    writeFileSync(event, JSON.stringify({ before, after }))
    const processes = s.assets.list().filter(e => e.typeName === 'Process')
    const gone = processes.find(p => !p.qualifiedName.includes('/x_'))!
    const run = (extra: Record<string, string> = {}) =>
      runAction({
        cwd: dir,
        inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, prune: 'true', ...extra }),
        env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event }
      })
    return { s, run, processes, gone }
  }

  it('after a Succeeded run it soft-deletes exactly the removed row’s process, no asset', async () => {
    const { s, run, processes, gone } = await setUp()
    expect(processes).toHaveLength(3)
    expect(gone.qualifiedName).toMatch(new RegExp(`^${DBT}/[0-9a-f]{32}$`))
    const assets = s.assets.list().filter(e => e.typeName === 'Table').length
    const r = await run()
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ phase: 'Succeeded', processes_retired: '1' })
    expect(JSON.parse(r.outputs.plan).processesToRetire).toEqual([
      { qualifiedName: gone.qualifiedName, baseLine: 4 }
    ])
    expect(deletes(s)).toHaveLength(1)
    expect(deletes(s)[0].query).toMatchObject({ guid: gone.guid, deleteType: 'SOFT' })
    const deleted = s.assets.list().filter(e => e.deletedAt !== undefined)
    expect(deleted.map(e => e.qualifiedName)).toEqual([gone.qualifiedName])
    expect(
      s.assets.list().filter(e => e.typeName === 'Table' && e.deletedAt === undefined)
    ).toHaveLength(assets)
    expect(r.summary).toMatch(/\*\*Retired\*\* \(soft-deleted, restorable in Atlan\): 1 process/)
    expect(r.stdout).toContain(`Retired ${gone.qualifiedName} (removed line 4)`)
    expect(r.summary).toMatch(/^## ✅ /m)
    expectClean(r, s)
  })

  it('deletes nothing when the run fails', async () => {
    const { s, run, gone } = await setUp({ outcome: 'Failed' })
    const r = await run()
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Failed')
    expect(r.outputs.processes_retired).toBe('')
    expect(deletes(s)).toHaveLength(0)
    expect(s.assets.active(gone.qualifiedName)).toBeDefined()
    expect(r.summary).toContain('prune: nothing was retired because the run ended Failed.')
  })

  it('deletes nothing in a dry run, and the plan lists what a real run would retire', async () => {
    const { s, run, gone } = await setUp()
    const r = await run({ dry_run: 'true' })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('DryRun')
    expect(JSON.parse(r.outputs.plan).processesToRetire).toHaveLength(1)
    expect(r.summary).toContain(gone.qualifiedName)
    expect(deletes(s)).toHaveLength(0)
    expect(submits(s)).toBe(0)
    expect(s.assets.active(gone.qualifiedName)).toBeDefined()
  })
})

describe('cost', () => {
  it('10,000 rows over 2,000 assets: at most 10 searches for the check and 10 for verification', async () => {
    const s = await sim({ indexLagMs: 200 })
    const dir = workspace()
    // 2,000 tables, 10,000 distinct edges between them, one dbt model (process) per target.
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const src = `t${i % 2000}`
      const dst = `t${(i * 7 + 1 + Math.floor(i / 2000)) % 2000}`
      return row(src, dst, `build ${dst}`, { 12: `model_${dst}` })
    })
    const { file, wf } = seeded(s, dir, [HEADER, ...rows])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, index_grace: '20s' }),
      timeoutMs: 120_000
    })
    expect(r.code).toBe(0)
    const seen = s.requests()
    const rerunAt = seen.findIndex(q => q.route === 'rerun')
    const check = seen.slice(0, rerunAt).filter(q => q.route === 'assets.search').length
    const verify = seen.slice(rerunAt).filter(q => q.route === 'assets.search').length
    expect(check).toBeGreaterThan(0)
    expect(check).toBeLessThanOrEqual(10)
    expect(verify).toBeGreaterThan(0)
    expect(verify).toBeLessThanOrEqual(10)
    expect(searches(s)).toBe(check + verify)
    for (const q of seen.filter(x => x.route === 'assets.search')) {
      const terms = JSON.stringify(q.body).match(/"qualifiedName":\[(.*?)\]/)
      if (terms) expect(terms[1].split('","').length).toBeLessThanOrEqual(1000)
    }
    expect(r.outputs).toMatchObject({ processes_verified: r.outputs.processes_to_create })
    expect(Number(r.outputs.assets_to_create)).toBe(2000)
  }, 180_000)

  it('past tenant_search_limit: exactly that many searches for the plan, every row’s connections checked, the lines covered said in the log, the summary and the plan output', async () => {
    const s = await sim()
    const dir = workspace()
    const rows = Array.from({ length: 1500 }, (_, i) => row(`s${i}`, `t${i}`))
    const unknown = row('u', 'v', 'u > v', { 7: 'warehouse-9' }) // line 1502
    const { file, wf } = seeded(s, dir, [HEADER, ...rows, unknown])
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, tenant_search_limit: '4' })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const seen = s.requests()
    const rerunAt = seen.findIndex(q => q.route === 'rerun')
    const check = seen.slice(0, rerunAt).filter(q => q.route === 'assets.search').length
    const verify = seen.slice(rerunAt).filter(q => q.route === 'assets.search').length
    expect(check).toBe(4)
    expect(verify).toBeGreaterThan(0)
    expect(verify).toBeLessThanOrEqual(4)
    // Two searches resolve the connections (names, then the listing for the unknown one); then
    // 1,000 names (333 rows) ACTIVE and archived, and the searches are spent.
    const covered = 'lines 2–334'
    expect(r.stdout).toContain(
      `::notice::The tenant check stopped at tenant_search_limit (4 searches): it checked the connections of all 1,501 rows, and the assets and processes of the 333 rows on ${covered}; those of 1,167 row(s) after line 334 were not looked up`
    )
    expect(r.summary).toContain(`> The tenant check stopped at tenant_search_limit (4 searches)`)
    expect(r.summary).toContain(covered)
    expect(r.summary).toMatch(/\| Rows not looked up \(past tenant_search_limit\) \| 1,167 \|/)
    const plan = JSON.parse(r.outputs.plan)
    expect(plan).toMatchObject({
      searchLimit: 4,
      covered: { rows: 333, of: 1501, firstLine: 2, lastLine: 334, rowsNotLookedUp: 1167 },
      processesToCreate: 333
    })
    expect(r.outputs).toMatchObject({ processes_to_create: '333', processes_verified: '333' })
    // The last row's connection was checked, far past the rows looked up.
    expect(r.stdout).toMatch(
      /::warning title=[^\n]*,file=lineage\.csv,line=1502::No ACTIVE connection "warehouse-9" with connector snowflake was found in Atlan/
    )
    expect(r.stdout).toContain(
      'Verification within tenant_search_limit (4 searches): the processes of 1,167 row(s) after line 334 were not verified (the plan did not look them up).'
    )
    expectClean(r, s)
  }, 120_000)
})
