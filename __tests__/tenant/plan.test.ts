// The plan against a fake MetaApi (the simulator's store and search, in-process): how connections
// resolve and what the token can prove (docs/atlan-contract.md §10.8, §10.9), archived and
// case-insensitive assets, prune's candidates and what keeps them out, and replies that page or
// flood (§10.12).
import { describe, expect, it } from '@jest/globals'
import type { InputHandling } from '../../src/config/types.js'
import { buildPlan, planJson, type PlanInput } from '../../src/tenant/plan.js'
import { DBT, debugLog, FakeMeta, forbidden, PROD, TABLEAU } from './fake-meta.js'
import { suffixOf, tenantRows, type RowSpec } from './rows.js'

const A_B: RowSpec = { line: 2, src: 'a', tgt: 'b' }
const B_C: RowSpec = { line: 3, src: 'b', tgt: 'c' }

function plan(
  meta: FakeMeta,
  head: RowSpec[],
  opts: {
    base?: RowSpec[]
    handling?: InputHandling
    caseSensitive?: boolean
    pruneBlocked?: string
    rerunOf?: string
    searchLimit?: number
    log?: ReturnType<typeof debugLog>
  } = {}
) {
  const { rows, headPairs, base } = tenantRows(head, opts.base)
  const input: PlanInput = {
    rows,
    headPairs,
    base,
    pruneBlocked: opts.pruneBlocked,
    inputHandling: opts.handling ?? 'partial',
    rerunOf: opts.rerunOf,
    caseSensitive: opts.caseSensitive ?? true,
    searchLimit: opts.searchLimit ?? 100,
    log: opts.log ?? debugLog(),
    now: Date.now()
  }
  return buildPlan(meta, input)
}

const rules = (p: Awaited<ReturnType<typeof plan>>) => p.findings.map(f => `${f.rule}@${f.line}`)

