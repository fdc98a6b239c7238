// The Lineage Builder workflow document exactly as pyatlan's LineageBuilder serialises it
// (docs/atlan-contract.md §5; golden files lineage_builder_{s3,gcs,adls}.json). Key order matters: the golden tests
// compare the serialised text, not just the values.
import type { Credential, LineageOptions } from '../config/types.js'

export const PACKAGE_PREFIX = 'csa-lineage-builder'
const PACKAGE_NAME = '@csa/lineage-builder'

export interface WorkflowParameter {
  name: string
  value: string | number | boolean
}

export interface WorkflowDocument {
  metadata: {
    annotations: Record<string, string>
    labels: Record<string, string>
    name: string
    namespace: string
  }
  spec: {
    entrypoint: string
    templates: Array<{
      name: string
      dag: {
        tasks: Array<{
          name: string
          arguments: { parameters: WorkflowParameter[] }
          templateRef: { name: string; template: string; clusterScope: boolean }
        }>
      }
    }>
    workflowMetadata: { annotations: Record<string, string> }
  }
  payload: Array<{ parameter: string; type: string; body: CredentialBody }>
}

export interface CredentialBody {
  name: string
  authType: string
  username: string
  password: string
  extra: Record<string, string>
  connectorConfigName: string
}

export interface WorkflowSpecInput {
  /** Seconds since the epoch; pyatlan uses int(time.time()). */
  epoch: number
  prefix: string
  objectKey: string
  /** Absent: Atlan's own backing store (no credential, `payload: []`). */
  credential?: Credential
  options: LineageOptions
}

export function workflowNameFor(epoch: number): string {
  return `${PACKAGE_PREFIX}-${epoch}`
}

function annotations(name: string): Record<string, string> {
  return {
    'orchestration.atlan.com/allowSchedule': 'true',
    'orchestration.atlan.com/categories': 'kotlin,utility',
    'orchestration.atlan.com/dependentPackage': '',
    'orchestration.atlan.com/docsUrl': 'https://solutions.atlan.com/lineage-builder/',
    'orchestration.atlan.com/emoji': '\u{1F680}',
    'orchestration.atlan.com/icon': 'http://assets.atlan.com/assets/ph-tree-structure-light.svg',
    'orchestration.atlan.com/logo': 'http://assets.atlan.com/assets/ph-tree-structure-light.svg',
    'orchestration.atlan.com/name': 'Lineage Builder',
    'package.argoproj.io/author': 'Atlan CSA',
    'package.argoproj.io/description': 'Build lineage from a CSV file.',
    'package.argoproj.io/homepage': `https://packages.atlan.com/-/web/detail/${PACKAGE_NAME}`,
    'package.argoproj.io/keywords': '["kotlin","utility"]',
    'package.argoproj.io/name': PACKAGE_NAME,
    'package.argoproj.io/parent': '.',
    'package.argoproj.io/registry': 'https://packages.atlan.com',
    'package.argoproj.io/repository': 'git+https://github.com/atlanhq/marketplace-packages.git',
    'package.argoproj.io/support': 'support@atlan.com',
    'orchestration.atlan.com/atlanName': name
  }
}

const LABELS: Record<string, string> = {
  'orchestration.atlan.com/certified': 'true',
  'orchestration.atlan.com/source': 'lineage-builder',
  'orchestration.atlan.com/sourceCategory': 'utility',
  'orchestration.atlan.com/type': 'custom',
  'orchestration.atlan.com/preview': 'true',
  'orchestration.atlan.com/verified': 'true',
  'package.argoproj.io/installer': 'argopm',
  'package.argoproj.io/name': 'a-t-rcsas-l-a-s-hlineage-builder',
  'package.argoproj.io/registry': 'httpsc-o-l-o-ns-l-a-s-hs-l-a-s-hpackages.atlan.com',
  'orchestration.atlan.com/atlan-ui': 'true'
}

function parameters(input: WorkflowSpecInput): WorkflowParameter[] {
  const { options } = input
  const params: WorkflowParameter[] = [
    { name: 'lineage_prefix', value: input.prefix },
    { name: 'lineage_key', value: input.objectKey },
    { name: 'lineage_import_type', value: 'CLOUD' },
    // Without a credential the fetch-credentials step must be skipped, and it skips only on an
    // empty value (docs/atlan-contract.md §10.4); pyatlan's placeholder would fail the run.
    { name: 'cloud_source', value: input.credential ? '{{credentialGuid}}' : '' },
    { name: 'lineage_upsert_semantic', value: options.inputHandling }
  ]
  // Optional options are emitted only when given, in pyatlan's order (docs/atlan-contract.md §5.2).
  if (options.failOnErrors !== undefined)
    params.push({ name: 'lineage_fail_on_errors', value: options.failOnErrors })
  if (options.caseSensitive !== undefined)
    params.push({ name: 'lineage_case_sensitive', value: options.caseSensitive })
  if (options.fieldSeparator !== undefined)
    params.push({ name: 'field_separator', value: options.fieldSeparator })
  if (options.batchSize !== undefined) params.push({ name: 'batch_size', value: options.batchSize })
  return params
}

function credentialBody(name: string, credential: Credential): CredentialBody {
  const common = { name: `${name}-0` }
  const tail = { connectorConfigName: 'csa-connectors-objectstore' }
  switch (credential.store) {
    case 's3':
      return {
        ...common,
        authType: 's3',
        username: credential.accessKey,
        password: credential.secretKey,
        extra: { region: credential.region, s3_bucket: credential.bucket },
        ...tail
      }
    case 'gcs':
      return {
        ...common,
        authType: 'gcs',
        username: credential.projectId,
        password: credential.serviceAccountJson,
        extra: { gcs_bucket: credential.bucket },
        ...tail
      }
    case 'adls':
      return {
        ...common,
        authType: 'adls',
        username: credential.clientId,
        password: credential.clientSecret,
        extra: {
          azure_tenant_id: credential.tenantId,
          storage_account_name: credential.accountName,
          adls_container: credential.container
        },
        ...tail
      }
  }
}

/** A pure function of the settings and the epoch. */
export function buildWorkflow(input: WorkflowSpecInput): WorkflowDocument {
  const name = workflowNameFor(input.epoch)
  return {
    metadata: { annotations: annotations(name), labels: { ...LABELS }, name, namespace: 'default' },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              {
                name: 'run',
                arguments: { parameters: parameters(input) },
                templateRef: { name: PACKAGE_PREFIX, template: 'main', clusterScope: true }
              }
            ]
          }
        }
      ],
      workflowMetadata: { annotations: { 'package.argoproj.io/name': PACKAGE_NAME } }
    },
    payload: input.credential
      ? [
          {
            parameter: 'credentialGuid',
            type: 'credential',
            body: credentialBody(name, input.credential)
          }
        ]
      : []
  }
}

/** The document with every credential secret replaced by ***, for dry-run output. */
export function redactWorkflow(doc: WorkflowDocument): WorkflowDocument {
  return {
    ...doc,
    payload: doc.payload.map(p => ({ ...p, body: { ...p.body, password: '***' } }))
  }
}
