// Check runs and skip_unchanged end to end: dist/index.js with GITHUB_API_URL at the GitHub
// simulator (bodies validated against GitHub's OpenAPI description) and Atlan at its simulator.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import type { Simulator } from '../../sim/server.js'
import { runAction, startAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, routes, sim, submits } from '../helpers/e2e.js'

const TOKEN = 'ghs_e2eGitHubToken000111'
let gh: GitHubSim
beforeEach(async () => (gh = await startGitHubSim()))
afterEach(() => gh.close())

function githubEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/lineage', ...gh.cacheEnv(), ...extra }
}

async function runWith(
  s: Simulator,
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
) {
  return runAction({
    cwd: dir,
    inputs: inputsFor(s, {
      check_run: 'true',
      github_token: TOKEN,
      check_name: 'Lineage (orders)',
      ...inputs
    }),
    env: githubEnv(env)
  })
}

function seeded(s: Simulator, dir: string, lines: string[]) {
  const file = writeCsv(dir, 'orders.csv', lines)
  const wf = s.seed({
    prefix: 'lineage',
    key: 'orders.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  return { file, wf }
}

describe('check run', () => {
  it('success: one check run, created in_progress on the commit, completed success, bodies valid', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b'), row('b', 'c')])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(0)
    expect(gh.schemaViolations()).toEqual([])
    const runs = gh.checkRuns()
    expect(runs).toHaveLength(1)
    const [check] = runs
    expect(check).toMatchObject({
      name: 'Lineage (orders)',
      head_sha: 'a'.repeat(40),
      status: 'completed',
      conclusion: 'success',
      external_id: r.outputs.run_id,
      details_url: r.outputs.run_url
    })
    expect(check.history[0]).toMatchObject({ method: 'POST', status: 'in_progress' })
    // Created when the target was known (pointing at the workflow), then pointed at the run.
    const bodies = gh
      .requests()
      .filter(q => q.route.startsWith('checks/'))
      .map(q => q.body as Record<string, unknown>)
    expect(bodies[0]).toMatchObject({
      status: 'in_progress',
      details_url: `${s.url}/workflows/profile/${wf}`
    })
    expect(bodies[1]).toMatchObject({
      details_url: r.outputs.run_url,
      external_id: r.outputs.run_id
    })
    expect(bodies.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(check.output.summary).toContain('✅ Atlan Lineage Builder: Succeeded')
    expect(check.output.summary).not.toContain('```mermaid')
    expect(r.outputs.check_run_id).toBe(String(check.id))
    expect(
      gh
        .requests()
        .every(q => q.auth === 'token' || q.auth === 'bearer' || !q.route.startsWith('checks'))
    ).toBe(true)
    expectClean(r, s, [TOKEN])
  })

  it('a create: its run is named at the first poll, and the check run is pointed at it then', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const r = await runWith(s, dir, {
      mode: 'create',
      lineage_file: file,
      prefix: 'lineage',
      object_key: 'orders.csv'
    })
    expect(r.code).toBe(0)
    expect(gh.schemaViolations()).toEqual([])
    const bodies = gh
      .requests()
      .filter(q => q.route.startsWith('checks/'))
      .map(q => q.body as Record<string, unknown>)
    expect(bodies[0]).toMatchObject({
      status: 'in_progress',
      details_url: expect.stringContaining(`${s.url}/workflows/profile/`)
    })
    // Between its creation and its completion, one update points it at the run.
    expect(bodies.slice(1, -1)).toEqual([
      expect.objectContaining({ details_url: r.outputs.run_url, external_id: r.outputs.run_id })
    ])
    expect(bodies.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' })
  })

  it('validation errors with fail_on_errors: conclusion failure, exit 1, nothing uploaded or run', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b'), row('b', 'c', 'p', { 2: '' })])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ phase: 'Invalid', rows_with_errors: '1' })
    expect(r.stdout).toMatch(
      /::error title=[^\n]*,file=orders\.csv,line=3::Source Connection is empty/
    )
    // A rerun validates with the stored workflow's settings, so only its read-only search is made.
    expect(routes(s)).toEqual(['workflows.search'])
    const [check] = gh.checkRuns()
    expect(check.conclusion).toBe('failure')
    expect(
      check.annotations.some(a => a.start_line === 3 && a.annotation_level === 'failure')
    ).toBe(true)
    expect(gh.schemaViolations()).toEqual([])
  })

  it('warnings only: the run succeeds and the check is neutral', async () => {
    const s = await sim()
    const dir = workspace()
    // An empty Transformation Name is a warning (the process gets no name), not an error.
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b', '')])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(gh.checkRuns()[0].conclusion).toBe('neutral')
  })

  it('a failing Atlan run: exactly one check run, conclusion failure, step exit 1', async () => {
    const s = await sim({
      outcome: 'Failed',
      outcomeMessage: 'Lineage Builder failed: connection not found'
    })
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Failed')
    const runs = gh.checkRuns()
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(runs[0].output.summary).toContain('connection not found')
    expect(gh.schemaViolations()).toEqual([])
    expectClean(r, s, [TOKEN])
  })

  it('timeout: conclusion timed_out', async () => {
    const s = await sim({ runningMs: 30_000 })
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file, timeout: '2s' })
    expect(r.code).toBe(1)
    expect(gh.checkRuns()[0].conclusion).toBe('timed_out')
  })

  it('403 on checks (no checks: write): one warning with the fix, the step still passes', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    gh.setFault('checks/create', 403, 5)
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const warnings = r.stdout
      .split('\n')
      .filter(l => l.startsWith('::warning::') && l.includes('checks: write'))
    expect(warnings).toHaveLength(1)
    expect(gh.checkRuns()).toHaveLength(0)
  })

  it('more than 50 annotations go in batches of 50 (several update calls)', async () => {
    const s = await sim()
    const dir = workspace()
    const bad = Array.from({ length: 60 }, (_, i) => row(`a${i}`, `b${i}`, 'p', { 3: '' }))
    const { file, wf } = seeded(s, dir, [HEADER, ...bad])
    const r = await runWith(s, dir, { workflow_name: wf, lineage_file: file })
    expect(r.code).toBe(1)
    const [check] = gh.checkRuns()
    expect(check.annotations.length).toBe(60)
    const updates = gh.requests().filter(q => q.route === 'checks/update')
    expect(updates.length).toBeGreaterThanOrEqual(2)
    for (const u of updates)
      expect(
        ((u.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length
      ).toBeLessThanOrEqual(50)
    expect(gh.schemaViolations()).toEqual([])
  })

  it('a cancel while the report is published is handled like one during the run: the step still ends with its report', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    // A dry run's check run is created and completed while publishing: GitHub holds the completion
    // until the test lets it go, after the runner's SIGINT.
    let release = () => undefined as void
    gh.hold('checks/update', new Promise<void>(r => (release = r)))
    const main = startAction({
      cwd: dir,
      inputs: inputsFor(s, {
        check_run: 'true',
        github_token: TOKEN,
        workflow_name: wf,
        lineage_file: file,
        dry_run: 'true'
      }),
      env: githubEnv()
    })
    try {
      for (let i = 0; i < 400 && !gh.requests().some(q => q.route === 'checks/update'); i++)
        await new Promise(r => setTimeout(r, 50))
      expect(gh.requests().some(q => q.route === 'checks/update')).toBe(true)
      main.child.kill('SIGINT')
      await new Promise(r => setTimeout(r, 300))
    } finally {
      release()
    }
    const r = await main.done
    expect(r.signal).toBeNull()
    expect(r.stdout).toContain('Received SIGINT: the job is being cancelled.')
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('DryRun')
    expect(gh.checkRuns()[0]).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(r.summary).toContain('Atlan Lineage Builder: Dry run')
    expectClean(r, s, [TOKEN])
  })
})