describe('connections', () => {
  it('found, and spelt another way in Atlan: the same connection, with Atlan spelling shown', async () => {
    const meta = new FakeMeta()
    const p = await plan(meta, [{ ...A_B, connection: 'PROD' }])
    expect(p.connections).toMatchObject({ found: 2, missing: 0, unseen: 0 })
    expect(p.connectionsRespelled).toEqual([
      { connector: 'snowflake', name: 'PROD', atlanName: 'prod', line: 2 }
    ])
    expect(rules(p)).toEqual([
      'connection-spelling@2',
      'asset-create-partial@2',
      'asset-create-partial@2'
    ])
    expect(p.processesToCreate).toBe(1)
    expect([...p.expected.keys()]).toEqual([`${DBT}/x_a_b`])
  })

  it('not found, with no scrubbed hit anywhere: "not found, or not visible", a warning, never an error', async () => {
    const meta = new FakeMeta()
    const p = await plan(meta, [A_B, { ...B_C, connection: 'warehouse-9' }])
    expect(p.connectionsMissing).toEqual([])
    expect(p.connectionsUnseen).toEqual([
      { connector: 'snowflake', name: 'warehouse-9', line: 3, nearMatches: [] }
    ])
    expect(p.counts.error).toBe(0)
    expect(rules(p)).toContain('connection-not-visible@3')
    expect(p.rowsNotChecked).toBe(1)
    expect(p.rowsToSkip).toBe(0)
    expect(p.limit).toBeUndefined()
  })

  it('not found where the tenant shows a hidden connection: proven missing (an error)', async () => {
    const meta = new FakeMeta()
    meta.visibility.readableConnections = [PROD, DBT] // tableau comes back scrubbed
    const p = await plan(meta, [A_B, { ...B_C, connection: 'warehouse-9' }])
    expect(p.connectionsMissing.map(m => m.name)).toEqual(['warehouse-9'])
    expect(p.counts.error).toBe(1)
    expect(p.rowsToSkip).toBe(1)
    expect(p.rowsNotChecked).toBe(0)
    expect(meta.searches).toHaveLength(4) // names, the listing, active names, archived names
  })

  it('near matches: a one-character typo, another case, the same name under another connector', async () => {
    const meta = new FakeMeta()
    meta.visibility.readableConnections = [PROD, DBT]
    meta.store.addConnection({ connector: 'snowflake', name: 'Analytics-Prod2' }, 0)
    const p = await plan(meta, [
      { ...A_B, connection: 'analytics-prd' },
      { ...B_C, procConnector: 'snowflake' }
    ])
    const near = Object.fromEntries(p.connectionsMissing.map(m => [m.name, m.nearMatches]))
    expect(near['analytics-prd']).toEqual(['snowflake/analytics-prod', 'snowflake/Analytics-Prod2'])
    expect(near['dbt-cloud']).toEqual(['dbt/dbt-cloud'])
  })

  it('two ACTIVE connections with the same connector and name: ambiguous, rows not checked', async () => {
    const meta = new FakeMeta()
    meta.store.addConnection({ connector: 'dbt', name: 'DBT-Cloud' }, 0)
    const p = await plan(meta, [A_B])
    expect(p.connectionsAmbiguous).toEqual([
      expect.objectContaining({ connector: 'dbt', name: 'dbt-cloud', line: 2 })
    ])
    expect(p.connectionsAmbiguous[0].qualifiedNames).toHaveLength(2)
    expect(rules(p)).toContain('connection-ambiguous@2')
    expect(p.rowsNotChecked).toBe(1)
    expect(p.expected.size).toBe(0)
  })

  it('a CSV naming no connection: no notice about what the token can read', async () => {
    const meta = new FakeMeta()
    meta.visibility.readableConnections = []
    const p = await plan(meta, [])
    expect(p.limit).toBeUndefined()
    expect(p.findings).toEqual([])
  })

  it('a persona-less token at scrub: one notice; the hidden connections still name the rows', async () => {
    const meta = new FakeMeta()
    meta.visibility.readableConnections = []
    meta.table(PROD, 'db/s/a')
    meta.process(DBT, 'x_a_b')
    const p = await plan(meta, [A_B])
    expect(p.connections).toMatchObject({ found: 0, hidden: 2 })
    expect(p.limit?.severity).toBe('notice')
    expect(p.limit?.text).toMatch(
      /^The tenant check is limited: this API token can read no connection in Atlan\./
    )
    expect(p.limit?.text).toContain('persona with read access')
    expect(p.counts.warning + p.counts.error).toBe(0)
    // The scrubbed table still has its qualifiedName; the process is readable.
    expect(p.assetsToCreate).toBe(1)
    expect(p.processesToUpdate).toBe(1)
  })

  it('a persona-less token at full: one notice, no warning per connection, rows not checked', async () => {
    const meta = new FakeMeta()
    meta.visibility = { readRestriction: 'full', readableConnections: [] }
    const p = await plan(meta, [A_B, B_C])
    expect(p.connections).toMatchObject({ unseen: 2, missing: 0 })
    expect(p.limit?.severity).toBe('notice')
    expect(p.limit?.text).toContain('2 connection(s) could not be seen at all')
    expect(p.findings).toEqual([])
    expect(p.rowsNotChecked).toBe(2)
    expect(p.expected.size).toBe(0)
  })

  it('a 403 on the search: one warning naming the permission, and nothing is checked', async () => {
    const meta = new FakeMeta()
    meta.onSearch = () => {
      throw forbidden('POST /api/meta/search/indexsearch')
    }
    const p = await plan(meta, [A_B])
    expect(p.limit?.severity).toBe('warning')
    expect(p.limit?.text).toMatch(
      /The tenant check is limited: Atlan refused POST \/api\/meta\/search\/indexsearch \(403\): the API token may not read assets\./
    )
    expect(p.limit?.text).toContain('the run goes ahead')
    expect(p.findings).toEqual([])
    expect(p.rowsNotChecked).toBe(1)
  })
})

