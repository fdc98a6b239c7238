// The Atlan operations the action needs: endpoint family, find workflow, find runs, submit,
// rerun, stop, presigned upload (docs/atlan-contract.md §3). Each method maps one documented call.
import { log as stepLog } from '../report/untrusted.js'
import { AtlanError } from './errors.js'
import {
  findWorkflowByNameQuery,
  findWorkflowsByTypeQuery,
  presignBody,
  rerunBody,
  runByIdQuery,
  runsOfQuery
} from './queries.js'
import { systemClock, type Clock, type Logger } from '../runtime.js'
import type { RetryPolicy } from './retry.js'
import {
  presignedUrlSchema,
  rerunResponseSchema,
  runSearchSchema,
  stopResponseSchema,
  submitResponseSchema,
  whoamiSchema,
  workflowDetailSchema,
  workflowSearchSchema
} from './schemas.js'
import type { RunDetail, RunPhase, WorkflowDetail } from './schemas.js'
import type { LineageSource } from '../lineage/source.js'
import { proxyAwareFetch, Transport } from './transport.js'
import type { FetchLike } from './transport.js'
import { uploadDirectFile, type AtlanFile } from './files.js'
import { uploadFile } from './upload.js'
import { MAX_JSON_DEPTH, nestsDeeperThan, objectSpan } from './json-text.js'
import { MetaClient, type MetaApi } from './meta.js'
import type { UploadResult } from './upload.js'

export type Family = 'workflows' | 'package-workflows'

// Run and workflow names are Kubernetes object names (DNS subdomain rules): checked before one
// goes into a URL, or is trusted from a server reply or the saved state.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** True when `name` can be a run or workflow name; `""`, `.` and `..` never are. */
export function isValidName(name: string | undefined): name is string {
  return typeof name === 'string' && OBJECT_NAME.test(name) && !/\.\./.test(name)
}

/** `name` as one URL path segment, or a clear error when it cannot be a run or workflow name. */
export function nameSegment(name: string, what: string): string {
  if (!isValidName(name))
    throw new Error(
      `Refusing to build a URL for ${what} ${JSON.stringify(String(name).slice(0, 80))}: it is not a valid name (lowercase letters, digits, dots and dashes). Check the run in the Atlan UI.`
    )
  return encodeURIComponent(name)
}

/** Roles that make pyatlan use the `workflows` family (docs/atlan-contract.md §3.1). */
const API_TOKEN_ROLES: readonly string[] = ['$api-token-default-access', '$admin']

export interface AtlanClientOptions {
  /** https://<tenant>.atlan.com; a trailing slash is ignored. */
  baseUrl: string
  apiKey: string
  /** The action's version, for the User-Agent. */
  version: string
  requestTimeoutMs: number
  /** Per-attempt idle timeout of a file upload (no progress for this long); default requestTimeoutMs. */
  uploadTimeoutMs?: number
  /** Epoch ms: no retry wait ends after it, and attempts are cut to it. */
  deadline?: number
  /** `auto` (default) asks whoami. */
  family?: 'auto' | Family
  fetch?: FetchLike
  sleep?: Clock['sleep']
  now?: Clock['now']
  random?: Clock['random']
  log?: Logger
  retry?: Partial<RetryPolicy>
  /** The job's cancel signal: no request that starts work is sent after it aborts. */
  signal?: AbortSignal
}

export interface WorkflowInfo {
  name: string
  namespace: string
  /** `spec.templates[0].dag.tasks[0].arguments.parameters`, by name; values keep their JSON types. */
  parameters: Record<string, unknown>
  /** Whether the workflow reads through a stored credential (undefined: cannot tell). */
  hasCredential?: boolean
  creationTimestamp?: string
  /** `metadata.generation`: how many times the template was changed (Kubernetes), when given. */
  generation?: number
  /** The whole `_source` document. */
  raw: WorkflowDetail
}

/** A workflow template as the search index holds it (docs/atlan-contract.md §3.5, §10.3). */
export interface StoredTemplate {
  /** The hit's `_source`, byte for byte as Atlan sent it: what an update sends back, edited. */
  text: string
  doc: WorkflowDetail
}

export interface RunInfo {
  /** The hit's `_id`: the run name. */
  name: string
  workflowName: string
  phase: RunPhase
  startedAt?: string
  finishedAt?: string
  message?: string
  progress?: string
  estimatedDurationS?: number
  creationTimestamp?: string
}

export class AtlanClient {
  readonly baseUrl: string
  /** The asset API (tenant check, verification, prune). */
  readonly meta: MetaApi
  readonly #t: Transport
  readonly #familyOption: 'auto' | Family
  readonly #uploadTimeoutMs: number
  readonly #close?: () => Promise<void>
  #family?: Promise<Family>
  #source?: LineageSource
  readonly #updated = new Map<string, WorkflowInfo>()

