// The whole step end to end through dist/index.js on a large CSV, with action.yml's default inputs:
//   npm run bench -- step [--rows N] [--only dry-run|rerun] [--keep]
// A git checkout in a temp dir whose base commit holds the CSV minus its last 1% of rows, the full
// CSV (400,000 rows ≈ 103 MB by default) and a push event, so the step also reads the base version
// and diffs it, as the preview does by default. Two cases, each a run of the bundle in its own
// process (the simulator runs in this one):
//   dry-run: `mode: create`, `dry_run: true`: the CSV check and preview, no network call.
//            Targets: peak RSS ≤ 256 MB, wall time ≤ 5 s on 2 cores.
//   rerun:   a rerun against the simulator holding the CSV's connections, with the tenant stage on
//            (`check_tenant` and `verify` are on by default): plan, upload, rerun, follow, verify.
//            Prints the asset searches before the rerun (plan) and after it (verify).
//            Target: peak RSS ≤ 512 MB.
// Peak RSS and CPU time come from /usr/bin/time -v when present, else from
// process.resourceUsage() printed by a preloaded module.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runAction, type ActionRun, type StartOptions } from '../scripts/action-runner.js'
import { initRepo } from '../scripts/git-repo.js'
import { startSimulator, type Simulator } from '../sim/server.js'
import { generateLineageCsv, lineageConnections } from './csv.js'
import { benchNode, benchNodeArgs, benchNodeVersion } from './node.js'

const TARGETS = {
  'dry-run': { rssMB: 256, wallS: 5 },
  rerun: { rssMB: 512, wallS: Infinity }
} as const
type CaseName = keyof typeof TARGETS

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

interface Measured extends ActionRun {
  wallS: number
  cpuS: number
  rssMB: number
}

/**
 * Runs the bundle like the runner (scripts/action-runner.ts) and measures the child's own peak
 * RSS and CPU time: with /usr/bin/time -v when present, else with a preloaded module that prints
 * the process's resourceUsage() at exit.
 */
async function measure(opts: StartOptions, workDir: string): Promise<Measured> {
  const useTime = existsSync('/usr/bin/time') && !process.env.BENCH_NO_TIME
  const probe = join(workDir, 'rusage.mjs')
  writeFileSync(
    probe,
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nRUSAGE ' + JSON.stringify({ maxRSS: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 }) + '\\n') })\n"
  )
  const t0 = process.hrtime.bigint()
  const run = await runAction({
    ...opts,
    timeoutMs: 600_000,
    launch: entry =>
      useTime
        ? { command: '/usr/bin/time', args: ['-v', benchNode, ...benchNodeArgs, entry] }
        : {
            command: benchNode,
            args: [...benchNodeArgs, '--import', pathToFileURL(probe).href, entry]
          }
  })
  // For experiments: keep what the bundle printed (the memory sampler's figures, for example).
  if (process.env.BENCH_CHILD_OUTPUT)
    writeFileSync(process.env.BENCH_CHILD_OUTPUT, `${run.stdout}\n${run.stderr}`)
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9
  const num = (re: RegExp): number => Number(re.exec(run.stderr)?.[1] ?? NaN)
  if (useTime)
    return {
      ...run,
      wallS,
      cpuS: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
      rssMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024
    }
  const u = JSON.parse(/RUSAGE (.*)/.exec(run.stderr)?.[1] ?? '{}') as {
    maxRSS?: number
    cpu?: number
  }
  return { ...run, wallS, cpuS: u.cpu ?? NaN, rssMB: (u.maxRSS ?? NaN) / 1024 }
}

/** The inputs each case gives; every other input keeps its action.yml default. */
function caseInputs(name: CaseName, sim: Simulator): Record<string, string> {
  const common = { atlan_base_url: sim.url, atlan_api_key: sim.token, lineage_file: 'lineage.csv' }
  if (name === 'dry-run') return { ...common, mode: 'create', dry_run: 'true' }
  for (const c of lineageConnections()) sim.assets.addConnection(c, 0)
  // The Lineage Builder's own defaults, stored as the UI saves them.
  const workflow = sim.seed({
    prefix: 'lineage',
    key: 'orders.csv',
    options: {
      upsertSemantic: 'partial',
      failOnErrors: true,
      caseSensitive: true,
      fieldSeparator: ',',
      batchSize: 20
    }
  })
  return { ...common, workflow_name: workflow }
}

const shownInput = (k: string, v: string): string =>
  k === 'atlan_base_url' || k === 'atlan_api_key' ? k : `${k}: ${v}`

