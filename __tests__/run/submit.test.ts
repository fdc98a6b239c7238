import { describe, expect, it } from '@jest/globals'
import { startRun, SubmitUnconfirmedError, type SubmitDeps } from '../../src/run/submit.js'
import type { Target } from '../../src/run/resolve.js'
import { buildWorkflow } from '../../src/lineage/workflow.js'
import { useRunnerFiles } from '../helpers/env.js'
import { fakeApi, submitRefused, unknownOutcome, type FakeApi } from './fake-api.js'

useRunnerFiles()

const WF = 'csa-lineage-builder-1714638976'
const rerunTarget: Target = {
  kind: 'rerun',
  workflow: { name: WF, namespace: 'default', parameters: {} },
  storage: { kind: 'tenant', key: 'p/k.csv' }
}

function deps(api: FakeApi) {
  let now = 0
  const lines: string[] = []
  const d: SubmitDeps = {
    api,
    now: () => now,
    sleep: async ms => void (now += ms),
    log: { info: m => lines.push(m), warning: m => lines.push(`WARN ${m}`), debug: () => undefined }
  }
  return { d, lines, elapsed: () => now }
}

describe('startRun', () => {
  it('follows a run already in flight instead of submitting (idempotent)', async () => {
    const api = fakeApi()
    api.runs.push({ name: `${WF}-abcde`, workflowName: WF, phase: 'Running' })
    const { d, lines } = deps(api)
    const s = await startRun(d, rerunTarget, { idempotent: true, graceMs: 10_000 })
    expect(s).toMatchObject({ runName: `${WF}-abcde`, attached: true })
    expect(api.calls).toEqual([`runsOf ${WF}`])
    expect(lines.join()).toMatch(/already Running/)
  })

  it('submits a rerun when nothing is in flight, or when idempotent is false', async () => {
    const api = fakeApi()
    api.runs.push({ name: `${WF}-old00`, workflowName: WF, phase: 'Running' })
    const s = await startRun(deps(api).d, rerunTarget, { idempotent: false, graceMs: 10_000 })
    expect(s).toMatchObject({ runName: `${WF}-new01`, attached: false })
    expect(api.calls.filter(c => c.startsWith('rerun'))).toHaveLength(1)
  })

  it('an unanswered rerun that landed is found, and never resubmitted', async () => {
    const api = fakeApi()
    api.runs.push({ name: `${WF}-old00`, workflowName: WF, phase: 'Succeeded' })
    api.rerun = async w => {
      api.calls.push(`rerun ${w}`)
      api.runs.unshift({ name: `${WF}-xyz12`, workflowName: WF, phase: 'Pending' })
      throw unknownOutcome()
    }
    const { d, lines } = deps(api)
    const s = await startRun(d, rerunTarget, { idempotent: true, graceMs: 10_000 })
    expect(s.runName).toBe(`${WF}-xyz12`)
    expect(api.calls.filter(c => c.startsWith('rerun'))).toHaveLength(1)
    expect(lines.join('\n')).toMatch(/did not confirm/)
  })

  it('an unanswered rerun with no new run within the grace fails clearly, with one submit', async () => {
    const api = fakeApi({})
    api.rerun = async w => {
      api.calls.push(`rerun ${w}`)
      throw unknownOutcome()
    }
    const { d, elapsed } = deps(api)
    await expect(
      startRun(d, rerunTarget, { idempotent: true, graceMs: 30_000 })
    ).rejects.toBeInstanceOf(SubmitUnconfirmedError)
    expect(api.calls.filter(c => c.startsWith('rerun'))).toHaveLength(1)
    expect(elapsed()).toBeLessThanOrEqual(30_000)
    expect(api.calls.filter(c => c.startsWith('runsOf')).length).toBeGreaterThan(2)
  })

  it('after a 503 and a search that finds no run, the submit is sent once more (and only once)', async () => {
    const api = fakeApi()
    let n = 0
    api.rerun = async w => {
      api.calls.push(`rerun ${w}`)
      n++
      throw unknownOutcome(503)
    }
    const { d, lines } = deps(api)
    await expect(
      startRun(d, rerunTarget, { idempotent: true, graceMs: 5000 })
    ).rejects.toBeInstanceOf(SubmitUnconfirmedError)
    expect(n).toBe(2)
    expect(lines.join('\n')).toMatch(/503 Service Unavailable.*submitting once more/)
  })

  it('a 503 followed by a good submit recovers with one run', async () => {
    const api = fakeApi()
    let n = 0
    api.rerun = async w => {
      api.calls.push(`rerun ${w}`)
      if (++n === 1) throw unknownOutcome(503)
      return { runName: `${w}-ok123` }
    }
    const s = await startRun(deps(api).d, rerunTarget, { idempotent: true, graceMs: 5000 })
    expect(s.runName).toBe(`${WF}-ok123`)
  })

  it.each([
    ['a refused submit (401)', submitRefused()],
    ['an error that is not from the transport', new Error('boom')]
  ])('%s propagates untouched, without a search for the run', async (_label, error) => {
    const api = fakeApi({
      rerun: async w => {
        api.calls.push(`rerun ${w}`)
        throw error
      }
    })
    await expect(
      startRun(deps(api).d, rerunTarget, { idempotent: true, graceMs: 10_000 })
    ).rejects.toBe(error)
    expect(api.calls.slice(api.calls.indexOf(`rerun ${WF}`))).toEqual([`rerun ${WF}`])
  })

  it("create: an unanswered submit is resolved by finding the new workflow's run", async () => {
    const doc = buildWorkflow({
      epoch: 1714638999,
      prefix: 'p',
      objectKey: 'k',
      options: { inputHandling: 'partial' }
    })
    const api = fakeApi()
    api.submitWorkflow = async d => {
      api.calls.push('submitWorkflow')
      api.runs.push({
        name: `${d.metadata.name}-a1b2c`,
        workflowName: d.metadata.name,
        phase: 'Pending'
      })
      throw unknownOutcome()
    }
    const s = await startRun(
      deps(api).d,
      { kind: 'create', doc, storage: { kind: 'tenant', key: 'p/k' } },
      { idempotent: true, graceMs: 5000 }
    )
    expect(s).toMatchObject({
      workflowName: doc.metadata.name,
      runName: `${doc.metadata.name}-a1b2c`
    })
    expect(api.calls.filter(c => c === 'submitWorkflow')).toHaveLength(1)
  })
})