  constructor(opts: AtlanClientOptions) {
    let fetch = opts.fetch
    if (!fetch) {
      const proxied = proxyAwareFetch()
      fetch = proxied.fetch
      this.#close = proxied.close
    }
    const clock: Clock = {
      now: opts.now ?? systemClock.now,
      sleep: opts.sleep ?? systemClock.sleep,
      random: opts.random ?? systemClock.random
    }
    const log: Logger = opts.log ?? stepLog
    this.#t = new Transport({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      version: opts.version,
      requestTimeoutMs: opts.requestTimeoutMs,
      deadline: opts.deadline,
      fetch,
      clock,
      log,
      retry: opts.retry,
      signal: opts.signal
    })
    this.baseUrl = this.#t.baseUrl
    this.meta = new MetaClient(this.#t)
    this.#familyOption = opts.family ?? 'auto'
    this.#uploadTimeoutMs = opts.uploadTimeoutMs ?? opts.requestTimeoutMs
  }

  /** Closes the proxy-aware connection pool (no-op with an injected fetch). */
  async close(): Promise<void> {
    await this.#close?.()
  }

  /** Endpoint family for submit and rerun (docs/atlan-contract.md §3.1), asked once. */
  family(): Promise<Family> {
    if (this.#familyOption !== 'auto') return Promise.resolve(this.#familyOption)
    this.#family ??= this.#whoami().catch(e => {
      this.#family = undefined
      throw e
    })
    return this.#family
  }

  async #whoami(): Promise<Family> {
    const me = await this.#t.json({ method: 'GET', path: 'whoami', schema: whoamiSchema })
    const names = (me.roles ?? []).map(r => (typeof r === 'string' ? r : r.name))
    const family = names.some(n => n && API_TOKEN_ROLES.includes(n))
      ? 'workflows'
      : 'package-workflows'
    this.#t.log.debug(`whoami roles [${names.join(', ')}] -> /api/service/${family}`)
    return family
  }

  /** A workflow by its name (docs/atlan-contract.md §3.5); undefined when the index has none. */
  async findWorkflow(name: string): Promise<WorkflowInfo | undefined> {
    const hits = await this.#searchWorkflows(findWorkflowByNameQuery(name))
    return hits[0] && toWorkflowInfo(hits[0])
  }

  /**
   * The whole stored template of a workflow, as the search returns it, with its exact text (for
   * an update, docs/atlan-contract.md §10.3). No public source documents a read of one template
   * that bypasses the index, so this is the freshest read there is.
   */
  async readTemplate(name: string): Promise<StoredTemplate | undefined> {
    const query = findWorkflowByNameQuery(name)
    const { data, text } = await this.#t.jsonWithText({
      method: 'POST',
      path: 'workflows/indexsearch',
      body: query,
      schema: workflowSearchSchema,
      prepare: cutHits(query.size, 'POST /api/service/workflows/indexsearch', this.#t.log)
    })
    const doc = data.hits?.hits?.[0]?._source
    // The index answered for another workflow: never write that one back under this name.
    if (!doc || doc.metadata.name !== name) return undefined
    const unreadable = (why: string) =>
      new Error(
        `Atlan's search returned workflow ${name} as a document this action cannot edit safely (${why}); it was not changed and nothing was run. Check the workflow in the Atlan UI.`
      )
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      throw unreadable(`it nests deeper than ${MAX_JSON_DEPTH} levels`)
    const span = objectSpan(text, ['hits', 'hits', 0, '_source'])
    if (!span) throw unreadable('its text could not be located in the reply')
    return { doc, text: text.slice(span.offset, span.offset + span.length) }
  }

  /** The newest `csa-lineage-builder-<10 digits>` workflow that has run (docs/atlan-contract.md §3.4). */
  async findLatestWorkflow(): Promise<WorkflowInfo | undefined> {
    const hits = await this.#searchWorkflows(findWorkflowsByTypeQuery())
    return hits[0] && toWorkflowInfo(hits[0])
  }

  /**
   * Names of up to `size` `csa-lineage-builder-<10 digits>` workflows that have run, newest first
   * (docs/atlan-contract.md §3.4): what "did you mean" offers when a named workflow is not found.
   */
  async workflowNames(size: number): Promise<string[]> {
    const hits = await this.#searchWorkflows(findWorkflowsByTypeQuery(size))
    // A name goes into a message: a hostile or broken reply adds nothing to it.
    return hits.map(h => h.metadata.name).filter(isValidName)
  }

  async #searchWorkflows(body: { size: number }): Promise<WorkflowDetail[]> {
    const res = await this.#t.json({
      method: 'POST',
      path: 'workflows/indexsearch',
      body,
      schema: workflowSearchSchema,
      prepare: cutHits(body.size, 'POST /api/service/workflows/indexsearch', this.#t.log)
    })
    return (res.hits?.hits ?? []).map(h => h._source)
  }

  async #searchRuns(body: { size: number }, workflowName?: string): Promise<RunInfo[]> {
    const res = await this.#t.json({
      method: 'POST',
      path: 'runs/indexsearch',
      body,
      schema: runSearchSchema,
      prepare: cutHits(body.size, 'POST /api/service/runs/indexsearch', this.#t.log)
    })
    const hits = res.hits?.hits ?? []
    // A run id goes into URLs (stop) and state: a hostile or broken reply stops here.
    const bad = hits.find(h => !isValidName(h._id))
    if (bad)
      throw new Error(
        `Atlan's run search returned a run id that is not a valid run name (${JSON.stringify(String(bad._id).slice(0, 80))}); check the workflow's runs in the Atlan UI.`
      )
    return hits.map(h => toRunInfo(h._id, h._source, workflowName))
  }

  /** Up to `size` runs of a workflow, newest created first (docs/atlan-contract.md §3.7). */
  runsOf(workflowName: string, size = 10): Promise<RunInfo[]> {
    return this.#searchRuns(runsOfQuery(workflowName, size), workflowName)
  }

  /** One run by name (docs/atlan-contract.md §3.8); undefined until the index has it. */
  async getRun(runName: string): Promise<RunInfo | undefined> {
    return (await this.#searchRuns(runByIdQuery(runName)))[0]
  }

  /**
   * Creates and starts a new workflow (docs/atlan-contract.md §3.2). Never resent after it may have reached Atlan:
   * such failures carry `submitOutcomeUnknown: true`.
   */
  async submitWorkflow(doc: unknown): Promise<{ workflowName: string }> {
    const family = await this.family()
    const res = await this.#t.json({
      method: 'POST',
      path: `${family}?submit=true`,
      body: doc,
      schema: submitResponseSchema,
      retry: 'submit'
    })
    return { workflowName: res.metadata.name }
  }

  /** Starts a new run of an existing workflow (docs/atlan-contract.md §3.3); same resend rule as submitWorkflow. */
  async rerun(workflowName: string, namespace = 'default'): Promise<{ runName?: string }> {
    const family = await this.family()
    const res = await this.#t.json({
      method: 'POST',
      path: `${family}/submit`,
      body: rerunBody(workflowName, namespace),
      schema: rerunResponseSchema,
      retry: 'submit',
      notFoundHint: `Atlan knows no workflow named ${workflowName} any more (it may have been archived), or the tenant no longer serves the legacy workflow API. Check the workflow in the Atlan UI and workflow_name.`
    })
    return { runName: res.metadata?.name ?? undefined }
  }

  /** Asks Atlan to stop a run (docs/atlan-contract.md §3.10). Repeating a stop is harmless, so it is retried. */
  async stopRun(runName: string): Promise<void> {
    await this.#t.json({
      method: 'POST',
      path: `runs/${nameSegment(runName, 'run')}/stop`,
      schema: stopResponseSchema,
      notFoundHint: `The run ${runName} no longer exists; nothing to stop.`
    })
  }

  /** A presigned PUT URL for `key` in the tenant's object store (docs/atlan-contract.md §3.13). */
  async presignUpload(key: string): Promise<string> {
    const res = await this.#t.json({
      method: 'POST',
      path: 'files/presignedUrl',
      body: presignBody(key),
      schema: presignedUrlSchema
    })
    return res.url
  }

  /** Uploads of `source.input` stream this already opened (and validated) file. */
  useLineageFile(source: LineageSource): void {
    this.#source = source
  }

  /** Streams a file to a presigned URL (see upload.ts). */
  uploadFile(url: string, path: string): Promise<UploadResult> {
    const file = this.#source?.input === path ? this.#source : path
    return uploadFile(this.#t, url, file, this.#uploadTimeoutMs)
  }

  /** Uploads a CSV as the Atlan UI does for Direct-upload workflows (files.ts, §10.2). */
  uploadDirect(path: string, expectedSha256?: string): Promise<AtlanFile> {
    const file = this.#source?.input === path ? this.#source : path
    return uploadDirectFile(this.#t, file, expectedSha256)
  }

  /**
   * Stores `text` (a whole template as JSON text, sent byte for byte) as the workflow template
   * `name` (docs/atlan-contract.md §10.3), in the same family as submit. Returns the stored
   * workflow. Resending the same template is harmless, so it is retried like a read.
   */
  async updateWorkflow(name: string, text: string): Promise<WorkflowInfo> {
    const family = await this.family()
    try {
      const res = await this.#t.json({
        method: 'POST',
        path: `${family}/${encodeURIComponent(name)}`,
        raw: { contentType: 'application/json', bytes: Buffer.from(text, 'utf8') },
        schema: workflowDetailSchema,
        // Resent only when Atlan provably did not act on it: an update whose reply was lost may
        // have been stored, and the caller reads the workflow again instead (§10.3).
        retry: 'submit',
        notFoundHint: `Atlan knows no workflow named ${name} any more (it may have been archived). Check workflow_name against the Atlan UI.`
      })
      const stored = toWorkflowInfo(res)
      this.#updated.set(name, stored)
      return stored
    } catch (e) {
      if (!(e instanceof AtlanError) || e.status !== 403) throw e
      throw new AtlanError({
        ...e,
        summary: `Atlan refused to update workflow ${name} (403), so it was not pointed at the new file and nothing was run.`,
        hint: 'Pointing a Direct-upload workflow at a new file updates the workflow, which needs more than permission to run it: give the API token a persona or role that may edit (update) workflows (Admin → API tokens; e.g. the $admin or workflow admin role), or switch the workflow to object storage.'
      })
    }
  }

  /** The workflow as Atlan returned it after this client's last update of it, if any. */
  updated(name: string): WorkflowInfo | undefined {
    return this.#updated.get(name)
  }

  /** Link to the run in Atlan's UI. */
  runUrl(workflowName: string, runName: string): string {
    return `${this.baseUrl}/workflows/profile/${encodeURIComponent(workflowName)}/runs?name=${encodeURIComponent(runName)}`
  }
}

