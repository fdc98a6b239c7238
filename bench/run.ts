// npm run bench [-- csv|poll ...] [--node <path>]...: each case runs in its own process, so its
// figures (peak RSS above all) are its own, and prints its tables. `--node` (repeatable) names
// the node that runs the bundle in the step and tenant benches, e.g. the runner's node24 next to
// the machine's default: each case runs once per node given.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const CASES: Record<string, string> = {
  step: 'step.ts',
  csv: 'csv.ts',
  poll: 'poll.ts',
  tenant: 'tenant.ts'
}
const given = process.argv.slice(2)
const nodes: string[] = []
const args: string[] = []
for (let i = 0; i < given.length; i++) {
  if (given[i] === '--node' && given[i + 1]) nodes.push(given[++i])
  else args.push(given[i])
}
// Benchmark names first, then options with their values (`step --rows 2000 --only dry-run`).
const firstOption = args.findIndex(a => a.startsWith('-'))
const chosen = firstOption < 0 ? args : args.slice(0, firstOption)
const passThrough = firstOption < 0 ? [] : args.slice(firstOption)
const names = chosen.length ? chosen : Object.keys(CASES)

let failed = false
for (const name of names) {
  const file = CASES[name]
  if (!file) {
    console.error(`Unknown benchmark "${name}"; choose from ${Object.keys(CASES).join(', ')}.`)
    process.exit(2)
  }
  for (const node of nodes.length ? nodes : ['']) {
    console.log(`\n# Benchmark: ${name}${node ? ` (bundle on ${node})` : ''}\n`)
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx/esm', '--expose-gc', join(here, file), ...passThrough],
      { stdio: 'inherit', env: node ? { ...process.env, ACTION_NODE: node } : process.env }
    )
    if (r.status !== 0) failed = true
  }
}
process.exit(failed ? 1 : 0)
