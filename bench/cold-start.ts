// Cold-start benchmark: whole-process CPU time (user + sys) and size of the committed bundle.
//   node --import tsx/esm bench/cold-start.ts [--runs N]
// Runs `node dist/index.js` failing on a bad input against a bare @actions/core bundle doing the
// same (bench/baseline-entry.ts, bundled with ncc into a temp dir now), alternating the two, and
// prints the medians, their ratio and the size of dist/. Each child reports its own
// process.resourceUsage() at exit through a preload, so the parent's work is not counted.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RATIO_TARGET = 1.3
const SIZE_TARGET_MB = 3

const argRuns = process.argv.indexOf('--runs')
const runs = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 10

const work = mkdtempSync(join(tmpdir(), 'cold-start-'))
try {
  const baseline = join(work, 'baseline')
  execFileSync(
    join(root, 'node_modules', '.bin', 'ncc'),
    ['build', join(root, 'bench', 'baseline-entry.ts'), '-o', baseline, '--quiet'],
    { cwd: root, stdio: 'inherit' }
  )
  const usageFile = join(work, 'usage.json')
  const preload = join(work, 'usage.mjs')
  writeFileSync(
    preload,
    `import { writeFileSync } from 'node:fs'\n` +
      `process.on('exit', () => { const u = process.resourceUsage(); ` +
      `writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, maxRssKB: u.maxRSS })) })\n`
  )
  const env = runnerEnv(work)

  const sample = (entry: string): { cpuMs: number; rssMB: number } => {
    rmSync(usageFile, { force: true })
    const r = spawnSync(process.execPath, ['--import', preload, entry], { env, encoding: 'utf8' })
    if (r.status !== 1 || !/::error::/.test(r.stdout))
      throw new Error(
        `${entry} did not fail on the bad input (exit ${r.status}):\n${r.stdout}${r.stderr}`
      )
    const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuUs: number; maxRssKB: number }
    return { cpuMs: u.cpuUs / 1000, rssMB: u.maxRssKB / 1024 }
  }

  const action = join(root, 'dist', 'index.js')
  const ours: { cpuMs: number; rssMB: number }[] = []
  const bare: { cpuMs: number; rssMB: number }[] = []
  sample(action) // warm the file cache for both, uncounted
  sample(join(baseline, 'index.js'))
  for (let i = 0; i < runs; i++) {
    ours.push(sample(action))
    bare.push(sample(join(baseline, 'index.js')))
  }

  const ratio = median(ours.map(s => s.cpuMs)) / median(bare.map(s => s.cpuMs))
  const distMB = dirSize(join(root, 'dist')) / 1024 / 1024
  console.log(`Median of ${runs} alternating runs, failing on a bad input (atlan_base_url):\n`)
  console.log('| Bundle | CPU ms (user+sys) | peak RSS MB |')
  console.log('| --- | ---: | ---: |')
  for (const [name, s] of [
    ['dist/index.js', ours],
    ['bare @actions/core', bare]
  ] as const)
    console.log(
      `| ${name} | ${median(s.map(x => x.cpuMs)).toFixed(0)} | ${median(s.map(x => x.rssMB)).toFixed(0)} |`
    )
  console.log(`\nCPU ratio: ${ratio.toFixed(2)}x (target at most ${RATIO_TARGET}x)`)
  console.log(`dist/ size: ${distMB.toFixed(2)} MB (target at most ${SIZE_TARGET_MB} MB)`)
  if (ratio > RATIO_TARGET || distMB > SIZE_TARGET_MB) process.exitCode = 1
} finally {
  rmSync(work, { recursive: true, force: true })
}

/** The files and variables a runner gives a step, with a bad atlan_base_url. */
function runnerEnv(dir: string): NodeJS.ProcessEnv {
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV'].map(k => {
      const path = join(dir, k.toLowerCase())
      writeFileSync(path, '')
      return [k, path]
    })
  )
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    INPUT_ATLAN_BASE_URL: 'not a url',
    INPUT_ATLAN_API_KEY: 'bench-key',
    ...files
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}
