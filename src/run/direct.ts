// Direct-upload workflows (docs/atlan-contract.md §10.1, §10.3): which file a workflow's
// `lineage_file` names, and pointing it at a newly uploaded one the way the Atlan UI does.
import { z } from 'zod'
import type { AtlanFile } from '../atlan/files.js'
import type { WorkflowDetail } from '../atlan/schemas.js'
import { ConfigError } from '../config/errors.js'
import type { AtlanApi } from './api.js'

/**
 * The two forms of `lineage_file`: current templates store a JSON string whose `fileKey` and
 * `fileId` the run reads (other keys are kept as they are); older ones store the object key.
 */
export type DirectFile =
  { form: 'json'; value: Record<string, unknown> } | { form: 'plain'; key: string }

const jsonObject = z.record(z.string(), z.unknown())

/** Reads a stored `lineage_file`; a string naming why when it is neither form. */
export function parseDirectFile(value: unknown): DirectFile | string {
  if (typeof value !== 'string') return 'it stores no lineage_file text'
  const text = value.trim()
  if (text === '') return 'its lineage_file is empty'
  if (/^[{["]/.test(text)) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return 'its lineage_file looks like JSON but does not parse'
    }
    const object = jsonObject.safeParse(parsed)
    if (!object.success) return 'its lineage_file is JSON but not an object with fileKey and fileId'
    return { form: 'json', value: object.data }
  }
  if ([...text].some(c => c.charCodeAt(0) < 0x20))
    return 'its lineage_file is neither JSON nor an object key'
  return { form: 'plain', key: text }
}

/** The new `lineage_file` text: same form, pointing at `file`. */
export function withNewFile(current: DirectFile, file: AtlanFile): string {
  if (current.form === 'plain') return file.key
  return JSON.stringify({ ...current.value, fileKey: file.key, fileId: file.id })
}

/** A server-given key or id as shown: plain when it is a plain name, else quoted (no line breaks). */
export function shownId(v: unknown): string {
  if (typeof v !== 'string') return '(none)'
  return /^[\w./@:+-]+$/.test(v) ? v : JSON.stringify(v)
}

/** One phrase naming the file a `lineage_file` value points at, for logs and the summary. */
export function describeDirectFile(value: unknown): string {
  const f = parseDirectFile(value)
  if (typeof f === 'string') return JSON.stringify(value)
  if (f.form === 'plain') return `key ${shownId(f.key)}`
  return `fileKey ${shownId(f.value.fileKey)}, fileId ${shownId(f.value.fileId)}`
}

export function unreadableDirectFile(workflowName: string, why: string): ConfigError {
  return new ConfigError(
    `Workflow ${workflowName} is a Direct-upload workflow, but ${why}, so this action cannot tell which file it reads and did not upload anything. ` +
      'Upload a file to it once in the Atlan UI (edit the workflow, Input → Direct upload), or use another workflow_name.',
    'workflow_name'
  )
}

/** The live `lineage_file` entry of the template's run task (where the search reads parameters). */
function lineageFileParameter(doc: WorkflowDetail) {
  const params = doc.spec?.templates?.[0]?.dag?.tasks?.[0]?.arguments?.parameters ?? []
  return params.find(p => p.name === 'lineage_file')
}

/**
 * Points workflow `workflowName` at `file`: reads the template fresh, changes only its
 * `lineage_file` argument, and sends the rest back exactly as read (§10.3). Returns the value
 * before and after, so a user can roll back in the UI.
 */
export async function pointAtFile(
  api: Pick<AtlanApi, 'readTemplate' | 'updateWorkflow'>,
  workflowName: string,
  file: AtlanFile
): Promise<{ before: string; now: string }> {
  const doc = await api.readTemplate(workflowName)
  if (!doc)
    throw new Error(
      `Workflow ${workflowName} was not found when reading it before the update; it was not changed and nothing was run. Check it in the Atlan UI.`
    )
  const copy = structuredClone(doc)
  const param = lineageFileParameter(copy)
  const current = parseDirectFile(param?.value)
  if (!param) throw unreadableDirectFile(workflowName, 'it has no lineage_file argument')
  if (typeof current === 'string') throw unreadableDirectFile(workflowName, current)
  const before = String(param.value)
  const now = withNewFile(current, file)
  param.value = now
  const stored = await api.updateWorkflow(workflowName, copy)
  if (stored.parameters.lineage_file !== now)
    throw new Error(
      `Atlan accepted the update of ${workflowName}, but the workflow it returned does not name the new file (${describeDirectFile(now)}); nothing was run. Check the workflow in the Atlan UI.`
    )
  return { before, now }
}