/** A template's run arguments by name (docs/atlan-contract.md §5.2). */
export function templateArguments(d: WorkflowDetail): Record<string, unknown> {
  const params = d.spec?.templates?.[0]?.dag?.tasks?.[0]?.arguments?.parameters ?? []
  const parameters: Record<string, unknown> = {}
  for (const p of params) parameters[p.name] = p.value
  return parameters
}

function toWorkflowInfo(d: WorkflowDetail): WorkflowInfo {
  const parameters = templateArguments(d)
  const generation = d.metadata.generation
  return {
    name: d.metadata.name,
    namespace: d.metadata.namespace || 'default',
    parameters,
    hasCredential: hasCredential(d, parameters),
    creationTimestamp: d.metadata.creationTimestamp ?? undefined,
    ...(Number.isSafeInteger(generation) && { generation: generation as number }),
    raw: d
  }
}

/**
 * A search reply is read only as far as the `size` hits asked for (docs/atlan-contract.md §3.4):
 * a reply with more is cut before its schema check, so a flood is never checked, copied or
 * spread whole.
 */
function cutHits(size: number, endpoint: string, log: Logger): (data: unknown) => unknown {
  return data => {
    if (!isRecord(data) || !isRecord(data.hits) || !Array.isArray(data.hits.hits)) return data
    const hits = data.hits.hits
    if (hits.length <= size) return data
    log.debug(
      `${endpoint}: the reply holds ${hits.length} hits, more than the ${size} asked for; only the first ${size} are read`
    )
    return { ...data, hits: { ...data.hits, hits: hits.slice(0, size) } }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * INFERENCE (docs/atlan-contract.md §3.13, §5.1): the server swaps `{{credentialGuid}}` for a vaulted credential's
 * GUID, so a filled `cloud_source` means the workflow reads the team's own bucket. A DIRECT
 * import uses none.
 */
function hasCredential(
  d: WorkflowDetail,
  parameters: Record<string, unknown>
): boolean | undefined {
  if (
    d.payload?.some(
      p => typeof p === 'object' && p !== null && 'type' in p && p.type === 'credential'
    )
  )
    return true
  const source = parameters.cloud_source
  if (source !== undefined) {
    return typeof source === 'string' && source.trim() !== '' && !/^\{\{.*\}\}$/.test(source.trim())
  }
  if (parameters.lineage_import_type === 'DIRECT') return false
  return undefined
}

function toRunInfo(id: string, d: RunDetail, fallbackWorkflow?: string): RunInfo {
  const labels = d.metadata?.labels ?? {}
  const labelTemplate = labels['workflows.argoproj.io/workflow-template']
  const workflowName =
    d.spec?.workflowTemplateRef?.name ??
    (typeof labelTemplate === 'string' ? labelTemplate : undefined) ??
    fallbackWorkflow ??
    ''
  const s = d.status
  return {
    name: id,
    workflowName,
    phase: s.phase,
    startedAt: s.startedAt ?? undefined,
    finishedAt: s.finishedAt ?? undefined,
    message: s.message ?? undefined,
    progress: s.progress ?? undefined,
    estimatedDurationS: s.estimatedDuration ?? undefined,
    creationTimestamp: d.metadata?.creationTimestamp ?? undefined
  }
}
