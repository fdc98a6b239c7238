// Lineage CSV validator benchmark.
//   node --import tsx/esm --expose-gc bench/csv.ts [--rows N] [--only a,b] [--json] [--keep]
// Generates a realistic lineage CSV (19 columns like test_lineage.csv, some quoted fields with
// commas and escaped quotes; ~250 bytes a row) in os.tmpdir(), then runs each approach in its own
// child process (bench/csv-child.ts) so each peak RSS is its own, prints a markdown table and
// deletes the file.
import { execFile } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { mulberry32 } from '../scripts/prng.js'
import { CSV_APPROACHES } from './csv-approaches.js'

const here = dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

export interface CsvBenchResult {
  approach: string
  rows: number
  seconds: number
  mbPerSec: number
  maxRssMB: number
  bytes: number
}

const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,' +
  'Target Type,Target Connector,Target Connection,Target Identity,Target Name,' +
  'Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name,' +
  'sql,certificateStatus,announcementType,announcementTitle,announcementMessage'

const TYPES = ['Table', 'View', 'MaterialisedView', 'SnowflakeDynamicTable']
const CONNECTORS = ['snowflake', 'databricks', 'postgres', 'bigquery', 'redshift']
const CONNECTIONS = ['production', 'analytics-prod', 'finance_dw', 'marketing-lake']
const XFORM = ['matillion', 'dbt', 'fivetran', 'airflow']
const XFORM_CONNECTION = 'etl-prod'
const CERT = ['DRAFT', 'VERIFIED', 'DEPRECATED', '']
const ANN = ['information', 'warning', 'issue', '']

/** Every connection a generated CSV can name (connector and name), for a tenant that holds them. */
export function lineageConnections(): Array<{ connector: string; name: string }> {
  return [
    ...CONNECTORS.flatMap(connector => CONNECTIONS.map(name => ({ connector, name }))),
    ...XFORM.map(connector => ({ connector, name: XFORM_CONNECTION }))
  ]
}

/** One data row (no newline). Row i is unique, so the file has no duplicate lineage. */
export function lineageRow(i: number, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const sdb = `db${Math.floor(r() * 40)}`
  const ssc = `schema_${Math.floor(r() * 200)}`
  const src = `src_${i}`
  const tdb = `dw${Math.floor(r() * 20)}`
  const tsc = `mart_${Math.floor(r() * 100)}`
  const tgt = `tgt_${i}`
  const sc = pick(CONNECTORS)
  const tc = pick(CONNECTORS)
  const xc = pick(XFORM)
  const q = r()
  const sql =
    q < 0.3
      ? `"select id, amount from ${ssc}.${src}"`
      : q < 0.35
        ? `"select ""a b"", c from ${ssc}.${src}"`
        : q < 0.7
          ? `select * from ${ssc}.${src}`
          : ''
  const ann = pick(ANN)
  const title = ann ? `Lineage test` : ''
  const msg = ann ? (r() < 0.5 ? `"Nightly, team ${i % 97}"` : 'Only a test...') : ''
  return [
    pick(TYPES),
    sc,
    pick(CONNECTIONS),
    `${sdb}/${ssc}/${src}`,
    src,
    pick(TYPES),
    tc,
    pick(CONNECTIONS),
    `${tdb}/${tsc}/${tgt}`,
    tgt,
    xc,
    XFORM_CONNECTION,
    `xform_${i}`,
    `${src} > ${tgt}`,
    sql,
    pick(CERT),
    ann,
    title,
    msg
  ].join(',')
}

/** Writes a lineage CSV with `rows` data rows; returns its size in bytes. */
export function generateLineageCsv(path: string, rows: number, seed = 42): number {
  const r = mulberry32(seed)
  const fd = openSync(path, 'w')
  try {
    let batch: string[] = [HEADER]
    for (let i = 0; i < rows; i++) {
      batch.push(lineageRow(i, r))
      if (batch.length >= 10_000) {
        writeSync(fd, batch.join('\n') + '\n')
        batch = []
      }
    }
    if (batch.length) writeSync(fd, batch.join('\n') + '\n')
  } finally {
    closeSync(fd)
  }
  return statSync(path).size
}

