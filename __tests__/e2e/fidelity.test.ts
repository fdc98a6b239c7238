// Real-tenant fidelity through dist/index.js (docs/atlan-contract.md §10): Direct-upload reruns as
// the Atlan UI does them, backing-store creates, safe targets, stored settings, runs in flight,
// the base URL. Each test asserts on the bytes the simulated run read, not only on the phase.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, routes, sim, submits } from '../helpers/e2e.js'
import { repoRoot } from '../helpers/shared.js'
import { templateParameters } from '../helpers/workflow-template.js'
import type { Simulator } from '../../sim/server.js'

const CSV = 'examples/lineage.csv'
const committed = () => readFileSync(join(repoRoot, CSV))
const OLD = `${HEADER}\n${row('old', 'older')}\n`
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

const lineageFileOf = (s: Simulator, wf: string) =>
  templateParameters(s.workflow(wf)).find(p => p.name === 'lineage_file')!.value as string

/** The run the step reported read exactly `bytes` (the simulator's record of what it read). */
function expectRead(s: Simulator, runId: string, bytes: Buffer): void {
  expect(s.runInput(runId)).toEqual(bytes)
  expect(s.runs().find(r => r.name === runId)!.input).toMatchObject({
    sha256: sha(bytes),
    size: bytes.length
  })
}

describe('Direct-upload rerun (§10.1–10.3)', () => {
  it('JSON form: uploads like the UI, points fileKey/fileId at the new file keeping other keys, the run reads the committed bytes', async () => {
    const s = await sim()
    const wf = s.seed({ direct: { form: 'json', content: OLD, rawName: 'team.csv' } })
    const before = JSON.parse(lineageFileOf(s, wf))
    const templateBefore = s.workflow(wf)!
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expectRead(s, r.outputs.run_id, committed())

    const uploaded = s.files().at(-1)!
    expect(uploaded.id).not.toBe(before.fileId)
    expect(JSON.parse(lineageFileOf(s, wf))).toEqual({
      ...before,
      fileKey: uploaded.key,
      fileId: uploaded.id
    })
    // Upload, then update, then rerun; no presigned PUT into a key nobody reads.
    const seen = routes(s)
    expect(seen).not.toContain('presign')
    expect(seen.indexOf('files')).toBeLessThan(seen.indexOf('update'))
    expect(seen.indexOf('update')).toBeLessThan(seen.indexOf('rerun'))
    const upload = s.requests().find(q => q.route === 'files')!
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(upload.body).toMatchObject({
      fields: { name: 'name', prefix: 'custom_file_upload', force: 'false' },
      files: [{ name: 'file', filename: 'lineage.csv', size: committed().length }]
    })
    // The update sends the template as read, with only lineage_file changed.
    const update = s.requests().find(q => q.route === 'update')!
    expect(update.path).toBe(`/api/service/workflows/${wf}`)
    const strip = (doc: unknown) => templateParameters(doc).filter(p => p.name !== 'lineage_file')
    expect(strip(update.body)).toEqual(strip(templateBefore))
    expect((update.body as { metadata: unknown }).metadata).toEqual(templateBefore.metadata)
    // The summary shows the file read before and now, and the one way back that surely works.
    expect(r.summary).toContain(`fileKey ${before.fileKey}, fileId ${before.fileId}`)
    expect(r.summary).toContain(`fileKey ${uploaded.key}, fileId ${uploaded.id}`)
    expect(r.summary).toContain(
      "To roll back, run this action again at the earlier commit (re-run that commit's job, or revert the CSV and push): it uploads that version and points the workflow at it."
    )
    expect(r.summary).not.toMatch(/Atlan UI/)
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it('plain-key form: the template gets the new plain key and the run reads the committed bytes', async () => {
    const s = await sim({ role: 'user' })
    const wf = s.seed({ direct: { form: 'plain', content: OLD } })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expectRead(s, r.outputs.run_id, committed())
    expect(lineageFileOf(s, wf)).toBe(s.files().at(-1)!.key)
    // The update uses the same family as the rerun (by whoami roles).
    expect(s.requests().find(q => q.route === 'update')!.path).toBe(
      `/api/service/package-workflows/${wf}`
    )
    expectClean(r, s)
  })

  it('Azure tenant: every run copies the file by id onto its key, and still reads the committed bytes', async () => {
    const s = await sim({ objectStore: 'azure' })
    const wf = s.seed({ direct: { form: 'json', content: OLD } })
    const oldKey = JSON.parse(lineageFileOf(s, wf)).fileKey
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(0)
    expectRead(s, r.outputs.run_id, committed())
    // Overwriting the old key in place would have been undone by the move step.
    expect(s.objects().get(oldKey)!.toString()).toBe(OLD)
    expectClean(r, s)
  })

  it('a 403 on the update names the permission and says nothing was run', async () => {
    const s = await sim()
    const wf = s.seed({ direct: { form: 'json', content: OLD } })
    const before = lineageFileOf(s, wf)
    // Every update is refused (a single 403 is retried: new permissions take a while to apply).
    s.addFault({ route: 'update', kind: 'status', status: 403, count: -1 })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /::error::Atlan refused to update workflow .*nothing was run.*may edit \(update\) workflows/
    )
    expect(submits(s)).toBe(0)
    expect(lineageFileOf(s, wf)).toBe(before)
    expectClean(r, s)
  })

  it('over the direct-upload limit: 413 says to switch to object storage; a file over 10 MB is refused before sending', async () => {
    const s = await sim({ directUploadLimitBytes: 100 })
    const wf = s.seed({ direct: { form: 'json', content: OLD } })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/::error::Atlan refused lineage\.csv .*too large.*object storage/)
    expect(routes(s)).not.toContain('update')
    expect(submits(s)).toBe(0)

    s.reset()
    const wf2 = s.seed({ direct: { form: 'json', content: OLD } })
    const dir = workspace()
    const line = `${row('a', 'b')}\n`
    writeFileSync(
      join(dir, 'big.csv'),
      `${HEADER}\n${line.repeat(Math.ceil(10_000_001 / line.length))}`
    )
    const big = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf2, lineage_file: 'big.csv', validate: 'false' })
    })
    expect(big.code).toBe(1)
    expect(big.outputs.phase).toBe('Invalid')
    expect(big.stdout).toMatch(/::error::.*big\.csv is \d+ bytes.*at most 10 MB.*object storage/)
    expect(routes(s)).not.toContain('files')
    expect(submits(s)).toBe(0)
  })
})

