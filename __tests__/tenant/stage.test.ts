// The tenant stage against a fake MetaApi: when prune may act (a Succeeded run, not a dry run, a
// base version read whole along with the head), what verify: true and strict do to the step, and
// what the log says.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { tenantReport } from '../../src/report/plan.js'
import { afterRun } from '../../src/tenant/after.js'
import { TenantStage, type CsvRead } from '../../src/tenant/stage.js'
import { rawInputs } from '../helpers/inputs.js'
import { DBT, FakeMeta, logger } from './fake-meta.js'
import { lineageRow, suffixOf, type RowSpec } from './rows.js'

const A_B: RowSpec = { line: 2, src: 'a', tgt: 'b' }
const B_C: RowSpec = { line: 3, src: 'b', tgt: 'c' }
const REMOVED: RowSpec = { line: 4, src: 'c', tgt: 'd', identity: '' }
const READ: CsvRead = { baseRead: true, headUnread: 0, baseUnread: 0 }

function stage(inputs: Record<string, string> = {}, read: CsvRead = READ) {
  const config = parseConfig(
    rawInputs({
      lineage_file: 'lineage.csv',
      workflow_name: 'csa-lineage-builder-1714638976',
      ...inputs
    })
  )
  const s = TenantStage.for(config)!
  for (const r of [A_B, B_C]) s.tap.head(lineageRow(r))
  for (const r of [A_B, B_C, REMOVED]) s.tap.base?.(lineageRow(r))
  return { s, config, read }
}

/** The tenant after a run of the head: its processes, plus the removed row's (an hour old). */
function tenant() {
  const meta = new FakeMeta()
  for (const r of [A_B, B_C]) meta.process(DBT, suffixOf(r))
  const gone = meta.process(DBT, suffixOf(REMOVED))
  return { meta, gone }
}

/** The plan before the run, then verify and prune after a run that ended `phase`. */
async function run(
  { s, config, read }: ReturnType<typeof stage>,
  meta: FakeMeta,
  phase = 'Succeeded'
) {
  const log = logger()
  const planned = await s.plan(meta, read, config.options, { log, now: Date.now() })
  const outcome = await afterRun(
    meta,
    config,
    planned,
    { phase },
    {
      now: () => Date.now(),
      sleep: async () => undefined,
      log
    }
  )
  return { log, outcome, report: tenantReport(planned, outcome) }
}

describe('prune', () => {
  it('after a Succeeded run: retires the removed row’s process and names it on its own log line', async () => {
    const { meta, gone } = tenant()
    const { log, outcome } = await run(stage({ prune: 'true' }), meta)
    expect(meta.deletes).toEqual([[gone.guid]])
    expect(outcome.outputs.processesRetired).toBe(1)
    expect(outcome.flagged).toBe(false)
    expect(log.text('info')).toContain(`Retired ${gone.qualifiedName} (removed line 4)`)
  })

  it('after a Failed run: nothing, and the report says why', async () => {
    const { meta } = tenant()
    const { report } = await run(stage({ prune: 'true' }), meta, 'Failed')
    expect(meta.deletes).toEqual([])
    expect(report.pruneNote).toBe('prune: nothing was retired because the run ended Failed.')
  })

  it('in a dry run: nothing, though the plan lists the candidate', async () => {
    const { meta, gone } = tenant()
    const { report } = await run(stage({ prune: 'true', dry_run: 'true' }), meta)
    expect(meta.deletes).toEqual([])
    expect(meta.reads).toEqual([])
    expect(report.plan?.prune?.candidates.map(c => c.guid)).toEqual([gone.guid])
  })

  it('without a base version: nothing', async () => {
    const { meta } = tenant()
    const { report } = await run(stage({ prune: 'true' }, { ...READ, baseRead: false }), meta)
    expect(meta.deletes).toEqual([])
    expect(report.pruneNote).toMatch(/no base version of the CSV was read/)
  })

  it('without a base version the checkout lacks: the note gives the reason and the fix', async () => {
    const { meta } = tenant()
    const baseNote =
      'the checkout lacks the base commit abc1234 (it is a shallow clone): use actions/checkout with fetch-depth: 0'
    const { report, outcome, log } = await run(
      stage({ prune: 'true' }, { ...READ, baseRead: false, baseNote }),
      meta
    )
    expect(meta.deletes).toEqual([])
    expect(report.pruneNote).toBe(
      `prune: nothing was retired because no base version of the CSV was read: ${baseNote}.`
    )
    // Asked for and not done, for a reason the user can fix: a warning, so never a ✅ title.
    expect(log.text('warning')).toContain(report.pruneNote)
    expect(outcome.flagged).toBe(true)
  })

  it.each([
    ['the head', { headUnread: 1 }, /1 record\(s\) of lineage\.csv could not be read whole/],
    ['the base', { baseUnread: 2 }, /2 record\(s\) of its base version could not be read whole/]
  ])(
    'with a record of %s not read whole: nothing, said in the plan and the log',
    async (_, unread, text) => {
      const { meta } = tenant()
      const { log, outcome, report } = await run(
        stage({ prune: 'true' }, { ...READ, ...unread }),
        meta
      )
      expect(meta.deletes).toEqual([])
      expect(meta.reads).toEqual([])
      expect(report.plan?.prune?.blocked).toMatch(text)
      expect(log.text('warning').some(l => text.test(l))).toBe(true)
      expect(outcome.flagged).toBe(true)
      expect(outcome.outputs.processesRetired).toBeUndefined()
    }
  )
})

