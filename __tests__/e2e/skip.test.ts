// skip_unchanged end to end: dist/index.js with the Actions cache at the GitHub simulator and
// Atlan at its simulator. The newest marker of a target says what the target holds: "the last step
// that changed it passed with this CSV and these settings". A revert, another tenant, another
// target, a workflow edited to read another file, or a step that failed never skips.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCommandFile } from '../../scripts/action-runner.js'
import { CACHE_UNAVAILABLE } from '../../src/github/cache.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { startSimulator, type Simulator } from '../../sim/server.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { API_KEY, inputsFor, sim, submits } from '../helpers/e2e.js'

let gh: GitHubSim
beforeEach(async () => (gh = await startGitHubSim()))
afterEach(() => gh.close())

const run = (s: Simulator, dir: string, inputs: Record<string, string>) =>
  runAction({
    cwd: dir,
    inputs: inputsFor(s, { skip_unchanged: 'true', index_grace: '5s', ...inputs }),
    env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/lineage', ...gh.cacheEnv() }
  })

/** A workflow reading `lineage/orders.csv` from the tenant store, with one short earlier run. */
const seed = (s: Simulator) =>
  s.seed({ prefix: 'lineage', key: 'orders.csv', runs: [{ phase: 'Succeeded', durationS: 1 }] })

describe('skip_unchanged keys', () => {
  it('a success on tenant A does not skip the same CSV and inputs on tenant B', async () => {
    const a = await sim()
    const b = await startSimulator({
      token: API_KEY,
      scenario: { pendingMs: 200, runningMs: 600 }
    })
    try {
      const dir = workspace()
      const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
      // The same workflow name on both tenants: only the tenant differs.
      const wf = seed(a)
      b.seed({
        name: wf,
        prefix: 'lineage',
        key: 'orders.csv',
        runs: [{ phase: 'Succeeded', durationS: 1 }]
      })
      const inputs = { workflow_name: wf, lineage_file: file }
      expect((await run(a, dir, inputs)).outputs.phase).toBe('Succeeded')
      expect(gh.cacheEntries()).toHaveLength(1)
      const onB = await run(b, dir, inputs)
      expect(onB.outputs.phase).toBe('Succeeded')
      expect(submits(b)).toBe(1)
      expect(gh.cacheEntries()).toHaveLength(2)
      // Each tenant's repeat is skipped by its own marker.
      expect((await run(a, dir, inputs)).outputs.phase).toBe('Skipped')
      expect((await run(b, dir, inputs)).outputs.phase).toBe('Skipped')
      expect(submits(a) + submits(b)).toBe(2)
    } finally {
      await b.close()
    }
  })

  it('a create into another key of the store is not skipped', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const create = (key: string) =>
      run(s, dir, { mode: 'create', lineage_file: file, prefix: 'lineage', object_key: key })
    expect((await create('a.csv')).outputs.phase).toBe('Succeeded')
    const other = await create('b.csv')
    expect(other.outputs.phase).toBe('Succeeded')
    expect(submits(s)).toBe(2)
    expect(s.objects().has('lineage/b.csv')).toBe(true)
    expect((await create('b.csv')).outputs.phase).toBe('Skipped')
  })

  it('turning verify on later is not skipped by a marker saved without it', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const wf = seed(s)
    const first = await run(s, dir, { workflow_name: wf, lineage_file: file, verify: 'false' })
    expect(first.outputs.phase).toBe('Succeeded')
    const second = await run(s, dir, { workflow_name: wf, lineage_file: file })
    expect(second.outputs.phase).toBe('Succeeded')
    expect(second.outputs.processes_verified).toBe('1')
    expect(submits(s)).toBe(2)
  })
})

describe('the newest step of a target decides', () => {
  it('A, then B, then A again runs (Atlan reads B); A right after is skipped', async () => {
    const s = await sim()
    const dir = workspace()
    const wf = seed(s)
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv' }
    const csvA = [HEADER, row('a', 'b')]
    const csvB = [HEADER, row('a', 'c')]
    writeCsv(dir, 'orders.csv', csvA)
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    writeCsv(dir, 'orders.csv', csvB)
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    writeCsv(dir, 'orders.csv', csvA)
    const revert = await run(s, dir, inputs)
    expect(revert.outputs.phase).toBe('Succeeded')
    expect(s.objects().get('lineage/orders.csv')!.toString()).toBe(`${csvA.join('\n')}\n`)
    const again = await run(s, dir, inputs)
    expect(again.outputs.phase).toBe('Skipped')
    expect(again.stdout).toContain(
      `The last step that changed workflow ${wf} passed with orders.csv`
    )
    expect(submits(s)).toBe(3)
  })

  it('a step that changed the target and failed leaves it unknown: the earlier CSV runs again', async () => {
    const s = await sim()
    const dir = workspace()
    const wf = seed(s)
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv', verify: 'strict' }
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    expect((await run(s, dir, inputs)).code).toBe(0)
    // B is uploaded and run, but verification fails the step: Atlan reads B all the same.
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'c')])
    s.assets.dropProcesses = 1
    expect((await run(s, dir, inputs)).code).toBe(1)
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const back = await run(s, dir, inputs)
    expect(back.outputs.phase).toBe('Succeeded')
    expect(submits(s)).toBe(3)
  })

  it('a workflow edited in the UI to read another key is not skipped', async () => {
    const s = await sim({ indexLagMs: 0 })
    const dir = workspace()
    const wf = seed(s)
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv' }
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    s.editWorkflow(wf, { lineage_key: 'other.csv' })
    const moved = await run(s, dir, inputs)
    expect(moved.outputs.phase).toBe('Succeeded')
    expect(s.objects().has('lineage/other.csv')).toBe(true)
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Skipped')
  })

  it('Direct upload: the repeat is skipped; a file chosen in the UI since is not', async () => {
    const s = await sim({ indexLagMs: 0 })
    const dir = workspace()
    const wf = s.seed({ direct: { form: 'json', content: [HEADER, row('x', 'y')].join('\n') } })
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv' }
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Skipped')
    // Someone points the workflow back at the seeded file in the UI.
    const seeded = s.files()[0]
    s.editWorkflow(wf, {
      lineage_file: JSON.stringify({ fileKey: seeded.key, fileId: seeded.id })
    })
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Skipped')
    expect(submits(s)).toBe(2)
  })
})

