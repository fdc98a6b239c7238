// Direct-upload reruns with a fake Atlan (docs/atlan-contract.md §10.1–10.3): the update keeps the
// template as read, the run in flight is waited for before the upload, and idempotent does not
// attach to an older run once a new file is uploaded.
import { describe, expect, it } from '@jest/globals'
import { errorFromException, errorFromStatus } from '../../src/atlan/error-mapping.js'
import type { WorkflowDetail } from '../../src/atlan/schemas.js'
import { parseConfig } from '../../src/config/parse.js'
import {
  editLineageFile,
  parseDirectFile,
  pointAtFile,
  withNewFile,
  type DirectFile
} from '../../src/run/direct.js'
import type { ApplyDeps } from '../../src/run/apply.js'
import { lifecycleResult } from '../../src/report/result.js'
import { rawInputs } from '../helpers/inputs.js'
import { workflowTemplate } from '../helpers/workflow-template.js'
import { useRunnerFiles } from '../helpers/env.js'
import { netError } from '../atlan/fakes.js'
import { fakeApi, resolveAndApply } from './fake-api.js'
import { appliedOptions } from '../../src/run/settings.js'

useRunnerFiles()

const WF = 'csa-lineage-builder-1714638976'
const JSON_FILE = '{"fileKey":"old.csv","fileId":"old-id","rawName":"team.csv"}'
const NEW = { id: 'new-id', key: 'new.csv' }
/** The settings the plan read: both templates below store the Lineage Builder's defaults. */
const PLANNED = appliedOptions({ name: WF, parameters: {} }).options

function template(lineageFile: string, generation = 3): WorkflowDetail {
  const parameters = [
    { name: 'lineage_import_type', value: 'DIRECT' },
    { name: 'lineage_file', value: lineageFile },
    { name: 'field_separator', value: ',' }
  ]
  return {
    ...workflowTemplate(WF, parameters, { annotations: { a: 'b' }, generation }),
    payload: []
  }
}

/**
 * A template whose other bytes a JSON round trip would change: an integer above 2^53, `1.50`,
 * a duplicate key, a `__proto__` key and odd spacing.
 */
const awkward = (lineageFile: string) =>
  `{"metadata": {"name": "${WF}", "namespace":"default", "generation": 3, "uid": 12345678901234567890123,
  "annotations": {"__proto__": {"polluted": true}, "ratio": 1.50, "dup": "first", "dup": "second"}},
 "spec": {"templates": [{"name": "main", "dag": {"tasks": [{"name": "run", "arguments": {"parameters": [
   {"name": "lineage_import_type", "value": "DIRECT"},
   {"name": "lineage_file",   "value": ${JSON.stringify(lineageFile)}},
   {"name": "batch_size", "value": 20.0}]}}]}}]},
 "payload": [], "status": {}}`

function setup(lineageFile = JSON_FILE) {
  const api = fakeApi()
  api.workflows.push({
    name: WF,
    namespace: 'default',
    parameters: { lineage_import_type: 'DIRECT', lineage_file: lineageFile }
  })
  api.templates.set(WF, JSON.stringify(template(lineageFile)))
  let now = 1_800_000_000_000
  const info: string[] = []
  const warnings: string[] = []
  const deps: ApplyDeps = {
    api,
    now: () => now,
    sleep: async ms => void (now += ms),
    random: () => 0.5,
    log: {
      info: m => void info.push(m),
      warning: m => void warnings.push(m),
      debug: () => undefined
    },
    signal: new AbortController().signal
  }
  return { api, deps, info, warnings, log: deps.log }
}

const config = (extra: Record<string, string> = {}) =>
  parseConfig(rawInputs({ workflow_name: WF, lineage_file: 'examples/lineage.csv', ...extra }))

/** What Atlan answers when the template changed since it was read (Kubernetes' optimistic concurrency). */
const conflict = () =>
  errorFromStatus(
    {
      endpoint: `POST /api/service/workflows/${WF}`,
      requestId: 'r-409',
      service: 'atlan',
      timeoutMs: 30_000
    },
    409,
    '{"message":"the object has been modified; please apply your changes to the latest version and try again"}'
  )