describe('assets and processes', () => {
  it('an archived asset and an archived process will be restored, not created', async () => {
    const meta = new FakeMeta()
    meta.store.softDelete(meta.table(PROD, 'db/s/a').guid, 0)
    meta.table(PROD, 'db/s/b')
    meta.store.softDelete(meta.process(DBT, 'x_a_b').guid, 0)
    const p = await plan(meta, [A_B])
    expect(p.assetsToRestore).toBe(1)
    expect(p.assetsToCreate).toBe(0)
    expect(p.processesToRestore).toBe(1)
    expect(p.processesToCreate).toBe(0)
    expect(rules(p)).toEqual(['asset-restore@2'])
    const archived = await plan(meta, [A_B], { handling: 'update' })
    expect(archived.findings[0].message).toContain(`source ${PROD}/db/s/a (archived)`)
    expect(archived.rowsToSkip).toBe(1)
  })

  it('input handling is worded for where it lives: the input for a create, the stored setting for a rerun', async () => {
    const meta = new FakeMeta()
    const create = (await plan(meta, [A_B], { handling: 'update' })).findings[0]
    expect(create.message).toContain('(input_handling: update)')
    expect(create.hint).toContain('use input_handling: partial')
    const rerun = (await plan(meta, [A_B], { handling: 'update', rerunOf: 'lb-1' })).findings[0]
    expect(rerun.message).toContain('(workflow lb-1 stores input handling update)')
    expect(rerun.hint).toContain("change workflow lb-1's input handling (lineage_upsert_semantic)")
    expect(rerun.hint).not.toContain('use input_handling')
    const created = (await plan(meta, [A_B], { rerunOf: 'lb-1' })).findings[0]
    expect(created.message).toContain('(workflow lb-1 stores input handling partial)')
  })

  it('case_sensitive_match false finds an asset spelt another way; true does not', async () => {
    const meta = new FakeMeta()
    meta.table(PROD, 'DB/S/A')
    meta.table(PROD, 'db/s/b')
    expect((await plan(meta, [A_B])).assetsToCreate).toBe(1)
    const noCase = await plan(meta, [A_B], { caseSensitive: false })
    expect(noCase.assetsToCreate).toBe(0)
    // One search without case for the names not found as spelled (the asset and the process),
    // then one among the archived for the process, still not found.
    const lookups = meta.searches.filter(b => JSON.stringify(b).includes('case_insensitive'))
    expect(lookups).toHaveLength(2)
  })

  it('case_sensitive_match false: a process Atlan holds under another case will be updated, not created', async () => {
    const meta = new FakeMeta()
    meta.process(DBT, 'ETL_A_B')
    const row = { ...A_B, identity: 'etl_a_b' }
    expect(await plan(meta, [row])).toMatchObject({ processesToCreate: 1, processesToUpdate: 0 })
    const noCase = await plan(meta, [row], { caseSensitive: false })
    expect(noCase).toMatchObject({ processesToCreate: 0, processesToUpdate: 1 })
  })

  it('a reply with more entities than asked for is cut to what was asked, and the debug log says so', async () => {
    const meta = new FakeMeta()
    meta.table(PROD, 'db/s/a')
    meta.onSearch = (_body, real) => ({
      count: 190_000,
      entities: real.entities.concat(
        Array.from({ length: 190_000 - real.entities.length }, (_, i) => ({
          typeName: 'Table',
          guid: `flood-${i}`,
          attributes: { qualifiedName: `flood/${i}` }
        }))
      )
    })
    const log = debugLog()
    const p = await plan(meta, [A_B], { log })
    expect(p.assetsToCreate).toBe(1) // b; a was found
    expect(p.processesToCreate).toBe(1)
    expect(log.lines.some(l => /with 190000; kept the first \d+\./.test(l))).toBe(true)
  })
})

