// The one typed view of every action input, produced once by parseConfig().

// The accepted values of the inputs that choose between a few words (parse.ts checks them).
export const MODES = ['rerun', 'create', 'auto'] as const
export const OBJECT_STORES = ['tenant', 's3', 'gcs', 'adls'] as const
export const INPUT_HANDLINGS = ['upsert', 'partial', 'update'] as const
export const ON_TIMEOUTS = ['fail', 'warn', 'cancel'] as const

type Mode = (typeof MODES)[number]
type ObjectStore = (typeof OBJECT_STORES)[number]
export type InputHandling = (typeof INPUT_HANDLINGS)[number]
type OnTimeout = (typeof ON_TIMEOUTS)[number]

export type Credential =
  | { store: 's3'; accessKey: string; secretKey: string; region: string; bucket: string }
  | { store: 'gcs'; projectId: string; serviceAccountJson: string; bucket: string }
  | {
      store: 'adls'
      clientId: string
      clientSecret: string
      tenantId: string
      accountName: string
      container: string
    }

/** Lineage Builder options (docs/atlan-contract.md §5.2). Undefined = omitted from the workflow, as pyatlan does. */
export interface LineageOptions {
  inputHandling: InputHandling
  failOnErrors?: boolean
  caseSensitive?: boolean
  fieldSeparator?: string
  batchSize?: number
}

/**
 * The settings a run applies: the inputs for a new workflow; for a rerun, the settings stored in
 * workflow `rerunOf` (src/run/settings.ts settingsFor), which the inputs do not change.
 */
export type AppliedOptions = Required<LineageOptions> & { rerunOf?: string }

export interface Config {
  /** Normalised, no trailing slash. */
  baseUrl: string
  apiKey: string
  mode: Mode
  /** Undefined: the most recent Lineage Builder workflow. */
  workflowName?: string
  idempotent: boolean
  lineageFile?: string
  validate: boolean
  objectStore: ObjectStore
  prefix?: string
  objectKey?: string
  credential?: Credential
  options: AppliedOptions
  wait: boolean
  pollIntervalMs: number
  timeoutMs: number
  onTimeout: OnTimeout
  cancelOnJobCancel: boolean
  requestTimeoutMs: number
  indexGraceMs: number
  checkRun: boolean
  checkName: string
  /** Comment on the pull request (src/report/pr-comment.ts). */
  prComment: boolean
  githubToken?: string
  skipUnchanged: boolean
  dryRun: boolean
  summary: boolean
  /** Tenant stage (src/tenant): plan before the run, verify and prune after it. */
  checkTenant: boolean
  /** true: a missing process is a warning; 'strict': it fails the step; false: no verification. */
  verify: boolean | 'strict'
  prune: boolean
  /** Most searches the tenant plan makes, and verify again (the connections of every row are always checked). */
  tenantSearchLimit: number
  /** Non-fatal remarks about the inputs, logged as warnings. */
  warnings: string[]
  /** Every secret value read from the inputs, for redaction. */
  secrets: string[]
}