/** What the transport throws when an update's reply was lost (a reset after sending): maybe stored. */
const replyLost = () =>
  errorFromException(
    {
      endpoint: `POST /api/service/workflows/${WF}`,
      requestId: 'r-rst',
      service: 'atlan',
      timeoutMs: 30_000
    },
    netError('ECONNRESET'),
    false
  ).markSubmitOutcomeUnknown()

/** `s` with the first occurrence of `from` replaced, checked to be there. */
function swap(s: string, from: string, to: string): string {
  expect(s).toContain(from)
  return s.replace(from, to)
}

describe('parseDirectFile', () => {
  it('bounds the stored value before parsing it: a 20,000-deep value is a clear problem, not a stack overflow', () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)
    expect(parseDirectFile(deep)).toMatch(
      /^its lineage_file is 120001 characters long, more than the 16384/
    )
    const nested = '{"a":'.repeat(17) + '1' + '}'.repeat(17)
    expect(parseDirectFile(nested)).toBe('its lineage_file nests deeper than 16 levels')
    expect(parseDirectFile('{"a":'.repeat(15) + '1' + '}'.repeat(15))).toMatchObject({
      form: 'json'
    })
  })
})

describe('withNewFile', () => {
  const json = (text: string) => parseDirectFile(text) as DirectFile

  it('keeps the form and every other byte of the stored value', () => {
    expect(withNewFile({ form: 'plain', key: 'old.csv' }, NEW)).toBe('new.csv')
    expect(withNewFile(json(JSON_FILE), NEW)).toBe(
      '{"fileKey":"new.csv","fileId":"new-id","rawName":"team.csv"}'
    )
    const odd =
      '{ "size": 12345678901234567890, "fileId": "x", "v": 1.50, "fileKey": "a", "fileKey": "b" }'
    expect(withNewFile(json(odd), NEW)).toBe(
      '{ "size": 12345678901234567890, "fileId": "new-id", "v": 1.50, "fileKey": "new.csv", "fileKey": "new.csv" }'
    )
    expect(JSON.parse(withNewFile(json('{"rawName":"t.csv"}'), NEW))).toEqual({
      rawName: 't.csv',
      fileKey: 'new.csv',
      fileId: 'new-id'
    })
  })
})

describe('editLineageFile', () => {
  it('replaces only the lineage_file value: big integers, 1.50, duplicate keys and __proto__ survive byte for byte', () => {
    const text = awkward(JSON_FILE)
    const edit = editLineageFile(text, NEW)
    if (typeof edit === 'string') throw new Error(edit)
    const now = '{"fileKey":"new.csv","fileId":"new-id","rawName":"team.csv"}'
    expect(edit).toEqual({
      before: JSON_FILE,
      now,
      text: swap(text, JSON.stringify(JSON_FILE), JSON.stringify(now))
    })
  })

  it('refuses what it cannot edit safely', () => {
    const twice = swap(
      awkward(JSON_FILE),
      '{"name": "batch_size"',
      `{"name": "lineage_file", "value": "other.csv"}, {"name": "batch_size"`
    )
    expect(editLineageFile(twice, NEW)).toBe('its lineage_file argument appears more than once')
    expect(editLineageFile(swap(awkward(JSON_FILE), '"lineage_file"', '"other"'), NEW)).toBe(
      'it has no lineage_file argument'
    )
    const deepTemplate = `{"x": ${'['.repeat(200)}${']'.repeat(200)}}`
    expect(editLineageFile(deepTemplate, NEW)).toBe('its template nests deeper than 128 levels')
    const deepValue = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)
    expect(editLineageFile(awkward(deepValue), NEW)).toMatch(/characters long, more than/)
  })
})

