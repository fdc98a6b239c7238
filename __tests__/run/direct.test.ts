// Direct-upload reruns with a fake Atlan (docs/atlan-contract.md §10.1–10.3): the update keeps the
// template as read, the run in flight is waited for before the upload, and idempotent does not
// attach to an older run once a new file is uploaded.
import { describe, expect, it } from '@jest/globals'
import type { WorkflowDetail } from '../../src/atlan/schemas.js'
import { parseConfig } from '../../src/config/parse.js'
import { pointAtFile, withNewFile } from '../../src/run/direct.js'
import { runLifecycle, type LifecycleDeps } from '../../src/run/lifecycle.js'
import { lifecycleResult } from '../../src/report/result.js'
import { rawInputs } from '../helpers/inputs.js'
import { workflowTemplate } from '../helpers/workflow-template.js'
import { useRunnerFiles } from '../helpers/env.js'
import { fakeApi } from './fake-api.js'

useRunnerFiles()

const WF = 'csa-lineage-builder-1714638976'
const JSON_FILE = '{"fileKey":"old.csv","fileId":"old-id","rawName":"team.csv"}'

function template(lineageFile: string): WorkflowDetail {
  const parameters = [
    { name: 'lineage_import_type', value: 'DIRECT' },
    { name: 'lineage_file', value: lineageFile },
    { name: 'field_separator', value: ',' }
  ]
  return { ...workflowTemplate(WF, parameters, { annotations: { a: 'b' } }), payload: [] }
}

function setup(lineageFile = JSON_FILE) {
  const api = fakeApi()
  api.workflows.push({
    name: WF,
    namespace: 'default',
    parameters: { lineage_import_type: 'DIRECT', lineage_file: lineageFile }
  })
  api.templates.set(WF, template(lineageFile))
  let now = 1_800_000_000_000
  const info: string[] = []
  const deps: LifecycleDeps = {
    api,
    now: () => now,
    sleep: async ms => void (now += ms),
    random: () => 0.5,
    log: { info: m => void info.push(m), warning: () => undefined, debug: () => undefined },
    signal: new AbortController().signal
  }
  return { api, deps, info }
}

const config = (extra: Record<string, string> = {}) =>
  parseConfig(rawInputs({ workflow_name: WF, lineage_file: 'examples/lineage.csv', ...extra }))

describe('withNewFile', () => {
  it('keeps the form and the other keys', () => {
    const file = { id: 'new-id', key: 'new.csv' }
    expect(withNewFile({ form: 'plain', key: 'old.csv' }, file)).toBe('new.csv')
    expect(JSON.parse(withNewFile({ form: 'json', value: JSON.parse(JSON_FILE) }, file))).toEqual({
      fileKey: 'new.csv',
      fileId: 'new-id',
      rawName: 'team.csv'
    })
  })
})

describe('pointAtFile', () => {
  it('sends the template read right before, with only lineage_file changed', async () => {
    const { api } = setup()
    const out = await pointAtFile(api, WF, { id: 'new-id', key: 'new.csv' })
    expect(api.calls).toEqual([`readTemplate ${WF}`, `updateWorkflow ${WF}`])
    const sent = api.templates.get(WF)!
    const expected = template(
      JSON.stringify({ fileKey: 'new.csv', fileId: 'new-id', rawName: 'team.csv' })
    )
    expect(sent).toEqual(expected)
    expect(out.before).toBe(JSON_FILE)
  })

  it('refuses a template whose lineage_file is neither form, naming the workflow', async () => {
    const { api } = setup()
    api.templates.set(WF, template('[1,2]'))
    await expect(pointAtFile(api, WF, { id: 'i', key: 'k' })).rejects.toThrow(
      new RegExp(`Workflow ${WF} is a Direct-upload workflow, but its lineage_file is JSON`)
    )
    expect(api.calls).not.toContain(`updateWorkflow ${WF}`)
  })

  it('an update that does not name the new file is an error, not a rerun of the old one', async () => {
    const { api } = setup()
    api.updateWorkflow = async name => ({
      name,
      namespace: 'default',
      parameters: { lineage_file: JSON_FILE }
    })
    await expect(pointAtFile(api, WF, { id: 'i', key: 'k' })).rejects.toThrow(
      /does not name the new file.*nothing was run/
    )
  })
})

describe('runLifecycle with a Direct-upload workflow', () => {
  it('uploads, updates, then reruns; a run in flight is waited for first and not attached to', async () => {
    const { api, deps, info } = setup()
    let polls = 0
    api.runs.push({ name: `${WF}-old01`, workflowName: WF, phase: 'Running' })
    api.getRun = async name => {
      if (name !== `${WF}-old01`) return { name, workflowName: WF, phase: 'Succeeded' }
      // The earlier run ends after three polls.
      if (++polls >= 3) api.runs[0] = { ...api.runs[0], phase: 'Succeeded' }
      return api.runs[0]
    }
    const out = await runLifecycle(deps, config({ idempotent: 'true' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'Succeeded', runId: `${WF}-new01` })
    const order = api.calls.filter(c => /^(uploadDirect|updateWorkflow|rerun)/.test(c))
    expect(order).toEqual([
      'uploadDirect examples/lineage.csv',
      `updateWorkflow ${WF}`,
      `rerun ${WF}`
    ])
    // Every poll of the old run came before the upload.
    const upload = api.calls.indexOf('uploadDirect examples/lineage.csv')
    expect(api.calls.lastIndexOf(`getRun ${WF}-old01`)).toBeLessThan(upload)
    expect(polls).toBeGreaterThanOrEqual(3)
    expect(info.join('\n')).toContain(`Run ${WF}-old01 of ${WF} is Running. Waiting for it to end`)
    expect(out.notes.join('\n')).toMatch(
      /read fileKey old\.csv, fileId old-id before this step; it now reads fileKey key-1\.csv, fileId id-1/
    )
  })

  it('idempotent does not attach to a run that started after the upload: the new file gets its own run', async () => {
    const { api, deps } = setup()
    // Seen by the submit's search but not by the check before the upload (it started in between).
    const other = { name: `${WF}-other`, workflowName: WF, phase: 'Running' as const }
    let searches = 0
    api.runsOf = async w => (api.calls.push(`runsOf ${w}`), ++searches === 1 ? [] : [other])
    const out = await runLifecycle(deps, config({ idempotent: 'true', wait: 'false' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'Running', runId: `${WF}-new01` })
    expect(api.calls).toContain(`rerun ${WF}`)
  })

  it('a run that outlasts timeout: nothing uploaded, nothing run', async () => {
    const { api, deps } = setup()
    api.runs.push({ name: `${WF}-old01`, workflowName: WF, phase: 'Running' })
    const out = await runLifecycle(deps, config({ timeout: '10s' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'TimedOut', failed: true })
    expect(lifecycleResult(out).message).toMatch(/nothing was uploaded and no run was started/)
    expect(api.calls.some(c => /^(uploadDirect|updateWorkflow|rerun)/.test(c))).toBe(false)
  })
})
