// skip_unchanged's key (run/plan.ts): the tenant, the target, the CSV, the options the run applies
// and every input that changes what the step does belong to it; reporting inputs do not.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { skipKeyFor } from '../../src/run/plan.js'
import { resolveTarget } from '../../src/run/resolve.js'
import { settingsFor } from '../../src/run/settings.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from './fake-api.js'

const SHA = 'a'.repeat(64)
const WF = 'csa-lineage-builder-1714638976'
const OTHER = 'csa-lineage-builder-1714638977'

const storedWith = (failOnErrors: boolean) => ({
  lineage_import_type: 'CLOUD',
  lineage_key: 'a.csv',
  cloud_source: '',
  lineage_fail_on_errors: failOnErrors
})

/** The key of a step with these inputs, its target resolved against a tenant holding WF and OTHER. */
async function key(extra: Record<string, string> = {}, sha = SHA, failOnErrors = true) {
  const api = fakeApi()
  for (const name of [WF, OTHER])
    api.workflows.push({ name, namespace: 'default', parameters: storedWith(failOnErrors) })
  const config = parseConfig(
    rawInputs({ workflow_name: WF, lineage_file: 'examples/lineage.csv', ...extra })
  )
  const target = await resolveTarget(api, config, 0)
  return skipKeyFor(config, sha, target, settingsFor(config, target).options)
}

describe('skipKeyFor', () => {
  it('is the same for the same step, whatever only reports', async () => {
    expect(await key()).toBe(await key())
    expect(
      await key({ check_run: 'true', github_token: 'ghs_x', summary: 'false', poll_interval: '3s' })
    ).toBe(await key())
  })

  it('changes with the tenant, the workflow and the CSV', async () => {
    expect(await key({ atlan_base_url: 'https://other.atlan.com' })).not.toBe(await key())
    expect(await key({ workflow_name: OTHER })).not.toBe(await key())
    expect(await key({}, 'b'.repeat(64))).not.toBe(await key())
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