describe('backing-store create (§10.4)', () => {
  it('object_store tenant sends cloud_source "" with no payload, and the run reads the uploaded bytes', async () => {
    const s = await sim()
    const r = await runAction({ inputs: inputsFor(s, { mode: 'create', lineage_file: CSV }) })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const submit = s.requests().find(q => q.route === 'submit')!.body as { payload: unknown[] }
    expect(templateParameters(submit).find(p => p.name === 'cloud_source')).toEqual({
      name: 'cloud_source',
      value: ''
    })
    expect(submit.payload).toEqual([])
    expectRead(s, r.outputs.run_id, committed())
    expectClean(r, s)
  })
})

describe('safe target selection', () => {
  it('rerun with lineage_file and no workflow_name: Invalid naming workflow_name, no request at all', async () => {
    const s = await sim()
    s.seed({ direct: { form: 'json', content: OLD } })
    const r = await runAction({ inputs: inputsFor(s, { lineage_file: CSV }) })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toMatch(/::error::Invalid input: input "workflow_name": it is required/)
    expect(s.requests()).toEqual([])
  })

  it('auto with lineage_file that finds a workflow: Invalid naming it, nothing uploaded or run', async () => {
    const s = await sim()
    const wf = s.seed({ direct: { form: 'json', content: OLD } })
    const r = await runAction({ inputs: inputsFor(s, { mode: 'auto', lineage_file: CSV }) })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toContain(`found workflow ${wf} to rerun`)
    expect(routes(s)).toEqual(['workflows.search'])
  })
})

