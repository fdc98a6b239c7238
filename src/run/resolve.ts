// Which workflow this step runs: an existing one (rerun) or a new one built like pyatlan (create).
import type { AppliedOptions, Config, InputHandling, LineageOptions } from '../config/types.js'
import { AtlanError } from '../atlan/errors.js'
import { ConfigError } from '../config/errors.js'
import { isUsableSeparator } from '../config/fields.js'
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

/** The Lineage Builder's own values for settings a workflow does not store (§5.4). */
const PACKAGE_DEFAULTS: Required<LineageOptions> = {
  inputHandling: 'partial',
  failOnErrors: true,
  caseSensitive: true,
  fieldSeparator: ',',
  batchSize: 20
}

/** Option inputs and the workflow parameters that store them (§5.2). */
const OPTION_PARAMS = [
  ['inputHandling', 'input_handling', 'lineage_upsert_semantic'],
  ['failOnErrors', 'fail_on_errors', 'lineage_fail_on_errors'],
  ['caseSensitive', 'case_sensitive_match', 'lineage_case_sensitive'],
  ['fieldSeparator', 'field_separator', 'field_separator'],
  ['batchSize', 'batch_size', 'batch_size']
] as const

type OptionKey = (typeof OPTION_PARAMS)[number][0]
type Options = Required<LineageOptions>

/** The workflow parameter that stores an option. */
const paramOf = (key: OptionKey): string => OPTION_PARAMS.find(([k]) => k === key)?.[2] ?? key

function storedBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === undefined || v === null) return undefined
  const t = String(v).trim().toLowerCase()
  return t === 'true' ? true : t === 'false' ? false : undefined
}

function storedNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'number' ? v : Number(String(v).trim())
  return Number.isFinite(n) && String(v).trim() !== '' ? n : undefined
}

function storedText(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v)
}

/**
 * The options a run of this stored workflow applies: the stored value of each, else the Lineage
 * Builder's default (§5.4). A stored separator the package would refuse fails here, before
 * anything is uploaded or run.
 */
export function appliedOptions(workflow: Pick<WorkflowRef, 'name' | 'parameters'>): {
  options: Required<LineageOptions>
  stored: Set<OptionKey>
} {
  const stored = new Set<OptionKey>()
  const param = (key: OptionKey) => workflow.parameters[paramOf(key)]
  /** The stored value when there is one (and readable), else the package default. */
  const pick = <K extends OptionKey>(key: K, value: Options[K] | undefined): Options[K] => {
    if (value === undefined) return PACKAGE_DEFAULTS[key]
    stored.add(key)
    return value
  }
  const options: Options = {
    // Passed on as stored, even a value this action does not know (it is shown as is).
    inputHandling: pick('inputHandling', storedText(param('inputHandling')) as InputHandling),
    failOnErrors: pick('failOnErrors', storedBoolean(param('failOnErrors'))),
    caseSensitive: pick('caseSensitive', storedBoolean(param('caseSensitive'))),
    fieldSeparator: pick('fieldSeparator', storedText(param('fieldSeparator'))),
    batchSize: pick('batchSize', storedNumber(param('batchSize')))
  }
  const sep = options.fieldSeparator
  if (!isUsableSeparator(sep))
    throw new ConfigError(
      `Workflow ${workflow.name} stores field_separator ${JSON.stringify(sep)}; ` +
        ([...sep].length !== 1
          ? 'the Lineage Builder stops on a separator that is not exactly one character (exit code 2). '
          : 'this action checks CSVs split on one ASCII character other than a quote or a line break. ') +
        'Fix it in Atlan (edit the workflow, Field separator) before running it.',
      'workflow_name'
    )
  return { options, stored }
}

/** Options the run will use: a rerun's stored settings, or the inputs for a new workflow. */
export function optionsFor(config: Config, target: Target): AppliedOptions {
  return target.kind === 'rerun'
    ? { ...appliedOptions(target.workflow).options, rerunOf: target.workflow.name }
    : config.options
}

const shownValue = (key: OptionKey, v: unknown) =>
  key === 'fieldSeparator' ? JSON.stringify(v) : String(v)

/** Settings a rerun applies, by input name (defaults marked), plus where it reads its file. */
export function storedSettings(
  workflow: Pick<WorkflowRef, 'name' | 'parameters'>
): Record<string, string> {
  const { options, stored } = appliedOptions(workflow)
  const out: Record<string, string> = {}
  for (const [key, input] of OPTION_PARAMS) {
    const v = shownValue(key, options[key])
    out[input] = stored.has(key) ? v : `${v} (not stored: Lineage Builder default)`
  }
  // A Direct-upload workflow's file is shown as a before/now note instead (it changes in the step).
  for (const [param, label] of [
    ['lineage_prefix', 'prefix'],
    ['lineage_key', 'object_key']
  ] as const) {
    const v = workflow.parameters[param]
    if (v !== undefined && v !== '') out[label] = String(v)
  }
  return out
}

/** One line per option input whose value differs from what the stored workflow will apply. */
export function settingDifferences(
  config: Config,
  workflow: Pick<WorkflowRef, 'name' | 'parameters'>
): string[] {
  const { options, stored } = appliedOptions(workflow)
  const change = `To change it, edit workflow ${workflow.name} in Atlan (Workflows → ${workflow.name} → edit the Lineage Builder settings), or set the input to match.`
  return OPTION_PARAMS.filter(([key]) => config.options[key] !== options[key]).map(
    ([key, input]) => {
      const mine = shownValue(key, config.options[key])
      const theirs = shownValue(key, options[key])
      return stored.has(key)
        ? `${input}: the input is ${mine}, but ${workflow.name} stores ${theirs}, which a rerun applies. ${change}`
        : `${input}: the input is ${mine}, but ${workflow.name} does not store it, so the Lineage Builder applies its default ${theirs}. ${change}`
    }
  )
}
