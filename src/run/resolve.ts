// Which workflow this step runs: an existing one (rerun) or a new one built like pyatlan (create).
import type { Config } from '../config/types.js'
import { AtlanError } from '../atlan/errors.js'
import { ConfigError } from '../config/errors.js'
import { WORKFLOW_NAME_FOR_UPLOAD } from '../config/parse.js'
import { buildWorkflow, type WorkflowDocument } from '../lineage/workflow.js'
import type { AtlanApi, WorkflowRef } from './api.js'
import { closestNames } from './did-you-mean.js'
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

/** How many workflow names a "did you mean" reads: one page of the §3.4 search. */
export const SUGGESTION_PAGE = 50

/** Lineage Builder workflow names for a "did you mean", newest first; undefined when the search fails. */
async function workflowNamesFor(api: AtlanApi): Promise<string[] | undefined> {
  try {
    return await api.workflowNames(SUGGESTION_PAGE)
  } catch (e) {
    // The message is still right without names; only an Atlan reply is given up on here.
    if (e instanceof AtlanError) return undefined
    throw e
  }
}

/** A named workflow was not found: names like it, and only advice the inputs set can follow. */
function namedNotFound(
  config: Config,
  name: string,
  listed: readonly string[] | undefined
): ConfigError {
  const names = listed ?? []
  const like = closestNames(name, names)
  const parts = [`Lineage Builder workflow "${name}" was not found on ${config.baseUrl}.`]
  if (like.length)
    parts.push(
      `Did you mean ${like.map(n => `"${n}"`).join(' or ')}? Set workflow_name to the one that reads your CSV.`
    )
  parts.push(
    "Check workflow_name against the Atlan UI: a workflow's page address ends in /workflows/profile/<name>. " +
      'Atlan only finds workflows that have run at least once: if yours never ran, run it once from the UI.'
  )
  if (listed && !listed.length)
    parts.push(`No Lineage Builder workflow on ${config.baseUrl} has run yet.`)
  else if (names.length && !like.length)
    parts.push(
      `The newest Lineage Builder workflows there: ${names
        .slice(0, 3)
        .map(n => `"${n}"`)
        .join(', ')}.`
    )
  if (config.lineageFile)
    parts.push(
      'To create a new workflow from lineage_file instead, remove workflow_name and set mode: create.'
    )
  else if (names.length)
    parts.push(
      `To rerun the most recent Lineage Builder workflow ("${names[0]}") instead, leave workflow_name empty.`
    )
  return new ConfigError(parts.join(' '), 'workflow_name')
}

function noneFound(config: Config): ConfigError {
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
    if (config.workflowName)
      throw namedNotFound(config, config.workflowName, await workflowNamesFor(api))
    if (config.mode === 'rerun') throw noneFound(config)
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
