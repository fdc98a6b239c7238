// Public shapes of the simulator: scenario knobs, faults, seeds and the request log.

export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error'
export type TerminalPhase = 'Succeeded' | 'Failed' | 'Error'
export type Family = 'workflows' | 'package-workflows'

export interface Scenario {
  /** whoami roles: token → $api-token-default-access, admin → $admin, user → a plain role. */
  role: 'token' | 'admin' | 'user'
  /** Time a new run stays Pending, then Running (real milliseconds). */
  pendingMs: number
  runningMs: number
  /** Time between a stop request and the run turning Failed. */
  stopMs: number
  /** Every index write (new run, new workflow, phase change) is invisible to searches this long. */
  indexLagMs: number
  /** Unset: credential workflows succeed, tenant-store workflows apply the CSV rules. Failed/Error force every run. */
  outcome?: TerminalPhase
  /** status.message of a forced Failed/Error outcome. */
  outcomeMessage?: string
  /**
   * s3: presigned PUT answers 200. azure: an Azure tenant: presigned PUT requires
   * x-ms-blob-type: BlockBlob and answers 201, and every DIRECT run first copies the file it was
   * pointed at by id (`fileId`) onto its `fileKey` (docs/atlan-contract.md §10.1 move-lineage-file).
   */
  objectStore: 's3' | 'azure'
  /** Largest file `POST files` accepts; bigger ones get 413 (the UI documents 10 MB). */
  directUploadLimitBytes: number
  /** Newer tenant: the legacy workflow surface answers 404 (see sim/README.md). */
  legacyRemoved: boolean
  /** Plain users (role 'user') get 403 on the legacy `workflows` family, as they must use package-workflows. */
  enforceFamily: boolean
  /** Retry-After (seconds) of 429 faults that do not set their own. */
  retryAfterSeconds: number
  /**
   * An update naming another resourceVersion than the stored one is refused with 409, as a
   * Kubernetes update is. Off by default: no public source shows Atlan passing it on (sim/README.md).
   */
  templateVersionCheck: boolean
  /**
   * 0: off. Otherwise the workflow and run index searches ignore `size` and answer at least this
   * many hits (the matches, repeated), as a broken or hostile index might.
   */
  searchFloodHits: number
  /**
   * atlas.authorizer.read.restriction.level (docs/atlan-contract.md §10.8): `scrub` answers what the
   * token may not read as scrubbed hits, `full` leaves it out of searches.
   */
  readRestriction: 'scrub' | 'full'
  /**
   * Connections (qualifiedNames) whose connection and assets the token may read: its personas.
   * `all` (the default) reads everything; `[]` is a persona-less API token. Processes are always
   * readable (the API-token role's bootstrap policies, §10.8).
   */
  readableConnections: 'all' | string[]
}

export type RouteName =
  | 'whoami'
  | 'submit'
  | 'rerun'
  | 'archive'
  | 'update'
  | 'workflows.search'
  | 'runs.search'
  | 'stop'
  | 'presign'
  | 'upload'
  | 'download'
  | 'files'
  | 'app'
  | 'assets.search'
  | 'assets.get'
  | 'assets.delete'

export type FaultStatus = 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504

export type FaultKind =
  /** An error reply with the generic body; perform: true does the work first (outcome unknown to the client). */
  | { kind: 'status'; status: FaultStatus; retryAfterSeconds?: number; perform?: boolean }
  /** Destroy the socket without a reply. */
  | { kind: 'reset'; perform?: boolean }
  /** Do the work, answer after delayMs. */
  | { kind: 'slow'; delayMs: number }
  /** Do the work, answer 200 with broken JSON. */
  | { kind: 'malformed' }
  /** Do the work, never answer (socket held until the client gives up or the server closes). */
  | { kind: 'store-no-answer' }
  /**
   * assets.search only: answer 200 with the real hits followed by filler entities, `entities` in
   * all (default 190,000), whatever size was asked (docs/atlan-contract.md §10.12).
   */
  | { kind: 'flood'; entities?: number }

