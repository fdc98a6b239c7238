// The bundled action in dry-run create mode: validated inputs, the redacted workflow JSON as an
// output, a summary, phase DryRun, and not one network call.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { leaks, runAction } from '../helpers/action.js'
import { startRecorder, type Recorder } from '../helpers/recorder.js'
import { describeShared, fixture } from '../helpers/shared.js'

let atlan: Recorder
beforeAll(async () => (atlan = await startRecorder()))
afterAll(() => atlan.close())

const golden = {
  mode: 'create',
  dry_run: 'true',
  prefix: 'text-prefix',
  object_key: 'test-object-key',
  input_handling: 'upsert',
  fail_on_errors: 'true',
  case_sensitive_match: 'false',
  field_separator: ',',
  batch_size: '25'
}
const stores: Record<string, Record<string, string>> = {
  s3: {
    object_store: 's3',
    s3_access_key: 'test-access-key',
    s3_secret_key: 'test-secret-key',
    s3_region: 'test-region',
    s3_bucket: 'test-bucket'
  },
  gcs: {
    object_store: 'gcs',
    gcs_project_id: 'test-project-id',
    gcs_service_account_json: 'test-service-account-json',
    gcs_bucket: 'test-bucket'
  },
  adls: {
    object_store: 'adls',
    adls_client_id: 'test-client-id',
    adls_client_secret: 'test-client-secret',
    adls_tenant_id: 'test-tenant-id',
    adls_account_name: 'test-account-name',
    adls_container: 'test-container'
  }
}
const SECRET_OF: Record<string, string> = {
  s3: 'test-secret-key',
  gcs: 'test-service-account-json',
  adls: 'test-client-secret'
}

describeShared('dry run through dist/index.js', () => {
  for (const store of Object.keys(stores)) {
    it(`${store}: workflow_json equals lineage_builder_${store}.json but for the epoch and the password`, async () => {
      const apiKey = 'dry-run-api-key-0001'
      const r = await runAction({
        inputs: { ...golden, ...stores[store], atlan_base_url: atlan.url, atlan_api_key: apiKey }
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.outputs.phase).toBe('DryRun')
      const ours = JSON.parse(r.outputs.workflow_json)
      const epoch = /^csa-lineage-builder-(\d{10})$/.exec(ours.metadata.name)![1]
      const expected = JSON.parse(
        readFileSync(fixture(`lineage_builder_${store}.json`), 'utf8').replaceAll(
          'csa-lineage-builder-123456',
          `csa-lineage-builder-${epoch}`
        )
      )
      expected.payload[0].body.password = '***'
      expect(JSON.stringify(ours)).toBe(JSON.stringify(expected))
      expect(r.summary).toContain('DryRun')
      expect(JSON.parse(r.outputs.result)).toMatchObject({
        phase: 'DryRun',
        workflow_name: ours.metadata.name
      })
      expect(leaks(r.everything, [apiKey, SECRET_OF[store]])).toEqual([])
      expect(atlan.hits).toEqual([])
    })
  }
})
