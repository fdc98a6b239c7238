// The post step: if the main step was cancelled or killed while a run it started (or may have
// started) was in flight, stop that run. The main step clears the state on every other ending,
// so nothing here runs after a normal finish or an error. It never fails the job by itself: every
// problem here is a warning.
import { AtlanClient, type RunInfo } from './atlan/client.js'
import { readInputs } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import { describeError, log } from './report/untrusted.js'
import { systemClock, type Clock } from './runtime.js'
import { RECENT_RUNS } from './run/api.js'
import { isTerminal } from './run/follow.js'
import { loadInFlight, saveInFlight, type InFlight } from './run/state.js'
import { findNewRun } from './run/submit.js'
import { VERSION } from './version.js'

/** How long to look for the run of a submit that never answered (the index may lag). */
const FIND_RUN_MS = 30_000

/**
 * The run a submit that never answered may have started (docs/atlan-contract.md §3.6-3.7): the
 * newest Pending/Running run of the workflow that was not already active before the submit.
 */
export function findStartedRun(
  client: Pick<AtlanClient, 'runsOf'>,
  inFlight: InFlight,
  clock: Pick<Clock, 'now' | 'sleep'>
): Promise<RunInfo | undefined> {
  const earlier = new Set(inFlight.earlierActive ?? [])
  return findNewRun(
    clock,
    () => client.runsOf(inFlight.workflowName, RECENT_RUNS),
    r => !isTerminal(r.phase) && !earlier.has(r.name),
    { withinMs: FIND_RUN_MS }
  )
}

export async function cleanup(): Promise<void> {
  const inFlight = loadInFlight()
  if (!inFlight) return
  try {
    const config = parseConfig(readInputs())
    if (!config.cancelOnJobCancel) {
      log.info(
        `Run of ${inFlight.workflowName} may still be in flight; cancel_on_job_cancel is false, so it is left running.`
      )
      return
    }
    const client = new AtlanClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      version: VERSION,
      requestTimeoutMs: Math.min(config.requestTimeoutMs, 10_000),
      deadline: Date.now() + 60_000
    })
    try {
      let runName = inFlight.runName
      if (!runName) {
        log.info(
          `The main step was cancelled before Atlan named the run of ${inFlight.workflowName}: looking for it.`
        )
        runName = (await findStartedRun(client, inFlight, systemClock))?.name
      }
      if (!runName) {
        log.info(`No run of ${inFlight.workflowName} is in flight: nothing to stop.`)
        return
      }
      await client.stopRun(runName)
      saveInFlight(undefined)
      log.info(`The job ended while run ${runName} was in flight: asked Atlan to stop it.`)
    } finally {
      await client.close()
    }
  } catch (err) {
    log.warning(
      `Post step: could not stop the in-flight run of ${inFlight.workflowName}: ${describeError(err)}`
    )
  }
}