describe('prune candidates', () => {
  const REMOVED: RowSpec = { line: 4, src: 'c', tgt: 'd', identity: '' }

  it('a removed row whose process Atlan holds is a candidate; its qualifiedName follows the MD5 rule', async () => {
    const meta = new FakeMeta()
    const gone = meta.process(DBT, suffixOf(REMOVED))
    const p = await plan(meta, [A_B], { base: [A_B, REMOVED] })
    expect(p.prune?.candidates).toEqual([
      expect.objectContaining({ qualifiedName: gone.qualifiedName, guid: gone.guid, baseLine: 4 })
    ])
    expect(p.prune?.candidates[0].updateTime).toBe(gone.updatedAt)
  })

  it('a process produced by two rows, one of them removed, stays: a head row still produces it', async () => {
    const meta = new FakeMeta()
    const shared = { identity: 'shared_model' }
    meta.process(DBT, 'shared_model')
    const p = await plan(meta, [{ ...A_B, ...shared }], {
      base: [
        { ...A_B, ...shared },
        { ...B_C, ...shared }
      ]
    })
    expect(p.prune?.candidates).toEqual([])
  })

  it('a head row spelling the connection another way still produces the process', async () => {
    const meta = new FakeMeta()
    meta.process(DBT, 'x_a_b')
    const p = await plan(meta, [{ ...A_B, procConnection: 'DBT-Cloud' }], { base: [A_B] })
    expect(p.prune?.candidates).toEqual([])
  })

  it('a head row whose Transformation Identity differs only in case still produces the process', async () => {
    // Without case the run updates the stored process under its stored name (§10.9), and an
    // unchanged write leaves its updateTime as it was (§10.10): prune has no proof it is gone.
    const meta = new FakeMeta()
    meta.process(DBT, 'etl_orders')
    const head = { ...A_B, identity: 'ETL_Orders' }
    const base = { ...A_B, identity: 'etl_orders' }
    for (const caseSensitive of [false, true]) {
      const p = await plan(meta, [head], { base: [base], caseSensitive })
      expect(p.prune?.candidates).toEqual([])
    }
  })

  it('a head row that still names the process by its Transformation Identity keeps it, though a side of it is broken', async () => {
    // An empty Source Identity (a typo, with fail_on_errors false stored) drops the row from the
    // run; the process it names is not proven removed.
    const meta = new FakeMeta()
    meta.process(DBT, 'x_a_b')
    const p = await plan(meta, [{ ...A_B, srcIdentity: '' }], { base: [A_B] })
    expect(p.prune?.candidates).toEqual([])
  })

  it('nothing under an ambiguous or a not-visible connection: counted, never a candidate', async () => {
    const meta = new FakeMeta()
    meta.process(DBT, suffixOf(REMOVED))
    meta.store.addConnection({ connector: 'dbt', name: 'dbt-cloud' }, 0)
    const ambiguous = await plan(meta, [A_B], { base: [A_B, REMOVED] })
    expect(ambiguous.prune).toMatchObject({ candidates: [], notConsidered: 1 })

    const hidden = new FakeMeta()
    hidden.visibility = { readRestriction: 'full', readableConnections: [PROD] }
    hidden.process(DBT, suffixOf(REMOVED))
    const unseen = await plan(hidden, [A_B], { base: [A_B, REMOVED] })
    expect(unseen.prune).toMatchObject({ candidates: [], notConsidered: 1 })
  })

  it('a removed row whose process is not under the derived name (an older package version) is only counted', async () => {
    const meta = new FakeMeta()
    meta.process(DBT, 'some-other-name')
    const p = await plan(meta, [A_B], { base: [A_B, REMOVED] })
    expect(p.prune).toMatchObject({ candidates: [], notFound: 1 })
  })

  it('blocked (a record not read whole): no candidate, no lookup of removed rows', async () => {
    const meta = new FakeMeta()
    meta.process(DBT, suffixOf(REMOVED))
    const p = await plan(meta, [A_B], { base: [A_B, REMOVED], pruneBlocked: 'unread' })
    expect(p.prune).toEqual({
      candidates: [],
      blocked: 'unread',
      notConsidered: 0,
      notFound: 0,
      pastLimit: 0
    })
    expect(JSON.stringify(meta.searches)).not.toContain(suffixOf(REMOVED))
  })
})

