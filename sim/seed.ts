// Existing workflows for rerun tests, and a Lineage Builder document shaped as pyatlan builds it.
import { storeFile } from './direct.js'
import { HttpError, isObject } from './http.js'
import { seedRun } from './runs.js'
import type { SimState } from './state.js'
import type {
  LineageBuilderOptions,
  Parameter,
  SeedInput,
  SeedRun,
  WorkflowDocument
} from './types.js'
import { asWorkflowDocument, storeWorkflow } from './workflows.js'

export interface LineageBuilderWorkflowInput {
  /** Default csa-lineage-builder-<current epoch>. */
  name?: string
  prefix?: string
  key: string
  options?: LineageBuilderOptions
  /** Omit for the tenant backing store (payload [], cloud_source ""). */
  credential?: 's3' | 'gcs' | 'adls'
  /** A Direct-upload workflow: the stored `lineage_file` value (docs/atlan-contract.md §10.1); prefix/key are blank. */
  lineageFile?: string
}

const credentialExtra = {
  s3: { region: 'us-east-1', s3_bucket: 'sim-bucket' },
  gcs: { gcs_bucket: 'sim-bucket' },
  adls: { azure_tenant_id: 'sim-tenant', storage_account_name: 'simaccount', adls_container: 'sim' }
}

/** The workflow body of docs/atlan-contract.md §5 with the given store location and options. */
export function lineageBuilderWorkflow(input: LineageBuilderWorkflowInput): WorkflowDocument {
  const name = input.name ?? `csa-lineage-builder-${Math.floor(Date.now() / 1000)}`
  const o = input.options ?? {}
  const direct = input.lineageFile !== undefined
  const parameters: Parameter[] = [
    { name: 'lineage_prefix', value: direct ? '' : (input.prefix ?? '') },
    { name: 'lineage_key', value: direct ? '' : input.key },
    { name: 'lineage_import_type', value: direct ? 'DIRECT' : 'CLOUD' },
    ...(direct ? [{ name: 'lineage_file', value: input.lineageFile }] : []),
    // A workflow that reads the backing store must leave cloud_source empty (docs/atlan-contract.md §10.4).
    { name: 'cloud_source', value: input.credential ? '{{credentialGuid}}' : '' },
    { name: 'lineage_upsert_semantic', value: o.upsertSemantic ?? 'partial' }
  ]
  const optional: [string, unknown][] = [
    ['lineage_fail_on_errors', o.failOnErrors],
    ['lineage_case_sensitive', o.caseSensitive],
    ['field_separator', o.fieldSeparator],
    ['batch_size', o.batchSize]
  ]
  for (const [n, value] of optional) if (value !== undefined) parameters.push({ name: n, value })
  return {
    metadata: {
      annotations: {
        'orchestration.atlan.com/allowSchedule': 'true',
        'orchestration.atlan.com/categories': 'kotlin,utility',
        'orchestration.atlan.com/name': 'Lineage Builder',
        'package.argoproj.io/name': '@csa/lineage-builder',
        'orchestration.atlan.com/atlanName': name
      },
      labels: {
        'orchestration.atlan.com/source': 'lineage-builder',
        'orchestration.atlan.com/type': 'custom',
        'package.argoproj.io/name': 'a-t-rcsas-l-a-s-hlineage-builder'
      },
      name,
      namespace: 'default'
    },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              {
                name: 'run',
                arguments: { parameters },
                templateRef: { name: 'csa-lineage-builder', template: 'main', clusterScope: true }
              }
            ]
          }
        }
      ],
      workflowMetadata: { annotations: { 'package.argoproj.io/name': '@csa/lineage-builder' } }
    },
    payload: input.credential
      ? [
          {
            parameter: 'credentialGuid',
            type: 'credential',
            body: {
              name: `${name}-0`,
              authType: input.credential,
              username: 'sim-user',
              password: 'sim-secret',
              extra: credentialExtra[input.credential],
              connectorConfigName: 'csa-connectors-objectstore'
            }
          }
        ]
      : []
  }
}