describe('a Direct-upload update whose reply was lost', () => {
  it('the step is recorded as unknown, never as the file the workflow read before', async () => {
    const s = await sim({ indexLagMs: 0 })
    const dir = workspace()
    const wf = s.seed({ direct: { form: 'json', content: [HEADER, row('x', 'y')].join('\n') } })
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv' }
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    // Atlan stores the update, then the connection resets: a fresh read shows the new file.
    s.addFault({ route: 'update', kind: 'reset', perform: true })
    const first = await run(s, dir, inputs)
    expect(first.outputs.phase).toBe('Succeeded')
    expect(first.stdout).toMatch(/Atlan did not confirm the update/)
    // Someone points the workflow back at the seeded file (the old CSV) in the UI.
    const seeded = s.files()[0]
    s.editWorkflow(wf, {
      lineage_file: JSON.stringify({ fileKey: seeded.key, fileId: seeded.id })
    })
    // The workflow reads the old CSV: this CSV runs again.
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    expect(submits(s)).toBe(2)
  })
})

describe('the marker is saved only when the step passed', () => {
  it('a dry run records nothing: A, a dry run of B, then A is skipped', async () => {
    const s = await sim()
    const dir = workspace()
    const wf = seed(s)
    const inputs = { workflow_name: wf, lineage_file: 'orders.csv' }
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Succeeded')
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'c')])
    expect((await run(s, dir, { ...inputs, dry_run: 'true' })).outputs.phase).toBe('DryRun')
    expect(gh.cacheEntries()).toHaveLength(1)
    writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Skipped')
    expect(submits(s)).toBe(1)
  })

  it('a Succeeded run whose verification fails the step saves no marker: the repeat runs again', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const wf = s.seed({
      prefix: 'lineage',
      key: 'orders.csv',
      runs: [{ phase: 'Succeeded', durationS: 1 }]
    })
    const inputs = { workflow_name: wf, lineage_file: file, verify: 'strict' }
    // The run leaves its process out: verification (strict) finds it missing and fails the step
    // although Atlan's run Succeeded. Step failed, so no marker.
    s.assets.dropProcesses = 1
    const failed = await run(s, dir, inputs)
    expect(failed.outputs.phase).toBe('Succeeded')
    expect(failed.code).toBe(1)
    // It uploaded, so the target is marked unknown: no digest is recorded.
    expect(gh.cacheEntries().map(e => e.key)).toEqual([expect.stringMatching(/-unknown-/)])
    // Re-running the job runs again (and this time passes and saves the marker).
    const again = await run(s, dir, inputs)
    expect(again.outputs.phase).toBe('Succeeded')
    expect(again.code).toBe(0)
    expect(submits(s)).toBe(2)
    expect(gh.cacheEntries()).toHaveLength(2)
    expect((await run(s, dir, inputs)).outputs.phase).toBe('Skipped')
  })
})

describe('skip_unchanged and the report', () => {
  it('a cache service slow to save the marker never holds up the outputs', async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const wf = seed(s)
    const output = join(dir, 'github-output')
    writeFileSync(output, '')
    // The marker's save is answered only once the outputs are on disk (or after 20 s).
    const written = async (): Promise<string> => {
      for (let i = 0; i < 1000; i++) {
        if (parseCommandFile(readFileSync(output, 'utf8')).phase === 'Succeeded') return 'outputs'
        await new Promise(r => setTimeout(r, 20))
      }
      return 'gave up'
    }
    const released = written()
    gh.hold('cache/reserve', released)
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { skip_unchanged: 'true', workflow_name: wf, lineage_file: file }),
      env: {
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'acme/lineage',
        GITHUB_OUTPUT: output,
        ...gh.cacheEnv()
      }
    })
    expect(await released).toBe('outputs')
    expect(r.code).toBe(0)
    // The marker was still saved, after the outputs.
    expect(gh.cacheEntries()).toHaveLength(1)
  }, 60_000)
})

describe('skip_unchanged and a cache service that never answers', () => {
  it("a look-up left unanswered holds up neither the run nor the step's end", async () => {
    const s = await sim()
    const dir = workspace()
    const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
    const wf = seed(s)
    // The look-up is answered only once the step has exited (or after 40 s).
    let exited = (): void => undefined
    const released = new Promise<string>(resolve => {
      exited = () => resolve('exited')
      setTimeout(() => resolve('gave up'), 40_000).unref()
    })
    gh.hold('cache/lookup', released)
    const r = await run(s, dir, { workflow_name: wf, lineage_file: file })
    exited()
    expect(await released).toBe('exited')
    expect(r.outputs.phase).toBe('Succeeded')
    expect(r.code).toBe(0)
    expect(submits(s)).toBe(1)
    expect(r.stdout).toContain(`::warning::${CACHE_UNAVAILABLE} (no answer within 5 s)`)
    // The marker was still saved.
    expect(gh.cacheEntries()).toHaveLength(1)
  }, 60_000)
})
