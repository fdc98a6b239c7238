// The demo's two outcomes, shared by `npm run demo` (prints them) and `npm run render:summary`
// (screenshots their job summaries): the bundled action against the embedded Atlan simulator,
// on a push whose base commit holds an older CSV (so the summary has a preview and an edge diff),
//   1. passing: examples/lineage.csv, validated, uploaded, rerun and followed to Succeeded;
//   2. failing: examples/lineage-invalid.csv, stopped by validation before any call to Atlan.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator } from '../sim/server.js'
import { repoRoot } from './action-inputs.js'
import { runAction, type ActionRun } from './action-runner.js'
import { initRepo } from './git-repo.js'

export interface DemoOutcome {
  title: string
  /** The CSV the step was given (a copy of it, as lineage/orders.csv in the workspace). */
  source: string
  run: ActionRun
  /** Requests the simulator received during this step. */
  requests: number
}

export const DEMO_FILE = 'lineage/orders.csv'

/**
 * A throw-away repository whose base commit holds an older lineage/orders.csv (one edge that is
 * gone now, one process renamed since, two edges not there yet) and whose work tree holds
 * examples/lineage.csv: the preview then shows added, removed and changed edges.
 */
export function demoWorkspace(dir: string): { baseSha: string } {
  const head = readFileSync(join(repoRoot, 'examples', 'lineage.csv'), 'utf8')
  const lines = head.trimEnd().split('\n')
  const removed =
    'Table,snowflake,analytics-prod,RAW/SALES/ORDERS,ORDERS,Table,snowflake,analytics-prod,' +
    'LEGACY/EXPORTS/ORDERS_EXPORT,ORDERS_EXPORT,dbt,dbt-cloud,orders_export,export orders,,Old export'
  const base = [
    lines[0],
    lines[1],
    lines[2],
    lines[3].replace('build fct_orders', 'build fct_orders (v1)'),
    removed
  ].join('\n')
  mkdirSync(join(dir, 'lineage'), { recursive: true })
  const repo = initRepo(dir)
  writeFileSync(join(dir, DEMO_FILE), `${base}\n`)
  return { baseSha: repo.commitAll('base') }
}

/** Runs both outcomes; the workspace and the simulator are gone when it returns. */
export async function runDemoFlow(): Promise<DemoOutcome[]> {
  const work = mkdtempSync(join(tmpdir(), 'lineage-demo-'))
  const sim = await startSimulator({
    scenario: { pendingMs: 500, runningMs: 2500, indexLagMs: 300 }
  })
  try {
    const { baseSha } = demoWorkspace(join(work, 'repo'))
    const eventPath = join(work, 'event.json')
    writeFileSync(eventPath, JSON.stringify({ before: baseSha, after: 'f'.repeat(40) }))
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
    const outcomes: DemoOutcome[] = []
    for (const [title, source] of [
      ['A passing run', 'examples/lineage.csv'],
      ['A failing CSV', 'examples/lineage-invalid.csv']
    ] as const) {
      copyFileSync(join(repoRoot, source), join(work, 'repo', DEMO_FILE))
      const before = sim.requests().length
      const run = await runAction({
        cwd: join(work, 'repo'),
        env: { GITHUB_EVENT_PATH: eventPath },
        inputs: {
          atlan_base_url: sim.url,
          atlan_api_key: sim.token,
          workflow_name: workflow,
          lineage_file: DEMO_FILE,
          poll_interval: '1s'
        },
        timeoutMs: 60_000
      })
      outcomes.push({ title, source, run, requests: sim.requests().length - before })
    }
    return outcomes
  } finally {
    await sim.close()
    rmSync(work, { recursive: true, force: true })
  }
}

const unescapeData = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string): string =>
  unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

/**
 * The step's stdout as the Actions log shows it: workflow commands become readable lines
 * (annotations with their file and line), masks are consumed, and debug lines are left out
 * unless asked for (the runner hides them unless ACTIONS_STEP_DEBUG is set).
 */
export function readableLog(stdout: string, opts: { debug?: boolean } = {}): string {
  const out: string[] = []
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) {
      out.push(line)
      continue
    }
    const [, command, props = '', data] = m
    const text = unescapeData(data)
    if (command === 'add-mask' || command === 'endgroup') continue
    if (command === 'debug') {
      if (opts.debug) out.push(`[debug] ${text}`)
      continue
    }
    if (command === 'group') {
      out.push(`▸ ${text}`)
      continue
    }
    if (command === 'error' || command === 'warning' || command === 'notice') {
      const p = Object.fromEntries(
        props
          .split(',')
          .filter(Boolean)
          .map(kv => [
            kv.slice(0, kv.indexOf('=')),
            unescapeProperty(kv.slice(kv.indexOf('=') + 1))
          ])
      )
      const where = p.file ? ` ${p.file}${p.line ? `:${p.line}` : ''}` : ''
      const label = command[0].toUpperCase() + command.slice(1)
      out.push(`${label}${where}${p.title ? ` (${p.title})` : ''}: ${text}`)
      continue
    }
    out.push(line)
  }
  return out.join('\n')
}
