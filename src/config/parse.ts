// All inputs → one typed Config, or one ConfigError naming every bad input and its fix.
import { basename } from 'node:path'
import { z } from 'zod'
import { ConfigError } from './errors.js'
import {
  baseUrl,
  bool,
  duration,
  oneOf,
  optionalText,
  positiveInt,
  separator,
  verifyMode,
  workflowName
} from './fields.js'
import { INPUT_DEFAULTS } from './defaults.js'
import { secretValues, type InputName, type RawInputs } from './inputs.js'
import { INPUT_HANDLINGS, MODES, OBJECT_STORES, ON_TIMEOUTS } from './types.js'
import type { Config, Credential } from './types.js'

const HOUR = 3_600_000

const schema = z.object({
  atlan_base_url: baseUrl,
  atlan_api_key: z.string(),
  mode: oneOf(MODES),
  workflow_name: workflowName,
  idempotent: bool,
  lineage_file: optionalText,
  validate: bool,
  object_store: oneOf(OBJECT_STORES),
  prefix: optionalText,
  object_key: optionalText,
  s3_access_key: optionalText,
  s3_secret_key: optionalText,
  s3_region: optionalText,
  s3_bucket: optionalText,
  gcs_project_id: optionalText,
  gcs_service_account_json: optionalText,
  gcs_bucket: optionalText,
  adls_client_id: optionalText,
  adls_client_secret: optionalText,
  adls_tenant_id: optionalText,
  adls_account_name: optionalText,
  adls_container: optionalText,
  input_handling: oneOf(INPUT_HANDLINGS),
  fail_on_errors: bool,
  case_sensitive_match: bool,
  field_separator: separator,
  batch_size: positiveInt,
  wait: bool,
  poll_interval: duration(1000, HOUR),
  timeout: duration(1000, 6 * HOUR),
  on_timeout: oneOf(ON_TIMEOUTS),
  cancel_on_job_cancel: bool,
  request_timeout: duration(100, 15 * 60_000),
  index_grace: duration(0, HOUR),
  check_run: bool,
  check_name: z.string(),
  pr_comment: bool,
  github_token: optionalText,
  skip_unchanged: bool,
  dry_run: bool,
  summary: bool,
  check_tenant: bool,
  verify: verifyMode,
  prune: bool,
  tenant_search_limit: positiveInt
})

type Parsed = z.output<typeof schema>

/** Each object store's inputs (all required with it). */
const STORE_FIELDS = {
  s3: z.object({
    s3_access_key: z.string(),
    s3_secret_key: z.string(),
    s3_region: z.string(),
    s3_bucket: z.string()
  }),
  gcs: z.object({
    gcs_project_id: z.string(),
    gcs_service_account_json: z.string(),
    gcs_bucket: z.string()
  }),
  adls: z.object({
    adls_client_id: z.string(),
    adls_client_secret: z.string(),
    adls_tenant_id: z.string(),
    adls_account_name: z.string(),
    adls_container: z.string()
  })
}

/** Each object store's inputs, as the Credential they make. */
const CREDENTIALS = {
  s3: z.pipe(
    STORE_FIELDS.s3,
    z.transform((v): Credential => ({
      store: 's3',
      accessKey: v.s3_access_key,
      secretKey: v.s3_secret_key,
      region: v.s3_region,
      bucket: v.s3_bucket
    }))
  ),
  gcs: z.pipe(
    STORE_FIELDS.gcs,
    z.transform((v): Credential => ({
      store: 'gcs',
      projectId: v.gcs_project_id,
      serviceAccountJson: v.gcs_service_account_json,
      bucket: v.gcs_bucket
    }))
  ),
  adls: z.pipe(
    STORE_FIELDS.adls,
    z.transform((v): Credential => ({
      store: 'adls',
      clientId: v.adls_client_id,
      clientSecret: v.adls_client_secret,
      tenantId: v.adls_tenant_id,
      accountName: v.adls_account_name,
      container: v.adls_container
    }))
  )
}

const STORE_INPUTS = {
  s3: z.keyof(STORE_FIELDS.s3).options,
  gcs: z.keyof(STORE_FIELDS.gcs).options,
  adls: z.keyof(STORE_FIELDS.adls).options
} satisfies Record<string, readonly InputName[]>

