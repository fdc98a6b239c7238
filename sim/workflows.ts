// Stored workflow templates: what a submit or seed leaves behind, and how the runs read them.
import { randomUUID } from 'node:crypto'
import { applyEdits, modify } from 'jsonc-parser'
import { HttpError, isObject } from './http.js'
import type { SimState, StoredWorkflow } from './state.js'
import { indexTemplate } from './template-index.js'
import { formatTs } from './time.js'
import type { Parameter, WorkflowDocument } from './types.js'

/** Checks the shape a submit/update body must have and returns it typed. */
export function asWorkflowDocument(body: unknown): WorkflowDocument {
  if (!isObject(body) || !isObject(body.metadata) || !isObject(body.spec)) {
    throw new HttpError(400, 'workflow body needs "metadata" and "spec" objects')
  }
  const name = body.metadata.name
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
    throw new HttpError(400, `metadata.name must be a DNS-1123 name, got ${JSON.stringify(name)}`)
  }
  if (body.payload !== undefined && !Array.isArray(body.payload)) {
    throw new HttpError(400, 'payload must be an array')
  }
  return body as unknown as WorkflowDocument
}

/**
 * Stores a new template, indexed from `visibleAt`. `text`: a seed's `_source` text, served as is
 * but for its resourceVersion and generation, which the store sets.
 */
export function storeWorkflow(
  state: SimState,
  doc: WorkflowDocument,
  createdMs: number,
  visibleAt: number,
  text?: string
): StoredWorkflow {
  const copy = structuredClone(doc)
  const namespace =
    typeof copy.metadata.namespace === 'string' ? copy.metadata.namespace : 'default'
  copy.metadata = {
    ...copy.metadata,
    namespace,
    uid: randomUUID(),
    creationTimestamp: formatTs(createdMs),
    resourceVersion: String(state.nextSeq()),
    generation: 1
  }
  copy.payload ??= []
  vaultCredential(state, copy)
  const wf: StoredWorkflow = {
    name: copy.metadata.name,
    namespace,
    seq: state.nextSeq(),
    createdMs,
    visibleAt,
    document: copy,
    text: text === undefined ? undefined : withStoreVersion(text, copy.metadata),
    versions: []
  }
  indexTemplate(wf, visibleAt)
  state.workflows.set(wf.name, wf)
  return wf
}

/**
 * INFERENCE (docs/atlan-contract.md §5.1): the server vaults a payload credential and puts its GUID wherever a
 * parameter says `{{credentialGuid}}`, so stored workflows show a GUID in `cloud_source`. With no
 * credential the placeholder stays, and fetch-credentials fails on it (docs/atlan-contract.md §10.4).
 */
function vaultCredential(state: SimState, doc: WorkflowDocument): void {
  if (isTenantStore(doc)) return
  const guid = randomUUID()
  state.credentials.add(guid)
  for (const p of workflowParameters(doc)) if (p.value === '{{credentialGuid}}') p.value = guid
}

/** Every `arguments.parameters` entry of the spec and its DAG tasks, in order (live objects). */
export function workflowParameters(doc: WorkflowDocument): Parameter[] {
  const out: Parameter[] = []
  const collect = (args: unknown): void => {
    if (!isObject(args) || !Array.isArray(args.parameters)) return
    for (const p of args.parameters) {
      if (isObject(p) && typeof p.name === 'string') out.push(p as unknown as Parameter)
    }
  }
  collect(doc.spec.arguments)
  for (const t of doc.spec.templates ?? []) {
    if (!isObject(t) || !isObject(t.dag) || !Array.isArray(t.dag.tasks)) continue
    for (const task of t.dag.tasks) if (isObject(task)) collect(task.arguments)
  }
  return out
}

export function paramValue(params: Parameter[], name: string): unknown {
  return params.find(p => p.name === name)?.value
}

/** No credential in the payload: the package falls back to the tenant's backing store (docs/atlan-contract.md §3.13). */
export function isTenantStore(doc: WorkflowDocument): boolean {
  return !(doc.payload ?? []).some(p => isObject(p) && p.type === 'credential')
}

/** The workflow-index document of docs/atlan-contract.md §3.4. */
export function workflowSource(wf: StoredWorkflow): Record<string, unknown> {
  const { metadata, spec } = wf.document
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: structuredClone(metadata),
    spec: { ...structuredClone(spec), workflowTemplateRef: { name: wf.name } },
    status: {}
  }
}

/** WorkflowResponse of docs/atlan-contract.md §3.2 (submit and update). */
export function workflowResponse(wf: StoredWorkflow): Record<string, unknown> {
  const { metadata, spec, payload } = structuredClone(wf.document)
  return { metadata, spec, payload }
}

/** `text` with the store's resourceVersion and generation in its metadata. */
function withStoreVersion(text: string, metadata: WorkflowDocument['metadata']): string {
  let out = text
  for (const key of ['resourceVersion', 'generation'])
    out = applyEdits(out, modify(out, ['metadata', key], metadata[key], {}))
  return out
}
