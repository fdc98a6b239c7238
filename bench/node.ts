// Which node runs the bundle in a benchmark: `npm run bench -- step --node <path>` (bench/run.ts
// passes it on as ACTION_NODE, read by scripts/action-runner.ts), default the node running the
// benchmark. The action runs on the runner's node24 while a machine's default node may be older,
// and their memory figures differ.
// BENCH_NODE_ARGS adds node flags to the bundle's process only (e.g. `--trace-gc`), for
// experiments; the runner itself passes none.
import { execFileSync } from 'node:child_process'
import { actionNode } from '../scripts/action-runner.js'

export const benchNode = actionNode()
export const benchNodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)

export function benchNodeVersion(): string {
  return execFileSync(benchNode, ['--version'], { encoding: 'utf8' }).trim()
}
