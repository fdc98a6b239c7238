// Which run the action follows when the submit reply does not name it (a rerun reply without a
// name, or a submit whose reply was lost): the first run in the index that was not there before
// the submit. Under index lag the newest run the index shows is the PREVIOUS one; following it
// would report that run's result as this step's.
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../../src/config/parse.js'
import type { ApplyDeps } from '../../src/run/apply.js'
import { lifecycleResult } from '../../src/report/result.js'
import type { RunInfo } from '../../src/atlan/client.js'
import { setEnv, useRunnerFiles } from '../helpers/env.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi, resolveAndApply, unknownOutcome } from './fake-api.js'

useRunnerFiles()

const WF = 'csa-lineage-builder-1714638976'
const OLD = `${WF}-old01`
const NEW = `${WF}-new01`
const stored = {
  lineage_prefix: 'p',
  lineage_key: 'k.csv',
  lineage_import_type: 'CLOUD',
  cloud_source: '{{credentialGuid}}',
  lineage_upsert_semantic: 'partial'
}
/** How long the new run stays out of the search index after the submit. */
const LAG_MS = 8_000

/**
 * A tenant whose index lags: the previous run (Succeeded) is visible throughout; the run the
 * submit starts shows up LAG_MS later and ends Failed, so following the wrong one is visible in
 * both run_id and phase.
 */
function laggingTenant(rerun: 'reply without a name' | 'reply lost') {
  const api = fakeApi()
  api.workflows.push({ name: WF, namespace: 'default', parameters: stored })
  let now = 1_800_000_000_000
  let submittedAt: number | undefined
  const old: RunInfo = {
    name: OLD,
    workflowName: WF,
    phase: 'Succeeded',
    startedAt: '2027-01-15T07:00:00Z',
    finishedAt: '2027-01-15T07:01:00Z'
  }
  const fresh = (): RunInfo | undefined =>
    submittedAt !== undefined && now >= submittedAt + LAG_MS
      ? { name: NEW, workflowName: WF, phase: 'Failed', message: 'the new run failed' }
      : undefined
  // Newest first, as the runs search sorts.
  const visible = () => [fresh(), old].filter((r): r is RunInfo => r !== undefined)
  api.runsOf = async () => (api.calls.push('runsOf'), visible())
  api.getRun = async name => visible().find(r => r.name === name)
  api.rerun = async () => {
    api.calls.push('rerun')
    submittedAt = now
    if (rerun === 'reply lost') throw unknownOutcome()
    return {}
  }
  const deps: ApplyDeps = {
    api,
    now: () => now,
    sleep: async ms => void (now += ms),
    random: () => 0.5,
    log: { info: () => undefined, warning: () => undefined, debug: () => undefined },
    signal: new AbortController().signal
  }
  return { api, deps }
}

const config = parseConfig(rawInputs({ workflow_name: WF, index_grace: '1m', timeout: '5m' }))

describe('the run followed is the first one not seen before the submit', () => {
  it('a rerun reply without a run name: waits for the new run instead of taking the previous one', async () => {
    const { api, deps } = laggingTenant('reply without a name')
    const out = await resolveAndApply(deps, config)
    expect(lifecycleResult(out)).toMatchObject({ runId: NEW, phase: 'Failed', failed: true })
    expect(api.calls.filter(c => c === 'rerun')).toHaveLength(1)
  })

  it('a rerun whose reply was lost: the search finds the new run, not the previous one', async () => {
    const { api, deps } = laggingTenant('reply lost')
    const out = await resolveAndApply(deps, config)
    expect(lifecycleResult(out)).toMatchObject({ runId: NEW, phase: 'Failed', failed: true })
    // Found by searching, never by resubmitting.
    expect(api.calls.filter(c => c === 'rerun')).toHaveLength(1)
  })
})

describe('what a cancelled step leaves for the post step', () => {
  const dirs: string[] = []
  let restoreEnv: () => void = () => undefined
  afterEach(() => {
    restoreEnv()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  /** The last in-flight entry the step saved (core.saveState writes it to GITHUB_STATE). */
  const savedInFlight = (file: string): unknown => {
    const entries = [...readFileSync(file, 'utf8').matchAll(/runInFlight<<(\S+)\n([\s\S]*?)\n\1/g)]
    const last = entries.at(-1)?.[2]
    return last ? JSON.parse(last) : undefined
  }

  it('a rerun reply without a run name keeps the runs that were active before it, so the post step never stops one of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'))
    dirs.push(dir)
    const file = join(dir, 'state')
    writeFileSync(file, '')
    restoreEnv = setEnv({ GITHUB_STATE: file })
    const { api, deps } = laggingTenant('reply without a name')
    const running: RunInfo = { name: OLD, workflowName: WF, phase: 'Running' }
    const seen: unknown[] = []
    let submitted = false
    const rerun = api.rerun
    api.rerun = async (...a) => ((submitted = true), rerun(...a))
    api.runsOf = async () => {
      if (submitted) seen.push(savedInFlight(file))
      return [running]
    }
    api.getRun = async name => (name === OLD ? running : undefined)
    await resolveAndApply(deps, { ...config, idempotent: false }) // a second run is started
    expect(seen.length).toBeGreaterThan(0)
    // Between the rerun and the moment its run is found, the state still lists the earlier one.
    expect(seen[0]).toEqual({ workflowName: WF, earlierActive: [OLD] })
  })
})

it('cancelled before the new run appears: no stop is sent and the step does not claim one was', async () => {
  const { api, deps } = laggingTenant('reply without a name')
  const cancel = new AbortController()
  const warnings: string[] = []
  let submitted = false
  const rerun = api.rerun
  api.rerun = async (...a) => ((submitted = true), rerun(...a))
  const runsOf = api.runsOf
  api.runsOf = async (...a) => {
    if (submitted) cancel.abort()
    return runsOf(...a)
  }
  const stops: string[] = []
  api.stopRun = async name => void stops.push(name)
  const out = await resolveAndApply(
    { ...deps, signal: cancel.signal, log: { ...deps.log, warning: m => void warnings.push(m) } },
    config
  )
  expect(out.end).toMatchObject({ kind: 'cancelled' })
  expect(lifecycleResult(out).message).toMatch(/the Atlan run was not stopped/)
  expect(stops).toEqual([])
  expect(warnings.join('\n')).toMatch(/No stop was sent .* the post step looks for it/)
})