describe('the plan output', () => {
  it('lists at most 100 names of each kind, with exact counts', async () => {
    const meta = new FakeMeta()
    const head = Array.from({ length: 150 }, (_, i) => ({
      line: i + 2,
      src: `s${i}`,
      tgt: `t${i}`
    }))
    const base = head.concat(
      Array.from({ length: 130 }, (_, i) => ({ line: i + 200, src: `r${i}`, tgt: `q${i}` }))
    )
    for (let i = 0; i < 130; i++) meta.process(DBT, `x_r${i}_q${i}`)
    const json = planJson(await plan(meta, head, { base }))
    expect(json.create).toHaveLength(100)
    expect(json.assets).toHaveLength(100)
    expect(json.processesToRetire).toHaveLength(100)
    expect(json.counts).toMatchObject({ create: 150, assets: 300, processesToRetire: 130 })
    expect(json.listLimit).toBe(100)
    expect(JSON.stringify(json).length).toBeLessThan(64_000)
    // Too heavy for the budget: shorter lists, the same exact counts.
    const small = planJson(await plan(meta, head, { base }), 10_000)
    expect(JSON.stringify(small).length).toBeLessThanOrEqual(10_000)
    expect(small.listLimit).toBeLessThan(100)
    expect(small.create).toHaveLength(small.listLimit as number)
    expect(small.counts).toEqual(json.counts)
  })

  it('cuts each name from the CSV to 1,000 characters, so 100 of them stay far under 1 MB', async () => {
    const meta = new FakeMeta()
    const long = (c: string, i: number) => `${c}${i}_${'x'.repeat(20_000)}`
    const head = Array.from({ length: 100 }, (_, i) => ({
      line: i + 2,
      src: long('s', i),
      tgt: long('t', i)
    }))
    const json = planJson(await plan(meta, head))
    const names = [...(json.create as string[]), ...(json.assets as string[])]
    expect(names).toHaveLength(200)
    for (const n of names) {
      expect(n.length).toBe(1_000)
      expect(n.endsWith('…')).toBe(true)
    }
    expect(json.listLimit).toBe(100)
    expect(JSON.stringify(json).length).toBeLessThan(400_000)
  })

  it('stays under its budget in bytes, not only in characters: names of three-byte characters', async () => {
    const meta = new FakeMeta()
    // 表 is one UTF-16 character but three bytes of UTF-8, and GitHub's 1 MB per output is bytes.
    const wide = (c: string, i: number) => `${c}${i}_${'表'.repeat(20_000)}`
    const rows = (c: string, n: number, line: number) =>
      Array.from({ length: n }, (_, i) => ({
        line: line + i,
        src: wide(c, i),
        tgt: wide(c, i + n)
      }))
    const head = [...rows('new', 100, 2), ...rows('old', 100, 200)]
    const removed = rows('gone', 100, 400)
    for (const r of [...head.slice(100), ...removed]) meta.process(DBT, `x_${r.src}_${r.tgt}`)
    const json = planJson(await plan(meta, head, { base: [...head, ...removed] }))
    expect(json.counts).toMatchObject({ create: 100, update: 100, processesToRetire: 100 })
    expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThanOrEqual(900_000)
    expect(json.listLimit).toBeLessThan(100)
  })
})

it('TABLEAU is a default connection the tests hide', () => {
  expect(new FakeMeta().store.byQualifiedName.get(TABLEAU)?.typeName).toBe('Connection')
})

