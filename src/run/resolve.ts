// Which workflow this step runs: an existing one (rerun) or a new one built like pyatlan (create).
import type { Config } from '../config/types.js'
import { ConfigError } from '../config/errors.js'
import { buildWorkflow, type WorkflowDocument } from '../lineage/workflow.js'
import type { AtlanApi, WorkflowRef } from './api.js'

export type Target =
  | { kind: 'rerun'; workflow: WorkflowRef; storage: StorageTarget }
  | { kind: 'create'; doc: WorkflowDocument; storage: StorageTarget }

/** Where the workflow reads its CSV, and whether this action can write there. */
export type StorageTarget =
  | { kind: 'tenant'; key: string }
  | { kind: 'own-bucket'; description: string }
  | { kind: 'unknown'; description: string }

const CREDENTIAL_PLACEHOLDER = '{{credentialGuid}}'

function joinKey(prefix: string | undefined, key: string): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '')
  return p ? `${p}/${key.replace(/^\/+/, '')}` : key.replace(/^\/+/, '')
}

/**
 * Reads a stored workflow's parameters (docs/atlan-contract.md §5.2). A CLOUD import with no credential reads from
 * the tenant's backing store (docs/atlan-contract.md §3.13, INFERENCE): the only place this action can upload to.
 */
export function storageOf(
  parameters: Record<string, unknown>,
  hasCredential?: boolean
): StorageTarget {
  const str = (k: string) =>
    typeof parameters[k] === 'string' ? (parameters[k] as string) : undefined
  const importType = str('lineage_import_type') ?? 'CLOUD'
  if (importType === 'DIRECT') {
    const file = str('lineage_file')
    return file
      ? { kind: 'tenant', key: file }
      : { kind: 'unknown', description: 'a direct upload whose file reference is not readable' }
  }
  const key = str('lineage_key')
  if (!key)
    return { kind: 'unknown', description: 'an object store location this action cannot read' }
  const source = str('cloud_source')
  const location = joinKey(str('lineage_prefix'), key)
  if (hasCredential !== true && (!source || source === CREDENTIAL_PLACEHOLDER))
    return { kind: 'tenant', key: location }
  return {
    kind: 'own-bucket',
    description: `${location} in your own bucket (credential ${source})`
  }
}

function notFound(config: Config): ConfigError {
  if (config.workflowName)
    return new ConfigError(
      `Lineage Builder workflow "${config.workflowName}" was not found on ${config.baseUrl}. ` +
        'Check workflow_name against the Atlan UI (Workflows); Atlan only indexes workflows that have run at least once. ' +
        'Leave workflow_name empty to rerun the most recent Lineage Builder workflow.',
      'workflow_name'
    )
  return new ConfigError(
    `No Lineage Builder workflow exists on ${config.baseUrl} yet. Create one in the Atlan UI ` +
      '(Workflows → New → Lineage Builder, as Atlan recommends) and run it once, or set mode: create (or auto) with lineage_file to create it from this action.',
    'mode'
  )
}

export async function resolveTarget(api: AtlanApi, config: Config, nowMs: number): Promise<Target> {
  if (config.mode !== 'create') {
    const found = config.workflowName
      ? await api.findWorkflow(config.workflowName)
      : await api.findLatestWorkflow()
    if (found)
      return {
        kind: 'rerun',
        workflow: found,
        storage: storageOf(found.parameters, found.hasCredential)
      }
    // A named workflow that is missing is a mistake to report, not a reason to create another.
    if (config.mode === 'rerun' || config.workflowName) throw notFound(config)
  }
  const doc = buildWorkflow({
    epoch: Math.floor(nowMs / 1000),
    prefix: config.prefix ?? '',
    objectKey: config.objectKey ?? '',
    credential: config.credential,
    options: config.options
  })
  const storage: StorageTarget = config.credential
    ? {
        kind: 'own-bucket',
        description: `${joinKey(config.prefix, config.objectKey ?? '')} in your ${config.credential.store} bucket`
      }
    : { kind: 'tenant', key: joinKey(config.prefix, config.objectKey ?? '') }
  return { kind: 'create', doc, storage }
}

/** Settings a rerun keeps from the stored workflow, by input name. */
export function storedSettings(parameters: Record<string, unknown>): Record<string, string> {
  const map: Array<[string, string]> = [
    ['lineage_upsert_semantic', 'input_handling'],
    ['lineage_fail_on_errors', 'fail_on_errors'],
    ['lineage_case_sensitive', 'case_sensitive_match'],
    ['field_separator', 'field_separator'],
    ['batch_size', 'batch_size'],
    ['lineage_prefix', 'prefix'],
    ['lineage_key', 'object_key']
  ]
  const out: Record<string, string> = {}
  for (const [param, input] of map) {
    const v = parameters[param]
    if (v !== undefined) out[input] = param === 'field_separator' ? JSON.stringify(v) : String(v)
  }
  return out
}

/** One line per option input whose value differs from what the stored workflow will use. */
export function settingDifferences(config: Config, stored: Record<string, string>): string[] {
  const ours: Record<string, string> = {
    input_handling: config.options.inputHandling,
    fail_on_errors: String(config.options.failOnErrors),
    case_sensitive_match: String(config.options.caseSensitive),
    field_separator: JSON.stringify(config.options.fieldSeparator),
    batch_size: String(config.options.batchSize)
  }
  return Object.entries(ours)
    .filter(([k, v]) => stored[k] !== undefined && stored[k] !== v)
    .map(
      ([k, v]) =>
        `${k}: the stored workflow uses ${JSON.stringify(stored[k])}; the input ${JSON.stringify(v)} is not applied in a rerun`
    )
}