describe('pointAtFile', () => {
  it('sends the template text read right before, with only lineage_file changed', async () => {
    const { api, log } = setup()
    api.templates.set(WF, awkward(JSON_FILE))
    const out = await pointAtFile(api, WF, NEW, PLANNED, log)
    expect(api.calls).toEqual([`readTemplate ${WF}`, `updateWorkflow ${WF}`])
    const now = '{"fileKey":"new.csv","fileId":"new-id","rawName":"team.csv"}'
    expect(api.templates.get(WF)).toBe(
      swap(awkward(JSON_FILE), JSON.stringify(JSON_FILE), JSON.stringify(now))
    )
    expect(out).toEqual({ before: JSON_FILE, now, warning: undefined })
  })

  it('refuses a template whose lineage_file is neither form, naming the workflow', async () => {
    const { api, log } = setup()
    api.templates.set(WF, JSON.stringify(template('[1,2]')))
    await expect(pointAtFile(api, WF, { id: 'i', key: 'k' }, PLANNED, log)).rejects.toThrow(
      new RegExp(`Workflow ${WF} is a Direct-upload workflow, but its lineage_file is JSON`)
    )
    expect(api.calls).not.toContain(`updateWorkflow ${WF}`)
  })

  it('an update that does not name the new file is an error, not a rerun of the old one', async () => {
    const { api, log } = setup()
    api.updateWorkflow = async name => ({
      name,
      namespace: 'default',
      parameters: { lineage_file: JSON_FILE }
    })
    await expect(pointAtFile(api, WF, { id: 'i', key: 'k' }, PLANNED, log)).rejects.toThrow(
      /does not name the new file.*nothing was run/
    )
  })

  it('a conflict (409): reads again, re-applies only lineage_file to what it reads, and retries once', async () => {
    const { api, log, info } = setup()
    const update = api.updateWorkflow
    let updates = 0
    api.updateWorkflow = async (name, text) => {
      if (++updates === 1) {
        // Someone saved another change meanwhile (not a run setting); Atlan refuses the stale write.
        api.templates.set(WF, swap(api.templates.get(WF)!, '"a":"b"', '"a":"c"'))
        throw conflict()
      }
      return update(name, text)
    }
    const out = await pointAtFile(api, WF, NEW, PLANNED, log)
    expect(api.calls).toEqual([`readTemplate ${WF}`, `readTemplate ${WF}`, `updateWorkflow ${WF}`])
    const stored = JSON.parse(api.templates.get(WF)!) as WorkflowDetail
    const params = stored.spec!.templates![0].dag!.tasks![0].arguments!.parameters!
    expect(stored.metadata.annotations).toEqual({ a: 'c' })
    expect(JSON.parse(params.find(p => p.name === 'lineage_file')!.value as string)).toMatchObject({
      fileKey: 'new.csv',
      fileId: 'new-id'
    })
    expect(out.now).toContain('new.csv')
    expect(info.join('\n')).toMatch(/conflict \(409\).*Reading it again and retrying once/)
  })

  describe("the workflow's run settings changed in Atlan since the plan read them", () => {
    const separatorNow = (api: ReturnType<typeof setup>['api']) =>
      api.templates.set(WF, swap(api.templates.get(WF)!, '"value":","', '"value":";"'))

    it('at the read before the write: stops naming the setting, nothing written', async () => {
      const { api, log } = setup()
      separatorNow(api)
      await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow(
        new RegExp(
          `The settings of workflow ${WF} changed in Atlan since this step's plan: field_separator \\("," → ";"\\)\\..*nothing was run, and the workflow was not pointed at the new file.*Re-run the job`
        )
      )
      expect(api.calls).toEqual([`readTemplate ${WF}`])
    })

    it('at the fresh read after a conflict (409): stops, no second write', async () => {
      const { api, log } = setup()
      let updates = 0
      api.updateWorkflow = async () => {
        updates++
        separatorNow(api)
        throw conflict()
      }
      await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow(
        /changed in Atlan since this step's plan: field_separator/
      )
      expect(updates).toBe(1)
    })

    it('after a lost reply whose update was stored: stops before the run, saying the file was set', async () => {
      const { api, log } = setup()
      const update = api.updateWorkflow
      api.updateWorkflow = async (name, text) => {
        await update(name, text)
        separatorNow(api)
        throw replyLost()
      }
      await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow(
        /field_separator .*nothing was run \(the workflow does read the new file, key new\.csv\)/
      )
    })

    it('settings the plan read, unchanged: the write goes ahead', async () => {
      const { api, log } = setup()
      const planned = appliedOptions({ name: WF, parameters: { field_separator: ';' } }).options
      separatorNow(api)
      await pointAtFile(api, WF, NEW, planned, log)
      expect(api.calls).toEqual([`readTemplate ${WF}`, `updateWorkflow ${WF}`])
    })
  })

  it('a second conflict stops with a message saying the workflow changed meanwhile', async () => {
    const { api, log } = setup()
    api.updateWorkflow = async () => {
      throw conflict()
    }
    await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow(
      new RegExp(
        `Workflow ${WF} changed in Atlan while this step was pointing it at the new file.*not changed and nothing was run`
      )
    )
    expect(api.calls.filter(c => c.startsWith('readTemplate'))).toHaveLength(2)
  })

  it('a conflict after an update that was stored (its reply lost) finds the new file and stops there', async () => {
    const { api, log } = setup()
    const update = api.updateWorkflow
    api.updateWorkflow = async (name, text) => {
      await update(name, text)
      throw conflict()
    }
    const out = await pointAtFile(api, WF, NEW, PLANNED, log)
    expect(out.before).toBe(JSON_FILE)
    expect(api.calls.filter(c => c.startsWith('updateWorkflow'))).toHaveLength(1)
  })

  describe('an update whose reply was lost (it may have been stored) is never sent again', () => {
    it('a fresh read that names the new file: the update was stored, the step carries on', async () => {
      const { api, log, info } = setup()
      const update = api.updateWorkflow
      api.updateWorkflow = async (name, text) => {
        await update(name, text)
        throw replyLost()
      }
      const out = await pointAtFile(api, WF, NEW, PLANNED, log)
      expect(api.calls).toEqual([
        `readTemplate ${WF}`,
        `updateWorkflow ${WF}`,
        `readTemplate ${WF}`
      ])
      expect(out).toEqual({ before: JSON_FILE, now: expect.stringContaining('new.csv') })
      expect(info.join('\n')).toMatch(/did not confirm the update.*names the new file/)
    })

    it('a fresh read without the new file: stops, saying the workflow may have changed and to check it', async () => {
      const { api, log } = setup()
      let updates = 0
      api.updateWorkflow = async () => {
        updates++
        // Someone saved another setting meanwhile; whether ours landed, nobody can tell.
        api.templates.set(WF, swap(api.templates.get(WF)!, '"value":","', '"value":";"'))
        throw replyLost()
      }
      const stored = () => api.templates.get(WF)
      const err = await pointAtFile(api, WF, NEW, PLANNED, log).then(
        () => new Error('pointAtFile did not throw'),
        (e: unknown) => e as Error
      )
      expect(err.message).toMatch(
        new RegExp(
          `Atlan did not confirm the update of workflow ${WF} \\(ECONNRESET\\).*may have been changed in Atlan meanwhile.*not sent again and nothing was run.*Check the workflow in the Atlan UI`
        )
      )
      expect(err.message).toContain('request id r-rst')
      expect(updates).toBe(1)
      expect(stored()).toContain('"value":";"')
    })

    it('a fresh read that fails: stops the same way, nothing sent again', async () => {
      const { api, log } = setup()
      const read = api.readTemplate
      let reads = 0
      api.readTemplate = async name => {
        if (++reads > 1) throw new Error('index down')
        return read(name)
      }
      let updates = 0
      api.updateWorkflow = async () => {
        updates++
        throw replyLost()
      }
      await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow(
        /may or may not have been stored/
      )
      expect(updates).toBe(1)
    })
  })

  it('other errors are not retried', async () => {
    const { api, log } = setup()
    api.updateWorkflow = async () => {
      throw new Error('boom')
    }
    await expect(pointAtFile(api, WF, NEW, PLANNED, log)).rejects.toThrow('boom')
    expect(api.calls.filter(c => c.startsWith('readTemplate'))).toHaveLength(1)
  })

  it('warns when the generation shows a change this step did not read (maybe overwritten)', async () => {
    const { api, log } = setup()
    const update = api.updateWorkflow
    api.updateWorkflow = async (name, text) => ({ ...(await update(name, text)), generation: 5 })
    const out = await pointAtFile(api, WF, NEW, PLANNED, log)
    expect(out.warning).toMatch(
      new RegExp(`Workflow ${WF} was changed in Atlan by someone else.*generation went from 3 to 5`)
    )
    api.updateWorkflow = update
    expect((await pointAtFile(api, WF, NEW, PLANNED, log)).warning).toBeUndefined()
  })
})

