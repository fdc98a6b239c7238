// The whole validation step end to end through dist/index.js, on a large CSV:
//   npm run bench -- step [--rows N] [--keep]
// Builds a git checkout in a temp dir whose base commit holds the CSV minus its last 1% rows,
// writes the full CSV (400,000 rows ≈ 103 MB by default), starts the Atlan simulator, and runs the
// bundle like the runner on a push event: validate, preview, diff against the base version,
// upload, submit (wait: false, so the figures are the step's own work, not Atlan's run time).
// Peak RSS and times come from /usr/bin/time -v when present, else from process.resourceUsage()
// in a small wrapper process. Targets (issue 14): peak RSS ≤ 150 MB, wall time ≤ 5 s.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runAction, type ActionRun, type StartOptions } from '../scripts/action-runner.js'
import { startSimulator } from '../sim/server.js'
import { generateLineageCsv } from './csv.js'

const TARGET_RSS_MB = 150
const TARGET_WALL_S = 5

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
    timeoutMs: 300_000,
    launch: entry =>
      useTime
        ? { command: '/usr/bin/time', args: ['-v', process.execPath, entry] }
        : { command: process.execPath, args: ['--import', pathToFileURL(probe).href, entry] }
  })
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

export async function runStepBench(rows: number, keep = false, dryRun = false): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'lineage-step-'))
  const git = (...a: string[]): string =>
    execFileSync('git', a, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' }
    }).trim()
  const sim = await startSimulator({ scenario: { pendingMs: 0, runningMs: 100, indexLagMs: 0 } })
  try {
    const file = join(dir, 'lineage.csv')
    const t0 = Date.now()
    git('init', '-q')
    git('config', 'user.email', 'bench@example.com')
    git('config', 'user.name', 'bench')
    git('config', 'commit.gpgsign', 'false')
    generateLineageCsv(file, rows - Math.floor(rows / 100))
    git('add', 'lineage.csv')
    git('commit', '-qm', 'base')
    const baseSha = git('rev-parse', 'HEAD')
    const bytes = generateLineageCsv(file, rows)
    process.stderr.write(
      `generated base and head (${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`
    )
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
    const event = join(dir, 'event.json')
    writeFileSync(event, JSON.stringify({ before: baseSha, after: 'f'.repeat(40) }))
    const m = await measure(
      {
        cwd: dir,
        env: { GITHUB_SHA: 'f'.repeat(40), GITHUB_EVENT_PATH: event },
        inputs: {
          atlan_base_url: sim.url,
          atlan_api_key: sim.token,
          workflow_name: workflow,
          lineage_file: 'lineage.csv',
          wait: 'false',
          // The generated CSV names connections the simulator does not hold; the tenant stage
          // has its own benchmark (bench/tenant.ts), so this one measures the CSV work and the
          // upload.
          check_tenant: 'false',
          verify: 'false',
          ...(dryRun ? { dry_run: 'true' } : {})
        }
      },
      dir
    )
    const { outputs, summary } = m
    const uploads = sim
      .requests()
      .filter(
        q => q.method === 'PUT' || (q.method === 'POST' && /\/files(\?|$)/.test(q.path))
      ).length
    const ok = m.code === 0 && m.rssMB <= TARGET_RSS_MB && m.wallS <= TARGET_WALL_S
    const mark = (v: number, t: number): string =>
      v <= t ? `${v.toFixed(2)} (≤ ${t})` : `**${v.toFixed(2)} (> ${t})**`
    process.stdout.write(
      [
        `\nWhole step through dist/index.js on a push (validate, preview, diff${dryRun ? '; dry run' : ', upload, submit; wait: false'}):`,
        `${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB, base has ${(rows - Math.floor(rows / 100)).toLocaleString('en-US')} rows.`,
        '',
        '| exit | wall s | CPU s (user+sys) | peak RSS MB | edges +/−/~ | uploads |',
        '| ---: | ---: | ---: | ---: | --- | ---: |',
        `| ${m.code} | ${mark(m.wallS, TARGET_WALL_S)} | ${m.cpuS.toFixed(2)} | ${mark(m.rssMB, TARGET_RSS_MB)} | ${outputs.edges_added ?? '–'}/${outputs.edges_removed ?? '–'}/${outputs.edges_changed ?? '–'} | ${uploads} |`,
        '',
        `phase=${outputs.phase ?? '?'} rows_checked=${outputs.rows_checked ?? '?'}; summary ${summary.length.toLocaleString('en-US')} chars.`,
        ...(dryRun
          ? []
          : [
              'Peak RSS and times include the upload; `-- step --dry-run` measures the step without it.'
            ]),
        `Machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load average ${(
          await import('node:os')
        )
          .loadavg()
          .map(x => x.toFixed(1))
          .join(' ')} (wall time depends on it; CPU time less so).`,
        ''
      ].join('\n')
    )
    if (m.code !== 0)
      process.stdout.write(`action failed:\n${m.stdout.slice(-3000)}\n${m.stderr.slice(-2000)}\n`)
    return ok
  } finally {
    await sim.close()
    if (!keep) rmSync(dir, { recursive: true, force: true })
    else process.stderr.write(`kept ${dir}\n`)
  }
}

if (process.argv[1]?.endsWith('step.ts')) {
  const rows = Number(arg('--rows') ?? 400_000)
  if (!Number.isInteger(rows) || rows < 100) {
    process.stderr.write('--rows must be an integer of at least 100\n')
    process.exit(2)
  }
  const ok = await runStepBench(
    rows,
    process.argv.includes('--keep'),
    process.argv.includes('--dry-run')
  )
  process.exitCode = ok ? 0 : 1
}