describe('validation with the stored settings (§5.4)', () => {
  const semicolon = (dir: string) =>
    writeCsv(
      dir,
      'semi.csv',
      [HEADER, row('a', 'b'), row('b', 'c')].map(l => l.split(',').join(';'))
    )

  it('a stored ";" separator validates a ";" CSV (input left at ","), and the run reads it', async () => {
    const s = await sim()
    const dir = workspace()
    const file = semicolon(dir)
    const wf = s.seed({ prefix: 'lineage', key: 'semi.csv', options: { fieldSeparator: ';' } })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file })
    })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({
      phase: 'Succeeded',
      rows_checked: '2',
      rows_with_errors: '0'
    })
    expectRead(s, r.outputs.run_id, readFileSync(join(dir, file)))
    // The difference is said once, with the stored value and where to change it.
    expect(r.stdout.match(/field_separator: the input is ",", but .* stores ";"/g)).toHaveLength(1)
    expect(r.stdout).toContain(`edit workflow ${wf} in Atlan`)
    expectClean(r, s)
  })

  it('a stored "," separator rejects a ";" CSV locally even with field_separator ";": nothing uploaded', async () => {
    const s = await sim()
    const dir = workspace()
    const file = semicolon(dir)
    const wf = s.seed({ direct: { form: 'json', content: OLD }, options: { fieldSeparator: ',' } })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, field_separator: ';' })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toContain('missing required columns')
    expect(routes(s)).toEqual(['workflows.search'])
    expect(r.summary).toContain('field_separator=","')
    // The input cannot fix a rerun: the fix named is the workflow's setting in Atlan, or the file.
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::semi\\.csv: The header has a single column: the file looks ";"-separated, but workflow ${wf} splits fields on ",", and a rerun applies that setting of the workflow, not the input field_separator\\. Change the workflow's Field separator to ";" in Atlan \\(Workflows → ${wf} → edit the Lineage Builder settings\\), or save the file with "," between fields\\.`
      )
    )
    expect(r.stdout).not.toContain('Set the input field_separator')
  })

  it('the same CSV in a create dry run: the input field_separator is the fix', async () => {
    const dir = workspace()
    const file = semicolon(dir)
    const r = await runAction({
      cwd: dir,
      inputs: {
        atlan_base_url: 'http://127.0.0.1:9',
        atlan_api_key: 'k',
        mode: 'create',
        dry_run: 'true',
        lineage_file: file
      }
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '::error::semi.csv: The header has a single column: the file looks ";"-separated, but the separator is ",". Set the input field_separator to ";", or save the file with "," between fields.'
    )
  })

  it('a separator that is not stored falls back to the Lineage Builder default ","', async () => {
    const s = await sim()
    const dir = workspace()
    const file = semicolon(dir)
    const wf = s.seed({ direct: { form: 'plain', content: OLD } })
    const r = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: file, field_separator: ';' })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toMatch(/field_separator: the input is ";", but .* does not store it/)
    expect(routes(s)).toEqual(['workflows.search'])
  })
})

describe('a new file never rides on an older run', () => {
  it('with a run in flight and idempotent: true, the upload waits for it to end and the reported run is the new one', async () => {
    const s = await sim()
    const wf = s.seed({
      direct: { form: 'json', content: OLD },
      runs: [
        { phase: 'Succeeded', durationS: 3 },
        { phase: 'Running', startedAgoS: 1, remainingMs: 6000 }
      ]
    })
    const old = s.runs().find(x => x.phase === 'Running')!.name
    // Watch, in the simulator's own process, how many requests had arrived when the old run ended.
    let requestsWhenEnded = -1
    const watch = setInterval(() => {
      if (requestsWhenEnded < 0 && s.runs().find(x => x.name === old)!.phase !== 'Running')
        requestsWhenEnded = s.requests().length
    }, 5)
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    clearInterval(watch)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Run ${old} of ${wf} is Running. Waiting for it to end`)
    expect(requestsWhenEnded).toBeGreaterThan(0)
    const uploadAt = s.requests().findIndex(q => q.route === 'files')
    expect(uploadAt).toBeGreaterThanOrEqual(requestsWhenEnded)
    expect(r.outputs.run_id).not.toBe(old)
    expect(r.outputs.phase).toBe('Succeeded')
    expectRead(s, r.outputs.run_id, committed())
    expect(s.runInput(old)!.toString()).toBe(OLD)
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })
})

describe('base URL', () => {
  it('a path after the origin is Invalid with the corrected value, before any request', async () => {
    const s = await sim()
    const r = await runAction({
      inputs: inputsFor(s, {
        atlan_base_url: `${s.url}/api/service`,
        workflow_name: 'csa-lineage-builder-1'
      })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toContain(
      `input "atlan_base_url": got "${s.url}/api/service"; use the tenant's origin without a path: ${s.url}`
    )
    expect(s.requests()).toEqual([])
  })
})
