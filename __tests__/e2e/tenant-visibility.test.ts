// What the token can see, end to end through dist/index.js (docs/atlan-contract.md §10.8): a
// persona-less API token runs a good CSV to Succeeded with exactly one notice about visibility at
// both restriction levels; a 403 on the search is one warning naming the permission and the run
// goes ahead; a search that floods is cut to what was asked.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Simulator } from '../../sim/server.js'
import { repoRoot } from '../helpers/shared.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim, submits } from '../helpers/e2e.js'

const GOOD = [HEADER, row('a', 'b'), row('b', 'c'), row('c', 'd')]

function seeded(s: Simulator, lines: string[]) {
  const dir = workspace()
  const file = writeCsv(dir, 'lineage.csv', lines)
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  return { dir, file, wf }
}

const visibilityNotices = (stdout: string) =>
  stdout.split('\n').filter(l => /^::(notice|warning)[^:]*::The tenant check is limited/.test(l))

/** The scenario file sim/README.md documents for `npm run sim -- --scenario`. */
const scenarioFile = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'sim', 'scenarios', name), 'utf8')) as Record<
    string,
    never
  >

describe('a persona-less API token (the README quick start)', () => {
  it('at scrub: Succeeded, one notice, and verify checks every process (processes are readable)', async () => {
    const s = await sim(scenarioFile('persona-less-token.json'))
    const { dir, file, wf } = seeded(s, GOOD)
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const notices = visibilityNotices(r.stdout)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(
      /^::notice::The tenant check is limited: this API token can read no connection in Atlan\./
    )
    expect(notices[0]).toContain('persona with read access')
    expect(r.stdout).not.toMatch(/::(warning|error)[^\n]*connection/i)
    expect(r.outputs).toMatchObject({
      processes_verified: '3',
      processes_missing: '0',
      processes_not_checked: '0'
    })
    expect(JSON.parse(r.outputs.plan).connections).toMatchObject({ found: 0, hidden: 2 })
    expect(r.summary).toMatch(/^## ✅ Atlan Lineage Builder: Succeeded/m)
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it('at full: Succeeded, one notice, and the rows are not checked rather than missing', async () => {
    const s = await sim(scenarioFile('persona-less-token-full.json'))
    const { dir, file, wf } = seeded(s, GOOD)
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, verify: 'strict' })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(visibilityNotices(r.stdout)).toHaveLength(1)
    expect(r.stdout).not.toMatch(/::(warning|error)[^\n]*connection/i)
    expect(r.outputs).toMatchObject({
      processes_verified: '0',
      processes_missing: '0',
      processes_not_checked: '3'
    })
    expect(r.summary).toContain('3 row(s) not checked')
    expect(r.summary).toMatch(/^## ✅ /m)
    expectClean(r, s)
  })
})

it('a 403 on the asset search: one warning naming the read permission, and the run goes ahead', async () => {
  const s = await sim()
  s.addFault({ route: 'assets.search', kind: 'status', status: 403, count: -1 })
  const { dir, file, wf } = seeded(s, GOOD)
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
  })
  expect(r.code).toBe(0)
  expect(r.outputs.phase).toBe('Succeeded')
  const limited = visibilityNotices(r.stdout)
  expect(limited).toHaveLength(1)
  expect(limited[0]).toMatch(
    /^::warning::The tenant check is limited: Atlan refused POST \/api\/meta\/search\/indexsearch \(403\): the API token may not read assets\./
  )
  expect(limited[0]).toContain('persona with read access to the connections the CSV names')
  expect(r.outputs).toMatchObject({ processes_missing: '0', processes_not_checked: '3' })
  expect(submits(s)).toBe(1)
  expectClean(r, s)
})

it('a search answered with 190,000 entities whatever was asked: cut to what was asked, and the run goes on', async () => {
  const s = await sim()
  s.addFault({ route: 'assets.search', kind: 'flood', count: 2 })
  const { dir, file, wf } = seeded(s, GOOD)
  const r = await runAction({
    cwd: dir,
    inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, request_timeout: '20s' }),
    timeoutMs: 120_000
  })
  expect(r.code).toBe(0)
  expect(r.outputs.phase).toBe('Succeeded')
  expect(r.stdout).not.toContain('Maximum call stack size exceeded')
  expect(r.stdout).toMatch(
    /::debug::Atlan answered a search for 1000 entities \(from 0\) with 190000; kept the first 1000\./
  )
  expect(s.requests().filter(q => q.fault === 'flood')).toHaveLength(2)
  expect(r.outputs).toMatchObject({ processes_to_create: '3', processes_verified: '3' })
  expectClean(r, s)
}, 150_000)
