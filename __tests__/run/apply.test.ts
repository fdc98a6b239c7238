import { describe, expect, it } from '@jest/globals'
import { errorFromStatus } from '../../src/atlan/error-mapping.js'
import { parseConfig } from '../../src/config/parse.js'
import { estimateFromRuns, type ApplyDeps } from '../../src/run/apply.js'
import { lifecycleResult } from '../../src/report/result.js'
import { rawInputs } from '../helpers/inputs.js'
import { useRunnerFiles } from '../helpers/env.js'
import { fakeApi, resolveAndApply } from './fake-api.js'

const runner = useRunnerFiles()

const WF = 'csa-lineage-builder-1714638976'
const stored = {
  lineage_prefix: 'p',
  lineage_key: 'k.csv',
  lineage_import_type: 'CLOUD',
  cloud_source: '{{credentialGuid}}',
  lineage_upsert_semantic: 'partial'
}

function setup(signal = new AbortController().signal) {
  const api = fakeApi()
  api.workflows.push({ name: WF, namespace: 'default', parameters: stored })
  let now = 1_800_000_000_000
  const deps: ApplyDeps = {
    api,
    now: () => now,
    sleep: async ms => void (now += ms),
    random: () => 0.5,
    log: { info: () => undefined, warning: () => undefined, debug: () => undefined },
    signal
  }
  return { api, deps }
}

/** The runInFlight value the step saved last (the state file only grows). */
function lastInFlight(): string | undefined {
  const saved = [...runner.state().matchAll(/^runInFlight<<(.+)\n([^]*?)\n?\1$/gm)]
  return saved.at(-1)?.[2]
}

const config = (extra: Record<string, string> = {}) =>
  parseConfig(rawInputs({ workflow_name: WF, ...extra }))

