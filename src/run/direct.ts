// Direct-upload workflows (docs/atlan-contract.md §10.1, §10.3): which file a workflow's
// `lineage_file` names, and pointing it at a newly uploaded one the way the Atlan UI does.
import { templateArguments, type StoredTemplate, type WorkflowInfo } from '../atlan/client.js'
import { AtlanError } from '../atlan/errors.js'
import type { AtlanFile } from '../atlan/files.js'
import {
  applyEdits,
  jsonTree,
  MAX_JSON_DEPTH,
  member,
  modify,
  nestsDeeperThan,
  nodeAt,
  propertiesNamed,
  type Edit
} from '../atlan/json-text.js'
import { ConfigError } from '../config/errors.js'
import type { AppliedOptions } from '../config/types.js'
import type { Logger } from '../runtime.js'
import type { AtlanApi } from './api.js'
import { settingsDrift } from './settings.js'

/** The longest stored `lineage_file` this action reads or edits; the UI stores a few hundred characters. */
export const MAX_LINEAGE_FILE_CHARS = 16 * 1024
/** Its deepest nesting; the UI stores a flat object. */
export const MAX_LINEAGE_FILE_DEPTH = 16

/**
 * The two forms of `lineage_file`: current templates store a JSON string whose `fileKey` and
 * `fileId` the run reads (other keys are kept as they are); older ones store the object key.
 */
export type DirectFile =
  { form: 'json'; text: string; value: Record<string, unknown> } | { form: 'plain'; key: string }

/**
 * Reads a stored `lineage_file`; a string naming why when it is neither form. Its size and
 * nesting are bounded before it is parsed, so an oversized value is refused while resolving the
 * target, before anything is uploaded.
 */