/** A free csa-lineage-builder-<10 digits> name (seeds made in the same second step back). */
function freeName(state: SimState): string {
  let epoch = Math.floor(Date.now() / 1000)
  while (state.workflows.has(`csa-lineage-builder-${epoch}`)) epoch--
  return `csa-lineage-builder-${epoch}`
}

const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error']

function checkRuns(runs: unknown): SeedRun[] {
  if (!Array.isArray(runs)) throw new HttpError(400, 'seed.runs must be an array')
  for (const r of runs) {
    if (!isObject(r) || !phases.includes(r.phase as string)) {
      throw new HttpError(400, `seed run needs a phase of ${phases.join(', ')}`)
    }
  }
  return runs as SeedRun[]
}

/** Input arrives as JSON over /_sim/seed too, so the types are checked at run time. */
function checkSeed(input: unknown): asserts input is SeedInput {
  if (!isObject(input)) throw new HttpError(400, 'seed must be an object')
  for (const k of ['name', 'namespace', 'prefix', 'key']) {
    if (input[k] !== undefined && typeof input[k] !== 'string')
      throw new HttpError(400, `seed.${k} must be a string`)
  }
  if (
    input.credential !== undefined &&
    !['s3', 'gcs', 'adls'].includes(input.credential as string)
  ) {
    throw new HttpError(400, 'seed.credential must be s3, gcs or adls')
  }
  if (input.options !== undefined && !isObject(input.options))
    throw new HttpError(400, 'seed.options must be an object')
  if (input.createdAgoS !== undefined && typeof input.createdAgoS !== 'number') {
    throw new HttpError(400, 'seed.createdAgoS must be a number')
  }
  const d = input.direct
  if (
    d !== undefined &&
    (!isObject(d) ||
      (d.form !== 'json' && d.form !== 'plain') ||
      (d.content !== undefined && typeof d.content !== 'string') ||
      (d.rawName !== undefined && typeof d.rawName !== 'string'))
  )
    throw new HttpError(400, 'seed.direct must be {form: "json" | "plain", content?, rawName?}')
}

const SEED_CSV =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name\n'

/** The `lineage_file` value of a Direct-upload workflow pointed at a freshly uploaded file. */
function directLineageFile(state: SimState, direct: NonNullable<SeedInput['direct']>): string {
  const f = storeFile(
    state,
    Buffer.from(direct.content ?? SEED_CSV),
    direct.rawName ?? 'lineage.csv'
  )
  if (direct.form === 'plain') return f.key
  // The UI stores more keys than the template reads (docs/atlan-contract.md §10.1); they must survive an update.
  return JSON.stringify({ fileKey: f.key, fileId: f.id, fileName: f.fileName, rawName: f.rawName })
}

function parseSourceText(text: unknown): unknown {
  if (typeof text !== 'string') throw new HttpError(400, 'seed.sourceText must be a string')
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'seed.sourceText is not valid JSON')
  }
}

/** Stores an existing workflow with its past runs (indexed already); returns its name. */
export function seedWorkflow(state: SimState, input: SeedInput): string {
  checkSeed(input)
  const doc = asWorkflowDocument(
    (input.sourceText !== undefined && parseSourceText(input.sourceText)) ||
      input.workflow ||
      lineageBuilderWorkflow({
        name: input.name ?? freeName(state),
        prefix: input.prefix,
        key: input.key ?? 'lineage.csv',
        options: input.options,
        credential: input.credential,
        lineageFile: input.direct && directLineageFile(state, input.direct)
      })
  )
  if (input.namespace) doc.metadata = { ...doc.metadata, namespace: input.namespace }
  if (state.workflows.has(doc.metadata.name)) {
    throw new HttpError(409, `workflow ${doc.metadata.name} already exists`)
  }
  const runs = checkRuns(input.runs ?? [{ phase: 'Succeeded', durationS: 60 }])
  const now = Date.now()
  const created = now - (input.createdAgoS ?? 86_400) * 1000
  const wf = storeWorkflow(state, doc, created, 0, input.sourceText)
  runs.forEach((r, i) => {
    const agoS = r.startedAgoS ?? (runs.length - i) * 3600
    seedRun(state, wf, r, now - agoS * 1000)
  })
  return wf.name
}