async function runCase(name: CaseName, rows: number, keep: boolean): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'lineage-step-'))
  const sim = await startSimulator({ scenario: { pendingMs: 0, runningMs: 100, indexLagMs: 0 } })
  try {
    const file = join(dir, 'lineage.csv')
    const t0 = Date.now()
    const repo = initRepo(dir)
    generateLineageCsv(file, rows - Math.floor(rows / 100))
    const baseSha = repo.commitAll('base')
    const bytes = generateLineageCsv(file, rows)
    process.stderr.write(
      `generated base and head (${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`
    )
    const event = join(dir, 'event.json')
    writeFileSync(event, JSON.stringify({ before: baseSha, after: 'f'.repeat(40) }))
    const inputs = caseInputs(name, sim)
    const m = await measure(
      { cwd: dir, env: { GITHUB_SHA: 'f'.repeat(40), GITHUB_EVENT_PATH: event }, inputs },
      dir
    )
    const seen = sim.requests()
    const rerunAt = seen.findIndex(q => q.route === 'rerun')
    const searches = (qs: typeof seen) => qs.filter(q => q.route === 'assets.search').length
    const target = TARGETS[name]
    const ok = m.code === 0 && m.rssMB <= target.rssMB && m.wallS <= target.wallS
    const mark = (v: number, t: number): string =>
      t === Infinity
        ? v.toFixed(2)
        : v <= t
          ? `${v.toFixed(2)} (≤ ${t})`
          : `**${v.toFixed(2)} (> ${t})**`
    const { outputs } = m
    const lines = [
      `\nInputs: action.yml's defaults, given only ${Object.entries(inputs)
        .map(([k, v]) => shownInput(k, v))
        .join(', ')}.`,
      name === 'dry-run'
        ? 'Create dry run through dist/index.js on a push: validate, preview, diff against the base; no network call.'
        : "Rerun through dist/index.js on a push, tenant stage on, against the simulator holding the CSV's connections: validate, preview, diff, plan, upload, rerun, follow, verify.",
      `${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB, base has ${(rows - Math.floor(rows / 100)).toLocaleString('en-US')} rows; bundle on Node ${benchNodeVersion()}.`,
      ''
    ]
    if (name === 'dry-run')
      lines.push(
        '| exit | phase | wall s | CPU s (user+sys) | peak RSS MB | edges +/−/~ |',
        '| ---: | --- | ---: | ---: | ---: | --- |',
        `| ${m.code} | ${outputs.phase ?? '?'} | ${mark(m.wallS, target.wallS)} | ${m.cpuS.toFixed(2)} | ${mark(m.rssMB, target.rssMB)} | ${outputs.edges_added ?? '–'}/${outputs.edges_removed ?? '–'}/${outputs.edges_changed ?? '–'} |`
      )
    else
      lines.push(
        '| exit | phase | wall s | CPU s (user+sys) | peak RSS MB | plan searches | verify searches | verified / missing |',
        '| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
        `| ${m.code} | ${outputs.phase ?? '?'} | ${mark(m.wallS, target.wallS)} | ${m.cpuS.toFixed(2)} | ${mark(m.rssMB, target.rssMB)} | ${searches(rerunAt < 0 ? seen : seen.slice(0, rerunAt))} | ${rerunAt < 0 ? 0 : searches(seen.slice(rerunAt))} | ${outputs.processes_verified || '–'} / ${outputs.processes_missing || '–'} |`,
        '',
        'Wall time includes waiting for the run (poll_interval 5s) and the simulator applying the CSV in the benchmark process.'
      )
    lines.push(
      '',
      `Machine: ${cpus().length} cores, load average ${loadavg()
        .map(x => x.toFixed(1))
        .join(' ')} (wall time depends on it; CPU time less so).`,
      ''
    )
    process.stdout.write(lines.join('\n'))
    if (m.code !== 0)
      process.stdout.write(`action failed:\n${m.stdout.slice(-3000)}\n${m.stderr.slice(-2000)}\n`)
    return ok
  } finally {
    await sim.close()
    if (!keep) rmSync(dir, { recursive: true, force: true })
    else process.stderr.write(`kept ${dir}\n`)
  }
}

const rows = Number(arg('--rows') ?? 400_000)
if (!Number.isInteger(rows) || rows < 100) {
  process.stderr.write('--rows must be an integer of at least 100\n')
  process.exit(2)
}
const only = arg('--only')
if (only !== undefined && !(only in TARGETS)) {
  process.stderr.write(`--only must be one of ${Object.keys(TARGETS).join(', ')}\n`)
  process.exit(2)
}
let ok = true
for (const name of Object.keys(TARGETS) as CaseName[])
  if (!only || only === name)
    ok = (await runCase(name, rows, process.argv.includes('--keep'))) && ok
process.exitCode = ok ? 0 : 1
