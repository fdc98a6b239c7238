// skip_unchanged's key: the tenant, the target, the CSV and every input that changes what the
// step does belong to it; reporting inputs do not.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { resolveTarget } from '../../src/run/resolve.js'
import { skipKeyFor } from '../../src/run/skip.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from './fake-api.js'

const SHA = 'a'.repeat(64)
const WF = 'csa-lineage-builder-1714638976'

const config = (extra: Record<string, string> = {}) =>
  parseConfig(rawInputs({ workflow_name: WF, lineage_file: 'examples/lineage.csv', ...extra }))
const key = (extra: Record<string, string> = {}) => skipKeyFor(config(extra), SHA)

describe('skipKeyFor', () => {
  it('is the same for the same step, whatever only reports', () => {
    expect(key()).toBe(key())
    expect(
      key({ check_run: 'true', github_token: 'ghs_x', summary: 'false', poll_interval: '3s' })
    ).toBe(key())
  })

  it('changes with the tenant, the workflow and the CSV', () => {
    expect(key({ atlan_base_url: 'https://other.atlan.com' })).not.toBe(key())
    expect(key({ workflow_name: 'csa-lineage-builder-1714638977' })).not.toBe(key())
    expect(skipKeyFor(config(), 'b'.repeat(64))).not.toBe(key())
  })

  it('changes with every input that changes what the step does or whether it passes', () => {
    const base = key()
    const changes: Record<string, string>[] = [
      { check_tenant: 'false' },
      { verify: 'false' },
      { prune: 'true' },
      { validate: 'false' },
      { dry_run: 'true' },
      { wait: 'false' },
      { fail_on_errors: 'false' },
      { input_handling: 'upsert' }
    ]
    for (const extra of changes) expect([extra, key(extra)]).not.toEqual([extra, base])
  })

  it("a create's store, bucket and key are part of it", () => {
    const create = (extra: Record<string, string>) =>
      key({ mode: 'create', workflow_name: '', prefix: 'lineage', object_key: 'a.csv', ...extra })
    expect(create({ object_key: 'b.csv' })).not.toBe(create({}))
    expect(create({ prefix: 'other' })).not.toBe(create({}))
    const s3 = (bucket: string) =>
      create({
        object_store: 's3',
        s3_bucket: bucket,
        s3_region: 'us-east-1',
        s3_access_key: 'AKIAEXAMPLEEXAMPLE12',
        s3_secret_key: 'secret-secret-secret'
      })
    expect(s3('bucket-a')).not.toBe(s3('bucket-b'))
    expect(s3('bucket-a')).not.toBe(create({}))
  })

  it("once the target is known, a rerun's key follows the options the workflow stores", async () => {
    const api = fakeApi()
    const stored = (failOnErrors: boolean) => ({
      name: WF,
      namespace: 'default',
      parameters: {
        lineage_import_type: 'CLOUD',
        lineage_key: 'a.csv',
        cloud_source: '',
        lineage_fail_on_errors: failOnErrors
      }
    })
    api.workflows.push(stored(true))
    const c = config()
    const keyOn = skipKeyFor(c, SHA, await resolveTarget(api, c, 0))
    api.workflows[0] = stored(false)
    const keyOff = skipKeyFor(c, SHA, await resolveTarget(api, c, 0))
    expect(keyOn).not.toBe(keyOff)
  })
})
