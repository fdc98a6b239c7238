// Defaults of action.yml, applied when an input arrives empty (local runs, `${{ inputs.x }}` of an
// unset dispatch input). A test keeps this table equal to action.yml.
import type { InputName } from './inputs.js'

export const INPUT_DEFAULTS: Partial<Record<InputName, string>> = {
  mode: 'rerun',
  idempotent: 'true',
  validate: 'true',
  object_store: 'tenant',
  input_handling: 'partial',
  fail_on_errors: 'true',
  case_sensitive_match: 'true',
  field_separator: ',',
  batch_size: '20',
  wait: 'true',
  poll_interval: '5s',
  timeout: '30m',
  on_timeout: 'fail',
  cancel_on_job_cancel: 'true',
  request_timeout: '30s',
  index_grace: '2m',
  check_run: 'false',
  check_name: 'Atlan lineage builder',
  pr_comment: 'true',
  skip_unchanged: 'false',
  dry_run: 'false',
  summary: 'true',
  check_tenant: 'true',
  verify: 'true',
  prune: 'false',
  tenant_search_limit: '100'
}
