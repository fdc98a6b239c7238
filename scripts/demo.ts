// npm run demo: the real bundled action, end to end, against the embedded Atlan simulator.
// It seeds a Lineage Builder workflow that reads lineage/orders.csv from the tenant store,
// reruns it with examples/lineage.csv, and prints the outputs and the job summary.
import { startSimulator } from '../sim/server.js'
import { runAction } from './action-runner.js'

const sim = await startSimulator({ scenario: { pendingMs: 500, runningMs: 2500, indexLagMs: 300 } })
try {
  const workflow = sim.seed({
    prefix: 'lineage',
    key: 'orders.csv',
    options: {
      upsertSemantic: 'partial',
      failOnErrors: true,
      caseSensitive: true,
      fieldSeparator: ',',
      batchSize: 20
    },
    runs: [{ phase: 'Succeeded', durationS: 4 }]
  })
  console.log(`Atlan simulator on ${sim.url} with workflow ${workflow}; running dist/index.js…\n`)
  const r = await runAction({
    inputs: {
      atlan_base_url: sim.url,
      atlan_api_key: sim.token,
      workflow_name: workflow,
      lineage_file: 'examples/lineage.csv',
      poll_interval: '1s'
    },
    timeoutMs: 60_000
  })
  console.log('--- action log ---')
  process.stdout.write(r.stdout.replace(/^::add-mask::.*\n/gm, ''))
  if (r.stderr) process.stdout.write(r.stderr)
  console.log('\n--- outputs ---')
  for (const [k, v] of Object.entries(r.outputs))
    if (v) console.log(`${k}=${k === 'result' ? v : v.split('\n')[0]}`)
  console.log('\n--- job summary ---')
  console.log(r.summary)
  const submits = sim.requests().filter(q => q.route === 'rerun' || q.route === 'submit').length
  console.log(
    `Simulator saw ${sim.requests().length} requests, ${submits} submit(s). Exit code ${r.code}.`
  )
  process.exitCode = r.code ?? 1
} finally {
  await sim.close()
}
