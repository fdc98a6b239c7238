// Tenant-stage cost: the bundled action (dist/index.js, as the runner runs it) against the
// simulator with a 10,000-row CSV over 2,000 distinct assets; counts the asset searches of the
// check (before the rerun) and of the verification (after it), and the step's peak RSS.
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
        poll_interval: '1s',
        index_grace: '30s',
        check_tenant: String(tenant),
        verify: String(tenant)
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
      processes: Number(r.outputs.processes_to_create) + Number(r.outputs.processes_to_update),
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

const rows: string[] = []
const cases: Array<[string, boolean, boolean]> = [
  ['one per target (Identity)', false, true],
  ['one per row (MD5 rule)', true, true],
  ['one per row, check_tenant and verify off', true, false]
]
for (const [label, perRow, tenant] of cases) {
  const m = await measure(perRow, tenant)
  const n = (v: number) => (Number.isNaN(v) ? '—' : v.toLocaleString('en-US'))
  rows.push(
    `| ${label} | ${n(m.processes)} | ${m.check} | ${m.verify} | ${m.verified || '—'} | ${m.rssMb.toFixed(0)} MB | ${m.seconds.toFixed(1)} s |`
  )
}
console.log(
  `Tenant stage, ${ROWS.toLocaleString('en-US')} rows over ${ASSETS.toLocaleString('en-US')} assets (dist/index.js on Node ${benchNodeVersion()} against the simulator, index lag 300 ms):\n`
)
console.log(
  '| Processes | Distinct processes | Check searches | Verify searches | Verified | Peak RSS of the step | Step wall time |'
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const r of rows) console.log(r)
console.log(
  '\nSearches send at most 1,000 names each (assets and processes together, deduplicated); a CSV\nwith more distinct names needs one more search per 1,000.'
)