describe('apply', () => {
  it('a job cancelled before the submit starts nothing', async () => {
    const ac = new AbortController()
    ac.abort()
    const { api, deps } = setup(ac.signal)
    const out = await resolveAndApply(deps, config())
    expect(lifecycleResult(out)).toMatchObject({ phase: 'Cancelled', failed: true })
    expect(api.calls.some(c => c.startsWith('rerun'))).toBe(false)
  })

  it('follows the rerun it started to its terminal phase', async () => {
    const { api, deps } = setup()
    api.getRun = async name => ({
      name,
      workflowName: WF,
      phase: 'Succeeded',
      startedAt: '2027-01-15T08:00:00Z',
      finishedAt: '2027-01-15T08:01:30Z'
    })
    const out = await resolveAndApply(deps, config())
    expect(lifecycleResult(out)).toMatchObject({
      phase: 'Succeeded',
      runId: `${WF}-new01`,
      durationSeconds: 90,
      failed: false
    })
  })

  it('on_timeout: cancel stops the run once and fails', async () => {
    const { api, deps } = setup()
    api.getRun = async name => ({ name, workflowName: WF, phase: 'Running' })
    const out = await resolveAndApply(deps, config({ timeout: '1m', on_timeout: 'cancel' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'TimedOut', failed: true })
    expect(api.calls.filter(c => c.startsWith('stopRun'))).toEqual([`stopRun ${WF}-new01`])
  })

  describe('a run already going that this step attached to (idempotent: true) is never stopped', () => {
    const THEIRS = `${WF}-uirun`
    function attached(signal?: AbortSignal) {
      const { api, deps } = setup(signal)
      const lines: string[] = []
      deps.log = { ...deps.log, warning: m => void lines.push(m), info: m => void lines.push(m) }
      api.runs.push({ name: THEIRS, workflowName: WF, phase: 'Running' })
      return { api, deps, lines }
    }

    it('on_timeout: cancel: no stop, no in-flight state, the message says why', async () => {
      const { api, deps } = attached()
      const out = await resolveAndApply(deps, config({ timeout: '1m', on_timeout: 'cancel' }))
      expect(api.calls.filter(c => c.startsWith('stopRun') || c.startsWith('rerun'))).toEqual([])
      expect(lifecycleResult(out)).toMatchObject({ phase: 'TimedOut', runId: THEIRS, failed: true })
      expect(lifecycleResult(out).message).toContain(
        'left running because this step did not start it'
      )
      expect(runner.state()).not.toContain(THEIRS)
    })

    it('a cancelled job: no stop, no in-flight state, the message says why', async () => {
      const ac = new AbortController()
      const { api, deps } = attached(ac.signal)
      api.getRun = async name => (ac.abort(), { name, workflowName: WF, phase: 'Running' })
      const out = await resolveAndApply(deps, config())
      expect(api.calls.filter(c => c.startsWith('stopRun'))).toEqual([])
      expect(lifecycleResult(out)).toMatchObject({ phase: 'Cancelled', runId: THEIRS })
      expect(lifecycleResult(out).message).toContain(
        'left running because this step did not start it'
      )
      expect(runner.state()).not.toContain(THEIRS)
    })
  })

  it('a run that never shows in the index ends as an Error naming index_grace', async () => {
    const { api, deps } = setup()
    api.getRun = async () => undefined
    const out = await resolveAndApply(deps, config({ index_grace: '30s' }))
    expect(lifecycleResult(out).phase).toBe('Error')
    expect(lifecycleResult(out).message).toMatch(/index_grace \(30s\)/)
  })

  describe('a poll that fails for good after the run is named', () => {
    const POLL = {
      endpoint: 'GET /api/service/runs/x',
      requestId: 'r-9',
      service: 'atlan'
    } as const
    const refused = () => errorFromStatus({ ...POLL, timeoutMs: 30_000 }, 401, '')

    it('keeps the run id and link, reports Unknown, and keeps the error', async () => {
      const { api, deps } = setup()
      api.getRun = async () => {
        throw refused()
      }
      const out = await resolveAndApply(deps, config())
      const r = lifecycleResult(out)
      expect(r).toMatchObject({
        phase: 'Unknown',
        failed: true,
        runId: `${WF}-new01`,
        runUrl: api.runUrl(WF, `${WF}-new01`)
      })
      expect(r.message).toContain(`Lost track of run ${WF}-new01`)
      expect(r.message).toContain(`may still be going: check it at ${r.runUrl}`)
      expect(r.message).toContain(refused().message)
      expect(api.calls.filter(c => c.startsWith('stopRun'))).toEqual([])
      expect(lastInFlight()).toBe('')
    })

    it('a run named by the poll (a rerun reply without a name) is kept too', async () => {
      const { api, deps } = setup()
      const fresh = `${WF}-found`
      let searches = 0
      api.rerun = async () => ({ runName: undefined })
      // Before the submit: no runs. After it, the search shows the new one.
      api.runsOf = async w =>
        searches++ ? [{ name: fresh, workflowName: w, phase: 'Running' }] : []
      api.getRun = async () => {
        throw refused()
      }
      const r = lifecycleResult(await resolveAndApply(deps, config()))
      expect(r).toMatchObject({ phase: 'Unknown', runId: fresh, runUrl: api.runUrl(WF, fresh) })
    })

    it('before the run is named, the error is the outcome (nothing to link)', async () => {
      const { api, deps } = setup()
      api.rerun = async () => ({ runName: undefined })
      api.runsOf = async () => {
        throw refused()
      }
      await expect(resolveAndApply(deps, config())).rejects.toThrow(refused().message)
    })
  })

  it('dry run reports the plan without upload or submit', async () => {
    const { api, deps } = setup()
    const out = await resolveAndApply(deps, config({ dry_run: 'true', lineage_file: 'x.csv' }))
    expect(lifecycleResult(out).phase).toBe('DryRun')
    expect(api.calls).toEqual([`findWorkflow ${WF}`])
  })
})

it('estimateFromRuns: the median duration of earlier successful runs', () => {
  const run = (phase: 'Succeeded' | 'Failed', s: number) => ({
    name: 'r',
    workflowName: WF,
    phase,
    startedAt: '2027-01-15T08:00:00Z',
    finishedAt: new Date(Date.parse('2027-01-15T08:00:00Z') + s * 1000).toISOString()
  })
  expect(
    estimateFromRuns([
      run('Succeeded', 60),
      run('Failed', 5),
      run('Succeeded', 120),
      run('Succeeded', 90)
    ])
  ).toBe(90_000)
  expect(estimateFromRuns([run('Failed', 5)])).toBeUndefined()
})