describe('verify', () => {
  it('true: a missing process is a warning finding on its line, the step passes, the outcome is flagged', async () => {
    const { meta } = tenant()
    meta.store.softDelete(meta.store.byQualifiedName.get(`${DBT}/x_b_c`)!.guid, 0)
    const { log, outcome, report } = await run(stage({ index_grace: '0s' }), meta)
    expect(report.verifyFindings).toEqual([
      expect.objectContaining({ severity: 'warning', line: 3, rule: 'process-missing' })
    ])
    expect(outcome.failure).toBeUndefined()
    expect(outcome.flagged).toBe(true)
    expect(outcome.outputs).toMatchObject({
      processesVerified: 1,
      processesMissing: 1,
      processesNotChecked: 0
    })
    expect(log.text('warning')).toContain(
      `Verify: 1 of 2 expected process(es) found in Atlan; 1 missing (${DBT}/x_b_c). They were searched for until index_grace (0s) had passed: if Atlan indexes slowly, raise index_grace; otherwise the run skipped those rows (its debug log in Atlan says why).`
    )
  })

  it('strict: the same fails the step, with advice that is not about "Fail on errors"', async () => {
    const { meta } = tenant()
    meta.store.softDelete(meta.store.byQualifiedName.get(`${DBT}/x_b_c`)!.guid, 0)
    const { outcome } = await run(stage({ index_grace: '0s', verify: 'strict' }), meta)
    expect(outcome.failure).toMatch(
      /^1 expected process\(es\) were not found in Atlan after the run \(verify: strict/
    )
    expect(outcome.failure).toContain('Set verify: true')
    expect(outcome.failure).not.toMatch(/fail on errors/i)
  })

  it('rows under a connection the token cannot see are not checked, never missing', async () => {
    const { meta } = tenant()
    meta.visibility = { readRestriction: 'full', readableConnections: [] }
    const { log, outcome } = await run(stage({ index_grace: '0s', verify: 'strict' }), meta)
    expect(outcome.outputs).toMatchObject({
      processesVerified: 0,
      processesMissing: 0,
      processesNotChecked: 2
    })
    expect(outcome.failure).toBeUndefined()
    expect(outcome.flagged).toBe(false)
    expect(log.text('notice')).toHaveLength(0) // the plan's notice is main's to log, once
    expect(log.text('info').join('\n')).toContain('2 row(s) not checked')
  })
})

describe('TenantStage.for: rows are kept only when the stage will run', () => {
  const config = (inputs: Record<string, string>) =>
    parseConfig(rawInputs({ lineage_file: 'lineage.csv', ...inputs }))

  it('a create dry run keeps none: the stage cannot run offline', () => {
    expect(TenantStage.for(config({ mode: 'create', dry_run: 'true' }))).toBeUndefined()
  })

  it('mode auto in a dry run keeps none once its target resolves to a create', () => {
    const c = config({ mode: 'auto', dry_run: 'true' })
    expect(TenantStage.for(c, { kind: 'create' })).toBeUndefined()
    expect(TenantStage.for(c, { kind: 'rerun' })).toBeDefined()
  })

  it('a rerun dry run plans (check_tenant), so it keeps rows', () => {
    const s = TenantStage.for(config({ workflow_name: 'wf', dry_run: 'true' }))!
    s.tap.head(lineageRow(A_B))
    expect(s.rows.count).toBe(1)
  })

  it('past the names tenant_search_limit can look up, rows keep their connections only', () => {
    const s = TenantStage.for(config({ workflow_name: 'wf', tenant_search_limit: '1' }))!
    for (let i = 0; i < 1000; i++)
      s.tap.head(lineageRow({ line: i + 2, src: `s${i}`, tgt: `t${i}` }))
    expect(s.rows.count).toBe(1000)
    expect(s.rows.kept).toBe(334) // 1,000 names (one search's worth), three a row
    expect(s.rows.strings.size).toBe(1002)
  })

  it('a create that runs keeps rows for verify', () => {
    expect(TenantStage.for(config({ mode: 'create' }))).toBeDefined()
  })

  it('none with the tenant stage off or without validation', () => {
    const off = { check_tenant: 'false', verify: 'false', prune: 'false' }
    expect(TenantStage.for(config({ workflow_name: 'wf', ...off }))).toBeUndefined()
    expect(TenantStage.for(config({ workflow_name: 'wf', validate: 'false' }))).toBeUndefined()
  })
})