describe('tenant_search_limit', () => {
  /** `n` rows from line `from`, each with its own source, target and process: three new names a row. */
  const many = (n: number, from = 2): RowSpec[] =>
    Array.from({ length: n }, (_, i) => ({ line: from + i, src: `s${i}`, tgt: `t${i}` }))

  it('a plan over more rows than the limit makes exactly the limit’s searches, checks every row’s connections and states the lines it covered', async () => {
    const meta = new FakeMeta()
    meta.visibility.readableConnections = [PROD, DBT] // tableau comes back scrubbed: absence is proof
    const head = [...many(1500), { line: 1502, src: 'u', tgt: 'v', connection: 'warehouse-9' }]
    const p = await plan(meta, head, { searchLimit: 6 })
    expect(meta.searches).toHaveLength(6)
    expect(p.requests).toBe(6)
    // Every row's connections: the last row's, far past the rows looked up, is proven missing.
    expect(p.connectionsMissing.map(m => [m.name, m.line])).toEqual([['warehouse-9', 1502]])
    expect(p.rowsToSkip).toBe(1)
    // Two searches resolve the connections (names, then the listing); the four left ask 2,000
    // names ACTIVE and then archived (none exists): the first 666 rows, three names each.
    expect(p.coverage).toMatchObject({
      searchLimit: 6,
      rows: 666,
      of: 1501,
      firstLine: 2,
      lastLine: 667,
      rowsNotLookedUp: 834
    })
    expect(p.processesToCreate).toBe(666)
    expect(p.assetsToCreate).toBe(1332)
    expect([...p.expected.values()].at(-1)).toBe(667)
    expect(p.coverage.text).toBe(
      "The tenant check stopped at tenant_search_limit (6 searches): it checked the connections of all 1,501 rows, and the assets and processes of the 666 rows on lines 2–667; those of 834 row(s) after line 667 were not looked up, so the plan's counts cover lines 2–667 only. Raise tenant_search_limit to check more."
    )
    expect(planJson(p)).toMatchObject({
      searchLimit: 6,
      covered: { rows: 666, of: 1501, firstLine: 2, lastLine: 667, rowsNotLookedUp: 834 },
      searchLimitReached: p.coverage.text
    })
  })

  it('uses every search: when the worst case no longer fits, one more chunk may still be answered whole', async () => {
    const meta = new FakeMeta()
    const head = many(1500)
    for (const r of head) {
      meta.table(PROD, `db/s/${r.src}`)
      meta.table(PROD, `db/s/${r.tgt}`)
      meta.process(DBT, suffixOf(r))
    }
    // One search for the connections; then 333 rows (999 names) a search, all found ACTIVE so
    // nothing archived to ask: twice within the worst case, then once more on the last search.
    const p = await plan(meta, head, { searchLimit: 4 })
    expect(meta.searches).toHaveLength(4)
    expect(p.coverage).toMatchObject({ rows: 999, lastLine: 1000, rowsNotLookedUp: 501 })
    expect(p.processesToUpdate).toBe(999)
  })

  it('within the limit: every row is looked up, and the plan says nothing about it', async () => {
    const meta = new FakeMeta()
    const p = await plan(meta, many(300), { searchLimit: 100 })
    expect(p.coverage).toMatchObject({ rows: 300, of: 300, rowsNotLookedUp: 0 })
    expect(p.coverage.text).toBeUndefined()
    expect(planJson(p).searchLimitReached).toBeUndefined()
  })

  it("prune's removed rows are looked up before the head's, so a large CSV still retires them", async () => {
    const meta = new FakeMeta()
    const head = many(1500)
    const removed: RowSpec = { line: 9000, src: 'gone', tgt: 'away' }
    const gone = meta.process(DBT, suffixOf(removed))
    const p = await plan(meta, head, { base: [...head, removed], searchLimit: 4 })
    expect(meta.searches).toHaveLength(4)
    expect(p.prune?.candidates.map(c => c.guid)).toEqual([gone.guid])
    expect(p.prune?.pastLimit).toBe(0)
    expect(p.coverage.rows).toBe(333)
  })

  it('rows past what the limit can reach keep their connections only', () => {
    const { rows } = tenantRows(many(1500), undefined, 900)
    expect(rows.count).toBe(1500)
    expect(rows.kept).toBeLessThan(1500)
    expect(rows.strings.size).toBeLessThanOrEqual(902)
    expect(rows.get('srcPair', 1499)).toBeGreaterThanOrEqual(0)
  })
})
