// Workflow templates as the workflow index serves them (docs/atlan-contract.md §1.3, §3.5, §10.3):
// every write (submit, update, an edit in the UI) becomes searchable only after `indexLagMs`, so
// a search can answer an older version than the store holds; a template stored from text is
// served byte for byte. Also the UI's edits, and the opt-in resourceVersion check of an update.
import { modify, applyEdits } from 'jsonc-parser'
import { HttpError, isObject } from './http.js'
import type { SimState, StoredWorkflow } from './state.js'
import { workflowParameters, workflowSource } from './workflows.js'

/** One indexed version of a template: what searches see from `visibleAt` on. */
export interface TemplateVersion {
  visibleAt: number
  /** The `_source` document, as JSON text. */
  text: string
}

/** The `_source` text of `wf` as stored now: its text when it was written as text. */
function sourceText(wf: StoredWorkflow): string {
  return wf.text ?? JSON.stringify(workflowSource(wf))
}

/** Records the stored template as a new index version, searchable from `visibleAt`. */
export function indexTemplate(wf: StoredWorkflow, visibleAt: number): void {
  wf.versions.push({ visibleAt, text: sourceText(wf) })
}

/** The newest version searchable at `now`, if any. */
export function visibleTemplate(wf: StoredWorkflow, now: number): TemplateVersion | undefined {
  let seen: TemplateVersion | undefined
  for (const v of wf.versions) if (v.visibleAt <= now) seen = v
  return seen
}

/** metadata.resourceVersion and generation after a write (Kubernetes bumps both on a spec change). */
export function bumpVersion(state: SimState, wf: StoredWorkflow): void {
  const m = wf.document.metadata
  m.resourceVersion = String(state.nextSeq())
  m.generation = Number(m.generation ?? 1) + 1
  if (wf.text === undefined) return
  for (const [key, value] of [
    ['resourceVersion', m.resourceVersion],
    ['generation', m.generation]
  ] as const)
    wf.text = applyEdits(wf.text, modify(wf.text, ['metadata', key], value, {}))
}

/**
 * INFERENCE (docs/atlan-contract.md §10.3): an update of a Kubernetes object that names a
 * resourceVersion other than the stored one is refused with 409. Whether Atlan's endpoint passes
 * the client's resourceVersion on is not public, so this is opt-in (`templateVersionCheck`).
 */
export function checkResourceVersion(state: SimState, wf: StoredWorkflow, sent: unknown): void {
  if (!state.scenario.templateVersionCheck) return
  if (sent === wf.document.metadata.resourceVersion) return
  throw new HttpError(
    409,
    `Operation cannot be fulfilled on workflowtemplates.argoproj.io "${wf.name}": the object has been modified; please apply your changes to the latest version and try again`
  )
}

/**
 * An edit saved in the Atlan UI: the named arguments take the given values. The UI sends the
 * template as its own JSON, so a template stored from text is re-serialised.
 */
export function editTemplate(
  state: SimState,
  name: string,
  parameters: Record<string, unknown>
): void {
  const wf = state.workflows.get(name)
  if (!wf) throw new HttpError(404, `workflow template ${name} not found`)
  const params = workflowParameters(wf.document)
  for (const [key, value] of Object.entries(parameters)) {
    const p = params.find(q => q.name === key)
    if (!p) throw new HttpError(400, `workflow ${name} has no argument ${key}`)
    p.value = value
  }
  wf.text = undefined
  bumpVersion(state, wf)
  indexTemplate(wf, Date.now() + state.scenario.indexLagMs)
}

/** An edit armed with `beforeUpdate`: saved when the next update of the workflow arrives. */
export interface PendingEdit {
  workflow: string
  parameters: Record<string, unknown>
}

/** An edit now, or armed for the next update of the workflow (`beforeUpdate`). */
export function saveEdit(
  state: SimState,
  name: string,
  parameters: unknown,
  opts: { beforeUpdate?: unknown } = {}
): void {
  if (!isObject(parameters)) throw new HttpError(400, 'edit.parameters must be an object')
  if (!state.workflows.has(name)) throw new HttpError(404, `workflow template ${name} not found`)
  if (opts.beforeUpdate === true) state.pendingEdits.push({ workflow: name, parameters })
  else editTemplate(state, name, parameters)
}

/** Saves the edits armed for `name`, as if the UI saved them just before the update arrived. */
export function applyPendingEdits(state: SimState, name: string): void {
  const mine = state.pendingEdits.filter(e => e.workflow === name)
  state.pendingEdits = state.pendingEdits.filter(e => e.workflow !== name)
  for (const e of mine) editTemplate(state, e.workflow, e.parameters)
}
