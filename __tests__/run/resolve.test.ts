import { describe, expect, it } from '@jest/globals'
import { errorFromStatus } from '../../src/atlan/error-mapping.js'
import { parseConfig } from '../../src/config/parse.js'
import { resolveTarget, SUGGESTION_PAGE, storageOf } from '../../src/run/resolve.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from './fake-api.js'

const stored = {
  lineage_prefix: 'lineage',
  lineage_key: 'orders.csv',
  lineage_import_type: 'CLOUD',
  cloud_source: '{{credentialGuid}}',
  lineage_upsert_semantic: 'upsert',
  lineage_fail_on_errors: true,
  batch_size: 20
}

describe('storageOf', () => {
  it('a CLOUD import without a credential reads the tenant store at prefix/key', () => {
    expect(storageOf(stored)).toEqual({ kind: 'tenant', key: 'lineage/orders.csv' })
    expect(storageOf({ ...stored, cloud_source: '' })).toEqual({
      kind: 'tenant',
      key: 'lineage/orders.csv'
    })
    expect(storageOf({ ...stored, lineage_prefix: '/a/b/' })).toEqual({
      kind: 'tenant',
      key: 'a/b/orders.csv'
    })
    expect(storageOf({ ...stored, lineage_prefix: '' })).toEqual({
      kind: 'tenant',
      key: 'orders.csv'
    })
  })
  it("a credential means the team's own bucket", () => {
    expect(storageOf({ ...stored, cloud_source: '6b1c0f7e-guid' }).kind).toBe('own-bucket')
  })
  it('a direct upload reads its lineage_file in either form; anything else is a problem', () => {
    const direct = (v: unknown) => storageOf({ lineage_import_type: 'DIRECT', lineage_file: v })
    expect(direct('uploads/x.csv')).toEqual({
      kind: 'direct',
      file: { form: 'plain', key: 'uploads/x.csv' }
    })
    expect(direct('{"fileKey":"k.csv","fileId":"i","rawName":"a.csv"}')).toEqual({
      kind: 'direct',
      file: {
        form: 'json',
        text: '{"fileKey":"k.csv","fileId":"i","rawName":"a.csv"}',
        value: { fileKey: 'k.csv', fileId: 'i', rawName: 'a.csv' }
      }
    })
    expect(direct('{}')).toEqual({ kind: 'direct', file: { form: 'json', text: '{}', value: {} } })
    for (const bad of [undefined, '', '{"fileKey":', '["k"]', '"k"', 42])
      expect(direct(bad)).toMatchObject({ kind: 'direct', problem: expect.any(String) })
    expect(storageOf({}).kind).toBe('unknown')
  })
})

