// The first half of applying a plan: the CSV goes where the target's workflow reads it, through one
// interface over the two stores this action can write: the tenant's object store (a presigned
// PUT, docs/atlan-contract.md §3.13) or a Direct-upload file the workflow is then pointed at
// (§10.1, §10.3). A new file never rides on a run that is already going: that run ends first.
import { stat } from 'node:fs/promises'
import { DIRECT_UPLOAD_LIMIT_BYTES, TOO_LARGE_HINT } from '../atlan/files.js'
import { formatDuration } from '../config/duration.js'
import { ConfigError } from '../config/errors.js'
import type { AppliedOptions, Config } from '../config/types.js'
import type { Clock, Logger } from '../runtime.js'
import { RECENT_RUNS, type AtlanApi } from './api.js'
import { assertEditable, describeDirectFile, pointAtFile, shownId } from './direct.js'
import { followRun, isTerminal } from './follow.js'
import type { Target } from './resolve.js'

export interface UploadDeps extends Clock {
  api: AtlanApi
  log: Logger
  signal: AbortSignal
}

/** How the step ends when it stops before the upload: the earlier run timed out or the job was cancelled. */
export type UploadStop =
  { kind: 'cancelled'; message: string } | { kind: 'timed-out'; message: string; passes: false }

/** Where the target's workflow reads its CSV, as this action writes it. */
interface Store {
  /** Refuses, before anything is sent, a file (or a workflow) this store cannot take. */
  check(file: string): Promise<void>
  /** Sends the file (and points the workflow at it); returns what the summary should note. */
  put(file: string): Promise<string[]>
}

/**
 * Uploads the lineage file to the target's store, after any run of the workflow that is already
 * going has ended. Returns the notes for the summary, or how the step ends when it stops first.
 */
export async function upload(
  deps: UploadDeps,
  config: Config,
  target: Target,
  opts: {
    file: string
    workflowName: string
    deadline: number
    csvSha256?: string
    /** The settings the plan read and checked the CSV with; a write stops if Atlan's differ. */
    planned: AppliedOptions
  }
): Promise<{ notes: string[] } | { stop: UploadStop }> {
  const store = storeOf(deps, target, opts)
  await store.check(opts.file)
  // A new file never rides on an older run: a run already going may read it, or be taken for ours.
  if (target.kind === 'rerun') {
    const stop = await waitForEarlierRun(deps, config, opts.workflowName, opts.deadline)
    if (stop) return { stop }
  }
  return { notes: await store.put(opts.file) }
}

/** The store the target's workflow reads; a ConfigError when this action cannot write there. */
function storeOf(
  deps: UploadDeps,
  target: Target,
  opts: { file: string; workflowName: string; csvSha256?: string; planned: AppliedOptions }
): Store {
  const { api, log } = deps
  const { storage } = target
  switch (storage.kind) {
    case 'tenant':
      return {
        check: async () => undefined,
        put: async file => {
          const url = await api.presignUpload(storage.key)
          await api.uploadFile(url, file)
          log.info(`Uploaded ${file} to the tenant store at ${storage.key}.`)
          return []
        }
      }
    case 'direct':
      return {
        check: async file => {
          await checkDirectSize(file)
          await assertEditable(api, opts.workflowName)
        },
        put: async file => {
          const uploaded = await api.uploadDirect(file, opts.csvSha256)
          log.info(
            `Uploaded ${file} to Atlan as a Direct-upload file (key ${shownId(uploaded.key)}, id ${shownId(uploaded.id)}).`
          )
          const { workflowName } = opts
          const change = await pointAtFile(api, workflowName, uploaded, opts.planned, log)
          const note = `${workflowName} read ${describeDirectFile(change.before)} before this step; it now reads ${describeDirectFile(change.now)}. To roll back, run this action again at the earlier commit (re-run that commit's job, or revert the CSV and push): it uploads that version and points the workflow at it.`
          log.info(note)
          if (!change.warning) return [note]
          log.warning(change.warning)
          return [note, change.warning]
        }
      }
    default:
      throw new ConfigError(
        `The workflow reads its CSV from ${storage.description}, which this action cannot write to. ` +
          `Upload ${opts.file} there first with your cloud's own action (e.g. aws s3 cp, gsutil cp or az storage blob upload), ` +
          "then run this action without lineage_file (or use a workflow that reads from Atlan's own store: mode: create with object_store: tenant).",
        'lineage_file'
      )
  }
}

/** Atlan's direct upload takes at most 10 MB: say so before sending anything. */
async function checkDirectSize(file: string): Promise<void> {
  const size = (await stat(file)).size
  if (size > DIRECT_UPLOAD_LIMIT_BYTES)
    throw new ConfigError(
      `${file} is ${size} bytes, larger than a Direct-upload workflow accepts; nothing was uploaded. ${TOO_LARGE_HINT}`,
      'lineage_file'
    )
}

/**
 * Waits for a Pending/Running run of the workflow to end before a new file is uploaded. Returns
 * how the step ends when it must stop here (timeout or cancel), undefined to go on.
 */
async function waitForEarlierRun(
  deps: UploadDeps,
  config: Config,
  workflowName: string,
  deadline: number
): Promise<UploadStop | undefined> {
  const { api, log } = deps
  // The same search startRun makes (§3.7): the newest run that is still active.
  const earlier = (await api.runsOf(workflowName, RECENT_RUNS)).find(r => !isTerminal(r.phase))
  if (!earlier) return undefined
  log.info(
    `Run ${earlier.name} of ${workflowName} is ${earlier.phase}. Waiting for it to end before uploading ${config.lineageFile}, so that run does not read the new file and its result is not reported as this one's.`
  )
  const runUrl = api.runUrl(workflowName, earlier.name)
  const follow = await followRun(
    {
      ...deps,
      fetchRun: () => api.getRun(earlier.name)
    },
    {
      pollIntervalMs: config.pollIntervalMs,
      deadline,
      indexGraceMs: config.indexGraceMs,
      estimateMs: earlier.estimatedDurationS ? earlier.estimatedDurationS * 1000 : undefined,
      signal: deps.signal,
      runUrl
    }
  )
  switch (follow.kind) {
    case 'terminal':
      log.info(
        `Run ${earlier.name} ended ${follow.run.phase}; uploading ${config.lineageFile} now.`
      )
      return undefined
    case 'invisible':
      log.info(
        `Run ${earlier.name} is no longer in the search index; uploading ${config.lineageFile} now.`
      )
      return undefined
    case 'aborted':
      return {
        kind: 'cancelled',
        message: `The job was cancelled while waiting for run ${earlier.name} to end; nothing was uploaded and no run was started.`
      }
    case 'timeout':
      return {
        kind: 'timed-out',
        passes: false,
        message: `Run ${earlier.name} of ${workflowName} was still ${follow.last?.phase ?? earlier.phase} when timeout (${formatDuration(config.timeoutMs)}) passed; nothing was uploaded and no run was started, so it could not read the new file. Let it finish (or stop it in Atlan: ${runUrl}), then run this job again.`
      }
  }
}
