// skip_unchanged's key (run/plan.ts): the tenant, the target, the CSV, the options the run applies
// and every input that changes what the step does belong to it; reporting inputs do not.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { skipMarkerFor } from '../../src/run/plan.js'
import { resolveTarget } from '../../src/run/resolve.js'
import { settingsFor } from '../../src/run/settings.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from './fake-api.js'

const SHA = 'a'.repeat(64)
const WF = 'csa-lineage-builder-1714638976'
const OTHER = 'csa-lineage-builder-1714638977'

const storedWith = (failOnErrors: boolean, stored: Record<string, unknown> = {}) => ({
  lineage_import_type: 'CLOUD',
  lineage_key: 'a.csv',
  cloud_source: '',
  lineage_fail_on_errors: failOnErrors,
  ...stored
})

/** The marker of a step with these inputs, its target resolved against a tenant holding WF and OTHER. */
async function marker(
  extra: Record<string, string> = {},
  sha = SHA,
  failOnErrors = true,
  stored: Record<string, unknown> = {}
) {
  const api = fakeApi()
  for (const name of [WF, OTHER])
    api.workflows.push({ name, namespace: 'default', parameters: storedWith(failOnErrors, stored) })
  const config = parseConfig(
    rawInputs({ workflow_name: WF, lineage_file: 'examples/lineage.csv', ...extra })
  )
  const target = await resolveTarget(api, config, 0)
  return skipMarkerFor(config, sha, target, settingsFor(config, target).options)
}

/** The whole marker as one string: prefix and digest. */
async function key(...args: Parameters<typeof marker>) {
  const m = await marker(...args)
  return `${m.prefix}${m.digest}`
}

describe('skipMarkerFor', () => {
  it('is the same for the same step, whatever only reports', async () => {
    expect(await key()).toBe(await key())
    expect(
      await key({ check_run: 'true', github_token: 'ghs_x', summary: 'false', poll_interval: '3s' })
    ).toBe(await key())
  })

  it('its prefix is the tenant and the workflow; the CSV changes the digest only', async () => {
    const base = await marker()
    expect((await marker({ atlan_base_url: 'https://other.atlan.com' })).prefix).not.toBe(
      base.prefix
    )
    expect((await marker({ workflow_name: OTHER })).prefix).not.toBe(base.prefix)
    const otherCsv = await marker({}, 'b'.repeat(64))
    expect(otherCsv.prefix).toBe(base.prefix)
    expect(otherCsv.digest).not.toBe(base.digest)
  })

  it('a workflow edited to read another key or Direct-upload file is another digest', async () => {
    const base = await marker()
    const movedKey = await marker({}, SHA, true, { lineage_key: 'b.csv' })
    expect(movedKey.prefix).toBe(base.prefix)
    expect(movedKey.digest).not.toBe(base.digest)
    expect((await marker({}, SHA, true, { lineage_prefix: 'elsewhere' })).digest).not.toBe(
      base.digest
    )
    const direct = (fileKey: string, fileId: string, extra = '') =>
      marker({}, SHA, true, {
        lineage_import_type: 'DIRECT',
        lineage_file: `{"fileKey":"${fileKey}","fileId":"${fileId}"${extra}}`
      })
    const one = await direct('k1.csv', 'id1')
    expect(one.digest).not.toBe(base.digest)
    expect((await direct('k2.csv', 'id1')).digest).not.toBe(one.digest)
    expect((await direct('k1.csv', 'id2')).digest).not.toBe(one.digest)
    // Keys the run does not read leave it alone.
    expect((await direct('k1.csv', 'id1', ',"fileName":"x.csv"')).digest).toBe(one.digest)
  })

  it('changes with every input that changes what the step does or whether it passes', async () => {
    const base = await key()
    const changes: Record<string, string>[] = [
      { check_tenant: 'false' },
      { verify: 'false' },
      { verify: 'strict' },
      { prune: 'true' },
      { tenant_search_limit: '500' },
      { validate: 'false' },
      { dry_run: 'true' },
      { wait: 'false' }
    ]
    for (const extra of changes) expect([extra, await key(extra)]).not.toEqual([extra, base])
  })

  it("a create's options, store, bucket and key are part of it", async () => {
    const create = (extra: Record<string, string>) =>
      key({ mode: 'create', workflow_name: '', prefix: 'lineage', object_key: 'a.csv', ...extra })
    const base = await create({})
    const optionChanges: Record<string, string>[] = [
      { fail_on_errors: 'false' },
      { input_handling: 'upsert' }
    ]
    for (const extra of optionChanges)
      expect([extra, await create(extra)]).not.toEqual([extra, base])
    expect(await create({ object_key: 'b.csv' })).not.toBe(base)
    expect(await create({ prefix: 'other' })).not.toBe(base)
    const s3 = (bucket: string) =>
      create({
        object_store: 's3',
        s3_bucket: bucket,
        s3_region: 'us-east-1',
        s3_access_key: 'AKIAEXAMPLEEXAMPLE12',
        s3_secret_key: 'secret-secret-secret'
      })
    expect(await s3('bucket-a')).not.toBe(await s3('bucket-b'))
    expect(await s3('bucket-a')).not.toBe(base)
  })

  it("a rerun's key follows the options the workflow stores, not the inputs it does not apply", async () => {
    expect(await key({}, SHA, false)).not.toBe(await key({}, SHA, true))
    expect(await key({ fail_on_errors: 'false' })).toBe(await key())
  })
})