describe('resolveTarget', () => {
  const now = 1_714_638_976_123
  it('rerun by name', async () => {
    const api = fakeApi()
    api.workflows.push({ name: 'csa-lineage-builder-1', namespace: 'default', parameters: stored })
    const t = await resolveTarget(
      api,
      parseConfig(rawInputs({ workflow_name: 'csa-lineage-builder-1' })),
      now
    )
    expect(t).toMatchObject({ kind: 'rerun', workflow: { name: 'csa-lineage-builder-1' } })
    expect(api.calls).toEqual(['findWorkflow csa-lineage-builder-1'])
  })
  it('rerun by name: not found says how to fix it', async () => {
    await expect(
      resolveTarget(
        fakeApi(),
        parseConfig(rawInputs({ workflow_name: 'csa-lineage-builder-9' })),
        now
      )
    ).rejects.toThrow(/"csa-lineage-builder-9" was not found.*workflow_name/)
  })
  it('not found: "did you mean" from one page of workflow names, advice that fits the inputs', async () => {
    const api = fakeApi()
    for (const name of ['csa-lineage-builder-1760000000', 'csa-lineage-builder-1714638976'])
      api.workflows.push({ name, namespace: 'default', parameters: stored })
    const typo = 'csa-lineage-builder-1714638967'
    const withFile = resolveTarget(
      api,
      parseConfig(rawInputs({ workflow_name: typo, lineage_file: 'a.csv' })),
      now
    )
    await expect(withFile).rejects.toThrow(/Did you mean "csa-lineage-builder-1714638976"\?/)
    await expect(withFile).rejects.toThrow(/remove workflow_name and set mode: create/)
    await expect(withFile).rejects.not.toThrow(/leave workflow_name empty/i)
    expect(api.calls).toEqual([`findWorkflow ${typo}`, `workflowNames ${SUGGESTION_PAGE}`])
    // Without lineage_file, rerunning the newest is open to the user; creating is not.
    const noFile = resolveTarget(api, parseConfig(rawInputs({ workflow_name: typo })), now)
    await expect(noFile).rejects.toThrow(
      /To rerun the most recent Lineage Builder workflow \("csa-lineage-builder-1760000000"\) instead, leave workflow_name empty/
    )
    await expect(noFile).rejects.not.toThrow(/mode: create/)
  })
  it('not found: with nothing close, the newest names; with none, no advice to rerun the latest', async () => {
    const api = fakeApi()
    api.workflows.push({
      name: 'csa-lineage-builder-1760000000',
      namespace: 'default',
      parameters: stored
    })
    await expect(
      resolveTarget(api, parseConfig(rawInputs({ workflow_name: 'orders-lineage' })), now)
    ).rejects.toThrow(/newest Lineage Builder workflows there: "csa-lineage-builder-1760000000"\./)
    const none = resolveTarget(
      fakeApi(),
      parseConfig(rawInputs({ workflow_name: 'orders-lineage' })),
      now
    )
    await expect(none).rejects.toThrow(/No Lineage Builder workflow on .* has run yet/)
    await expect(none).rejects.not.toThrow(/Did you mean|leave workflow_name empty/)
  })
  it('not found: a failed name search leaves the names out, not the message', async () => {
    const api = fakeApi({
      workflowNames: () =>
        Promise.reject(
          errorFromStatus(
            {
              endpoint: 'POST /api/service/workflows/indexsearch',
              requestId: 'r-1',
              service: 'atlan',
              timeoutMs: 1000
            },
            503,
            ''
          )
        )
    })
    const err = resolveTarget(api, parseConfig(rawInputs({ workflow_name: 'orders-lineage' })), now)
    await expect(err).rejects.toThrow(/"orders-lineage" was not found.*Check workflow_name/)
    await expect(err).rejects.not.toThrow(/has run yet|Did you mean/)
  })
  it('rerun latest: none found says how to create one', async () => {
    await expect(resolveTarget(fakeApi(), parseConfig(rawInputs()), now)).rejects.toThrow(
      /Atlan UI.*mode: create/
    )
  })
  it('auto with a workflow_name that does not exist is an error, not a silent create', async () => {
    const c = parseConfig(
      rawInputs({ mode: 'auto', workflow_name: 'csa-lineage-builder-5', lineage_file: 'a.csv' })
    )
    await expect(resolveTarget(fakeApi(), c, now)).rejects.toThrow(
      /"csa-lineage-builder-5" was not found/
    )
  })
  it('auto creates when none exists, with the epoch in seconds', async () => {
    const t = await resolveTarget(
      fakeApi(),
      parseConfig(rawInputs({ mode: 'auto', lineage_file: 'lineage/orders.csv' })),
      now
    )
    expect(t.kind).toBe('create')
    if (t.kind === 'create') expect(t.doc.metadata.name).toBe('csa-lineage-builder-1714638976')
    expect(t.storage).toEqual({ kind: 'tenant', key: 'atlan-lineage-action/orders.csv' })
  })
  it('a rerun that uploads needs workflow_name: auto that finds one refuses, naming it', async () => {
    const api = fakeApi()
    api.workflows.push({ name: 'csa-lineage-builder-1', namespace: 'default', parameters: stored })
    const c = parseConfig(rawInputs({ mode: 'auto', lineage_file: 'a.csv' }))
    await expect(resolveTarget(api, c, now)).rejects.toThrow(
      /input "workflow_name".*found workflow csa-lineage-builder-1.*Nothing was uploaded/
    )
  })
})