describe('skip_unchanged', () => {
  async function skipSetUp(extra: Record<string, string> = {}) {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    const inputs = {
      workflow_name: wf,
      lineage_file: file,
      skip_unchanged: 'true',
      check_run: 'false',
      ...extra
    }
    return { s, dir, inputs }
  }

  it('miss then hit: the second run of the same CSV is Skipped with no Atlan submit', async () => {
    const { s, dir, inputs } = await skipSetUp()
    const wf = inputs.workflow_name
    const first = await runWith(s, dir, inputs)
    expect(first.code).toBe(0)
    expect(first.outputs.phase).toBe('Succeeded')
    expect(gh.cacheEntries().length).toBe(1)
    const second = await runWith(s, dir, inputs)
    expect(second.code).toBe(0)
    expect(second.outputs.phase).toBe('Skipped')
    expect(second.outputs.workflow_name).toBe(wf)
    // @actions/cache's tar command line and upload progress stay out of the log.
    expect(first.stdout + second.stdout).not.toMatch(/^(\[command\]|Sent \d+ of \d+)/m)
    expect(second.summary).toContain(`The last step that changed workflow ${wf} passed with`)
    expect(submits(s)).toBe(1)
    // A changed CSV is not skipped.
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b'), row('b', 'c')])
    const third = await runWith(s, dir, inputs)
    expect(third.outputs.phase).toBe('Succeeded')
    expect(submits(s)).toBe(2)
  })

  it('with validate: false the key comes from hashing the file, and a repeat is skipped', async () => {
    const { s, dir, inputs } = await skipSetUp({ validate: 'false' })
    expect((await runWith(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    expect((await runWith(s, dir, inputs)).outputs.phase).toBe('Skipped')
    expect(submits(s)).toBe(1)
  })

  it('no cache service: a warning, and the run goes ahead', async () => {
    const s = await sim()
    const dir = workspace()
    const { file, wf } = seeded(s, dir, [HEADER, row('a', 'b')])
    const r = await runWith(
      s,
      dir,
      { workflow_name: wf, lineage_file: file, skip_unchanged: 'true', check_run: 'false' },
      { ACTIONS_RESULTS_URL: '', ACTIONS_CACHE_URL: '', ACTIONS_RUNTIME_TOKEN: '' }
    )
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(r.stdout).toMatch(/::warning::.*cache/i)
  })
})