describe('apply with a Direct-upload workflow', () => {
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
    const out = await resolveAndApply(deps, config({ idempotent: 'true' }))
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
    const out = await resolveAndApply(deps, config({ idempotent: 'true', wait: 'false' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'Running', runId: `${WF}-new01` })
    expect(api.calls).toContain(`rerun ${WF}`)
  })

  it('a run that outlasts timeout: nothing uploaded, nothing run', async () => {
    const { api, deps } = setup()
    api.runs.push({ name: `${WF}-old01`, workflowName: WF, phase: 'Running' })
    const out = await resolveAndApply(deps, config({ timeout: '10s' }))
    expect(lifecycleResult(out)).toMatchObject({ phase: 'TimedOut', failed: true })
    expect(lifecycleResult(out).message).toMatch(/nothing was uploaded and no run was started/)
    expect(api.calls.some(c => /^(uploadDirect|updateWorkflow|rerun)/.test(c))).toBe(false)
  })

  it('a template this action cannot edit safely is refused before the upload: nothing uploaded', async () => {
    const { api, deps } = setup()
    // The index's parameters show one lineage_file (the last); the template holds it twice.
    const twice = swap(
      JSON.stringify(template(JSON_FILE)),
      '{"name":"field_separator"',
      `{"name":"lineage_file","value":${JSON.stringify(JSON_FILE)}},{"name":"field_separator"`
    )
    api.templates.set(WF, twice)
    await expect(resolveAndApply(deps, config())).rejects.toThrow(
      /Direct-upload workflow, but its lineage_file argument appears more than once.*did not upload anything/
    )
    expect(api.calls.some(c => /^(uploadDirect|updateWorkflow|rerun)/.test(c))).toBe(false)
  })

  it('a template that became uneditable after the upload says the uploaded file is unused', async () => {
    const { api, deps } = setup()
    const upload = api.uploadDirect
    api.uploadDirect = async (...args) => {
      const file = await upload(...args)
      api.templates.set(WF, JSON.stringify(template('[1,2]')))
      return file
    }
    const thrown = await resolveAndApply(deps, config()).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(Error)
    const message = (thrown as Error).message
    expect(message).toMatch(/its lineage_file is JSON but not an object/)
    expect(message).toMatch(
      /did not change or run it \(the uploaded file, key key-1\.csv, is unused\)/
    )
    expect(message).not.toMatch(/did not upload anything/)
    expect(api.calls).not.toContain(`updateWorkflow ${WF}`)
  })

  it('a stored lineage_file 20,000 levels deep is refused while resolving: nothing uploaded, no stack overflow', async () => {
    const { api, deps } = setup('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000))
    await expect(resolveAndApply(deps, config())).rejects.toThrow(
      /Direct-upload workflow, but its lineage_file is 120001 characters long.*did not upload anything/
    )
    expect(api.calls.some(c => /^(uploadDirect|updateWorkflow|rerun)/.test(c))).toBe(false)
  })
})
