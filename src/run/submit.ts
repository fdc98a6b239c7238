// Start exactly one run, or attach to one already running. A submit whose outcome is unknown is
// never resent blindly: Atlan may have started the run, so we look for it first.
import { isValidName, type RunInfo } from '../atlan/client.js'
import { AtlanError } from '../atlan/errors.js'
import type { Clock, Logger } from '../runtime.js'
import { RECENT_RUNS, type AtlanApi } from './api.js'
import { isTerminal } from './follow.js'
import type { Target } from './resolve.js'
import { CancelledError } from './signals.js'
import { saveInFlight } from './state.js'

export interface Started {
  workflowName: string
  /** Known at once after a rerun or an attach; after a create, found by polling. */
  runName?: string
  attached: boolean
  /** Runs of the workflow that existed before this step (not ours). */
  earlierRuns: RunInfo[]
}

export interface SubmitDeps extends Pick<Clock, 'now' | 'sleep'> {
  api: AtlanApi
  log: Logger
  /** The job's cancel signal: after it, no submit is sent and searching for a landed run stops. */
  signal?: AbortSignal
}

export class SubmitUnconfirmedError extends Error {
  override readonly name = 'SubmitUnconfirmedError'
}

/**
 * The first run `isNew` accepts among the workflow's newest, searched for up to `withinMs` with
 * back-off (the index may lag), and no longer once `signal` aborts. After a submit Atlan did not
 * confirm, a search that fails is one more miss; in the post step it is the error to report.
 */
export async function findNewRun(
  clock: Pick<Clock, 'now' | 'sleep'>,
  search: () => Promise<RunInfo[]>,
  isNew: (run: RunInfo) => boolean,
  opts: { withinMs: number; signal?: AbortSignal }
): Promise<RunInfo | undefined> {
  const until = clock.now() + opts.withinMs
  for (let wait = 1000; ; wait = Math.min(wait * 2, 10_000)) {
    const fresh = (await search()).find(isNew)
    if (fresh) return fresh
    if (opts.signal?.aborted || clock.now() + wait > until) return undefined
    await clock.sleep(wait)
  }
}

export async function startRun(
  deps: SubmitDeps,
  target: Target,
  opts: { idempotent: boolean; graceMs: number }
): Promise<Started> {
  const { api, log } = deps
  const workflowName = target.kind === 'rerun' ? target.workflow.name : target.doc.metadata.name
  const earlierRuns = target.kind === 'rerun' ? await api.runsOf(workflowName, RECENT_RUNS) : []
  const before = new Set(earlierRuns.map(r => r.name))
  const earlierActive = earlierRuns.filter(r => !isTerminal(r.phase)).map(r => r.name)

  if (target.kind === 'rerun' && opts.idempotent) {
    const current = earlierRuns.find(r => !isTerminal(r.phase))
    if (current) {
      log.info(
        `Run ${current.name} of ${workflowName} is already ${current.phase}: following it instead of starting another (idempotent: true).`
      )
      return { workflowName, runName: current.name, attached: true, earlierRuns }
    }
  }

  // At most two submits, and the second only after a 503 (the server says it did not take the
  // request) and a search over index_grace that found no new run.
  for (let attempt = 1; ; attempt++) {
    if (deps.signal?.aborted)
      throw new CancelledError('The job was cancelled: no run was submitted.')
    // Saved BEFORE the request: if the job is killed while it is in flight, the post step looks
    // for the run it may have started.
    saveInFlight({ workflowName, earlierActive })
    try {
      if (target.kind === 'rerun') {
        const reply = await api.rerun(workflowName, target.workflow.namespace)
        let runName = reply.runName
        if (runName !== undefined && !isValidName(runName)) {
          log.warning(
            `Atlan answered the rerun with a run id that is not a valid run name (${JSON.stringify(String(runName).slice(0, 80))}); looking the run up by search instead.`
          )
          runName = undefined
        }
        return { workflowName, runName, attached: false, earlierRuns }
      }
      const { workflowName: created } = await api.submitWorkflow(target.doc)
      const name = created && isValidName(created) ? created : workflowName
      if (name !== workflowName) saveInFlight({ workflowName: name, earlierActive })
      return { workflowName: name, attached: false, earlierRuns }
    } catch (err) {
      if (!(err instanceof AtlanError && err.submitOutcomeUnknown)) throw err
      log.warning(
        `Atlan did not confirm the submit (${err.message}). Looking for the run before doing anything else.`
      )
      // A run that is not one of those seen before the submit is ours. None within index_grace:
      // we cannot tell, so we stop rather than risk a second run.
      const landed = await findNewRun(
        deps,
        () => api.runsOf(workflowName, RECENT_RUNS).catch((): RunInfo[] => []),
        r => !before.has(r.name),
        { withinMs: opts.graceMs, signal: deps.signal }
      )
      if (landed) {
        log.info(`The submit did land: following run ${landed.name}.`)
        return { workflowName, runName: landed.name, attached: false, earlierRuns }
      }
      if (deps.signal?.aborted)
        throw new CancelledError(
          'The job was cancelled while Atlan had not confirmed the submit; the post step looks for the run and stops it.'
        )
      if (attempt === 1 && err.status === 503) {
        log.warning(
          'Atlan answered 503 Service Unavailable (it did not take the submit) and no new run appeared within index_grace: submitting once more.'
        )
        continue
      }
      throw new SubmitUnconfirmedError(
        `Atlan did not confirm the submit of ${workflowName} and no new run appeared within index_grace. ` +
          'The action does not resubmit, to avoid starting two runs: check the workflow in the Atlan UI, then rerun this job if no run started.'
      )
    }
  }
}
