// Which workflow this step runs: an existing one (rerun) or a new one built like pyatlan (create).
import type { Config } from '../config/types.js'
import { ConfigError } from '../config/errors.js'
import { WORKFLOW_NAME_FOR_UPLOAD } from '../config/parse.js'
import { buildWorkflow, type WorkflowDocument } from '../lineage/workflow.js'
import type { AtlanApi, WorkflowRef } from './api.js'
import { parseDirectFile, unreadableDirectFile, type DirectFile } from './direct.js'

export type Target =
  | { kind: 'rerun'; workflow: WorkflowRef; storage: StorageTarget }
  | { kind: 'create'; doc: WorkflowDocument; storage: StorageTarget }

/** Where the workflow reads its CSV, and whether this action can write there. */
export type StorageTarget =
  | { kind: 'tenant'; key: string }
  /** A Direct-upload workflow (§10.1): `file` is what it reads now, or `problem` says why unknown. */
  | { kind: 'direct'; file?: DirectFile; problem?: string }
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
  const str = (k: string) => {
    const v = parameters[k]
    return typeof v === 'string' ? v : undefined
  }
  const importType = str('lineage_import_type') ?? 'CLOUD'
  if (importType === 'DIRECT') {
    const file = parseDirectFile(parameters.lineage_file)
    return typeof file === 'string' ? { kind: 'direct', problem: file } : { kind: 'direct', file }
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
    if (found) {
      // Uploading into "the most recent" workflow could overwrite another team's file.
      if (config.lineageFile && !config.workflowName)
        throw new ConfigError(
          `input "workflow_name": mode ${config.mode} found workflow ${found.name} to rerun; ${WORKFLOW_NAME_FOR_UPLOAD}. Set workflow_name: ${found.name} if that is yours, or mode: create for a new one. Nothing was uploaded.`,
          'workflow_name'
        )
      const storage = storageOf(found.parameters, found.hasCredential)
      if (config.lineageFile && storage.kind === 'direct' && storage.problem)
        throw unreadableDirectFile(found.name, storage.problem)
      return { kind: 'rerun', workflow: found, storage }
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