/** Why a rerun that uploads a file needs workflow_name, and where to find the name. */
export const WORKFLOW_NAME_FOR_UPLOAD =
  'it is required when lineage_file is set and the mode is rerun, so the CSV goes only into the workflow you name. ' +
  'Open the workflow in Atlan (Workflows, then your Lineage Builder workflow) and copy its name, csa-lineage-builder-<digits>, from the page address …/workflows/profile/<name>'

type Problem = { input: InputName; message: string }

function crossFieldProblems(p: Parsed): Problem[] {
  const problems: Problem[] = []
  const add = (input: InputName, message: string) => problems.push({ input, message })

  if (!p.atlan_api_key.trim())
    add(
      'atlan_api_key',
      'it is required: pass your Atlan API token, e.g. ${{ secrets.ATLAN_API_KEY }}'
    )
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  else if (/[\u0000-\u001f\u007f]/.test(p.atlan_api_key.trim()))
    add(
      'atlan_api_key',
      'it contains a line break or another control character, which no HTTP header may carry; copy the token again into the secret, without extra lines'
    )
  if (!p.check_name.trim()) add('check_name', 'it must not be empty when given')

  if (p.mode === 'create' && p.workflow_name)
    add(
      'workflow_name',
      'create mode generates a new workflow name; remove workflow_name or use mode: rerun'
    )

  // Uploading into "the most recent" workflow could overwrite another team's file: name it.
  if (p.mode === 'rerun' && p.lineage_file && !p.workflow_name)
    add('workflow_name', WORKFLOW_NAME_FOR_UPLOAD)

  const creates = p.mode !== 'rerun'
  for (const [store, names] of Object.entries(STORE_INPUTS)) {
    const given = names.filter(n => p[n] !== undefined)
    if (store === p.object_store) {
      // One message for all of them (formatProblems names the inputs together).
      for (const n of names)
        if (p[n] === undefined)
          add(
            n,
            `required when object_store is ${store} (${store} needs all of ${names.join(', ')})`
          )
    } else {
      for (const n of given)
        add(
          n,
          `it belongs to object_store: ${store}, but object_store is ${p.object_store}; set object_store: ${store} or remove ${n}`
        )
    }
  }
  if (!creates && p.object_store !== 'tenant')
    add(
      'object_store',
      `rerun mode keeps the workflow's stored storage settings; object_store: ${p.object_store} only applies with mode: create or auto`
    )

  if (creates) {
    if (p.object_store === 'tenant' && !p.lineage_file && !(p.prefix && p.object_key))
      add(
        'lineage_file',
        'create mode needs a CSV: set lineage_file (it is uploaded for you), or prefix and object_key of a file already in the store'
      )
    if (p.object_store !== 'tenant' && !p.prefix)
      add(
        'prefix',
        `it is required with object_store: ${p.object_store}: the folder in your bucket that holds the CSV`
      )
    if (p.object_store !== 'tenant' && !p.object_key && !p.lineage_file)
      add(
        'object_key',
        'it is required: the CSV file name in your bucket (or set lineage_file to use its name)'
      )
  }
  if (p.check_run && !p.github_token)
    add(
      'github_token',
      'check_run needs a token; leave github_token at its default (${{ github.token }})'
    )
  // Both act on the checked CSV's rows after the run has finished (docs: README "Lineage as
  // code"): without either, prune would retire nothing and strict verification prove nothing.
  for (const [input, setting] of [
    ['prune', p.prune && 'prune: true'],
    ['verify', p.verify === 'strict' && 'verify: strict']
  ] as const) {
    if (!setting) continue
    const lacking = [
      !p.lineage_file && ['lineage_file is not set', 'set lineage_file'],
      !p.validate && ['validate is false', 'set validate: true'],
      !p.wait && ['wait is false', 'set wait: true']
    ].filter(x => x !== false)
    if (lacking.length)
      add(
        input,
        `${setting} needs a validated CSV and a finished run, but ${lacking.map(l => l[0]).join(' and ')}; ${lacking.map(l => l[1]).join(' and ')}, or remove ${setting}`
      )
  }
  if (p.skip_unchanged && !p.lineage_file)
    add(
      'skip_unchanged',
      'it compares the CSV with the one the last step passed with, so it needs lineage_file'
    )
  return problems
}

