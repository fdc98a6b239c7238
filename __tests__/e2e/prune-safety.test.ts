// Prune never retires a live process on a guess, end to end through dist/index.js: not after a
// head with a stray quote or an oversized cell (the rows after it, or the row itself, were not
// read), not under an ambiguous connection, and not a row moved to another CSV whose run wrote
// its process meanwhile (docs/atlan-contract.md §10.9-10.11).
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyLineageCsv } from '../../sim/lineage-apply.js'
import type { Simulator } from '../../sim/server.js'
import { leaks, runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { API_KEY, expectClean, inputsFor, sim } from '../helpers/e2e.js'

const HOUR = 3_600_000

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' }
  }).trim()
}

/** What a run of `file` wrote, an hour ago. */
function applied(s: Simulator, dir: string, file: string) {
  applyLineageCsv(s.assets, readFileSync(join(dir, file), 'utf8'), {
    semantic: 'partial',
    caseSensitive: true,
    separator: ',',
    lagMs: 0,
    at: Date.now() - HOUR
  })
}

/** A repository with a base commit and a head commit of each CSV, and a push event between them. */
function repo(s: Simulator, base: Record<string, string[]>, head: Record<string, string[]>) {
  const dir = workspace()
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'ci@example.com')
  git(dir, 'config', 'user.name', 'CI')
  for (const [name, lines] of Object.entries(base)) {
    writeCsv(dir, name, lines)
    if (name.endsWith('.csv')) applied(s, dir, name)
  }
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  const before = git(dir, 'rev-parse', 'HEAD')
  for (const [name, lines] of Object.entries(head))
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`)
  git(dir, 'commit', '-qam', 'head')
  const event = join(dir, '.git', 'event.json')
  writeFileSync(event, JSON.stringify({ before, after: git(dir, 'rev-parse', 'HEAD') }))
  return { dir, event }
}

function step(
  s: Simulator,
  r: { dir: string; event: string },
  file: string,
  wf: string,
  extra: Record<string, string> = {}
) {
  return runAction({
    cwd: r.dir,
    inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, prune: 'true', ...extra }),
    env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: r.event },
    timeoutMs: 120_000
  })
}

const lenient = (s: Simulator, key: string) =>
  s.seed({
    prefix: 'lineage',
    key,
    options: { failOnErrors: false },
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })

const deletes = (s: Simulator) => s.requests().filter(q => q.route === 'assets.delete')
const live = (s: Simulator) =>
  s.assets
    .list()
    .filter(e => e.typeName === 'Process' && e.deletedAt === undefined)
    .map(e => e.qualifiedName)
    .sort()

describe('prune retires nothing when a record could not be read whole', () => {
  const kept = [row('a', 'b'), row('b', 'c'), row('c', 'd'), row('d', 'e'), row('e', 'f')]

  it('a stray quote in the head (the workflow stores fail_on_errors false)', async () => {
    const s = await sim()
    const wf = lenient(s, 'lineage.csv')
    const broken = row('b', 'c').replace('db/s/b', '"db/s/b"x')
    const r = repo(
      s,
      { 'lineage.csv': [HEADER, ...kept] },
      { 'lineage.csv': [HEADER, kept[0], broken, ...kept.slice(2)] }
    )
    const before = live(s)
    const res = await step(s, r, 'lineage.csv', wf)
    expect(res.outputs.phase).toBe('Succeeded')
    expect(deletes(s)).toEqual([])
    expect(live(s)).toEqual(before)
    expect(res.stdout).toMatch(
      /::warning::prune retires nothing: 1 record\(s\) of lineage\.csv could not be read whole/
    )
    expect(res.summary).toMatch(/\*\*Prune:\*\* prune retires nothing/)
    expect(res.summary).toMatch(/^## ⚠️ /m)
    expect(JSON.parse(res.outputs.plan).prune.blocked).toMatch(/could not be read whole/)
    expectClean(res, s)
  })

  it('a legal 17 MiB cell in a kept row', async () => {
    const s = await sim()
    const wf = lenient(s, 'lineage.csv')
    const big = `${row('c', 'd')},${'y'.repeat(17 * 1024 * 1024)}`
    const header = `${HEADER},sql`
    const r = repo(
      s,
      { 'lineage.csv': [header, ...kept.map(l => `${l},`)] },
      { 'lineage.csv': [header, `${kept[0]},`, `${kept[1]},`, big, `${kept[3]},`, `${kept[4]},`] }
    )
    const before = live(s)
    const res = await step(s, r, 'lineage.csv', wf)
    expect(res.outputs.phase).toBe('Succeeded')
    expect(deletes(s)).toEqual([])
    expect(live(s)).toEqual(before)
    expect(res.stdout).toMatch(
      /prune retires nothing: 1 record\(s\) of lineage\.csv could not be read whole/
    )
  }, 150_000)
})

it('a head row with an empty Source Identity still names its process: prune keeps it', async () => {
  const s = await sim()
  const wf = lenient(s, 'lineage.csv')
  const r = repo(
    s,
    { 'lineage.csv': [HEADER, row('a', 'b'), row('c', 'd')] },
    { 'lineage.csv': [HEADER, row('a', 'b'), row('c', 'd', 'c > d', { 3: '' })] }
  )
  const before = live(s)
  const res = await step(s, r, 'lineage.csv', wf)
  expect(res.outputs.phase).toBe('Succeeded')
  expect(deletes(s)).toEqual([])
  expect(live(s)).toEqual(before)
  expect(JSON.parse(res.outputs.plan).processesToRetire).toEqual([])
})

it('nothing under an ambiguous connection (two ACTIVE dbt/dbt-cloud)', async () => {
  const s = await sim()
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  const removed = row('c', 'd', 'c > d', { 12: '' })
  const r = repo(
    s,
    { 'lineage.csv': [HEADER, row('a', 'b'), removed] },
    { 'lineage.csv': [HEADER, row('a', 'b')] }
  )
  s.assets.addConnection({ connector: 'dbt', name: 'dbt-cloud' }, 0)
  const before = live(s)
  const res = await step(s, r, 'lineage.csv', wf)
  expect(res.outputs.phase).toBe('Succeeded')
  expect(deletes(s)).toEqual([])
  expect(before.every(qn => live(s).includes(qn))).toBe(true)
  expect(res.stdout).toMatch(
    /::warning [^\n]*line=2::2 ACTIVE connections are named "dbt-cloud" with connector dbt/
  )
  expect(res.stdout).toContain(
    'Prune left the processes of 1 removed row(s) alone: their connection is ambiguous or not visible to this token.'
  )
  expect(JSON.parse(res.outputs.plan).prune).toMatchObject({ notConsidered: 1 })
  expectClean(res, s)
})

describe('a row moved from a.csv to b.csv in one push: a.csv’s step keeps its process', () => {
  async function setUp(
    movedInHead: string,
    extraBase: Record<string, string[]> = {},
    extraHead = {}
  ) {
    const s = await sim()
    const wf = (key: string) =>
      s.seed({ prefix: 'lineage', key, runs: [{ phase: 'Succeeded', durationS: 1 }] })
    const wfA = wf('a.csv')
    const wfB = wf('b.csv')
    const r = repo(
      s,
      {
        'a.csv': [HEADER, row('a', 'b'), row('m', 'n')],
        'b.csv': [HEADER, row('x', 'y')],
        ...extraBase
      },
      {
        'a.csv': [HEADER, row('a', 'b')],
        'b.csv': [HEADER, row('x', 'y'), movedInHead],
        ...extraHead
      }
    )
    const movedQn = s.assets
      .list()
      .find(e => e.typeName === 'Process' && e.name === 'm > n')!.qualifiedName
    return { s, r, wfA, wfB, movedQn }
  }

  // Unchanged, b.csv's step first: Atlan records no write that changes nothing
  // (docs/atlan-contract.md §10.10), so only the other CSV of the push shows where the row went.
  it('unchanged, after b.csv’s step: another changed file that is no CSV is passed over', async () => {
    const { s, r, wfA, wfB, movedQn } = await setUp(
      row('m', 'n'),
      { 'notes.txt': ['lineage notes'] },
      { 'notes.txt': ['lineage notes, edited'] }
    )
    const b = await step(s, r, 'b.csv', wfB)
    expect(b.outputs.phase).toBe('Succeeded')
    const a = await step(s, r, 'a.csv', wfA)
    expect(a.outputs.phase).toBe('Succeeded')
    expect(deletes(s)).toEqual([])
    expect(s.assets.active(movedQn)).toBeDefined()
    expect(JSON.parse(a.outputs.plan).processesToRetire).toEqual([])
    expect(a.stdout).toContain(
      'prune keeps 1 process(es) of removed rows that another CSV changed in this push still names (b.csv): those rows moved there (first at line 3 of the base version).'
    )
    expect(a.outputs.processes_retired).toBe('0')
    expect(leaks(a.everything, [API_KEY])).toEqual([])
  })

  it('changed, and separated by semicolons, before b.csv’s step', async () => {
    const semi = (line: string) => line.split(',').join(';')
    const { s, r, wfA, movedQn } = await setUp(
      row('m', 'n', 'm to n'),
      { 'b.csv': [HEADER, row('x', 'y')].map(semi) },
      { 'b.csv': [HEADER, row('x', 'y'), row('m', 'n', 'm to n')].map(semi) }
    )
    const a = await step(s, r, 'a.csv', wfA)
    expect(a.outputs.phase).toBe('Succeeded')
    expect(deletes(s)).toEqual([])
    expect(s.assets.active(movedQn)).toBeDefined()
    expect(a.stdout).toContain('prune keeps 1 process(es) of removed rows')
  })

  it('another lineage CSV of the push that cannot be read whole: nothing is retired, and the plan says why', async () => {
    const { s, r, wfA, movedQn } = await setUp(
      row('m', 'n'),
      { 'c.csv': [HEADER, row('p', 'q')] },
      { 'c.csv': [HEADER, row('p', 'q'), `"stray${row('r', 's')}`] }
    )
    const a = await step(s, r, 'a.csv', wfA)
    expect(a.outputs.phase).toBe('Succeeded')
    expect(deletes(s)).toEqual([])
    expect(s.assets.active(movedQn)).toBeDefined()
    expect(JSON.parse(a.outputs.plan).prune.blocked).toBe(
      'prune retires nothing: c.csv, also changed in this push, could not be read whole (quote errors, oversized records or field counts), so a row moved there cannot be told from a removed one.'
    )
  })
})

