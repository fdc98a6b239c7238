// Tenant-stage cost: the bundled action (dist/index.js, as the runner runs it) against the
// simulator with a 10,000-row CSV over 2,000 distinct assets, with action.yml's default inputs
// (`check_tenant` and `verify` on); counts the asset searches of the check (before the rerun) and
// of the verification (after it), and the step's peak RSS. For comparison, the same step with
// the tenant stage off, printed apart and labelled as non-default.
// Run: npm run bench -- tenant (after npm run bundle).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../scripts/action-runner.js'
import { startSimulator } from '../sim/server.js'
import { benchNode, benchNodeArgs, benchNodeVersion } from './node.js'

const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name'
const ROWS = 10_000
const ASSETS = 2_000
const preload = fileURLToPath(new URL('./tenant-rss.mjs', import.meta.url))

/** Row i links table i mod 2000 to another table, all edges distinct; processes per target model or per row. */
function csv(perRow: boolean): string {
  const lines = [HEADER]
  for (let i = 0; i < ROWS; i++) {
    const s = `t${i % ASSETS}`
    const t = `t${(i * 7 + 1 + Math.floor(i / ASSETS)) % ASSETS}` // 10,000 distinct edges
    const id = perRow ? '' : `model_${t}` // empty: the MD5 rule names the process per row
    lines.push(
      `Table,snowflake,prod,db/s/${s},${s},Table,snowflake,prod,db/s/${t},${t},dbt,dbt-cloud,${id},${s} > ${t}`
    )
  }
  return `${lines.join('\n')}\n`
}

async function measure(perRow: boolean, tenant = true) {
  const sim = await startSimulator({
    scenario: { pendingMs: 200, runningMs: 800, indexLagMs: 300 }
  })
  const dir = mkdtempSync(join(tmpdir(), 'bench-tenant-'))
  try {
    writeFileSync(join(dir, 'lineage.csv'), csv(perRow))
    const wf = sim.seed({
      prefix: 'lineage',
      key: 'lineage.csv',
      runs: [{ phase: 'Succeeded', durationS: 1 }]
    })
    const started = performance.now()
    const r = await runAction({
      cwd: dir,
      inputs: {
        atlan_base_url: sim.url,
        atlan_api_key: sim.token,
        workflow_name: wf,
        lineage_file: 'lineage.csv',
        ...(tenant ? {} : { check_tenant: 'false', verify: 'false' })
      },
      launch: entry => ({
        command: benchNode,
        args: [...benchNodeArgs, '--import', preload, entry]
      }),
      timeoutMs: 180_000
    })
    const ms = performance.now() - started
    if (r.code !== 0) throw new Error(`the action failed (${r.code}):\n${r.stdout}\n${r.stderr}`)
    const seen = sim.requests()
    const rerun = seen.findIndex(q => q.route === 'rerun')
    const count = (qs: typeof seen) => qs.filter(q => q.route === 'assets.search').length
    const rss = Number(/bench-peak-rss-kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN)
    return {
      processes: r.outputs.processes_to_create
        ? Number(r.outputs.processes_to_create) + Number(r.outputs.processes_to_update)
        : NaN,
      verified: r.outputs.processes_verified,
      check: count(seen.slice(0, rerun)),
      verify: count(seen.slice(rerun)),
      rssMb: rss / 1024,
      seconds: ms / 1000
    }
  } finally {
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const n = (v: number) => (Number.isNaN(v) ? '—' : v.toLocaleString('en-US'))
type Figures = Awaited<ReturnType<typeof measure>>
const line = (label: string, m: Figures) =>
  `| ${label} | ${n(m.processes)} | ${m.check} | ${m.verify} | ${m.verified || '—'} | ${m.rssMb.toFixed(0)} MB | ${m.seconds.toFixed(1)} s |`
const TABLE_HEAD = [
  '| Processes | Distinct processes | Check searches | Verify searches | Verified | Peak RSS of the step | Step wall time |',
  '| --- | --- | --- | --- | --- | --- | --- |'
]
const where = `${ROWS.toLocaleString('en-US')} rows over ${ASSETS.toLocaleString('en-US')} assets, dist/index.js on Node ${benchNodeVersion()} against the simulator (index lag 300 ms)`

const byIdentity = await measure(false)
const byRow = await measure(true)
console.log(`Tenant stage with action.yml's default inputs, ${where}:\n`)
console.log(
  [
    ...TABLE_HEAD,
    line('one per target (Identity)', byIdentity),
    line('one per row (MD5 rule)', byRow)
  ].join('\n')
)
console.log(
  '\nSearches send at most 1,000 names each (assets and processes together, deduplicated); a CSV\nwith more distinct names needs one more search per 1,000. Wall time includes waiting for the run\n(poll_interval 5s).'
)

const off = await measure(true, false)
console.log(
  `\nNon-default inputs (check_tenant: false, verify: false), for comparison; ${where}:\n`
)
console.log([...TABLE_HEAD, line('one per row, tenant stage off', off)].join('\n'))