/** Applies to the next `count` requests of `route` (default 1; -1 or Infinity = every request). */
export type Fault = { route: RouteName | '*'; count?: number } & FaultKind

export interface SeedRun {
  phase: Phase
  /** Terminal runs: how long the run took (default 60 s). */
  durationS?: number
  /** When it started, seconds ago (default: staggered an hour apart, oldest first). */
  startedAgoS?: number
  message?: string
  /** Pending/Running runs: real milliseconds until they end by the normal rules (default runningMs). */
  remainingMs?: number
}

export interface SeedInput {
  /** Default csa-lineage-builder-<10-digit epoch>. Ignored when `workflow` is given. */
  name?: string
  namespace?: string
  /** Tenant backing store location the workflow reads (lineage_prefix / lineage_key). */
  prefix?: string
  key?: string
  /** Reads from the team's own bucket instead: payload carries a credential of this type. */
  credential?: 's3' | 'gcs' | 'adls'
  options?: LineageBuilderOptions
  /**
   * A Direct-upload workflow (docs/atlan-contract.md §10.1) instead of prefix/key: its `lineage_file` names a file
   * uploaded with `content` (default: a header-only CSV) in the current JSON form or the older
   * plain-key form.
   */
  direct?: { form: 'json' | 'plain'; content?: string; rawName?: string }
  /** A whole workflow document (e.g. a golden fixture) instead of the fields above. */
  workflow?: WorkflowDocument
  /**
   * The whole index `_source` as JSON text instead of the fields above: searches serve it byte
   * for byte, but for the resourceVersion and generation the store sets.
   */
  sourceText?: string
  /** Past runs, oldest first. Default one Succeeded run of 60 s; [] = never run (not searchable). */
  runs?: SeedRun[]
  /** Workflow creation, seconds ago (default 1 day). */
  createdAgoS?: number
}

export interface LineageBuilderOptions {
  upsertSemantic?: 'upsert' | 'partial' | 'update'
  failOnErrors?: boolean
  caseSensitive?: boolean
  fieldSeparator?: string
  batchSize?: number
}

export interface Parameter {
  name: string
  value: unknown
}

/** The workflow body of docs/atlan-contract.md §3.2 / §5 (only the parts the simulator reads are typed). */
export interface WorkflowDocument {
  metadata: { name: string; namespace?: string; [k: string]: unknown }
  spec: { templates?: unknown[]; [k: string]: unknown }
  payload?: unknown[]
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  /** Parsed JSON, `{ bytes: n }` for uploads and non-JSON bodies, null when empty. */
  body: unknown
  /** `update` only: the body exactly as sent (the template's text). */
  text?: string
  /** Epoch milliseconds when the request arrived. */
  time: number
  route?: RouteName
  family?: Family
  /** Status sent; undefined when no answer was given (reset, store-no-answer, pending). */
  status?: number
  /** Kind of the fault applied to this request, if any. */
  fault?: FaultKind['kind']
}

/** A run as the simulator knows it right now (no index lag), for tests and GET /_sim/runs. */
export interface RunInfo {
  name: string
  workflow: string
  phase: Phase
  message?: string
  startedAt: string
  finishedAt?: string
  estimatedDuration?: number
  stopped: boolean
  /** The object the run read when it started (absent: not read yet, or nothing was there). */
  input?: RunInput
}

/** What a run read: its object key, the bytes' sha256 (hex) and size. */
export interface RunInput {
  key: string
  sha256: string
  size: number
}

/** The `AtlanFile` that `POST files` answers (docs/atlan-contract.md §10.2). */
export interface AtlanFile {
  id: string
  version: string
  isActive: boolean
  createdAt: number
  updatedAt: number
  fileName: string
  rawName: string
  key: string
  extension: string
  contentType: string
  fileSize: number
  isEncrypted: boolean
  redirectUrl: string
  isUploaded: boolean
  uploadedAt: string
  isArchived: boolean
}
