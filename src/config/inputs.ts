// Names of every input, and reading them the way the runner passes them (INPUT_* variables).
import * as core from '@actions/core'
import { INPUT_DEFAULTS } from './defaults.js'
import { registerSecret, secretParts } from './redact.js'

export const SECRET_INPUTS = [
  'atlan_api_key',
  's3_secret_key',
  'gcs_service_account_json',
  'adls_client_secret',
  'github_token'
] as const

export const INPUT_NAMES = [
  'atlan_base_url',
  'atlan_api_key',
  'mode',
  'workflow_name',
  'idempotent',
  'lineage_file',
  'validate',
  'object_store',
  'prefix',
  'object_key',
  's3_access_key',
  's3_secret_key',
  's3_region',
  's3_bucket',
  'gcs_project_id',
  'gcs_service_account_json',
  'gcs_bucket',
  'adls_client_id',
  'adls_client_secret',
  'adls_tenant_id',
  'adls_account_name',
  'adls_container',
  'input_handling',
  'fail_on_errors',
  'case_sensitive_match',
  'field_separator',
  'batch_size',
  'wait',
  'poll_interval',
  'timeout',
  'on_timeout',
  'cancel_on_job_cancel',
  'request_timeout',
  'index_grace',
  'check_run',
  'check_name',
  'pr_comment',
  'github_token',
  'skip_unchanged',
  'dry_run',
  'summary',
  'check_tenant',
  'verify',
  'prune',
  'tenant_search_limit'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

/** Inputs whose surrounding whitespace is meaningful (a tab separator). */
const UNTRIMMED: ReadonlySet<InputName> = new Set(['field_separator'])

/**
 * Reads every input once. Secrets are masked before anything else can echo them.
 * `read` is injectable so tests can pass a plain object.
 */
export function readInputs(
  read: (name: string, trim: boolean) => string = (name, trim) =>
    core.getInput(name, { trimWhitespace: trim })
): RawInputs {
  const raw = {} as RawInputs
  for (const name of SECRET_INPUTS) {
    raw[name] = read(name, true)
    if (raw[name]) maskSecret(raw[name])
  }
  for (const name of INPUT_NAMES) {
    if (name in raw) continue
    raw[name] = read(name, !UNTRIMMED.has(name)) || (INPUT_DEFAULTS[name] ?? '')
  }
  return raw
}

/** The non-empty secret values among the inputs, for redaction. */
export function secretValues(raw: RawInputs): string[] {
  return SECRET_INPUTS.map(n => raw[n]).filter(v => v && v.trim().length > 0)
}

/**
 * Masks a secret in the runner's log and registers it for redaction. The runner derives the
 * base64, URL- and JSON-escaped forms of each mask itself, but not the lines of a multi-line
 * value, a GCS key's decoded private_key PEM, or a lower-cased copy (a token in a URL host).
 */
function maskSecret(value: string): void {
  registerSecret(value)
  const masks = new Set<string>()
  for (const part of secretParts(value)) masks.add(part).add(part.toLowerCase())
  for (const m of masks) core.setSecret(m)
}