/** The chosen store's credential; crossFieldProblems has checked that its inputs are all set. */
function credential(p: Parsed): Credential | undefined {
  return p.object_store === 'tenant' ? undefined : CREDENTIALS[p.object_store].parse(p)
}

// pyatlan sends the key file as an opaque string, so bad JSON is Atlan's to reject: warn only.
function gcsJsonWarnings(p: Parsed): string[] {
  if (p.gcs_service_account_json === undefined) return []
  try {
    JSON.parse(p.gcs_service_account_json)
    return []
  } catch {
    return [
      'gcs_service_account_json is not valid JSON; Atlan will likely reject the credential. Pass the whole key file, e.g. ${{ secrets.GCS_KEY_JSON }}.'
    ]
  }
}

/** Default folder in the tenant store for files this action uploads. */
const DEFAULT_TENANT_PREFIX = 'atlan-lineage-action'

/** One sentence per distinct message: inputs with the same problem are named together. */
function formatProblems(problems: Problem[]): string {
  const byMessage = new Map<string, InputName[]>()
  for (const pr of problems)
    byMessage.set(pr.message, [...(byMessage.get(pr.message) ?? []), pr.input])
  const parts = [...byMessage].map(([message, inputs]) =>
    inputs.length === 1
      ? `input "${inputs[0]}": ${message}`
      : `inputs ${inputs.map(i => `"${i}"`).join(', ')}: ${message}`
  )
  return `Invalid input${problems.length > 1 ? 's' : ''}: ${parts.join('; ')}`
}

export function parseConfig(raw: RawInputs): Config {
  const result = schema.safeParse(raw)
  if (!result.success) {
    // Only the fields parsers quote values, and none of them reads a secret input (those are
    // checked in crossFieldProblems, whose messages quote nothing), so no message echoes a secret.
    const problems = result.error.issues.map(issue => ({
      input: String(issue.path[0]) as InputName,
      message: issue.message
    }))
    // Check the other inputs' cross-field rules too, with the bad fields at their defaults, so one
    // run names every problem.
    const bad = new Set(problems.map(pr => pr.input))
    const patched = { ...raw }
    for (const name of bad) patched[name] = INPUT_DEFAULTS[name] ?? ''
    const retry = schema.safeParse(patched)
    if (retry.success)
      problems.push(...crossFieldProblems(retry.data).filter(pr => !bad.has(pr.input)))
    throw new ConfigError(formatProblems(problems), problems[0]?.input)
  }
  const p = result.data
  const problems = crossFieldProblems(p)
  if (problems.length) throw new ConfigError(formatProblems(problems), problems[0].input)

  const objectKey = p.object_key ?? (p.lineage_file ? basename(p.lineage_file) : undefined)
  const prefix =
    p.prefix ?? (p.lineage_file && p.object_store === 'tenant' ? DEFAULT_TENANT_PREFIX : undefined)
  return {
    baseUrl: p.atlan_base_url,
    apiKey: p.atlan_api_key.trim(),
    mode: p.mode,
    workflowName: p.workflow_name,
    idempotent: p.idempotent,
    lineageFile: p.lineage_file,
    validate: p.validate,
    objectStore: p.object_store,
    prefix,
    objectKey,
    credential: credential(p),
    options: {
      inputHandling: p.input_handling,
      failOnErrors: p.fail_on_errors,
      caseSensitive: p.case_sensitive_match,
      fieldSeparator: p.field_separator,
      batchSize: p.batch_size
    },
    wait: p.wait,
    pollIntervalMs: p.poll_interval,
    timeoutMs: p.timeout,
    onTimeout: p.on_timeout,
    cancelOnJobCancel: p.cancel_on_job_cancel,
    requestTimeoutMs: p.request_timeout,
    indexGraceMs: p.index_grace,
    checkRun: p.check_run,
    checkName: p.check_name.trim(),
    prComment: p.pr_comment,
    githubToken: p.github_token,
    skipUnchanged: p.skip_unchanged,
    dryRun: p.dry_run,
    summary: p.summary,
    checkTenant: p.check_tenant,
    verify: p.verify,
    prune: p.prune,
    tenantSearchLimit: p.tenant_search_limit,
    warnings: gcsJsonWarnings(p),
    secrets: secretValues(raw)
  }
}