it('case_sensitive_match false: a row whose Transformation Identity changes case keeps its process, and verify finds it', async () => {
  const s = await sim()
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    options: { caseSensitive: false },
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  // The run updates the stored process under its stored name, and records nothing when nothing
  // else changed (docs/atlan-contract.md §10.9, §10.10).
  const r = repo(
    s,
    { 'lineage.csv': [HEADER, row('a', 'b'), row('m', 'n')] },
    { 'lineage.csv': [HEADER, row('a', 'b'), row('m', 'n', 'm > n', { 12: 'X_M_N' })] }
  )
  const before = live(s)
  const res = await step(s, r, 'lineage.csv', wf)
  expect(res.outputs.phase).toBe('Succeeded')
  expect(deletes(s)).toEqual([])
  expect(live(s)).toEqual(before)
  expect(res.outputs).toMatchObject({ processes_missing: '0', processes_verified: '2' })
  expect(JSON.parse(res.outputs.plan)).toMatchObject({
    processesToRetire: [],
    processesToUpdate: 2
  })
  expect(res.summary).toMatch(/^## ✅ /m)
  expectClean(res, s)
})

it('150 removed rows: the plan output lists 100 with the exact count; deletes go 20 at a time; each retired one is logged', async () => {
  const s = await sim()
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  const removed = Array.from({ length: 150 }, (_, i) => row(`r${i}`, `q${i}`))
  const r = repo(
    s,
    { 'lineage.csv': [HEADER, row('a', 'b'), ...removed] },
    { 'lineage.csv': [HEADER, row('a', 'b')] }
  )
  const res = await step(s, r, 'lineage.csv', wf)
  expect(res.outputs.phase).toBe('Succeeded')
  const plan = JSON.parse(res.outputs.plan)
  expect(plan.processesToRetire).toHaveLength(100)
  expect(plan.counts.processesToRetire).toBe(150)
  expect(res.outputs.plan.length).toBeLessThan(40_000)
  expect(deletes(s)).toHaveLength(8) // 150 GUIDs, 20 a request
  expect(
    s.assets.list().filter(e => e.typeName === 'Process' && e.deletedAt !== undefined)
  ).toHaveLength(150)
  expect(s.requests().filter(q => q.route === 'assets.get')).toHaveLength(150)
  expect(res.outputs.processes_retired).toBe('150')
  expect(
    res.stdout
      .split('\n')
      .filter(l => /^Retired default\/dbt\/1700000003\/x_r\d+_q\d+ \(removed line \d+\)$/.test(l))
  ).toHaveLength(150)
  expect(res.summary).toContain('…and 130 more (the step log names each one).')
  expectClean(res, s)
}, 150_000)