export function parseDirectFile(value: unknown): DirectFile | string {
  if (typeof value !== 'string') return 'it stores no lineage_file text'
  if (value.length > MAX_LINEAGE_FILE_CHARS)
    return `its lineage_file is ${value.length} characters long, more than the ${MAX_LINEAGE_FILE_CHARS} this action reads`
  const text = value.trim()
  if (text === '') return 'its lineage_file is empty'
  if (/^[{["]/.test(text)) {
    if (nestsDeeperThan(text, MAX_LINEAGE_FILE_DEPTH))
      return `its lineage_file nests deeper than ${MAX_LINEAGE_FILE_DEPTH} levels`
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return 'its lineage_file looks like JSON but does not parse'
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return 'its lineage_file is JSON but not an object with fileKey and fileId'
    return { form: 'json', text: value, value: parsed as Record<string, unknown> }
  }
  if ([...text].some(c => c.charCodeAt(0) < 0x20))
    return 'its lineage_file is neither JSON nor an object key'
  return { form: 'plain', key: text }
}

/**
 * The new `lineage_file` text: same form, pointing at `file`. In the JSON form only the values
 * of `fileKey` and `fileId` change (every occurrence, should a key repeat), or they are added;
 * every other byte stays as stored.
 */
export function withNewFile(current: DirectFile, file: Pick<AtlanFile, 'key' | 'id'>): string {
  if (current.form === 'plain') return file.key
  const tree = jsonTree(current.text)
  const wanted: [string, string][] = [
    ['fileKey', file.key],
    ['fileId', file.id]
  ]
  const edits: Edit[] = []
  for (const [key, value] of wanted)
    for (const property of propertiesNamed(tree, key)) {
      const node = property.children?.[1]
      if (node)
        edits.push({ offset: node.offset, length: node.length, content: JSON.stringify(value) })
    }
  let text = applyEdits(current.text, edits)
  for (const [key, value] of wanted)
    if (!propertiesNamed(tree, key).length) text = applyEdits(text, modify(text, [key], value, {}))
  return text
}

/** A server-given key or id as shown: plain when it is a plain name, else quoted (no line breaks). */
export function shownId(v: unknown): string {
  if (typeof v !== 'string') return '(none)'
  return /^[\w./@:+-]+$/.test(v) ? v : JSON.stringify(v)
}

/** One phrase naming the file a `lineage_file` value points at, for logs and the summary. */
export function describeDirectFile(value: unknown): string {
  const f = parseDirectFile(value)
  if (typeof f === 'string') return typeof value === 'string' ? JSON.stringify(value) : f
  if (f.form === 'plain') return `key ${shownId(f.key)}`
  return `fileKey ${shownId(f.value.fileKey)}, fileId ${shownId(f.value.fileId)}`
}

/** `uploaded`: the file this step already uploaded, which the workflow was not pointed at. */
export function unreadableDirectFile(
  workflowName: string,
  why: string,
  uploaded?: Pick<AtlanFile, 'key'>
): ConfigError {
  const done = uploaded
    ? `did not change or run it (the uploaded file, key ${shownId(uploaded.key)}, is unused)`
    : 'did not upload anything'
  return new ConfigError(
    `Workflow ${workflowName} is a Direct-upload workflow, but ${why}, so this action cannot tell which file it reads and ${done}. ` +
      'Upload a file to it once in the Atlan UI (edit the workflow, Input → Direct upload), or use another workflow_name.',
    'workflow_name'
  )
}

/**
 * Before anything is uploaded: the template as stored can be pointed at a new file. The plan saw
 * only the run arguments the index parses (the last of duplicates), not the template's text,
 * which is what the update edits (§10.3); pointAtFile checks it again after the upload.
 */
export async function assertEditable(
  api: Pick<AtlanApi, 'readTemplate'>,
  workflowName: string
): Promise<void> {
  const read = await api.readTemplate(workflowName)
  if (!read)
    throw new Error(
      `Workflow ${workflowName} was not found when reading it before the upload; nothing was uploaded or run. Check it in the Atlan UI.`
    )
  const edit = editLineageFile(read.text, { key: '', id: '' })
  if (typeof edit === 'string') throw unreadableDirectFile(workflowName, edit)
}

/** Where the run task's arguments sit (docs/atlan-contract.md §5.2), which is where runs read them. */
const PARAMETERS_PATH = ['spec', 'templates', 0, 'dag', 'tasks', 0, 'arguments', 'parameters']

/**
 * A template's text with only its `lineage_file` value replaced (docs/atlan-contract.md §10.3),
 * and the value before and after; a string naming why when it cannot be edited safely.
 */
export function editLineageFile(
  templateText: string,
  file: Pick<AtlanFile, 'key' | 'id'>
): { text: string; before: string; now: string } | string {
  if (nestsDeeperThan(templateText, MAX_JSON_DEPTH))
    return `its template nests deeper than ${MAX_JSON_DEPTH} levels`
  const parameters = nodeAt(jsonTree(templateText), PARAMETERS_PATH)
  const named = (parameters?.children ?? []).filter(
    p => member(p, 'name')?.value === 'lineage_file'
  )
  if (named.length === 0) return 'it has no lineage_file argument'
  // Which one Atlan reads is not documented: never guess.
  if (named.length > 1) return 'its lineage_file argument appears more than once'
  const node = member(named[0], 'value')
  const before: unknown = node?.type === 'string' ? node.value : undefined
  const current = parseDirectFile(before)
  if (!node || typeof before !== 'string' || typeof current === 'string')
    return typeof current === 'string' ? current : 'it stores no lineage_file text'
  const now = withNewFile(current, file)
  const edit = { offset: node.offset, length: node.length, content: JSON.stringify(now) }
  return { text: applyEdits(templateText, [edit]), before, now }
}

export interface FileChange {
  /** `lineage_file` as read right before the update, and as stored now. */
  before: string
  now: string
  /** Set when another change may have been overwritten by the update (see lostChange). */
  warning?: string
}

const isConflict = (e: unknown) => e instanceof AtlanError && e.status === 409

/**
 * Points workflow `workflowName` at `file`: reads the template right before writing (the search
 * index is the only read of one template a public source documents), changes only its
 * `lineage_file` value in the text, and sends the rest back byte for byte (§10.3). A conflict
 * (409: the template changed since it was read) gets one fresh read and one more try; an update
 * whose reply was lost is never sent again, a fresh read decides (afterLostReply). Returns
 * the value before and after, so a user can roll back in the UI.
 */
export async function pointAtFile(
  api: Pick<AtlanApi, 'readTemplate' | 'updateWorkflow'>,
  workflowName: string,
  file: AtlanFile,
  planned: AppliedOptions,
  log: Pick<Logger, 'info'>
): Promise<FileChange> {
  let before: string | undefined
  for (let attempt = 1; ; attempt++) {
    const read = await api.readTemplate(workflowName)
    if (!read)
      throw new Error(
        `Workflow ${workflowName} was not found when reading it before the update; it was not changed and nothing was run. Check it in the Atlan UI.`
      )
    assertSettingsAsPlanned(workflowName, read, file, planned)
    const edit = editLineageFile(read.text, file)
    if (typeof edit === 'string') throw unreadableDirectFile(workflowName, edit, file)
    // An update whose reply was lost (then refused as a conflict when resent) was stored.
    if (before !== undefined && edit.before === edit.now) return { before, now: edit.now }
    before = edit.before
    let stored: Awaited<ReturnType<typeof api.updateWorkflow>>
    try {
      stored = await api.updateWorkflow(workflowName, edit.text)
    } catch (e) {
      // The reply was lost: the update may have been stored. It is never resent blindly.
      if (e instanceof AtlanError && e.submitOutcomeUnknown)
        return afterLostReply(api, workflowName, file, { before, lost: e, planned }, log)
      if (!isConflict(e)) throw e
      if (attempt === 2) throw changedMeanwhile(workflowName, file)
      log.info(
        `Atlan refused the update of ${workflowName} as a conflict (409): the workflow changed after it was read. Reading it again and retrying once, changing only lineage_file.`
      )
      continue
    }
    if (stored.parameters.lineage_file !== edit.now)
      throw new Error(
        `Atlan accepted the update of ${workflowName}, but the workflow it returned does not name the new file (${describeDirectFile(edit.now)}); nothing was run. Check the workflow in the Atlan UI.`
      )
    return { before, now: edit.now, warning: lostChange(workflowName, read, stored) }
  }
}

/**
 * After an update whose reply was lost (§10.3): the workflow is read again. When it already names
 * the new file the update was stored, and the step carries on; otherwise nobody can tell whether
 * it was, or whether someone changed the workflow meanwhile, so the step stops without a rerun.
 */
async function afterLostReply(
  api: Pick<AtlanApi, 'readTemplate'>,
  workflowName: string,
  file: AtlanFile,
  update: { before: string; lost: AtlanError; planned: AppliedOptions },
  log: Pick<Logger, 'info'>
): Promise<FileChange> {
  const { before, lost } = update
  const read = await api.readTemplate(workflowName).catch(() => undefined)
  const edit = read && editLineageFile(read.text, file)
  if (read && edit && typeof edit !== 'string' && edit.before === edit.now) {
    // The update was stored, but a run would still apply settings the plan never saw.
    assertSettingsAsPlanned(workflowName, read, file, update.planned, { updated: true })
    log.info(
      `Atlan did not confirm the update of ${workflowName} (${lost.reason}), but reading it again shows it names the new file: the update was stored.`
    )
    return { before, now: edit.now }
  }
  throw new AtlanError({
    ...lost,
    summary: `Atlan did not confirm the update of workflow ${workflowName} (${lost.reason}), and reading it again does not show the new file: the update may or may not have been stored, and the workflow may have been changed in Atlan meanwhile.`,
    hint: `The update was not sent again and nothing was run (the uploaded file, key ${shownId(file.key)}, may be unused). Check the workflow in the Atlan UI (the file it reads and its other settings), then re-run the job.`
  })
}

/**
 * The CSV was checked, and the tenant check gated, with the settings the plan read (settings.ts):
 * a run must not apply others. A change saved in Atlan since then stops the step before the write.
 */
function assertSettingsAsPlanned(
  workflowName: string,
  read: StoredTemplate,
  file: AtlanFile,
  planned: AppliedOptions,
  { updated = false } = {}
): void {
  const changed = settingsDrift(planned, {
    name: workflowName,
    parameters: templateArguments(read.doc)
  })
  if (changed.length)
    throw new Error(
      `The settings of workflow ${workflowName} changed in Atlan since this step's plan: ${changed.join(', ')}. ` +
        `The CSV was checked (and the tenant check gated) with the settings read then, so nothing was run` +
        (updated
          ? ` (the workflow does read the new file, key ${shownId(file.key)}).`
          : `, and the workflow was not pointed at the new file (the uploaded file, key ${shownId(file.key)}, is unused).`) +
        ' Re-run the job to plan with the settings Atlan stores now.'
    )
}

function changedMeanwhile(workflowName: string, file: AtlanFile): Error {
  return new Error(
    `Workflow ${workflowName} changed in Atlan while this step was pointing it at the new file: Atlan refused the update as a conflict (409) again after a fresh read, so the workflow was not changed and nothing was run (the uploaded file, key ${shownId(file.key)}, is unused). Re-run the job once nobody is editing the workflow.`
  )
}

/**
 * INFERENCE (docs/atlan-contract.md §10.3): `metadata.generation` counts the changes to a
 * template, so an update that raises it by more than one followed another change this step did
 * not read: that change may have been overwritten. A warning, as the count cannot prove it.
 */
function lostChange(
  workflowName: string,
  read: StoredTemplate,
  stored: Pick<WorkflowInfo, 'generation'>
): string | undefined {
  const was = read.doc.metadata.generation
  if (!Number.isSafeInteger(was) || stored.generation === undefined) return undefined
  if (stored.generation <= (was as number) + 1) return undefined
  return `Workflow ${workflowName} was changed in Atlan by someone else around this step's update (its generation went from ${String(was)} to ${stored.generation}; this step's update accounts for one): that change may have been overwritten, and this run applies the template as this step read it. Check the workflow's settings in the Atlan UI and redo the change if it is gone.`
}
