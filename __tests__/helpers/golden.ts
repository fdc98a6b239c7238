// The settings pyatlan's own tests used to produce lineage_builder_{s3,gcs,adls}.json
// (../shared/fixtures/atlan/SOURCES.md), as action inputs.
import { readFileSync } from 'node:fs'
import { fixture } from './shared.js'

export const GOLDEN_INPUTS: Record<string, string> = {
  mode: 'create',
  prefix: 'text-prefix',
  object_key: 'test-object-key',
  input_handling: 'upsert',
  fail_on_errors: 'true',
  case_sensitive_match: 'false',
  field_separator: ',',
  batch_size: '25'
}

export const GOLDEN_STORES: Record<'s3' | 'gcs' | 'adls', Record<string, string>> = {
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

/** The credential secret of each store's golden settings. */
export const GOLDEN_SECRET = {
  s3: 'test-secret-key',
  gcs: 'test-service-account-json',
  adls: 'test-client-secret'
}

/** The golden file's text, with the epoch in names replaced when one is given. */
export function goldenText(store: string, epoch?: string): string {
  const text = readFileSync(fixture(`lineage_builder_${store}.json`), 'utf8')
  return epoch
    ? text.replaceAll('csa-lineage-builder-123456', `csa-lineage-builder-${epoch}`)
    : text
}