/**
 * The command that runs one measurement. The child is bundled with esbuild (a dependency of tsx)
 * into a plain .mjs, so its peak RSS is the validator's and not the tsx loader's (~35 MB, an
 * extra module-loader thread); like the shipped action, which is an ncc bundle. Falls back to
 * running the TypeScript through tsx when esbuild cannot be loaded.
 */
async function childCommand(workDir: string): Promise<{ args: string[]; runner: string }> {
  const entry = join(here, 'csv-child.ts')
  try {
    const esbuild = await import('esbuild')
    const outfile = join(workDir, 'csv-child.mjs')
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
      }
    })
    return { args: ['--expose-gc', outfile], runner: 'esbuild bundle' }
  } catch {
    return { args: ['--import', 'tsx/esm', '--expose-gc', entry], runner: 'tsx' }
  }
}

async function runChild(cmd: string[], approach: string, file: string): Promise<CsvBenchResult> {
  const { stdout } = await run(process.execPath, [...cmd, approach, file], {
    cwd: resolve(here, '..'),
    maxBuffer: 1 << 20
  })
  const line = stdout.trim().split('\n').pop() ?? ''
  const r = JSON.parse(line) as Omit<CsvBenchResult, 'mbPerSec'>
  return { ...r, mbPerSec: r.bytes / 1e6 / r.seconds }
}

export function formatCsvTable(results: CsvBenchResult[]): string {
  const lines = [
    '| approach | MB/s | seconds | peak RSS MB | rows |',
    '| --- | ---: | ---: | ---: | ---: |'
  ]
  for (const r of results) {
    lines.push(
      `| ${r.approach} | ${r.mbPerSec.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${r.rows.toLocaleString('en-US')} |`
    )
  }
  return lines.join('\n')
}

export async function runCsvBench(
  rows = 1_000_000,
  opts: { keep?: boolean; approaches?: readonly string[] } = {}
): Promise<{
  file: string
  bytes: number
  runner: string
  results: CsvBenchResult[]
  table: string
}> {
  const workDir = mkdtempSync(join(tmpdir(), 'lineage-bench-'))
  const file = join(workDir, `lineage-${rows}.csv`)
  try {
    const t0 = Date.now()
    const bytes = generateLineageCsv(file, rows)
    process.stderr.write(
      `generated ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}\n`
    )
    const { args, runner } = await childCommand(workDir)
    const results: CsvBenchResult[] = []
    for (const a of opts.approaches ?? CSV_APPROACHES) {
      const r = await runChild(args, a, file)
      process.stderr.write(`  ${a}: ${r.mbPerSec.toFixed(1)} MB/s\n`)
      results.push(r)
    }
    return { file, bytes, runner, results, table: formatCsvTable(results) }
  } finally {
    if (!opts.keep) rmSync(workDir, { recursive: true, force: true })
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const rows = Number(arg('--rows') ?? 1_000_000)
  if (!Number.isInteger(rows) || rows < 1) {
    process.stderr.write('--rows must be a positive integer\n')
    process.exit(2)
  }
  const only = arg('--only')?.split(',')
  const res = await runCsvBench(rows, {
    keep: process.argv.includes('--keep'),
    approaches: only
  })
  if (process.argv.includes('--json')) {
    process.stdout.write(
      JSON.stringify({ rows, bytes: res.bytes, runner: res.runner, results: res.results }) + '\n'
    )
  } else {
    process.stdout.write(
      `\nLineage CSV validation, ${rows.toLocaleString('en-US')} rows, ${(res.bytes / 1e6).toFixed(1)} MB (one child process each, ${res.runner}):\n\n${res.table}\n`
    )
  }
}
