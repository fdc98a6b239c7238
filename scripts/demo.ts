// npm run demo [-- --debug]: the real bundled action, end to end, against the embedded Atlan
// simulator, twice (scripts/demo-flow.ts): a passing run and a failing CSV. Prints each step's
// log as the Actions log shows it, its outputs and its job summary.
import { parseArgs } from 'node:util'
import { readableLog, runDemoFlow } from './demo-flow.js'

const { values } = parseArgs({ options: { debug: { type: 'boolean', default: false } } })

console.log('Running dist/index.js against the Atlan simulator on 127.0.0.1 (no tenant needed)…')
const outcomes = await runDemoFlow()
for (const [i, o] of outcomes.entries()) {
  const r = o.run
  console.log(`\n=== ${i + 1}. ${o.title}: ${o.source} ===\n`)
  console.log('--- action log ---')
  console.log(readableLog(r.stdout, { debug: values.debug }).trimEnd())
  if (r.stderr) console.log(r.stderr.trimEnd())
  console.log('\n--- outputs ---')
  for (const [k, v] of Object.entries(r.outputs))
    if (v && k !== 'workflow_json') console.log(`${k}=${k === 'result' ? v : v.split('\n')[0]}`)
  console.log('\n--- job summary (Markdown) ---')
  console.log(r.summary.trimEnd())
  console.log(
    `\nStep exit code ${r.code}; the simulator received ${o.requests} request(s) during it.`
  )
}
console.log(
  `\n${values.debug ? '' : 'Debug lines are hidden: npm run demo -- --debug shows them. '}` +
    'npm run render:summary screenshots both job summaries.'
)
const [pass, fail] = outcomes
// The demo succeeds when the passing run passed and the failing CSV failed.
process.exitCode = pass.run.code === 0 && fail.run.code === 1 ? 0 : 1
