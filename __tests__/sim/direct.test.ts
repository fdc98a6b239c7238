// The simulator's Direct-upload tenant (docs/atlan-contract.md §10): POST files, template update,
// runs that snapshot parameters at submit and read their file as they start, the Azure move step,
// fetch-credentials, and the record of the bytes a run read.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import type { Simulator } from '../../sim/server.js'
import { templateParameters } from '../helpers/workflow-template.js'
import { call, fast, useSimulator, waitFor } from './client.js'

const sim = useSimulator({ scenario: fast })

const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name'
const csv = (n: number) =>
  `${HEADER}\n${Array.from({ length: n }, (_, i) => `Table,sf,c,a${i},a${i},Table,sf,c,b${i},b${i}`).join('\n')}\n`

async function uploadFile(s: Simulator, text: string, name = 'team.csv') {
  const form = new FormData()
  form.append('name', 'name')
  form.append('prefix', 'custom_file_upload')
  form.append('force', 'false')
  form.append('excludePrefix', 'false')
  form.append('file', new Blob([text], { type: 'text/csv' }), name)
  const res = await fetch(`${s.url}/api/service/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}` },
    body: form,
    signal: AbortSignal.timeout(5000)
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

const params = templateParameters

/** Stores the workflow's template with `lineage_file` set to `value` (the §10.3 update). */
async function pointAt(s: Simulator, wf: string, value: string) {
  const doc = s.workflow(wf)!
  params(doc).find(p => p.name === 'lineage_file')!.value = value
  const res = await call(s, 'POST', `/api/service/workflows/${wf}`, doc)
  expect(res.status).toBe(200)
}

async function rerun(s: Simulator, wf: string): Promise<string> {
  const res = await call(s, 'POST', '/api/service/workflows/submit', {
    namespace: 'default',
    resourceKind: 'WorkflowTemplate',
    resourceName: wf
  })
  expect(res.status).toBe(200)
  return res.json.metadata.name
}

const ended = (s: Simulator, run: string) =>
  waitFor(() => {
    const r = s.runs().find(x => x.name === run)
    return r && r.phase !== 'Pending' && r.phase !== 'Running' ? r : undefined
  })

describe('POST files (§10.2)', () => {
  it('answers an AtlanFile whose key differs from its id, and stores the bytes at the key', async () => {
    const { status, json } = await uploadFile(sim(), csv(2))
    expect(status).toBe(200)
    expect(json).toMatchObject({
      rawName: 'team.csv',
      extension: '.csv',
      contentType: 'text/csv',
      fileSize: Buffer.byteLength(csv(2)),
      isUploaded: true
    })
    expect(json.key).toMatch(/^[0-9a-f-]{36}\.csv$/)
    expect(json.key).not.toContain(json.id as string)
    expect(
      sim()
        .objects()
        .get(json.key as string)!
        .toString()
    ).toBe(csv(2))
    expect(sim().requests().at(-1)!.body).toMatchObject({
      fields: { name: 'name', prefix: 'custom_file_upload' },
      files: [{ name: 'file', filename: 'team.csv' }]
    })
  })

  it('refuses a file over directUploadLimitBytes with 413, and a body that is not multipart with 400', async () => {
    sim().setScenario({ directUploadLimitBytes: 50 })
    const big = await uploadFile(sim(), csv(3))
    expect(big.status).toBe(413)
    expect(big.json.errorMessage).toMatch(/limited to 50 bytes/)
    expect(sim().files()).toEqual([])
    const res = await call(sim(), 'POST', '/api/service/files', { not: 'multipart' })
    expect(res.status).toBe(400)
  })
})

describe('Direct-upload runs (§10.1)', () => {
  it.each(['json', 'plain'] as const)(
    '%s form: a rerun after the update reads the new file, and records its bytes',
    async form => {
      const s = sim()
      const wf = s.seed({ direct: { form, content: csv(1) } })
      const { json: file } = await uploadFile(s, csv(4))
      const value =
        form === 'json'
          ? JSON.stringify({ fileKey: file.key, fileId: file.id })
          : (file.key as string)
      await pointAt(s, wf, value)
      const run = await rerun(s, wf)
      const info = await ended(s, run)
      expect(info.phase).toBe('Succeeded')
      expect(s.runInput(run)!.toString()).toBe(csv(4))
      expect(info.input).toEqual({
        key: file.key,
        sha256: createHash('sha256').update(csv(4)).digest('hex'),
        size: Buffer.byteLength(csv(4))
      })
      const raw = await fetch(`${s.url}/_sim/runs/${run}/input`)
      expect(await raw.text()).toBe(csv(4))
    }
  )

  it('a run keeps the parameters of its submit: an update after it does not change what it reads', async () => {
    const s = sim()
    s.setScenario({ pendingMs: 300 })
    const wf = s.seed({ direct: { form: 'json', content: csv(1) } })
    const run = await rerun(s, wf)
    const { json: file } = await uploadFile(s, csv(5))
    await pointAt(s, wf, JSON.stringify({ fileKey: file.key, fileId: file.id }))
    await ended(s, run)
    expect(s.runInput(run)!.toString()).toBe(csv(1))
  })

  it('a run reads its file as it starts: overwriting the object afterwards does not change what it read', async () => {
    const s = sim()
    s.setScenario({ pendingMs: 10, runningMs: 400 })
    const wf = s.seed({ direct: { form: 'plain', content: csv(1) } })
    const key = params(s.workflow(wf)).find(p => p.name === 'lineage_file')!.value as string
    const run = await rerun(s, wf)
    await waitFor(() =>
      s.runs().find(x => x.name === run)?.phase === 'Running' ? true : undefined
    )
    s.objects().set(key, Buffer.from(csv(6)))
    await ended(s, run)
    expect(s.runInput(run)!.toString()).toBe(csv(1))
  })

  it('Azure: the move step copies the uploaded file by id onto the key before every run', async () => {
    const s = sim()
    s.setScenario({ objectStore: 'azure' })
    const wf = s.seed({ direct: { form: 'json', content: csv(1) } })
    const key = JSON.parse(
      params(s.workflow(wf)).find(p => p.name === 'lineage_file')!.value as string
    ).fileKey
    s.objects().set(key, Buffer.from(csv(7))) // an in-place overwrite…
    const run = await rerun(s, wf)
    await ended(s, run)
    expect(s.runInput(run)!.toString()).toBe(csv(1)) // …is undone by the move
  })

  it('a JSON lineage_file without fileKey reads DEFAULT_FILE and fails with "No input file"', async () => {
    const s = sim()
    const wf = s.seed({ direct: { form: 'json' } })
    await pointAt(s, wf, '{}')
    const info = await ended(s, await rerun(s, wf))
    expect(info).toMatchObject({
      phase: 'Failed',
      message: 'No input file was provided for lineage.'
    })
  })
})

describe('fetch-credentials (§10.4)', () => {
  it('a non-empty cloud_source that is no stored credential fails the run before the file is read', async () => {
    const s = sim()
    const wf = s.seed({ prefix: 'p', key: 'k.csv', runs: [] })
    s.objects().set('p/k.csv', Buffer.from(csv(1)))
    const doc = s.workflow(wf)!
    params(doc).find(p => p.name === 'cloud_source')!.value = '{{credentialGuid}}'
    await call(s, 'POST', `/api/service/workflows/${wf}`, doc)
    const info = await ended(s, await rerun(s, wf))
    expect(info.phase).toBe('Failed')
    expect(info.message).toMatch(
      /^fetch-credentials: no credential with GUID "\{\{credentialGuid\}\}"/
    )
    expect(info.input).toBeUndefined()
  })

  it('an empty cloud_source reads the backing store; a vaulted credential passes', async () => {
    const s = sim()
    const tenant = s.seed({ prefix: 'p', key: 'k.csv', runs: [] })
    s.objects().set('p/k.csv', Buffer.from(csv(1)))
    expect((await ended(s, await rerun(s, tenant))).phase).toBe('Succeeded')
    const own = s.seed({ prefix: 'p', key: 'k.csv', credential: 's3', runs: [] })
    expect((await ended(s, await rerun(s, own))).phase).toBe('Succeeded')
  })
})
